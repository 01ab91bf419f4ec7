"""Names in a report: places, government units, departments, and the report's own title.

Rule-of-law reports name who issued them in their title (重庆市永川区大安街道办事处2024年法治政府建设情况报告), in
web-page fields and in their opening sentences. This module reads those names; :mod:`fazhi_lib.metadata` decides
from them which unit issued the report, and :mod:`fazhi_lib.clean` uses the title to tell a page's furniture above
it from the report.

A name is a stem and a suffix from the vocabularies (``vocab/admin_units.csv``: 街道办事处, 镇, 自治县, …;
``vocab/departments.csv``: 司法局, 卫生健康局, …), checked against ``vocab/places.csv``,
``vocab/non_place_words.csv`` (城乡 and 市场 end no name; 我镇 is no name) and ``vocab/place_short_names.csv``.
A title names a report (报告/总结/情况/工作要点) on the rule of law, a year or 年度 (:func:`is_title_line`,
:func:`find_title`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from fazhi_lib.textrules import mask_brackets as _mask
from fazhi_lib.vocabulary import per_vocabulary, read_rows

__all__ = [
    "ADMIN_LEVELS",
    "DEPARTMENT",
    "LEVEL_CHAR",
    "LEVEL_RANK",
    "WEB_FIELD_LINE",
    "YEAR",
    "NamesVocab",
    "Unit",
    "covered_by_word",
    "find_title",
    "is_org_line",
    "is_title_line",
    "names_vocab",
    "nfkc",
    "orgs_in_label",
    "orgs_in_title",
    "parse_org",
    "title_candidates",
    "unit_ending_at",
]

ADMIN_LEVELS = ("省", "市", "区", "县", "街道", "镇", "乡", "部门")
DEPARTMENT = "部门"
# the character a department named by its level alone starts with (市司法局) and the level it names
LEVEL_CHAR = {"省": "省", "市": "市", "州": "市", "区": "区", "县": "县", "旗": "县", "镇": "镇", "乡": "乡"}
LEVEL_RANK = {"省": 0, "市": 1, "区": 2, "县": 2, "街道": 3, "镇": 3, "乡": 3, DEPARTMENT: 4}


# ---------------------------------------------------------------------------------------------------------
# vocabulary
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NamesVocab:
    """The name vocabularies, compiled for lookups at a position (``names_vocab``).

    Attributes
    ----------
    admin : tuple of (str, str, bool)
        (suffix, admin_level, free) of ``vocab/admin_units.csv``, longest first; ``free`` suffixes end a name of
        any stem.
    name_suffix : Mapping
        The suffix a name is written with (街道办事处 -> 街道).
    depts : tuple of (str, bool)
        (suffix, in_text) of ``vocab/departments.csv``, longest first; ``in_text`` suffixes name a department in
        running text too.
    not_suffix : Mapping
        Character -> (ordinary word holding it, offset of the character in the word): 城乡 and 市场 end no name.
    boundaries : Mapping
        Last character -> boundary words ending in it (年, 现将, 根据 …), longest first.
    pronouns, weak_pronouns : frozenset of str
        我 本 各 …: 我镇 is no name; 全 贵: 全镇 is no name in prose, but 万全区 is.
    not_stem_set : frozenset of str
        Words a name's stem cannot end with.
    not_stem_lens : tuple of int
        Their lengths.
    not_name : frozenset of str
        Words shaped like names that are none.
    not_department : tuple of str
        Words that make a department-shaped phrase no department.
    places : Mapping
        Place name -> admin_level, from ``vocab/places.csv``.
    place_lens : tuple of int
        The lengths of the place names, longest first.
    suffix_re : re.Pattern
        Any admin or department suffix (for running text).
    short_names : Mapping
        Short name -> full name (青海 -> 青海省, 巴州 -> 巴音郭楞蒙古自治州).
    short_re : re.Pattern or None
        Any short name, longest first (None when there are none).
    """

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
def names_vocab() -> NamesVocab:
    """The name vocabularies of the active vocabulary, compiled once per vocabulary.

    Returns
    -------
    NamesVocab
        The suffixes, places, short names and non-name words, indexed for lookups at a position.

    Raises
    ------
    ValueError
        When an admin_level of ``admin_units.csv`` or ``places.csv`` is not one of ``ADMIN_LEVELS``, or a short
        name of ``place_short_names.csv`` stands for a name not in ``places.csv``.
    """
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
    return NamesVocab(
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


def nfkc(text: str) -> str:
    """NFKC (full-width punctuation and digits to ASCII, ideographic space to space); same characters else.

    Parameters
    ----------
    text : str
        Any text (None counts as empty).

    Returns
    -------
    str
        The text in Unicode normal form NFKC.
    """
    return unicodedata.normalize("NFKC", text or "")





# years, as a title or a name may write them
YEAR = r"(?:(?:19|20)\d{2}|一九[〇零○O0一二三四五六七八九]{2}|二[〇零○O0][〇零○O0一二三四五六七八九]{2})"


# ---------------------------------------------------------------------------------------------------------
# place and department names
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """An administrative unit or department named in a text, with where its name stands.

    Attributes
    ----------
    name : str
        The jurisdiction's name, organ words dropped (大安街道; 环翠区卫生健康局).
    level : str
        Its admin_level (one of ``ADMIN_LEVELS``).
    start, end : int
        Where the name stands (for a department: its own name, after the host unit).
    chain : tuple of str
        The higher units named right before it, outermost first.
    chain_start : int
        Where the whole chain starts.
    stem_len : int
        The characters before the suffix.
    """

    name: str  # jurisdiction name, organ words dropped (大安街道; 环翠区卫生健康局)
    level: str
    start: int  # start of the name (for a department: of its own name, after the host unit)
    end: int
    chain: tuple[str, ...]  # higher units named right before, outermost first
    chain_start: int  # where the whole chain starts
    stem_len: int  # characters before the suffix

    @property
    def region(self) -> str | None:
        """The higher units named before the unit, joined (None when there are none).

        Returns
        -------
        str or None
            The chain as one string (重庆市永川区).
        """
        return "".join(self.chain) or None


def covered_by_word(s: str, pos: int, v: NamesVocab) -> bool:
    """True when s[pos] sits inside an ordinary word (城乡, 市场, 全镇, 格局 ...), so it ends no name.

    Parameters
    ----------
    s : str
        A text.
    pos : int
        A position in it.
    v : NamesVocab
        The name vocabularies.

    Returns
    -------
    bool
        Whether a word of ``vocab/non_place_words.csv`` (kind not_suffix) covers ``s[pos]``.
    """
    for word, off in v.not_suffix.get(s[pos], ()):
        st = pos - off
        if st >= 0 and s.startswith(word, st):
            return True
    return False


def _boundary_before(s: str, i: int, lo: int, v: NamesVocab) -> bool:
    """True when a boundary word (年, 现将, 根据 ...) ends at s[i-1]."""
    if i < 1:
        return False
    for w in v.boundaries.get(s[i - 1], ()):
        if i - len(w) >= lo and s.startswith(w, i - len(w)):
            return True
    return False


# longest stem (characters before the suffix) accepted in running text; titles and web fields allow +8.
# Autonomous units (…自治县) allow +8 more for the names of the peoples.
_MAX_STEM = {"省": 4, "市": 6, "区": 6, "县": 6, "街道": 6, "镇": 6, "乡": 6, DEPARTMENT: 12}


# organ words of a government that may stand between its unit and an office inside it (某区人民政府某某街道办事处)
_ORGAN_BEFORE = re.compile(r"(?:人民政府|政府|办事处|党委|党工委|委员会|管委会)$")


def _scan_stem(
    s: str, a: int, lo: int, depth: int, max_len: int, v: NamesVocab, text: bool
) -> tuple[int, Unit | None] | None:
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
            host = unit_ending_at(s, organ.start(), v, lo=lo, depth=depth + 1, admin_only=True, text=text)
            return start, host
        prev = unit_ending_at(s, i + 1, v, lo=lo, depth=depth + 1, admin_only=True, text=text)
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


def _stem_ok(stem: str, suffix: str, v: NamesVocab, text: bool) -> bool:
    """False for stems that are no place name: 我(镇) 全(县) 推进全(县) 法治(街道) 创建示范(乡) 浚县(县委)."""
    if not stem or stem in v.pronouns or stem in v.weak_pronouns or stem.endswith(suffix):
        return False
    if text and (stem[-1] in v.pronouns or stem[-1] in v.weak_pronouns):
        return False
    return not _ends_with_not_stem(stem, v)


def _ends_with_not_stem(stem: str, v: NamesVocab) -> bool:
    """Whether ``stem`` ends with a word that ends no place's stem (法治, 示范, 落实 …)."""
    return any(stem[-n:] in v.not_stem_set for n in v.not_stem_lens if n <= len(stem))


