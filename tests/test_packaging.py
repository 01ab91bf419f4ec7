"""An installed copy works outside the checkout: a wheel built from it renders the briefs from another directory,
with the notebooks it ships, and an empty run is an error, never a success."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fazhi_lib.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _notebook(path: Path, code: str) -> None:
    meta = json.loads((ROOT / "notebooks" / "00_corpus_overview.ipynb").read_text(encoding="utf-8"))["metadata"]
    cells = [{"cell_type": "code", "execution_count": None, "id": "p", "metadata": {"tags": ["parameters"]},
              "outputs": [], "source": 'tables_dir = ""'},
             {"cell_type": "markdown", "id": "h", "metadata": {}, "source": "# Where the library comes from"},
             {"cell_type": "code", "execution_count": None, "id": "c", "metadata": {}, "outputs": [], "source": code}]
    path.write_text(json.dumps({"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}),
                    encoding="utf-8")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The wheel built from this checkout, installed into a folder of its own (put on PYTHONPATH)."""
    tmp = tmp_path_factory.mktemp("wheel")
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp / "dist"),
                            str(ROOT)], capture_output=True, text=True)
    if build.returncode != 0:
        pytest.skip(f"cannot build a wheel here: {build.stderr.strip()[-300:]}")
    wheel = next((tmp / "dist").glob("fazhi-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(tmp / "site"),
                    str(wheel)], check=True, capture_output=True)
    return tmp / "site"


def _run(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run([sys.executable, "-m", "fazhi_lib.cli", *args], capture_output=True, text=True, cwd=cwd,
                          env=env)


@pytest.mark.notebook
def test_a_wheel_renders_the_briefs_from_another_directory(installed: Path, tmp_path: Path):
    elsewhere = tmp_path / "elsewhere"
    reports = shutil.copytree(ROOT / "seeds", elsewhere / "reports")
    probe = subprocess.run([sys.executable, "-c", "import fazhi_lib; print(fazhi_lib.__file__)"], capture_output=True,
                           text=True, cwd=elsewhere, env={**os.environ, "PYTHONPATH": str(installed)})
    assert Path(probe.stdout.strip()).is_relative_to(installed)  # the installed copy, not the checkout

    res = _run(installed, elsewhere, "brief", "reports", "--out", "out", "--jobs", "2")
    assert res.returncode == 0, res.stderr
    manifest = json.loads((elsewhere / "out" / "latest" / "manifest.json").read_text(encoding="utf-8"))
    shipped = {n["notebook"] for n in manifest["notebooks"] if n["status"] == "ok"}
    assert {p.name for p in (ROOT / "notebooks").glob("*.ipynb")} <= shipped  # the notebooks the wheel ships
    assert (elsewhere / "out" / "tables" / "reports" / "documents.parquet").is_file()  # tables beside the briefs

    own = tmp_path / "own_notebooks"
    own.mkdir()
    _notebook(own / "where.ipynb", "import fazhi_lib\nprint(fazhi_lib.__file__)")
    res = _run(installed, elsewhere, "brief", str(reports), "--out", "out2", "--notebooks", str(own))
    assert res.returncode == 0, res.stderr
    ran = json.loads((elsewhere / "out2" / "latest" / "where.ipynb").read_text(encoding="utf-8"))
    printed = "".join("".join(o.get("text", "")) for c in ran["cells"] for o in c.get("outputs", []))
    assert Path(printed.strip()).is_relative_to(installed)  # in the kernel too


def test_outside_the_checkout_no_reports_is_an_error(installed: Path, tmp_path: Path):
    res = _run(installed, tmp_path, "brief", "--out", "out")
    assert res.returncode == 2 and "no reports given" in res.stderr
    assert not (tmp_path / "out").exists()


def test_no_notebook_found_is_an_error(tmp_path: Path, capsys):
    empty = tmp_path / "no_notebooks"
    empty.mkdir()
    assert main(["brief", str(ROOT / "seeds"), "--out", str(tmp_path / "out"), "--notebooks", str(empty)]) == 2
    assert "no notebook" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
