"""Cleaning: from extracted text to the cleaned text every offset of the tables points into.

``clean_text`` normalises characters (full-width ASCII and spaces, broken and invisible characters, traditional
characters), then removes page junk by kind — never by the string of one page: publishing blocks and index numbers
(also one field per line), date-and-source stamps, breadcrumbs, portal menus in any language, print, font, share and
QR bars, site names glued to the title, footers, mirror and wiki tails, cover-page remnants, document-site watermarks,
gambling spam and redaction marks (also inside a sentence) and spam lines before the title. The kinds live in
``vocab/boilerplate.csv``, ``vocab/page_fields.csv`` and ``vocab/portal_words.csv`` (read by :mod:`fazhi_lib.junk`).
A page copied as one single line loses the same junk, and its title and addressee get lines of their own.
The audit keeps every removed line or span with its kind as the reason, and counts every kind of character change.
Character normalisation stays within NFKC equivalence (plus removal of invisible characters), so a quote from the
cleaned text still matches the source after NFKC.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from fazhi_lib.junk import (
    FIELD_ROLES,
    JunkSpan,
    field_roles,
    head_junk_anchor,
    head_spans,
    is_menu_line,
    is_separator_residue,
    tail_start,
)
from fazhi_lib.names import find_title, is_title_line
from fazhi_lib.textrules import CJK, SENTENCE_END
from fazhi_lib.vocabulary import per_vocabulary, read_rows, words_pattern

# Full-width ASCII (！ … ～) to ASCII, ideographic and other odd spaces to a plain space: both are NFKC mappings.
_WIDTH_MAP = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH_MAP.update({cp: 0x20 for cp in (0x3000, 0x00A0, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008,
                                       0x2009, 0x200A, 0x202F, 0x205F)})
_FOLDED = re.compile("[\uff01-\uff5e\u3000\u00a0\u2002-\u200a\u202f\u205f]")
# Invisible or broken characters: zero-width marks, BOM, soft hyphen, the replacement character, C0/C1 controls.
_INVISIBLE = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad\ufffd\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CJK = CJK
# Runs of spaces; which are stray is decided by _strip_spaces.
_SPACES = re.compile(r"[ \t]+")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
_CJK_RE = re.compile(f"[{_CJK}]")
_SENTENCE_END = SENTENCE_END
_NUMBERED_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}[、.]|[(（][一二三四五六七八九十]{1,3}[)）]|【[^】]{2,20}】|第[一二三四五六七八九十]+部分)"
)
# a numbered heading of the report (一、 （一） 1.): never junk for the rules of scope anywhere
_NUMBERED = re.compile(r"(?:[一二三四五六七八九十]{1,3}、|[(（][一二三四五六七八九十\d]{1,3}[)）]"
                       r"|\d{1,2}[.、．](?!\d))")
_CJK_BIGRAM = re.compile(f"(?=([{_CJK}]{{2}}))")


def web_fields(line: str) -> dict[str, str]:
    """Fields of a web page's publishing block named in one line whose values help infer metadata.

    Parameters
    ----------
    line : str
        One line of a page (``[发布机构]丰都县栗子乡人民政府[有效性]``).

    Returns
    -------
    dict
        Field name -> value, for the fields that give the issuing body, the source or the title (see
        ``vocab/page_fields.csv``).
    """
    return {s.field: s.value for s in head_spans(line) if s.field and s.value and s.role in FIELD_ROLES}


@dataclass(frozen=True, eq=False)  # hashed by identity: rule tuples are cache keys of every document's cleaning
class BoilerplateRule:
    """One rule from ``vocab/boilerplate.csv``.

    Attributes
    ----------
    reason : str
        Why a line or span it matches is removed (the audit's reason).
    scope : str
        Where it applies: "anywhere", "head", "exact" or "span".
    pattern : re.Pattern
        The compiled expression.
    """

    reason: str
    scope: str  # "anywhere" | "head" | "exact" | "span"
    pattern: re.Pattern[str]


@dataclass
class CleanResult:
    """The cleaned text and what cleaning did to it.

    Attributes
    ----------
    text : str
        The cleaned text, one paragraph per line.
    removed : list of dict
        One dict per removed line: ``line`` (0-based line number in the input text), ``text`` and ``reason``.
    changes : dict
        Character-level changes counted by kind.
    fields : dict
        Web-page meta fields found in removed lines (``{"发布机构": "丰都县栗子乡人民政府"}``), useful to infer
        metadata.
    title : str or None
        The title line of the cleaned text, if one was found.
    """

    text: str
    removed: list[dict] = field(default_factory=list)
    changes: dict[str, int] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    title: str | None = None


@per_vocabulary
def boilerplate_rules() -> tuple[BoilerplateRule, ...]:
    """The shipped boilerplate rules, compiled (those of scope span for lower-cased text, the others ignoring case).

    Returns
    -------
    tuple of BoilerplateRule
        One rule per row of ``vocab/boilerplate.csv`` of the active vocabulary, in file order.
    """
    return tuple(BoilerplateRule(r["reason"], r["scope"],
                                 re.compile(r["pattern"], 0 if r["scope"] == "span" else re.IGNORECASE))
                 for r in read_rows("boilerplate.csv"))


@per_vocabulary
def _traditional_chars() -> frozenset[str]:
    """Characters OpenCC maps to a different simplified character (its TSCharacters dictionary)."""
    import opencc

    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    chars = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        if len(key) == 1 and values.split(" ")[0] != key:
            chars.add(key)
    # Characters that are also common simplified forms would make detection fire on simplified text.
    return frozenset(chars - set("著么干后台里面发只系历范才制冲准尽获"))


def _strip_spaces(line: str) -> tuple[str, int]:
    """Remove stray spaces from a line; returns the line and how many space runs were removed.

    A space is kept (as one) between two ASCII letters/digits ("11:30:01", "LED display") and between two Chinese
    characters, where it separates names ("中共某某镇委员会 某某镇人民政府", "中共中央 国务院") — except in a
    letter-spaced line ("索 引 号", PDF text with a space after every character), where every space goes.
    """
    if " " not in line and "\t" not in line:
        return line, 0
    tokens = line.split()
    letter_spaced = len(tokens) >= 3 and sum(len(t) == 1 for t in tokens) * 2 >= len(tokens)
    removed = 0

    def keep(m: re.Match[str]) -> str:
        nonlocal removed
        s, e = m.start(), m.end()
        if 0 < s and e < len(line):
            left, right = line[s - 1], line[e]
            if _ASCII_WORD.match(left) and _ASCII_WORD.match(right):
                return " "
            if not letter_spaced and _CJK_RE.match(left) and _CJK_RE.match(right):
                return " "
        removed += 1
        return ""

    return _SPACES.sub(keep, line), removed


def normalize_chars(text: str) -> tuple[str, dict[str, int]]:
    """Normalise characters of a whole text.

    Parameters
    ----------
    text : str
        A text as extracted.

    Returns
    -------
    text : str
        The text with full-width ASCII folded to ASCII, odd spaces to plain spaces, invisible and broken characters
        removed, ``\\r\\n`` to ``\\n``, stray spaces inside lines removed and lines stripped.
    counts : dict
        The number of changes of each kind (kinds with none left out).
    """
    counts: dict[str, int] = {}
    found = _FOLDED.findall(text)
    counts["full-width characters folded"] = len(found)
    folded = text
    for ch in set(found):  # a few distinct characters: str.replace is several times faster than str.translate
        folded = folded.replace(ch, chr(_WIDTH_MAP[ord(ch)]))
    folded, n_invisible = _INVISIBLE.subn("", folded.replace("\r\n", "\n").replace("\r", "\n"))
    counts["invisible or broken characters removed"] = n_invisible
    lines, n_spaces = [], 0
    for line in folded.split("\n"):
        line, n = _strip_spaces(line.strip())
        lines.append(line)
        n_spaces += n
    counts["stray spaces removed"] = n_spaces
    return "\n".join(lines), {k: v for k, v in counts.items() if v}


def to_simplified(text: str, min_share: float = 0.01, min_chars: int = 3) -> tuple[str, int]:
    """Convert a text written in traditional characters to simplified ones (OpenCC ``t2s``).

    Only texts where traditional-only characters make up at least ``min_share`` of the CJK characters (and at least
    ``min_chars``) are converted, so a simplified report quoting one traditional name is left alone.

    Parameters
    ----------
    text : str
        A text.
    min_share : float, default 0.01
        The least share of traditional-only characters among the CJK characters.
    min_chars : int, default 3
        The least number of traditional-only characters.

    Returns
    -------
    text : str
        The text, converted or as it was.
    changed : int
        The number of characters changed (0 when not converted).
    """
    if not _has_traditional(text):
        return text, 0
    trad = _traditional_chars()
    n_trad = sum(1 for ch in text if ch in trad)
    n_cjk = len(re.findall(f"[{_CJK}]", text)) or 1
    if n_trad < min_chars or n_trad / n_cjk < min_share:
        return text, 0
    import opencc

    converted = opencc.OpenCC("t2s").convert(text)
    if len(converted) != len(text):  # phrase conversions can change length; fall back to characters only
        converted = "".join(opencc.OpenCC("t2s").convert(ch) if ch in trad else ch for ch in text)
    return converted, sum(a != b for a, b in zip(text, converted, strict=False))


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@per_vocabulary
def _traditional_bmp_re() -> re.Pattern[str]:
    # Only characters below U+10000: a class holding any beyond it makes re test the characters one by one.
    return re.compile("[" + "".join(sorted(re.escape(c) for c in _traditional_chars() if ord(c) < 0x10000)) + "]")


def _has_traditional(text: str) -> bool:
    """Whether ``text`` holds a character OpenCC would change (about 8x faster than a set test per character)."""
    if _traditional_bmp_re().search(text):
        return True
    return bool(_ASTRAL.search(text)) and not _traditional_chars().isdisjoint(text)


_Joined = tuple[re.Pattern[str] | None, re.Pattern[str] | None, re.Pattern[str] | None]
# no line of junk is longer: a paragraph of the report is not tried against the exact rules
_EXACT_MAX = 200


def _exact_may_apply(squeezed: str) -> bool:
    """Whether a line may be junk matched whole: not a paragraph (longer than ``_EXACT_MAX``, or a sentence)."""
    return len(squeezed) <= _EXACT_MAX and (len(squeezed) <= 8 or "。" not in squeezed)


@lru_cache(maxsize=8)
def _any_rule(rules: tuple[BoilerplateRule, ...]) -> _Joined:
    """One expression for all exact rules, one for the anywhere rules anchored at the line's start and one for the
    other anywhere rules: most lines match none, and one test each is much cheaper than one per rule (an anchored
    rule is tried at the start only, not at every character). None when there is no such rule or they cannot be
    joined."""
    def joined(pats: list[re.Pattern[str]]) -> re.Pattern[str] | None:
        if not pats or len({p.flags for p in pats}) != 1:
            return None
        try:
            return re.compile("|".join(f"(?:{p.pattern})" for p in pats), pats[0].flags)
        except re.error:  # e.g. clashing group names: test rule by rule
            return None
    anywhere = [r.pattern for r in rules if r.scope == "anywhere"]
    anchored = [p for p in anywhere if _anchored(p.pattern)]
    return (joined([r.pattern for r in rules if r.scope == "exact"]), joined(anchored),
            joined([p for p in anywhere if p not in anchored]))


def _anchored(pattern: str) -> bool:
    """Whether every top-level alternative of ``pattern`` starts with ^ (then a search can only match at 0)."""
    return all(part.startswith("^") for part in _alternatives(pattern))


def _may_match(joined: _Joined, squeezed: str, original: str) -> bool:
    """False when no rule of scope exact or anywhere can match the line (then the rules need not be tried one by
    one); True when one may. ``joined`` is ``_any_rule(rules)``."""
    exact, anchored, anywhere = joined
    if exact is None or (anchored is None and anywhere is None):
        return True
    if _exact_may_apply(squeezed) and exact.fullmatch(squeezed):
        return True
    if len(original) > 120 or "。" in original or _NUMBERED.match(squeezed):
        return False
    return bool((anchored and anchored.match(squeezed)) or (anywhere and anywhere.search(squeezed)))


def _matches(rule: BoilerplateRule, squeezed: str, original: str) -> bool:
    if rule.scope == "exact":
        return _exact_may_apply(squeezed) and bool(rule.pattern.fullmatch(squeezed))
    # A sentence of the report (ends in 。, or is long) or a numbered heading is never boilerplate.
    if len(original) > 120 or "。" in original or _NUMBERED.match(squeezed):
        return False
    return bool(rule.pattern.search(squeezed))


def _body_start(lines: list[str]) -> int:
    """Index of the first line of the report body: a numbered heading or a paragraph-like line."""
    for i, line in enumerate(lines):
        if _NUMBERED_HEADING.match(line) or (len(line) > 40 and _SENTENCE_END.search(line)):
            return i
    return len(lines)


def _orphans(lines: list[str], candidates: list[int]) -> set[int]:
    """Short lines sharing no two-character word with the rest of the text (spam and ads put before a title)."""
    orphans: set[int] = set()
    if not candidates:
        return orphans
    # a word is in the rest of the text when the whole text holds it more often than the line: counted in one
    # pass when there are many candidate lines, so that a text of many short lines is not read once per line
    full = "\n".join(lines)
    counts = Counter(_CJK_BIGRAM.findall(full)) if len(candidates) > 16 else None
    for i in candidates:
        line = lines[i]
        if len(line) > 20 or _SENTENCE_END.search(line):
            continue
        grams = Counter(_CJK_BIGRAM.findall(line))
        if not grams:
            continue
        if counts is not None:
            in_rest = any(counts[g] > n for g, n in grams.items())
        else:
            in_rest = any(full.count(g) > line.count(g) for g in grams)
        if not in_rest:
            orphans.add(i)
    return orphans


@dataclass
class _Piece:
    """A line of the text being cleaned: ``text`` comes from line ``line`` of the input (a page's head or tail line
    may be cut into several pieces, a run-on line into its title, addressee and body)."""

    line: int
    text: str


def _row(line: int, text: str, reason: str) -> dict:
    return {"line": line, "text": text, "reason": reason}


def _line_rule(rules: tuple[BoilerplateRule, ...], joined: _Joined, line: str) -> str | None:
    """The reason of the first exact or anywhere rule removing ``line`` whole, or None."""
    squeezed = "".join(line.split())
    if not _may_match(joined, squeezed, line):
        return None
    for rule in rules:
        if rule.scope in ("exact", "anywhere") and _matches(rule, squeezed, line):
            return rule.reason
    return None


def remove_boilerplate(lines: list[str], rules: tuple[BoilerplateRule, ...] | None = None
                       ) -> tuple[list[str], list[dict], dict[str, str]]:
    """Drop boilerplate: junk lines, junk spans of a page's head and tail, and junk inside sentences.

    Three passes:

    1. the page's head (the lines before its first sentence, and the first sentence line up to that sentence's end)
       and its tail (after the last sentence) are searched for junk spans by kind (:mod:`fazhi_lib.junk`): a line
       that holds only junk goes whole; a title glued to a site name, to a date-and-source stamp or, in a page
       copied as one single line, to the whole page is cut there, and a title or addressee glued to the report's
       first sentence is put on a line of its own;
    2. the line rules of ``vocab/boilerplate.csv`` (scopes exact, anywhere, head) and the orphan rule;
    3. rules of scope ``span`` cut junk that is never a report's words (watermarks, spam, redaction marks) out of
       whatever line holds it.

    Parameters
    ----------
    lines : list of str
        The lines of a character-normalised text.
    rules : tuple of BoilerplateRule, optional
        The line and span rules (None: ``boilerplate_rules()``).

    Returns
    -------
    kept : list of str
        The lines kept.
    removed : list of dict
        The removed rows, with ``line``/``text``/``reason``.
    fields : dict
        Web meta fields found in removed junk.
    """
    kept, rows, fields, _ = _remove_junk(lines, rules)
    return kept, rows, fields


def _remove_junk(lines: list[str], rules: tuple[BoilerplateRule, ...] | None
                 ) -> tuple[list[str], list[dict], dict[str, str], int | None]:
    """:func:`remove_boilerplate`, and the index of the title among the kept lines (None: none found)."""
    rules = boilerplate_rules() if rules is None else rules
    pieces, rows, fields = _trim_edges(lines, rules)
    pieces, line_rows, line_fields, title = _drop_lines(pieces, rules)
    n_pieces = len(pieces)
    pieces, span_rows = _cut_spans(pieces, rules)
    if len(pieces) != n_pieces:
        title = None  # a line went whole: find the title again
    for k, v in line_fields.items():
        fields.setdefault(k, v)
    all_rows = sorted(rows + line_rows + span_rows, key=lambda r: r["line"])
    kept = [p.text for p in pieces]
    # the title found among the lines before junk above it went stands, unless junk went or a span was cut from it
    same = title is not None and any(p is title for p in pieces)
    return kept, all_rows, fields, (next(i for i, p in enumerate(pieces) if p is title) if same else find_title(kept))


def _drop_lines(pieces: list[_Piece], rules: tuple[BoilerplateRule, ...]
                ) -> tuple[list[_Piece], list[dict], dict[str, str], _Piece | None]:
    """Pass 2 of :func:`remove_boilerplate`: whole-line rules. Also returns the title's piece when no line above it
    went after it was found (else None: the title is to be found again)."""
    joined = _any_rule(rules)
    removed: dict[int, str] = {}
    fields: dict[str, str] = {}
    for i, piece in enumerate(pieces):
        reason = _line_rule(rules, joined, piece.text) or (
            "portal menu" if is_menu_line(piece.text) else None)
        if reason is None:
            continue
        removed[i] = reason
        if reason == "web meta field":
            for k, v in web_fields(piece.text).items():
                fields.setdefault(k, v)
    kept_idx = [i for i in range(len(pieces)) if i not in removed]
    kept = [pieces[i].text for i in kept_idx]
    title_pos = find_title(kept)
    body = _body_start(kept)
    head = kept_idx[:title_pos if title_pos is not None else body]
    for scope, where in (("head", head), ("top", kept_idx[:body])):
        scoped = [r for r in rules if r.scope == scope]
        for i in where:
            squeezed = "".join(pieces[i].text.split())
            reason = next((r.reason for r in scoped if r.pattern.fullmatch(squeezed)), None)
            if reason and i not in removed:
                removed[i] = reason
    texts = [p.text if j not in removed else "" for j, p in enumerate(pieces)]
    for i in _orphans(texts, [i for i in head if i not in removed]):
        removed[i] = "orphan line before the title (spam or ad)"
    rows = [_row(pieces[i].line, pieces[i].text, r) for i, r in sorted(removed.items())]
    found_before = len(kept_idx)
    kept_pieces = [p for i, p in enumerate(pieces) if i not in removed]
    title = pieces[kept_idx[title_pos]] if title_pos is not None and len(kept_pieces) == found_before else None
    return kept_pieces, rows, fields, title


# ---------------------------------------------------------------------------------------------------------------------
# pass 1: the page's head and tail
# ---------------------------------------------------------------------------------------------------------------------

# The head ends where the report's first sentence ends, at the latest after this many lines.
_HEAD_LINES = 60
# A title or an addressee glued to what follows (a page copied as one line): 县委、县政府:2024年以来,…
_ORG_END = r"(?:委|政府|委员会|常委会|办公室|局|厅|党委|党工委|管委会|办事处|指挥部|领导小组)"
_ADDRESSEE = re.compile(rf"^(?:[^,，。;；:：!?！？\s]{{1,24}}?{_ORG_END}[,，、]\s*){{0,4}}"
                        rf"[^,，。;；:：!?！？\s]{{1,24}}?{_ORG_END}[:：](?=\S)")
_TITLE_NOUN_END = re.compile(r"报告|总结")
_TITLE_WEAK_END = re.compile(r"情况|工作要点")
_NOT_AFTER_TITLE = re.compile(r"[的和及与暨、之,，。;；:：(（]|如下|制度|会议|工作|机制|要求|等")
_AFTER_WEAK_TITLE = re.compile(r"(?:19|20)\d\d|按照|根据|依据|现将|今年|近年|一年来")
_PUNCT = re.compile(r"[,，。;；:：!?！？]")
# a quotation or title mark left open: a title does not end inside 《…》 or “…”
_UNCLOSED = re.compile(r"《[^》]*$|“[^”]*$|[(（][^)）]*$")
_LEADING_SEPARATORS = re.compile(r"[\s|｜•·\-_/\\>»›→*#:：,，;；]*")
_BYLINE = re.compile(rf"[{_CJK}]{{2,12}}")


def _title_end(seg: str) -> int | None:
    """End of a report title at the start of ``seg`` when more text is glued after it, else None."""
    window = seg[:80]
    stop = _PUNCT.search(window)
    window = window[:stop.start()] if stop else window
    for pattern, after in ((_TITLE_NOUN_END, None), (_TITLE_WEAK_END, _AFTER_WEAK_TITLE)):
        for m in pattern.finditer(window):
            rest = seg[m.end():]
            if not rest.strip() or _NOT_AFTER_TITLE.match(rest):
                continue
            if after is not None and not (after.match(rest) or rest.startswith(seg[:4]) or _ADDRESSEE.match(rest)):
                continue
            if is_title_line(seg[:m.end()]) and not _UNCLOSED.search(seg[:m.end()]):
                return m.end()
    return None


def _unglue(seg: str) -> list[str]:
    """Split a title, a repeated title and an addressee glued before the report's text into lines of their own."""
    out: list[str] = []
    while seg:
        m = _ADDRESSEE.match(seg)
        end = m.end() if m else _title_end(seg)
        if end is None:
            break
        out.append(seg[:end].strip())
        seg = seg[end:].strip()
    if seg:
        out.append(seg)
    return out


