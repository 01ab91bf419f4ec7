"""Panels: the reports of one jurisdiction across years, linked into one series.

A corpus collected over several years holds the same township, street office, county or department two to six times.
``link_panels`` gives every readable report a ``panel_id`` shared by the reports of the same jurisdiction, and its
``position`` in time; ``report_pairs`` lists each report with the next report of its panel (the one whose plans it
should carry out).

How reports are linked (in plain words, for researchers):

1. **The key is the jurisdiction's name** (``documents.jurisdiction``: 大安街道, 三湖镇, 金溪县司法局), with what
   does not change the unit taken off (white space, a trailing 办事处 or 人民政府). A name written with the units
   above it (永林区云田街道, 湖南省衡阳县三湖镇) is the last unit's name, the units before it count as its region;
   a department keeps its county (金溪县司法局 is not 青石县司法局).
2. **The region keeps same-named units apart.** Many counties have a 城关镇 or a 城东街道; ``documents.region``
   (重庆市永川区, 衡阳县) tells them apart. Two regions agree when the administrative units of one are all among
   those of the other (永川区 and 重庆市永川区 agree; 永川区 and 江津区 do not). Reports of one name whose regions
   agree form one panel; a report whose region agrees with two panels that disagree with each other is left alone.
3. **A report without region joins when the match is unique:** when its name has exactly one panel (with or
   without region), and that panel has no report of an overlapping period. Otherwise — the name belongs to several
   regions, or two region-less reports of the name cover the same year (they cannot be one place) — it stands
   alone rather than be linked to the wrong place.
4. **A researcher's key wins.** A non-empty ``panel`` column in ``metadata.csv`` (carried into
   ``documents.panel`` by ``fazhi ingest``) is used as the report's ``panel_id`` as given; reports with the same
   value form one panel, whatever their names. A value equal to an automatic id (say 青石县城关镇) joins that panel.
5. **Periods are what the report covers.** A multi-year report (2022–2024) stands as one period. Positions follow
   the last year, then the first year, then the doc_id; a report without a year stands alone.

Automatic ids are readable: the region and the name (重庆市永川区大安街道), the name alone for a panel without any
region, and name#doc for a report that could not be placed. Everything here is a pure function of DataFrames.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd

from fazhi_lib.schema import PANEL_COLUMNS, readable

__all__ = [
    "PAIR_COLUMNS",
    "PANEL_COLUMNS",
    "jurisdiction_key",
    "link_panels",
    "region_units",
    "regions_agree",
    "report_pairs",
    "split_name",
]

PAIR_COLUMNS = ["panel_id", "doc_id", "next_doc_id", "year_end", "next_year_start", "next_year_end"]

#: Endings of an organisation's name that do not change the unit: 大安街道办事处 = 大安街道.
_ORG_SUFFIXES = ("办事处", "人民政府", "政府")
#: One administrative unit of a region, up to and including its level word (自治县 before 县, 自治区 before 区).
_UNIT = re.compile(r".+?(?:特别行政区|自治区|自治州|自治县|自治旗|地区|省|市|州|盟|县|区|旗)")
_SPACE = re.compile(r"\s+")
#: A unit's name written after the units above it: their names, then a name of two or more characters and its level.
_UNIT_LEVELS = "街道|镇|乡|苏木|县|区|市|旗"
_NESTED = re.compile(rf"((?:.+?(?:特别行政区|自治区|自治州|自治县|省|市|州|盟|县|区|旗))+)(..+?(?:{_UNIT_LEVELS}))")


def _text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(value)))


def jurisdiction_key(name: object) -> str:
    """The name a jurisdiction is linked by: NFKC, without white space or a trailing 办事处 / 人民政府.

    Parameters
    ----------
    name : object
        A jurisdiction's name as the documents table holds it (None or NaN when missing).

    Returns
    -------
    str
        ``"大安街道办事处"`` → ``"大安街道"``; ``""`` for a missing name.
    """
    key = _text(name)
    for suffix in _ORG_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            key = key[: -len(suffix)]
            break
    return key


def split_name(name: str) -> tuple[str, str]:
    """A jurisdiction's own name and the units written before it.

    Only a township, street office or county-level unit is split, and only when its own name keeps two characters
    before its level (城区街道 stays whole).

    Parameters
    ----------
    name : str
        A jurisdiction's name (``jurisdiction_key``).

    Returns
    -------
    tuple of (str, str)
        The unit's own name and the units before it: ``"永林区云田街道"`` → (云田街道, 永林区), ``"三湖镇"`` →
        (三湖镇, "").
    """
    m = _NESTED.fullmatch(name)
    return (m.group(2), m.group(1)) if m else (name, "")


def region_units(region: object) -> frozenset[str]:
    """The administrative units a region names.

    Parameters
    ----------
    region : object
        A region as the documents table holds it (None or NaN when missing).

    Returns
    -------
    frozenset of str
        ``"重庆市永川区"`` → {重庆市, 永川区}; empty when missing. What follows the last level word counts as a unit.
    """
    text = _text(region)
    units = _UNIT.findall(text)
    rest = text[sum(len(u) for u in units):]
    return frozenset([*units, rest] if rest else units)


def regions_agree(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two regions can be the same place: the units of one are all among the other's.

    Parameters
    ----------
    a, b : frozenset of str
        The units of two regions (``region_units``).

    Returns
    -------
    bool
        True when one region's units are a subset of the other's (an empty region agrees with every region).
    """
    return a <= b or b <= a


