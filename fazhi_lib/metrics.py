"""Metrics: every reported quantity of a cleaned report as a row.

``extract_metrics`` scans a cleaned text for numbers followed by a unit or measure word (903件, 2.5万份, 318余万元,
99.1%, 三次, 两万余份), reads their value in the base unit, and says for each: whether it is approximate (余 多 近
约 左右), a bound (不少于/以上/至少/超过 → ``min``; 不超过/以下/以内 → ``max``), a target rather than an achievement
(stated in the plans part, or marked as future by 力争/计划/拟…), the year its clause attributes it to, whether it
is cumulative (累计, 三年来), the phrase it measures (``indicator``) and its canonical indicator, and the sentence
and character span it came from. A change (从88%提升至95%) gives two linked rows, a range (5-8名) two rows with
bounds.

Digits that are not quantities are left alone: ordinals and markers (一是, 1., 第一), years and dates (2024年度,
“12·4”), numerals inside names and slogans (“四议两公开”, 二十届三中全会, 综合查一次, 市委五届九次全会,
市委五次、六次全会), numbered political formulas also when unquoted (两个确立, 四个意识, 三个作用:
``vocab/formula_words.txt``), numeric codes of a plan (15336部署), anything inside quotes, 《》 titles or 〔〕 document
numbers, and value-one Chinese numerals used as an article (一批, 一次).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from itertools import pairwise
from operator import itemgetter

import pandas as pd

from fazhi_lib.indicators import canonical_indicator
from fazhi_lib.numerals import parse_number
from fazhi_lib.schema import METRIC_COLUMNS, frame
from fazhi_lib.structure import Locator
from fazhi_lib.textrules import LINE_SENTENCE_END, NAME_SPANS
from fazhi_lib.vocabulary import per_vocabulary, read_lines, read_rows, words_pattern

_COLUMN_VALUES = itemgetter(*METRIC_COLUMNS)  # every row holds every column by the time it is returned
_CN_NUM = "〇零一二两三四五六七八九十百千万亿"
_YEAR_WORD = re.compile(r"(?<![\d])((?:19|20)\d\d)(?:年|-|—|至)")
_SENT_END = LINE_SENTENCE_END
_CLAUSE_END = re.compile(r"[,，;；:：、。!?！？\n]")
_MASKED = NAME_SPANS  # numbers inside are names, titles, slogans or document numbers, never quantities
_APPROX_BEFORE = re.compile(r"(近|约|大约|将近|接近)$")
_MIN_BEFORE = re.compile(r"(不少于|不低于|不小于|至少|(?<!不)超过|(?<!不)多于|(?<!不)高于|逾|(?<!不)超)$")
_MAX_BEFORE = re.compile(r"(不超过|不多于|不高于|最多|少于|低于|不到)$")
_MIN_CLAUSE = re.compile(r"不少于|不低于|不小于|至少")
_MAX_CLAUSE = re.compile(r"不超过|不多于|不高于|最多")
_FUTURE = re.compile(r"力争|争取|(?<![草模虚])拟(?![制定稿])|预计|计划(?:于|在|到|年内|今年|明年|全年|\d)|目标(?:是|为)"
                     r"|到20\d\d年|预期")
_CUMULATIVE = re.compile(r"累计|总计|合计|共计|历年|[两二三四五六七八九十\d]年(?:来|以来|间|中)|近[两二三四五\d]年")
_SKIP_BEFORE = re.compile(r"(第|届|每|前|编号|序号|号|No\.?|[A-Za-z])$")
_NAME_AFTER = re.compile(r"小组|工作组|机制|模式|体系|工作法|制度|行动|规划|计划|攻坚|全会|全体会议|中全会|届"
                         r"|年来|年以来|年间|规定|原则|工程|标准|清单|要求|一体")
# 五次、六次全会 / 二中、三中全会: the items of a coordinated list share the word that follows the last one
_COORDINATED = re.compile(rf"(?:[、和及与](?:第)?[\d{_CN_NUM[:11]}两]+(?:次|中|届|个|项|批))+")
# a unit character that starts a word instead (推进15336部署要求): no unit
_UNIT_STARTS_WORD = re.compile(r"部署|条例|处理|处置|期间|所有|所属|次要|台账|批示|批准|批复")
_CHANGE_FROM = re.compile(r"(从|由)$")
_CHANGE_TO = re.compile(r"(提升|提高|增加|增长|上升|下降|降低|减少|降|升|增)?(至|到|为)$")
_MONEY_CONTEXT = re.compile(r"(损失|金额|资金|经费|投入|投资|补贴|补助|救助金|罚款|罚没|收入|奖金|工资|薪|费用"
                            r"|价款|赔偿|补偿|款项|款)"
                            r"[^,，;；。]{0,6}$")
_LEAD_WORDS = re.compile(r"^(?:其中|同时|并且|并|先后|已经|已|共计|共|合计|总计|累计|全年|今年以来|今年|年内|当年"
                         r"|年度|近年来|"
                         r"\d{4}(?:年)?(?:[-—至到]\d{4})?年(?:度)?(?:以来)?|[两二三四五\d]年(?:来|以来|间)|截至目前|截止目前"
                         r"|目前|现有|均|分别|又|再|还)+")
_TRAIL_WORDS = re.compile(r"(?:达到|达|为|约|近|共|计|累计|超过|不少于|不低于|至少|逾|总数|数量|人数|次数|分别|均"
                          r"|已|共计"
                          r"|从|由|有)+$")
_MARKER = re.compile(rf"^(?:\d{{1,2}}[.、．]|[(（]?[{_CN_NUM[:11]}]{{1,3}}[)）、]|[(（]\d{{1,2}}[)）]"
                     rf"|[{_CN_NUM[:11]}]{{1,3}}是|[①-⑳])")
_PAREN = re.compile(r"[(（][^()（）]{0,20}[)）]")
_TRAIL_NUMBER = re.compile(r"[\s\d.%\-—]+$")
_YEAR_RANGE_TAIL = re.compile(r"\s*(?:年?\s*)?(?:-|—|至|到|~)\s*(?:19|20)\d\d")
_YEAR_DIGITS = re.compile(r"(?:19|20)\d\d")
_YEAR_CN = re.compile(rf"[{_CN_NUM}]{{4}}")
_APPROX_BARE_BEFORE = re.compile(r"(近|上|逾|约)$")
_TAIL_END = re.compile(r"[,，;；。、:：\d]")
_RANGE_JOIN = re.compile(r"\s*(?:-|—|~|～|至|到)\s*")
_CHANGE_BREAK = re.compile(r"[,，;；。]")


@per_vocabulary
def unit_table() -> tuple[tuple[str, str], ...]:
    """(unit, unit_kind) pairs from ``vocab/units.csv``, longest unit first.

    Returns
    -------
    tuple of (str, str)
        Each unit (件, 人次, % …) with its kind (count, percent, money …), cached per vocabulary.
    """
    rows = [(r["unit"], r["unit_kind"]) for r in read_rows("units.csv")]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


@per_vocabulary
def _number_re() -> re.Pattern[str]:
    units = "|".join(re.escape(u) for u, _ in unit_table())
    # A Chinese numeral counts only with a unit after it (三次, 两万余份): without one it is part of a word (统一,
    # 一是, 三资), and leaving those to the regular expression engine spares a Python call for each.
    return re.compile(
        rf"(?P<num>\d[\d,]*(?:\.\d+)?|[{_CN_NUM}]+(?=(?:余|多)?(?:万|亿|千)?(?:余|多)?(?:{units})))"
        r"(?P<a1>余|多)?(?P<mult>万|亿|千)?(?P<a2>余|多)?"
        rf"(?P<unit>{units})?(?P<post>以上|以下|以内|左右|余|多)?"
    )


@per_vocabulary
def _quantity_re() -> re.Pattern[str]:
    units = "|".join(re.escape(u) for u, _ in unit_table())
    return re.compile(rf"(?<!\d)(?!(?:19|20)\d\d年)\d[\d,.]*(?:余|多)?(?:万|亿|千)?(?:余|多)?(?:{units})"
                      r"(?:以上|以下|以内|左右)?")


@per_vocabulary
def _unit_kinds() -> dict[str, str]:
    return dict(unit_table())


def _unit_kind(unit: str) -> str:
    return _unit_kinds().get(unit, "count")


def _masked_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _MASKED.finditer(text)]


def _inside(spans: list[tuple[int, int]], starts: list[int], pos: int) -> bool:
    i = bisect_right(starts, pos) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


@lru_cache(maxsize=8)
def _sentence_ends(text: str) -> tuple[int, ...]:
    # cached per text: every number of a document looks its sentence up here
    return tuple(m.end() for m in _SENT_END.finditer(text))


def _sentence_bounds(text: str, pos: int, heads: list[int] | None = None) -> tuple[int, int]:
    """(start, end) of the sentence holding ``pos``: it ends after 。!? and before a line break; a numbered heading
    (``heads``: their offsets) starts a new one, also where a page lost the line break after it."""
    ends = _sentence_ends(text)
    i = bisect_right(ends, pos)
    start = ends[i - 1] if i else 0
    if heads:
        j = bisect_right(heads, pos)
        start = max(start, heads[j - 1] if j else 0)
    end = ends[i] if i < len(ends) else len(text)
    if end > start and text[end - 1] == "\n":
        end -= 1
    return start, end


def _clause_start(text: str, lo: int, pos: int) -> int:
    """Start of the clause holding ``pos``; a list closed by 等 (学习A、B等20余次) belongs to one clause."""
    best = lo
    for m in _CLAUSE_END.finditer(text, lo, pos):
        best = m.end()
    if text[best:pos].rstrip().endswith("等") and text[best - 1: best] == "、":
        return max([lo] + [m.end() for m in _CLAUSE_END.finditer(text, lo, pos) if m.group() != "、"])
    return best


def clean_indicator(fragment: str) -> str:
    """The phrase a number measures, from the clause text before it.

    Masked titles and parentheses are dropped, text up to an earlier quantity of the clause is dropped (接待来访12批
    → 接待来访 for the 47人 that follows), leading time and connective words (全年, 2024年, 累计, 其中) and trailing
    verbs of degree (达, 为, 共) are stripped.

    Parameters
    ----------
    fragment : str
        The clause text before the number.

    Returns
    -------
    str
        The indicator phrase, at most its last 24 characters (empty when nothing is left).
    """
    frag = _PAREN.sub("", _MASKED.sub("", fragment)).replace(")", "").replace("）", "")
    pieces = [p for p in _quantity_re().split(frag) if len(p.strip()) >= 2]
    frag = pieces[-1] if pieces else ""
    frag = _TRAIL_NUMBER.sub("", frag)
    frag = _MARKER.sub("", frag)
    frag = _LEAD_WORDS.sub("", frag)
    frag = _TRAIL_WORDS.sub("", frag)
    return frag.strip(" ,，:：;；、等(（")[-24:]


def _year_of(text: str, sent_start: int, pos: int, masked: list[tuple[int, int]], mstarts: list[int]) -> int | None:
    """The year the number's sentence attributes it to: the nearest 20XX年 before it in the sentence (not a range)."""
    best = None
    range_end = -1
    for m in _YEAR_WORD.finditer(text, sent_start, pos):
        if _inside(masked, mstarts, m.start()) or m.start() < range_end:
            continue
        rng = _YEAR_RANGE_TAIL.match(text[m.end(1): m.end(1) + 8])
        if rng:
            best, range_end = None, m.end(1) + rng.end()  # a range: the number belongs to several years
            continue
        best = int(m.group(1))
    return best


