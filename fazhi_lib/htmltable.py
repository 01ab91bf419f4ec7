"""Readable HTML tables for rendered briefs, laid out like a table in a printed report.

Chinese text is left-aligned and wrapped, numbers right-aligned with thousands separators, and wide tables scroll
sideways instead of squeezing their columns.

pandas' ``to_html`` right-aligns every header, leaves long report sentences on one line and prints ``12345.0``;
a brief forwarded to a colleague should read like a table in a printed report. Every cell and header is escaped
(``safehtml.escape``): cells hold report text.
"""

from __future__ import annotations

import math
from collections import namedtuple
from collections.abc import Iterable, Mapping
from functools import cache

import pandas as pd

from fazhi_lib.i18n import header, value_label
from fazhi_lib.safehtml import escape

__all__ = ["LONG_TEXT", "TABLE_CSS", "column_class", "fields_table", "format_number", "format_percent",
           "localized_table", "readable_table", "records"]

#: A text column whose longest value has more characters than this is wrapped with a minimum width (a sentence);
#: shorter ones (markers, units, terms) stay on one line.
LONG_TEXT = 16

#: The selectors name the wrapping box (``.fz-scroll``) so that they outweigh a notebook page's own table rules
#: (JupyterLab right-aligns every cell and header of an output).
TABLE_CSS = """
.fz-scroll{overflow-x:auto;max-width:100%;margin:.6em 0 1.2em}
table.fz{border-collapse:collapse;font-size:.92em;line-height:1.55}
table.fz th,table.fz td{padding:.35em .7em;border-bottom:1px solid #dfe3e8;vertical-align:top}
.fz-scroll table.fz thead th{background:#f3f5f8;border-bottom:2px solid #c9d0d8;text-align:left;white-space:nowrap}
.fz-scroll table.fz th.n,table.fz td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
table.fz td.s{text-align:left;white-space:nowrap}
table.fz td.t{text-align:left;white-space:normal;min-width:12em;max-width:40em;overflow-wrap:anywhere}
table.fz tbody tr:hover{background:#fafbfc}
table.fz tbody tr.hl{background:#fdecea}table.fz td.c{text-align:center}
table.fz caption{caption-side:bottom;text-align:left;color:#57606a;font-size:.9em;padding-top:.3em}
.fz-scroll table.fz-fields th{text-align:left;font-weight:600;background:none;border-bottom:1px solid #eef0f3;
white-space:nowrap;color:#444}
.fz-scroll table.fz-fields td{text-align:left;overflow-wrap:anywhere}
"""


def format_number(value: object, decimals: int | None = None) -> str:
    """A number for a table cell, with thousands separators (``12,345``).

    Parameters
    ----------
    value : object
        A number, a boolean, None, NaN or NA; anything that is no number is shown as ``str(value)``.
    decimals : int, optional
        Fixed decimal places (``0.50``); default: whole numbers without decimals and others with up to two
        (``99.1``, ``8,333.33``).

    Returns
    -------
    str
        The cell's text: ``""`` for None, NaN and NA, ✓ / ✗ for booleans, ∞ for infinities.
    """
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, bool):
        return "✓" if value else "✗"
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(number):
        return ""
    if math.isinf(number):
        return "∞" if number > 0 else "−∞"
    if decimals is not None:
        return f"{number:,.{decimals}f}"
    if number.is_integer() and abs(number) < 1e15:
        return f"{int(number):,}"
    return f"{number:,.2f}".rstrip("0").rstrip(".")


def format_percent(value: object, decimals: int = 0) -> str:
    """A share (0.25) as a percentage for a table cell (``25%``).

    Parameters
    ----------
    value : object
        The share, a number from 0 to 1 (or None, NaN).
    decimals : int, default 0
        Decimal places of the percentage.

    Returns
    -------
    str
        ``25%``; ``""`` for None and NaN.
    """
    text = format_number(None if value is None else pd.to_numeric(value, errors="coerce") * 100, decimals)
    return f"{text}%" if text else ""


@cache
def _row_type(columns: tuple[str, ...]) -> type:
    return namedtuple("row", columns)  # type: ignore[misc]


def records(frame: pd.DataFrame, columns: tuple[str, ...]) -> list:
    """The rows of ``frame`` as named tuples of plain Python values, only ``columns``.

    pandas' ``itertuples`` takes milliseconds on a few rows of Arrow strings; a page of a thousand-report run cannot
    spend that.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table.
    columns : tuple of str
        The columns to keep, the fields of the tuples in this order.

    Returns
    -------
    list of tuple
        One named tuple per row, in order.
    """
    row = _row_type(columns)
    return [row(*values) for values in zip(*(frame[c].tolist() for c in columns), strict=True)]


