"""The tables of a corpus, in one place: names, columns, dtypes, document statuses, which reports are readable.

``fazhi ingest`` writes the ingest tables (``TABLES``), ``fazhi analyze`` the analysis tables beside them
(``ANALYSIS_TABLES``). Every offset (``start``, ``end``) points into ``texts.text`` of the same ``doc_id``.

- ``documents``: one row per input report file, whatever happened to it (``status``, see ``STATUSES``);
- ``texts``: the cleaned text of every document that has one, a failed one included (for reading what went wrong);
- ``sections`` and ``items``: the report's numbered structure (``fazhi_lib.structure``);
- ``metrics``: one row per reported quantity (``fazhi_lib.metrics``);
- ``measures``: one row per mention of a rule-of-law mechanism (``fazhi_lib.measures``);
- ``cleaning``: what cleaning removed or changed, per document;
- ``skipped``: files that are not reports of a supported format, with the reason.

Only readable reports (``readable``: status ok or warning) enter an analysis; a failed document and a duplicate
never do, whatever other tables hold of them.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

__all__ = [
    "ANALYSIS_TABLES",
    "COLUMNS",
    "READABLE",
    "STATUSES",
    "TABLES",
    "YEAR_OVER_YEAR_TABLES",
    "frame",
    "readable",
    "readable_ids",
]

#: What became of an input file: read (ok), read with a remark (warning), not read (failed), a second copy.
STATUSES = ("ok", "warning", "failed", "duplicate")
#: The statuses of a report whose text was read and parsed: the only ones analyses count.
READABLE = ("ok", "warning")

DOCUMENT_COLUMNS = [
    "doc_id", "source", "file_name", "title", "jurisdiction", "admin_level", "region", "year_start", "year_end",
    "panel", "parts", "n_chars", "n_sections", "n_items", "sha256", "encoding", "format", "status", "message",
    "duplicate_of",
]
TEXT_COLUMNS = ["doc_id", "text"]
SECTION_COLUMNS = ["doc_id", "section_id", "parent_id", "level", "marker", "heading", "part", "start", "end"]
ITEM_COLUMNS = ["doc_id", "item_id", "section_id", "part", "marker", "title", "text", "start", "end", "kind"]
METRIC_COLUMNS = [
    "doc_id", "metric_id", "item_id", "section_id", "part", "sentence", "raw", "value", "unit", "unit_kind",
    "approx", "bound", "target", "year", "indicator", "canonical_indicator", "cumulative", "start", "end",
    "linked_to", "role",
]
MEASURE_COLUMNS = [
    "doc_id", "measure_id", "item_id", "section_id", "part", "planned", "term", "surface", "kind", "dimension",
    "source", "sentence", "start", "end",
]
CLEANING_COLUMNS = ["doc_id", "action", "line", "text", "reason", "count"]
SKIPPED_COLUMNS = ["source", "reason"]

TOPIC_COLUMNS = ["doc_id", "item_id", "topic", "topic_label", "score"]
TOPIC_TABLE_COLUMNS = ["topic", "topic_label", "size", "n_reports", "top_terms", "examples"]
REMEDY_COLUMNS = ["doc_id", "problem_item_id", "plan_item_id", "similarity", "matched"]
SHARED_COLUMNS = ["doc_id_a", "doc_id_b", "text_a", "text_b", "similarity", "start_a", "start_b", "group",
                  "n_reports"]
PANEL_COLUMNS = ["panel_id", "doc_id", "jurisdiction", "admin_level", "region", "year_start", "year_end",
                 "position", "n_reports"]
PROMISE_COLUMNS = ["doc_id", "plan_item_id", "next_doc_id", "next_item_id", "similarity", "kept", "evidence",
                   "restated_item_id"]
RECURRING_COLUMNS = ["doc_id", "item_id", "next_doc_id", "next_item_id", "similarity", "verbatim", "same_topic"]
COPIED_COLUMNS = ["panel_id", "doc_id", "next_doc_id", "year_end", "next_year_end", "segments", "copied", "share"]
TREND_COLUMNS = ["panel_id", "doc_id", "position", "year_start", "year_end", "canonical_indicator", "unit",
                 "unit_kind", "value", "value_per_year", "per_year_applied", "n_years", "sentence", "metric_id"]

#: The tables ``fazhi ingest`` writes.
TABLES = ("documents", "texts", "sections", "items", "metrics", "measures", "cleaning", "skipped")
#: One row per input file: held in memory and written once at the end of a streamed ingest.
WHOLE_TABLES = ("documents", "skipped")
#: Rows per document: written batch by batch.
STREAMED_TABLES = tuple(t for t in TABLES if t not in WHOLE_TABLES)
#: The year-over-year tables (``fazhi_lib.analysis.year_over_year``).
YEAR_OVER_YEAR_TABLES = ("panel", "promises", "recurring_problems", "copied_text", "indicator_trends")
#: The tables ``fazhi analyze`` writes beside the ingest tables.
ANALYSIS_TABLES = ("problem_topics", "topics", "remedies", "shared_sentences", *YEAR_OVER_YEAR_TABLES)

#: Every table's columns, in order.
COLUMNS: dict[str, list[str]] = {
    "documents": DOCUMENT_COLUMNS, "texts": TEXT_COLUMNS, "sections": SECTION_COLUMNS, "items": ITEM_COLUMNS,
    "metrics": METRIC_COLUMNS, "measures": MEASURE_COLUMNS, "cleaning": CLEANING_COLUMNS,
    "skipped": SKIPPED_COLUMNS, "problem_topics": TOPIC_COLUMNS, "topics": TOPIC_TABLE_COLUMNS,
    "remedies": REMEDY_COLUMNS, "shared_sentences": SHARED_COLUMNS, "panel": PANEL_COLUMNS,
    "promises": PROMISE_COLUMNS, "recurring_problems": RECURRING_COLUMNS, "copied_text": COPIED_COLUMNS,
    "indicator_trends": TREND_COLUMNS,
}

# The dtypes an ingest table's columns are given when built from row dicts (the others stay as pandas infers them):
# "Int64" for a whole number that may be missing (a year), "int64" for a count or offset (missing counts as 0).
DTYPES: dict[str, dict[str, str]] = {
    "documents": {"year_start": "Int64", "year_end": "Int64", "n_chars": "int64", "n_sections": "int64",
                  "n_items": "int64"},
    "sections": {"level": "int64", "start": "int64", "end": "int64"},
    "items": {"start": "int64", "end": "int64"},
    "metrics": {"year": "Int64", "approx": "bool", "target": "bool", "cumulative": "bool", "start": "int64",
                "end": "int64", "value": "float"},
    "measures": {"planned": "bool", "start": "int64", "end": "int64"},
    "cleaning": {"line": "Int64", "count": "int64"},
}


def _cast(column: pd.Series, dtype: str) -> pd.Series:
    if dtype == "Int64":
        return pd.to_numeric(column, errors="coerce").astype("Int64")
    if dtype == "int64":
        return column.fillna(0).astype("int64")
    return column.astype(dtype)


def frame(name: str, rows: Iterable[dict] | Iterable[tuple]) -> pd.DataFrame:
    """The table ``name`` built from its rows, with its columns in order and its dtypes.

    Parameters
    ----------
    name : str
        One of ``COLUMNS``.
    rows : iterable of dict or tuple
        The rows, as dicts keyed by column (missing keys are empty) or as tuples in column order.

    Returns
    -------
    pandas.DataFrame
        The same columns and dtypes whatever the rows, none included.
    """
    df = pd.DataFrame(list(rows), columns=COLUMNS[name])
    for column, dtype in DTYPES.get(name, {}).items():
        df[column] = _cast(df[column], dtype)
    return df


def readable(documents: pd.DataFrame) -> pd.DataFrame:
    """The reports read without failure (status ok or warning): neither failed documents nor duplicates.

    Parameters
    ----------
    documents : pandas.DataFrame
        A documents table, or any table with a ``status`` column.

    Returns
    -------
    pandas.DataFrame
        Its rows of readable reports, in order.
    """
    return documents[documents["status"].isin(READABLE)]


def readable_ids(documents: pd.DataFrame) -> set[str]:
    """The ``doc_id`` of every readable report (``readable``).

    Parameters
    ----------
    documents : pandas.DataFrame
        A documents table (``doc_id`` and ``status`` columns).

    Returns
    -------
    set of str
        The ids of the reports with status ok or warning.
    """
    return set(readable(documents)["doc_id"])
