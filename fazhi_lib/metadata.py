"""Report metadata: title, jurisdiction, administrative level, region and the period reported.

Rule-of-law reports (法治政府建设年度报告) rarely carry structured metadata, so it is inferred from the
evidence at hand, best first:

1. the title (given, or found among the first lines of the text with :func:`find_title`);
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
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from fazhi_lib.numerals import year_number
from fazhi_lib.textrules import mask_brackets as _mask
from fazhi_lib.vocabulary import per_vocabulary, read_rows

__all__ = [
    "ADMIN_LEVELS",
    "FIELDS",
    "apply_overrides",
    "find_title",
    "infer_metadata",
    "is_title_line",
    "read_metadata_csv",
]

FIELDS = ("title", "jurisdiction", "admin_level", "region", "year_start", "year_end")
ADMIN_LEVELS = ("省", "市", "区", "县", "街道", "镇", "乡", "部门")
_DEPT = "部门"
# the character a department named by its level alone starts with (市司法局) and the level it names
_LEVEL_CHAR = {"省": "省", "市": "市", "州": "市", "区": "区", "县": "县", "旗": "县", "镇": "镇", "乡": "乡"}
_LEVEL_RANK = {"省": 0, "市": 1, "区": 2, "县": 2, "街道": 3, "镇": 3, "乡": 3, _DEPT: 4}
_YEAR_MIN, _YEAR_MAX = 1990, 2100

# ---------------------------------------------------------------------------------------------------------
# vocabulary
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Vocab:
    admin: tuple[tuple[str, str, bool], ...]  # (suffix, admin_level, free), longest first
    name_suffix: Mapping[str, str]  # 街道办事处 -> 街道
    depts: tuple[tuple[str, bool], ...]  # (suffix, in_text), longest first
    not_suffix: Mapping[str, tuple[tuple[str, int], ...]]  # char -> (word, offset of char in word)
    boundaries: Mapping[str, tuple[str, ...]]  # last character -> boundary words ending in it, longest first
    pronouns: frozenset[str]  # 我 本 各 …: 我镇 is no name
    weak_pronouns: frozenset[str]  # 全 贵: 全镇 is no name in prose, but 万全区 is
    not_stem_set: frozenset[str]
    not_stem_lens: tuple[int, ...]
    not_name: frozenset[str]
    not_department: tuple[str, ...]
    places: Mapping[str, str]  # name -> admin_level
    place_lens: tuple[int, ...]  # longest first
    suffix_re: re.Pattern[str]  # any admin or department suffix (for running text)
    short_names: Mapping[str, str]  # 青海 -> 青海省, 巴州 -> 巴音郭楞蒙古自治州
    short_re: re.Pattern[str] | None


def _by_last_char(words: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Index words by their last character (longest first), so a lookup at a position tries only a few."""
    index: dict[str, list[str]] = {}
    for w in sorted(set(words), key=len, reverse=True):
        index.setdefault(w[-1], []).append(w)
    return {k: tuple(v) for k, v in index.items()}