def _dominant(spans: list[JunkSpan]) -> str:
    """The kind covering most characters among ``spans``."""
    size: dict[str, int] = {}
    for s in spans:
        size[s.kind] = size.get(s.kind, 0) + s.end - s.start
    return max(size, key=lambda k: (size[k], -[s.kind for s in spans].index(k)))


def _is_byline(text: str, after: JunkSpan | None) -> bool:
    """An office's or a site's name right before a date stamp (政策法规科 2023-12-29, 某某市人民政府 2019年12月3日
    星期二): who posted the page."""
    if after is None or not (after.kind in ("publishing stamp", "date banner") or after.role == "date"):
        return False
    return bool(_BYLINE.fullmatch(text)) and not is_title_line(text)


def _keep_fields(spans: list[JunkSpan], fields: dict[str, str]) -> None:
    for s in spans:
        if s.field and s.value and s.role in FIELD_ROLES:
            fields.setdefault(s.field, s.value)


def _may_hold_head_junk(line: str, limit: int) -> bool:
    """False when ``line[:limit]`` holds nothing a head junk span starts with (most report sentences): then the
    spans need not be looked for."""
    return bool(head_junk_anchor().search(line, 0, limit))


def _split_head(i: int, line: str, limit: int) -> tuple[list[_Piece], list[dict], dict[str, str], list[JunkSpan]]:
    """Cut the junk spans out of ``line[:limit]`` (a head line, or the head of the first sentence line).

    A line left with nothing but separators goes whole, as one row; otherwise each run of junk is a row and the
    text between becomes pieces, titles and addressees glued to what follows split off."""
    spans = head_spans(line, 0, limit) if _may_hold_head_junk(line, limit) else []
    fields: dict[str, str] = {}
    if not spans:
        return [_Piece(i, p) for p in _unglue(line)], [], fields, spans
    _keep_fields(spans, fields)
    # the text between spans (the last stretch runs to the end of the line)
    gaps = [line[a:b] for a, b in zip([0] + [s.end for s in spans], [s.start for s in spans] + [len(line)],
                                      strict=True)]
    real = [k for k, g in enumerate(gaps) if not is_separator_residue(g)]
    spans_after = [*spans, None]
    if limit == len(line) and (not real or (len(real) == 1 and _is_byline(gaps[real[0]].strip(),
                                                                         spans_after[real[0]]))):
        return [], [_row(i, line, _dominant(spans))], fields, spans
    pieces: list[_Piece] = []
    rows: list[dict] = []
    prefix = ""  # separators before the first span, or an office's name before a date stamp
    for k, gap in enumerate(gaps):
        if k in real:
            lead = _LEADING_SEPARATORS.match(gap).group()
            if lead.strip() and rows:
                rows[-1]["text"] += lead  # a separator between the junk and the text goes with the junk
                gap = gap[len(lead):]
            parts = _unglue(gap.strip())
            if _is_byline(parts[-1], spans_after[k]):
                prefix = parts.pop()
            pieces += [_Piece(i, p) for p in parts]
        elif rows:
            rows[-1]["text"] += gap.rstrip()  # separators go with the junk before them
        else:
            prefix = gap.strip()
        if k < len(spans):
            rows.append(_row(i, prefix + line[spans[k].start:spans[k].end], spans[k].kind))
            prefix = ""
    for r in rows:
        r["text"] = r["text"].strip()
    return pieces, rows, fields, spans


