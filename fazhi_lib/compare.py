"""Comparing reported quantities across reports: one number per report and indicator, with its source sentence.

The ``metrics`` table (one row per reported quantity: value, unit, unit_kind, indicator phrase, year, target,
cumulative, bound, role, sentence …) states numbers in many phrasings. This module maps each number to a canonical
indicator from the vocabulary ``fazhi_lib/vocab/indicators.csv`` (``canonical_indicator``), decides which numbers
are comparable across reports (``screen``), picks one number per (report, indicator) (``comparable``) and says which
reports state which indicators (``coverage``) and what was left out and why (``exclusions``).

Everything here is a pure function of DataFrames; the notebooks read the tables with ``fazhi_lib.store``.

Rules of ``comparable`` (in plain words, for researchers):

1. Only achieved values: a number flagged ``target`` or standing in the plans part (下一步/明年 …) is a goal, not a
   result, and is left out (``include_targets=True`` keeps them). The "from" side of a change (从88%提升至95%) is
   the old value and is left out; the "to" side is kept. A range (5-8名) is no single number and is left out.
2. One kind of unit per indicator: the kind the vocabulary gives for it (rates with rates, money with money, counts
   with counts). Numbers of another kind are left out and counted (reason ``other unit kind``).
3. When a report states an indicator several times, one number is taken, in this order of preference:
   a. the number that covers the report's period: for flows (cases, activities, copies, money) first a
      cumulative number over the whole period (三年来累计…), then a number without a year (or of the report's year,
      in a one-year report), then a cumulative number over another span, then the number of the report's last
      year, then other years; for rates and stocks (staff, grids, persons under supervision) the latest number;
   b. an exact number before a bound (95%以上, 不少于…);
   c. for counts and money the largest number (a report's overall total is larger than the parts it lists, and a
      number restated twice is not added up); for rates the first one stated.
   ``n_mentions`` says how many comparable numbers the report gave for the indicator.
4. Per year (``per_year=True``): a flow (cases, activities, copies, money: ``measure`` flow in the vocabulary) that
   covers n > 1 years — a cumulative number (its span read from the sentence: 三年来, 2022年以来, 2022—2024年,
   else the report's period) or a number without a year in a report covering ``year_end - year_start + 1`` = n
   years — is divided by n. Rates and stocks are never divided; a number attributed to one year covers one year.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from fazhi_lib.indicators import (
    RATE_KINDS,
    IndicatorRule,
    _norm,
    _opt,
    _rule_of,
    _vocab_kinds,
    canonical_indicator,
    indicator_rules,
    indicator_vocabulary,
)
from fazhi_lib.numerals import span_number
from fazhi_lib.schema import readable
from fazhi_lib.vocabulary import per_vocabulary

__all__ = [
    "COMPARABLE_COLUMNS",
    "IndicatorRule",
    "assign_canonical",
    "canonical_indicator",
    "comparable",
    "coverage",
    "cumulative_span",
    "exclusions",
    "indicator_rules",
    "indicator_vocabulary",
    "report_labels",
    "screen",
    "source_table",
]

#: Columns of ``comparable``'s result (the first ones are the core; the rest help quoting and checking).
COMPARABLE_COLUMNS = [
    "doc_id", "jurisdiction", "admin_level", "year_start", "year_end", "canonical_indicator", "unit", "unit_kind",
    "value", "value_per_year", "n_years", "cumulative", "per_year_applied", "sentence", "raw", "n_mentions",
    "report", "measure", "year", "part", "approx", "bound", "indicator", "metric_id",
]
_DEFAULTS: dict[str, object] = {
    "value": np.nan, "year": pd.NA, "item_id": None, "section_id": None, "part": "", "sentence": "", "raw": "",
    "unit": "", "unit_kind": "",
    "approx": False, "bound": "", "target": False, "indicator": "", "canonical_indicator": None,
    "cumulative": False, "start": -1, "end": -1, "linked_to": None, "role": "",
}


# ---- text helpers ---------------------------------------------------------------------------------------------------


_RANGE_RE = re.compile(r"(20\d\d|19\d\d)年?(?:度)?\s*(?:至|到|-|—|–|~|～)\s*(20\d\d|19\d\d)年")
_SINCE_RE = re.compile(r"(?:自|从)?(20\d\d|19\d\d)年(?:度)?(?:以来|来|至今|起)")
_N_YEARS_RE = re.compile(r"(?<![\d〇零一二两三四五六七八九十])([一二两三四五六七八九十]{1,3}|\d{1,2})年"
                         r"(?:来|以来|间|中|内|期间)|近([一二两三四五六七八九十]{1,3}|\d{1,2})年")


def cumulative_span(text: str, year_end: int | None = None) -> int | None:
    """Number of years a cumulative number covers, read from the text before it, or None when it does not say.

    Understands 三年来 / 近五年 / 3年间, 2022年以来 (up to ``year_end``) and 2022年至2024年; the last such phrase
    before the number wins. ``今年以来`` and ``全年`` are not spans (the caller's default applies).

    Parameters
    ----------
    text : str
        The sentence up to the number.
    year_end : int, optional
        The report's last year, the end of a span such as 2022年以来; without it such spans are not read.

    Returns
    -------
    int or None
        The number of years (1 to 30 for 三年来 and the like), or None.
    """
    text = _norm(text)
    best: tuple[int, int] | None = None  # (position, years)
    for m in _RANGE_RE.finditer(text):
        a, b = int(m.group(1)), int(m.group(2))
        if b >= a:
            best = max(best or (-1, 0), (m.start(), b - a + 1))
    if year_end is not None and not pd.isna(year_end):
        for m in _SINCE_RE.finditer(text):
            a = int(m.group(1))
            if int(year_end) >= a:
                best = max(best or (-1, 0), (m.start(), int(year_end) - a + 1))
    for m in _N_YEARS_RE.finditer(text):
        n = span_number(m.group(1) or m.group(2))
        if n and 1 <= n <= 30:
            best = max(best or (-1, 0), (m.start(), n))
    return best[1] if best else None


def _before(sentence: str, raw: str) -> str:
    s = _norm(sentence)
    i = s.find(_norm(raw)) if raw else -1
    return s if i < 0 else s[:i]


# ---- tables --------------------------------------------------------------------------------------------------------


def _metrics_frame(metrics: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``metrics`` with every schema column present and usable dtypes (missing columns get defaults)."""
    m = metrics.copy()
    for col, default in _DEFAULTS.items():
        if col not in m.columns:
            m[col] = default
    if "metric_id" not in m.columns:
        m["metric_id"] = [f"m{i}" for i in range(len(m))]
    m["value"] = pd.to_numeric(m["value"], errors="coerce").astype("float64")
    m["year"] = pd.to_numeric(m["year"], errors="coerce").astype("Int64")
    for col in ("approx", "target", "cumulative"):
        m[col] = m[col].astype("boolean").fillna(False).astype(bool)
    for col in ("part", "bound", "role", "unit", "unit_kind", "raw", "sentence", "indicator"):
        m[col] = m[col].astype("object").where(m[col].notna(), "").astype(str)
    m["canonical_indicator"] = m["canonical_indicator"].astype("object").where(m["canonical_indicator"].notna(), None)
    m["canonical_indicator"] = [c if c else None for c in m["canonical_indicator"]]
    return m


@per_vocabulary(maxsize=4096)
def _name_fits(canonical: str, unit_kind: str | None, unit: str | None) -> bool:
    """Whether the vocabulary admits a number of this unit under ``canonical``; a number of another unit kind is
    admitted here (``screen`` leaves it out as ``other unit kind``)."""
    rules = [r for r in indicator_rules() if r.canonical == canonical and r.fits(unit_kind, None)]
    return not rules or any(r.fits(unit_kind, unit) for r in rules)


def assign_canonical(metrics: pd.DataFrame, overwrite: bool = False) -> pd.DataFrame:
    """``metrics`` with ``canonical_indicator`` filled from the vocabulary.

    Parameters
    ----------
    metrics : pandas.DataFrame
        The `metrics` table (one row per reported quantity: indicator, sentence, unit, unit_kind,
        canonical_indicator …); missing columns get defaults.
    overwrite : bool, default False
        Name every row again (e.g. after extending ``indicators.csv``), not only those that need it.

    Returns
    -------
    pandas.DataFrame
        A copy where rows get ``canonical_indicator(indicator, sentence, unit_kind=..., unit=...)`` (None when no
        vocabulary row matches): rows without a canonical indicator, rows whose stored one no vocabulary row of that
        name admits for their unit (e.g. 210人 named 法治培训次数, a count of sessions; a number of another unit kind
        keeps its name and is left out by ``screen``), and all rows when ``overwrite``.
    """
    m = _metrics_frame(metrics)
    if overwrite:
        todo = m.index
    else:
        misfit = [c is not None and not _name_fits(c, _opt(k), _opt(u))
                  for c, k, u in zip(m["canonical_indicator"], m["unit_kind"], m["unit"], strict=True)]
        todo = m.index[m["canonical_indicator"].isna().to_numpy() | np.array(misfit, dtype=bool)]
    if len(todo):
        sub = m.loc[todo]
        m.loc[todo, "canonical_indicator"] = pd.Series([
            canonical_indicator(ind, sent, unit_kind=kind, unit=unit)
            for ind, sent, kind, unit in zip(sub["indicator"], sub["sentence"], sub["unit_kind"], sub["unit"],
                                             strict=True)
        ], index=todo, dtype="object")
    return m


def screen(metrics: pd.DataFrame, indicators: list[str] | None = None, include_targets: bool = False
           ) -> pd.DataFrame:
    """Every metrics row with its canonical indicator and the reason it cannot be compared ('' when it can).

    Parameters
    ----------
    metrics : pandas.DataFrame
        The `metrics` table (one row per reported quantity).
    indicators : list of str, optional
        The canonical indicators to keep: rows of other indicators are dropped, not counted (default: all).
    include_targets : bool, default False
        Count goals (flagged target or in the plans part) as comparable.

    Returns
    -------
    pandas.DataFrame
        The rows (canonical_indicator filled, see ``assign_canonical``) with two more columns:
        ``expected_unit_kind`` (the one kind of unit the indicator is compared in) and ``reason``, one of
        ``target`` (a goal: flagged target or in the plans part; kept when ``include_targets``),
        ``baseline of a change`` (the "from" value of 从A提升至B), ``range`` (the two ends of 5-8名), ``no value``,
        ``no canonical indicator``, ``other unit kind`` (e.g. a count stated for a rate indicator) or ''
        (comparable).
    """
    m = assign_canonical(metrics)
    if indicators is not None:
        m = m[m["canonical_indicator"].isin(list(indicators))].copy()
    reason = pd.Series("", index=m.index, dtype="object")
    if not include_targets:
        reason[m["target"] | m["part"].eq("plans")] = "target"
    reason[reason.eq("") & m["role"].eq("from")] = "baseline of a change"
    reason[reason.eq("") & m["role"].isin(["low", "high"])] = "range"
    reason[reason.eq("") & m["value"].isna()] = "no value"
    reason[reason.eq("") & m["canonical_indicator"].isna()] = "no canonical indicator"
    expected = _expected_kinds(m.loc[reason.eq("")])
    m["expected_unit_kind"] = m["canonical_indicator"].map(expected).astype("object")
    other = reason.eq("") & m["expected_unit_kind"].notna() & m["unit_kind"].ne(m["expected_unit_kind"])
    reason[other] = "other unit kind"
    m["reason"] = reason
    return m


def _expected_kinds(rows: pd.DataFrame) -> dict[str, str]:
    """The unit kind each canonical indicator is compared in: the vocabulary's, else the most frequent one."""
    out: dict[str, str] = {}
    vocab = _vocab_kinds()
    for name, group in rows.groupby("canonical_indicator", sort=False):
        kinds = vocab.get(str(name), ())
        if len(kinds) == 1:
            out[str(name)] = kinds[0]
            continue
        counts = group["unit_kind"][group["unit_kind"].ne("")].value_counts()
        if kinds:
            counts = counts[counts.index.isin(kinds)] if counts.index.isin(kinds).any() else counts
        if len(counts):
            top = counts[counts.eq(counts.max())].index
            order = list(kinds) + sorted(top)
            out[str(name)] = min(top, key=order.index)
    return out


def report_labels(documents: pd.DataFrame) -> pd.Series:
    """Short unique labels of reports for charts: jurisdiction (else title, else file name) and period.

    Parameters
    ----------
    documents : pandas.DataFrame
        The `documents` table (doc_id, jurisdiction, title, file_name, year_start, year_end).

    Returns
    -------
    pandas.Series
        One label per report indexed by doc_id, e.g. ``金龙坪街道 2022–2024``; a label that repeats an earlier one
        gets the first characters of the doc_id.
    """
    d = documents
    names = []
    for col in ("jurisdiction", "title", "file_name", "doc_id"):
        if col in d.columns:
            names.append(d[col].astype("object").where(d[col].notna() & d[col].astype(str).ne(""), None))
    name = names[0]
    for alt in names[1:]:
        name = name.where(name.notna(), alt)
    ys = pd.to_numeric(d.get("year_start", pd.Series(pd.NA, index=d.index)), errors="coerce").astype("Int64")
    ye = pd.to_numeric(d.get("year_end", pd.Series(pd.NA, index=d.index)), errors="coerce").astype("Int64")
    period = ["" if pd.isna(a) and pd.isna(b) else
              f"{b if pd.isna(a) else a}" + ("" if pd.isna(b) or pd.isna(a) or a == b else f"–{b}")
              for a, b in zip(ys, ye, strict=True)]
    labels = pd.Series([f"{n} {p}".strip() for n, p in zip(name, period, strict=True)], index=d["doc_id"].values)
    dup = labels.duplicated(keep="first")
    if dup.any():
        labels[dup] = [f"{lab} ({doc[:6]})" for lab, doc in zip(labels[dup], labels.index[dup], strict=True)]
    return labels


def _doc_info(documents: pd.DataFrame) -> pd.DataFrame:
    d = documents.drop_duplicates("doc_id").copy()
    for col in ("jurisdiction", "admin_level"):
        if col not in d.columns:
            d[col] = None
    for col in ("year_start", "year_end"):
        d[col] = pd.to_numeric(d[col], errors="coerce").astype("Int64") if col in d.columns else pd.array(
            [pd.NA] * len(d), dtype="Int64")
    d["report"] = report_labels(d).values
    return d[["doc_id", "report", "jurisdiction", "admin_level", "year_start", "year_end"]]


def _measure(canonical: str, unit_kind: str) -> str:
    rule = _rule_of(canonical)
    if unit_kind in RATE_KINDS:
        return "rate"
    if rule is not None:
        return rule.measure if rule.measure != "rate" else "stock"
    return "flow" if unit_kind in ("count", "money") else "stock"


def comparable(metrics: pd.DataFrame, documents: pd.DataFrame, *, indicators: list[str] | None = None,
               per_year: bool = False, include_targets: bool = False) -> pd.DataFrame:
    """One comparable number per (report, canonical indicator), with its source sentence.

    The choice rules are in the module docstring.

    Parameters
    ----------
    metrics : pandas.DataFrame
        The `metrics` table (one row per reported quantity).
    documents : pandas.DataFrame
        The `documents` table (one row per report: jurisdiction, admin_level, period).
    indicators : list of str, optional
        The canonical indicators wanted (default: all).
    per_year : bool, default False
        Divide multi-year flows by their number of years.
    include_targets : bool, default False
        Keep goals.

    Returns
    -------
    pandas.DataFrame
        One row per report and indicator (columns ``COMPARABLE_COLUMNS``), sorted by indicator and
        ``value_per_year`` (largest first). ``value`` is the number as stated (in base units: 2.5万份 → 25000);
        ``value_per_year`` is ``value`` divided by ``n_years`` where ``per_year_applied``, else ``value``.
        ``result.attrs["excluded"]`` holds {reason: number of rows left out} (see ``exclusions`` for details).
    """
    s = screen(metrics, indicators=indicators, include_targets=include_targets)
    excluded = s.loc[s["reason"].ne(""), "reason"].value_counts().to_dict()
    kept = s[s["reason"].eq("")]
    if kept.empty:
        out = pd.DataFrame(columns=COMPARABLE_COLUMNS)
        out.attrs["excluded"] = excluded
        return out
    k = kept.merge(_doc_info(documents), on="doc_id", how="left")
    k["measure"] = [_measure(c, u) for c, u in zip(k["canonical_indicator"], k["expected_unit_kind"], strict=True)]
    span = (k["year_end"] - k["year_start"] + 1).astype("Int64")
    report_years = span.where(span >= 1)
    cum_span = pd.Series(pd.array([
        cumulative_span(_before(s_, r), ye) if c else None
        for s_, r, ye, c in zip(k["sentence"], k["raw"], k["year_end"], k["cumulative"], strict=True)
    ], dtype="Int64"), index=k.index)
    year = k["year"]
    one_or_period = report_years.where(year.isna(), 1)  # a number attributed to one year covers one year
    k["n_years"] = cum_span.fillna(one_or_period).where(k["cumulative"], one_or_period).astype("Int64")

    cumulative = k["cumulative"].to_numpy(dtype=bool)
    latest = (year.isna() | k["year_end"].isna() | year.ge(k["year_end"])).fillna(True).to_numpy(dtype=bool)
    whole = k["n_years"].eq(report_years).fillna(True).to_numpy(dtype=bool)
    flow_rank = np.select([cumulative & whole, whole & latest, cumulative, latest], [0, 1, 2, 3], 4)
    k["_cover"] = np.where(k["measure"].eq("flow").to_numpy(dtype=bool), flow_rank, np.where(latest, 0, 1))
    k["_bound"] = k["bound"].ne("").astype(int)
    k["_year"] = -year.fillna(k["year_end"]).fillna(0).astype("int64")
    k["_pick"] = np.where(k["measure"].eq("rate"), pd.to_numeric(k["start"], errors="coerce").fillna(0),
                          -k["value"])
    k = k.sort_values(["doc_id", "canonical_indicator", "_cover", "_bound", "_year", "_pick", "start"],
                      kind="stable")
    k["n_mentions"] = k.groupby(["doc_id", "canonical_indicator"])["value"].transform("size").astype("int64")
    best = k.drop_duplicates(["doc_id", "canonical_indicator"], keep="first").copy()
    flow = best["measure"].eq("flow")
    applied = (flow & best["n_years"].fillna(1).gt(1)) if per_year else pd.Series(False, index=best.index)
    best["per_year_applied"] = applied.astype(bool)
    best["value_per_year"] = np.where(best["per_year_applied"],
                                      best["value"] / best["n_years"].fillna(1).astype("float64"), best["value"])
    best = best.sort_values(["canonical_indicator", "value_per_year"], ascending=[True, False], kind="stable")
    out = best[COMPARABLE_COLUMNS].reset_index(drop=True)
    out.attrs["excluded"] = excluded
    return out


def coverage(metrics: pd.DataFrame, documents: pd.DataFrame, *, indicators: list[str] | None = None,
             include_targets: bool = False) -> pd.DataFrame:
    """Which reports state which indicators: a report × canonical indicator matrix of counts.

    Parameters
    ----------
    metrics : pandas.DataFrame
        The `metrics` table (one row per reported quantity).
    documents : pandas.DataFrame
        The `documents` table (doc_id, status).
    indicators : list of str, optional
        The canonical indicators counted (default: all).
    include_targets : bool, default False
        Count goals too (see ``screen``).

    Returns
    -------
    pandas.DataFrame
        Indexed by doc_id (every document with status ok or warning, so reports stating nothing show as rows of
        zeros) with one integer column per canonical indicator: the number of comparable numbers (see ``screen``)
        the report states for it. Columns are ordered by the number of reports that state the indicator (most
        covered first). ``(result > 0)`` is the yes/no matrix; ``report_labels(documents)`` gives readable row
        labels.
    """
    d = documents
    if "status" in d.columns:
        d = readable(d)
    doc_ids = list(dict.fromkeys(d["doc_id"]))
    s = screen(metrics, indicators=indicators, include_targets=include_targets)
    s = s[s["reason"].eq("") & s["doc_id"].isin(doc_ids)]
    if s.empty:
        return pd.DataFrame(index=pd.Index(doc_ids, name="doc_id"), dtype="int64")
    counts = pd.crosstab(s["doc_id"], s["canonical_indicator"]).reindex(doc_ids, fill_value=0)
    reports = counts.gt(0).sum()
    order = sorted(counts.columns, key=lambda c: (-reports[c], -counts[c].sum(), c))
    counts = counts[order].astype("int64")
    counts.index.name, counts.columns.name = "doc_id", "canonical_indicator"
    return counts


def exclusions(metrics: pd.DataFrame, indicators: list[str] | None = None, include_targets: bool = False
               ) -> pd.DataFrame:
    """What ``comparable`` leaves out and why: one row per (reason, canonical indicator).

    Parameters
    ----------
    metrics : pandas.DataFrame
        The `metrics` table (one row per reported quantity).
    indicators : list of str, optional
        As for ``comparable``.
    include_targets : bool, default False
        As for ``comparable``.

    Returns
    -------
    pandas.DataFrame
        Columns reason, canonical_indicator ('' when none), unit_kinds (the kinds left out, for
        ``other unit kind``), n_numbers, n_reports, example (one source sentence); most frequent first.
    """
    s = screen(metrics, indicators=indicators, include_targets=include_targets)
    s = s[s["reason"].ne("")].copy()
    cols = ["reason", "canonical_indicator", "unit_kinds", "n_numbers", "n_reports", "example"]
    if s.empty:
        return pd.DataFrame(columns=cols)
    s["canonical_indicator"] = s["canonical_indicator"].fillna("")
    g = s.groupby(["reason", "canonical_indicator"], sort=False)
    out = g.agg(unit_kinds=("unit_kind", lambda x: ", ".join(sorted(set(x) - {""}))),
                n_numbers=("value", "size"), n_reports=("doc_id", "nunique"),
                example=("sentence", "first")).reset_index()
    return out.sort_values(["n_numbers", "reason"], ascending=[False, True], kind="stable").reset_index(drop=True)[cols]


def source_table(table: pd.DataFrame, mark: tuple[str, str] = ("【", "】")) -> pd.DataFrame:
    """The numbers of a ``comparable`` result with their quoted source, ready to show or export.

    Parameters
    ----------
    table : pandas.DataFrame
        (A subset of) ``comparable``'s result.
    mark : tuple of (str, str), default ("【", "】")
        The marks put before and after the number in its sentence.

    Returns
    -------
    pandas.DataFrame
        Columns report, indicator (canonical), raw, value, unit, value_per_year, year, part, sentence — the
        sentence with the number marked 【like this】 — in the input's order.
    """
    cols = ["report", "canonical_indicator", "raw", "value", "unit", "value_per_year", "year", "part", "sentence"]
    t = table.reindex(columns=cols).copy()
    left, right = mark

    def _quote(sentence: object, raw: object) -> str:
        s = "" if sentence is None or (not isinstance(sentence, str) and pd.isna(sentence)) else str(sentence)
        r = "" if raw is None or (not isinstance(raw, str) and pd.isna(raw)) else str(raw)
        return s.replace(r, f"{left}{r}{right}", 1) if r and r in s else s

    t["sentence"] = [_quote(s, r) for s, r in zip(t["sentence"], t["raw"], strict=True)]
    return t.rename(columns={"canonical_indicator": "indicator"}).reset_index(drop=True)


# ---- loading for notebooks ------------------------------------------------------------------------------------------
