"""Report metadata: title, jurisdiction, administrative level, region and the period reported.

Rule-of-law reports (法治政府建设年度报告) rarely carry structured metadata, so it is inferred from the
evidence at hand, best first:

1. the title (given, or found among the first lines of the text with :func:`fazhi_lib.names.find_title`);
2. web-page fields removed by the cleaner (``extra``: 发布机构, 发布单位, 来源, ArticleTitle, ...);
3. the opening sentences of the report ("2024年,大安街道全面贯彻…", "现将我镇…").

A researcher's own table (:func:`read_metadata_csv`) overrides what was inferred (:func:`apply_overrides`).

Output fields (``FIELDS``):

``title``
    the report's title or None.
``jurisdiction``
    the lowest unit that issues the report, without the organ words 人民政府/办事处/党委
    (大安街道, 三湖镇, 静海区, 栗子乡); an office inside a government's name is the office's unit
    (重庆市永川区人民政府大安街道办事处 -> 大安街道). For a department, its full name including the unit it
    belongs to (环翠区卫生健康局, 酉阳土家族苗族自治县林业局); a department named by its level alone takes
    its place from the same department named with it, the addressee, the title or the text (区司法局 ->
    綦江区司法局; 市市场监管局 addressed to 乳山市委、乳山市人民政府 -> 乳山市市场监管局); a department named
    without a place stays as written (教育局). A report naming its unit only by its short name (法治青海,
    巴州党委: ``vocab/place_short_names.csv``) or only in the titles of the plans it cites
    (《2024年度建安区法治政府建设工作要点》) gets that unit.
``admin_level``
    one of 省 市 区 县 街道 镇 乡 部门 (``ADMIN_LEVELS``). Other unit types are mapped in
    ``vocab/admin_units.csv``: 自治区/特别行政区 -> 省; 自治州/地区/盟 -> 市; 新区/开发区/林区/特区 -> 区;
    自治县/旗/自治旗 -> 县; 街道办事处 -> 街道; 民族乡/苏木/民族苏木 -> 乡; 县级市 -> 市.
    When no name is found, the level may still come from how the report speaks of itself (我镇, 本街道, 我局).
``region``
    the chain of higher units named right before the jurisdiction (重庆市永川区 for
    重庆市永川区大安街道办事处; 威海市 for 威海市环翠区卫生健康局), else None.
``year_start``, ``year_end``
    the period reported (ints): '2022年至2024年' -> 2022, 2024; '2024年度' -> 2024, 2024;
    '2021年以来' -> 2021, 2021 (2021, 2023 when the opening also says 三年来).

The word lists live in ``fazhi_lib/vocab/`` (admin_units.csv, departments.csv, non_place_words.csv,
places.csv, place_short_names.csv) so that researchers can read and extend them. All functions are pure.
"""

from __future__ import annotations

import functools
import io
import itertools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from fazhi_lib.names import (
    ADMIN_LEVELS,
    DEPARTMENT,
    LEVEL_CHAR,
    LEVEL_RANK,
    WEB_FIELD_LINE,
    YEAR,
    NamesVocab,
    Unit,
    covered_by_word,
    is_org_line,
    is_title_line,
    names_vocab,
    nfkc,
    orgs_in_label,
    orgs_in_title,
    parse_org,
    title_candidates,
    unit_ending_at,
)
from fazhi_lib.numerals import year_number
from fazhi_lib.textrules import mask_brackets as _mask

__all__ = [
    "ADMIN_LEVELS",
    "FIELDS",
    "apply_overrides",
    "infer_metadata",
    "read_metadata_csv",
]

FIELDS = ("title", "jurisdiction", "admin_level", "region", "year_start", "year_end")
_YEAR_MIN, _YEAR_MAX = 1990, 2100

# ---------------------------------------------------------------------------------------------------------
# years
# ---------------------------------------------------------------------------------------------------------

_YEAR_RE = re.compile(
    rf"(?<![\d〇零○一二三四五六七八九])(?P<a>{YEAR})\s*(?:年度?\s*)?"
    rf"(?:(?:至|到|—+|–|-|~|〜|一)\s*(?P<b>{YEAR})\s*)?年(?P<du>度)?"
)
_DATE_AFTER = re.compile(r"\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*月")
_WHOLE_YEAR = re.compile(r"\s*(?:1|一)\s*月(?:\s*(?:1|一)\s*日)?\s*(?:至|到|-|—+|~)\s*(?:12|十二)\s*月")
_PLAN_AFTER = re.compile(r"[^,.;:。;:!?\n]{0,10}?(?:思路|计划|打算|安排|展望|设想|谋划)")
_DOC_AFTER = re.compile(r"[^,.;:。;:!?\n]{0,12}?(?:纲要|规划|方案|意见)")
_DOC_BEFORE = re.compile(r"(?:纲要|规划|方案|意见)[^,.;:。;:!?\n]{0,4}$")
_SINCE_AFTER = re.compile(r"\s*(?:以来|至今|来)")
_N_YEARS = re.compile(
    r"(?<![\d〇零○一二三四五六七八九十])(?:近|这|过去)?([两二三四五2-5])\s*年(?:来|以来|间)"
)