_CN_NUMERALS = frozenset("一二两三四五六七八九十百千万")
_MEASURE_WORDS = frozenset("个次项名家批件位场所处座户")
_TITLE_AFTER_PLACE = re.compile(r"$|[\d〇零一二]{4}|关于|人民政府|政府|办事处|党委|党工委|委员会|法治|法制|依法")


def unit_ending_at(
    s: str, end: int, v: NamesVocab, *, lo: int = 0, depth: int = 0, admin_only: bool = False, text: bool = False
) -> Unit | None:
    """The administrative unit or department whose name ends right before s[end], or None.

    A place of ``vocab/places.csv`` is tried first, then an admin suffix, then (unless ``admin_only``) a department
    suffix; the higher units named right before it become its chain.

    Parameters
    ----------
    s : str
        A title, a page field or running text.
    end : int
        Where the name ends (exclusive).
    v : NamesVocab
        The name vocabularies (``names_vocab()``).
    lo : int, default 0
        The name cannot start before this offset.
    depth : int, default 0
        How many higher units were read already (for the chain; none past 6).
    admin_only : bool, default False
        Look for administrative units only, not departments.
    text : bool, default False
        ``s`` is running text, not a title or label: stricter stems (shorter, no measure word after a number).

    Returns
    -------
    Unit or None
        The unit named, or None.
    """
    # A suffix inside an ordinary word (城乡, 湾区) ends no name, except in a title or page field where the name
    # is followed by what follows a place there (康林区2024年度…, 康林区人民政府关于…).
    if depth > 6 or end - lo < 2 or not _is_cjk(s[end - 1]):
        return None
    if covered_by_word(s, end - 1, v) and (text or not _TITLE_AFTER_PLACE.match(s, end)):
        return None
    for n in v.place_lens:
        st = end - n
        if st >= lo and s[st:end] in v.places:
            name = s[st:end]
            chain, cstart = _chain_before(s, st, lo, depth, v, text)
            return Unit(name, v.places[name], st, end, chain, cstart, n - 1)
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
        return Unit(name, level, start, end, chain, prev.chain_start if prev else start, a - start)
    if admin_only:
        return None
    for suffix, in_text in v.depts:
        a = end - len(suffix)
        if (text and not in_text) or a <= lo or not s.startswith(suffix, a):
            continue
        got = _scan_stem(s, a, lo, depth, _MAX_STEM[DEPARTMENT] + (0 if text else 8), v, text)
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
            return Unit(own, DEPARTMENT, start, end, (), start, a - start)
        return Unit(host.name + own, DEPARTMENT, start, end, host.chain, host.chain_start, a - start)
    return None


