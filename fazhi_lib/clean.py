"""Cleaning: from extracted text to the cleaned text every offset of the tables points into.

``clean_text`` normalises characters (full-width ASCII and spaces, broken and invisible characters, traditional
characters), then removes web boilerplate line by line by general rules kept in ``vocab/boilerplate.csv``
(breadcrumbs, index-number blocks, share and print bars, lone 图片, footers, spam lines before the title), and keeps
an audit of every removed line and every kind of change. Character normalisation stays within NFKC equivalence
(plus removal of invisible characters), so a quote from the cleaned text still matches the source after NFKC.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from fazhi_lib.metadata import find_title
from fazhi_lib.vocabulary import read_rows

# Full-width ASCII (！ … ～) to ASCII, ideographic and other odd spaces to a plain space: both are NFKC mappings.
_WIDTH_MAP = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH_MAP.update({cp: 0x20 for cp in (0x3000, 0x00A0, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008,
                                       0x2009, 0x200A, 0x202F, 0x205F)})
_FOLDED = re.compile("[\uff01-\uff5e\u3000\u00a0\u2002-\u200a\u202f\u205f]")
# Invisible or broken characters: zero-width marks, BOM, soft hyphen, the replacement character, C0/C1 controls.
_INVISIBLE = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad\ufffd\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Runs of spaces; which are stray is decided by _strip_spaces.
_SPACES = re.compile(r"[ \t]+")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
_CJK_RE = re.compile(f"[{_CJK}]")
_SENTENCE_END = re.compile(r"[。!?！？]")
_NUMBERED_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}[、.]|[(（][一二三四五六七八九十]{1,3}[)）]|【[^】]{2,20}】|第[一二三四五六七八九十]+部分)"
)
_CJK_BIGRAM = re.compile(f"(?=([{_CJK}]{{2}}))")
# Meta fields of a government page. Their values are kept (``CleanResult.fields``) for metadata inference.
_FIELD_NAMES = ("发布机构|发布单位|发文机关|信息来源|文章来源|稿件来源|来源|所属机构|公文生成日期|成文日期"
                "|发布日期|发布时间|生成日期|索引号|发文字号|备注/文号|文号|浏览次数|更新时间|时间|日期|有效性"
                "|是否有效|主题分类|体裁分类|内容分类|公开方式|公开范围|公开形式|关键词|字体大小|字号")
_FIELD = re.compile(rf"({_FIELD_NAMES})\s*[\]】|:：]\s*\|?")
_KEPT_FIELDS = {"发布机构", "发布单位", "发文机关", "信息来源", "文章来源", "稿件来源", "来源", "所属机构",
                "成文日期", "发布日期", "发布时间", "生成日期", "公文生成日期", "索引号", "发文字号", "备注/文号",
                "文号"}


def web_fields(line: str) -> dict[str, str]:
    """Meta fields named in one line of a web page's info block, e.g. ``[发布机构]丰都县栗子乡人民政府[有效性]``."""
    found = list(_FIELD.finditer(line))
    out: dict[str, str] = {}
    if not found:  # a line removed as a field whose name this list lacks (有效性/截止日期:)
        return out
    for m, nxt in zip(found, [*found[1:], None], strict=True):
        value = line[m.end(): nxt.start() if nxt else len(line)].strip(" |[]【】-•*")
        if value and m.group(1) in _KEPT_FIELDS:
            out.setdefault(m.group(1), value)
    return out


@dataclass(frozen=True)
class BoilerplateRule:
    """One line-removal rule from ``vocab/boilerplate.csv``."""

    reason: str
    scope: str  # "anywhere" | "head" | "exact"
    pattern: re.Pattern[str]


@dataclass
class CleanResult:
    """The cleaned text and what cleaning did to it.

    ``removed`` holds one dict per removed line: ``line`` (0-based line number in the input text), ``text`` and
    ``reason``. ``changes`` counts character-level changes by kind. ``fields`` are web-page meta fields found in
    removed lines (``{"发布机构": "丰都县栗子乡人民政府"}``), useful to infer metadata. ``title`` is the title line of
    the cleaned text, if one was found.
    """

    text: str
    removed: list[dict] = field(default_factory=list)
    changes: dict[str, int] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    title: str | None = None


@lru_cache(maxsize=1)
def boilerplate_rules() -> tuple[BoilerplateRule, ...]:
    """The shipped boilerplate rules, compiled."""
    return tuple(BoilerplateRule(r["reason"], r["scope"], re.compile(r["pattern"], re.IGNORECASE))
                 for r in read_rows("boilerplate.csv"))


@lru_cache(maxsize=1)
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

    Returns the text with full-width ASCII folded to ASCII, odd spaces to plain spaces, invisible and broken
    characters removed, ``\\r\\n`` to ``\\n``, stray spaces inside lines removed and lines stripped; plus counts of
    each kind of change.
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
    ``min_chars``) are converted, so a simplified report quoting one traditional name is left alone. Returns the text
    and the number of characters changed.
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


