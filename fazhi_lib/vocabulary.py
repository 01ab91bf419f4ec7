"""The domain vocabularies: the data files shipped in ``fazhi_lib/vocab/``, overlaid by a researcher's own folder.

Every vocabulary is a small CSV or text file a researcher can read and extend; lines starting with ``#`` are
comments. A ``Vocabulary`` is the packaged files overlaid by the files of the same names in a researcher's folder
(``Vocabulary("my_vocab")``; ``--vocab DIR`` on the commands): a CSV row whose key (``KEYS``: the term of
``mechanisms.csv``, the canonical name of ``indicators.csv`` …) is packaged replaces the packaged row in its place,
other rows are added at the end, and the lines of a text file are added. A file that cannot be right (a column the
packaged file does not have, a dimension ``dimensions.csv`` does not define, a key given twice) raises
``VocabularyError`` naming the file and the line.

The vocabulary in use is passed explicitly to the per-document step (``pipeline.process_file(..., vocab=)``) and to
the analysis, which make it the active one (``using``) for what they call; the loaders (``read_rows``,
``read_lines``) and everything compiled from them (``per_vocabulary``) are cached per vocabulary, so a second
vocabulary in the same process never reuses the first one's patterns.
"""

from __future__ import annotations

import contextlib
import contextvars
import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Iterator
from functools import cache, lru_cache, wraps
from importlib import resources
from pathlib import Path
from typing import TypeVar

__all__ = [
    "KEYS",
    "Vocabulary",
    "VocabularyError",
    "active",
    "as_vocabulary",
    "csv_records",
    "per_vocabulary",
    "read_lines",
    "read_rows",
    "using",
    "words_pattern",
]

#: The key column of each CSV vocabulary whose rows are keyed: a researcher's row with a packaged key replaces it.
#: In the other CSV files (parts.csv, boilerplate.csv, closing_cues.csv …) several rows share a first column and
#: a researcher's rows are added.
KEYS = {"mechanisms.csv": "term", "indicators.csv": "canonical", "units.csv": "unit", "concepts.csv": "concept",
        "dimensions.csv": "dimension", "places.csv": "name", "departments.csv": "suffix", "admin_units.csv": "suffix",
        "followup_phrases.csv": "canonical", "place_short_names.csv": "short", "non_place_words.csv": "word",
        "page_fields.csv": "field", "portal_words.csv": "word", "messages.csv": "key"}

T = TypeVar("T")


class VocabularyError(ValueError):
    """A researcher's vocabulary file that cannot be used; the message names the file and the line."""


def vocab_path(name: str) -> Path:
    """Path of the packaged vocabulary file ``name`` (e.g. ``"parts.csv"``).

    Parameters
    ----------
    name : str
        The file's name in ``fazhi_lib/vocab/``.

    Returns
    -------
    pathlib.Path
        Where the packaged file is (it may not exist: check with ``is_file``).
    """
    return Path(str(resources.files("fazhi_lib").joinpath("vocab", name)))


def _numbered(text: str) -> list[tuple[int, str]]:
    """The lines of a vocabulary file with their line numbers, without comments (``#``) and blank lines, except
    inside a quoted field that runs over lines (a paragraph break of notebook prose is a blank line within quotes)."""
    kept: list[tuple[int, str]] = []
    quoted = False  # inside a quoted field that runs over lines: an odd number of quotes so far
    for number, line in enumerate(text.splitlines(), 1):
        if quoted or (line.strip() and not line.lstrip().startswith("#")):
            kept.append((number, line))
            quoted ^= line.count('"') % 2 == 1
    return kept


