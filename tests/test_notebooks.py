"""The notebooks in notebooks/: parameterized, committed without outputs, and running top to bottom on the seeds.

The execution test is marked ``notebook`` (select with ``pytest -m notebook``, skip with ``-m "not notebook"``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _nb(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_parameters_cell_and_kernel_metadata(path: Path):
    nb = _nb(path)
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, "no code cell"
    tagged = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, "exactly one code cell must be tagged `parameters`"
    assert tagged[0] is code[0], "the `parameters` cell must be the first code cell"
    ks = nb["metadata"].get("kernelspec", {})
    assert ks.get("name") == "python3" and ks.get("language") == "python" and ks.get("display_name")
    assert nb["metadata"].get("language_info", {}).get("name") == "python"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path: Path):
    nb = _nb(path)
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], "a code cell has outputs: run nbstripout on the notebook"
            assert cell.get("execution_count") is None, "a code cell has an execution count: run nbstripout"
        assert "execution" not in cell.get("metadata", {}), "cell execution metadata left in: run nbstripout"
    assert "papermill" not in nb["metadata"], "papermill metadata left in: commit the source notebook, not a run"
    nbstripout = shutil.which("nbstripout") or str(Path(sys.executable).with_name("nbstripout"))
    if Path(nbstripout).exists():
        res = subprocess.run([nbstripout, "--verify", str(path)], capture_output=True, text=True)
        assert res.returncode == 0, f"nbstripout --verify would change {path.name}: {res.stdout}{res.stderr}"


# ---- running on the seeds -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_tables(tmp_path_factory) -> Path:
    """The seeds ingested and written as a `fazhi ingest` output directory."""
    import fazhi_lib

    out = tmp_path_factory.mktemp("seed_tables")
    fazhi_lib.ingest(ROOT / "seeds").write(out)
    return out


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_stops_on_a_missing_tables_folder(path: Path, tmp_path: Path):
    """A typo in tables_dir is an error naming the folder: the notebook never analyses the seeds in its place."""
    papermill = pytest.importorskip("papermill")
    with pytest.raises(papermill.PapermillExecutionError, match="TablesNotFound") as caught:
        papermill.execute_notebook(str(path), str(tmp_path / path.name),
                                   parameters={"tables_dir": str(tmp_path / "typo")}, cwd=str(path.parent),
                                   kernel_name="python3", progress_bar=False)
    assert "typo" in str(caught.value)


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_on_the_seeds(path: Path, seed_tables: Path, tmp_path: Path):
    """Top to bottom with papermill on written tables."""
    papermill = pytest.importorskip("papermill")
    params = {"tables_dir": str(seed_tables)}
    out = tmp_path / path.name
    papermill.execute_notebook(str(path), str(out), parameters=params, cwd=str(path.parent), kernel_name="python3",
                               progress_bar=False)
    nb = _nb(out)
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert not [o for o in outputs if o.get("output_type") == "stream" and o.get("name") == "stderr"
                and "Glyph" in "".join(o.get("text", ""))], "a chart is missing Chinese glyphs"
    assert [o for o in outputs if "image/png" in o.get("data", {})], "the notebook drew no chart"
