"""Structure: the official numbering hierarchy of a cleaned report, as sections and leaf items.

A report is numbered 一、 > （一） > 1. > （1） > ①, with bracket headings 【基本情况】 and 第一部分 at the top, and
inside paragraphs 一是…二是…三是…. ``parse_structure`` turns the cleaned text into two tables:

- ``sections``: one row per numbered heading (plus a ``preamble`` section for the text before the first heading and a
  ``closing`` section for a closing paragraph), with its level in the tree, marker, heading (the lead phrase),
  canonical part and character span;
- ``items``: one row per leaf point: an inline 一是… point, a numbered heading with no sub-points, or an unnumbered
  paragraph of a heading-only leaf section; with its lead phrase (``title``), text and span.

Levels come from the nesting actually found (a 1. directly under 一、 is level 2), so skipped levels and skipped
numbers (一、 then 四、) do not break the tree. Canonical parts are decided by the heading's wording with the
vocabulary in ``vocab/parts.csv``; sub-sections inherit their top-level section's part.

A marker opening a line is a heading. A marker inside running text (a page that came as one single line, or a
heading run into the one before it) is a heading only when it continues the numbering already open, so that the same
report gives the same sections with or without its line breaks, and the false markers inside sentences (统一、二级,
第一、, 1.5万, dates, 主要有：（1）…；（2）…) split nothing. Parsing time is linear in the length of the text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

import pandas as pd

from fazhi_lib.numerals import ENCLOSED, heading_number
from fazhi_lib.schema import ITEM_COLUMNS, SECTION_COLUMNS
from fazhi_lib.textrules import SENTENCE_END
from fazhi_lib.vocabulary import per_vocabulary, read_lines, read_rows

PARTS = ("preamble", "overview", "measures", "effects", "leader_duty", "problems", "plans", "closing", "other")

_CN = "一二三四五六七八九十"
_ENCLOSED = ENCLOSED
_ASCII_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# (style, rank, pattern at the start of a line). Rank orders the official hierarchy; levels come from nesting.
_MARKERS: tuple[tuple[str, int, re.Pattern[str]], ...] = (
    ("part", 0, re.compile(rf"第([{_CN}]{{1,3}})部分[、,.:：\s]*")),
    ("bracket", 1, re.compile(r"【([^】\n]{2,24})】")),
    ("cn", 1, re.compile(rf"([{_CN}]{{1,3}})[、.．](?![{_CN}、])")),
    ("cn_paren", 2, re.compile(rf"[(（]([{_CN}]{{1,3}})[)）]|([{_CN}]{{1,3}})[)）]|([㈠-㈩])")),
    ("arabic", 3, re.compile(r"(\d{1,2})[、.．](?![\d.．])|([⒈-⒛])")),
    ("arabic_paren", 4, re.compile(r"[(（](\d{1,2})[)）]|(\d{1,2})[)）](?!\d)|([⑴-⒇])")),
    ("circled", 5, re.compile(r"([①-⑳])")),
)
_MARKER_FIRST = frozenset("第【(（" + _CN + "0123456789" + "".join(chr(c) for c in range(ord("①"), ord("⑳") + 1))
                          + "".join(_ENCLOSED))
# The same styles as they may stand inside running text, with the characters before them that make them false
# markers (第一、 其一、 统一、二级; 第（一）项; 2023.1 1.5万 v2.). Each pattern opens with a character class, which
# ``re`` scans for quickly; the character before is tested on the few matches.
_RUN_MARKERS: tuple[tuple[str, int, re.Pattern[str], str], ...] = (
    ("part", 0, re.compile(rf"第([{_CN}]{{1,3}})部分[、,.:：]?"), ""),
    ("bracket", 1, re.compile(r"【([^】\n]{2,24})】"), ""),
    ("cn", 1, re.compile(rf"([{_CN}]{{1,3}})[、.．](?![{_CN}、])"), "第其之" + _CN),
    ("cn_paren", 2, re.compile(rf"[(（]([{_CN}]{{1,3}})[)）]|([㈠-㈩])"), "第"),
    ("cn_paren", 2, re.compile(rf"([{_CN}]{{1,3}})[)）]"), "第(（" + _CN),  # 一) without its opening bracket
    ("arabic", 3, re.compile(r"(\d{1,2})[、.．](?![\d.．%])|([⒈-⒛])"), "0123456789.．第/-" + _ASCII_LETTERS),
    ("arabic_paren", 4, re.compile(r"[(（](\d{1,2})[)）]|([⑴-⒇])"), "第"),
    ("circled", 5, re.compile(r"([①-⑳])"), ""),
)
_ANY_RUN_MARKER = re.compile("|".join(f"(?P<m{n}>{p.pattern})" for n, (_, _, p, _) in enumerate(_RUN_MARKERS)))
_MARKER_CHARS = "第【(（" + _CN + "0-9①-⑳㈠-㈩⑴-⒛"
_MARKER_START = re.compile(f"[{_MARKER_CHARS}]")
_OPENING_STYLES = ("part", "cn", "cn_paren")  # styles that may open a report's numbering (some start at （一）)
_TOP_STYLES = ("part", "cn")  # top-level styles: reports skip their numbers (一、 then 四、)
_LIST_STYLES = ("arabic_paren", "circled")  # styles that mostly number the points of one paragraph
_STOPS = "。!！?？;；:：…"
_STOP_RE = re.compile(f"[{_STOPS}]")
_CLOSERS = "”’」』\"'"
_BREAKS = " \t\n\u3000"
# where a marker after the end of a sentence may begin
_AFTER_STOP = re.compile(f"[{_STOPS}][{_CLOSERS} \t\u3000]*(?=[{_MARKER_CHARS}])")
_ENUM = re.compile(rf"(十[{_CN[:9]}]?|[{_CN[:9]}])是")
# Families of inline markers: (pattern, whether a chain may recover a first marker that lost its numeral).
_ENUM_FAMILIES: tuple[tuple[re.Pattern[str], bool], ...] = (
    (_ENUM, True),  # 一是…二是…
    (re.compile(rf"第(十[{_CN[:9]}]?|[{_CN[:9]}])[,，、:：]"), False),  # 第一，…第二，…
    (re.compile(rf"其([{_CN[:9]}])[,，、:：]"), False),  # 其一，…其二，…
    (re.compile(r"[(（](\d{1,2})[)）]"), False),  # （1）…（2）… inside a paragraph
    (re.compile(r"([①-⑳])"), False),  # ①…②…
)
# any marker of any family: most spans hold none, and one search is cheaper than one per family
_ANY_ENUM = re.compile("|".join(f"(?:{p.pattern})" for p, _ in _ENUM_FAMILIES))
_CJK_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_GLUED_FIRST_POINT = r"(?<![统唯万之同第单逐归划专合])一是(?![的否])"  # a first point 一是 (not 统一是)
_LEAD_END = re.compile(r"[。;；:：!！?？]")
_SENTENCE_END = SENTENCE_END
_LEAD_IN = re.compile(r"([:：]|(主要表现在|主要表现为|主要有|具体如下|如下|以下几个方面|以下方面|主要是)[。:：]?)$")
_DATE_LINE = rf"[\d{_CN}〇零]{{4}}年[\d{_CN}]{{1,2}}月[\d{_CN}]{{1,3}}日"
_SIGNER = r".{2,30}?(人民政府|办事处|委员会|局|街道|镇|乡|区|县|司法所)"
_SIGNATURE = re.compile(rf"^({_DATE_LINE}|{_SIGNER})$")
_SIGNATURE_RUN = re.compile(rf"({_SIGNER})?\s*{_DATE_LINE}")  # with its date, glued to the last sentence
MAX_HEADING = 60
_CLOSING_TAIL = 200  # characters: how long a closing paragraph run into the last point may be


@dataclass
class _Node:
    """A numbered heading while the tree is built."""

    start: int  # offset of the marker (= start of its line)
    marker_end: int  # offset right after the marker
    line_end: int  # offset of the end of the heading's line
    style: str
    rank: int
    marker: str
    heading: str = ""
    body_start: int = 0  # offset where the section's own text starts after the heading
    heading_only: bool = True  # nothing follows the heading on its line
    end: int = 0
    level: int = 1
    parent: int | None = None
    children: list[int] = field(default_factory=list)
    part: str = "other"
    candidates: tuple[str, ...] = ()
    value: int = 0


@dataclass(slots=True)
class _Cand:
    """A numbering marker found in the text, before it is judged to open a heading."""

    start: int
    end: int
    style: str
    rank: int
    value: int
    marker: str
    line_start: bool


@dataclass(frozen=True)
class _Point:
    start: int
    content_start: int
    end: int
    marker: str
    kind: str


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each line, end excluding the newline."""
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def match_marker(line: str) -> tuple[str, int, str, int] | None:
    """The numbering marker opening a line, or None.

    Parameters
    ----------
    line : str
        One line of a cleaned text.

    Returns
    -------
    tuple of (str, int, str, int) or None
        (style, rank, marker text, marker length); None when no marker opens the line (a bare number alone on its
        line is no heading; a bracket or 第一部分 heading may stand alone).
    """
    if not line or line[0] not in _MARKER_FIRST:  # most lines: no marker can open them
        return None
    for style, rank, pat in _MARKERS:
        m = pat.match(line)
        # a bare number alone on its line is not a heading; a bracket or 第一部分 heading may stand alone
        if m and (m.end() < len(line) or style in ("bracket", "part")):
            return style, rank, m.group(0).strip(), m.end()
    return None