def _year_value(tok: str) -> int | None:
    y = year_number(tok)
    return y if y is not None and _YEAR_MIN <= y <= _YEAR_MAX else None


@dataclass(frozen=True)
class _YearMention:
    start: int
    end: int
    pos: int
    since: bool


def _year_mentions(s: str) -> list[_YearMention]:
    """Year expressions in s that name a period (not a date, a plan year or a target year), in order."""
    out = []
    for m in _YEAR_RE.finditer(s):
        a = _year_value(m.group("a"))
        b = _year_value(m.group("b")) if m.group("b") else a
        if a is None or b is None:
            continue
        if m.group("b") and not (a <= b <= a + 10):
            continue
        tail = s[m.end():m.end() + 16]
        if not m.group("b") and not m.group("du") and _DATE_AFTER.match(tail) and not _WHOLE_YEAR.match(tail):
            continue  # 2019年10月31日 (but 2023年1月至12月 is the year 2023)
        head = s[max(0, m.start() - 12):m.start()]
        if _PLAN_AFTER.match(tail) or (m.group("b") and (_DOC_AFTER.match(tail) or _DOC_BEFORE.search(head))):
            continue  # 2025年度工作思路 / 2025年工作计划 / 法治政府建设实施纲要2021—2025年 (unbracketed)
        before = s[max(0, m.start() - 2):m.start()].rstrip()
        if before.endswith(("到", "至")) and not before.endswith("截至"):
            continue  # 到2035年 (a target)
        out.append(_YearMention(a, b, m.start(), bool(_SINCE_AFTER.match(tail)) and not m.group("b")))
    return out


def _period_from_title(title: str) -> tuple[int, int] | None:
    ys = _year_mentions(_mask(nfkc(title), (("《", "》"), ("〈", "〉"), ("<", ">"))))
    return (ys[0].start, ys[0].end) if ys else None


def _period_from_text(opening: str) -> tuple[int, int] | None:
    masked = _mask(opening)
    ys = _year_mentions(masked)
    if not ys:
        return None
    first = ys[0]
    # Only the opening paragraph speaks of the report's period; later paragraphs describe the work.
    para_end = masked.find("\n", first.pos)
    para_end = len(masked) if para_end < 0 else para_end
    # an explicit range there (现将2020年至2022年…情况报告如下) outranks "2020年以来"
    ranges = [y for y in ys if y.end != y.start and y.pos < para_end]
    if ranges:
        return ranges[0].start, ranges[0].end
    if first.since:
        m = _N_YEARS.search(masked, first.pos, para_end)
        if m:
            n = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5}.get(m.group(1)) or int(m.group(1))
            if first.start + n - 1 <= _YEAR_MAX:
                return first.start, first.start + n - 1
    return first.start, first.end


# ---------------------------------------------------------------------------------------------------------
# the report's opening
# ---------------------------------------------------------------------------------------------------------

_FIELD_RE = re.compile(
    r"(?P<key>发布机构|发布单位|发文机关|发文机构|制发机构|发文单位|发布部门|文章来源|信息来源|来源)"
    r"(?:\s*[\]】|:：]){0,3}\s*(?P<val>[\u3400-\u9fff〇][^\s\[\]【】|:：]{1,40})"
)
_ADDRESSEE = re.compile(r"^[^。.;:!?]{2,60}[:：]\s*$")


@dataclass(frozen=True)
class _Opening:
    body: str  # the report without title, junk and addressee lines
    fields: tuple[tuple[str, str], ...]  # web-page fields still in the text
    header: tuple[str, ...]  # title-like or organisation-only lines above the body (a split title)
    addressee: tuple[str, ...] = ()  # 乳山市委、乳山市人民政府: (whom the report is sent to)


# a field's name alone on its line, its value on the next (发布机构: / 某某县某某局)
_FIELD_KEY_LINE = re.compile(r"^[\[【|•·\-\s]*(?P<key>发布机构|发布单位|发文机关|发文机构|制发机构|发文单位|发布部门"
                             r"|文章来源|信息来源|来源)\s*[\]】|]?\s*[:：]?\s*[|]?\s*$")


