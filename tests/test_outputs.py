"""Nothing lost, nothing left behind: inputs checked before anything is written, output folders never read as input,
temporary files of dead runs removed (and only those), clean-up that survives a full disk, workers that die with
their parent."""

from __future__ import annotations

import errno
import json
import multiprocessing as mp
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from synthetic.generate import generate_corpus
from texts import REPORT

from fazhi_lib import outputs
from fazhi_lib.cli import main
from fazhi_lib.parsing import process_file
from fazhi_lib.pipeline import InputError, check_inputs, write_stream
from fazhi_lib.readers import discover
from fazhi_lib.schema import TABLES

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


def _snapshot(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir()) if p.is_file()}


def _corpus(d: Path, n: int = 2) -> Path:
    d.mkdir(parents=True)
    for i in range(n):
        (d / f"r{i}.txt").write_text(REPORT.replace("某某镇", f"第{i}镇").replace("12次", f"{12 + i}次"),
                                     encoding="utf-8")
    return d


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


# ---- inputs ------------------------------------------------------------------------------------------------------


def test_a_mistyped_input_changes_nothing(tmp_path: Path, capsys):
    out = tmp_path / "T"
    assert main(["ingest", str(SEEDS), "-o", str(out), "--quiet"]) == 0
    assert main(["analyze", str(out)]) == 0
    before = _snapshot(out)
    assert main(["ingest", str(SEEDS) + "AA", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{SEEDS}AA: no such file or directory" in err
    assert _snapshot(out) == before  # documents, items and problem_topics as they were


@pytest.mark.parametrize("content", ["empty", "doc", "file"])
def test_an_input_holding_no_report_stops_before_writing(tmp_path: Path, capsys, content: str):
    d = tmp_path / "in"
    d.mkdir()
    target = d
    if content == "doc":
        (d / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    elif content == "file":
        target = d / "notes.xlsx"
        target.write_bytes(b"PK")
    out = tmp_path / "out"
    assert main(["ingest", str(SEEDS), str(target), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert str(target) in err and ("no report" in err or "not a report" in err or "holds no file" in err)
    assert not out.exists()


def test_an_input_inside_its_own_output_folder_is_refused(tmp_path: Path, capsys):
    corpus = _corpus(tmp_path / "c")
    assert main(["ingest", str(corpus), "-o", str(corpus)]) == 2
    assert "inside the output folder" in capsys.readouterr().err
    assert sorted(p.name for p in corpus.iterdir()) == ["r0.txt", "r1.txt"]


def test_check_inputs_names_every_problem(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError) as err:
        check_inputs([SEEDS, tmp_path / "nope", tmp_path / "empty"])
    assert "nope: no such file" in str(err.value) and "empty holds no file" in str(err.value)
    check_inputs([SEEDS, SEEDS / "000_9f755b4dfb0d80b7.txt"])  # fine: nothing raised


def test_a_run_reading_nothing_keeps_tables_of_readable_reports(tmp_path: Path, capsys):
    out = tmp_path / "T"
    assert main(["ingest", str(_corpus(tmp_path / "good")), "-o", str(out), "--quiet"]) == 0
    before = _snapshot(out)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 40)
    assert main(["ingest", str(bad), "-o", str(out)]) == 1
    captured = capsys.readouterr()
    assert "no file could be read" in captured.err and "empty.txt" in captured.out
    assert _snapshot(out) == before
    fresh = tmp_path / "fresh"  # with no tables to keep, the failures are written as usual
    assert main(["ingest", str(bad), "-o", str(fresh), "--quiet"]) == 1
    assert pq.read_metadata(fresh / "documents.parquet").num_rows == 2


# ---- output folders are not input ------------------------------------------------------------------------------


def test_tables_written_inside_the_corpus_are_not_read_back(tmp_path: Path):
    corpus = _corpus(tmp_path / "c")
    tables = corpus / "tables"
    for _ in range(2):
        assert main(["ingest", str(corpus), "-o", str(tables), "--csv", "--quiet"]) == 0
    skipped = pq.read_table(tables / "skipped.parquet").to_pandas()
    assert list(skipped["source"]) == [str(tables)] and "output folder" in skipped["reason"].iat[0]
    assert pq.read_metadata(tables / "documents.parquet").num_rows == 2


def test_discover_skips_output_folders_old_and_new(tmp_path: Path):
    corpus = _corpus(tmp_path / "c")
    marked = corpus / "briefs"
    marked.mkdir()
    outputs.mark(marked, "briefs")
    (marked / "brief.html").write_text("<html>报告</html>", encoding="utf-8")
    old_run = corpus / "20240101-000000-abcdef12"  # a run folder of an earlier version: its manifest says so
    old_run.mkdir()
    (old_run / "manifest.json").write_text(json.dumps({"run_id": "x", "notebooks": []}), encoding="utf-8")
    (old_run / "index.html").write_text("<html>报告</html>", encoding="utf-8")
    other = corpus / "scraped"  # someone else's manifest: searched as usual
    other.mkdir()
    (other / "manifest.json").write_text(json.dumps({"pages": 3}), encoding="utf-8")
    (other / "r9.html").write_text("<html>报告</html>", encoding="utf-8")
    files, skipped = discover([corpus])
    assert sorted(p.name for p in files) == ["r0.txt", "r1.txt", "r9.html"]
    reasons = dict(skipped)
    assert "briefs" in reasons[str(marked)] and "brief run" in reasons[str(old_run)]


# ---- debris ------------------------------------------------------------------------------------------------------


def test_debris_of_dead_runs_is_removed_and_only_that(tmp_path: Path):
    out = tmp_path / "T"
    assert main(["ingest", str(SEEDS), "-o", str(out), "--quiet"]) == 0
    dead, host = _dead_pid(), outputs.owner().split("@")[1]
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        stale = [f".items.parquet.{dead}@{host}.tmp.part0", f".texts.parquet.{dead}@{host}.tmp",
                 f".documents.parquet.{dead}.tmp"]  # the last as earlier versions named them
        kept = [f".items.parquet.{live.pid}@{host}.tmp.part0",  # a concurrent run, still writing
                f".items.parquet.{dead}@another-machine.tmp",  # a run on another machine sharing the disk
                f".notes.{dead}.tmp"]  # not a name fazhi gives: someone's own file
        for name in stale + kept:
            (out / name).write_bytes(b"x" * 1000)
        (out / f".20240101-000000-abcdef12.{dead}@{host}.partial").mkdir()
        assert main(["ingest", str(SEEDS), "-o", str(out), "--quiet", "--no-cache"]) == 0
        left = {p.name for p in out.iterdir() if ".tmp" in p.name or ".partial" in p.name}
        assert left == set(kept)
    finally:
        live.kill()
        live.wait()


class _FullDisk(pq.ParquetWriter):
    """A Parquet writer on a disk that fills up: the second row group fails, and so does closing the file."""

    calls = 0

    def write_table(self, table, *args, **kwargs):
        type(self).calls += 1
        if type(self).calls > 1:
            raise OSError(errno.ENOSPC, "No space left on device (writing a row group)")
        return super().write_table(table, *args, **kwargs)

    def close(self):
        super().close()
        raise OSError(errno.ENOSPC, "No space left on device (closing)")


def test_a_full_disk_leaves_no_file_and_reports_the_first_error(tmp_path: Path, monkeypatch):
    files = sorted(p for p in SEEDS.glob("*.txt"))
    results = [process_file(f) for f in files]
    out = tmp_path / "out"
    write_stream(results[:2], out)
    before = _snapshot(out)
    monkeypatch.setattr(pq, "ParquetWriter", _FullDisk)
    with pytest.raises(OSError, match="writing a row group"):
        write_stream(results, out, batch_size=1)
    assert _snapshot(out) == before and not [p for p in out.iterdir() if p.name.startswith(".")]


def test_kill_9_of_an_ingest_leaves_part_files_the_next_run_removes(tmp_path: Path):
    corpus = tmp_path / "c"
    generate_corpus(700, corpus, seed=5)
    out = tmp_path / "T"
    cmd = [sys.executable, "-m", "fazhi_lib.cli", "ingest", str(corpus), "-o", str(out), "--jobs", "1", "--quiet",
           "--no-cache"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    try:
        while not list(out.glob(".*.tmp*")) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        proc.kill()
        proc.wait()
    left = list(out.glob(".*.tmp*"))
    assert left, "the ingest finished before its temporary files could be seen"
    assert main(["ingest", str(SEEDS), "-o", str(out), "--quiet"]) == 0
    assert not list(out.glob(".*.tmp*"))
    assert all(pq.read_metadata(out / f"{t}.parquet").num_rows >= 0 for t in TABLES)


# ---- processes -------------------------------------------------------------------------------------------------


def _sleep(_: int) -> int:
    time.sleep(60)
    return os.getpid()


def _pool_parent(pids_file: str) -> None:  # pragma: no cover - runs in a child process
    pool = outputs.worker_pool(2)
    result = pool.map_async(_sleep, range(2))
    Path(pids_file).write_text(" ".join(str(p.pid) for p in pool._pool))
    result.wait()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_pool_workers_die_with_their_parent(tmp_path: Path, sig):
    pids_file = tmp_path / "pids"
    parent = mp.get_context("fork").Process(target=_pool_parent, args=(str(pids_file),))
    parent.start()
    deadline = time.monotonic() + 30
    while not pids_file.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    workers = [int(p) for p in pids_file.read_text().split()]
    os.kill(parent.pid, sig)
    parent.join()
    deadline = time.monotonic() + 10
    while any(_running(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [p for p in workers if _running(p)]


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False
    except OSError:  # pragma: no cover - no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


def _pid(_: int) -> int:
    return os.getpid()


def test_workers_finish_their_tasks_and_end_with_the_block():
    with outputs.workers(2) as pool:
        pids = set(pool.map(_pid, range(8)))
        workers = [p.pid for p in pool._pool]
    assert pids and pids <= set(workers)
    assert not any(_running(p) for p in workers)


def test_workers_are_terminated_when_the_block_raises():
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt), outputs.workers(2) as pool:
        pool.map_async(_sleep, range(2))  # tasks of a minute each
        workers = [p.pid for p in pool._pool]
        raise KeyboardInterrupt
    assert time.monotonic() - started < 30  # terminated, not waited for
    assert not any(_running(p) for p in workers)


def test_sigterm_becomes_an_exception_inside_exit_on_signals():
    with pytest.raises(outputs.Terminated) as exc, outputs.exit_on_signals():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)
    assert exc.value.signum == signal.SIGTERM
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL or callable(signal.getsignal(signal.SIGTERM))


def test_discard_and_close_quietly_never_raise(tmp_path: Path):
    class Broken:
        def close(self):
            raise OSError(errno.ENOSPC, "No space left on device")

    outputs.close_quietly(Broken())
    outputs.discard(tmp_path / "missing")
    (tmp_path / "d" / "e").mkdir(parents=True)
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "d")
    outputs.discard(link)  # the link, not what it points to
    assert (tmp_path / "d" / "e").is_dir() and not link.is_symlink()
    outputs.discard(tmp_path / "d")
    assert not (tmp_path / "d").exists()