def _is_year_or_date(text: str, m: re.Match[str]) -> bool:
    num, end = m.group("num"), m.end("num")
    after = text[end: end + 2]
    if _YEAR_DIGITS.fullmatch(num) and (after[:1] in ("年", "-", "—", "/", ".", "至") or not m.group("unit")):
        return True
    if _YEAR_CN.fullmatch(num) and after[:1] == "年":
        return True
    if after[:1] in ("月", "日", "号", "时", "点", "·", "・", "?", "/", ":", "：", "."):
        return True
    before = text[max(0, m.start() - 1): m.start()]
    return before in ("·", "・", "?", "/", ":", "：", ".", "-")


@per_vocabulary
def _formula_re() -> re.Pattern[str]:
    return re.compile(words_pattern(read_lines("formula_words.txt")))


def _is_name_or_formula(text: str, m: re.Match[str], unit: str) -> bool:
    """Whether the numeral and unit matched by ``m`` are part of a name or a numbered formula, not a quantity:
    五人小组, 三年行动计划, 十二届市委五次、六次全会 (the words after a coordinated list), 四个意识 and 两个确立 (see
    ``vocab/formula_words.txt``), and 15336部署 (部 starts a word)."""
    end = m.end()
    if _UNIT_STARTS_WORD.match(text, end - len(unit)):
        return True
    coordinated = _COORDINATED.match(text, end)
    after = end if coordinated is None else coordinated.end()
    if _NAME_AFTER.match(text, after, after + 4):
        return True
    return unit == "个" and bool(_formula_re().match(text, after))