def _trim_tail(piece: _Piece) -> tuple[_Piece | None, list[dict]]:
    """Cut the junk that follows the last sentence of a run-on line (share bars, related links, the site footer)."""
    text = piece.text
    last = max((m.end() for m in _SENTENCE_END.finditer(text)), default=0)
    found = tail_start(text, last)
    if found is None:
        return piece, []
    pos, kind = found
    kept = text[:pos].rstrip()
    return (_Piece(piece.line, kept) if kept else None), [_row(piece.line, text[pos:].strip(), kind)]


# a short line in a page's head or tail without one Chinese character: furniture in another language (Baidu, map)
_LATIN_ONLY = re.compile(rf"[^{_CJK}]{{0,40}}[A-Za-z][^{_CJK}]{{0,40}}")

# fields whose value is never on a line of its own (a page-view count, a font-size switch)
_VALUELESS = ("count", "font")


@per_vocabulary
def _bare_key_re() -> re.Pattern[str]:
    return re.compile(rf"[-•·*|\[【\s]*({words_pattern(field_roles())})\s*[\]】]?\s*[:：]?\s*[|｜]?")


def _bare_key(line: str) -> tuple[str, str] | None:
    """(field, role) when ``line`` is a publishing-block field name alone, its value on the next line."""
    m = _bare_key_re().fullmatch(line)
    return (m.group(1), field_roles()[m.group(1)]) if m else None


