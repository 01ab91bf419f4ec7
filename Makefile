# One-command set-up: every target creates/uses the local virtual environment .venv/.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= data/processed/seeds
INPUT ?= seeds

.PHONY: setup run test lint clean-venv

setup: $(STAMP)

# Re-installs only when the project's dependency list changes.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: setup
	$(BIN)/fazhi ingest $(INPUT) -o $(OUT)

test: setup
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check fazhi_lib tests benchmarks

clean-venv:
	rm -rf $(VENV)