def lead_phrase(text: str, max_len: int = 40) -> str:
    """The lead phrase of a point: up to the first 。；： etc. when short, else the first clause, capped.

    Parameters
    ----------
    text : str
        The point's text.
    max_len : int, default 40
        The longest lead phrase, in characters.

    Returns
    -------
    str
        The text up to the first sentence or clause end when it comes within ``max_len``, else its first
        ``max_len`` characters.
    """
    text = text.strip()
    m = _LEAD_END.search(text)
    if m and m.start() <= max_len:
        return text[: m.start()].strip()
    comma = re.search(r"[,，]", text)
    if comma and comma.start() <= max_len:
        return text[: comma.start()].strip()
    return text[:max_len].strip()


def _split_heading(rest: str) -> tuple[str, int]:
    """Split the text after a marker into (heading, offset in ``rest`` where the body starts, or len(rest))."""
    m = _LEAD_END.search(rest)
    if m and m.start() <= MAX_HEADING:
        return rest[: m.start()].strip(), m.end()
    if len(rest) <= MAX_HEADING:
        return rest.strip().rstrip("。,，"), len(rest)
    return lead_phrase(rest), 0  # a long numbered paragraph: its lead is the heading, all of it is text


def _heading_and_body(text: str, node: _Node) -> tuple[str, int]:
    """A node's heading and the offset where its own text starts.

    The heading ends with its line (or at the next heading), at the first stop (。；：), or, for a long numbered
    paragraph, after its lead phrase. A heading that did not end with its line may have run into its paragraph
    (（一）强化组织领导我局成立了…): it then ends where a glued 一是 or a paragraph's opening words
    (``vocab/body_openers.txt``) begin.
    """
    if node.style == "bracket":
        return node.marker.strip("【】"), node.marker_end
    rest = text[node.marker_end: node.line_end]
    heading, body_off = _split_heading(rest)
    ended_with_line = len(rest) <= MAX_HEADING and not _LEAD_END.search(rest)
    if ended_with_line or not heading:
        return heading, node.marker_end + body_off
    lead = len(rest) - len(rest.lstrip())
    cut = _run_on_body(heading)
    if cut is None:
        return heading, node.marker_end + body_off
    body = node.marker_end + lead + cut
    return heading[:cut].rstrip(",，、"), (body if body_off else node.marker_end)