@lru_cache(maxsize=1)
def _traditional_bmp_re() -> re.Pattern[str]:
    # Only characters below U+10000: a class holding any beyond it makes re test the characters one by one.
    return re.compile("[" + "".join(sorted(re.escape(c) for c in _traditional_chars() if ord(c) < 0x10000)) + "]")


def _has_traditional(text: str) -> bool:
    """Whether ``text`` holds a character OpenCC would change (about 8x faster than a set test per character)."""
    if _traditional_bmp_re().search(text):
        return True
    return bool(_ASTRAL.search(text)) and not _traditional_chars().isdisjoint(text)


@lru_cache(maxsize=8)
def _any_rule(rules: tuple[BoilerplateRule, ...]) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """One expression for all exact rules and one for all anywhere rules: most lines match neither, and one test
    each is much cheaper than one per rule. None when there is no rule of that scope or they cannot be joined."""
    def joined(scope: str) -> re.Pattern[str] | None:
        pats = [r.pattern for r in rules if r.scope == scope]
        if not pats or len({p.flags for p in pats}) != 1:
            return None
        try:
            return re.compile("|".join(f"(?:{p.pattern})" for p in pats), pats[0].flags)
        except re.error:  # e.g. clashing group names: test rule by rule
            return None
    return joined("exact"), joined("anywhere")


def _may_match(joined: tuple[re.Pattern[str] | None, re.Pattern[str] | None], squeezed: str, original: str) -> bool:
    """False when no rule of scope exact or anywhere can match the line (then the rules need not be tried one by
    one); True when one may. ``joined`` is ``_any_rule(rules)``."""
    exact, anywhere = joined
    if exact is None or anywhere is None:
        return True
    if exact.fullmatch(squeezed):
        return True
    return not (len(original) > 120 or "。" in original) and bool(anywhere.search(squeezed))


def _matches(rule: BoilerplateRule, squeezed: str, original: str) -> bool:
    if rule.scope == "exact":
        return bool(rule.pattern.fullmatch(squeezed))
    # A sentence of the report (ends in 。, or is long) is never boilerplate.
    if len(original) > 120 or "。" in original:
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


def remove_boilerplate(lines: list[str], rules: tuple[BoilerplateRule, ...] | None = None
                       ) -> tuple[list[str], list[dict], dict[str, str]]:
    """Drop boilerplate lines.

    Takes the lines of a character-normalised text; returns (kept lines, removed rows with ``line``/``text``/``reason``,
    web meta fields found in removed lines). Rules with scope ``head`` and the orphan rule apply only before the body
    (before the title when there is one).
    """
    rules = boilerplate_rules() if rules is None else rules
    joined = _any_rule(rules)
    removed: dict[int, str] = {}
    fields: dict[str, str] = {}
    for i, line in enumerate(lines):
        if not line:
            continue
        squeezed = "".join(line.split())
        if not _may_match(joined, squeezed, line):
            continue
        for rule in rules:
            if rule.scope != "head" and _matches(rule, squeezed, line):
                removed[i] = rule.reason
                break
        if removed.get(i) == "web meta field":
            for k, v in web_fields(line).items():
                fields.setdefault(k, v)
    kept_idx = [i for i, ln in enumerate(lines) if ln and i not in removed]
    kept = [lines[i] for i in kept_idx]
    title_pos = find_title(kept)
    head_end = title_pos if title_pos is not None else _body_start(kept)
    head = kept_idx[:head_end]
    head_rules = [r for r in rules if r.scope == "head"]
    for i in head:
        squeezed = "".join(lines[i].split())
        for rule in head_rules:
            if rule.pattern.fullmatch(squeezed):
                removed[i] = rule.reason
                break
    nonempty = [ln if j not in removed else "" for j, ln in enumerate(lines)]
    for i in _orphans(nonempty, [i for i in head if i not in removed]):
        removed[i] = "orphan line before the title (spam or ad)"
    rows = [{"line": i, "text": lines[i], "reason": r} for i, r in sorted(removed.items())]
    return [ln for i, ln in enumerate(lines) if ln and i not in removed], rows, fields


def clean_text(text: str, rules: tuple[BoilerplateRule, ...] | None = None, simplify: bool = True) -> CleanResult:
    """Clean an extracted report text.

    Returns a ``CleanResult`` whose ``text`` has one paragraph per line (no empty lines), normalised characters
    and no boilerplate lines; the audit says what was removed or changed. ``simplify`` converts reports written in
    traditional characters to simplified ones so vocabularies match.
    """
    normalized, changes = normalize_chars(text)
    if simplify:
        normalized, n_trad = to_simplified(normalized)
        if n_trad:
            changes["traditional characters converted to simplified"] = n_trad
    kept, removed, fields = remove_boilerplate(normalized.split("\n"), rules)
    title_pos = find_title(kept)
    return CleanResult(
        text="\n".join(kept),
        removed=removed,
        changes=changes,
        fields=fields,
        title=kept[title_pos] if title_pos is not None else None,
    )


__all__ = ["BoilerplateRule", "CleanResult", "boilerplate_rules", "clean_text", "normalize_chars", "remove_boilerplate",
           "to_simplified", "web_fields"]