def _chain_before(s: str, st: int, lo: int, depth: int, v: NamesVocab, text: bool) -> tuple[tuple[str, ...], int]:
    prev = unit_ending_at(s, st, v, lo=lo, depth=depth + 1, admin_only=True, text=text)
    if prev is None:
        return (), st
    return (*prev.chain, prev.name), prev.chain_start


_ORG_TAIL = re.compile(r"(?:人民政府|政府|办事处|党工委|工委|党委|管理委员会|管委会|公所)$")
_PARTY = re.compile(r"^中共|^中国共产党")


@per_vocabulary(maxsize=4096)  # a title is looked at several times (title, unit, jurisdiction)
def parse_org(org: str) -> Unit | None:
    """Parse a clean organisation string (title segment, 发布机构 ...) into the unit or department it names.

    Leading 中共 and trailing organ words (人民政府, 办事处, 党委, a party committee's 委员会) are dropped.

    Parameters
    ----------
    org : str
        The organisation's name as written.

    Returns
    -------
    Unit or None
        The unit or department, or None when the string names none.
    """
    v = names_vocab()
    s = re.sub(r"\s+", "", nfkc(org))
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
    return unit_ending_at(s, len(s), v)


_TITLE_SPLIT = re.compile(
    rf"{YEAR}\s*(?:年度?)?|关于|法治|法制|依法|年度|工作|报告|情况|总结|的|[^\u3400-\u9fff\u3007]+"
    r"|(?<=[省市区县旗州镇乡])委(?!员)"  # 中共淮北市烈山区委烈山区人民政府: split after the party committee
)


def orgs_in_title(title: str) -> list[Unit]:
    """Units/departments named in a title (or any short label), in order of appearance.

    Parameters
    ----------
    title : str
        A title or label.

    Returns
    -------
    list of Unit
        The units named, as ``orgs_in_label`` gives them.
    """
    return list(orgs_in_label(title))


@per_vocabulary(maxsize=1024)
def orgs_in_label(title: str) -> tuple[Unit, ...]:
    """Units/departments named in a title or label, in order of appearance (cached per vocabulary).

    The label is split at its separators (titles of documents in 《》 are masked); each segment gives the unit of
    its longest parsable prefix.

    Parameters
    ----------
    title : str
        A title or label.

    Returns
    -------
    tuple of Unit
        The units named.
    """
    s = _mask(nfkc(title), (("《", "》"), ("〈", "〉")))
    out = []
    for seg in _TITLE_SPLIT.split(s):
        if len(seg) < 2:
            continue
        unit = parse_org(seg)
        if unit is None:
            # the organisation may be followed by other words (XX镇推进…): take the longest parsable prefix
            for end in range(len(seg) - 1, 1, -1):
                unit = parse_org(seg[:end])
                if unit is not None:
                    break
        if unit is not None:
            out.append(unit)
    return tuple(out)


