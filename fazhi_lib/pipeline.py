"""The ingest pipeline: files in, one ``Corpus`` of tidy tables out.

``process_file`` is the pure per-document step (read → clean → metadata → structure); ``ingest`` runs it over a
corpus (in parallel when asked), flags duplicates and returns a ``Corpus``; ``Corpus.write`` stores the tables as
Parquet (and CSV), ``load`` reads them back. ``ingest_to`` does the same as ``ingest`` followed by ``write`` but
streams: results are turned into tables a batch at a time and appended to the files as Parquet row groups, so memory
does not grow with the corpus (only the one-row-per-file ``documents`` and ``skipped`` tables are held whole).

Tables (all offsets point into ``texts.text``):

- ``documents``: one row per input report file, whatever happened to it (``status`` ok / warning / failed /
  duplicate, with a ``message``);
- ``texts``: doc_id, text (the cleaned text);
- ``sections`` and ``items``: see ``fazhi_lib.structure``;
- ``metrics``: one row per reported quantity, see ``fazhi_lib.metrics``;
- ``measures``: one row per mention of a rule-of-law mechanism, see ``fazhi_lib.measures``;
- ``cleaning``: the audit of what cleaning removed or changed, per document;
- ``skipped``: files that are not reports of a supported format, with the reason.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sqlite3
import tempfile
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from fazhi_lib import __version__
from fazhi_lib.clean import clean_text
from fazhi_lib.io import SUPPORTED_SUFFIXES, discover, read_document
from fazhi_lib.measures import extract_measures, measures_frame
from fazhi_lib.metadata import apply_overrides, infer_metadata, read_metadata_csv
from fazhi_lib.metrics import extract_metrics, metrics_frame
from fazhi_lib.outputs import close_quietly, discard, output_kind, remove_debris, tmp_path, worker_pool
from fazhi_lib.structure import ITEM_COLUMNS, SECTION_COLUMNS, parse_rows

DOCUMENT_COLUMNS = [
    "doc_id", "source", "file_name", "title", "jurisdiction", "admin_level", "region", "year_start", "year_end",
    "panel", "parts", "n_chars", "n_sections", "n_items", "sha256", "encoding", "format", "status", "message",
    "duplicate_of",
]
CLEANING_COLUMNS = ["doc_id", "action", "line", "text", "reason", "count"]
SKIPPED_COLUMNS = ["source", "reason"]
TEXT_COLUMNS = ["doc_id", "text"]
TABLES = ("documents", "texts", "sections", "items", "metrics", "measures", "cleaning", "skipped")
WHOLE_TABLES = ("documents", "skipped")  # one row per input file: held in memory, written once at the end
STREAMED_TABLES = tuple(t for t in TABLES if t not in WHOLE_TABLES)  # rows per document: written batch by batch
ROW_FIELDS = ("sections", "items", "metrics", "measures", "cleaning")  # DocResult lists giving the same-named tables
SUMMARY_PARTS = ("problems", "plans")  # item counts shown per document by ``Corpus.summary``
BATCH_SIZE = 256  # documents per batch (one Parquet row group) when streaming: bounds memory, large enough to be fast
META_FIELDS = ("title", "jurisdiction", "admin_level", "region", "year_start", "year_end", "panel")
READABLE = ("ok", "warning")  # statuses of documents whose text was read
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


def process_file(path: str | Path, override: dict | None = None, max_mb: float = 20.0) -> DocResult:
    """Read, clean and parse one report file. Never raises for bad input: problems end up in status/message.

    ``override`` holds researcher-given metadata for this file (from a metadata CSV); its non-empty fields win
    over inferred ones.
    """
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


@dataclass
class Corpus:
    """The tables of an ingested corpus, as pandas DataFrames (see the module docstring)."""

    documents: pd.DataFrame
    texts: pd.DataFrame
    sections: pd.DataFrame
    items: pd.DataFrame
    metrics: pd.DataFrame
    measures: pd.DataFrame
    cleaning: pd.DataFrame
    skipped: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by name."""
        return {name: getattr(self, name) for name in TABLES}

    def write(self, outdir: str | Path, csv: bool = False) -> Path:
        """Write every table as ``OUTDIR/<name>.parquet`` (and ``.csv`` in UTF-8 with BOM, which Excel reads, when
        ``csv``). Each file is written to a temporary name and renamed, so no half-written table is left."""
        return self.write_tables(self.tables(), outdir, csv=csv)

    @staticmethod
    def write_tables(tables: dict[str, pd.DataFrame], outdir: str | Path, csv: bool = False) -> Path:
        """Write named DataFrames as Parquet (and CSV) into ``outdir``, each atomically (write, then rename)."""
        out = ensure_writable(outdir)
        for name, df in tables.items():
            _atomic_write(out / f"{name}.parquet", lambda p, df=df: df.to_parquet(p, index=False))
            if csv:
                _atomic_write(out / f"{name}.csv", lambda p, df=df: df.to_csv(p, index=False, encoding="utf-8-sig"))
        return out

    def summary(self) -> pd.DataFrame:
        """One line per document: file, place, period, parts found, item counts and status."""
        return summary_frame(self.documents, part_counts(self.items))

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name}={len(df)}" for name, df in self.tables().items())
        return f"Corpus({sizes})"