@per_vocabulary
def _body_openers() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in (_GLUED_FIRST_POINT, *read_lines("body_openers.txt"))))


def _run_on_body(heading: str, min_heading: int = 4) -> int | None:
    """Where a paragraph run into a heading starts in it, or None."""
    m = _body_openers().search(heading, min_heading)
    return m.start() if m else None


@per_vocabulary
def _part_rules() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((r["part"], re.compile(r["pattern"])) for r in read_rows("parts.csv"))


@per_vocabulary
def _other_headings() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in read_lines("other_headings.txt")))


@per_vocabulary(maxsize=8192)  # headings are formulaic: the same wording recurs across a corpus
def part_candidates(heading: str) -> tuple[str, ...]:
    """Canonical parts a heading's wording names, most specific first (``vocab/parts.csv`` order).

    Parameters
    ----------
    heading : str
        A heading's text (white space is ignored).

    Returns
    -------
    tuple of str
        The parts whose patterns match, without repeats; empty when none does.
    """
    squeezed = "".join(heading.split())
    found: list[str] = []
    for part, pat in _part_rules():
        if part not in found and pat.search(squeezed):
            found.append(part)
    return tuple(found)


def classify_part(heading: str, after_problems_or_plans: bool = False) -> str:
    """Canonical part of a top-level heading, from its wording.

    The first matching row of ``vocab/parts.csv`` wins. A heading it does not name is a thematic heading of work
    done (一、强化组织领导…, 一、始终坚持党的领导…, 一、以习近平法治思想为指引…): ``measures``, unless it comes after
    the problems or plans part, has no words, or is one of the non-report headings of ``vocab/other_headings.txt``
    (附件, 指导思想 …): then ``other``.

    Parameters
    ----------
    heading : str
        A top-level heading's text.
    after_problems_or_plans : bool, default False
        Whether the heading comes after the problems or plans part.

    Returns
    -------
    str
        The canonical part.
    """
    found = part_candidates(heading)
    if found:
        return found[0]
    squeezed = re.sub(r"^(20\d\d年(度)?|[,，、])+", "", "".join(heading.split()))
    if after_problems_or_plans or not _CJK_CHAR.search(squeezed) or _other_headings().match(squeezed):
        return "other"
    return "measures"


_BARE_NOT = re.compile(r"报告|总结|汇报|[。,，;；!！?？]")


def _bare_part_heading(line: str) -> bool:
    """An unnumbered line that is nothing but a part's name (存在的问题 / 下一步工作打算), as web pages leave
    headings whose numbers were images or list bullets."""
    core = line.strip().rstrip(":：")
    return 2 <= len(core) <= 16 and not _BARE_NOT.search(core) and bool(part_candidates(core))


def _bracket_heading(marker: str) -> bool:
    """【基本情况】 or 【典型案例】 heads a part; 【打印】 【关闭】 【字体:大】 are a web page's buttons."""
    content = marker.strip("【】")
    return bool(part_candidates(content)) or (len(content) >= 4 and not re.search(r"[:：|/\s]", content))


def _inline_list(line: str, found: tuple[str, int, str, int]) -> bool:
    """A line opening with ① or （1） that also holds ② or （2） is a paragraph listing points, not a heading."""
    style, _, marker, _ = found
    if style not in _LIST_STYLES:
        return False
    return any(f in line for f in _next_numbers(style, heading_number(marker.strip("()（）"))))


def _next_numbers(style: str, value: int) -> tuple[str, ...]:
    """How the number after ``value`` of a list style is written: ② after ①; （2） (2) ⑵ after （1）."""
    if style == "circled":
        return (chr(ord("①") + value),) if value < 20 else ()
    n = value + 1
    return (*(f"{o}{n}{e}" for o in "(（" for e in ")）"), *((chr(0x2474 + value),) if value < 20 else ()))