_VALUE_SHAPE = {"date": re.compile(r"[\d\s:/.\-年月日]{6,30}"), "index": re.compile(r"[0-9A-Za-z\s/_\-.]{4,60}"),
                "docno": re.compile(r".{1,16}[〔\[(（]\s*\d{4}\s*[〕\])）]\s*\d{1,5}\s*号")}


def _is_field_value(line: str, role: str) -> bool:
    """Whether ``line`` is the value of a field of role ``role`` whose name stood alone on the line before."""
    shape = _VALUE_SHAPE.get(role)
    if shape is not None:
        return bool(shape.fullmatch(line.strip(" |[]【】-•")))
    return (len(line) <= 40 and not _SENTENCE_END.search(line) and not _PUNCT.search(line.rstrip(":："))
            and not is_title_line(line) and not _NUMBERED_HEADING.match(line) and not head_spans(line))


def _split_head_line(i: int, line: str, rules: tuple[BoilerplateRule, ...], joined: _Joined,
                     pending: tuple[str, str] | None,
                     ) -> tuple[list[_Piece], list[dict], dict[str, str], tuple[str, str] | None]:
    """One head line: (pieces, rows, fields, the field whose value the next line holds)."""
    if pending is not None and _is_field_value(line, pending[1]):
        fields = {pending[0]: line.strip()} if pending[1] in FIELD_ROLES else {}
        return [], [_row(i, line, "web meta field")], fields, None
    key = _bare_key(line)
    if key is not None:
        return [], [_row(i, line, "web meta field")], {}, (key if key[1] not in _VALUELESS else None)
    if _line_rule(rules, joined, line):
        return [_Piece(i, line)], [], {}, None  # left whole to the line rules (pass 2), with their reason
    if is_menu_line(line) or _LATIN_ONLY.fullmatch(line):
        return [], [_row(i, line, "portal menu")], {}, None
    pieces, rows, fields, spans = _split_head(i, line, len(line))
    last = spans[-1] if spans and not pieces else None
    # "发布机构:" ending its line (not an empty table cell "| 文号: | |"): the value is on the next line
    if (last is not None and last.field and not last.value
            and last.role not in _VALUELESS and last.end == len(line.rstrip())
            and not line.rstrip().endswith(("|", "｜"))):
        return pieces, rows, fields, (last.field, last.role)
    return pieces, rows, fields, None


