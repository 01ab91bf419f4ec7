# One-command set-up: every target creates/uses the local virtual environment .venv/.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= data/processed/seeds
INPUT ?= seeds

.PHONY: setup run ingest test lint lab clean-venv

setup: $(STAMP)

# Re-installs only when the project's dependency list changes.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The main job: ingest (reusing unchanged results) → analyze → every notebook → HTML briefs in reports_out/.
run: setup
	$(BIN)/fazhi brief $(INPUT) --tables $(OUT)

ingest: setup
	$(BIN)/fazhi ingest $(INPUT) -o $(OUT)

# JupyterLab on the notebooks, which read the seeds' tables: made first when missing or not current (the ingest is
# reused when nothing changed; analyze only when its tables are not those of the current ingest).
lab: setup
	$(BIN)/fazhi ingest $(INPUT) -o $(OUT) --quiet
	test -f $(OUT)/problem_topics.parquet || $(BIN)/fazhi analyze $(OUT)
	$(BIN)/jupyter lab notebooks/

test: setup
	$(BIN)/python -m pytest -q

# ruff, the layers of the library (import-linter contracts in pyproject.toml) and its docstrings (numpydoc)
lint: setup
	$(BIN)/ruff check fazhi_lib tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/python -m numpydoc lint $$(find fazhi_lib -name '*.py' | sort)

clean-venv:
	rm -rf $(VENV)
