"""The ingest pipeline: files in, one ``Corpus`` of tidy tables out.

``process_file`` is the pure per-document step (read → clean → metadata → structure); ``ingest`` runs it over a
corpus (in parallel when asked), flags duplicates and returns a ``Corpus``. ``ingest_to`` does the same and writes
the tables, streaming: results are turned into tables a batch at a time and appended to the files as Parquet row
groups (``fazhi_lib.store.TableStream``), so memory does not grow with the corpus (only the one-row-per-file
``documents`` and ``skipped`` tables are held whole). The tables, their columns and dtypes are those of
``fazhi_lib.schema``.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from fazhi_lib.clean import clean_text
from fazhi_lib.manifest import (
    content_key,
    fingerprint,
    forget_ingest,
    parser_version,
    record_ingest,
    restore_manifest,
)
from fazhi_lib.measures import extract_measures
from fazhi_lib.metadata import apply_overrides, infer_metadata, metadata_overrides
from fazhi_lib.metrics import extract_metrics
from fazhi_lib.outputs import output_kind, worker_pool
from fazhi_lib.readers import SUPPORTED_SUFFIXES, discover, read_document
from fazhi_lib.schema import DOCUMENT_COLUMNS, READABLE, STREAMED_TABLES, TABLES, frame
from fazhi_lib.store import Corpus, TableStream, Written, ensure_writable, holds_readable, part_counts
from fazhi_lib.structure import parse_rows
from fazhi_lib.vocabulary import Vocabulary, as_vocabulary, using

BATCH_SIZE = 256  # documents per batch (one Parquet row group) when streaming: bounds memory, large enough to be fast
META_FIELDS = ("title", "jurisdiction", "admin_level", "region", "year_start", "year_end", "panel")
ROW_FIELDS = ("sections", "items", "metrics", "measures", "cleaning")  # DocResult lists giving the same-named tables
MIN_CHARS = 200  # shorter texts are kept with a warning: most likely an index page or a stub


@dataclass
class DocResult:
    """Everything ingest learned from one file: its documents row and its rows of the other tables."""

    document: dict
    text: str = ""
    sections: list[dict] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)
    metrics: list[dict] = field(default_factory=list)
    measures: list[dict] = field(default_factory=list)
    cleaning: list[dict] = field(default_factory=list)


def content_id(text: str) -> str:
    """Stable document id from the cleaned content: the same report saved as GBK text, UTF-8 text or a web page
    gets the same id (white space is ignored)."""
    return hashlib.sha256("".join(text.split()).encode("utf-8")).hexdigest()[:16]


def process_file(path: str | Path, override: dict | None = None, max_mb: float = 20.0,
                 vocab: Vocabulary | None = None) -> DocResult:
    """Read, clean and parse one report file. Never raises for bad input: problems end up in status/message.

    ``override`` holds researcher-given metadata for this file (from a metadata CSV); its non-empty fields win
    over inferred ones. ``vocab`` is the vocabulary to parse with (``fazhi_lib.vocabulary.Vocabulary``; None: the
    packaged one); it travels with the call to worker processes and Dask workers.
    """
    with using(vocab):
        return _process_file(path, override, max_mb)


def _process_file(path: str | Path, override: dict | None, max_mb: float) -> DocResult:
    raw = read_document(path, max_mb=max_mb)
    doc = dict.fromkeys(DOCUMENT_COLUMNS)
    doc.update(source=raw.source, file_name=Path(raw.source).name, sha256=raw.sha256, encoding=raw.encoding,
               format=raw.format, status=raw.status, message=raw.message, n_chars=0, n_sections=0, n_items=0,
               parts="")
    if raw.status == "failed":
        doc["doc_id"] = _failure_id(raw.sha256, raw.source)
        if override:
            doc.update({k: v for k, v in apply_overrides({}, override).items() if k in META_FIELDS and v})
        return DocResult(document=doc)
    progress = _Progress()
    try:
        return _process_text(raw.text, doc, raw.meta, override, progress)
    except Exception as exc:  # a parser bug must not stop a corpus: report it on the document, keep the text
        return _internal_error(doc, raw.text, raw.sha256, raw.source, progress, exc)


def _failure_id(sha256: str, source: str) -> str:
    """Id of a document that could not be parsed: from its bytes and its path (its content gave no id)."""
    return hashlib.sha256(f"{sha256}\0{source}".encode()).hexdigest()[:16]


@dataclass
class _Progress:
    """How far the per-document step got: the step running, and the cleaned text once there is one."""

    step: str = "cleaning"
    cleaned: str | None = None


def _internal_error(doc: dict, raw_text: str, sha256: str, source: str, progress: _Progress,
                    exc: Exception) -> DocResult:
    """The result of a document whose parsing raised: failed, with a message naming the step and the error, its
    text (cleaned if cleaning finished, else as read) kept for the ``texts`` table and no other rows."""
    detail = f"{type(exc).__name__}: {exc}"
    kept = "cleaned" if progress.cleaned is not None else "extracted"
    message = (f"internal error in the {progress.step} step ({detail[:300]}); the {kept} text is kept in texts, "
               "no rows in the other tables")
    doc.update(doc_id=_failure_id(sha256, source), status="failed", n_sections=0, n_items=0,
               message="; ".join(m for m in (doc["message"], message) if m))
    text = progress.cleaned if progress.cleaned is not None else raw_text
    doc["n_chars"] = len(text)
    return DocResult(document=doc, text=text)


def _process_text(text: str, doc: dict, page_meta: dict, override: dict | None,
                  progress: _Progress | None = None) -> DocResult:
    progress = progress or _Progress()
    progress.step = "cleaning"
    cleaned = clean_text(text)
    progress.cleaned = cleaned.text
    doc_id = content_id(cleaned.text)
    progress.step = "metadata"
    hints = {**{k: v for k, v in page_meta.items() if v}, **cleaned.fields}
    meta = infer_metadata(cleaned.text, title=cleaned.title or page_meta.get("ArticleTitle"), extra=hints)
    if override:
        meta = apply_overrides(meta, override)
    doc.update({k: meta.get(k) for k in META_FIELDS})
    progress.step = "structure"
    sections, items = parse_rows(cleaned.text, doc_id, title=meta.get("title"))
    progress.step = "metrics"
    metrics = extract_metrics(cleaned.text, doc_id, sections, items)
    progress.step = "measures"
    measures = extract_measures(cleaned.text, doc_id, sections, items)
    progress.step = "summary"
    top = [r["part"] for r in sections if r["level"] == 1]
    parts = [p for p in top if p not in ("preamble", "closing")]
    messages = [doc["message"]] if doc["message"] else []
    if not cleaned.text.strip():
        messages.append("no text left after cleaning")
    elif not sections or top == ["preamble"]:
        messages.append("no numbered headings found: the text is kept as one preamble section")
    elif not any(p != "other" for p in parts):
        messages.append("no canonical part recognised in the top-level headings")
    if 0 < len(cleaned.text) < MIN_CHARS:
        messages.append(f"very short text ({len(cleaned.text)} characters)")
    status = "failed" if not cleaned.text.strip() else ("warning" if messages else "ok")
    doc.update(doc_id=doc_id, n_chars=len(cleaned.text), n_sections=len(sections), n_items=len(items),
               parts=",".join(dict.fromkeys(parts)), status=status, message="; ".join(messages))
    audit = [dict(doc_id=doc_id, action="removed", line=r["line"], text=r["text"], reason=r["reason"], count=1)
             for r in cleaned.removed]
    audit += [dict(doc_id=doc_id, action="changed", line=None, text="", reason=k, count=v)
              for k, v in cleaned.changes.items()]
    return DocResult(document=doc, text=cleaned.text, sections=sections, items=items, metrics=metrics,
                     measures=measures, cleaning=audit)


class InputError(ValueError):
    """An input that does not exist or holds no report: the command stops before it reads or writes anything."""


class NothingReadError(RuntimeError):
    """No file of the run could be read, and the output directory holds tables of readable reports, which are kept.

    ``documents`` is the documents table of the run (every file failed), for reporting what went wrong."""

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


class ResultCache:
    """Per-file results of ``process_file`` kept on disk, keyed by the file's content, its metadata override, the
    size limit and the parser version; a file whose content is unchanged is not parsed again.

    The results live in one SQLite database, ``DIRECTORY/results.sqlite`` (WAL mode, so concurrent ingests read while
    one writes and never see half a write). ``put`` only queues a pickled result; they are committed in one
    transaction per ``FLUSH_EVERY`` results and by ``flush``/``close``, because a file (or a transaction) per document
    costs a fair share of parsing it. Any SQLite error (a damaged database, one locked by another ingest for longer
    than ``TIMEOUT`` seconds) turns the cache off for the rest of the run with a warning: results are then computed,
    just not cached. Failures are never cached (they may be transient). The first write of a run drops the results
    of other parser versions, so the database does not grow with every change of the code or vocabularies."""

    FLUSH_EVERY = 128
    TIMEOUT = 10.0

    def __init__(self, directory: str | Path):
        self.path = Path(directory) / "results.sqlite"
        self.version = parser_version()
        self.error: str | None = None  # why the cache was turned off, if it was
        self._db: sqlite3.Connection | None = None
        self._pending: list[tuple[str, str, bytes]] = []
        self._purged = False

    def key(self, path: Path, override: dict | None, max_mb: float, vocab: Vocabulary | None = None) -> str | None:
        return content_key(path, override, max_mb, vocab)

    def _connect(self) -> sqlite3.Connection | None:
        """The open database, created if needed; None when the cache is off."""
        if self._db is None and self.error is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                # autocommit mode: transactions are begun explicitly in flush()
                db = sqlite3.connect(self.path, timeout=self.TIMEOUT, isolation_level=None)
                self._db = db
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")  # with WAL: never corrupt, only the last commits may be lost
                db.execute("CREATE TABLE IF NOT EXISTS results (version TEXT NOT NULL, key TEXT NOT NULL, "
                           "result BLOB NOT NULL, PRIMARY KEY (version, key))")
            except (sqlite3.Error, OSError) as exc:
                self._disable(exc)
        return self._db

    def _disable(self, exc: Exception) -> None:
        self.error = f"{type(exc).__name__}: {exc}"
        self._pending.clear()
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
            self._db = None
        warnings.warn(f"result cache {self.path} not used ({self.error}); files are parsed again", RuntimeWarning,
                      stacklevel=3)

    def cached(self, keys: Iterable[str | None]) -> set[str]:
        """Those of ``keys`` that have a stored result for this parser version."""
        wanted = {k for k in keys if k is not None}
        db = self._connect() if wanted else None
        if db is None:
            return set()
        try:  # one scan of the primary-key index instead of a query per file
            rows = db.execute("SELECT key FROM results WHERE version = ?", (self.version,))
            return {k for (k,) in rows if k in wanted}
        except sqlite3.Error as exc:
            self._disable(exc)
            return set()

    def get(self, key: str | None, path: Path) -> DocResult | None:
        """The stored result for ``key``, with ``path`` as its source and file name; None when there is none."""
        db = None if key is None else self._connect()
        if db is None:
            return None
        try:
            row = db.execute("SELECT result FROM results WHERE version = ? AND key = ?", (self.version, key)).fetchone()
        except sqlite3.Error as exc:
            self._disable(exc)
            return None
        if row is None:
            return None
        try:
            result = pickle.loads(row[0])
        except Exception:  # an entry that cannot be read (say, of an older DocResult) is computed and replaced
            return None
        result.document.update(source=str(path), file_name=path.name)
        return result

    def put(self, key: str | None, result: DocResult) -> None:
        """Queue ``result`` for storing under ``key`` (pickled now: the caller may change it afterwards)."""
        if key is None or result.document["status"] == "failed" or self.error is not None:
            return
        self._pending.append((self.version, key, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)))
        if len(self._pending) >= self.FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        """Store the queued results in one transaction."""
        db = self._connect() if self._pending else None
        if db is None:
            return
        try:
            db.execute("BEGIN IMMEDIATE")  # take the write lock now (waiting up to TIMEOUT), not halfway through
            if not self._purged:  # results of other parser versions are never read again: free their space
                db.execute("DELETE FROM results WHERE version <> ?", (self.version,))
                self._purged = True
            db.executemany("INSERT OR REPLACE INTO results (version, key, result) VALUES (?, ?, ?)", self._pending)
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            if db.in_transaction:
                try:
                    db.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
            self._disable(exc)
        self._pending.clear()

    def close(self) -> None:
        """Store what is queued and close the database."""
        self.flush()
        if self._db is not None:
            self._db.close()
            self._db = None


def _run(files: list[Path], overrides: dict[Path, dict], jobs: int, max_mb: float,
         cache: ResultCache | None = None, engine: str = "local", scheduler: str | None = None,
         vocab: Vocabulary | None = None) -> Iterator[DocResult]:
    """Results in the order of ``files``: from the cache where possible, the rest computed (in parallel).

    Cached results are read one at a time as they are yielded, so memory does not grow with the corpus."""
    if engine not in ("local", "dask"):
        raise ValueError(f"engine must be 'local' or 'dask', not {engine!r}")

    def compute(todo: list[Path]) -> Iterator[DocResult]:
        if engine == "dask":
            return _compute_dask(todo, overrides, max_mb, scheduler, jobs, vocab)
        return _compute(todo, overrides, jobs, max_mb, vocab)

    if cache is None:
        yield from compute(files)
        return
    keys = [cache.key(f, overrides.get(f), max_mb, vocab) for f in files]
    hits = cache.cached(keys)
    computed = compute([f for f, k in zip(files, keys, strict=True) if k not in hits])
    try:
        for f, k in zip(files, keys, strict=True):
            r = cache.get(k, f) if k in hits else None
            if r is None:
                # a hit that cannot be read after all is parsed here, outside the workers' queue
                r = process_file(f, overrides.get(f), max_mb, vocab) if k in hits else next(computed)
                cache.put(k, r)
            yield r
    finally:
        cache.close()
        computed.close()  # stop the workers when the consumer stopped early


def _compute(files: list[Path], overrides: dict[Path, dict], jobs: int, max_mb: float,
             vocab: Vocabulary | None) -> Iterator[DocResult]:
    if jobs <= 1 or len(files) < 2:
        for f in files:
            yield process_file(f, overrides.get(f), max_mb, vocab)
        return
    with worker_pool(jobs) as pool:
        args = [(f, overrides.get(f), max_mb, vocab) for f in files]
        yield from pool.imap(_process_args, args, chunksize=max(1, min(32, len(files) // (jobs * 8) or 1)))


def _compute_dask(files: list[Path], overrides: dict[Path, dict], max_mb: float, scheduler: str | None,
                  jobs: int, vocab: Vocabulary | None) -> Iterator[DocResult]:
    """The same per-document function on a Dask distributed cluster: the one at ``scheduler`` (an address such as
    tcp://10.0.0.5:8786; its workers must see the input paths), else a local cluster of ``jobs`` worker processes.
    Results come back in the order of ``files``, a bounded number in flight, so memory stays flat."""
    if not files:
        return
    from dask.distributed import Client, LocalCluster

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        window = 256
        futures = [client.submit(process_file, f, overrides.get(f), max_mb, vocab, pure=False) for f in files[:window]]
        for i in range(len(files)):
            if i + window < len(files):
                nxt = files[i + window]
                futures.append(client.submit(process_file, nxt, overrides.get(nxt), max_mb, vocab, pure=False))
            yield futures[i].result()
            futures[i] = None  # let the result go
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _process_args(args: tuple[Path, dict | None, float, Vocabulary | None]) -> DocResult:
    return process_file(*args)


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
    run = _run(files, overrides, jobs, max_mb, ResultCache(cache_dir) if cache_dir else None, engine, scheduler, vocab)
    results: Iterator[DocResult] = run
    if progress or (progress is None and len(files) >= 50):
        from tqdm.auto import tqdm

        results = tqdm(run, total=len(files), unit="doc", desc="ingest", disable=None if progress is None else False)
    return results, run, [*skipped, *problems]


def ingest(paths: Iterable[str | Path] | str | Path, metadata: str | Path | None = None, jobs: int = 1,
           max_mb: float = 20.0, progress: bool | None = None, cache_dir: str | Path | None = None,
           engine: str = "local", scheduler: str | None = None, vocab: Vocabulary | str | Path | None = None
           ) -> Corpus:
    """Ingest report files and directories (walked recursively) into a ``Corpus``.

    ``metadata`` names an extra metadata CSV (a ``metadata.csv`` beside the files is always read). ``jobs`` is the
    number of worker processes. ``progress`` shows a progress bar (default: on a terminal, for 50 files or more).
    Every input file ends up either in ``documents`` or in ``skipped``; a second copy of the same content is kept
    in ``documents`` with status ``duplicate`` and no rows in the other tables. With ``cache_dir``, each file's
    result is kept there and files whose content is unchanged are not parsed again (see ``ResultCache``).
    ``engine="dask"`` runs the per-document step on a Dask distributed cluster (``scheduler`` address, or a local
    cluster of ``jobs`` workers); the tables are the same as with the local engine. ``vocab`` is a researcher's
    vocabulary folder (or ``Vocabulary``) overlaid on the packaged vocabularies.

    Holds every table in memory; ``ingest_to`` writes the same tables to disk with memory bounded by a batch.
    """
    vocab = as_vocabulary(vocab)
    results, run, skipped = _results(paths, metadata, jobs, max_mb, progress, cache_dir, engine, scheduler, vocab)
    try:
        return assemble(results, skipped)
    finally:
        run.close()


def assemble(results: Iterable[DocResult], skipped: list[tuple[str, str]] | None = None) -> Corpus:
    """Combine per-document results into a Corpus, flagging repeated content as duplicates."""
    return Corpus(**table_frames(flag_duplicates(results), skipped))


def flag_duplicates(results: Iterable[DocResult]) -> Iterator[DocResult]:
    """The results in order, each repeat of content seen before turned into a duplicate.

    A readable (ok/warning) result whose ``doc_id`` came earlier keeps only its documents row, with status
    ``duplicate``, ``duplicate_of`` the first copy's id, a message naming the first copy's file, and an id of its own
    (from the first copy's id and its own path); the first copy wins. Holds one id and path per distinct document."""
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
    """The tables named in ``names`` (all by default) as DataFrames, from results already passed through
    ``flag_duplicates`` and the skipped (source, reason) pairs.

    Every result gives a documents row; only readable (ok/warning) ones give rows of the other tables, but for
    ``texts``, which also keeps the text of a document whose parsing failed. This is the
    one place that fixes the tables' columns and dtypes: ``assemble`` applies it to a whole corpus, ``write_stream``
    to each batch, so both write the same tables."""
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


def ingest_to(paths: Iterable[str | Path] | str | Path, outdir: str | Path, csv: bool = False,
              metadata: str | Path | None = None, jobs: int = 1, max_mb: float = 20.0, progress: bool | None = None,
              cache_dir: str | Path | None = None, engine: str = "local", scheduler: str | None = None,
              batch_size: int | None = None, keep_readable_tables: bool = False,
              fingerprint_now: str | None = None, vocab: Vocabulary | str | Path | None = None) -> Written:
    """Ingest like ``ingest`` and write the tables to ``outdir`` like ``Corpus.write``, streaming (see
    ``write_stream``): the tables are the same, memory is bounded by a batch of ``batch_size`` documents.

    The folder's manifest (``fazhi_lib.manifest``) records the inputs' fingerprint (``fingerprint_now`` when the
    caller computed it already) unless a file failed, and the analysis tables made stale by the new tables are
    removed."""
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
                 csv: bool = False, batch_size: int | None = None, keep_readable_tables: bool = False) -> Written:
    """Write the tables of ``results`` (in file order; duplicates are flagged here) and ``skipped`` to
    ``OUTDIR/<table>.parquet`` (and ``.csv`` when ``csv``), ``batch_size`` (default ``BATCH_SIZE``) documents at a
    time.

    Each batch becomes DataFrames through ``table_frames``, as in ``assemble``, appended as one row group per table;
    only the documents rows are kept until the end. Every file is written under a temporary name and renamed when
    all are complete: if anything fails, the temporary files are removed, the tables already in ``outdir`` are left
    as they were and the error propagates. With ``keep_readable_tables``, a run in which no file could be read does
    not replace tables that hold readable reports either: it raises NothingReadError. Returns what was written."""
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
    "DocResult",
    "InputError",
    "NothingReadError",
    "assemble",
    "check_inputs",
    "content_id",
    "flag_duplicates",
    "ingest",
    "ingest_to",
    "process_file",
    "table_frames",
    "write_stream",
]