def part_counts(items: pd.DataFrame) -> dict[tuple[str, str], int]:
    """Number of items per (doc_id, part) for the parts in ``SUMMARY_PARTS``, from an items table or a batch of
    one (a document's items are never split between batches, so the counts of batches can simply be merged)."""
    shown = items[items["part"].isin(SUMMARY_PARTS)]
    return {(doc_id, part): int(n) for (doc_id, part), n in shown.groupby(["doc_id", "part"]).size().items()}


def summary_frame(documents: pd.DataFrame, counts: Mapping[tuple[str, str], int]) -> pd.DataFrame:
    """One line per row of ``documents``: file, place, period, parts found, item counts and status; ``counts`` gives
    the problems/plans items per document (see ``part_counts``), absent means none."""
    d = documents
    period = [
        "" if pd.isna(a) else f"{int(a)}" + ("" if pd.isna(b) or b == a else f"–{int(b)}")
        for a, b in zip(d["year_start"], d["year_end"], strict=True)
    ]
    return pd.DataFrame({
        "file": d["file_name"],
        "jurisdiction": d["jurisdiction"].fillna(""),
        "level": d["admin_level"].fillna(""),
        "period": period, "parts": d["parts"].fillna(""), "items": d["n_items"],
        **{part: [counts.get((i, part), 0) for i in d["doc_id"]] for part in SUMMARY_PARTS},
        "status": d["status"],
    })


class OutputError(RuntimeError):
    """The output directory cannot be created or written."""


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


