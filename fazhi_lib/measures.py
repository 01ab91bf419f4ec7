"""Measures: the rule-of-law mechanisms a report names, each mention as a row.

Terms come from three sources, in this order of trust:

- ``lexicon``: the curated lexicon ``vocab/mechanisms.csv`` with its variants (一村(社区)一法律顾问 = 一村一法律顾问;
  the parts of a "+" name count in any order: 司法所+法律顾问 = 法律顾问+司法所);
- ``quoted``: names in quotes “…” that a report presents as a mechanism — followed by a mechanism noun (“积案化解
  专班”, “民情恳谈会”制度), or a numbered slogan put into practice (推行“五民五治”); not dates (“12·4”), not mere
  emphasis (把好“法律关”), never a law or document title (those stand in 《》);
- ``suffix``: noun phrases ending in 制度/机制/模式/工作法/清单/平台/中心/站/队伍/专班 … after a verb of setting
  up (建立行政执法过错责任追究机制), when the words before the suffix are specific enough.

Each mention keeps its part, so measures done (parts measures/effects/…) are told apart from measures promised
(``planned``: the plans part), and its dimension in the framework of 《法治政府建设实施纲要(2021-2025年)》 plus party
leadership and legal publicity (``vocab/dimensions.csv``); a term may stay unclassified.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

import pandas as pd

from fazhi_lib.schema import frame
from fazhi_lib.structure import Locator
from fazhi_lib.textrules import BOOK_TITLE, LINE_SENTENCE_END
from fazhi_lib.vocabulary import per_vocabulary, read_rows, words_pattern

_TITLE = BOOK_TITLE
_QUOTE = re.compile(r"“([^“”\n]{2,20})”")
_SENT_END = LINE_SENTENCE_END
_NOT_NAME = re.compile(r"[\d·・.?]|[,，。;；:：!！?？]|^[一二三四五六七八九十]+$|年$|日$|月$")
_MECHANISM_NOUN = re.compile(
    r"(?:工作)?(机制|制度|模式|工作法|体系|平台|品牌|活动|行动|工程|服务|清单|改革|试点|创建|队伍|团|专班|工作室|调解室|站|中心|"
    r"会|日|课堂|讲堂|大讲堂|评议团|法庭|书屋)"
)
_PRACTICE_VERB = re.compile(r"(推行|实行|落实|实施|坚持|推广|探索|创新|建立|健全|深化|践行|运用|执行|开展|打造|创建|"
                            r"构建|"
                            r"推进|组建|成立|建成|设立|依托|完善|启用|用好|建好)$")
_SLOGAN = re.compile(r"[一二三四五六七八九十两双百千万]")
_SUFFIX = re.compile(r"(制度|机制|模式|工作法|清单|平台|工作室|调解室|中心|服务站|工作站|队伍|专班|品牌|工程|体系)")
_SUFFIX_KIND = {"工作室": "平台", "调解室": "平台", "中心": "平台", "服务站": "平台", "工作站": "平台", "专班": "队伍"}
_SETUP_VERB = re.compile(r"(建立健全|建立|健全|完善|推行|落实|实行|实施|打造|构建|组建|成立|搭建|创新|探索|深化|依托"
                         r"|建成|设立|"
                         r"推进|优化|用好|建好|启用|开通|创建|形成)")
_GENERIC_STEM = re.compile(r"^(工作|长效|相关|各项|管理|有关|联动|协调|沟通|监督|考核|保障|领导|运行|常态化|责任"
                           r"|日常|内部|"
                           r"全面|规范|配套|各类|多元|基层|服务|便民|综合|协同|联合|信息|制度|机制|体制|党群服务|"
                           r"新时代文明实践|工作运行|工作领导|考核评价|监督检查)+$")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+$")


@dataclass(frozen=True)
class _Lexicon:
    pattern: re.Pattern[str]  # every term and variant, longest first
    term_of: dict[str, str]  # surface -> canonical term
    plus_terms: dict[frozenset[str], str]  # parts of a "+" name -> canonical term
    kind: dict[str, str]
    dimension: dict[str, str]


@per_vocabulary
def lexicon() -> _Lexicon:
    """The curated mechanism lexicon from ``vocab/mechanisms.csv``, compiled.

    Returns
    -------
    _Lexicon
        One pattern matching every term and variant (a "+" name with its parts in either order), the canonical
        term of each surface, and each term's kind and dimension.
    """
    term_of: dict[str, str] = {}
    plus: dict[frozenset[str], str] = {}
    kind: dict[str, str] = {}
    dim: dict[str, str] = {}
    for row in read_rows("mechanisms.csv"):
        term = row["term"]
        kind[term] = row.get("kind") or ""
        dim[term] = row.get("dimension") or ""
        for surface in [term, *[v for v in (row.get("variants") or "").split("|") if v]]:
            surface = surface.strip()
            term_of.setdefault(surface, term)
            if "+" in surface:
                plus.setdefault(frozenset(surface.split("+")), term)
    # "+" names also match with their parts in any order
    surfaces = set(term_of)
    for parts, term in plus.items():
        if len(parts) == 2:
            a, b = sorted(parts)
            for s in (f"{a}+{b}", f"{b}+{a}"):
                term_of.setdefault(s, term)
                surfaces.add(s)
    return _Lexicon(re.compile(words_pattern(surfaces)), term_of, plus, kind, dim)


@per_vocabulary
def _dimension_rules() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((r["dimension"], re.compile(r["pattern"])) for r in read_rows("dimensions.csv"))


@per_vocabulary(maxsize=8192)  # terms recur across a corpus
def dimension_of(term: str) -> str | None:
    """Dimension of a term: from the lexicon, else the first row of ``vocab/dimensions.csv`` matching its words.

    Parameters
    ----------
    term : str
        A mechanism's canonical term (or a name found by its quotes or suffix).

    Returns
    -------
    str or None
        The dimension, or None when neither the lexicon nor a pattern gives one.
    """
    lex = lexicon()
    if lex.dimension.get(term):
        return lex.dimension[term]
    for dim, pat in _dimension_rules():
        if pat.search(term):
            return dim
    return None


def _inside(spans: list[tuple[int, int]], starts: list[int], pos: int) -> bool:
    i = bisect_right(starts, pos) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


class _Taken:
    """The characters of a text already taken by a mention: an overlap test costs the length of the span tested,
    not the number of mentions found (a long report has thousands)."""

    def __init__(self, n: int) -> None:
        self._marks = bytearray(n)

    def add(self, s: int, e: int) -> None:
        self._marks[s:e] = b"\x01" * (e - s)

    def overlaps(self, s: int, e: int) -> bool:
        return self._marks.find(1, s, e) != -1


def find_terms(text: str) -> list[dict]:
    """Mechanism mentions in a cleaned text, in order of their start.

    Mentions come from the lexicon, from quoted names (with a mechanism noun after them or a verb of practice
    before), and from names ending in a mechanism suffix after a verb of setting up; none inside a document's title.

    Parameters
    ----------
    text : str
        The cleaned text of a report.

    Returns
    -------
    list of dict
        One dict per mention: term, surface, kind, dimension, source (lexicon, quoted or suffix), start, end.
    """
    lex = lexicon()
    titles = [m.span() for m in _TITLE.finditer(text)]
    tstarts = [s for s, _ in titles]
    found: list[dict] = []
    taken = _Taken(len(text))

    def _add(term: str, surface: str, kind: str, source: str, s: int, e: int) -> None:
        found.append(dict(term=term, surface=surface, kind=kind, dimension=dimension_of(term), source=source,
                          start=s, end=e))
        taken.add(s, e)

    for m in lex.pattern.finditer(text):
        if not _inside(titles, tstarts, m.start()):
            term = lex.term_of[m.group()]
            _add(term, m.group(), lex.kind.get(term, ""), "lexicon", m.start(), m.end())
    for m in _QUOTE.finditer(text):
        name = m.group(1).strip()
        if _inside(titles, tstarts, m.start()) or _NOT_NAME.search(name) or taken.overlaps(m.start(1), m.end(1)):
            continue
        if "+" in name and frozenset(name.split("+")) in lex.plus_terms:
            term = lex.plus_terms[frozenset(name.split("+"))]
            _add(term, name, lex.kind.get(term, ""), "lexicon", m.start(1), m.end(1))
            continue
        noun = _MECHANISM_NOUN.match(text, m.end())
        before = text[max(0, m.start() - 4): m.start()]
        if noun:
            # a short name is part of the mechanism's name: “金牌”调解室, “五老”评议团
            term, end = (name + noun.group(), m.end() + len(noun.group())) if len(name) <= 3 else (name, m.end(1))
            _add(term, text[m.start(1): end], noun.group(1), "quoted", m.start(1), end)
        elif _PRACTICE_VERB.search(before) and (_SLOGAN.search(name) or len(name) >= 4):
            _add(name, name, "标语" if _SLOGAN.search(name) else "名称", "quoted", m.start(1), m.end(1))
    for m in _SUFFIX.finditer(text):
        head_start = _phrase_start(text, m.start())
        if head_start is None or _inside(titles, tstarts, m.start()):
            continue
        stem = text[head_start: m.start()]
        if len(stem) < 3 or _GENERIC_STEM.match(stem) or taken.overlaps(head_start, m.end()):
            continue
        term = stem + m.group(1)
        _add(term, term, _SUFFIX_KIND.get(m.group(1), m.group(1)), "suffix", head_start, m.end())
    found.sort(key=lambda r: r["start"])
    return found


def _phrase_start(text: str, suffix_start: int, max_stem: int = 10) -> int | None:
    """Start of the noun phrase that ends at a suffix: after the nearest verb of setting up in the same run of
    Chinese characters, within ``max_stem`` characters; None when there is no such verb."""
    lo = max(0, suffix_start - max_stem - 4)
    run = _CJK_RUN.search(text[lo:suffix_start])
    if not run:
        return None
    window_start = lo + run.start()
    best = None
    for v in _SETUP_VERB.finditer(text, window_start, suffix_start):
        best = v.end()
    if best is None or suffix_start - best > max_stem:
        return None
    return best


def extract_measures(text: str, doc_id: str = "", sections: list[dict] | None = None,
                     items: list[dict] | None = None) -> list[dict]:
    """Every mechanism mention of a cleaned report as row dicts with the columns of ``MEASURE_COLUMNS``.

    Parameters
    ----------
    text : str
        The cleaned text of a report.
    doc_id : str, optional
        The report's id, given to every row and its ``measure_id``.
    sections, items : list of dict, optional
        The report's structure rows (``structure.parse_rows``); they give each mention its item, section and part.

    Returns
    -------
    list of dict
        One row per mention, with the columns of ``MEASURE_COLUMNS`` (``planned`` when in the plans part; the
        sentence that holds it).
    """
    sections = sections or []
    items = items or []
    ends = [m.end() for m in _SENT_END.finditer(text)]
    locate = Locator(sections, items)
    rows = []
    for n, r in enumerate(find_terms(text)):
        pos = r["start"]
        i = bisect_right(ends, pos)
        s_start, s_end = (ends[i - 1] if i else 0), (ends[i] if i < len(ends) else len(text))
        item, sec, part = locate(pos)
        rows.append({  # in the order of MEASURE_COLUMNS
            "doc_id": doc_id, "measure_id": f"{doc_id}-t{n + 1:03d}", "item_id": item["item_id"] if item else None,
            "section_id": sec["section_id"] if sec else None, "part": part, "planned": part == "plans",
            "term": r["term"], "surface": r["surface"], "kind": r["kind"], "dimension": r["dimension"],
            "source": r["source"], "sentence": text[s_start:s_end].strip(), "start": r["start"], "end": r["end"],
        })
    return rows


def measures_frame(rows: list[dict]) -> pd.DataFrame:
    """Measure rows as a DataFrame with stable dtypes.

    Parameters
    ----------
    rows : list of dict
        Rows of ``extract_measures``.

    Returns
    -------
    pandas.DataFrame
        The ``measures`` table: one row per mention, its columns in order.
    """
    return frame("measures", rows)