@dataclass
class _Panel:
    """Reports of one name being gathered into a panel: their regions and periods."""

    units: frozenset[str]
    members: list[int] = field(default_factory=list)
    periods: list[tuple[int, int]] = field(default_factory=list)

    def overlaps(self, period: tuple[int, int]) -> bool:
        return any(a <= period[1] and period[0] <= b for a, b in self.periods)

    def add(self, i: int, units: frozenset[str], period: tuple[int, int]) -> None:
        self.members.append(i)
        self.periods.append(period)
        self.units = self.units | units


def _group_one_name(units: list[frozenset[str]], periods: list[tuple[int, int]]
                    ) -> tuple[list[list[int]], list[int]]:
    """The reports of one name (their regions and periods) grouped by the rules of the module docstring.

    Returns (panels, alone): lists of positions forming a panel (possibly of one report), and the reports that could
    not be placed."""
    regioned = sorted((i for i in range(len(units)) if units[i]), key=lambda i: (-len(units[i]), i))
    panels: list[_Panel] = []
    alone: list[int] = []
    for i in regioned:  # the most specific regions first, so that 重庆市 meets 重庆市永川区 after it
        fits = [p for p in panels if all(regions_agree(units[i], units[j]) for j in p.members)]
        if len(fits) == 1:
            fits[0].add(i, units[i], periods[i])
        elif not fits:
            panels.append(_Panel(units[i], [i], [periods[i]]))
        else:
            alone.append(i)
    bare = [i for i in range(len(units)) if not units[i]]
    # two region-less reports of overlapping periods cannot be one place: neither can be placed
    clash = {i for i in bare for j in bare if i != j and _overlap(periods[i], periods[j])}
    if len(panels) > 1:
        alone.extend(bare)
    elif len(panels) == 1:
        for i in bare:
            if i in clash or panels[0].overlaps(periods[i]):
                alone.append(i)
            else:
                panels[0].add(i, frozenset(), periods[i])
    elif clash:
        alone.extend(bare)
    elif bare:
        panels.append(_Panel(frozenset(), list(bare), [periods[i] for i in bare]))
    return [sorted(p.members) for p in panels], sorted(alone)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _join_regions(region: str, above: str) -> str:
    """The region given and the units written before the name, as one region (each unit once)."""
    if not above or above in region:
        return region
    units = region_units(region)
    return region + "".join(u for u in _UNIT.findall(above) if u not in units) if region else above


def _auto_id(regions: list[str], name: str) -> str:
    """A readable panel id: the most specific region among the panel's reports, then the name."""
    return max(regions, key=lambda r: (len(region_units(r)), len(r), r)) + name


def _empty() -> pd.DataFrame:
    out = pd.DataFrame(columns=PANEL_COLUMNS)
    return out.astype({"year_start": "Int64", "year_end": "Int64", "position": "int64", "n_reports": "int64"})