def _is_number_column(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def column_class(column: pd.Series, values: list | None = None) -> str:
    """The CSS class of a column's cells: how they are aligned and wrapped.

    Parameters
    ----------
    column : pandas.Series
        The column.
    values : list, optional
        The column as a list, when already at hand.

    Returns
    -------
    str
        ``n`` for a numeric column, ``c`` for a yes/no column (✓ ✗, centred), ``t`` for long text (wrapped, longer
        than ``LONG_TEXT`` characters), ``s`` for short text.
    """
    if _is_number_column(column):
        return "n"
    if pd.api.types.is_bool_dtype(column):
        return "c"
    values = column.tolist() if values is None else values
    longest = max((len(escape(v)) for v in values), default=0)
    return "t" if longest > LONG_TEXT else "s"


def _cells(values: list, k: str, places: int | None, percent: bool) -> list[str]:
    """The cells of one column: numbers formatted (``format_number``, ``format_percent``), yes/no as ✓ ✗, any other
    value escaped."""
    if k == "n":
        shown = [format_percent(v, places or 0) if percent else format_number(v, places) for v in values]
        return [f'<td class="n">{v}</td>' for v in shown]
    if k == "c":
        return [f'<td class="c">{format_number(v) if isinstance(v, bool) else escape(v)}</td>' for v in values]
    return [f'<td class="{k}">{escape(v)}</td>' for v in values]


def readable_table(frame: pd.DataFrame, headers: Mapping[str, str] | None = None, *,
                   decimals: Mapping[str, int] | None = None, percent: Iterable[str] = (),
                   highlight: Iterable[bool] | None = None, caption: str = "") -> str:
    """A DataFrame as a readable, escaped HTML table wrapped in a sideways-scrolling box (no index shown).

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows to show, in order.
    headers : mapping of str to str, optional
        Header text per column name (the language of the page); a column without one keeps its name.
    decimals : mapping of str to int, optional
        Fixed decimal places per numeric column (a ratio: ``0.50``, ``1.00``); other numeric columns show whole
        numbers whole and others with up to two decimals.
    percent : iterable of str, optional
        Columns of shares (0.25) shown as percentages (``25%``; with ``decimals`` places when given).
    highlight : iterable of bool, optional
        Per row, whether to highlight it (a problem without remedy).
    caption : str, optional
        A note under the table (how many rows are not shown).

    Returns
    -------
    str
        The HTML of the table (``TABLE_CSS`` styles it).
    """
    headers = headers or {}
    decimals = decimals or {}
    percent = set(percent)
    names = [str(c) for c in frame.columns]
    columns = [frame.iloc[:, i] for i in range(frame.shape[1])]
    values = [c.tolist() for c in columns]  # plain Python values: fast to format
    classes = [column_class(c, v) for c, v in zip(columns, values, strict=True)]
    cells = [_cells(column, k, decimals.get(name), name in percent)
             for name, k, column in zip(names, classes, values, strict=True)]
    head = "".join(f'<th class="{k}">{escape(headers.get(name, name))}</th>'
                   for name, k in zip(names, classes, strict=True))
    marks = list(highlight) if highlight is not None else [False] * len(frame)
    body = "".join(("<tr class=\"hl\">" if hl else "<tr>") + "".join(row) + "</tr>"
                   for row, hl in zip(zip(*cells, strict=True), marks, strict=True)) if cells else ""
    note = f"<caption>{escape(caption)}</caption>" if caption else ""
    return (f'<div class="fz-scroll"><table class="fz">{note}<thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def fields_table(fields: Iterable[tuple[object, object]]) -> str:
    """Label–value pairs (a report's header) as an escaped two-column table.

    Parameters
    ----------
    fields : iterable of (object, object)
        The labels and their values, in order.

    Returns
    -------
    str
        The HTML of the table (``TABLE_CSS`` styles it).
    """
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in fields)
    return f'<div class="fz-scroll"><table class="fz fz-fields"><tbody>{rows}</tbody></table></div>'


def localized_table(frame: pd.DataFrame, lang: str, table: str = "", **options: object) -> str:
    """``readable_table`` of a view in ``lang``, its headers and cell labels translated.

    Parameters
    ----------
    frame : pandas.DataFrame
        A view.
    lang : str
        ``en`` or ``zh``: headers from the catalogue (``i18n.header``) and the labels the views write into cells
        (已落实, 是, 未知 …: ``i18n.value_label``) translated; report text and numbers as they are.
    table : str, optional
        Picks headers of the form ``col.<table>.<column>`` (default: ``col.<column>``).
    **options : object
        Passed to ``readable_table`` (``decimals``, ``percent``, ``highlight``, ``caption``).

    Returns
    -------
    str
        The HTML of the table.
    """
    shown = frame.copy()
    for i in range(shown.shape[1]):
        column = shown.iloc[:, i]
        if column.dtype == object or pd.api.types.is_string_dtype(column):
            shown.isetitem(i, column.map(lambda v: value_label(v, lang)).astype(object))
    headers = {str(c): header(c, lang, table) for c in frame.columns}
    return readable_table(shown, headers, **options)  # type: ignore[arg-type]