def _first_sentence_end(line: str) -> int:
    stop = line.find("。")
    return stop if stop >= 0 else _SENTENCE_END.search(line).start()


def _is_sentence_line(line: str) -> bool:
    """A line of the report's text: it holds a sentence ending in 。, or is long and ends one in ! or ? (a portal's
    欢迎访问本网站！ is no sentence of the report)."""
    return "。" in line or (len(line) > 40 and bool(_SENTENCE_END.search(line)))


def _trim_edges(lines: list[str], rules: tuple[BoilerplateRule, ...]
                ) -> tuple[list[_Piece], list[dict], dict[str, str]]:
    """Pass 1 of :func:`remove_boilerplate`: junk spans of the page's head and tail.

    The head is every line before the first sentence (at most ``_HEAD_LINES`` lines) and the first sentence line up to
    that sentence's end; the tail every line after the last sentence and the last sentence line after it."""
    first = next((i for i, ln in enumerate(lines) if _is_sentence_line(ln)), len(lines))
    last = next((i for i in range(len(lines) - 1, first - 1, -1) if _is_sentence_line(lines[i])), -1)
    head_end = min(first, _HEAD_LINES)
    pieces: list[_Piece] = []
    rows: list[dict] = []
    fields: dict[str, str] = {}
    joined = _any_rule(rules)

    def edge_lines(indexes: range) -> None:
        pending = None  # a field named alone on a line, its value on the next
        for i in indexes:
            if lines[i]:
                got, got_rows, got_fields, pending = _split_head_line(i, lines[i], rules, joined, pending)
                pieces.extend(got)
                rows.extend(got_rows)
                for k, v in got_fields.items():
                    fields.setdefault(k, v)

    edge_lines(range(head_end))  # the page's head
    body = range(head_end, last + 1)
    for i in body:
        line = lines[i]
        if not line:
            continue
        if i == first:  # the report's first sentence line: junk may be glued before the sentence
            got, got_rows, got_fields, _ = _split_head(i, line, _first_sentence_end(line))
            pieces.extend(got)
            rows.extend(got_rows)
            for k, v in got_fields.items():
                fields.setdefault(k, v)
        else:
            pieces.append(_Piece(i, line))
    if 0 <= last and pieces and pieces[-1].line == last:  # junk glued after the report's last sentence
        tail, tail_rows = _trim_tail(pieces.pop())
        pieces.extend([tail] if tail else [])
        rows.extend(tail_rows)
    edge_lines(range(max(last + 1, head_end), len(lines)))  # the page's tail
    return pieces, rows, fields