def extract_metrics(text: str, doc_id: str = "", sections: list[dict] | None = None,
                    items: list[dict] | None = None) -> list[dict]:
    """Every reported quantity of a cleaned report, as row dicts with the columns of ``METRIC_COLUMNS``.

    Parameters
    ----------
    text : str
        The cleaned text of a report.
    doc_id : str, optional
        The report's id, given to every row and its ``metric_id``.
    sections, items : list of dict, optional
        The structure rows of the same text (``fazhi_lib.structure.parse_rows``); they give each quantity its item,
        section and part.

    Returns
    -------
    list of dict
        One row per quantity, with the columns of ``METRIC_COLUMNS``; offsets ``start``/``end`` point into ``text``.
    """
    sections = sections or []
    items = items or []
    masked = _masked_spans(text)
    mstarts = [s for s, _ in masked]
    heads = sorted(r["start"] for r in sections if r.get("marker"))
    rows: list[dict] = []
    consumed = 0
    for m in _number_re().finditer(text):
        if m.start() < consumed:
            continue  # the second number of a range already read
        found = _read_quantity(text, m, masked, mstarts, heads=heads)
        if found:
            rows.extend(found)
            consumed = max(r["end"] for r in found)
    _link_changes(text, rows)
    _place(rows, sections, items)
    for n, r in enumerate(rows):
        r["doc_id"] = doc_id
        r["metric_id"] = f"{doc_id}-m{n + 1:03d}"
    by_pos = {r["start"]: r["metric_id"] for r in rows}
    for r in rows:
        if r["linked_to"] is not None:
            r["linked_to"] = by_pos.get(r["linked_to"])
    return [dict(zip(METRIC_COLUMNS, _COLUMN_VALUES(r), strict=True)) for r in rows]