@per_vocabulary
def _vocab() -> _Vocab:
    admin = [
        (r["suffix"], r["admin_level"], r.get("free", "1") != "0") for r in read_rows("admin_units.csv")
    ]
    admin.sort(key=lambda t: -len(t[0]))
    depts = [(r["suffix"], r.get("in_text", "1") != "0") for r in read_rows("departments.csv")]
    depts.sort(key=lambda t: -len(t[0]))
    words: dict[str, list[str]] = {}
    for r in read_rows("non_place_words.csv"):
        words.setdefault(r["kind"], []).append(r["word"])
    not_suffix_words = set(words.get("not_suffix", ()))
    index: dict[str, list[tuple[str, int]]] = {}
    for w in sorted(not_suffix_words):
        for k, ch in enumerate(w):
            index.setdefault(ch, []).append((w, k))
    places = {r["name"]: r["admin_level"] for r in read_rows("places.csv") if r.get("name")}
    levels = [("admin_units.csv", lvl) for _, lvl, _ in admin]
    levels += [("places.csv", lvl) for lvl in places.values()]
    for where, level in levels:
        if level not in ADMIN_LEVELS:
            raise ValueError(
                f"fazhi_lib/vocab/{where}: admin_level {level!r} is not one of {', '.join(ADMIN_LEVELS)}"
            )
    suffixes = sorted({s for s, _, _ in admin} | {s for s, _ in depts}, key=len, reverse=True)
    name_suffix = {
        r["suffix"]: r["name_suffix"] for r in read_rows("admin_units.csv") if r.get("name_suffix")
    }
    short = {r["short"]: r["name"] for r in read_rows("place_short_names.csv") if r.get("short")}
    unknown = sorted(n for n in short.values() if n not in places)
    if unknown:
        raise ValueError(f"fazhi_lib/vocab/place_short_names.csv: names not in places.csv: {', '.join(unknown)}")
    return _Vocab(
        admin=tuple(admin),
        name_suffix=MappingProxyType(name_suffix),
        depts=tuple(depts),
        not_suffix=MappingProxyType({k: tuple(v) for k, v in index.items()}),
        boundaries=MappingProxyType(_by_last_char(words.get("boundary", ()))),
        pronouns=frozenset(words.get("pronoun", ())),
        weak_pronouns=frozenset(words.get("pronoun_weak", ())),
        not_stem_set=frozenset(words.get("not_stem", ())),
        not_stem_lens=tuple(sorted({len(w) for w in words.get("not_stem", ())})),
        not_name=frozenset(words.get("not_name", ())),
        not_department=tuple(words.get("not_department", ())),
        places=MappingProxyType(places),
        place_lens=tuple(sorted({len(n) for n in places}, reverse=True)),
        suffix_re=re.compile("|".join(map(re.escape, suffixes))),
        short_names=MappingProxyType(short),
        short_re=re.compile("|".join(map(re.escape, sorted(short, key=len, reverse=True)))) if short else None,
    )


# ---------------------------------------------------------------------------------------------------------
# text helpers
# ---------------------------------------------------------------------------------------------------------


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or ch == "\u3007"


def _norm(text: str) -> str:
    """NFKC (full-width punctuation and digits to ASCII, ideographic space to space); same characters else."""
    return unicodedata.normalize("NFKC", text or "")




# ---------------------------------------------------------------------------------------------------------
# years
# ---------------------------------------------------------------------------------------------------------