# ---------------------------------------------------------------------------------------------------------
# title
# ---------------------------------------------------------------------------------------------------------

_TITLE_NOUN = re.compile(r"报告|总结|情况|工作要点")
_TITLE_TOPIC = re.compile(rf"法治|法制|依法|年度|{YEAR}\s*年")
_NUMBERED = re.compile(
    r"^\s*(?:[一二三四五六七八九十百]+\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]+\s*[)）]|\d{1,2}\s*[、.．]"
    r"|第[一二三四五六七八九十\d]+[部分章节条])"
)
# web-page lines: "发布机构: …", "[ 索引号 ] …", breadcrumbs "首页 > 政务公开", "今天是:…", "【 打印 】"
WEB_FIELD_LINE = re.compile(
    r"(?:索\s*引\s*号|发布机构|发布单位|发文机关|发文机构|制发机构|发文字号|主题分类|体裁分类|内容分类|公开目录|成文日期"
    r"|发布日期|发布时间|更新时间|生成日期|来源|字体|字号|浏览次数|阅读人次|点击数|有效性|关键词|公开方式|公开范围"
    r"|公开形式|文号|日期|时间|分享|位置)\s*[:：\]】|]"
    r"|^\s*(?:[-•·*]\s*)?(?:首\s*页|今天是|您(?:当前)?所在|当前位置|无障碍|\|)"
    r"|[>»]|扫一扫|打印本页|关闭窗口|上一篇|下一篇|【\s*打印|【\s*字体"
)


def is_title_line(line: str) -> bool:
    """Whether ``line`` reads as a report's title.

    A title has 6..60 characters naming a report (报告/总结/情况/工作要点) on the rule of law, a year or 年度, with no
    sentence punctuation, no 现将/如下, and is not a numbered heading nor a web-page field line (see
    :func:`find_title`).

    Parameters
    ----------
    line : str
        One line of a report.

    Returns
    -------
    bool
        True for a title line.
    """
    s = nfkc(line).strip()
    if not 6 <= len(s) <= 60 or s.endswith(("。", ":", ";", ",")) or "。" in s:
        return False
    if _NUMBERED.match(s) or WEB_FIELD_LINE.search(s) or "现将" in s or "如下" in s:
        return False
    return bool(_TITLE_NOUN.search(s) and _TITLE_TOPIC.search(s))


def find_title(lines: list[str], max_lines: int = 25) -> int | None:
    """Index (into ``lines``) of the report's title line among its first ``max_lines`` non-empty lines.

    ``lines`` are the lines of a cleaned report. A title names a report: it contains
    报告/总结/情况/工作要点 and 法治/法制/依法/年度 or a year, is short (6..60 characters), does not end
    with 。/：/: and is not a numbered heading (一、 （一） 1.) nor a web-page field line. Column labels
    such as "工作报告" are not titles. When a title is split over lines ("重庆市永川区大安街道办事处" /
    "2024年法治政府建设情况报告"), the first line holding a whole title (with the issuing unit) is
    returned if there is one, else the line with the year.

    Parameters
    ----------
    lines : list of str
        The lines of a cleaned report.
    max_lines : int, default 25
        How many non-empty lines are looked at.

    Returns
    -------
    int or None
        The index of the title line, or None when no line looks like a title.
    """
    candidates = title_candidates(lines, max_lines)
    for i in candidates:
        if orgs_in_title(lines[i]):
            return i
    return candidates[0] if candidates else None


def is_org_line(line: str) -> bool:
    """Whether ``line`` is an organisation's name standing alone (a signature or the first half of a split title).

    Parameters
    ----------
    line : str
        One line of a report.

    Returns
    -------
    bool
        True for a short line (2..40 characters, no punctuation or digits, no web-page field) naming a unit or
        department and no report.
    """
    s = nfkc(line).strip()
    if not 2 <= len(s) <= 40 or re.search(r"[,.;:。;:!?\d]", s) or WEB_FIELD_LINE.search(s):
        return False
    return bool(orgs_in_title(s)) and not _TITLE_NOUN.search(s)




def title_candidates(lines: list[str], max_lines: int) -> list[int]:
    """The lines that read as a title (``is_title_line``) among the first ``max_lines`` non-empty ones.

    Parameters
    ----------
    lines : list of str
        The lines of a cleaned report.
    max_lines : int
        How many non-empty lines are looked at.

    Returns
    -------
    list of int
        The indices of the title lines, in order.
    """
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
