"""Streamed ingest (``ingest_to`` / ``fazhi ingest``) writes the same tables as the in-memory ``ingest``, batch by
batch, atomically; the result cache (SQLite) keeps its semantics and degrades to no cache when damaged or locked."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from synthetic.generate import generate_corpus

import fazhi_lib
from fazhi_lib import cli, pipeline, runners
from fazhi_lib.cache import ResultCache
from fazhi_lib.cli import main
from fazhi_lib.manifest import content_key, read_manifest
from fazhi_lib.parsing import DocResult, process_file
from fazhi_lib.pipeline import ingest_to, write_stream
from fazhi_lib.schema import TABLES
from fazhi_lib.store import Corpus, _ParquetSink

BATCH = 7  # tiny batches: many row groups, and batches in which a column is all None


NOTE = "今年以来，我局认真贯彻落实法治政府建设各项要求，全年办理行政复议案件{}件。"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """40 generated reports, plus a copy of one under a later name (a duplicate), a file that fails, a file that
    is skipped (the generator's truth.jsonl) and, first in file order, a batch of notes without headings (their
    sections have no parent: a column that is all None in the first batch only)."""
    d = tmp_path_factory.mktemp("generated") / "corpus"
    generate_corpus(40, d, seed=3)
    for i in range(BATCH):
        (d / f"0-note-{i}.txt").write_text(NOTE.format(i + 1) * 10, encoding="utf-8")
    first = sorted(p for p in d.iterdir() if p.suffix in (".txt", ".html"))[0]
    shutil.copy(first, d / f"zz_copy{first.suffix}")
    (d / "zz_empty.txt").write_bytes(b"")
    return d


@pytest.fixture(scope="module")
def in_memory(generated: Path) -> Corpus:
    return fazhi_lib.ingest(generated)


def assert_same_tables(out: Path, corpus: Corpus) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(pd.read_parquet(out / f"{name}.parquet"), getattr(corpus, name), obj=name)


def test_streamed_tables_equal_the_in_memory_tables(generated: Path, in_memory: Corpus, tmp_path: Path):
    status = set(in_memory.documents["status"])
    assert {"ok", "warning", "duplicate", "failed"} <= status and len(in_memory.skipped)
    first_batch = in_memory.sections[in_memory.sections["doc_id"].isin(in_memory.documents["doc_id"][:BATCH])]
    assert first_batch["parent_id"].isna().all() and in_memory.sections["parent_id"].notna().any()
    written = ingest_to(generated, tmp_path / "out", batch_size=BATCH)
    assert_same_tables(tmp_path / "out", in_memory)
    pd.testing.assert_frame_equal(written.documents, in_memory.documents)
    pd.testing.assert_frame_equal(written.skipped, in_memory.skipped)
    assert written.rows == {name: len(df) for name, df in in_memory.tables().items()}
    pd.testing.assert_frame_equal(written.summary(), in_memory.summary())
    n_batches = -(-len(in_memory.documents) // BATCH)
    assert pq.ParquetFile(tmp_path / "out" / "texts.parquet").num_row_groups == n_batches  # a row group a batch
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]


def test_cli_streams_parquet_and_csv_like_the_in_memory_path(generated: Path, in_memory: Corpus,
                                                             tmp_path: Path, monkeypatch):
    monkeypatch.setattr(pipeline, "BATCH_SIZE", BATCH)
    out = tmp_path / "out"
    assert main(["ingest", str(generated), "-o", str(out), "--csv", "--jobs", "2", "--quiet"]) == 1  # one failed
    assert_same_tables(out, in_memory)
    expected = tmp_path / "expected"
    in_memory.write(expected, csv=True)
    for name in TABLES:  # CSV: byte for byte, one BOM and one header
        assert (out / f"{name}.csv").read_bytes() == (expected / f"{name}.csv").read_bytes(), name


def test_a_column_null_in_some_batches_gets_the_type_of_the_others(tmp_path: Path):
    """Arrow types an all-None batch column as null: the file still gets one schema and the values of all."""
    batches = [
        pd.DataFrame({"a": [None, None], "n": pd.array([1, None], dtype="Int64")}),
        pd.DataFrame({"a": [None], "n": pd.array([None], dtype="Int64")}),
        pd.DataFrame({"a": ["x", None], "n": pd.array([2, 3], dtype="Int64")}),
        pd.DataFrame({"a": pd.Series([], dtype=object), "n": pd.array([], dtype="Int64")}),
        pd.DataFrame({"a": [None], "n": pd.array([4], dtype="Int64")}),
    ]
    sink = _ParquetSink(tmp_path / ".t.tmp")
    for df in batches:
        sink.write(df)
    sink.finish()
    whole = pd.concat([b for b in batches if len(b)], ignore_index=True)
    whole_file = tmp_path / "whole.parquet"
    whole.to_parquet(whole_file, index=False)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / ".t.tmp"), pd.read_parquet(whole_file))
    assert sorted(p.name for p in tmp_path.iterdir()) == [".t.tmp", "whole.parquet"]  # the parts are gone


def test_empty_input_writes_empty_tables(tmp_path: Path):
    (tmp_path / "in").mkdir()
    written = ingest_to(tmp_path / "in", tmp_path / "out", csv=True)
    empty = fazhi_lib.ingest(tmp_path / "in")
    assert_same_tables(tmp_path / "out", empty)
    assert written.rows == dict.fromkeys(TABLES, 0)


def failing_after(results: list[DocResult], n: int) -> Iterator[DocResult]:
    yield from results[:n]
    raise RuntimeError("worker lost")


def test_a_crash_while_streaming_leaves_the_old_tables(generated: Path, tmp_path: Path):
    files = sorted(p for p in generated.iterdir() if p.suffix in (".txt", ".html"))
    results = [process_file(f) for f in files]
    out = tmp_path / "out"
    with pytest.raises(RuntimeError, match="worker lost"):  # nothing there yet: nothing left behind
        write_stream(failing_after(results, 20), out, csv=True, batch_size=BATCH)
    assert list(out.iterdir()) == []

    write_stream(results[:5], out, csv=True, batch_size=BATCH)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert len(before) == 2 * len(TABLES)
    with pytest.raises(RuntimeError, match="worker lost"):
        write_stream(failing_after([process_file(f) for f in files], 20), out, csv=True, batch_size=BATCH)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no temporary file, old tables intact


def test_fingerprint_is_removed_while_tables_change(tmp_path: Path, monkeypatch):
    """A crash after some tables were replaced must not let the next run reuse them as up to date."""
    d = tmp_path / "c"
    d.mkdir()
    generate_corpus(3, d, seed=1)
    out = tmp_path / "out"
    assert main(["ingest", str(d), "-o", str(out), "--quiet"]) == 0
    assert read_manifest(out)["ingest"]["fingerprint"]

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pipeline, "write_stream", crash)
    (d / "new.txt").write_bytes(next(d.glob("*.txt")).read_bytes() + b"\n")
    assert main(["ingest", str(d), "-o", str(out), "--quiet"]) == 2
    assert read_manifest(out)["ingest"]["fingerprint"] is None


def test_large_corpus_printout_is_abbreviated(tmp_path: Path, capsys):
    d = tmp_path / "big"
    generate_corpus(cli.SUMMARY_MAX_DOCS + 5, d, seed=2)
    for i in range(cli.MAX_LINES + 3):
        (d / f"zz_empty_{i:02d}.txt").write_bytes(b"")
    out = tmp_path / "out"
    assert main(["ingest", str(d), "-o", str(out), "--jobs", "1"]) == 1
    printed = capsys.readouterr().out.splitlines()
    assert "documents by status:" in printed
    assert not any(line.lstrip().startswith("file ") for line in printed)  # no per-document table
    docs = pd.read_parquet(out / "documents.parquet")
    n_not_ok = int((docs["status"] != "ok").sum())
    listed = [line for line in printed if line.split(":")[0].strip() in ("warning", "failed", "duplicate")]
    assert len(listed) == cli.MAX_LINES
    assert f"  … and {n_not_ok - cli.MAX_LINES} more; see {out / 'documents.parquet'}" in printed
    n_docs = cli.SUMMARY_MAX_DOCS + 5 + cli.MAX_LINES + 3
    assert printed[-1].startswith(f"{n_docs} documents (") and f"{cli.MAX_LINES + 3} failed" in printed[-1]
    assert len(printed) < 40


def test_reused_tables_print_the_same_summary(tmp_path: Path, capsys):
    d = tmp_path / "c"
    generate_corpus(4, d, seed=5)
    out = tmp_path / "out"
    assert main(["ingest", str(d), "-o", str(out)]) == 0
    first = capsys.readouterr().out.splitlines()
    assert main(["ingest", str(d), "-o", str(out)]) == 0
    second = capsys.readouterr().out.splitlines()
    assert "tables reused" in second[-1] and "problems" in first[0]
    assert first[:-1] == second[:-1]  # per-document table (item counts read from items.parquet) and skipped lines
    assert first[-1].split(";")[0] == second[-1].split(";")[0]


# --- the result cache -----------------------------------------------------------------------------------------


def cache_rows(cache: Path) -> int:
    with closing(sqlite3.connect(cache / "results.sqlite")) as db:
        return db.execute("SELECT count(*) FROM results").fetchone()[0]


def count_parses(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = runners.process_file
    monkeypatch.setattr(runners, "process_file", lambda p, *a, **k: calls.append(Path(p).name) or real(p, *a, **k))
    return calls


def test_cache_holds_no_failures_and_gives_results_their_current_path(generated: Path, in_memory: Corpus,
                                                                     tmp_path: Path, monkeypatch):
    cache = tmp_path / "cache"
    first = fazhi_lib.ingest(generated, cache_dir=cache)
    readable = first.documents[first.documents["status"] != "failed"]
    keys = {content_key(Path(s), None, max_mb=20.0) for s in readable["source"]}  # exact copies share a key
    assert len(readable) < len(first.documents) and cache_rows(cache) == len(keys)  # no failure stored

    moved = tmp_path / "moved"
    shutil.copytree(generated, moved)
    calls = count_parses(monkeypatch)
    again = fazhi_lib.ingest(moved, cache_dir=cache)
    assert sorted(calls) == ["zz_empty.txt"]  # only the failure is parsed again
    assert set(again.documents["source"].map(lambda s: Path(s).parent)) == {moved}
    fresh = fazhi_lib.ingest(moved)  # no cache
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(again, name), getattr(fresh, name))


def test_damaged_cache_degrades_to_no_cache(generated: Path, in_memory: Corpus, tmp_path: Path):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "results.sqlite").write_bytes(b"this is not a database" * 100)
    with pytest.warns(RuntimeWarning, match="result cache"):
        corpus = fazhi_lib.ingest(generated, cache_dir=cache)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(corpus, name), getattr(in_memory, name))


def test_locked_cache_degrades_to_no_cache(tmp_path: Path, monkeypatch):
    d = tmp_path / "c"
    generate_corpus(3, d, seed=4)
    cache = tmp_path / "cache"
    fazhi_lib.ingest(d, cache_dir=cache)
    (d / "00_new.txt").write_bytes(next(d.glob("*.txt")).read_bytes() + b"\n")  # other bytes: another key
    monkeypatch.setattr(ResultCache, "TIMEOUT", 0.2)
    with closing(sqlite3.connect(cache / "results.sqlite", isolation_level=None)) as other:
        other.execute("BEGIN EXCLUSIVE")  # another ingest holds the write lock
        calls = count_parses(monkeypatch)
        with pytest.warns(RuntimeWarning, match="locked"):
            corpus = fazhi_lib.ingest(d, cache_dir=cache)
        other.execute("ROLLBACK")
    assert calls == ["00_new.txt"]  # reading still worked; the new result simply was not stored
    assert len(corpus.documents) == 4 and cache_rows(cache) == 3
    calls.clear()
    fazhi_lib.ingest(d, cache_dir=cache)
    assert calls == ["00_new.txt"] and cache_rows(cache) == 4  # stored by the next run