_Y = r"(?:(?:19|20)\d{2}|一九[〇零○O0一二三四五六七八九]{2}|二[〇零○O0][〇零○O0一二三四五六七八九]{2})"
_YEAR_RE = re.compile(
    rf"(?<![\d〇零○一二三四五六七八九])(?P<a>{_Y})\s*(?:年度?\s*)?"
    rf"(?:(?:至|到|—+|–|-|~|〜|一)\s*(?P<b>{_Y})\s*)?年(?P<du>度)?"
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
    ys = _year_mentions(_mask(_norm(title), (("《", "》"), ("〈", "〉"), ("<", ">"))))
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
# place and department names
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Unit:
    name: str  # jurisdiction name, organ words dropped (大安街道; 环翠区卫生健康局)
    level: str
    start: int  # start of the name (for a department: of its own name, after the host unit)
    end: int
    chain: tuple[str, ...]  # higher units named right before, outermost first
    chain_start: int  # where the whole chain starts
    stem_len: int  # characters before the suffix

    @property
    def region(self) -> str | None:
        return "".join(self.chain) or None


def _covered(s: str, pos: int, v: _Vocab) -> bool:
    """True when s[pos] sits inside an ordinary word (城乡, 市场, 全镇, 格局 ...), so it ends no name."""
    for word, off in v.not_suffix.get(s[pos], ()):
        st = pos - off
        if st >= 0 and s.startswith(word, st):
            return True
    return False


def _boundary_before(s: str, i: int, lo: int, v: _Vocab) -> bool:
    """True when a boundary word (年, 现将, 根据 ...) ends at s[i-1]."""
    if i < 1:
        return False
    for w in v.boundaries.get(s[i - 1], ()):
        if i - len(w) >= lo and s.startswith(w, i - len(w)):
            return True
    return False


# longest stem (characters before the suffix) accepted in running text; titles and web fields allow +8.
# Autonomous units (…自治县) allow +8 more for the names of the peoples.
_MAX_STEM = {"省": 4, "市": 6, "区": 6, "县": 6, "街道": 6, "镇": 6, "乡": 6, _DEPT: 12}


# organ words of a government that may stand between its unit and an office inside it (某区人民政府某某街道办事处)
_ORGAN_BEFORE = re.compile(r"(?:人民政府|政府|办事处|党委|党工委|委员会|管委会)$")


def _scan_stem(
    s: str, a: int, lo: int, depth: int, max_len: int, v: _Vocab, text: bool
) -> tuple[int, _Unit | None] | None:
    """Walk left from s[a] (where a suffix starts) over the name's stem.

    Returns (start of stem, the unit named right before it or None), or None when the suffix can't end a
    name here (no stem, or too long a run of characters without a boundary)."""
    i = a - 1
    start = a
    while i >= lo:
        if not _is_cjk(s[i]) or _boundary_before(s, i + 1, lo, v):
            break
        organ = _ORGAN_BEFORE.search(s, lo, i + 1) if start < a else None
        if organ is not None:
            # 永川区人民政府|大安街道办事处: an office inside a government's name; the government's unit is its host
            host = _unit_ending_at(s, organ.start(), v, lo=lo, depth=depth + 1, admin_only=True, text=text)
            return start, host
        prev = _unit_ending_at(s, i + 1, v, lo=lo, depth=depth + 1, admin_only=True, text=text)
        if prev is not None:
            if start < a:
                return start, prev  # 永川区|大安街道
            if prev.stem_len >= 2:
                return None  # 济南市|市中区: this suffix character starts the next name
            # else 新乡|市, 安乡|县: a one-character stem is merged into a longer name
        start = i
        i -= 1
        if a - start > max_len:
            return None
    return (start, None) if start < a else None


def _stem_ok(stem: str, suffix: str, v: _Vocab, text: bool) -> bool:
    """False for stems that are no place name: 我(镇) 全(县) 推进全(县) 法治(街道) 创建示范(乡) 浚县(县委)."""
    if not stem or stem in v.pronouns or stem in v.weak_pronouns or stem.endswith(suffix):
        return False
    if text and (stem[-1] in v.pronouns or stem[-1] in v.weak_pronouns):
        return False
    return not _ends_with_not_stem(stem, v)


def _ends_with_not_stem(stem: str, v: _Vocab) -> bool:
    """Whether ``stem`` ends with a word that ends no place's stem (法治, 示范, 落实 …)."""
    return any(stem[-n:] in v.not_stem_set for n in v.not_stem_lens if n <= len(stem))


_CN_NUMERALS = frozenset("一二两三四五六七八九十百千万")
_MEASURE_WORDS = frozenset("个次项名家批件位场所处座户")
_TITLE_AFTER_PLACE = re.compile(r"$|[\d〇零一二]{4}|关于|人民政府|政府|办事处|党委|党工委|委员会|法治|法制|依法")


def _unit_ending_at(
    s: str, end: int, v: _Vocab, *, lo: int = 0, depth: int = 0, admin_only: bool = False, text: bool = False
) -> _Unit | None:
    """The administrative unit or department whose name ends right before s[end], or None."""
    # A suffix inside an ordinary word (城乡, 湾区) ends no name, except in a title or page field where the name
    # is followed by what follows a place there (康林区2024年度…, 康林区人民政府关于…).
    if depth > 6 or end - lo < 2 or not _is_cjk(s[end - 1]):
        return None
    if _covered(s, end - 1, v) and (text or not _TITLE_AFTER_PLACE.match(s, end)):
        return None
    for n in v.place_lens:
        st = end - n
        if st >= lo and s[st:end] in v.places:
            name = s[st:end]
            chain, cstart = _chain_before(s, st, lo, depth, v, text)
            return _Unit(name, v.places[name], st, end, chain, cstart, n - 1)
    for suffix, level, free in v.admin:
        a = end - len(suffix)
        if not free or a <= lo or not s.startswith(suffix, a):
            continue
        limit = _MAX_STEM.get(level, 6) + (0 if text else 8)
        if "自治" in suffix or suffix == "旗":
            limit += 8
        got = _scan_stem(s, a, lo, depth, limit, v, text)
        if got is None:
            return None
        start, prev = got
        if not _stem_ok(s[start:a], suffix, v, text):
            return None
        if text and start > lo and (s[start - 1].isdigit() or s[start - 1] in _CN_NUMERALS) and (
                a - start == 1 or s[start] in _MEASURE_WORDS):
            return None  # 召开2次区政府常务会议, 全国8个省区市: a measure word after a number, not a place's name
        name = s[start:a] + v.name_suffix.get(suffix, suffix)
        if name in v.not_name:
            return None
        chain = (*prev.chain, prev.name) if prev else ()
        return _Unit(name, level, start, end, chain, prev.chain_start if prev else start, a - start)
    if admin_only:
        return None
    for suffix, in_text in v.depts:
        a = end - len(suffix)
        if (text and not in_text) or a <= lo or not s.startswith(suffix, a):
            continue
        got = _scan_stem(s, a, lo, depth, _MAX_STEM[_DEPT] + (0 if text else 8), v, text)
        if got is None:
            return None
        start, host = got
        own = s[start:end]
        stem = s[start:a]
        if any(w in own for w in v.not_department) or len(own) < 2 or (
            stem in v.pronouns or stem in v.weak_pronouns or (text and stem[-1:] in v.pronouns)
        ) or (host is None and _ends_with_not_stem(stem, v)):
            return None  # 我局 本委 …
        if host is None:
            return _Unit(own, _DEPT, start, end, (), start, a - start)
        return _Unit(host.name + own, _DEPT, start, end, host.chain, host.chain_start, a - start)
    return None


def _chain_before(s: str, st: int, lo: int, depth: int, v: _Vocab, text: bool) -> tuple[tuple[str, ...], int]:
    prev = _unit_ending_at(s, st, v, lo=lo, depth=depth + 1, admin_only=True, text=text)
    if prev is None:
        return (), st
    return (*prev.chain, prev.name), prev.chain_start


_ORG_TAIL = re.compile(r"(?:人民政府|政府|办事处|党工委|工委|党委|管理委员会|管委会|公所)$")
_PARTY = re.compile(r"^中共|^中国共产党")


@per_vocabulary(maxsize=4096)  # a title is looked at several times (title, unit, jurisdiction)
def _parse_org(org: str) -> _Unit | None:
    """Parse a clean organisation string (title segment, 发布机构 ...) into the unit or department it names.

    Leading 中共 and trailing organ words (人民政府, 办事处, 党委, a party committee's 委员会) are
    dropped."""
    v = _vocab()
    s = re.sub(r"\s+", "", _norm(org))
    party = bool(_PARTY.search(s))
    s = _PARTY.sub("", s)
    if party:  # 中共大马营镇委员会 -> 大马营镇; 中共浚县县委 -> 浚县; 中共建湖县委 -> 建湖县
        s = re.sub(r"(?:委员会|党委|党工委|委)$", "", s)
        s = re.sub(r"([省市区县旗镇乡])\1$", r"\1", s)
    for _ in range(3):
        t = _ORG_TAIL.sub("", s)
        if t == s:
            break
        s = t
    if not s:
        return None
    return _unit_ending_at(s, len(s), v)


_TITLE_SPLIT = re.compile(
    rf"{_Y}\s*(?:年度?)?|关于|法治|法制|依法|年度|工作|报告|情况|总结|的|[^\u3400-\u9fff\u3007]+"
    r"|(?<=[省市区县旗州镇乡])委(?!员)"  # 中共淮北市烈山区委烈山区人民政府: split after the party committee
)


def _orgs_in_title(title: str) -> list[_Unit]:
    """Units/departments named in a title (or any short label), in order of appearance."""
    return list(_orgs_in_label(title))


@per_vocabulary(maxsize=1024)
def _orgs_in_label(title: str) -> tuple[_Unit, ...]:
    s = _mask(_norm(title), (("《", "》"), ("〈", "〉")))
    out = []
    for seg in _TITLE_SPLIT.split(s):
        if len(seg) < 2:
            continue
        unit = _parse_org(seg)
        if unit is None:
            # the organisation may be followed by other words (XX镇推进…): take the longest parsable prefix
            for end in range(len(seg) - 1, 1, -1):
                unit = _parse_org(seg[:end])
                if unit is not None:
                    break
        if unit is not None:
            out.append(unit)
    return tuple(out)


# ---------------------------------------------------------------------------------------------------------
# title
# ---------------------------------------------------------------------------------------------------------

_TITLE_NOUN = re.compile(r"报告|总结|情况|工作要点")
_TITLE_TOPIC = re.compile(rf"法治|法制|依法|年度|{_Y}\s*年")
_NUMBERED = re.compile(
    r"^\s*(?:[一二三四五六七八九十百]+\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]+\s*[)）]|\d{1,2}\s*[、.．]"
    r"|第[一二三四五六七八九十\d]+[部分章节条])"
)
# web-page lines: "发布机构: …", "[ 索引号 ] …", breadcrumbs "首页 > 政务公开", "今天是:…", "【 打印 】"
_JUNK_LINE = re.compile(
    r"(?:索\s*引\s*号|发布机构|发布单位|发文机关|发文机构|制发机构|发文字号|主题分类|体裁分类|内容分类|公开目录|成文日期"
    r"|发布日期|发布时间|更新时间|生成日期|来源|字体|字号|浏览次数|阅读人次|点击数|有效性|关键词|公开方式|公开范围"
    r"|公开形式|文号|日期|时间|分享|位置)\s*[:：\]】|]"
    r"|^\s*(?:[-•·*]\s*)?(?:首\s*页|今天是|您(?:当前)?所在|当前位置|无障碍|\|)"
    r"|[>»]|扫一扫|打印本页|关闭窗口|上一篇|下一篇|【\s*打印|【\s*字体"
)


def is_title_line(line: str) -> bool:
    """Whether ``line`` reads as a report's title: 6..60 characters naming a report (报告/总结/情况/工作要点) on the
    rule of law, a year or 年度, with no sentence punctuation, no 现将/如下, not a numbered heading nor a web-page
    field line (see :func:`find_title`)."""
    s = _norm(line).strip()
    if not 6 <= len(s) <= 60 or s.endswith(("。", ":", ";", ",")) or "。" in s:
        return False
    if _NUMBERED.match(s) or _JUNK_LINE.search(s) or "现将" in s or "如下" in s:
        return False
    return bool(_TITLE_NOUN.search(s) and _TITLE_TOPIC.search(s))


def find_title(lines: list[str], max_lines: int = 25) -> int | None:
    """Index (into ``lines``) of the report's title line among its first ``max_lines`` non-empty lines.

    ``lines`` are the lines of a cleaned report. A title names a report: it contains
    报告/总结/情况/工作要点 and 法治/法制/依法/年度 or a year, is short (6..60 characters), does not end
    with 。/：/: and is not a numbered heading (一、 （一） 1.) nor a web-page field line. Column labels
    such as "工作报告" are not titles. When a title is split over lines ("重庆市永川区大安街道办事处" /
    "2024年法治政府建设情况报告"), the first line holding a whole title (with the issuing unit) is
    returned if there is one, else the line with the year. Returns None when no line looks like a title.
    """
    candidates = _title_candidates(lines, max_lines)
    for i in candidates:
        if _orgs_in_title(lines[i]):
            return i
    return candidates[0] if candidates else None


def _is_org_line(line: str) -> bool:
    s = _norm(line).strip()
    if not 2 <= len(s) <= 40 or re.search(r"[,.;:。;:!?\d]", s) or _JUNK_LINE.search(s):
        return False
    return bool(_orgs_in_title(s)) and not _TITLE_NOUN.search(s)


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
        line = _norm(raw).strip()
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
        if len(line) <= 120 and _JUNK_LINE.search(line):
            fields.extend((m.group("key"), m.group("val")) for m in _FIELD_RE.finditer(line))
            continue
        if not body and _ADDRESSEE.match(line) and "报告" not in line and "如下" not in line:
            addressee.append(line)  # 县委、县政府: / 山丹县人民政府: (whom the report is sent to)
            continue
        if not body and (is_title_line(line) or _is_org_line(line)):
            header.append(line)  # (a copy of) the title, possibly split over lines
            continue
        body.append(line)
    return _Opening("\n".join(body), tuple(fields), tuple(header), tuple(addressee))


_SUBJECT_BEFORE = re.compile(rf"(?:^|[\n,;:。!?])\s*$|{_Y}\s*年度?\s*(?:以来)?\s*,?\s*$")
_SUPERIOR_AFTER = re.compile(r"委(?!员)|人民政府|政府")
_SUPERIOR_BEFORE = re.compile(r"(?:在|向|按照|根据|经|由)\s*$")


@dataclass
class _Cand:
    unit: _Unit
    first_pos: int
    subject: int = 0
    first_subject: bool = False
    superior: int = 0
    mentions: int = 0
    short: bool = False  # found by its short name only (青海 for 青海省)


_BARE_ORGAN_SUBJECT = re.compile(
    rf"(?:^|[\n,;:。!?]|{_Y}\s*年度?(?:以来)?,?)\s*(省|市|区|县|旗|街道|镇|乡)(?:人民政府|政府|办事处)(?![,、])"
)


def _cue_level(body: str, v: _Vocab) -> str | None:
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
            strong[_DEPT] = strong.get(_DEPT, 0) + n
        n = 2 * sum(body.count(suffix + w) for w in ("党组", "党委", "机关", "领导班子"))
        if n:
            weak[_DEPT] = weak.get(_DEPT, 0) + n
    if strong:
        return max(strong, key=lambda lvl: (_LEVEL_RANK[lvl], strong[lvl], -ADMIN_LEVELS.index(lvl)))
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


def _text_candidates(body: str, v: _Vocab) -> list[_Cand]:
    masked = _mask(body)
    opening = masked[:1500]
    first_sentence_end = min([i for i in (opening.find("。"), 400) if i >= 0])
    found = (_unit_ending_at(opening, m.end(), v, text=True) for m in v.suffix_re.finditer(opening))
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


def _add_short_names(cands: dict[str, _Cand], opening: str, first_sentence_end: int, v: _Vocab) -> None:
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
            unit = _Unit(full, v.places[full], m.start(), m.end(), (), m.start(), len(full) - 1)
            c = cands[full] = _Cand(unit, m.start(), short=True)
        c.mentions += 1
        if _SUBJECT_BEFORE.search(opening[max(0, m.start() - 12):m.start()]):
            c.subject += 1
            if m.start() < first_sentence_end and not taken:
                c.first_subject = taken = True


def _level_named(unit: _Unit, v: _Vocab) -> bool:
    """A department named by its level alone: 市司法局, 区城市管理局, 市市场监管局 (not 市场监督管理局)."""
    name = unit.name
    return (unit.level == _DEPT and not unit.chain and len(name) >= 4 and name[0] in _LEVEL_CHAR
            and not _covered(name, 0, v))


_DOC_TITLE = re.compile(r"《([^《》\n]{2,80})》")


def _unit_in_document_titles(opening: str, level: str | None, v: _Vocab) -> _Unit | None:
    """The unit of ``level`` most often named in the titles of the documents an opening cites (《2024年度建安区法治
    政府建设工作要点》): a report that names itself nowhere else names its own plans so."""
    if level is None:
        return None
    counts: dict[str, tuple[int, _Unit]] = {}
    for m in _DOC_TITLE.finditer(opening):
        for unit in _orgs_in_label(m.group(1)):
            if unit.level == level:
                n, _ = counts.get(unit.name, (0, unit))
                counts[unit.name] = (n + 1, unit)
    return max(counts.values(), key=lambda t: t[0])[1] if counts else None


def _best_text_unit(body: str, v: _Vocab) -> tuple[_Unit | None, str | None, bool]:
    """(unit, level, strong) inferred from the opening; level may come from self-reference alone."""
    if not body.strip():
        return None, None, False
    cue_level = _cue_level(body[:3000], v)
    full = _mask(body)
    best, best_score = None, -math.inf
    for c in _text_candidates(body, v):
        if c.short and cue_level and c.unit.level != cue_level:
            continue  # a town's report quoting its province (考察江苏重要讲话精神)
        is_dept = c.unit.level == _DEPT
        if is_dept and not (c.first_subject or (cue_level == _DEPT and c.subject)):
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
    candidates = _title_candidates(lines, max_lines=40)
    if not candidates:
        return _title_split_in_words(lines)
    with_unit = next((i for i in candidates if _orgs_in_title(lines[i])), None)
    if with_unit is not None:
        return _norm(lines[with_unit]).strip(), {with_unit}
    for idx in candidates:
        above = _org_line_above(lines, idx)
        if above is not None:
            return _norm(lines[above]).strip() + _norm(lines[idx]).strip(), {above, idx}
    return _norm(lines[candidates[0]]).strip(), {candidates[0]}


def _title_candidates(lines: list[str], max_lines: int) -> list[int]:
    out: list[int] = []
    seen = 0
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        seen += 1
        if seen > max_lines:
            break
        if is_title_line(line):
            out.append(i)
    return out


def _org_line_above(lines: list[str], idx: int) -> int | None:
    """The line naming the issuing unit right above a title line (web fields may stand between), or None."""
    above = [i for i in range(idx - 1, max(-1, idx - 6), -1) if lines[i].strip()]
    above = [i for i in above if not _JUNK_LINE.search(_norm(lines[i]))][:1]
    return above[0] if above and _is_org_line(lines[above[0]]) else None


_TITLE_TAIL = re.compile(r"^[^,.;:。;:!?]{1,20}(?:报告|总结)$")


def _title_split_in_words(lines: list[str], max_lines: int = 10) -> tuple[str | None, set[int]]:
    """A title broken inside its words over two short lines, the second ending it (…法治政府建设 / 工作的报告)."""
    near = [i for i, ln in enumerate(lines) if ln.strip()][:max_lines]
    for a, b in itertools.pairwise(near):
        first, second = _norm(lines[a]).strip(), _norm(lines[b]).strip()
        if (len(first) <= 50 and not re.search(r"[,.;:。;:!?]", first) and _TITLE_TAIL.match(second)
                and is_title_line(first + second)):
            return first + second, {a, b}
    return None, set()


def _best_title_unit(title: str | None) -> _Unit | None:
    if not title:
        return None
    units = _orgs_in_title(title)
    if not units:
        return None
    # 中共大马营镇委员会 大马营镇人民政府: the same unit twice; keep the one with the longest chain
    first = units[0]
    same = [u for u in units if u.name == first.name]
    return max(same, key=lambda u: len(u.chain))


_BARE_ORGAN = re.compile(r"^(?:中共)?(省|市|区|县|旗|街道|镇|乡)(?:人民政府|政府|办事处|委员会|党委|党工委)")


def _bare_level(title: str) -> str | None:
    """The level of an organ named without its place (市人民政府关于…的报告 -> 市), or None."""
    v = _vocab()
    for seg in re.split(r"[^\u3400-\u9fff〇]+|关于", _norm(title)):
        m = _BARE_ORGAN.match(seg)
        if m:
            return dict((s, lvl) for s, lvl, _ in v.admin).get(m.group(1))
    return None


def _enrich(unit: _Unit, others: list[_Unit | None]) -> _Unit:
    """Take a longer chain of higher units from another source naming the same jurisdiction."""
    best = unit
    for o in others:
        if o is not None and o.name == unit.name and len(o.chain) > len(best.chain):
            best = o
    return best


def _with_host(dept: _Unit, units: list[_Unit]) -> _Unit:
    """A department named by its level alone (市市场监管局) with the first unit of that level among ``units``
    (乳山市 from the addressee 乳山市委、乳山市人民政府) as its host: 乳山市市场监管局."""
    level = _LEVEL_CHAR[dept.name[0]]
    host = next((u for u in units if u.level == level and u.name.endswith(dept.name[0])), None)
    if host is None:
        return dept
    return _Unit(host.name + dept.name[1:], _DEPT, dept.start, dept.end, host.chain, host.chain_start, dept.stem_len)


def _text_units_of_level(opening: str, level: str, v: _Vocab) -> list[_Unit]:
    """Units of ``level`` named in the opening, the most mentioned first."""
    counts: dict[str, list[_Unit]] = {}
    masked = _mask(opening)
    for m in v.suffix_re.finditer(masked):
        u = _unit_ending_at(masked, m.end(), v, text=True)
        if u is not None and u.level == level:
            counts.setdefault(u.name, []).append(u)
    return [us[0] for us in sorted(counts.values(), key=len, reverse=True)]


def _text_units_named(body: str, name: str, v: _Vocab) -> list[_Unit]:
    out = []
    masked = _mask(body)
    for m in re.finditer(re.escape(name), masked):
        u = _unit_ending_at(masked, m.end(), v, text=True)
        if u is not None and u.name == name:
            out.append(u)
    return out


def infer_metadata(text: str, title: str | None = None, extra: dict[str, str] | None = None) -> dict:
    """Infer a report's metadata from its cleaned text, its title and extra hints.

    Args:
        text: the cleaned report text (lines separated by newlines; may still hold web-page junk lines).
        title: the report's title if the caller knows it, else None (then a title line is looked for in
            the text with :func:`find_title`, then in ``extra`` under ArticleTitle/title/标题).
        extra: other hints, e.g. web-page fields removed by the cleaner
            ``{"发布机构": "丰都县栗子乡人民政府", "来源": "天心区坡子街街道", "ArticleTitle": "..."}``.
            Issuing-body fields (发布机构, 发布单位, 发文机关 ...) outrank the text; 来源 is weaker (it often
            names the office that posted the page, like 司法局).

    Returns:
        ``{"title", "jurisdiction", "admin_level", "region", "year_start", "year_end"}`` (see the module
        docstring); a value not found is None. Evidence is weighed title first, then web fields, then the
        opening sentences; a name repeated in the text beats one seen once.
    """
    v = _vocab()
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
    strong_units = [_parse_org(str(hints[k])) for k in map(_key, _ORG_KEYS) if k in hints]
    weak_units = [_parse_org(str(hints[k])) for k in map(_key, _WEAK_KEYS) if k in hints]
    # a weak field naming a place (天心区坡子街街道) is as good as a strong one; a bare office (司法局) is not
    strong_units += [u for u in weak_units if u is not None and (u.level != _DEPT or u.chain)]
    unit: _Unit | None = next((u for u in title_units if u is not None), None)
    text_unit, text_level = None, None
    if unit is None:  # the text is read only when no title names the unit (it is the costly part)
        text_unit, text_level, text_strong = _best_text_unit(opening.body, v)
        web = next((u for u in strong_units if u is not None), None)
        if web is not None and text_unit is not None and text_strong and text_unit.name != web.name and (
            (_LEVEL_RANK[text_unit.level] > _LEVEL_RANK[web.level] and web.level != _DEPT)
            or (web.level == _DEPT and text_unit.level != _DEPT and text_level != _DEPT)
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
                 for u in _orgs_in_title(t)] + [u for u in (*strong_units, *weak_units) if u is not None]
        unit = _with_host(unit, hosts + _text_units_of_level(opening.body[:1500], _LEVEL_CHAR[unit.name[0]], v))

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
        "title": _norm(out_title).strip() if out_title else None,
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
    m = re.fullmatch(r"\s*(\d{4})(?:\.0+)?\s*年?\s*", _norm(s))
    y = int(m.group(1)) if m else None
    if y is None:
        ys = _year_mentions(_norm(s) + ("" if s.endswith("年") else "年"))
        y = ys[0].start if ys else None
    if y is None or not _YEAR_MIN <= y <= _YEAR_MAX:
        raise ValueError(f"{where}: {s!r} is not a year between {_YEAR_MIN} and {_YEAR_MAX}")
    return y


def read_metadata_csv(path: str | Path) -> pd.DataFrame:
    """Read a researcher's metadata table (one row per input file).

    Args:
        path: a CSV file encoded as UTF-8 (with or without BOM) or GB18030 (Excel on Chinese Windows),
            comma-, semicolon- or tab-separated. Its key column is ``file_name`` (``file``, ``filename`` or
            ``文件名`` are accepted): the input file's name (any folder part is dropped). Other columns are
            among title, jurisdiction, admin_level, region, year_start, year_end, panel (the key linking a
            jurisdiction's reports across years, see ``fazhi_lib.panels``), plus any others (kept).

    Returns:
        A DataFrame with column ``file_name`` first, one row per file name, all values as strings or None
        except ``year_start``/``year_end`` (nullable Int64). Rows with an empty file name are dropped.

    Raises:
        ValueError: the key column is missing, file names repeat, or a year cell is not a year.
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
    unit = _parse_org(name)
    return unit.level if unit else None


def apply_overrides(inferred: dict, override: dict) -> dict:
    """Merge a researcher's values (``override``, e.g. a row of :func:`read_metadata_csv`) into ``inferred``.

    Fields present and non-empty in ``override`` win (None, NaN, NA and blank strings count as absent).
    When the override gives a title but not jurisdiction/admin_level/region/period, those are re-inferred
    from the overriding title first (a title is the best evidence), and otherwise kept from ``inferred``.
    A jurisdiction given without admin_level gets the level its name implies (石壁镇 -> 镇). A region is only
    kept from ``inferred`` when the jurisdiction did not change. Years are returned as ints. Other override
    columns (not the file-name key) are copied into the result. Neither argument is modified.
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

    Returns ({file: override row}, problems) where problems lists (csv path, reason) for tables that could not be
    read; those are reported, not fatal.
    """
    tables: dict[Path, dict[str, dict]] = {}
    problems: list[tuple[str, str]] = []

    def rows_of(csv_path: Path) -> dict[str, dict]:
        try:
            df = read_metadata_csv(csv_path)
        except (ValueError, OSError, UnicodeDecodeError) as exc:
            problems.append((str(csv_path), f"metadata table could not be read: {exc}"))
            return {}
        return {str(r["file_name"]): {k: v for k, v in r.items() if k != "file_name" and pd.notna(v) and v != ""}
                for r in df.to_dict("records")}

    extra = rows_of(Path(extra_csv)) if extra_csv else {}
    out: dict[Path, dict] = {}
    for f in files:
        csv_path = f.parent / "metadata.csv"
        if csv_path not in tables:
            tables[csv_path] = rows_of(csv_path) if csv_path.is_file() else {}
        row = {**tables[csv_path].get(f.name, {}), **extra.get(f.name, {})}
        if row:
            out[f] = row
    return out, problems