def _line_start_candidates(text: str, lines: list[tuple[int, int]], title: str | None) -> list[_Cand]:
    """Markers opening a line (and unnumbered lines naming a part, not the title): headings wherever they stand in
    the numbering."""
    found_all = []
    squeezed_title = "".join((title or "").split())
    for s, e in lines:
        line = text[s:e]
        found = match_marker(line)
        if not found and _bare_part_heading(line) and "".join(line.split()) != squeezed_title:
            found = ("bare", 1, "", 0)
        if not found or _inline_list(line, found) or (found[0] == "bracket" and not _bracket_heading(found[2])):
            continue
        style, rank, marker, mlen = found
        found_all.append(_Cand(s, s + mlen, style, rank, _marker_value(style, marker), marker, True))
    return found_all


def _run_marker_at(text: str, pos: int, hi: int) -> _Cand | None:
    """The running-text marker starting at ``pos`` (within ``text[:hi]``), if any."""
    m = _ANY_RUN_MARKER.match(text, pos, hi)
    if m is None:
        return None
    style, rank, _, not_after = _RUN_MARKERS[int(m.lastgroup[1:])]
    e = m.end()
    if e >= len(text) or text[e] in _BREAKS or (pos and text[pos - 1] in not_after):
        return None  # a marker at the end of a paragraph heads nothing
    marker = m.group(0).strip()
    return _Cand(pos, e, style, rank, _marker_value(style, marker), marker, False)


def _running_candidates(text: str, line_starts: set[int], seeds: list[_Cand]) -> list[_Cand]:
    """Markers inside running text (not at a line start), as pages that lost their line breaks hold them.

    Only two places can hold one that opens a heading (see ``_fits_running``): right after the end of a sentence,
    and glued to the words of a heading within its first ``MAX_HEADING`` characters before any stop. Looking only
    there is several times cheaper than scanning every numeral of a report.
    """
    found = {}
    for m in _AFTER_STOP.finditer(text):
        c = _run_marker_at(text, m.end(), len(text))
        if c is not None and c.start not in line_starts:
            found[c.start] = c
    todo = [*seeds, *found.values()]
    while todo:  # the window after each possible heading, and after each marker found there
        c = todo.pop()
        hi = min(len(text), c.end + MAX_HEADING + 1)
        stop = _STOP_RE.search(text, c.end, hi)
        hi = stop.start() if stop else hi
        nl = text.find("\n", c.end, hi)
        hi = nl if nl != -1 else hi
        for m in _MARKER_START.finditer(text, c.end, hi):
            g = _run_marker_at(text, m.start(), hi)
            if g is not None and g.start not in found and g.start not in line_starts:
                found[g.start] = g
                todo.append(g)
    return list(found.values())


def _marker_value(style: str, marker: str) -> int:
    if style == "bracket":
        return 0
    if style == "part":
        return heading_number(marker[1:marker.index("部分")])
    return heading_number(marker.strip("()（）、.．"))


def _char_before(text: str, pos: int) -> str:
    """The character a marker at ``pos`` follows, white space and closing quotes aside ("\n" at the start)."""
    i = pos - 1
    while i >= 0 and text[i] in " \t\u3000":
        i -= 1
    while i >= 0 and text[i] in _CLOSERS:
        i -= 1
    return text[i] if i >= 0 else "\n"


def _context(text: str, pos: int) -> str:
    """How a marker inside running text is entered: ``para`` (only white space since the line start), ``stop``
    (after the end of a sentence or clause, closing quotes aside) or ``glued`` (straight after a word)."""
    before = _char_before(text, pos)
    if before == "\n":
        return "para"
    return "stop" if before in _STOPS else "glued"


def _fits_running(c: _Cand, stack: list[_Node], text: str) -> bool:
    """Whether a marker inside running text opens a heading.

    It must continue the numbering already open. After the end of a sentence: a later number of a heading of its
    style on the current path (the next one or the one after for lower levels; any later one for 二、 and 第二部分,
    as reports skip numbers), or number 1 of a style deeper than the innermost open heading. Glued to the word
    before it: only right after a heading that has no text of its own yet (一、主要工作（一）加强领导… with the line
    breaks lost), as its first sub-heading or as its next sibling. False markers inside sentences (统一、二级,
    第一、, 1.5万, dates, lists 主要有：（1）…；（2）…) fail these tests.
    """
    if c.style == "bracket":  # 【基本情况】 inside running text: a part's name, or a heading after a sentence
        named = bool(part_candidates(c.marker.strip("【】")))
        return named or (_bracket_heading(c.marker) and _context(text, c.start) != "glued")
    top = stack[-1] if stack else None
    sib = next((n for n in reversed(stack) if n.style == c.style), None)
    deeper = sib is None and (top.rank < c.rank if top else c.style in _OPENING_STYLES)
    if _context(text, c.start) != "glued":
        if c.style in _LIST_STYLES and _inline_list_running(text, c):
            return False  # 主要表现在：（1）…；（2）…: points of a paragraph, not headings
        if sib is not None and c.style in _TOP_STYLES:
            # 二、 after a full stop; after ；or ：it is the next item of a list inside a paragraph
            return c.value > sib.value and _char_before(text, c.start) not in ";；:："
        if sib is not None:
            return c.value - sib.value in (1, 2)
        return deeper and c.value == 1
    ref = top if deeper else (sib if sib is not None and sib is top and c.value == sib.value + 1 else None)
    if ref is None or c.start - ref.marker_end > MAX_HEADING:
        return False
    return _STOP_RE.search(text, ref.marker_end, c.start) is None


