"""`fazhi brief` / fazhi_lib.briefs on a tiny corpus and a tiny notebooks directory made here (not the real ones)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import pytest
from texts import REPORT

from fazhi_lib.briefs import notebook_parameters, parse_value, render_index, run_briefs, run_id

pytest.importorskip("papermill")


EVIL = "<script>alert(1)</script>"


def _notebook(path: Path, heading: str, params_src: str, body: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell(params_src)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {heading}\n\nintro"), params, nbformat.v4.new_code_cell(body)]
    nbformat.write(nb, str(path))


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("briefs")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "r1.txt").write_text(REPORT, encoding="utf-8")
    nbs = root / "notebooks"
    nbs.mkdir()
    _notebook(nbs / "a_ok.ipynb", f"Good brief {EVIL}",
              'tables_dir = "x"\ninput_dir = "y"\nlabel = "default"  # shown\n',
              "import pandas as pd\nfrom pathlib import Path\n"
              "docs = pd.read_parquet(Path(tables_dir) / 'documents.parquet')\n"
              "assert Path('a_ok.ipynb').exists()  # cwd is the notebooks directory\n"
              "print(label, len(docs))")
    _notebook(nbs / "b_fail.ipynb", "Failing brief", 'tables_dir = "x"\n',
              "raise ValueError('boom ' + '<img src=x onerror=alert(2)>')")
    _notebook(nbs / "c_report.ipynb", "Per report", 'tables_dir = "x"\ndoc_id = None\n',
              "import pandas as pd\nfrom pathlib import Path\n"
              "docs = pd.read_parquet(Path(tables_dir) / 'documents.parquet')\n"
              "assert doc_id in set(docs['doc_id'])")
    out = root / "reports_out"
    tables = root / "tables"
    manifest = run_briefs([corpus], out=out, params={"label": EVIL, "unused": 1}, jobs=2, tables_dir=tables,
                          notebooks_dir=nbs, log=lambda *a: None)
    return {"root": root, "corpus": corpus, "nbs": nbs, "out": out, "tables": tables, "manifest": manifest}


def test_helpers(tmp_path):
    _notebook(tmp_path / "n.ipynb", "T", 'a = 1\nb: str = "x"\nc = [1, 2]\nd = None\ne = list()\n', "pass")
    assert notebook_parameters(tmp_path / "n.ipynb") == {"a": 1, "b": "x", "c": [1, 2], "d": None, "e": "list()"}
    assert parse_value("3") == 3 and parse_value("None") is None and parse_value("abc") == "abc"
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    rid = run_id({"a": 1}, now)
    assert rid.startswith("20260102-030405-") and len(rid) == len("20260102-030405-") + 8
    assert rid == run_id({"a": 1}, now) != run_id({"a": 2}, now)


def test_manifest_statuses_and_filtered_parameters(setup):
    m = setup["manifest"]
    by = {n["name"]: n for n in m["notebooks"]}
    assert by["a_ok"]["status"] == "ok"
    assert by["a_ok"]["parameters"] == {"tables_dir": str(setup["tables"].resolve()),
                                        "input_dir": str(setup["corpus"].resolve()), "label": EVIL}
    assert by["b_fail"]["status"] == "failed"
    assert by["b_fail"]["error"].startswith("ValueError: boom")
    assert by["b_fail"]["parameters"] == {"tables_dir": str(setup["tables"].resolve())}
    reports = [n for n in m["notebooks"] if n["notebook"] == "c_report.ipynb"]
    assert len(reports) == 1 and reports[0]["status"] == "ok" and reports[0]["parameters"]["doc_id"]
    assert m["failed"] == 1
    assert set(m["versions"]) == {"fazhi", "pandas", "matplotlib", "papermill", "nbconvert", "python"}
    assert [Path(f["path"]).name for f in m["corpus"]["files"]] == ["r1.txt"] and len(m["corpus"]["hash"]) == 64
    on_disk = json.loads((Path(m["path"]) / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk["run_id"] == m["run_id"] and on_disk["notebooks"] == m["notebooks"]


def test_layout_atomic_and_latest(setup):
    out, m = setup["out"], setup["manifest"]
    assert not list(out.glob(".*partial*")) and not list(out.rglob("*.tmp*"))
    assert (out / "latest").is_symlink() and (out / "latest").resolve() == Path(m["path"]).resolve()
    run = Path(m["path"])
    for n in m["notebooks"]:
        assert (run / f"{n['name']}.ipynb").exists() and (run / f"{n['name']}.html").exists()
    html_ok = (run / "a_ok.html").read_text(encoding="utf-8")
    assert "docs = pd.read_parquet" not in html_ok  # code hidden by default
    assert 'src="http' not in html_ok and "Good brief" in html_ok  # self-contained


def test_index_lists_briefs_escaped(setup):
    m = setup["manifest"]
    page = (Path(m["path"]) / "index.html").read_text(encoding="utf-8")
    assert EVIL not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # in the heading and in the parameter value
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 2
    assert "ValueError: boom &lt;img src=x onerror=alert(2)&gt;" in page
    assert 'href="a_ok.html"' in page and 'href="b_fail.html"' in page
    assert m["corpus"]["hash"] in page and "Failing brief" in page


def test_render_index_escapes_everything():
    m = {"run_id": "r<1>", "notebooks": [{"name": "n\"><script>", "summary": "<b onerror=x>", "parameters":
                                          {"p": EVIL}, "status": "failed", "error": EVIL, "html": "x\".html",
                                          "duration": 1}],
         "corpus": {"files": [{"path": "<p>.txt", "sha256": "ab"}], "hash": "h"}, "versions": {"<v>": "<1>"},
         "command": {"<k>": "<v>"}, "notes": [EVIL]}
    page = render_index(m)
    for bad in ("<script>", "<b ", "<p>.txt", "<v>", "<k>", 'x".html'):
        assert bad not in page


def test_reuses_tables_and_with_code_and_cli_exit(setup):
    from fazhi_lib.cli import main

    docs = setup["tables"] / "documents.parquet"
    before = docs.stat().st_mtime_ns
    nbs = setup["root"] / "nb_ok"
    nbs.mkdir()
    _notebook(nbs / "only.ipynb", "Only", 'tables_dir = "x"\n', "shown_code_marker = 1")
    m = run_briefs([setup["corpus"]], out=setup["out"], tables_dir=setup["tables"], notebooks_dir=nbs,
                   with_code=True, log=lambda *a: None)
    assert docs.stat().st_mtime_ns == before and m["corpus"]["reused_tables"]
    assert m["failed"] == 0 and "shown_code_marker" in (Path(m["path"]) / "only.html").read_text(encoding="utf-8")
    assert (setup["out"] / "latest").resolve() == Path(m["path"]).resolve()
    import fazhi_lib.briefs as briefs

    old = briefs.DEFAULT_NOTEBOOKS
    briefs.DEFAULT_NOTEBOOKS = setup["nbs"]
    try:
        code = main(["brief", str(setup["corpus"]), "--out", str(setup["root"] / "cli_out"), "--tables",
                     str(setup["tables"]), "-p", "label", "x", "--jobs", "1"])
    finally:
        briefs.DEFAULT_NOTEBOOKS = old
    assert code == 1
    assert (setup["root"] / "cli_out" / "latest" / "index.html").exists()


def test_per_report_off_runs_once_with_a_note(setup):
    nbs = setup["root"] / "nb_report"
    nbs.mkdir()
    _notebook(nbs / "r.ipynb", "Report", 'tables_dir = "x"\ndoc_id = None\n', "print(doc_id)")
    m = run_briefs([setup["corpus"]], out=setup["root"] / "out_once", tables_dir=setup["tables"], notebooks_dir=nbs,
                   per_report=False, log=lambda *a: None)
    assert [n["parameters"] for n in m["notebooks"]] == [{"tables_dir": str(setup["tables"].resolve())}]
    assert m["notes"] and "--per-report" in m["notes"][0]


def test_interrupted_run_leaves_no_partial_dir(setup, monkeypatch):
    import fazhi_lib.briefs as briefs

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(briefs, "prepare_tables", broken)
    out = setup["root"] / "out_broken"
    with pytest.raises(RuntimeError):
        run_briefs([setup["corpus"]], out=out, tables_dir=setup["tables"], notebooks_dir=setup["nbs"],
                   log=lambda *a: None)
    assert list(out.iterdir()) == []