def _read_quantity(text: str, m: re.Match[str], masked: list[tuple[int, int]], mstarts: list[int],
                   in_range: bool = False, heads: list[int] | None = None) -> list[dict] | None:
    """The row(s) of the number matched by ``m``, or None when it is no quantity."""
    num, unit = m.group("num"), m.group("unit") or ""
    is_cn = not num[0].isdigit()
    if is_cn and not unit:
        return None  # most candidates: a Chinese numeral inside a word (统一, 一是, 三资)
    start = m.start()
    if _inside(masked, mstarts, start):
        return None
    before = text[max(0, start - 6): start]
    if not in_range:
        if start > 0 and (text[start - 1].isdigit() or (text[start - 1] in _CN_NUM and is_cn)):
            return None  # the tail of a longer number
        if _SKIP_BEFORE.search(before) or _is_year_or_date(text, m):
            return None
    bare = num in ("百", "千", "万") and bool(unit) and not before.endswith("数")
    approx_bare = bare and bool(m.group("a1") or m.group("post") in ("余", "多")
                                or _APPROX_BARE_BEFORE.search(before))
    if is_cn and not approx_bare:
        if not unit or num in ("一", "十百", "千", "万", "亿") or num.strip("万亿千百") == "":
            return None  # 一次, 一批: an article, not a count; 数千份: no number
        if unit in ("年", "天") or text[m.end(): m.end() + 1] in _CN_NUM:  # 三年行动, 三位一体, 五民五治
            return None
    if unit and _is_name_or_formula(text, m, unit):
        return None  # 五人小组, 三年行动计划, 四个意识, 五次、六次全会, 15336部署
    if unit == "年" and (not num.isdigit() or len(num) > 2):
        return None
    value = {"百": 100.0, "千": 1000.0, "万": 10000.0}[num] if approx_bare else parse_number(num)
    if value is None:
        return None
    mult = m.group("mult") or ""
    if mult:
        value *= {"万": 1e4, "亿": 1e8, "千": 1e3}[mult]
    if not unit and not (mult or m.group("a1") or m.group("a2")):
        return _range_rows(text, m, masked, mstarts, heads)  # a bare number: a quantity only as the low end of a range
    raw_end = m.end()
    kind = _unit_kind(unit) if unit else ""
    sent_start, sent_end = _sentence_bounds(text, start, heads)
    clause_start = _clause_start(text, sent_start, start)
    if not unit:
        if _MONEY_CONTEXT.search(text[clause_start:start]) and (mult or m.group("a1") or m.group("a2")):
            unit, kind = "元", "money"
        else:
            return _range_rows(text, m, masked, mstarts, heads)
    post = m.group("post") or ""
    approx = approx_bare or bool(m.group("a1") or m.group("a2") or post in ("余", "多", "左右")
                                 or _APPROX_BEFORE.search(before))
    fragment = text[clause_start:start]
    # 至少召开会议1次: a bound word may stand before the verb, as long as no other quantity comes between
    own = _quantity_re().split(fragment)[-1]
    bound = ""
    if post == "以上" or _MIN_BEFORE.search(before) or _MIN_CLAUSE.search(own):
        bound = "min"
    elif post in ("以下", "以内") or _MAX_BEFORE.search(before) or _MAX_CLAUSE.search(own):
        bound = "max"
    indicator = clean_indicator(fragment)
    if len(indicator) <= 2 or indicator[-1] in "和及与或":  # 配备6名专职人员: the noun comes after the unit
        tail = _TAIL_END.split(text[raw_end: raw_end + 12])[0]
        indicator = ((indicator if len(indicator) <= 2 else "") + tail)[:20]
    sentence = text[sent_start:sent_end].strip()
    row = dict(
        sentence=sentence, raw=text[start:raw_end], value=float(value), unit=unit, unit_kind=kind,
        approx=approx, bound=bound, future=bool(_FUTURE.search(text[sent_start:start])),
        year=_year_of(text, sent_start, start, masked, mstarts), indicator=indicator,
        cumulative=kind != "percent" and bool(_CUMULATIVE.search(text[sent_start:start])), start=start, end=raw_end,
        linked_to=None, role="", _clause=clause_start,
    )
    return [row]


