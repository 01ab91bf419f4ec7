"""Finding the report files among the inputs: which files are reports, and why the others are skipped."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from fazhi_lib.outputs import output_kind
from fazhi_lib.readers.base import SUPPORTED_SUFFIXES

# --------------------------------------------------------------------------------------------------
# discover
# --------------------------------------------------------------------------------------------------

_CONVERT_TO_DOCX = "convert it to .docx (libreoffice --headless --convert-to docx)"
_SPECIAL_SUFFIX_REASONS: dict[str, str] = {
    ".doc": f".doc is the old Word format: {_CONVERT_TO_DOCX}",
    ".wps": f".wps is a WPS Office document: {_CONVERT_TO_DOCX}",
    ".rtf": f".rtf is not supported: {_CONVERT_TO_DOCX}",
    ".odt": f".odt is not supported: {_CONVERT_TO_DOCX}",
    ".docm": f".docm (macro-enabled Word) is not supported: {_CONVERT_TO_DOCX}",
    ".dot": f".dot is an old Word template: {_CONVERT_TO_DOCX}",
    ".dotx": f".dotx is a Word template: {_CONVERT_TO_DOCX}",
    ".ofd": ".ofd (Chinese fixed-layout document) is not supported: export it to PDF first",
    ".caj": ".caj (CNKI reader format) is not supported: export it to PDF first",
    ".mht": ".mht web archive is not supported: save the page as .html",
    ".mhtml": ".mhtml web archive is not supported: save the page as .html",
}
_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".jp2"}
_ARCHIVE_SUFFIXES = {".zip", ".rar", ".7z", ".gz", ".tgz", ".bz2", ".xz", ".tar"}
METADATA_FILENAME = "metadata.csv"


def _skip_reason(path: Path) -> str | None:
    """Why the file at ``path`` is not read as a report (None if it is a supported report file)."""
    name = path.name
    if name.startswith("."):
        return "hidden file"
    if name.startswith("~$"):
        return "Office lock file (~$...), not a document"
    if name.lower() == METADATA_FILENAME:
        return "metadata table (read as metadata, not as a report)"
    suffix = path.suffix.lower()
    if suffix in SUPPORTED_SUFFIXES:
        return None
    if suffix in _SPECIAL_SUFFIX_REASONS:
        return _SPECIAL_SUFFIX_REASONS[suffix]
    if suffix in _IMAGE_SUFFIXES:
        return f"image file {suffix}, not text: run OCR first and save the text as .txt"
    if suffix in _ARCHIVE_SUFFIXES:
        return f"archive {suffix}: unpack it first"
    if not suffix:
        return "no file extension (unsupported file type)"
    return f"unsupported file type {suffix}"


def discover(paths: Iterable[str | Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Find the report files among ``paths`` (files and/or directories).

    Directories are walked recursively with entries sorted by name, so the result is deterministic. Every file
    under the inputs ends up in exactly one of the two lists, once (a file reached twice, e.g. given both directly
    and through its directory, is listed once). Hidden directories (.git, .ipynb_checkpoints ...), output folders of
    fazhi (briefs and tables, see ``fazhi_lib.outputs.output_kind``) and symbolic-link loops are listed once in
    ``skipped`` rather than walked.

    Parameters
    ----------
    paths : iterable of str or pathlib.Path
        Files and/or directories.

    Returns
    -------
    supported : list of pathlib.Path
        The paths (as given or joined below the given directory, not resolved) of files whose suffix is in
        ``SUPPORTED_SUFFIXES``.
    skipped : list of (str, str)
        ``(path, reason)`` for every other file, e.g. ".doc is the old Word format: ...", "unsupported file type
        .xlsx", "hidden file", "metadata table (read as metadata, not as a report)", "no such file or directory".
    """
    search = _Search()
    for raw in paths:
        search.visit(Path(raw), top=True)
    return search.supported, search.skipped


def _path_key(p: Path) -> str:
    """The path a file or directory is known by, so one reached twice (or through a link) counts once."""
    try:
        return str(p.resolve())
    except OSError:
        return os.path.abspath(p)


def _os_failure(exc: OSError, p: Path, *, listing: bool) -> str:
    """Why ``p`` could not be reached, or (``listing``) its entries could not be read, in the user's words."""
    if isinstance(exc, FileNotFoundError) and not listing:
        return "broken symbolic link" if p.is_symlink() else "no such file or directory"
    if isinstance(exc, PermissionError):
        return "permission denied (directory not searched)" if listing else "permission denied"
    return f"{'cannot list directory' if listing else 'cannot access'} ({exc.strerror or exc})"


class _Search:
    """One :func:`discover`: what it found and skipped so far, and what it has seen."""

    def __init__(self) -> None:
        self.supported: list[Path] = []
        self.skipped: list[tuple[str, str]] = []
        self.seen_files: set[str] = set()
        self.seen_dirs: set[str] = set()

    def visit(self, p: Path, *, top: bool) -> None:
        try:
            st = p.stat()
        except OSError as exc:
            self.skipped.append((str(p), _os_failure(exc, p, listing=False)))
            return
        if stat.S_ISDIR(st.st_mode):
            if not top and p.name.startswith("."):
                self.skipped.append((str(p), "hidden directory (not searched)"))
                return
            kind = output_kind(p)
            if kind is not None:  # briefs or tables written inside a corpus are not reports
                self.skipped.append((str(p), f"output folder of fazhi ({kind}), not searched for reports"))
                return
            self.walk(p, top=top)
        elif stat.S_ISREG(st.st_mode):
            self.add_file(p)
        else:
            self.skipped.append((str(p), "not a regular file (device, pipe or socket)"))

    def walk(self, d: Path, *, top: bool) -> None:
        k = _path_key(d)
        if k in self.seen_dirs:
            if not top:
                self.skipped.append((str(d), "directory already visited (symbolic-link loop or duplicate)"))
            return
        self.seen_dirs.add(k)
        try:
            entries = sorted(d.iterdir(), key=lambda e: e.name)
        except OSError as exc:
            self.skipped.append((str(d), _os_failure(exc, d, listing=True)))
            return
        for entry in entries:
            self.visit(entry, top=False)

    def add_file(self, p: Path) -> None:
        k = _path_key(p)
        if k in self.seen_files:
            return
        self.seen_files.add(k)
        reason = _skip_reason(p)
        if reason is None:
            self.supported.append(p)
        else:
            self.skipped.append((str(p), reason))