def ensure_writable(outdir: str | Path) -> Path:
    """Create ``outdir`` if needed, check that files can be written in it and remove the temporary files that runs
    killed while writing there left behind (``outputs.remove_debris``).

    Raises OutputError with a clear message when it cannot."""
    out = Path(outdir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        remove_debris(out)  # first: on a full disk, the space they hold may be what this run needs
        with tempfile.NamedTemporaryFile(dir=out, prefix=".write-test-"):
            pass
    except OSError as exc:
        raise OutputError(f"cannot write to output directory {out}: {exc.strerror or exc}") from exc
    return out


def _atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    tmp = tmp_path(path)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        discard(tmp)


def metadata_overrides(files: Iterable[Path], extra_csv: str | Path | None = None
                       ) -> tuple[dict[Path, dict], list[tuple[str, str]]]:
    """Researcher-given metadata per file: from ``metadata.csv`` beside the files and from ``extra_csv``.

    Returns ({file: override row}, problems) where problems lists (csv path, reason) for tables that could not be
    read; those are reported, not fatal.
    """
    tables: dict[Path, dict[str, dict]] = {}
    problems: list[tuple[str, str]] = []

    def rows_of(csv_path: Path) -> dict[str, dict]:
        try:
            df = read_metadata_csv(csv_path)
        except (ValueError, OSError, UnicodeDecodeError) as exc:
            problems.append((str(csv_path), f"metadata table could not be read: {exc}"))
            return {}
        return {str(r["file_name"]): {k: v for k, v in r.items() if k != "file_name" and pd.notna(v) and v != ""}
                for r in df.to_dict("records")}

    extra = rows_of(Path(extra_csv)) if extra_csv else {}
    out: dict[Path, dict] = {}
    for f in files:
        csv_path = f.parent / "metadata.csv"
        if csv_path not in tables:
            tables[csv_path] = rows_of(csv_path) if csv_path.is_file() else {}
        row = {**tables[csv_path].get(f.name, {}), **extra.get(f.name, {})}
        if row:
            out[f] = row
    return out, problems


@lru_cache(maxsize=1)
def parser_version() -> str:
    """A hash of the library's code and vocabularies: cached results of another version are never reused."""
    root = Path(__file__).parent
    h = hashlib.sha256()
    for path in sorted([*root.glob("*.py"), *(root / "vocab").glob("*")]):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def content_key(path: Path, override: dict | None, max_mb: float) -> str | None:
    """Hash of what a file's result depends on besides the parser: its bytes, its metadata override, the size limit;
    None when the file cannot be read now."""
    try:
        data = path.read_bytes()
    except OSError:
        return None  # unreadable now: process_file reports it
    extra = json.dumps(override or {}, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(data + b"\0" + extra.encode() + f"\0{max_mb}".encode()).hexdigest()


def fingerprint(paths: Iterable[str | Path] | str | Path, metadata: str | Path | None = None,
                max_mb: float = 20.0) -> str:
    """A hash of everything an ingest's tables depend on: the files found (path and content key), the skipped list,
    the metadata overrides, the size limit and the parser version. Equal fingerprints give equal tables."""
    if isinstance(paths, str | Path):
        paths = [paths]
    files, skipped = discover(paths)
    overrides, problems = metadata_overrides(files, metadata)
    h = hashlib.sha256(f"{parser_version()}\0{max_mb}\0".encode())
    h.update(json.dumps([*skipped, *problems], ensure_ascii=False, default=str).encode())
    for f in files:
        h.update(f"{f}\0{content_key(f, overrides.get(f), max_mb)}\n".encode())
    return h.hexdigest()


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

    def key(self, path: Path, override: dict | None, max_mb: float) -> str | None:
        return content_key(path, override, max_mb)

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
         cache: ResultCache | None = None, engine: str = "local", scheduler: str | None = None
         ) -> Iterator[DocResult]:
    """Results in the order of ``files``: from the cache where possible, the rest computed (in parallel).

    Cached results are read one at a time as they are yielded, so memory does not grow with the corpus."""
    if engine not in ("local", "dask"):
        raise ValueError(f"engine must be 'local' or 'dask', not {engine!r}")

    def compute(todo: list[Path]) -> Iterator[DocResult]:
        if engine == "dask":
            return _compute_dask(todo, overrides, max_mb, scheduler, jobs)
        return _compute(todo, overrides, jobs, max_mb)

    if cache is None:
        yield from compute(files)
        return
    keys = [cache.key(f, overrides.get(f), max_mb) for f in files]
    hits = cache.cached(keys)
    computed = compute([f for f, k in zip(files, keys, strict=True) if k not in hits])
    try:
        for f, k in zip(files, keys, strict=True):
            r = cache.get(k, f) if k in hits else None
            if r is None:
                # a hit that cannot be read after all is parsed here, outside the workers' queue
                r = process_file(f, overrides.get(f), max_mb) if k in hits else next(computed)
                cache.put(k, r)
            yield r
    finally:
        cache.close()
        computed.close()  # stop the workers when the consumer stopped early


def _compute(files: list[Path], overrides: dict[Path, dict], jobs: int, max_mb: float) -> Iterator[DocResult]:
    if jobs <= 1 or len(files) < 2:
        for f in files:
            yield process_file(f, overrides.get(f), max_mb)
        return
    with worker_pool(jobs) as pool:
        args = [(f, overrides.get(f), max_mb) for f in files]
        yield from pool.imap(_process_args, args, chunksize=max(1, min(32, len(files) // (jobs * 8) or 1)))


def _compute_dask(files: list[Path], overrides: dict[Path, dict], max_mb: float, scheduler: str | None,
                  jobs: int) -> Iterator[DocResult]:
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
        futures = [client.submit(process_file, f, overrides.get(f), max_mb, pure=False) for f in files[:window]]
        for i in range(len(files)):
            if i + window < len(files):
                nxt = files[i + window]
                futures.append(client.submit(process_file, nxt, overrides.get(nxt), max_mb, pure=False))
            yield futures[i].result()
            futures[i] = None  # let the result go
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _process_args(args: tuple[Path, dict | None, float]) -> DocResult:
    return process_file(*args)


def _results(paths: Iterable[str | Path] | str | Path, metadata: str | Path | None, jobs: int, max_mb: float,
             progress: bool | None, cache_dir: str | Path | None, engine: str, scheduler: str | None
             ) -> tuple[Iterator[DocResult], Iterator[DocResult], list[tuple[str, str]]]:
    """Find the input files and start processing them (see ``ingest`` for the arguments).

    Returns (results to consume, in file order, with a progress bar when asked; the underlying generator, to close
    when stopping early; skipped (source, reason) pairs)."""
    if isinstance(paths, str | Path):
        paths = [paths]
    files, skipped = discover(paths)
    overrides, problems = metadata_overrides(files, metadata)
    run = _run(files, overrides, jobs, max_mb, ResultCache(cache_dir) if cache_dir else None, engine, scheduler)
    results: Iterator[DocResult] = run
    if progress or (progress is None and len(files) >= 50):
        from tqdm.auto import tqdm

        results = tqdm(run, total=len(files), unit="doc", desc="ingest", disable=None if progress is None else False)
    return results, run, [*skipped, *problems]


def ingest(paths: Iterable[str | Path] | str | Path, metadata: str | Path | None = None, jobs: int = 1,
           max_mb: float = 20.0, progress: bool | None = None, cache_dir: str | Path | None = None,
           engine: str = "local", scheduler: str | None = None) -> Corpus:
    """Ingest report files and directories (walked recursively) into a ``Corpus``.

    ``metadata`` names an extra metadata CSV (a ``metadata.csv`` beside the files is always read). ``jobs`` is the
    number of worker processes. ``progress`` shows a progress bar (default: on a terminal, for 50 files or more).
    Every input file ends up either in ``documents`` or in ``skipped``; a second copy of the same content is kept
    in ``documents`` with status ``duplicate`` and no rows in the other tables. With ``cache_dir``, each file's
    result is kept there and files whose content is unchanged are not parsed again (see ``ResultCache``).
    ``engine="dask"`` runs the per-document step on a Dask distributed cluster (``scheduler`` address, or a local
    cluster of ``jobs`` workers); the tables are the same as with the local engine.

    Holds every table in memory; ``ingest_to`` writes the same tables to disk with memory bounded by a batch.
    """
    results, run, skipped = _results(paths, metadata, jobs, max_mb, progress, cache_dir, engine, scheduler)
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
        if doc["status"] in ("ok", "warning"):
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
        readable = r.document["status"] in ("ok", "warning")
        if readable or r.text:  # a document whose parsing failed keeps its text
            texts.append({"doc_id": r.document["doc_id"], "text": r.text})
        if readable:
            for name in ROW_FIELDS:
                rows[name].extend(getattr(r, name))
    build: dict[str, Callable[[], pd.DataFrame]] = {
        "documents": lambda: documents_frame(docs),
        "texts": lambda: pd.DataFrame(texts, columns=TEXT_COLUMNS),
        "sections": lambda: _frame(rows["sections"], SECTION_COLUMNS),
        "items": lambda: _frame(rows["items"], ITEM_COLUMNS),
        "metrics": lambda: metrics_frame(rows["metrics"]),
        "measures": lambda: measures_frame(rows["measures"]),
        "cleaning": lambda: pd.DataFrame(rows["cleaning"], columns=CLEANING_COLUMNS).astype(
            {"line": "Int64", "count": "int64"}),
        "skipped": lambda: skipped_frame(skipped or []),
    }
    return {name: build[name]() for name in names}


def documents_frame(docs: list[dict]) -> pd.DataFrame:
    """The documents table from its row dicts (columns ``DOCUMENT_COLUMNS``, years as nullable Int64)."""
    documents = pd.DataFrame(docs, columns=DOCUMENT_COLUMNS)
    for col in ("year_start", "year_end"):
        documents[col] = pd.to_numeric(documents[col], errors="coerce").astype("Int64")
    for col in ("n_chars", "n_sections", "n_items"):
        documents[col] = documents[col].fillna(0).astype("int64")
    return documents


def skipped_frame(skipped: list[tuple[str, str]]) -> pd.DataFrame:
    """The skipped table from (source, reason) pairs."""
    return pd.DataFrame(skipped, columns=SKIPPED_COLUMNS)


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=columns)
    for col in ("level", "start", "end"):
        if col in df.columns:
            df[col] = df[col].astype("int64")
    return df


@dataclass
class Written:
    """What ``ingest_to``/``write_stream`` wrote to ``outdir``: the small tables in memory, the others on disk.

    ``rows`` is the number of rows of every table; ``counts`` the problems/plans items per document (see
    ``part_counts``) when gathered while writing, else None (``summary`` then reads them from items.parquet)."""

    outdir: Path
    documents: pd.DataFrame
    skipped: pd.DataFrame
    rows: dict[str, int]
    counts: dict[tuple[str, str], int] | None = None

    def summary(self) -> pd.DataFrame:
        """One line per document, as ``Corpus.summary``."""
        counts = self.counts
        if counts is None:
            counts = part_counts(pd.read_parquet(self.outdir / "items.parquet", columns=["doc_id", "part"],
                                                 filters=[("part", "in", list(SUMMARY_PARTS))]))
        return summary_frame(self.documents, counts)


def read_written(outdir: str | Path) -> Written:
    """The documents and skipped tables of an ingest output directory and every table's row count (from the Parquet
    footers: the big tables are not read). Raises FileNotFoundError when a table is missing."""
    import pyarrow.parquet as pq

    out = Path(outdir)
    rows = {name: pq.read_metadata(out / f"{name}.parquet").num_rows for name in TABLES}
    return Written(out, pd.read_parquet(out / "documents.parquet"), pd.read_parquet(out / "skipped.parquet"), rows)


def ingest_to(paths: Iterable[str | Path] | str | Path, outdir: str | Path, csv: bool = False,
              metadata: str | Path | None = None, jobs: int = 1, max_mb: float = 20.0, progress: bool | None = None,
              cache_dir: str | Path | None = None, engine: str = "local", scheduler: str | None = None,
              batch_size: int | None = None, keep_readable_tables: bool = False) -> Written:
    """Ingest like ``ingest`` and write the tables to ``outdir`` like ``Corpus.write``, streaming (see
    ``write_stream``): the tables are the same, memory is bounded by a batch of ``batch_size`` documents."""
    results, run, skipped = _results(paths, metadata, jobs, max_mb, progress, cache_dir, engine, scheduler)
    try:
        return write_stream(results, outdir, skipped, csv=csv, batch_size=batch_size,
                            keep_readable_tables=keep_readable_tables)
    finally:
        run.close()  # on an error, stop the workers now rather than when garbage-collected


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
    final: dict[Path, Path] = {}  # temporary name -> table file, for every file written

    def tmp_for(file_name: str) -> Path:
        final[tmp_path(out / file_name)] = out / file_name
        return tmp_path(out / file_name)

    streams: dict[str, list[_ParquetSink | _CsvSink]] = {}
    for name in STREAMED_TABLES:
        streams[name] = [_ParquetSink(tmp_for(f"{name}.parquet"))]
        if csv:
            streams[name].append(_CsvSink(tmp_for(f"{name}.csv")))
    sinks = [sink for group in streams.values() for sink in group]
    docs: list[dict] = []
    counts: dict[tuple[str, str], int] = {}
    rows = dict.fromkeys(TABLES, 0)
    try:
        for batch in _batches(flag_duplicates(results), batch_size or BATCH_SIZE):
            docs += [r.document for r in batch]
            for name, df in table_frames(batch, names=STREAMED_TABLES).items():
                for sink in streams[name]:
                    sink.write(df)
                rows[name] += len(df)
                if name == "items":
                    counts.update(part_counts(df))
        for sink in sinks:
            sink.finish()
        if keep_readable_tables and not any(d["status"] in READABLE for d in docs) and _holds_readable(out):
            raise NothingReadError(f"no file could be read ({len(docs)} failed); the tables in {out} were left as "
                                   "they were", documents_frame(docs))
        small = {"documents": documents_frame(docs), "skipped": skipped_frame(skipped or [])}
        for name, df in small.items():  # as Corpus.write_tables writes them
            rows[name] = len(df)
            df.to_parquet(tmp_for(f"{name}.parquet"), index=False)
            if csv:
                df.to_csv(tmp_for(f"{name}.csv"), index=False, encoding="utf-8-sig")
        for tmp, path in final.items():  # all complete: only now they replace the old tables
            os.replace(tmp, path)
    finally:  # never raises: the error that stopped the run (say, a full disk) is the one reported
        for sink in sinks:
            sink.discard()
        for tmp in final:
            discard(tmp)
    return Written(out, small["documents"], small["skipped"], rows, counts)


def _holds_readable(outdir: Path) -> bool:
    """Whether ``outdir`` holds a documents table with at least one readable (ok or warning) report."""
    try:
        status = pd.read_parquet(outdir / "documents.parquet", columns=["status"])["status"]
    except (OSError, ValueError, KeyError):
        return False
    return bool(status.isin(READABLE).any())


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


class _ParquetSink:
    """One table streamed into a Parquet file at ``tmp``: each non-empty DataFrame is appended as a row group.

    A column that is all None in a batch comes out of pandas as Arrow type ``null`` and can be cast to whatever the
    file has; but when a batch gives a real type to a column that so far was ``null``, the file cannot take it: the
    file so far is then closed as a part, a new part begins with the unified schema, and ``finish`` copies the parts
    one row group at a time into one file. Memory is bounded by a batch (or a row group) either way."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.parts: list[Path] = []
        self.writer = None  # pyarrow.parquet.ParquetWriter of the current part
        self.empty = None  # an empty batch as an Arrow table: the file's content if no batch has rows

    def write(self, df: pd.DataFrame) -> None:
        """Append ``df`` (the table's columns and dtypes, as from ``table_frames``)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(df, preserve_index=False)
        if table.num_rows == 0:
            if self.empty is None:
                self.empty = table
            return
        if self.writer is not None and not table.schema.equals(self.writer.schema, check_metadata=False):
            schema = pa.unify_schemas([self.writer.schema, table.schema], promote_options="permissive")
            if not schema.equals(self.writer.schema, check_metadata=False):
                self.writer.close()  # the file cannot change its schema: continue in a new part
                self.writer = None
            table = table.cast(schema)
        if self.writer is None:
            self.parts.append(self.tmp.with_name(f"{self.tmp.name}.part{len(self.parts)}"))
            self.writer = pq.ParquetWriter(self.parts[-1], table.schema)
        self.writer.write_table(table)

    def finish(self) -> None:
        """Complete the file at ``tmp``."""
        import pyarrow.parquet as pq

        if self.writer is not None:
            self.writer.close()
            self.writer = None
        if not self.parts:
            pq.write_table(self.empty, self.tmp)
        elif len(self.parts) == 1:
            os.replace(self.parts.pop(), self.tmp)
        else:  # every part's schema unifies into the last one's (each new part starts from the unified schema)
            schema = pq.read_schema(self.parts[-1])
            with pq.ParquetWriter(self.tmp, schema) as writer:
                for part in self.parts:
                    source = pq.ParquetFile(part)
                    for i in range(source.num_row_groups):
                        writer.write_table(source.read_row_group(i).cast(schema))
                    source.close()
            self._remove_parts()

    def discard(self) -> None:
        """Remove the part files and ``tmp`` unless it was renamed; closes an open writer first. Never raises (on a
        full disk, closing the writer fails too: the files are removed all the same)."""
        close_quietly(self.writer)
        self.writer = None
        self._remove_parts()
        discard(self.tmp)

    def _remove_parts(self) -> None:
        for part in self.parts:
            discard(part)
        self.parts.clear()


class _CsvSink:
    """One table streamed into a CSV file at ``tmp`` (UTF-8 with one BOM, header once), as ``DataFrame.to_csv``
    of the whole table writes it."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.file = None

    def write(self, df: pd.DataFrame) -> None:
        """Append ``df``'s rows (with the header before the first)."""
        header = self.file is None
        if header:
            # utf-8-sig writes the BOM once, at the start of the stream; newline="" as pandas asks for handles
            self.file = open(self.tmp, "w", encoding="utf-8-sig", newline="")
        df.to_csv(self.file, index=False, header=header)

    def finish(self) -> None:
        """Complete the file at ``tmp``."""
        if self.file is not None:
            self.file.close()
            self.file = None

    def discard(self) -> None:
        """Close and remove ``tmp`` unless it was renamed. Never raises."""
        close_quietly(self.file)
        self.file = None
        discard(self.tmp)


def project_root(start: Path | None = None) -> Path | None:
    """The project checkout holding ``start`` (default: the working directory), if any: the first parent with
    pyproject.toml and fazhi_lib/."""
    here = (start or Path.cwd()).resolve()
    for base in (here, *here.parents):
        if (base / "pyproject.toml").is_file() and (base / "fazhi_lib").is_dir():
            return base
    return None


def resolve_path(path: str | Path, must_exist: bool = False) -> Path:
    """A path as given when absolute or existing, else relative to the project root (so a notebook run from
    notebooks/ finds data/processed/seeds and seeds/)."""
    p = Path(path).expanduser()
    if p.is_absolute() or p.exists():
        return p
    root = project_root()
    if root is not None and ((root / p).exists() or not must_exist):
        return root / p
    return p


def read_tables(tables_dir: str | Path = "data/processed/seeds", input_dir: str | Path | None = "seeds",
                names: tuple[str, ...] = ("documents",)) -> dict[str, pd.DataFrame]:
    """The named tables of a corpus, for notebooks (reads files).

    From ``tables_dir`` (an ingest/analyze output directory) when it has every ``NAME.parquet``; otherwise the
    reports in ``input_dir`` are ingested in memory (ingest tables only). Relative paths resolve with
    ``resolve_path``. Raises FileNotFoundError when neither source has them."""
    tables = resolve_path(tables_dir)
    if all((tables / f"{n}.parquet").is_file() for n in names):
        return {n: pd.read_parquet(tables / f"{n}.parquet") for n in names}
    missing = ", ".join(f"{n}.parquet" for n in names if not (tables / f"{n}.parquet").is_file())
    if input_dir is None:
        raise FileNotFoundError(f"{tables} lacks {missing}; run `fazhi ingest ... -o {tables}` or give input_dir")
    source = resolve_path(input_dir, must_exist=True)
    if not source.exists():
        raise FileNotFoundError(f"{tables} lacks {missing}, and the reports folder {source} does not exist")
    print(f"{tables} lacks {missing}: ingesting {source} in memory instead")
    corpus = ingest(source)
    unknown = [n for n in names if n not in TABLES]
    if unknown:
        raise FileNotFoundError(f"{', '.join(unknown)} come from `fazhi analyze`, which has not run on {tables}")
    return {n: getattr(corpus, n) for n in names}


def load(outdir: str | Path) -> Corpus:
    """Read the tables ``fazhi ingest`` wrote to ``outdir`` back into a Corpus."""
    out = Path(outdir)
    missing = [n for n in TABLES if not (out / f"{n}.parquet").exists()]
    if missing:
        raise FileNotFoundError(f"{out} is not an ingest output directory: missing {', '.join(missing)}.parquet")
    return Corpus(**{n: pd.read_parquet(out / f"{n}.parquet") for n in TABLES})


__all__ = [
    "Corpus",
    "DocResult",
    "InputError",
    "NothingReadError",
    "OutputError",
    "Written",
    "__version__",
    "assemble",
    "check_inputs",
    "content_id",
    "ensure_writable",
    "flag_duplicates",
    "ingest",
    "ingest_to",
    "load",
    "metadata_overrides",
    "process_file",
    "read_written",
    "table_frames",
    "write_stream",
]
