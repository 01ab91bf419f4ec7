"""Trends: a jurisdiction's key numbers over the years, one comparable number per report and indicator.

``indicator_trends`` applies the rules of ``fazhi_lib.compare.comparable`` (achieved values only, the number that
covers the report's period, per year for flows of multi-year reports — as notebook 30 compares jurisdictions) to the
reports of each panel (``fazhi_lib.panels``), so that the numbers of one jurisdiction can be read in time order. A pure
function of DataFrames.
"""

from __future__ import annotations

import pandas as pd

from fazhi_lib.compare import comparable
from fazhi_lib.schema import TREND_COLUMNS

__all__ = ["TREND_COLUMNS", "indicator_trends"]



def indicator_trends(panel: pd.DataFrame, metrics: pd.DataFrame, documents: pd.DataFrame, *, per_year: bool = True,
                     min_reports: int = 2) -> pd.DataFrame:
    """The canonical indicators of each panel over its reports.

    Parameters
    ----------
    panel : pandas.DataFrame
        The `panel` table (``panels.link_panels``: panel_id, doc_id, position, year_start, year_end, n_reports).
    metrics : pandas.DataFrame
        The `metrics` table (one row per reported quantity).
    documents : pandas.DataFrame
        The `documents` table (one row per report: its period).
    per_year : bool, default True
        Divide counts and money of multi-year reports by their number of years (as ``compare.comparable``).
    min_reports : int, default 2
        Keep an indicator of a panel when at least this many of its reports state it (a trend needs two points).

    Returns
    -------
    pandas.DataFrame
        Columns ``TREND_COLUMNS``: one row per report of a panel of several reports and canonical indicator, with
        the comparable number (``value``, ``value_per_year``) and its source sentence, sorted by panel, indicator
        and position.
    """
    linked = panel[panel["n_reports"] >= max(min_reports, 2)]
    if linked.empty or metrics.empty:
        return _empty()
    docs = set(linked["doc_id"])
    table = comparable(metrics[metrics["doc_id"].isin(docs)], documents[documents["doc_id"].isin(docs)],
                       per_year=per_year)
    if table.empty:
        return _empty()
    out = table.drop(columns=["year_start", "year_end"]).merge(
        linked[["panel_id", "doc_id", "position", "year_start", "year_end"]], on="doc_id", how="inner")
    stated = out.groupby(["panel_id", "canonical_indicator"])["doc_id"].transform("nunique")
    out = out[stated >= min_reports]
    out = out.sort_values(["panel_id", "canonical_indicator", "position"], kind="stable")
    return out[TREND_COLUMNS].reset_index(drop=True)


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=TREND_COLUMNS).astype({"position": "int64", "year_start": "Int64",
                                                        "year_end": "Int64", "value": "float64",
                                                        "value_per_year": "float64", "per_year_applied": "bool"})