def _opening(lines: list[str], skip: set[int]) -> _Opening:
    body, fields, header, addressee = [], [], [], []
    key = None
    for i, raw in enumerate(lines):
        line = nfkc(raw).strip()
        if not line or i in skip:
            continue
        if key is not None and not body and len(line) <= 40 and not re.search(r"[,.;:。;:!?]", line):
            fields.append((key, line))  # the value of a field named alone on the line before
            key = None
            continue
        key = None
        if not body and (m := _FIELD_KEY_LINE.match(line)) is not None:
            key = m.group("key")
            continue
        if len(line) <= 120 and WEB_FIELD_LINE.search(line):
            fields.extend((m.group("key"), m.group("val")) for m in _FIELD_RE.finditer(line))
            continue
        if not body and _ADDRESSEE.match(line) and "报告" not in line and "如下" not in line:
            addressee.append(line)  # 县委、县政府: / 山丹县人民政府: (whom the report is sent to)
            continue
        if not body and (is_title_line(line) or is_org_line(line)):
            header.append(line)  # (a copy of) the title, possibly split over lines
            continue
        body.append(line)
    return _Opening("\n".join(body), tuple(fields), tuple(header), tuple(addressee))


_SUBJECT_BEFORE = re.compile(rf"(?:^|[\n,;:。!?])\s*$|{YEAR}\s*年度?\s*(?:以来)?\s*,?\s*$")
_SUPERIOR_AFTER = re.compile(r"委(?!员)|人民政府|政府")
_SUPERIOR_BEFORE = re.compile(r"(?:在|向|按照|根据|经|由)\s*$")


@dataclass
class _Cand:
    unit: Unit
    first_pos: int
    subject: int = 0
    first_subject: bool = False
    superior: int = 0
    mentions: int = 0
    short: bool = False  # found by its short name only (青海 for 青海省)


_BARE_ORGAN_SUBJECT = re.compile(
    rf"(?:^|[\n,;:。!?]|{YEAR}\s*年度?(?:以来)?,?)\s*(省|市|区|县|旗|街道|镇|乡)(?:人民政府|政府|办事处)(?![,、])"
)


def _cue_level(body: str, v: NamesVocab) -> str | None:
    """The level the report speaks of itself at, or None.

    我镇/本街道/我局 (the most specific level so named wins: a town report may also say 我县), else the level
    of 全镇 (1 point) / 镇党委, 街道党工委, 局党组, 局机关, "2022年,县政府…" (2 points) when one level
    leads with 2 points or more."""
    strong: dict[str, int] = {}
    weak: dict[str, int] = {}
    admin = [(s, lvl) for s, lvl, _ in v.admin]
    for suffix, level in admin:
        if n := body.count("我" + suffix) + body.count("本" + suffix):
            strong[level] = strong.get(level, 0) + n
        n = body.count("全" + suffix) + 2 * (body.count(suffix + "党委") + body.count(suffix + "党工委"))
        if n:
            weak[level] = weak.get(level, 0) + n
    for suffix in ("局", "委", "厅", "中心"):
        if n := body.count("我" + suffix) + body.count("本" + suffix):
            strong[DEPARTMENT] = strong.get(DEPARTMENT, 0) + n
        n = 2 * sum(body.count(suffix + w) for w in ("党组", "党委", "机关", "领导班子"))
        if n:
            weak[DEPARTMENT] = weak.get(DEPARTMENT, 0) + n
    if strong:
        return max(strong, key=lambda lvl: (LEVEL_RANK[lvl], strong[lvl], -ADMIN_LEVELS.index(lvl)))
    for m in _BARE_ORGAN_SUBJECT.finditer(body):  # "2022年,县人民政府坚持…": the report's own government
        level = dict(admin).get(m.group(1))
        if level:
            weak[level] = weak.get(level, 0) + 2
    if weak:
        top = max(weak.values())
        leaders = sorted(lvl for lvl, n in weak.items() if n == top)
        if top >= 2 and len(leaders) == 1:
            return leaders[0]
    return None


