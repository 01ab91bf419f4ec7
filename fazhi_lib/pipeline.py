"""The ingest pipeline: files in, one ``Corpus`` of tidy tables out.

``process_file`` is the pure per-document step (read → clean → metadata → structure); ``ingest`` runs it over a
corpus (in parallel when asked), flags duplicates and returns a ``Corpus``; ``Corpus.write`` stores the tables as
Parquet (and CSV), ``load`` reads them back.

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
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from fazhi_lib import __version__
from fazhi_lib.clean import clean_text
from fazhi_lib.io import discover, read_document
from fazhi_lib.measures import extract_measures, measures_frame
from fazhi_lib.metadata import apply_overrides, infer_metadata, read_metadata_csv
from fazhi_lib.metrics import extract_metrics, metrics_frame
from fazhi_lib.structure import ITEM_COLUMNS, SECTION_COLUMNS, parse_rows

DOCUMENT_COLUMNS = [
    "doc_id", "source", "file_name", "title", "jurisdiction", "admin_level", "region", "year_start", "year_end",
    "parts", "n_chars", "n_sections", "n_items", "sha256", "encoding", "format", "status", "message", "duplicate_of",
]
CLEANING_COLUMNS = ["doc_id", "action", "line", "text", "reason", "count"]
SKIPPED_COLUMNS = ["source", "reason"]
TEXT_COLUMNS = ["doc_id", "text"]
TABLES = ("documents", "texts", "sections", "items", "metrics", "measures", "cleaning", "skipped")
META_FIELDS = ("title", "jurisdiction", "admin_level", "region", "year_start", "year_end")
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
        doc["doc_id"] = hashlib.sha256(f"{raw.sha256}\0{raw.source}".encode()).hexdigest()[:16]
        if override:
            doc.update({k: v for k, v in apply_overrides({}, override).items() if k in META_FIELDS and v})
        return DocResult(document=doc)
    try:
        return _process_text(raw.text, doc, raw.meta, override)
    except Exception as exc:  # a parser bug must not stop a corpus: report it on the document
        doc.update(doc_id=hashlib.sha256(f"{raw.sha256}\0{raw.source}".encode()).hexdigest()[:16],
                   status="failed", message=f"internal error while parsing ({type(exc).__name__}: {exc})")
        return DocResult(document=doc)


def _process_text(text: str, doc: dict, page_meta: dict, override: dict | None) -> DocResult:
    cleaned = clean_text(text)
    doc_id = content_id(cleaned.text)
    hints = {**{k: v for k, v in page_meta.items() if v}, **cleaned.fields}
    meta = infer_metadata(cleaned.text, title=cleaned.title or page_meta.get("ArticleTitle"), extra=hints)
    if override:
        meta = apply_overrides(meta, override)
    sections, items = parse_rows(cleaned.text, doc_id, title=meta.get("title"))
    metrics = extract_metrics(cleaned.text, doc_id, sections, items)
    measures = extract_measures(cleaned.text, doc_id, sections, items)
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
    doc.update({k: meta.get(k) for k in META_FIELDS})
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
        d = self.documents
        counts = self.items.groupby(["doc_id", "part"]).size().unstack(fill_value=0) if len(self.items) else None

        def count(doc_id: str, part: str) -> int:
            if counts is None or part not in counts.columns or doc_id not in counts.index:
                return 0
            return int(counts.loc[doc_id, part])

        period = [
            "" if pd.isna(a) else f"{int(a)}" + ("" if pd.isna(b) or b == a else f"–{int(b)}")
            for a, b in zip(d["year_start"], d["year_end"], strict=True)
        ]
        return pd.DataFrame({
            "file": d["file_name"],
            "jurisdiction": d["jurisdiction"].fillna(""),
            "level": d["admin_level"].fillna(""),
            "period": period, "parts": d["parts"].fillna(""), "items": d["n_items"],
            "problems": [count(i, "problems") for i in d["doc_id"]], "plans": [count(i, "plans") for i in d["doc_id"]],
            "status": d["status"],
        })

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name}={len(df)}" for name, df in self.tables().items())
        return f"Corpus({sizes})"


class OutputError(RuntimeError):
    """The output directory cannot be created or written."""


def ensure_writable(outdir: str | Path) -> Path:
    """Create ``outdir`` if needed and check that files can be written in it.

    Raises OutputError with a clear message when it cannot."""
    out = Path(outdir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".write-test-"):
            pass
    except OSError as exc:
        raise OutputError(f"cannot write to output directory {out}: {exc.strerror or exc}") from exc
    return out


def _atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


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
    size limit and the parser version; a file whose content is unchanged is not parsed again."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory) / parser_version()

    def key(self, path: Path, override: dict | None, max_mb: float) -> str | None:
        return content_key(path, override, max_mb)

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.pkl"

    def get(self, key: str | None, path: Path) -> DocResult | None:
        if key is None or not self._path(key).is_file():
            return None
        try:
            result = pickle.loads(self._path(key).read_bytes())
        except Exception:  # a damaged cache file is ignored and rewritten
            return None
        result.document.update(source=str(path), file_name=path.name)
        return result

    def put(self, key: str | None, result: DocResult) -> None:
        if key is None or result.document["status"] == "failed":  # failures may be transient: never cached
            return
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(target, lambda p: p.write_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)))


def _run(files: list[Path], overrides: dict[Path, dict], jobs: int, max_mb: float,
         cache: ResultCache | None = None, engine: str = "local", scheduler: str | None = None
         ) -> Iterator[DocResult]:
    """Results in the order of ``files``: from the cache where possible, the rest computed (in parallel)."""
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
    cached = [cache.get(k, f) for k, f in zip(keys, files, strict=True)]
    todo = [i for i, r in enumerate(cached) if r is None]
    computed = compute([files[i] for i in todo])
    for i, r in enumerate(cached):
        if r is None:
            r = next(computed)
            cache.put(keys[i], r)
        yield r


def _compute(files: list[Path], overrides: dict[Path, dict], jobs: int, max_mb: float) -> Iterator[DocResult]:
    if jobs <= 1 or len(files) < 2:
        for f in files:
            yield process_file(f, overrides.get(f), max_mb)
        return
    import multiprocessing as mp

    ctx = mp.get_context("fork" if hasattr(os, "fork") else "spawn")
    with ctx.Pool(jobs) as pool:
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
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    files, skipped = discover(paths)
    overrides, problems = metadata_overrides(files, metadata)
    skipped = [*skipped, *problems]
    results = _run(files, overrides, jobs, max_mb, ResultCache(cache_dir) if cache_dir else None, engine, scheduler)
    if progress or (progress is None and len(files) >= 50):
        from tqdm.auto import tqdm

        results = tqdm(results, total=len(files), unit="doc", desc="ingest",
                       disable=None if progress is None else False)
    return assemble(results, skipped)


def assemble(results: Iterable[DocResult], skipped: list[tuple[str, str]] | None = None) -> Corpus:
    """Combine per-document results into a Corpus, flagging repeated content as duplicates."""
    docs, texts, sections, items, metrics, measures, cleaning = [], [], [], [], [], [], []
    first_source: dict[str, str] = {}
    for r in results:
        doc = r.document
        if doc["status"] in ("ok", "warning"):
            if doc["doc_id"] in first_source:
                original = doc["doc_id"]
                doc.update(status="duplicate", duplicate_of=original,
                           message=f"same content as {first_source[original]}; not counted twice",
                           doc_id=hashlib.sha256(f"{original}\0{doc['source']}".encode()).hexdigest()[:16])
                docs.append(doc)
                continue
            first_source[doc["doc_id"]] = doc["source"]
            texts.append({"doc_id": doc["doc_id"], "text": r.text})
            sections.extend(r.sections)
            items.extend(r.items)
            metrics.extend(r.metrics)
            measures.extend(r.measures)
            cleaning.extend(r.cleaning)
        docs.append(doc)
    documents = pd.DataFrame(docs, columns=DOCUMENT_COLUMNS)
    for col in ("year_start", "year_end"):
        documents[col] = pd.to_numeric(documents[col], errors="coerce").astype("Int64")
    for col in ("n_chars", "n_sections", "n_items"):
        documents[col] = documents[col].fillna(0).astype("int64")
    return Corpus(
        documents=documents,
        texts=pd.DataFrame(texts, columns=TEXT_COLUMNS),
        sections=_frame(sections, SECTION_COLUMNS),
        items=_frame(items, ITEM_COLUMNS),
        metrics=metrics_frame(metrics),
        measures=measures_frame(measures),
        cleaning=pd.DataFrame(cleaning, columns=CLEANING_COLUMNS).astype({"line": "Int64", "count": "int64"}),
        skipped=pd.DataFrame(skipped or [], columns=SKIPPED_COLUMNS),
    )


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=columns)
    for col in ("level", "start", "end"):
        if col in df.columns:
            df[col] = df[col].astype("int64")
    return df


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
    "OutputError",
    "__version__",
    "assemble",
    "content_id",
    "ensure_writable",
    "ingest",
    "load",
    "metadata_overrides",
    "process_file",
]