def _inline_list_running(text: str, c: _Cand) -> bool:
    """（1）… or ①… whose next number follows in the same sentence: a list inside a paragraph."""
    window = min(len(text), c.end + 400)  # a sentence is shorter; bounded so that long texts stay linear
    end = _SENTENCE_END.search(text, c.end, window)
    stop = end.start() if end else window
    nl = text.find("\n", c.end, stop)
    stop = nl if nl != -1 else stop
    return any(text.find(f, c.end, stop) != -1 for f in _next_numbers(c.style, c.value))


def _find_headings(text: str, lines: list[tuple[int, int]], title: str | None = None) -> list[_Node]:
    """The numbered headings of a text, in reading order.

    A marker opening a line is a heading (as before: skipped numbers are fine). A marker inside running text is one
    only when it continues the numbering (``_fits_running``), so a report that came as one single line, or with
    headings run into their paragraphs, gives the same headings as the same report with its line breaks.
    """
    line_starts = {s for s, _ in lines}
    at_line_start = _line_start_candidates(text, lines, title)
    cands = sorted(at_line_start + _running_candidates(text, line_starts, at_line_start),
                   key=lambda c: (c.start, c.rank))
    nodes: list[_Node] = []
    stack: list[_Node] = []
    taken = -1
    for c in cands:
        if c.start < taken or (not c.line_start and not _fits_running(c, stack, text)):
            continue
        while stack and stack[-1].rank >= c.rank:
            stack.pop()
        node = _Node(start=c.start, marker_end=c.end, line_end=0, style=c.style, rank=c.rank, marker=c.marker,
                     value=c.value)
        nodes.append(node)
        stack.append(node)
        taken = c.end
    starts, ends = [s for s, _ in lines], [e for _, e in lines]
    for n, node in enumerate(nodes):  # a heading's line ends at its line break or at the next heading
        line_end = ends[bisect_right(starts, node.start) - 1]
        nxt = nodes[n + 1].start if n + 1 < len(nodes) else line_end
        node.line_end = min(line_end, nxt)
    return nodes


def _build_tree(nodes: list[_Node], end_of_text: int) -> None:
    """Set parent, level, children and end of every node from the ranks of their markers."""
    stack: list[int] = []
    for i, node in enumerate(nodes):
        while stack and nodes[stack[-1]].rank >= node.rank:
            nodes[stack.pop()].end = node.start
        node.parent = stack[-1] if stack else None
        node.level = len(stack) + 1
        if node.parent is not None:
            nodes[node.parent].children.append(i)
        stack.append(i)
    for i in stack:
        nodes[i].end = end_of_text


def _is_strong(text: str, pos: int, lo: int) -> bool:
    """An inline marker is strong when it opens the span or follows punctuation, a digit or a line break."""
    return pos <= lo or not _CJK_CHAR.match(text[pos - 1])


def find_enumeration(text: str, lo: int, hi: int) -> list[_Point]:
    """Inline points 一是…二是…三是… (or 第一，…第二，…, 其一，…, （1）…（2）…, ①…②…) in ``text[lo:hi]``.

    Returns the points of every chain of two or more consecutive markers (one skipped number is tolerated). A chain
    may start with a marker glued to the previous word (a heading and its first point on one line), and a chain
    that starts at 二是 whose 一是 lost its numeral (…效能是强化执法规范。…二是…) gets its first point back at the
    last 是 of the span's first sentence. Points end at the next point; the last one at the end of its paragraph.
    When several families occur, the one that starts first wins (the others are sub-points inside its points).

    Parameters
    ----------
    text : str
        The cleaned text.
    lo, hi : int
        The span searched, ``text[lo:hi]``.

    Returns
    -------
    list of _Point
        The points of every chain of two or more consecutive markers (one skipped number is tolerated), in order;
        each with its start, content start, end, marker and kind.
    """
    best: list[_Point] = []
    if not _ANY_ENUM.search(text, lo, hi):
        return best
    for pattern, recover in _ENUM_FAMILIES:
        points = _chains(text, lo, hi, pattern, recover)
        if points and (not best or (points[0].start, -len(points)) < (best[0].start, -len(best))):
            best = points
    return best


def _next_strong(cands: list[tuple[int, int, int, bool]], value: int) -> list[int]:
    """For each candidate index k, the index of the first strong candidate after k with ``value`` (len if none)."""
    out = [len(cands)] * (len(cands) + 1)
    for k in range(len(cands) - 1, -1, -1):
        out[k] = k + 1 if k + 1 < len(cands) and cands[k + 1][2] == value and cands[k + 1][3] else out[k + 1]
    return out