# ---------------------------------------------------------------------------------------------------------------------
# pass 3: junk inside sentences
# ---------------------------------------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _span_rules(rules: tuple[BoilerplateRule, ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(reason, expression) of the rules of scope span, compiled for ASCII-lower-cased text (a case-insensitive
    expression is tried at every character; one whose every alternative starts with a character skips ahead in C)."""
    return tuple((r.reason, r.pattern if not r.pattern.flags & re.IGNORECASE else re.compile(r.pattern.pattern))
                 for r in rules if r.scope == "span")


@lru_cache(maxsize=8)
def _span_passes(rules: tuple[BoilerplateRule, ...]) -> tuple[re.Pattern[str], ...]:
    """The expressions to search the text with: the span rules whose every alternative starts with a character,
    joined into one (its matches are given their rule afterwards), and each other rule on its own."""
    spans = _span_rules(rules)
    first = [p.pattern for _, p in spans if all(_starts_with_character(a) for a in _alternatives(p.pattern))]
    others = [p for _, p in spans if p.pattern not in first]
    return ((re.compile("|".join(first)),) if first else ()) + tuple(others)


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of ``pattern`` (split at | outside groups and classes)."""
    parts, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


def _starts_with_character(alternative: str) -> bool:
    """Whether an expression starts with one given character (本站…, \\*…), not a group, class or repeat."""
    if not alternative or alternative[0] in "([.^$|?*+{)":
        return False
    if alternative[0] == "\\":
        return len(alternative) > 1 and not alternative[1].isalnum()
    return alternative[1:2] not in ("?", "*", "{")