def csv_records(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the records of a CSV vocabulary file, as the csv module's default dialect reads them.

    Fields are separated by commas, with double quotes around a field that holds commas or runs over lines; lines
    starting with # are comments.

    Parameters
    ----------
    text : str
        The content of the file.

    Returns
    -------
    tuple
        (the header's fields, stripped; [(line number where the record starts, its fields as read)]).
    """
    lines = _numbered(text)
    if not lines:
        return [], []
    reader = csv.reader(io.StringIO("\n".join(line for _, line in lines)))
    header = [h.strip() for h in next(reader)]
    records = []
    start = reader.line_num  # lines read so far: the next record starts on the line after
    for values in reader:
        records.append((lines[start][0], values))
        start = reader.line_num
    return header, records


def _parse_rows(text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and the (line number, row) of a CSV vocabulary file (``csv_records``) with rows as dicts.

    The last column may itself contain commas unquoted (regular expressions do): the fields beyond the header's are
    joined back into it. A row with fewer fields than the header lacks the missing columns."""
    header, records = csv_records(text)
    rows = []
    for number, values in records:
        if len(values) > len(header):
            values = [*values[: len(header) - 1], ",".join(values[len(header) - 1:])]
        rows.append((number, {k: v.strip() for k, v in zip(header, values, strict=False)}))
    return header, rows


@cache
def _packaged_text(name: str) -> str:
    return vocab_path(name).read_text(encoding="utf-8")


class Vocabulary:
    """The packaged vocabularies, overlaid by the files of a researcher's ``folder`` (none: the packaged ones alone).

    Parameters
    ----------
    folder : str or Path, optional
        A folder of files named like the packaged ones (``mechanisms.csv``, ``stopwords.txt`` …). Every file there is
        checked at once.

    Attributes
    ----------
    folder : pathlib.Path or None
        The researcher's folder, resolved (None for the packaged vocabularies alone).
    fingerprint : str
        A hash of the researcher's files (empty for the packaged vocabularies alone): part of every fingerprint of
        tables made with this vocabulary.

    Raises
    ------
    VocabularyError
        For a folder that does not exist, a file with no packaged counterpart, a column the packaged file lacks, a
        dimension ``dimensions.csv`` does not define or a key given twice, naming the file and the line.
    """

    def __init__(self, folder: str | Path | None = None):
        self.folder = None if folder is None else Path(folder).expanduser().resolve()
        self._files: dict[str, str] = {}
        if self.folder is not None:
            if not self.folder.is_dir():
                raise VocabularyError(f"vocabulary folder {self.folder} does not exist")
            for path in sorted(p for p in self.folder.iterdir() if p.is_file() and not p.name.startswith(".")):
                if not vocab_path(path.name).is_file():
                    raise VocabularyError(f"{path}: no packaged vocabulary is named {path.name}")
                try:
                    self._files[path.name] = path.read_text(encoding="utf-8-sig")
                except (OSError, UnicodeDecodeError) as exc:
                    raise VocabularyError(f"{path}: cannot be read as UTF-8 text ({exc})") from exc
        h = hashlib.sha256()
        for name, text in self._files.items():
            h.update(f"{name}\0{text}\0".encode())
        self.fingerprint = h.hexdigest()[:16] if self._files else ""
        self._rows: dict[str, tuple[dict[str, str], ...]] = {}
        for name in self._files:  # checked now, not when a worker first needs the file
            if name.endswith(".csv"):
                self.rows(name)

    def __repr__(self) -> str:
        return f"Vocabulary({str(self.folder) if self.folder else ''})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Vocabulary) and other.fingerprint == self.fingerprint

    def __hash__(self) -> int:
        return hash(self.fingerprint)

    def __reduce__(self):  # to worker processes as the folder's files, read once here
        return (_rebuild, (self.folder, self._files, self.fingerprint))

    def names(self) -> tuple[str, ...]:
        """The researcher's files, by name.

        Returns
        -------
        tuple of str
            The names of the files of the researcher's folder (empty for the packaged vocabularies alone).
        """
        return tuple(self._files)

    def lines(self, name: str) -> tuple[str, ...]:
        """The non-empty, non-comment lines of the text vocabulary ``name``, stripped.

        Parameters
        ----------
        name : str
            A text vocabulary's file name (``stopwords.txt`` …).

        Returns
        -------
        tuple of str
            The packaged file's lines, then the researcher's.
        """
        texts = [_packaged_text(name), self._files.get(name, "")]
        return tuple(ln.strip() for text in texts for _, ln in _numbered(text))

    def rows(self, name: str) -> tuple[dict[str, str], ...]:
        """The rows of the CSV vocabulary ``name`` as dicts, the researcher's overlaid on the packaged ones.

        The header is the first non-comment line. A researcher's row whose key (``KEYS``) is packaged replaces the
        packaged row in its place; other rows are added at the end.

        Parameters
        ----------
        name : str
            A CSV vocabulary's file name (``mechanisms.csv`` …).

        Returns
        -------
        tuple of dict
            One dict per row, keyed by the packaged file's columns.

        Raises
        ------
        VocabularyError
            When the researcher's file has an unknown column, lacks the key column, names an unknown dimension or
            gives a key twice.
        """
        if name not in self._rows:
            header, packaged = _parse_rows(_packaged_text(name))
            rows = [row for _, row in packaged]
            if name in self._files:
                rows = self._overlay(name, header, rows)
            self._rows[name] = tuple(rows)
        return self._rows[name]

    def _overlay(self, name: str, header: list[str], rows: list[dict[str, str]]) -> list[dict[str, str]]:
        path = self.folder / name if self.folder else Path(name)
        own_header, own = _parse_rows(self._files[name])
        unknown = [c for c in own_header if c not in header]
        if unknown:
            raise VocabularyError(f"{path}, line {_numbered(self._files[name])[0][0]}: unknown column "
                                  f"{', '.join(unknown)} (the columns of {name} are {', '.join(header)})")
        key = KEYS.get(name)
        if key is not None and key not in own_header:
            raise VocabularyError(f"{path}: the key column {key} is missing")
        dimensions = ({r["dimension"] for r in self.rows("dimensions.csv")} if name == "mechanisms.csv" else None)
        position = {row[key]: i for i, row in enumerate(rows)} if key else {}
        seen: dict[str, int] = {}
        for number, row in own:
            row = {c: row.get(c, "") for c in header}
            if dimensions is not None and row.get("dimension") and row["dimension"] not in dimensions:
                raise VocabularyError(f"{path}, line {number}: unknown dimension {row['dimension']!r} (dimensions.csv "
                                      f"defines {', '.join(sorted(dimensions))})")
            if key is None:
                rows.append(row)
                continue
            if row[key] in seen:
                raise VocabularyError(f"{path}, line {number}: {key} {row[key]!r} given twice (first on line "
                                      f"{seen[row[key]]})")
            seen[row[key]] = number
            if row[key] in position:
                rows[position[row[key]]] = row
            else:
                position[row[key]] = len(rows)
                rows.append(row)
        return rows


def _rebuild(folder: Path | None, files: dict[str, str], fingerprint: str) -> Vocabulary:
    vocab = Vocabulary.__new__(Vocabulary)
    vocab.folder, vocab._files, vocab.fingerprint, vocab._rows = folder, files, fingerprint, {}
    return vocab


PACKAGED = Vocabulary()
_ACTIVE: contextvars.ContextVar[Vocabulary] = contextvars.ContextVar("fazhi_vocabulary", default=PACKAGED)


def as_vocabulary(vocab: Vocabulary | str | Path | None) -> Vocabulary | None:
    """A ``Vocabulary`` from a researcher's folder (or one already made); None stays None (the packaged one).

    Parameters
    ----------
    vocab : Vocabulary or str or pathlib.Path or None
        A vocabulary, a researcher's folder, or None.

    Returns
    -------
    Vocabulary or None
        ``vocab`` itself when it is a ``Vocabulary`` or None, else the vocabulary of that folder.
    """
    return vocab if vocab is None or isinstance(vocab, Vocabulary) else Vocabulary(vocab)


def active() -> Vocabulary:
    """The vocabulary in use (the packaged one unless ``using`` says otherwise).

    Returns
    -------
    Vocabulary
        The active vocabulary of this context.
    """
    return _ACTIVE.get()


@contextlib.contextmanager
def using(vocab: Vocabulary | str | Path | None) -> Iterator[Vocabulary]:
    """Within the block, ``vocab`` is the vocabulary the loaders read.

    Parameters
    ----------
    vocab : Vocabulary or str or pathlib.Path or None
        A ``Vocabulary``, a researcher's folder, or None for the packaged vocabularies.

    Yields
    ------
    Vocabulary
        The vocabulary made active; the one active before comes back when the block ends.
    """
    if not isinstance(vocab, Vocabulary):
        vocab = PACKAGED if vocab is None else Vocabulary(vocab)
    token = _ACTIVE.set(vocab)
    try:
        yield vocab
    finally:
        _ACTIVE.reset(token)


def per_vocabulary(fn: Callable[..., T] | None = None, *, maxsize: int | None = None):
    """Cache ``fn`` (of hashable arguments) per vocabulary, as a decorator with or without arguments.

    What ``fn`` computes from the active vocabulary is computed once for each vocabulary, never taken from another
    one's.

    Parameters
    ----------
    fn : callable, optional
        The function to cache (given when used as ``@per_vocabulary``; None for ``@per_vocabulary(maxsize=...)``).
    maxsize : int, optional
        Bounds the cache (least recently used results go first), for functions of a text rather than of the
        vocabulary alone; None: unbounded.

    Returns
    -------
    callable
        The cached function (with ``cache_clear``), or, without ``fn``, the decorator that makes it.
    """

    def _decorate(fn: Callable[..., T]) -> Callable[..., T]:
        # Keyed by the vocabulary's fingerprint, a string: equal fingerprints are equal vocabularies, and a string
        # hashes in C (a Vocabulary's __hash__ is a Python call, paid on every lookup of a per-token cache).
        cached = lru_cache(maxsize=maxsize)(lambda fingerprint, *args: fn(*args))

        @wraps(fn)
        def _wrapper(*args):
            return cached(_ACTIVE.get().fingerprint, *args)

        _wrapper.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        return _wrapper

    return _decorate if fn is None else _decorate(fn)


@per_vocabulary
def read_lines(name: str) -> tuple[str, ...]:
    """Non-empty, non-comment lines of a one-entry-per-line vocabulary file of the active vocabulary, stripped.

    Parameters
    ----------
    name : str
        The file's name (``stopwords.txt`` …).

    Returns
    -------
    tuple of str
        The lines (``Vocabulary.lines``), cached per vocabulary.
    """
    return active().lines(name)


@per_vocabulary
def read_rows(name: str) -> tuple[dict[str, str], ...]:
    """Rows of a CSV vocabulary file of the active vocabulary as dicts (``Vocabulary.rows``).

    Parameters
    ----------
    name : str
        The file's name (``mechanisms.csv`` …).

    Returns
    -------
    tuple of dict
        One dict per row, keyed by column, cached per vocabulary.
    """
    return active().rows(name)


@per_vocabulary
def compiled_patterns(name: str) -> tuple[re.Pattern[str], ...]:
    """One compiled regular expression per line of a pattern-per-line vocabulary file.

    Parameters
    ----------
    name : str
        The file's name.

    Returns
    -------
    tuple of re.Pattern
        The patterns in file order, cached per vocabulary.
    """
    return tuple(re.compile(p) for p in read_lines(name))


def words_pattern(words: Iterable[str]) -> str:
    """A regular expression matching any of ``words`` (literal strings), the longest where several match.

    Like ``"|".join`` of the words longest first, but written as a trie (共同体|共享 → 共(?:同体|享)) so that ``re``
    follows one branch per character instead of trying every word at every position.

    Parameters
    ----------
    words : iterable of str
        The words; empty ones are ignored.

    Returns
    -------
    str
        The regular expression, uncompiled (empty when there are no words).
    """
    trie: dict[str, dict] = {}
    for word in words:
        if not word:
            continue
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def _build(node: dict[str, dict]) -> str:
        branches = [re.escape(ch) + _build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body  # greedy: the longer word first, else end here

    return _build(trie)