def _range_rows(text: str, m: re.Match[str], masked: list[tuple[int, int]], mstarts: list[int],
                heads: list[int] | None = None) -> list[dict] | None:
    """5-8名, 16至45周岁: a number without unit joined by a dash or 至 to a number with one gives two rows."""
    conn = _RANGE_JOIN.match(text, m.end())
    if not conn:
        return None
    m2 = _number_re().match(text, conn.end())
    if not m2 or not m2.group("unit") or not m.group("num")[0].isdigit():
        return None
    high = _read_quantity(text, m2, masked, mstarts, in_range=True, heads=heads)
    low_value = parse_number(m.group("num"))
    if not high or low_value is None:
        return None
    hi = high[0]
    indicator = clean_indicator(text[hi["_clause"]: m.start()])
    low = dict(hi, raw=text[m.start(): m2.end()], value=float(low_value), bound="min", start=m.start(),
               end=m.end(), role="low", linked_to=hi["start"], indicator=indicator)
    hi.update(raw=text[m.start(): m2.end()], bound="max", role="high", linked_to=m.start(), indicator=indicator)
    return [low, hi]


def _link_changes(text: str, rows: list[dict]) -> None:
    """从88%提升至95%: link the two rows of a change (roles from/to)."""
    for a, b in pairwise(rows):
        if a["role"] or b["role"] or a["unit"] != b["unit"]:
            continue
        between = text[a["end"]: b["start"]]
        if len(between) > 8 or _CHANGE_BREAK.search(between):
            continue
        if _CHANGE_FROM.search(text[max(0, a["start"] - 2): a["start"]]) and _CHANGE_TO.search(between):
            a.update(role="from", linked_to=b["start"])
            b.update(role="to", linked_to=a["start"])
            b["indicator"] = a["indicator"]


def _place(rows: list[dict], sections: list[dict], items: list[dict]) -> None:
    """Give each row its item, innermost section, part and target flag."""
    locate = Locator(sections, items)
    for r in rows:
        pos = r["start"]
        item, sec, r["part"] = locate(pos)
        r["item_id"] = item["item_id"] if item else None
        r["section_id"] = sec["section_id"] if sec else None
        # a goal, not an achievement: stated in the plans part, or marked as future elsewhere
        r["target"] = r["part"] == "plans" or r.pop("future")
        r.pop("_clause", None)
        r["canonical_indicator"] = canonical_indicator(r["indicator"], context=r["sentence"],
                                                       unit_kind=r["unit_kind"], unit=r["unit"])


def metrics_frame(rows: list[dict]) -> pd.DataFrame:
    """Metric rows as a DataFrame with stable dtypes (year as nullable Int64).

    Parameters
    ----------
    rows : list of dict
        Rows of ``extract_metrics``.

    Returns
    -------
    pandas.DataFrame
        The ``metrics`` table: one row per quantity, its columns in order.
    """
    return frame("metrics", rows)
