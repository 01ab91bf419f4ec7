"""Loading the domain vocabularies shipped as data files in ``fazhi_lib/vocab/``.

Every vocabulary is a small CSV or text file a researcher can read and extend. Lines starting with ``#`` are
comments. The loaders are cached: a file is parsed once per process.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path


def vocab_path(name: str) -> Path:
    """Path of the shipped vocabulary file ``name`` (e.g. ``"parts.csv"``)."""
    return Path(str(resources.files("fazhi_lib").joinpath("vocab", name)))


def _uncommented(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


@cache
def read_lines(name: str) -> tuple[str, ...]:
    """Non-empty, non-comment lines of a one-entry-per-line vocabulary file, stripped."""
    return tuple(ln.strip() for ln in _uncommented(vocab_path(name).read_text(encoding="utf-8")))


@cache
def read_rows(name: str) -> tuple[dict[str, str], ...]:
    """Rows of a CSV vocabulary file (header on the first non-comment line) as dicts.

    The last column may itself contain commas (regular expressions do), so each row is split into at most as many
    fields as the header has.
    """
    lines = _uncommented(vocab_path(name).read_text(encoding="utf-8"))
    header = next(csv.reader(io.StringIO(lines[0])))
    rows = []
    for ln in lines[1:]:
        values = ln.split(",", len(header) - 1)
        rows.append({k: v.strip() for k, v in zip(header, values, strict=False)})
    return tuple(rows)


@cache
def compiled_patterns(name: str) -> tuple[re.Pattern[str], ...]:
    """One compiled regular expression per line of a pattern-per-line vocabulary file."""
    return tuple(re.compile(p) for p in read_lines(name))


def words_pattern(words: Iterable[str]) -> str:
    """A regular expression matching any of ``words`` (literal strings), the longest where several match at one
    position — like ``"|".join`` of the words longest first, but written as a trie (共同体|共享 → 共(?:同体|享)) so
    that ``re`` follows one branch per character instead of trying every word at every position."""
    trie: dict[str, dict] = {}
    for word in words:
        if not word:
            continue
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def build(node: dict[str, dict]) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body  # greedy: the longer word first, else end here

    return build(trie)