def _text_candidates(body: str, v: NamesVocab) -> list[_Cand]:
    masked = _mask(body)
    opening = masked[:1500]
    first_sentence_end = min([i for i in (opening.find("。"), 400) if i >= 0])
    found = (unit_ending_at(opening, m.end(), v, text=True) for m in v.suffix_re.finditer(opening))
    units = [u for u in found if u is not None]
    # 西峡县 in 西峡县莲花街道 is the region of a longer mention, not a mention of its own
    units = [
        u for u in units
        if not any(w is not u and w.chain_start <= u.chain_start and u.end < w.end for w in units)
    ]
    cands: dict[str, _Cand] = {}
    taken = False
    for unit in units:
        c = cands.get(unit.name)
        if c is None:
            c = cands[unit.name] = _Cand(unit, unit.chain_start)
        elif len(unit.chain) > len(c.unit.chain):
            c.unit = unit
        c.mentions += 1
        before = opening[max(0, unit.chain_start - 12):unit.chain_start]
        if _SUBJECT_BEFORE.search(before):
            c.subject += 1
            if unit.chain_start < first_sentence_end and not taken:
                c.first_subject = taken = True
        after = opening[unit.end:unit.end + 4]
        if _SUPERIOR_AFTER.match(after) and _SUPERIOR_BEFORE.search(
            opening[max(0, unit.chain_start - 3):unit.chain_start]
        ):
            c.superior += 1
    # a name found with a verb stuck in front (组织三湖镇) joins the shorter name found elsewhere (三湖镇); but a
    # department named by its level alone (区司法局) is the one named with its place (綦江区司法局)
    for name in sorted(cands, key=len, reverse=True):
        c = cands.get(name)
        for k in range(1, len(name) - 2):
            short = cands.get(name[k:]) if c is not None else None
            if short is None or short.unit.level != c.unit.level:
                continue
            if _level_named(short.unit, v):
                _merge_cand(c, short)
                del cands[short.unit.name]
            else:
                _merge_cand(short, c)
                del cands[name]
            break
    _add_short_names(cands, body[:1500], first_sentence_end, v)
    return list(cands.values())


def _merge_cand(into: _Cand, other: _Cand) -> None:
    into.mentions += other.mentions
    into.subject += other.subject
    into.first_subject = into.first_subject or other.first_subject
    into.first_pos = min(into.first_pos, other.first_pos)


def _add_short_names(cands: dict[str, _Cand], opening: str, first_sentence_end: int, v: NamesVocab) -> None:
    """Units a report names by their short name (法治青海, 考察青海, 巴州党委): candidates under their full name.

    A short name inside a document's title (《…青海…》) or starting the full name (青海省) is not counted."""
    if v.short_re is None:
        return
    titles = _mask(opening, (("《", "》"),))
    taken = any(c.first_subject for c in cands.values())
    for m in v.short_re.finditer(opening):
        full = v.short_names[m.group()]
        if opening.startswith(full, m.start()) or titles[m.start()] == "□":
            continue
        c = cands.get(full)
        if c is None:
            unit = Unit(full, v.places[full], m.start(), m.end(), (), m.start(), len(full) - 1)
            c = cands[full] = _Cand(unit, m.start(), short=True)
        c.mentions += 1
        if _SUBJECT_BEFORE.search(opening[max(0, m.start() - 12):m.start()]):
            c.subject += 1
            if m.start() < first_sentence_end and not taken:
                c.first_subject = taken = True


def _level_named(unit: Unit, v: NamesVocab) -> bool:
    """A department named by its level alone: 市司法局, 区城市管理局, 市市场监管局 (not 市场监督管理局)."""
    name = unit.name
    return (unit.level == DEPARTMENT and not unit.chain and len(name) >= 4 and name[0] in LEVEL_CHAR
            and not covered_by_word(name, 0, v))


_DOC_TITLE = re.compile(r"《([^《》\n]{2,80})》")


def _unit_in_document_titles(opening: str, level: str | None, v: NamesVocab) -> Unit | None:
    """The unit of ``level`` most often named in the titles of the documents an opening cites (《2024年度建安区法治
    政府建设工作要点》): a report that names itself nowhere else names its own plans so."""
    if level is None:
        return None
    counts: dict[str, tuple[int, Unit]] = {}
    for m in _DOC_TITLE.finditer(opening):
        for unit in orgs_in_label(m.group(1)):
            if unit.level == level:
                n, _ = counts.get(unit.name, (0, unit))
                counts[unit.name] = (n + 1, unit)
    return max(counts.values(), key=lambda t: t[0])[1] if counts else None


def _best_text_unit(body: str, v: NamesVocab) -> tuple[Unit | None, str | None, bool]:
    """(unit, level, strong) inferred from the opening; level may come from self-reference alone."""
    if not body.strip():
        return None, None, False
    cue_level = _cue_level(body[:3000], v)
    full = _mask(body)
    best, best_score = None, -math.inf
    for c in _text_candidates(body, v):
        if c.short and cue_level and c.unit.level != cue_level:
            continue  # a town's report quoting its province (考察江苏重要讲话精神)
        is_dept = c.unit.level == DEPARTMENT
        if is_dept and not (c.first_subject or (cue_level == DEPARTMENT and c.subject)):
            continue
        count = max(full.count(c.unit.name), c.mentions)
        score = min(count, 8) + (6 if c.first_subject else 0) + (2 if c.subject else 0)
        score += 4 if cue_level == c.unit.level else 0
        if c.superior and c.superior >= c.mentions:
            score -= 4
        if count < 2 and not c.subject:
            score -= 3
        key = (score, -c.first_pos)
        if best is None or key > (best_score, -best.first_pos):
            best, best_score = c, score
    if best is None or (cue_level and best.unit.level != cue_level and not best.first_subject):
        unit = _unit_in_document_titles(body[:1500], cue_level, v)
        return unit, cue_level, False
    strong = best.first_subject or best_score >= 8
    return best.unit, best.unit.level, strong