_ASCII_UPPER = re.compile("[A-Z]")


def _ascii_lower(text: str) -> str:
    """``text`` with its letters lower-cased and every offset unchanged (the rare letters whose lower case is longer,
    as İ, are left as they are)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return _ASCII_UPPER.sub(lambda m: m.group().lower(), text)


def _span_matches(text: str, rules: tuple[BoilerplateRule, ...]) -> list[tuple[int, int, str]]:
    """(start, end, reason) of every span rule's match in ``text``, left to right, not overlapping and within a line."""
    spans = _span_rules(rules)
    found = []
    for pattern in _span_passes(rules):
        for m in pattern.finditer(text):
            if m.end() == m.start() or "\n" in m.group():
                continue
            # the rule it is: the first whose own expression matches here, as far
            for reason, own in spans:
                hit = own.match(text, m.start())
                if hit is not None and hit.end() == m.end():
                    found.append((m.start(), m.end(), reason))
                    break
    found.sort(key=lambda t: (t[0], -t[1]))
    out: list[tuple[int, int, str]] = []
    for start, stop, reason in found:
        if not out or start >= out[-1][1]:
            out.append((start, stop, reason))
    return out


def _cut_spans(pieces: list[_Piece], rules: tuple[BoilerplateRule, ...]) -> tuple[list[_Piece], list[dict]]:
    """Pass 3 of :func:`remove_boilerplate`: cut what rules of scope span find, wherever it is."""
    if not _span_rules(rules) or not pieces:
        return pieces, []
    text = "\n".join(p.text for p in pieces)  # one search of the whole text, not one per line
    found = _span_matches(_ascii_lower(text), rules)
    if not found:
        return pieces, []
    starts = list(itertools.accumulate((len(p.text) + 1 for p in pieces[:-1]), initial=0))
    cuts: dict[int, list[tuple[int, int, str]]] = {}
    for start, stop, reason in found:
        k = bisect.bisect_right(starts, start) - 1
        cuts.setdefault(k, []).append((start - starts[k], stop - starts[k], reason))
    out: list[_Piece] = []
    rows: list[dict] = []
    for k, piece in enumerate(pieces):
        if k not in cuts:
            out.append(piece)
            continue
        kept, pos = [], 0
        for start, end, reason in cuts[k]:
            kept.append(piece.text[pos:start])
            rows.append(_row(piece.line, piece.text[start:end], reason))
            pos = end
        kept.append(piece.text[pos:])
        rest = "".join(kept).strip()
        if is_separator_residue(rest):
            if rest:
                rows[-1]["text"] += rest
        else:
            out.append(_Piece(piece.line, rest))
    return out, rows


