"""The ingest pipeline: files in, one ``Corpus`` of tidy tables out.

``ingest`` runs the per-document step (``parsing.process_file``) over a corpus (``runners``: in parallel when asked,
unchanged files from the ``cache``), flags duplicates and returns a ``Corpus``. ``ingest_to`` does the same and writes
the tables, streaming: results are turned into tables a batch at a time and appended to the files as Parquet row
groups (``fazhi_lib.store.TableStream``), so memory does not grow with the corpus (only the one-row-per-file
``documents`` and ``skipped`` tables are held whole). The tables, their columns and dtypes are those of
``fazhi_lib.schema``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd

from fazhi_lib.cache import ResultCache
from fazhi_lib.manifest import (
    fingerprint,
    forget_ingest,
    record_ingest,
    restore_manifest,
)
from fazhi_lib.metadata import metadata_overrides
from fazhi_lib.outputs import output_kind
from fazhi_lib.parsing import ROW_FIELDS, DocResult
from fazhi_lib.readers import SUPPORTED_SUFFIXES, discover
from fazhi_lib.runners import run_files
from fazhi_lib.schema import READABLE, STREAMED_TABLES, TABLES, frame
from fazhi_lib.store import Corpus, TableStream, Written, ensure_writable, holds_readable, part_counts
from fazhi_lib.vocabulary import Vocabulary, as_vocabulary

BATCH_SIZE = 256  # documents per batch (one Parquet row group) when streaming: bounds memory, large enough to be fast


class InputError(ValueError):
    """An input that does not exist or holds no report: the command stops before it reads or writes anything."""


class NothingReadError(RuntimeError):
    """No file of the run could be read, and the output directory holds tables of readable reports, which are kept.

    Parameters
    ----------
    message : str
        What happened, naming the output directory.
    documents : pandas.DataFrame
        The documents table of the run (every file failed), for reporting what went wrong.

    Attributes
    ----------
    documents : pandas.DataFrame
        The documents table of the run.
    """

    def __init__(self, message: str, documents: pd.DataFrame):
        super().__init__(message)
        self.documents = documents


def check_inputs(paths: Iterable[str | Path], outdirs: Iterable[str | Path] = ()) -> None:
    """Check a command's inputs before anything is written: each must exist and hold at least one report file.

    Parameters
    ----------
    paths : iterable of str or Path
        The report files and folders given to the command.
    outdirs : iterable of str or Path
        The folders the command writes to. An input must not lie inside one of them; an output folder inside an
        input folder is fine (it is not searched).

    Raises
    ------
    InputError
        Naming every input that does not exist, that holds no report file (with why its files were skipped), that
        is itself an output folder of fazhi, or that lies inside one of ``outdirs``.
    """
    outs = [Path(o).resolve() for o in outdirs]
    problems = []
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            problems.append(f"{p}: {'broken symbolic link' if p.is_symlink() else 'no such file or directory'}")
            continue
        here = p.resolve()
        inside = next((o for o in outs if o == here or o in here.parents), None)
        if inside is not None:
            problems.append(f"{p} is inside the output folder {inside}; write the output somewhere else")
            continue
        kind = output_kind(p) if p.is_dir() else None
        if kind is not None:
            problems.append(f"{p} is an output folder of fazhi ({kind}), not a folder of reports")
            continue
        files, skipped = discover([p])
        if not files:
            problems.append(_no_report(p, skipped))
    if problems:
        raise InputError("; ".join(problems))


def _no_report(path: Path, skipped: list[tuple[str, str]]) -> str:
    kinds = ", ".join(sorted(set(SUPPORTED_SUFFIXES)))
    if not path.is_dir():
        reason = skipped[0][1] if skipped else "not a report file"
        return f"{path} is not a report file ({reason}); reports are {kinds}"
    if not skipped:
        return f"{path} holds no file; reports are {kinds}"
    first, reason = skipped[0]
    more = f" and {len(skipped) - 1} more" if len(skipped) > 1 else ""
    return f"{path} holds no report file ({kinds}): skipped {first} ({reason}){more}"


def _results(paths: Iterable[str | Path] | str | Path, metadata: str | Path | None, jobs: int, max_mb: float,
             progress: bool | None, cache_dir: str | Path | None, engine: str, scheduler: str | None,
             vocab: Vocabulary | None = None) -> tuple[Iterator[DocResult], Iterator[DocResult], list[tuple[str, str]]]:
    """Find the input files and start processing them (see ``ingest`` for the arguments).

    Returns (results to consume, in file order, with a progress bar when asked; the underlying generator, to close
    when stopping early; skipped (source, reason) pairs)."""
    if isinstance(paths, str | Path):
        paths = [paths]
    files, skipped = discover(paths)
    overrides, problems = metadata_overrides(files, metadata)
    cache = ResultCache(cache_dir) if cache_dir else None
    run = run_files(files, overrides, jobs=jobs, max_mb=max_mb, cache=cache, engine=engine, scheduler=scheduler,
                    vocab=vocab)
    results: Iterator[DocResult] = run
    if progress or (progress is None and len(files) >= 50):
        from tqdm.auto import tqdm

        results = tqdm(run, total=len(files), unit="doc", desc="ingest", disable=None if progress is None else False)
    return results, run, [*skipped, *problems]


def ingest(paths: Iterable[str | Path] | str | Path, *, metadata: str | Path | None = None, jobs: int = 1,
           max_mb: float = 20.0, progress: bool | None = None, cache_dir: str | Path | None = None,
           engine: str = "local", scheduler: str | None = None, vocab: Vocabulary | str | Path | None = None
           ) -> Corpus:
    """Ingest report files and directories (walked recursively) into a ``Corpus``, held in memory.

    Every input file ends up either in ``documents`` or in ``skipped``; a second copy of the same content is kept in
    ``documents`` with status ``duplicate`` and no rows in the other tables. ``ingest_to`` writes the same tables to
    disk with memory bounded by a batch.

    Parameters
    ----------
    paths : path or iterable of paths
        Report files and folders.
    metadata : path, optional
        An extra metadata CSV keyed by file_name (a ``metadata.csv`` beside the files is always read).
    jobs : int
        Worker processes.
    max_mb : float
        Files larger than this fail with a message instead of being read.
    progress : bool, optional
        Show a progress bar (default: on a terminal, for 50 files or more).
    cache_dir : path, optional
        Keep each file's result there (``cache.ResultCache``): files whose content is unchanged are not parsed again.
    engine : {"local", "dask"}
        Where the per-document step runs; "dask" on the cluster at ``scheduler``, or a local one of ``jobs``
        workers. The tables are the same.
    scheduler : str, optional
        The address of a Dask scheduler.
    vocab : Vocabulary or folder, optional
        A researcher's vocabularies overlaid on the packaged ones.

    Returns
    -------
    Corpus
        The ingest tables (``fazhi_lib.schema``).
    """
    vocab = as_vocabulary(vocab)
    results, run, skipped = _results(paths, metadata, jobs, max_mb, progress, cache_dir, engine, scheduler, vocab)
    try:
        return assemble(results, skipped)
    finally:
        run.close()


def assemble(results: Iterable[DocResult], skipped: list[tuple[str, str]] | None = None) -> Corpus:
    """Combine per-document results into a Corpus, flagging repeated content as duplicates.

    Parameters
    ----------
    results : iterable of DocResult
        The per-document results, in file order.
    skipped : list of tuple of (str, str), optional
        The (source, reason) of every input that was not read.

    Returns
    -------
    Corpus
        The ingest tables (``table_frames`` of ``flag_duplicates(results)``).
    """
    return Corpus(**table_frames(flag_duplicates(results), skipped))


def flag_duplicates(results: Iterable[DocResult]) -> Iterator[DocResult]:
    """The results in order, each repeat of content seen before turned into a duplicate.

    A readable (ok/warning) result whose ``doc_id`` came earlier keeps only its documents row, with status
    ``duplicate``, ``duplicate_of`` the first copy's id, a message naming the first copy's file, and an id of its own
    (from the first copy's id and its own path); the first copy wins. Holds one id and path per distinct document.

    Parameters
    ----------
    results : iterable of DocResult
        The per-document results, in file order.

    Yields
    ------
    DocResult
        Each result, a repeat turned into a duplicate.
    """
    first_source: dict[str, str] = {}
    for r in results:
        doc = r.document
        if doc["status"] in READABLE:
            original = doc["doc_id"]
            if original in first_source:
                doc.update(status="duplicate", duplicate_of=original,
                           message=f"same content as {first_source[original]}; not counted twice",
                           doc_id=hashlib.sha256(f"{original}\0{doc['source']}".encode()).hexdigest()[:16])
                r = DocResult(document=doc)
            else:
                first_source[original] = doc["source"]
        yield r


def table_frames(results: Iterable[DocResult], skipped: list[tuple[str, str]] | None = None,
                 names: Iterable[str] = TABLES) -> dict[str, pd.DataFrame]:
    """The tables named in ``names`` as DataFrames, from per-document results and the skipped inputs.

    Every result gives a documents row; only readable (ok/warning) ones give rows of the other tables, but for
    ``texts``, which also keeps the text of a document whose parsing failed. This is the
    one place that fixes the tables' columns and dtypes: ``assemble`` applies it to a whole corpus, ``write_stream``
    to each batch, so both write the same tables.

    Parameters
    ----------
    results : iterable of DocResult
        Results already passed through ``flag_duplicates``.
    skipped : list of tuple of (str, str), optional
        The (source, reason) of every input that was not read.
    names : iterable of str, default TABLES
        The tables wanted.

    Returns
    -------
    dict of str to pandas.DataFrame
        The tables by name, with the columns and dtypes of ``fazhi_lib.schema``.
    """
    docs: list[dict] = []
    texts: list[dict] = []
    rows: dict[str, list[dict]] = {name: [] for name in ROW_FIELDS}
    for r in results:
        docs.append(r.document)
        readable = r.document["status"] in READABLE
        if readable or r.text:  # a document whose parsing failed keeps its text
            texts.append({"doc_id": r.document["doc_id"], "text": r.text})
        if readable:
            for name in ROW_FIELDS:
                rows[name].extend(getattr(r, name))
    given = {"documents": docs, "texts": texts, "skipped": skipped or [], **rows}
    return {name: frame(name, given[name]) for name in names}


def ingest_to(paths: Iterable[str | Path] | str | Path, outdir: str | Path, *, csv: bool = False,
              metadata: str | Path | None = None, jobs: int = 1, max_mb: float = 20.0, progress: bool | None = None,
              cache_dir: str | Path | None = None, engine: str = "local", scheduler: str | None = None,
              batch_size: int | None = None, keep_readable_tables: bool = False,
              fingerprint_now: str | None = None, vocab: Vocabulary | str | Path | None = None) -> Written:
    """Ingest like ``ingest`` and write the tables to ``outdir`` like ``Corpus.write``, streaming.

    The tables are the same, memory is bounded by a batch of ``batch_size`` documents (see ``write_stream``). The
    folder's manifest (``fazhi_lib.manifest``) records the inputs' fingerprint unless a file failed, and the
    analysis tables made stale by the new tables are removed.

    Parameters
    ----------
    paths : path or iterable of paths
        Report files and folders.
    outdir : str or pathlib.Path
        The tables folder, created if needed.
    csv : bool, default False
        Also write each table as CSV (UTF-8 with BOM).
    metadata, jobs, max_mb, progress, cache_dir, engine, scheduler : optional
        As for ``ingest``.
    batch_size : int, optional
        Documents per batch (default ``BATCH_SIZE``).
    keep_readable_tables : bool, default False
        When no file could be read, keep tables of readable reports already in ``outdir`` and raise
        ``NothingReadError``.
    fingerprint_now : str, optional
        The inputs' ``manifest.fingerprint`` when the caller computed it already.
    vocab : Vocabulary or str or pathlib.Path, optional
        A researcher's vocabularies overlaid on the packaged ones.

    Returns
    -------
    store.Written
        What was written: the documents and skipped tables and the row count of every table.

    Raises
    ------
    NothingReadError
        With ``keep_readable_tables``, when no file could be read; the tables and the manifest are left as they were.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    paths = list(paths)
    vocab = as_vocabulary(vocab)
    fp = fingerprint_now or fingerprint(paths, metadata=metadata, max_mb=max_mb, vocab=vocab)
    ensure_writable(outdir)
    previous = forget_ingest(outdir)  # the tables are about to change: until done, they match no fingerprint
    results, run, skipped = _results(paths, metadata, jobs, max_mb, progress, cache_dir, engine, scheduler, vocab)
    try:
        written = write_stream(results, outdir, skipped, csv=csv, batch_size=batch_size,
                               keep_readable_tables=keep_readable_tables)
    except NothingReadError:
        restore_manifest(outdir, previous)  # the tables were left as they were: so is what made them
        raise
    finally:
        run.close()  # on an error, stop the workers now rather than when garbage-collected
    failed = bool((written.documents["status"] == "failed").any())  # failures are tried again next time
    record_ingest(outdir, fingerprint_now=None if failed else fp,
                  options={"inputs": [str(p) for p in paths], "metadata": None if metadata is None else str(metadata),
                           "max_mb": max_mb, "vocab": None if vocab is None else str(vocab.folder)})
    return written


def write_stream(results: Iterable[DocResult], outdir: str | Path, skipped: list[tuple[str, str]] | None = None,
                 *, csv: bool = False, batch_size: int | None = None, keep_readable_tables: bool = False) -> Written:
    """Write the tables of ``results`` and ``skipped`` to ``OUTDIR/<table>.parquet``, a batch of documents at a time.

    Each batch becomes DataFrames through ``table_frames``, as in ``assemble``, appended as one row group per table;
    only the documents rows are kept until the end. Every file is written under a temporary name and renamed when
    all are complete: if anything fails, the temporary files are removed, the tables already in ``outdir`` are left
    as they were and the error propagates. With ``keep_readable_tables``, a run in which no file could be read does
    not replace tables that hold readable reports either: it raises NothingReadError.

    Parameters
    ----------
    results : iterable of DocResult
        The per-document results, in file order; duplicates are flagged here.
    outdir : str or pathlib.Path
        The tables folder, created if needed.
    skipped : list of tuple of (str, str), optional
        The (source, reason) of every input that was not read.
    csv : bool, default False
        Also write each table as ``.csv`` (UTF-8 with BOM).
    batch_size : int, optional
        Documents per batch (default ``BATCH_SIZE``).
    keep_readable_tables : bool, default False
        Raise ``NothingReadError`` rather than replace tables of readable reports by a run that read no file.

    Returns
    -------
    store.Written
        What was written.

    Raises
    ------
    NothingReadError
        See ``keep_readable_tables``.
    """
    out = ensure_writable(outdir)
    stream = TableStream(out, STREAMED_TABLES, csv=csv)
    docs: list[dict] = []
    counts: dict[tuple[str, str], int] = {}
    rows = dict.fromkeys(TABLES, 0)
    try:
        for batch in _batches(flag_duplicates(results), batch_size or BATCH_SIZE):
            docs += [r.document for r in batch]
            for name, df in table_frames(batch, names=STREAMED_TABLES).items():
                stream.append(name, df)
                rows[name] += len(df)
                if name == "items":
                    counts.update(part_counts(df))
        stream.finish()
        if keep_readable_tables and not any(d["status"] in READABLE for d in docs) and holds_readable(out):
            raise NothingReadError(f"no file could be read ({len(docs)} failed); the tables in {out} were left as "
                                   "they were", frame("documents", docs))
        small = {"documents": frame("documents", docs), "skipped": frame("skipped", skipped or [])}
        for name, df in small.items():
            rows[name] = len(df)
            stream.put(name, df)
        stream.commit()  # all complete: only now they replace the old tables
    finally:
        stream.discard()
    return Written(out, small["documents"], small["skipped"], rows, counts)


def _batches(results: Iterable[DocResult], size: int) -> Iterator[list[DocResult]]:
    """Consecutive lists of up to ``size`` results; a single empty list when there are none, so that empty tables
    are still written."""
    batch: list[DocResult] = []
    started = False
    for r in results:
        batch.append(r)
        if len(batch) >= size:
            yield batch
            batch, started = [], True
    if batch or not started:
        yield batch


__all__ = [
    "InputError",
    "NothingReadError",
    "assemble",
    "check_inputs",
    "flag_duplicates",
    "ingest",
    "ingest_to",
    "table_frames",
    "write_stream",
]