# ---------------------------------------------------------------------------------------------------------
# infer_metadata
# ---------------------------------------------------------------------------------------------------------

_TITLE_KEYS = ("articletitle", "title", "标题", "文章标题", "题名")
_ORG_KEYS = (
    "发布机构", "发布单位", "发文机关", "发文机构", "制发机构", "发文单位", "发布部门", "成文单位",
    "所属机构",
    "issuing_body", "publisher", "机构",
)
_WEAK_KEYS = ("来源", "文章来源", "信息来源", "来源单位", "source")


_KEY_JUNK = re.compile(r"[\s\[\]【】:：]")


@functools.lru_cache(maxsize=1024)  # the same few field names on every page
def _key(k: str) -> str:
    return _KEY_JUNK.sub("", str(k)).lower()


def _clean_value(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    s = str(v).strip()
    return s or None


def _title_from_text(lines: list[str]) -> tuple[str | None, set[int]]:
    """The title found in the text (joined when split over lines) and the indexes of the lines it takes.

    A title may be split after its issuing unit ("广元市人力资源和社会保障局" / "2023年法治政府建设工作年度报告":
    the candidate with the unit's line above it is preferred over a copy without it) or inside its words
    ("…关于2023年度法治政府建设" / "工作的报告")."""
    candidates = title_candidates(lines, max_lines=40)
    if not candidates:
        return _title_split_in_words(lines)
    with_unit = next((i for i in candidates if orgs_in_title(lines[i])), None)
    if with_unit is not None:
        return nfkc(lines[with_unit]).strip(), {with_unit}
    for idx in candidates:
        above = _org_line_above(lines, idx)
        if above is not None:
            return nfkc(lines[above]).strip() + nfkc(lines[idx]).strip(), {above, idx}
    return nfkc(lines[candidates[0]]).strip(), {candidates[0]}


def _org_line_above(lines: list[str], idx: int) -> int | None:
    """The line naming the issuing unit right above a title line (web fields may stand between), or None."""
    above = [i for i in range(idx - 1, max(-1, idx - 6), -1) if lines[i].strip()]
    above = [i for i in above if not WEB_FIELD_LINE.search(nfkc(lines[i]))][:1]
    return above[0] if above and is_org_line(lines[above[0]]) else None


_TITLE_TAIL = re.compile(r"^[^,.;:。;:!?]{1,20}(?:报告|总结)$")


def _title_split_in_words(lines: list[str], max_lines: int = 10) -> tuple[str | None, set[int]]:
    """A title broken inside its words over two short lines, the second ending it (…法治政府建设 / 工作的报告)."""
    near = [i for i, ln in enumerate(lines) if ln.strip()][:max_lines]
    for a, b in itertools.pairwise(near):
        first, second = nfkc(lines[a]).strip(), nfkc(lines[b]).strip()
        if (len(first) <= 50 and not re.search(r"[,.;:。;:!?]", first) and _TITLE_TAIL.match(second)
                and is_title_line(first + second)):
            return first + second, {a, b}
    return None, set()


def _best_title_unit(title: str | None) -> Unit | None:
    if not title:
        return None
    units = orgs_in_title(title)
    if not units:
        return None
    # 中共大马营镇委员会 大马营镇人民政府: the same unit twice; keep the one with the longest chain
    first = units[0]
    same = [u for u in units if u.name == first.name]
    return max(same, key=lambda u: len(u.chain))


_BARE_ORGAN = re.compile(r"^(?:中共)?(省|市|区|县|旗|街道|镇|乡)(?:人民政府|政府|办事处|委员会|党委|党工委)")


def _bare_level(title: str) -> str | None:
    """The level of an organ named without its place (市人民政府关于…的报告 -> 市), or None."""
    v = names_vocab()
    for seg in re.split(r"[^\u3400-\u9fff〇]+|关于", nfkc(title)):
        m = _BARE_ORGAN.match(seg)
        if m:
            return dict((s, lvl) for s, lvl, _ in v.admin).get(m.group(1))
    return None


def _enrich(unit: Unit, others: list[Unit | None]) -> Unit:
    """Take a longer chain of higher units from another source naming the same jurisdiction."""
    best = unit
    for o in others:
        if o is not None and o.name == unit.name and len(o.chain) > len(best.chain):
            best = o
    return best


def _with_host(dept: Unit, units: list[Unit]) -> Unit:
    """A department named by its level alone (市市场监管局) with the first unit of that level among ``units``
    (乳山市 from the addressee 乳山市委、乳山市人民政府) as its host: 乳山市市场监管局."""
    level = LEVEL_CHAR[dept.name[0]]
    host = next((u for u in units if u.level == level and u.name.endswith(dept.name[0])), None)
    if host is None:
        return dept
    return Unit(host.name + dept.name[1:], DEPARTMENT, dept.start, dept.end, host.chain, host.chain_start,
                dept.stem_len)


def _text_units_of_level(opening: str, level: str, v: NamesVocab) -> list[Unit]:
    """Units of ``level`` named in the opening, the most mentioned first."""
    counts: dict[str, list[Unit]] = {}
    masked = _mask(opening)
    for m in v.suffix_re.finditer(masked):
        u = unit_ending_at(masked, m.end(), v, text=True)
        if u is not None and u.level == level:
            counts.setdefault(u.name, []).append(u)
    return [us[0] for us in sorted(counts.values(), key=len, reverse=True)]


def _text_units_named(body: str, name: str, v: NamesVocab) -> list[Unit]:
    out = []
    masked = _mask(body)
    for m in re.finditer(re.escape(name), masked):
        u = unit_ending_at(masked, m.end(), v, text=True)
        if u is not None and u.name == name:
            out.append(u)
    return out


def infer_metadata(text: str, title: str | None = None, extra: dict[str, str] | None = None) -> dict:
    """Infer a report's metadata from its cleaned text, its title and extra hints.

    Evidence is weighed title first, then web fields, then the opening sentences; a name repeated in the text beats
    one seen once.

    Parameters
    ----------
    text : str
        The cleaned report text (lines separated by newlines; may still hold web-page junk lines).
    title : str, optional
        The report's title if the caller knows it, else None (then a title line is looked for in the text with
        :func:`fazhi_lib.names.find_title`, then in ``extra`` under ArticleTitle/title/标题).
    extra : dict, optional
        Other hints, e.g. web-page fields removed by the cleaner
        ``{"发布机构": "丰都县栗子乡人民政府", "来源": "天心区坡子街街道", "ArticleTitle": "..."}``. Issuing-body
        fields (发布机构, 发布单位, 发文机关 ...) outrank the text; 来源 is weaker (it often names the office that
        posted the page, like 司法局).

    Returns
    -------
    dict
        ``{"title", "jurisdiction", "admin_level", "region", "year_start", "year_end"}`` (see the module
        docstring); a value not found is None.
    """
    v = names_vocab()
    lines = (text or "").splitlines()
    hints = {_key(k): val for k, val in (extra or {}).items() if _clean_value(val)}
    given_title = _clean_value(title)
    if given_title:
        given_title = re.sub(r"\s*\n\s*", "", given_title)
    found_title, used = _title_from_text(lines)  # the title line(s) are left out of the body
    extra_title = next((_clean_value(hints[k]) for k in _TITLE_KEYS if k in hints), None)
    out_title = given_title or found_title or extra_title
    if given_title and found_title and found_title != given_title and found_title.endswith(given_title):
        out_title = found_title  # the caller gave the year line of a title split over two lines
    opening = _opening(lines, used)
    for k, val in opening.fields:  # fields a cleaner left in the text count as weak hints
        hints.setdefault(_key(k), val)

    title_units = [_best_title_unit(t) for t in (given_title, found_title, extra_title, *opening.header)]
    strong_units = [parse_org(str(hints[k])) for k in map(_key, _ORG_KEYS) if k in hints]
    weak_units = [parse_org(str(hints[k])) for k in map(_key, _WEAK_KEYS) if k in hints]
    # a weak field naming a place (天心区坡子街街道) is as good as a strong one; a bare office (司法局) is not
    strong_units += [u for u in weak_units if u is not None and (u.level != DEPARTMENT or u.chain)]
    unit: Unit | None = next((u for u in title_units if u is not None), None)
    text_unit, text_level = None, None
    if unit is None:  # the text is read only when no title names the unit (it is the costly part)
        text_unit, text_level, text_strong = _best_text_unit(opening.body, v)
        web = next((u for u in strong_units if u is not None), None)
        if web is not None and text_unit is not None and text_strong and text_unit.name != web.name and (
            (LEVEL_RANK[text_unit.level] > LEVEL_RANK[web.level] and web.level != DEPARTMENT)
            or (web.level == DEPARTMENT and text_unit.level != DEPARTMENT and text_level != DEPARTMENT)
        ):
            unit = text_unit  # a town's report posted by its county or its 司法局 (发布机构: 将乐县人民政府)
        else:
            unit = web
    if unit is None:
        unit = text_unit
    if unit is None:
        unit = next((u for u in weak_units if u is not None), None)

    if unit is not None and _level_named(unit, v):
        hosts = [u for t in (*opening.addressee, given_title, found_title, extra_title) if t
                 for u in orgs_in_title(t)] + [u for u in (*strong_units, *weak_units) if u is not None]
        unit = _with_host(unit, hosts + _text_units_of_level(opening.body[:1500], LEVEL_CHAR[unit.name[0]], v))

    jurisdiction = region = None
    titles = (given_title, found_title, extra_title)
    level = next((lvl for t in titles if t and (lvl := _bare_level(t))), None) or text_level
    if unit is not None:
        others = [*title_units, *strong_units, *weak_units, text_unit]
        if opening.body:
            others += _text_units_named(opening.body[:3000], unit.name, v)
        unit = _enrich(unit, others)
        jurisdiction, level, region = unit.name, unit.level, unit.region

    period = None
    for t in (given_title, found_title, extra_title, *opening.header):
        if t and (period := _period_from_title(t)):
            break
    if period is None and opening.body:
        period = _period_from_text(opening.body[:1500])
    return {
        "title": nfkc(out_title).strip() if out_title else None,
        "jurisdiction": jurisdiction,
        "admin_level": level,
        "region": region,
        "year_start": period[0] if period else None,
        "year_end": period[1] if period else None,
    }


# ---------------------------------------------------------------------------------------------------------
# researcher's metadata table and overrides
# ---------------------------------------------------------------------------------------------------------

_KEY_ALIASES = ("file_name", "file", "filename", "文件名")
_YEAR_FIELDS = ("year_start", "year_end")


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030")


def _to_year(value: Any, where: str) -> int | None:
    s = _clean_value(value)
    if s is None:
        return None
    m = re.fullmatch(r"\s*(\d{4})(?:\.0+)?\s*年?\s*", nfkc(s))
    y = int(m.group(1)) if m else None
    if y is None:
        ys = _year_mentions(nfkc(s) + ("" if s.endswith("年") else "年"))
        y = ys[0].start if ys else None
    if y is None or not _YEAR_MIN <= y <= _YEAR_MAX:
        raise ValueError(f"{where}: {s!r} is not a year between {_YEAR_MIN} and {_YEAR_MAX}")
    return y


def read_metadata_csv(path: str | Path) -> pd.DataFrame:
    """Read a researcher's metadata table (one row per input file).

    Parameters
    ----------
    path : str or pathlib.Path
        A CSV file encoded as UTF-8 (with or without BOM) or GB18030 (Excel on Chinese Windows), comma-, semicolon-
        or tab-separated. Its key column is ``file_name`` (``file``, ``filename`` or ``文件名`` are accepted): the
        input file's name (any folder part is dropped). Other columns are among title, jurisdiction, admin_level,
        region, year_start, year_end, panel (the key linking a jurisdiction's reports across years, see
        ``fazhi_lib.panels``), plus any others (kept).

    Returns
    -------
    pandas.DataFrame
        Column ``file_name`` first, one row per file name, all values as strings or None except
        ``year_start``/``year_end`` (nullable Int64). Rows with an empty file name are dropped.

    Raises
    ------
    ValueError
        When the key column is missing, file names repeat, or a year cell is not a year.
    """
    text = _decode(Path(path).read_bytes())
    first = text.split("\n", 1)[0]
    sep = max((",", ";", "\t"), key=first.count)
    df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skipinitialspace=True)
    df.columns = [str(c).strip().lstrip("\ufeff").strip() for c in df.columns]
    canon = {c: re.sub(r"[\s\-]+", "_", c.lower()) for c in df.columns}
    key = next((c for a in _KEY_ALIASES for c in df.columns if canon[c] == a), None)
    if key is None:
        raise ValueError(
            f"{path}: no file-name column; expected one of {', '.join(_KEY_ALIASES)}; "
            f"found {list(df.columns)}"
        )
    df = df.rename(columns={c: canon[c] for c in df.columns if canon[c] in (*FIELDS, "panel")})
    df = df.rename(columns={key: "file_name"})
    df = df.astype(object).map(lambda x: x.strip() if isinstance(x, str) else x)
    df["file_name"] = [Path(n.replace("\\", "/")).name if n else "" for n in df["file_name"]]
    df = df[df["file_name"] != ""].reset_index(drop=True)
    dup = sorted(set(df.loc[df["file_name"].duplicated(), "file_name"]))
    if dup:
        raise ValueError(f"{path}: file names repeat in column file_name: {', '.join(dup)}")
    df = df.astype(object).where(df != "", None)
    for col in _YEAR_FIELDS:
        if col in df.columns:
            years = [_to_year(x, f"{path}: row {i + 2} column {col}") for i, x in enumerate(df[col])]
            df[col] = pd.array(years, dtype="Int64")
    return df[["file_name", *[c for c in df.columns if c != "file_name"]]]