def clean_text(text: str, rules: tuple[BoilerplateRule, ...] | None = None, simplify: bool = True) -> CleanResult:
    """Clean an extracted report text.

    Parameters
    ----------
    text : str
        The text as a reader extracted it.
    rules : tuple of BoilerplateRule, optional
        The boilerplate rules (None: ``boilerplate_rules()`` of the active vocabulary).
    simplify : bool, default True
        Convert reports written in traditional characters to simplified ones so vocabularies match.

    Returns
    -------
    CleanResult
        Its ``text`` has one paragraph per line (no empty lines), normalised characters and no boilerplate lines;
        the audit (``removed``, ``changes``) says what was removed or changed.
    """
    normalized, changes = normalize_chars(text)
    if simplify:
        normalized, n_trad = to_simplified(normalized)
        if n_trad:
            changes["traditional characters converted to simplified"] = n_trad
    kept, removed, fields, title_pos = _remove_junk(normalized.split("\n"), rules)
    return CleanResult(
        text="\n".join(kept),
        removed=removed,
        changes=changes,
        fields=fields,
        title=kept[title_pos] if title_pos is not None else None,
    )


__all__ = ["BoilerplateRule", "CleanResult", "boilerplate_rules", "clean_text", "normalize_chars", "remove_boilerplate",
           "to_simplified", "web_fields"]
