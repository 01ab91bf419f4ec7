"""The per-document step: one report file read, cleaned and parsed into a ``DocResult``.

The file is read, cleaned and parsed (metadata, structure, metrics, measures) into its row of ``documents`` and its
rows of the other tables. ``process_file`` never raises for bad input: problems end up in the document's status and
message, and a parser bug in one document is recorded on it (status failed, with the step and the error) while its
text is kept.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from fazhi_lib.clean import clean_text
from fazhi_lib.measures import extract_measures
from fazhi_lib.metadata import apply_overrides, infer_metadata
from fazhi_lib.metrics import extract_metrics
from fazhi_lib.readers import read_document
from fazhi_lib.schema import DOCUMENT_COLUMNS
from fazhi_lib.structure import parse_rows
from fazhi_lib.vocabulary import Vocabulary, using

__all__ = ["DocResult", "content_id", "process_file"]

META_FIELDS = ("title", "jurisdiction", "admin_level", "region", "year_start", "year_end", "panel")
ROW_FIELDS = ("sections", "items", "metrics", "measures", "cleaning")  # DocResult lists giving the same-named tables
MIN_CHARS = 200  # shorter texts are kept with a warning: most likely an index page or a stub


@dataclass
class DocResult:
    """Everything ingest learned from one file: its documents row and its rows of the other tables.

    Attributes
    ----------
    document : dict
        The file's row of ``documents`` (``schema.DOCUMENT_COLUMNS``: id, metadata, status and message).
    text : str, optional
        The cleaned text (the text as read when cleaning failed); empty for a file that could not be read.
    sections, items, metrics, measures, cleaning : list of dict, optional
        The file's rows of the tables of the same names, each with its ``doc_id`` and character offsets.
    """

    document: dict
    text: str = ""
    sections: list[dict] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)
    metrics: list[dict] = field(default_factory=list)
    measures: list[dict] = field(default_factory=list)
    cleaning: list[dict] = field(default_factory=list)


def content_id(text: str) -> str:
    """Stable document id from the cleaned content.

    The same report saved as GBK text, UTF-8 text or a web page gets the same id (white space is ignored).

    Parameters
    ----------
    text : str
        The cleaned text of a report.

    Returns
    -------
    str
        16 hexadecimal characters of the SHA-256 of the text without its white space.
    """
    return hashlib.sha256("".join(text.split()).encode("utf-8")).hexdigest()[:16]


def process_file(path: str | Path, override: dict | None = None, *, max_mb: float = 20.0,
                 vocab: Vocabulary | None = None) -> DocResult:
    """Read, clean and parse one report file. Never raises for bad input: problems end up in status/message.

    Parameters
    ----------
    path : str or pathlib.Path
        The report file (text, web page, Word or PDF).
    override : dict, optional
        Researcher-given metadata for this file (from a metadata CSV); its non-empty fields win over inferred ones.
    max_mb : float, default 20.0
        Files larger than this many megabytes are not read (status failed).
    vocab : Vocabulary, optional
        The vocabulary to parse with (``fazhi_lib.vocabulary.Vocabulary``; None: the packaged one); it travels with
        the call to worker processes and Dask workers.

    Returns
    -------
    DocResult
        The file's documents row (status ok, warning or failed, with its message) and its rows of the other tables.
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
