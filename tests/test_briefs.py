"""`fazhi brief` / fazhi_lib.briefs on a tiny corpus and a tiny notebooks directory made here (not the real ones)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from texts import REPORT

import fazhi_lib.briefs as briefs
from fazhi_lib.briefs import notebook_parameters, parse_value, render_index, run_briefs, run_id
from fazhi_lib.cli import main

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
    manifest = run_briefs([corpus], out=out, params={"label": EVIL}, jobs=2, tables_dir=tables,
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


# ---- hostile but ordinary use ----------------------------------------------------------------------------------


@pytest.fixture
def quick(tmp_path, monkeypatch):
    """A two-report corpus and a notebooks folder with one quick notebook (the command's default)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "r1.txt").write_text(REPORT, encoding="utf-8")
    (corpus / "r2.txt").write_text(REPORT.replace("某某镇", "另一镇"), encoding="utf-8")
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    _notebook(nbs / "n.ipynb", "Documents", 'tables_dir = "x"\n',
              "import pandas as pd\nfrom pathlib import Path\n"
              "print(len(pd.read_parquet(Path(tables_dir) / 'documents.parquet')))")
    monkeypatch.setattr(briefs, "DEFAULT_NOTEBOOKS", nbs)
    return tmp_path


def _n_documents(tables: Path) -> int:
    return len(pd.read_parquet(tables / "documents.parquet"))


def test_briefs_written_inside_the_input_folder_are_not_read_back(quick, monkeypatch):
    corpus, tables = quick / "corpus", quick / "tables"
    for _ in range(2):
        assert main(["brief", str(corpus), "--out", str(corpus / "reports"), "--tables", str(tables)]) == 0
        assert _n_documents(tables) == 2
    monkeypatch.chdir(corpus)  # cd corpus && fazhi brief .  (the briefs go to ./reports_out)
    for _ in range(2):
        assert main(["brief", ".", "--tables", str(tables)]) == 0
        assert _n_documents(tables) == 2
    assert (corpus / "reports_out" / "latest" / "index.html").is_file()
    skipped = pd.read_parquet(tables / "skipped.parquet")["source"]
    assert not skipped.str.contains("partial").any()  # not even the folder of the run being made


def test_a_missing_input_stops_before_anything_and_latest_stays(quick, capsys):
    out, tables = quick / "out", quick / "tables"
    assert main(["brief", str(quick / "corpus"), "--out", str(out), "--tables", str(tables)]) == 0
    latest, runs = (out / "latest").resolve(), sorted(out.iterdir())
    before = {p.name: p.stat().st_mtime_ns for p in tables.iterdir()}
    assert main(["brief", str(quick / "corpuz"), "--out", str(out), "--tables", str(tables)]) == 2
    assert "corpuz: no such file or directory" in capsys.readouterr().err
    assert (out / "latest").resolve() == latest and sorted(out.iterdir()) == runs
    assert {p.name: p.stat().st_mtime_ns for p in tables.iterdir()} == before


def test_a_doc_id_not_in_the_corpus_stops_before_the_notebooks(quick, capsys):
    nbs = quick / "nbs"
    _notebook(nbs / "one.ipynb", "One", 'tables_dir = "x"\ndoc_id = None\n', "print(doc_id)")
    out = quick / "out"
    assert main(["brief", str(quick / "corpus"), "--out", str(out), "--tables", str(quick / "tables"),
                 "-p", "doc_id", "0123456789abcdef"]) == 2
    assert "not a report of the corpus" in capsys.readouterr().err
    assert not (out / "latest").exists() and not [p for p in out.iterdir() if p.name.startswith(".")]


def _bound_by_permissions(cmd: list[str], locked: Path) -> list[str]:
    """``cmd`` run so that file permissions hold for it: as ourselves, or, for root (who reads any file), as root
    without the capabilities that override them (so the interpreter under /root stays reachable). Skips when
    ``locked`` stays readable all the same."""
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if not setpriv:
            pytest.skip("running as root without setpriv: cannot make a file unreadable for us")
        cmd = [setpriv, "--bounding-set=-dac_override,-dac_read_search", *cmd]
    probe = subprocess.run([*cmd[: cmd.index(sys.executable)], sys.executable, "-c",
                            f"open({str(locked)!r}).read()"], capture_output=True)
    if probe.returncode == 0:
        pytest.skip("the file made unreadable can still be read here")
    return cmd


def test_an_unreadable_file_is_a_failed_document_and_the_run_goes_on(quick):
    corpus = quick / "corpus"
    locked = corpus / "locked.txt"
    locked.write_text(REPORT.replace("某某镇", "第三镇"), encoding="utf-8")
    locked.chmod(0o000)
    out, tables = quick / "out", quick / "tables"
    cmd = _bound_by_permissions([sys.executable, "-m", "fazhi_lib.cli", "brief", str(corpus), "--out", str(out),
                                 "--tables", str(tables), "--notebooks", str(quick / "nbs"), "--jobs", "1"], locked)
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=quick, timeout=600)
    assert res.returncode == 1, res.stderr[-2000:]
    assert "locked.txt" in res.stdout and "1 files failed" in res.stdout
    manifest = json.loads((out / "latest" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["failed"] == 0 and manifest["corpus"]["n_documents"] == 2
    assert [Path(f["source"]).name for f in manifest["corpus"]["failed_documents"]] == ["locked.txt"]
    assert "locked.txt" in (out / "latest" / "index.html").read_text(encoding="utf-8")


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for c in map(int, children):
                if c not in found:
                    found.add(c)
                    todo.append(c)
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc to follow the processes")
@pytest.mark.parametrize("sig", ["SIGTERM", "SIGKILL"])
def test_killing_the_brief_ends_its_workers_and_kernels(quick, sig):
    nbs = quick / "slow"
    nbs.mkdir()
    for name in ("a", "b"):
        _notebook(nbs / f"{name}.ipynb", "Slow", 'tables_dir = "x"\n', "import time\ntime.sleep(300)")
    out = quick / "out"
    proc = subprocess.Popen([sys.executable, "-m", "fazhi_lib.cli", "brief", str(quick / "corpus"), "--out", str(out),
                             "--tables", str(quick / "tables"), "--notebooks", str(nbs), "--jobs", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 180
        kernels: set[int] = set()
        while len(kernels) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
            family = _descendants(proc.pid)
            kernels = {p for p in family if b"ipykernel" in Path(f"/proc/{p}/cmdline").read_bytes()}
        assert len(kernels) == 2, "the notebooks did not start"
        family = _descendants(proc.pid)
        proc.send_signal(getattr(signal, sig))
        code = proc.wait(timeout=60)
        deadline = time.monotonic() + 15
        while any(_alive(p) for p in family) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [p for p in family if _alive(p)], "workers or kernels outlived the brief"
    finally:
        proc.kill()
        proc.wait()
    partials = list(out.glob(".*.partial"))
    if sig == "SIGTERM":  # the run cleaned up after itself
        assert code == 128 + signal.SIGTERM and partials == []
    else:  # kill -9 gives no chance to clean up: the next run removes the folder of the dead one
        assert len(partials) == 1
        m = briefs.run_briefs([quick / "corpus"], out=out, tables_dir=quick / "tables", log=lambda *a: None)
        assert m["failed"] == 0 and list(out.glob(".*.partial")) == []
    assert not (out / "latest").exists() or sig == "SIGKILL"


def test_a_kernel_that_fails_to_start_is_started_again(setup, tmp_path, monkeypatch):
    import papermill

    real, calls = papermill.execute_notebook, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        return real(*args, **kwargs)

    monkeypatch.setattr(papermill, "execute_notebook", flaky)
    task = {"notebook": str(setup["nbs"] / "a_ok.ipynb"), "cwd": str(setup["nbs"]), "kernel": "python3",
            "with_code": False, "run_dir": str(tmp_path), "name": "a_ok",
            "parameters": {"tables_dir": str(setup["tables"])}}
    result = briefs._execute(task)
    assert result["status"] == "ok" and len(calls) == 2
    calls.clear()
    failing = {**task, "notebook": str(setup["nbs"] / "b_fail.ipynb"), "name": "b_fail"}
    assert briefs._execute(failing)["status"] == "failed" and len(calls) == 2  # a failing cell is not run again