def _chains(text: str, lo: int, hi: int, pattern: re.Pattern[str], recover: bool) -> list[_Point]:
    cands = [(m.start(), m.end(), heading_number(m.group(1)), _is_strong(text, m.start(), lo))
             for m in pattern.finditer(text, lo, hi)]
    if len(cands) < 2:  # a chain needs two markers
        return []
    # lookups of the next strong 一是/二是/三是 in constant time: a long text holds thousands of candidates
    next_one, next_two, next_three = (_next_strong(cands, v) for v in (1, 2, 3))
    starts = [c[0] for c in cands]
    points: list[_Point] = []
    cursor = lo
    i = 0
    while i < len(cands):
        start, _, value, strong = cands[i]
        if start < cursor or value not in (1, 2) or (not strong and value == 2):
            i += 1
            continue
        chain: list[tuple[int, int, int]] = []
        if value == 1:
            # the next strong 二是, with no strong 一是 between that would start the chain instead
            j = next_two[i]
            if j == len(cands):
                i += 1
                continue
            ones = [c for c in cands[i:j] if c[2] == 1]
            strong_ones = [c for c in ones if c[3]]
            first = (strong_ones or ones)[-1]
            chain = [first[:3], cands[j][:3]]
        else:  # a chain opening at 二是: needs 三是 and a recoverable first point
            if not recover or next_three[i] == len(cands):
                i += 1
                continue
            first_sentence_end = _SENTENCE_END.search(text, cursor, start)
            region_end = first_sentence_end.start() if first_sentence_end else start
            shi = text.rfind("是", cursor, region_end)
            if shi <= cursor or not _CJK_CHAR.match(text[shi - 1]):
                i += 1
                continue
            chain = [(shi, shi + 1, 1), cands[i][:3]]
            j = i
        # extend with 三是, 四是 … (one gap tolerated), stopping where a new chain would start
        for k in range(j + 1, next_one[j]):
            s, e, v, st = cands[k]
            if st and v in (chain[-1][2] + 1, chain[-1][2] + 2):
                chain.append((s, e, v))
        for n, (s, e, _) in enumerate(chain):
            if n + 1 < len(chain):
                end = chain[n + 1][0]
            else:
                nl = text.find("\n", e, hi)
                end = hi if nl == -1 else nl
            points.append(_Point(start=s, content_start=e, end=_rstrip(text, s, end), marker=text[s:e], kind="inline"))
        cursor = points[-1].end
        i = bisect_left(starts, cursor, i + 1)
    return points


def _rstrip(text: str, lo: int, hi: int) -> int:
    while hi > lo and text[hi - 1] in " \n\t":
        hi -= 1
    return hi


@per_vocabulary
def _closing_cues() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((r["scope"], re.compile(r["pattern"])) for r in read_rows("closing_cues.csv"))


def _closing_start(text: str, lines: list[tuple[int, int]], last: _Node | None, keep_first: bool = False
                   ) -> int | None:
    """Offset where the closing (未来,… / signature and date) starts after the last heading ``last``, if any.

    A closing cue (``vocab/closing_cues.csv``) opens a paragraph after the last heading's line; a cue of scope
    ``sentence`` may also open a sentence after the last heading's first sentence, when no numbered point follows
    it (the same closing in a page that lost its line breaks). A trailing block of signature and date lines, or a
    signature and date after the last sentence, is a closing too. ``keep_first``: the first line after the last
    heading is the body of a heading-only last heading, never a closing.
    """
    if last is None:
        return None
    found = [s for s in (_closing_paragraph(text, lines, last.line_end, keep_first),
                         _closing_sentence(text, last.marker_end)) if s is not None]
    if found:
        return min(found)
    return _signature_start(text, lines, last)


def _closing_paragraph(text: str, lines: list[tuple[int, int]], after: int, keep_first: bool) -> int | None:
    cues = [p for _, p in _closing_cues()]
    tail = [(s, e) for s, e in lines[bisect_right([s for s, _ in lines], after):] if e > s]
    for s, e in tail[1:] if keep_first else tail:
        line = text[s:e]
        if any(p.match(line) for p in cues) and not _ENUM.match(line):
            return s
    return None


@per_vocabulary(maxsize=None)
def _closing_cue_after_sentence(scope: str | None) -> re.Pattern[str]:
    """The closing cues of ``scope`` (all when None), each right after the end of a sentence."""
    cues = "|".join(f"(?:{p.pattern})" for sc, p in _closing_cues() if scope is None or sc == scope)
    return re.compile(f"[。!！?？][{_CLOSERS}{_BREAKS}]*(?P<cue>{cues})")


def _closing_sentence(text: str, after: int) -> int | None:
    """A closing that starts inside a paragraph after the last numbered point: at a cue of scope ``sentence``, or at
    any cue when only a short last stretch of the text follows (…三是…。某某街道将以…为引领，…提供法治保障。)."""
    first = _SENTENCE_END.search(text, after)
    if first is None:
        return None
    last_point = max((m.start() for m in _ANY_ENUM.finditer(text, first.end())), default=-1)
    lo = max(first.start(), last_point + 1)  # from the stop that ends the first sentence
    found = [m.start("cue") for m in (
        _closing_cue_after_sentence("sentence").search(text, lo),
        _closing_cue_after_sentence(None).search(text, max(lo, len(text) - _CLOSING_TAIL)),
    ) if m]
    return min(found, default=None)


