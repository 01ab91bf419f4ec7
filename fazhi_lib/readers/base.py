"""What every reader shares: the document read from a file, the errors of reading, the formats supported."""

from __future__ import annotations

from dataclasses import dataclass, field

SUPPORTED_SUFFIXES: dict[str, str] = {
    ".txt": "txt",
    ".text": "txt",
    ".html": "html",
    ".htm": "html",
    ".shtml": "html",
    ".xhtml": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}


class ReadError(Exception):
    """A file could not be turned into text; ``str(exc)`` is a sentence meant for the user."""


class NoTextLayerError(ReadError):
    """The PDF has no extractable text (a scanned image); it needs OCR first.

    Parameters
    ----------
    message : str, optional
        The sentence for the user (by default: run OCR first).
    """

    def __init__(self, message: str = "PDF has no text layer (scanned image?); run OCR first") -> None:
        super().__init__(message)


class EncryptedPdfError(ReadError):
    """The PDF is encrypted and cannot be opened without a password."""


@dataclass(frozen=True)
class RawDocument:
    """One report file read into text.

    Attributes
    ----------
    source : str
        The path as discovered.
    format : str
        One of "txt" | "html" | "docx" | "pdf" ("" if the suffix is not supported).
    text : str
        The extracted text with one paragraph per line ("" when failed).
    encoding : str or None
        The detected text encoding for txt/html (None for docx/pdf).
    sha256 : str
        The SHA-256 of the file's bytes.
    n_bytes : int
        The file's size.
    status : str
        "ok" | "warning" | "failed".
    message : str
        Why the status is not ok ("" when ok).
    meta : dict
        HTML <title>/meta tags or DOCX core properties.
    """


    source: str
    format: str
    text: str
    encoding: str | None
    sha256: str
    n_bytes: int
    status: str
    message: str
    meta: dict[str, str] = field(default_factory=dict)
