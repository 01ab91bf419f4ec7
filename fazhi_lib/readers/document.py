"""Reading one report file of any supported format into a ``RawDocument``; never raises for bad input."""

from __future__ import annotations

import hashlib
import io
import logging
import re
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from fazhi_lib.readers.base import SUPPORTED_SUFFIXES, RawDocument, ReadError
from fazhi_lib.readers.docx import _docx_error_message, _docx_lines, _docx_meta, _open_docx
from fazhi_lib.readers.files import _skip_reason, discover
from fazhi_lib.readers.html import _decode_html_bytes, html_to_text
from fazhi_lib.readers.pdf import _pdf_pages, _pdf_text_from_pages
from fazhi_lib.readers.text import _SCORE_SAMPLE, _is_bad_char, _join_lines, _tidy_plain_text, decode_bytes

# --------------------------------------------------------------------------------------------------
# read_document
# --------------------------------------------------------------------------------------------------

_MAGIC = (
    (b"%PDF-", "a PDF"),
    (b"PK\x03\x04", "a zip package (e.g. .docx/.xlsx)"),
    (b"\xd0\xcf\x11\xe0", "an old Office (.doc/.xls) file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)


def _failed(source: str, fmt: str, message: str, sha: str = "", n_bytes: int = 0) -> RawDocument:
    return RawDocument(source, fmt, "", None, sha, n_bytes, "failed", message, {})


# Characters that are never bad: skipped in bulk so that only the rare others are looked at one by one.
_PLAIN_RE = re.compile("[\x20-\x7e\t\n\r\f\u2000-\u206f\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff01-\uffef]+")


def _bad_char_ratio(text: str) -> float:
    sample = text[:_SCORE_SAMPLE]
    if not sample:
        return 0.0
    return sum(1 for ch in _PLAIN_RE.sub("", sample) if _is_bad_char(ch)) / len(sample)


def _check_text(text: str) -> str | None:
    """A failure message if decoded text is not really text (binary content), else None."""
    if "\x00" in text:
        return "binary file (NUL bytes), not text"
    if _bad_char_ratio(text) > 0.1:
        return "binary file (control or undecodable characters), not text"
    return None


def _read_text_like(source: str, fmt: str, data: bytes, sha: str) -> RawDocument:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return _failed(source, fmt, f"binary file (content is {what}), not text", sha, len(data))
    if fmt == "html":
        text, encoding, warning = _decode_html_bytes(data)
    else:
        text, encoding, warning = decode_bytes(data)
    problem = _check_text(text)
    if problem:
        return _failed(source, fmt, problem, sha, len(data))
    meta: dict[str, str] = {}
    if fmt == "html":
        body, meta = html_to_text(text)
        if not body.strip():
            msg = "no article text found in the HTML page"
            return RawDocument(source, fmt, "", encoding, sha, len(data), "failed", msg, meta)
    else:
        body = _tidy_plain_text(text)
        if not body.strip():
            return RawDocument(
                source, fmt, "", encoding, sha, len(data), "failed", "file contains only whitespace", {}
            )
    status = "warning" if warning else "ok"
    return RawDocument(source, fmt, body, encoding, sha, len(data), status, warning, meta)


def _read_docx(source: str, data: bytes, sha: str) -> RawDocument:
    try:
        document = _open_docx(io.BytesIO(data))
    except Exception as exc:
        return _failed(source, "docx", _docx_error_message(data, exc), sha, len(data))
    meta = _docx_meta(document)
    text = _join_lines(_docx_lines(document))
    if not text:
        return RawDocument(source, "docx", "", None, sha, len(data), "failed",
                           "document has no text (only images or empty?)", meta)  # fmt: skip
    return RawDocument(source, "docx", text, None, sha, len(data), "ok", "", meta)


def _read_pdf(source: str, data: bytes, sha: str) -> RawDocument:
    if not data.lstrip()[:1024].count(b"%PDF-"):
        return _failed(source, "pdf", "corrupt or not a PDF file (no %PDF header)", sha, len(data))
    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.ERROR)  # "EOF marker not found" etc.: the status message says it already
    try:
        pages = _pdf_pages(data)
        text = _pdf_text_from_pages(pages)
    except ReadError as exc:
        return _failed(source, "pdf", str(exc), sha, len(data))
    except Exception as exc:
        return _failed(
            source, "pdf", f"corrupt or unreadable PDF ({type(exc).__name__}: {exc})", sha, len(data)
        )
    finally:
        pypdf_log.setLevel(level)
    warnings = []
    empty = sum(1 for p in pages if not p.strip())
    if empty:
        warnings.append(f"{empty} of {len(pages)} pages have no text layer (scanned images?)")
    bad = _bad_char_ratio(text)
    if bad > 0.05:
        warnings.append(
            f"text layer looks garbled ({bad:.0%} unmapped characters; fonts without Unicode map?): "
            "OCR may help"
        )
    status = "warning" if warnings else "ok"
    return RawDocument(source, "pdf", text, None, sha, len(data), status, "; ".join(warnings), {})


def _format_mb(n_bytes: int) -> str:
    return f"{n_bytes / 1024 / 1024:.1f}"


def read_document(path: str | Path, max_mb: float = 20.0) -> RawDocument:
    """Read one report file into a ``RawDocument``; dispatches on the (case-insensitive) suffix.

    Never raises for bad input: a missing file, directory, permission problem, unsupported suffix, empty
    file, binary content, undecodable text, a file over ``max_mb`` megabytes, a corrupt .docx/.pdf or a
    scanned PDF without text layer all give status "failed" with a message saying what is wrong.  Status
    "warning" means the text is usable but something was lossy (e.g. "undecodable bytes replaced (12 of
    40000 characters)", pages without text).

    Parameters
    ----------
    path : str or pathlib.Path
        The report file.
    max_mb : float, default 20.0
        Files larger than this many megabytes are not read.

    Returns
    -------
    RawDocument
        The extracted text with its format, encoding, hash, status and message.
    """
    source = str(path)
    p = Path(path)
    fmt = SUPPORTED_SUFFIXES.get(p.suffix.lower(), "")
    try:
        st = p.stat()
    except FileNotFoundError:
        return _failed(source, fmt, "no such file or directory")
    except PermissionError:
        return _failed(source, fmt, "permission denied")
    except OSError as exc:
        return _failed(source, fmt, f"cannot access file ({exc.strerror or exc})")
    if stat.S_ISDIR(st.st_mode):
        return _failed(source, fmt, "is a directory, not a file")
    if not fmt:
        return _failed(
            source, fmt, _skip_reason(p) or f"unsupported file type {p.suffix.lower()}", n_bytes=st.st_size
        )
    if st.st_size > max_mb * 1024 * 1024:
        return _failed(
            source, fmt, f"file is {_format_mb(st.st_size)} MB, over the {max_mb:g} MB limit (max_mb)",
            _sha256_file(p), st.st_size,
        )  # fmt: skip
    try:
        data = p.read_bytes()
    except PermissionError:
        return _failed(source, fmt, "permission denied", n_bytes=st.st_size)
    except OSError as exc:
        return _failed(source, fmt, f"cannot read file ({exc.strerror or exc})", n_bytes=st.st_size)
    sha = hashlib.sha256(data).hexdigest()
    if not data:
        return _failed(source, fmt, "empty file", sha, 0)
    try:
        if fmt in ("txt", "html"):
            return _read_text_like(source, fmt, data, sha)
        if fmt == "docx":
            return _read_docx(source, data, sha)
        return _read_pdf(source, data, sha)
    except Exception as exc:  # last line of defence: report, never raise
        return _failed(
            source, fmt, f"unexpected error while reading ({type(exc).__name__}: {exc})", sha, len(data)
        )


def _sha256_file(p: Path) -> str:
    try:
        h = hashlib.sha256()
        with p.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()
    except OSError:
        return ""


def iter_documents(paths: Iterable[str | Path], max_mb: float = 20.0) -> Iterator[RawDocument]:
    """Convenience: ``read_document`` for every supported file that ``discover(paths)`` finds.

    Parameters
    ----------
    paths : iterable of str or pathlib.Path
        Files and folders (searched recursively).
    max_mb : float, default 20.0
        Files larger than this many megabytes are not read.

    Yields
    ------
    RawDocument
        One per supported file, in the order ``discover`` gives.
    """
    supported, _ = discover(paths)
    for p in supported:
        yield read_document(p, max_mb=max_mb)