def _signature_start(text: str, lines: list[tuple[int, int]], last: _Node) -> int | None:
    tail = [(s, e) for s, e in lines if s > last.line_end and e > s]
    start = None
    for s, e in reversed(tail[-3:]):
        if _SIGNATURE.match(text[s:e]):
            start = s
        else:
            break
    if start is not None:
        return start
    # signature and date run on after the last sentence: …提供法治保障。某某镇人民政府2025年1月10日
    end = _rstrip(text, 0, len(text))
    window = max(last.marker_end, end - 60)
    stops = [m.end() for m in _SENTENCE_END.finditer(text, window, end)]
    signature = text[stops[-1]:end].strip() if stops else ""
    if signature and _SIGNATURE_RUN.fullmatch(signature):
        pos = stops[-1]
        while pos < end and text[pos] in _BREAKS + _CLOSERS:
            pos += 1
        return pos
    return None


def _heading_points(text: str, node: _Node, lines: list[tuple[int, int]], starts: list[int]) -> list[_Point]:
    """Items of a leaf section without inline points: the section itself, or its paragraphs. ``starts`` are the
    lines' start offsets."""
    end = node.end
    paras = []
    for i in range(bisect_left(starts, node.line_end + 1), len(lines)):
        s, e = lines[i]
        if e > end:
            break
        if e > s:
            paras.append((s, e))
    # a heading that names a part (二、存在的问题) is no point itself: its paragraphs are the points; without
    # paragraphs, a "heading" holding a whole sentence is a point that ran into its text (a page without line breaks)
    own = part_candidates(node.heading)
    names_part = node.heading_only and bool(own) and own[0] == node.part
    itself = _Point(node.start, node.marker_end, _rstrip(text, node.start, end), node.marker, "heading")
    if not names_part and (not node.heading_only or len(paras) < 2):
        return [itself]
    if not paras and _SENTENCE_END.search(text, node.marker_end, end):
        return [itself]
    points = []
    for n, (s, e) in enumerate(paras):
        line = text[s:e]
        if (n == 0 and _LEAD_IN.search(line)) or len(line) < 5:
            continue  # a lead-in like "主要表现在:" is not a point
        points.append(_Point(s, s, e, "", "paragraph"))
    return points


class Locator:
    """Where an offset of a parsed text lies: how extracted rows (metrics, measures) get their provenance.

    Built once per document from its section and item rows; each lookup takes logarithmic time, so a document's
    rows are placed in time linear in their number, however long the report. Call it with an offset.

    Parameters
    ----------
    sections : list of dict
        The document's section rows (``parse_rows``).
    items : list of dict
        The document's item rows.
    """

    def __init__(self, sections: list[dict], items: list[dict]) -> None:
        self._items = sorted(items, key=lambda r: r["start"])
        self._item_starts = [r["start"] for r in self._items]
        # by start, then level: the last one starting at or before an offset is the deepest candidate, and the
        # innermost section holding the offset is it or one of its ancestors (sections nest)
        self._sections = sorted(sections, key=lambda r: (r["start"], r["level"]))
        self._section_starts = [r["start"] for r in self._sections]
        self._by_id = {r["section_id"]: r for r in sections}

    def __call__(self, pos: int) -> tuple[dict | None, dict | None, str | None]:
        """The item and the innermost section holding offset ``pos`` (an empty section holds its start), and the
        part (the item's, else the section's)."""
        i = bisect_right(self._item_starts, pos) - 1
        item = self._items[i] if i >= 0 and pos < self._items[i]["end"] else None
        j = bisect_right(self._section_starts, pos) - 1
        sec = self._sections[j] if j >= 0 else None
        while sec is not None and not (pos < sec["end"] or pos == sec["start"]):
            sec = self._by_id.get(sec["parent_id"]) if sec["parent_id"] is not None else None
        part = item["part"] if item else (sec["part"] if sec else None)
        return item, sec, part


