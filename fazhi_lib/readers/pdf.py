"""PDF files with a text layer into text, lines of a paragraph joined again."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path
from typing import Any

from fazhi_lib.readers.base import EncryptedPdfError, NoTextLayerError, ReadError
from fazhi_lib.readers.text import _normalize_newlines

# --------------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------------

_SENTENCE_END = set("。；：！？…!?;:.")
_CLOSERS = "”’」』）)】》〕\"'"
_NEW_POINT_RE = re.compile(
    r"^\s*(?:"
    r"[一二三四五六七八九十百零〇]+\s*[、.．]"  # 一、
    r"|[（(]\s*[一二三四五六七八九十百零〇]+\s*[）)]"  # （一）
    r"|\d{1,3}\s*[、．]"  # 1、 1．
    r"|\d{1,3}\.(?!\d)"  # 1. but not 1.5
    r"|[（(]\s*\d{1,3}\s*[）)]"  # （1）
    r"|[①-⑳]"  # ①
    r"|[一二三四五六七八九十]+是"  # 一是
    r"|第[一二三四五六七八九十百零\d]+[章节條条部分篇]"  # 第一章
    r"|附件|附表"
    r")"
)
_PAGE_NUMBER_RES = [
    re.compile(r"^[-－—–‐_·\s]*\d{1,4}[-－—–‐_·\s]*$"),  # 3, - 3 -, —3—
    re.compile(r"^第\s*\d{1,4}\s*页\s*(?:[,，/／]?\s*共\s*\d{1,4}\s*页)?$"),  # 第3页 共5页
    re.compile(r"^共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页$"),
    re.compile(r"^\d{1,4}\s*/\s*\d{1,4}$"),  # 3/5
    re.compile(r"^(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE),
]


def _is_page_number(line: str) -> bool:
    s = line.strip()
    return bool(s) and len(s) <= 20 and any(r.match(s) for r in _PAGE_NUMBER_RES)


def _display_width(line: str) -> float:
    return sum(1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.5 for ch in line.strip())


def _ends_sentence(line: str) -> bool:
    s = line.rstrip().rstrip(_CLOSERS).rstrip()
    if not s:
        return True
    return s[-1] in _SENTENCE_END


def _rejoin_pdf_lines(pages: list[list[str]]) -> list[str]:
    """Drop page-number lines and rejoin lines the PDF broke mid-sentence (also across page breaks).

    A line is continued by the next one when it does not end a sentence (。；：！？...), it is a full line
    (at least 80% of the typical full width, so short headings and signature lines stay apart) and the
    next line does not start a new numbered point (一、 （一） 1. ① 一是 第一章 ...).
    """
    cleaned: list[list[str]] = []
    for lines in pages:
        lines = [ln.strip() for ln in lines if ln.strip()]
        edge = set(range(min(2, len(lines)))) | set(range(max(0, len(lines) - 2), len(lines)))
        cleaned.append([ln for i, ln in enumerate(lines) if not (i in edge and _is_page_number(ln))])
    all_lines = [ln for page in cleaned for ln in page]
    if not all_lines:
        return []
    widths = sorted(_display_width(ln) for ln in all_lines)
    full_width = widths[min(len(widths) - 1, int(0.9 * len(widths)))]
    out: list[str] = []
    joinable = False
    for line in all_lines:
        if out and joinable and not _NEW_POINT_RE.match(line):
            sep = " " if out[-1][-1:].isascii() and out[-1][-1:].isalnum() and line[:1].isascii() else ""
            out[-1] = out[-1] + sep + line
        else:
            out.append(line)
        joinable = not _ends_sentence(line) and _display_width(line) >= 0.8 * full_width
    return out


def _pdf_uses_aes(reader: Any) -> bool:
    """True if the PDF's standard security handler uses AES (V >= 4 with an AESV2/AESV3 crypt filter)."""
    try:
        enc = reader.trailer["/Encrypt"].get_object()
        version = int(enc.get("/V", 0))
        if version >= 5:
            return True
        return version == 4 and "/AESV" in str(enc.get("/CF", ""))
    except Exception:  # unusual encryption dictionaries: let pypdf decide
        return False


def _have_aes_provider() -> bool:
    import importlib.util

    return any(importlib.util.find_spec(name) is not None for name in ("cryptography", "Crypto"))


def _pdf_pages(data: bytes) -> list[str]:
    """Raw text of each page (pypdf); raises ReadError subclasses for encrypted/corrupt files."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
    except DependencyError as exc:  # pypdf decrypts AES-256 while opening
        raise EncryptedPdfError(
            f"PDF is AES-encrypted (copy protection); reading it needs the 'cryptography' package ({exc})"
        ) from exc
    if reader.is_encrypted:
        if _pdf_uses_aes(reader) and not _have_aes_provider():
            raise EncryptedPdfError(
                "PDF is AES-encrypted (copy protection); reading it needs the 'cryptography' package "
                "(pip install cryptography)"
            )
        try:
            ok = reader.decrypt("")
        except (DependencyError, NotImplementedError) as exc:
            raise EncryptedPdfError(
                f"PDF is encrypted and cannot be decrypted here ({exc}); save an unencrypted copy"
            ) from exc
        if not ok:
            raise EncryptedPdfError("PDF is encrypted with a password; save an unencrypted copy")
    pages: list[str] = []
    try:
        page_list = list(reader.pages)
    except FileNotDecryptedError as exc:
        raise EncryptedPdfError("PDF is encrypted with a password; save an unencrypted copy") from exc
    for page in page_list:
        try:
            pages.append(page.extract_text() or "")
        except Exception:  # one unreadable page must not lose the others
            pages.append("")
    return pages


def _pdf_text_from_pages(pages: list[str]) -> str:
    if not pages:
        raise ReadError("corrupt or empty PDF (no pages found)")
    split = [_normalize_newlines(p).split("\n") for p in pages]
    if not any(ln.strip() for page in split for ln in page):
        raise NoTextLayerError()
    return "\n".join(_rejoin_pdf_lines(split))


def pdf_to_text(path: str | Path) -> str:
    """Text layer of a PDF, page by page, one paragraph per line.

    Lines the PDF broke mid-sentence are rejoined (a full-width line not ending in 。；：！？ etc. followed
    by a line that does not start a new numbered point such as 一、 （一） 1. 一是); page-number lines at the
    top or bottom of a page ("- 3 -", "第3页 共5页", "3") are dropped. pypdf's errors are raised for corrupt files.

    Parameters
    ----------
    path : str or pathlib.Path
        The PDF file.

    Returns
    -------
    str
        The text, one paragraph per line.

    Raises
    ------
    NoTextLayerError
        When the text layer is empty (scanned PDF).
    EncryptedPdfError
        For password-protected files.
    """
    return _pdf_text_from_pages(_pdf_pages(Path(path).read_bytes()))