def link_panels(documents: pd.DataFrame) -> pd.DataFrame:
    """Link the reports of one jurisdiction across years.

    Parameters
    ----------
    documents : pandas.DataFrame
        The `documents` table (doc_id, status, jurisdiction, admin_level, region, year_start, year_end and, when
        ``fazhi ingest`` read a ``metadata.csv`` with one, ``panel``). Failed reports and duplicates are left out.

    Returns
    -------
    pandas.DataFrame
        One row per readable report, columns ``PANEL_COLUMNS``: its ``panel_id`` (see the module docstring),
        jurisdiction, admin_level, region and period as in ``documents``, ``position`` (1 = earliest report of the
        panel) and ``n_reports`` (reports in the panel; 1 when the report has no other year in the corpus).
        Sorted by panel_id and position.
    """
    if documents.empty:
        return _empty()
    d = documents
    if "status" in d.columns:
        d = readable(d)
    d = d.drop_duplicates("doc_id").reset_index(drop=True).copy()
    for col in ("jurisdiction", "admin_level", "region", "panel"):
        if col not in d.columns:
            d[col] = None
    for col in ("year_start", "year_end"):
        d[col] = pd.to_numeric(d[col], errors="coerce").astype("Int64")
    d["year_start"] = d["year_start"].fillna(d["year_end"])
    d["year_end"] = d["year_end"].fillna(d["year_start"])
    split = [split_name(jurisdiction_key(x)) for x in d["jurisdiction"]]
    d["_name"] = [name for name, _ in split]
    ids: list[str | None] = [_text(x) or None for x in d["panel"]]
    names, doc_ids = d["_name"].tolist(), d["doc_id"].tolist()
    regions = [_join_regions(_text(x), above) for x, (_, above) in zip(d["region"], split, strict=True)]
    starts, ends = d["year_start"].tolist(), d["year_end"].tolist()
    by_name: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        if ids[i] is not None:
            continue
        if name and ends[i] is not pd.NA:
            by_name.setdefault(name, []).append(i)
        else:
            ids[i] = f"{name or '?'}#{doc_ids[i][:8]}"
    for name, rows in by_name.items():
        panels, alone = _group_one_name([region_units(regions[i]) for i in rows],
                                        [(int(starts[i]), int(ends[i])) for i in rows])
        for members in panels:
            pid = _auto_id([regions[rows[m]] for m in members], name)
            for m in members:
                ids[rows[m]] = pid
        for m in alone:
            ids[rows[m]] = f"{name}#{doc_ids[rows[m]][:8]}"
    d["panel_id"] = ids
    d = d.sort_values(["panel_id", "year_end", "year_start", "doc_id"], kind="stable", na_position="last")
    d["position"] = d.groupby("panel_id").cumcount().astype("int64") + 1
    d["n_reports"] = d.groupby("panel_id")["doc_id"].transform("size").astype("int64")
    return d[PANEL_COLUMNS].reset_index(drop=True)


def report_pairs(panel: pd.DataFrame) -> pd.DataFrame:
    """Each report with the next report of its panel: the one that should carry out its plans.

    Parameters
    ----------
    panel : pandas.DataFrame
        The `panel` table (``link_panels``).

    Returns
    -------
    pandas.DataFrame
        Columns ``PAIR_COLUMNS``, one row per report that has a next report: among the reports of its panel that
        begin after its last year, the earliest (by first year, last year, doc_id). A three-year report 2022–2024
        is followed by the 2025 report; two reports of overlapping periods are not a pair.
    """
    p = panel[(panel["n_reports"] > 1) & panel["year_end"].notna()]
    p = p.sort_values(["panel_id", "year_start", "year_end", "doc_id"], kind="stable")
    reports: dict[str, list[tuple[int, int, str]]] = {}
    for pid, doc, start, end in zip(p["panel_id"], p["doc_id"], p["year_start"], p["year_end"], strict=True):
        reports.setdefault(pid, []).append((int(start), int(end), doc))
    rows = []
    for pid, series in reports.items():  # a handful of reports each: a scan is enough
        for _start, end, doc in series:
            nxt = next((r for r in series if r[0] > end), None)
            if nxt is not None:
                rows.append((pid, doc, nxt[2], end, nxt[0], nxt[1]))
    out = pd.DataFrame(rows, columns=PAIR_COLUMNS)
    return out.astype({"year_end": "int64", "next_year_start": "int64", "next_year_end": "int64"})