def parse_structure(text: str, doc_id: str = "", title: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Parse a cleaned report into (sections, items) DataFrames.

    Never raises on any input string.

    Parameters
    ----------
    text : str
        The cleaned text (one paragraph per line); all offsets are into it.
    doc_id : str, optional
        The report's id: section ids are ``{doc_id}-s{n}`` and item ids ``{doc_id}-i{n}``, in reading order.
    title : str, optional
        The report's title, if known: it becomes the heading of the preamble section.

    Returns
    -------
    sections : pandas.DataFrame
        The ``sections`` table of the report: one row per numbered heading (plus the preamble and a closing
        paragraph), with its parent, level, marker, heading (the lead phrase), canonical part and offsets.
    items : pandas.DataFrame
        The ``items`` table: one row per leaf point (an inline 一是… point, a numbered heading with no sub-points, or
        an unnumbered paragraph of a heading-only leaf section), with its section, part, marker, lead phrase
        (``title``), text, offsets and kind.
    """
    sec_rows, item_rows = parse_rows(text, doc_id, title)
    return pd.DataFrame(sec_rows, columns=SECTION_COLUMNS), pd.DataFrame(item_rows, columns=ITEM_COLUMNS)


def parse_rows(text: str, doc_id: str = "", title: str | None = None) -> tuple[list[dict], list[dict]]:
    """``parse_structure`` as lists of row dicts (cheaper when many documents are combined into one table).

    Parameters
    ----------
    text : str
        The cleaned text (one paragraph per line).
    doc_id : str, optional
        The report's id, prefix of the section and item ids.
    title : str, optional
        The report's title, if known: the heading of the preamble section.

    Returns
    -------
    sections : list of dict
        The section rows, with the columns of ``SECTION_COLUMNS``.
    items : list of dict
        The item rows, with the columns of ``ITEM_COLUMNS``.
    """
    lines = _lines(text)
    line_starts = [s for s, _ in lines]
    nodes = _find_headings(text, lines, title)
    last = nodes[-1] if nodes else None
    last_rest = text[last.marker_end: last.line_end] if last else ""
    last_heading_only = bool(last) and _split_heading(last_rest)[1] >= len(last_rest)
    closing = _closing_start(text, lines, last, keep_first=last_heading_only)
    end_of_body = closing if closing is not None else len(text)
    _build_tree(nodes, end_of_body)

    # heading text, own-body start and inline points of every node
    points_of: dict[int, list[_Point]] = {}
    for idx, node in enumerate(nodes):
        own_end = nodes[node.children[0]].start if node.children else node.end
        node.heading, body = _heading_and_body(text, node)
        points = find_enumeration(text, node.marker_end, own_end)
        first_stop = _LEAD_END.search(text, node.marker_end, node.line_end)
        if node.style != "bracket" and points and points[0].start < (first_stop.start() if first_stop
                                                                     else node.line_end):
            # the heading and its first point share one line: the heading ends where the point starts
            node.heading = text[node.marker_end: points[0].start].strip().rstrip("。,，:：")
            body = points[0].start
        node.body_start = body
        node.heading_only = text[body: node.line_end].strip() == ""
        points_of[idx] = points

    # parts: top-level by wording; children inherit, or choose among a mixed heading's parts (问题和下一步打算)
    seen_late = False
    for node in nodes:
        if node.parent is None:
            node.candidates = part_candidates(node.heading)
            node.part = classify_part(node.heading, after_problems_or_plans=seen_late)
            seen_late = seen_late or node.part in ("problems", "plans")
        else:
            parent = nodes[node.parent]
            node.candidates = parent.candidates
            node.part = parent.part
            own_all = part_candidates(node.heading)
            if len(parent.candidates) > 1:
                own = [p for p in own_all if p in parent.candidates]
                if own:
                    node.part = own[0]
                    node.candidates = (own[0],)
            elif own_all and own_all[0] in ("problems", "plans") and own_all[0] != parent.part:
                # （五）存在的不足 inside 一、2024年工作情况: a sub-section can open the problems or plans part
                node.part = own_all[0]
                node.candidates = (own_all[0],)

    sec_rows: list[dict] = []
    first = nodes[0].start if nodes else end_of_body
    if text[:first].strip():
        sec_rows.append(dict(marker="", heading=title or "", part="preamble", level=1, start=0,
                             end=_rstrip(text, 0, first), parent=None, node=None))
    for idx, node in enumerate(nodes):
        sec_rows.append(dict(marker=node.marker, heading=node.heading, part=node.part, level=node.level,
                             start=node.start, end=_rstrip(text, node.start, node.end), parent=node.parent, node=idx))
    if closing is not None and text[closing:].strip():
        sec_rows.append(dict(marker="", heading="", part="closing", level=1, start=closing,
                             end=_rstrip(text, closing, len(text)), parent=None, node=None))
    sec_rows.sort(key=lambda r: r["start"])
    sid_of_node = {}
    for n, r in enumerate(sec_rows):
        r["section_id"] = f"{doc_id}-s{n + 1:03d}"
        if r["node"] is not None:
            sid_of_node[r["node"]] = r["section_id"]
    for r in sec_rows:
        r["parent_id"] = sid_of_node.get(r["parent"]) if r["parent"] is not None else None
        r["doc_id"] = doc_id

    item_rows: list[dict] = []
    for idx, node in enumerate(nodes):
        points = list(points_of[idx])
        if not node.children and not points:
            points = _heading_points(text, node, lines, line_starts)
        for p in points:
            body = text[p.content_start: p.end].strip()
            if not body:
                continue
            title_ = node.heading if p.kind == "heading" else lead_phrase(body)
            item_rows.append(dict(doc_id=doc_id, section_id=sid_of_node[idx], part=node.part, marker=p.marker,
                                  title=title_, text=body, start=p.start, end=p.end, kind=p.kind))
    item_rows.sort(key=lambda r: r["start"])
    for n, r in enumerate(item_rows):
        r["item_id"] = f"{doc_id}-i{n + 1:03d}"

    return ([{k: r[k] for k in SECTION_COLUMNS} for r in sec_rows],
            [{k: r[k] for k in ITEM_COLUMNS} for r in item_rows])