def _level_of(name: str) -> str | None:
    unit = parse_org(name)
    return unit.level if unit else None


def apply_overrides(inferred: dict, override: dict) -> dict:
    """Merge a researcher's values (``override``, e.g. a row of :func:`read_metadata_csv`) into ``inferred``.

    Fields present and non-empty in ``override`` win (None, NaN, NA and blank strings count as absent).
    When the override gives a title but not jurisdiction/admin_level/region/period, those are re-inferred
    from the overriding title first (a title is the best evidence), and otherwise kept from ``inferred``.
    A jurisdiction given without admin_level gets the level its name implies (石壁镇 -> 镇). A region is only
    kept from ``inferred`` when the jurisdiction did not change. Other override columns (not the file-name key)
    are copied into the result. Neither argument is modified.

    Parameters
    ----------
    inferred : dict
        The metadata inferred from the report (``infer_metadata``).
    override : dict
        The researcher's values for the same file.

    Returns
    -------
    dict
        The merged metadata; years as ints.
    """
    out = dict(inferred)
    given = {k: _clean_value(v) for k, v in override.items() if k not in _KEY_ALIASES}
    given = {k: v for k, v in given.items() if v is not None}
    for col in _YEAR_FIELDS:
        if col in given:
            given[col] = _to_year(given[col], f"override {col}")
    if "year" in given:  # a single-year column
        year = _to_year(given.pop("year"), "override year")
        given.setdefault("year_start", year)
        given.setdefault("year_end", year)
    if "title" in given:
        from_title = infer_metadata("", title=str(given["title"]))
        for k in ("jurisdiction", "admin_level", "year_start", "year_end"):
            if k not in given and from_title[k] is not None:
                given[k] = from_title[k]
        same = given.get("jurisdiction") == from_title["jurisdiction"]
        if "region" not in given and from_title["region"] and same:
            given["region"] = from_title["region"]
    if "jurisdiction" in given and "admin_level" not in given:
        level = _level_of(str(given["jurisdiction"]))
        if level:
            given["admin_level"] = level
    # one end of the period given: keep the other end only if the given end agrees with what was inferred
    start0, end0 = out.get("year_start"), out.get("year_end")
    if "year_start" in given and "year_end" not in given:
        agree = end0 is not None and start0 == given["year_start"]
        given["year_end"] = end0 if agree else given["year_start"]
    if "year_end" in given and "year_start" not in given:
        agree = start0 is not None and end0 == given["year_end"]
        given["year_start"] = start0 if agree else given["year_end"]
    if "jurisdiction" in given and given["jurisdiction"] != out.get("jurisdiction") and "region" not in given:
        out["region"] = None
    for k in FIELDS:
        out.setdefault(k, None)
    out.update(given)
    return out


def metadata_overrides(files: Iterable[Path], extra_csv: str | Path | None = None
                       ) -> tuple[dict[Path, dict], list[tuple[str, str]]]:
    """Researcher-given metadata per file: from ``metadata.csv`` beside the files and from ``extra_csv``.

    Parameters
    ----------
    files : iterable of pathlib.Path
        The input report files.
    extra_csv : str or pathlib.Path, optional
        A further metadata table for all files; its values win over those of ``metadata.csv``.

    Returns
    -------
    overrides : dict
        {file: override row} for the files that have one.
    problems : list of (str, str)
        (csv path, reason) for tables that could not be read; those are reported, not fatal.
    """
    tables: dict[Path, dict[str, dict]] = {}
    problems: list[tuple[str, str]] = []

    def _rows_of(csv_path: Path) -> dict[str, dict]:
        try:
            df = read_metadata_csv(csv_path)
        except (ValueError, OSError, UnicodeDecodeError) as exc:
            problems.append((str(csv_path), f"metadata table could not be read: {exc}"))
            return {}
        return {str(r["file_name"]): {k: v for k, v in r.items() if k != "file_name" and pd.notna(v) and v != ""}
                for r in df.to_dict("records")}

    extra = _rows_of(Path(extra_csv)) if extra_csv else {}
    out: dict[Path, dict] = {}
    for f in files:
        csv_path = f.parent / "metadata.csv"
        if csv_path not in tables:
            tables[csv_path] = _rows_of(csv_path) if csv_path.is_file() else {}

        row = {**tables[csv_path].get(f.name, {}), **extra.get(f.name, {})}
        if row:
            out[f] = row
    return out, problems
