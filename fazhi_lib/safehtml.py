"""Every value that reaches HTML goes through here: report text is shown as text, never run as markup.

Reports come from the web, and so do their titles, the names in a ``metadata.csv``, file names and the sentences
quoted in the briefs: any of them may hold ``<script>``, ``<img src=x onerror=…>``, a quote that ends an attribute,
``</textarea>`` or a ``javascript:`` link. The briefs, the notebooks and the index page show such values only through
this module:

- ``escape`` — any value as HTML text (``< > & " '`` escaped; None and NaN as ``""``);
- ``html_table`` and ``fields_html`` — a DataFrame, or label–value pairs, as an HTML table with every cell and label
  escaped;
- ``style`` — a pandas Styler of a DataFrame whose every cell, index label and column label is escaped, whatever
  formats, colours or captions are added to it afterwards (``df.style`` escapes nothing unless told, and even then
  only ``str`` cells: a list or any other object in a cell would reach the page as written);
- ``markdown`` — a value to put into ``IPython.display.Markdown``: escaped for HTML and for Markdown, so it can make
  neither a tag nor a link, an image or a heading;
- ``href`` and ``path_href`` — a relative link to a file of a run (beside the page, or in a folder of the run) that
  a browser can never read as ``javascript:`` or another scheme.

A plain DataFrame shown with ``display(df)`` is escaped by pandas itself (``DataFrame.to_html`` escapes every cell
and label), the one other way the notebooks show tables.
"""

from __future__ import annotations

import datetime as dt
import html
import numbers
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

__all__ = ["SafeStyler", "as_text", "escape", "fields_html", "href", "html_table", "markdown", "path_href", "style"]

# Values shown through their own formatting (numbers, dates, missing values): they hold no markup.
_PLAIN = (numbers.Number, np.bool_, Decimal, dt.date, dt.time, dt.timedelta, pd.Timestamp, pd.Timedelta)
# ASCII punctuation with a meaning in Markdown (CommonMark lets a backslash escape any of them).
_MARKDOWN_SYNTAX = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:])")


def as_text(value: object) -> str:
    """A value as display text.

    Parameters
    ----------
    value : object
        Any value.

    Returns
    -------
    str
        ``""`` for None and NaN, ``str(value)`` for anything else.
    """
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    return str(value)


def escape(value: object) -> str:
    """Any value as HTML-safe text.

    Parameters
    ----------
    value : object
        A title, a name, a sentence, a number: any value.

    Returns
    -------
    str
        ``str(value)`` with ``<``, ``>``, ``&`` and both quotes escaped; ``""`` for None and NaN.
    """
    return html.escape(as_text(value), quote=True)


def markdown(value: object) -> str:
    """A value to put into ``IPython.display.Markdown``, shown as written.

    Parameters
    ----------
    value : object
        Text from the data or the parameters (a dimension, an indicator name …).

    Returns
    -------
    str
        The text escaped for HTML (no tag) and for Markdown (no link, image, emphasis or heading made of data), on
        one line so that it cannot start a block.
    """
    one_line = " ".join(as_text(value).split())
    return html.escape(_MARKDOWN_SYNTAX.sub(r"\\\1", one_line), quote=True)


def href(file_name: str) -> str:
    """A relative link to a file beside the linking page.

    Parameters
    ----------
    file_name : str
        The file's name.

    Returns
    -------
    str
        The name percent-encoded: ``javascript:x.html`` or a name with quotes stays a file name
        (``javascript%3Ax.html``); plain names such as ``a_ok.html`` are unchanged.
    """
    return quote(str(file_name), safe="")


def path_href(path: str, fragment: str = "") -> str:
    """A relative link to a file of a run, through folders (``reports/大安街道_2024.html``, ``../index.html``).

    Parameters
    ----------
    path : str
        The file's path relative to the linking page, its parts separated by ``/``.
    fragment : str, optional
        A place in that file (an element's id, ``problems``), percent-encoded like a part and joined with ``#``:
        the one ``#`` of the link that is not part of a file name.

    Returns
    -------
    str
        Each part percent-encoded as by ``href`` and joined by ``/``: no part can become a scheme, a host or a
        query, and a leading ``/`` (an absolute path) is refused with ValueError.
    """
    text = str(path)
    if text.startswith("/") or "\\" in text:
        raise ValueError(f"not a relative path of a run: {text!r}")
    link = "/".join(href(part) for part in text.split("/"))
    return f"{link}#{href(fragment)}" if fragment else link


def html_table(frame: pd.DataFrame, max_rows: int | None = None) -> str:
    """A DataFrame as an HTML table with every cell, column name and index label escaped (no index shown).

    Parameters
    ----------
    frame : pandas.DataFrame
        The table to show.
    max_rows : int, optional
        Show only the first this many rows (default: all).

    Returns
    -------
    str
        The HTML of the table (class ``fazhi-table``; missing values as ``""``).
    """
    shown = frame if max_rows is None else frame.head(max_rows)
    return shown.to_html(escape=True, index=False, na_rep="", border=0, classes="fazhi-table")


def fields_html(fields: Mapping[str, object]) -> str:
    """Label–value pairs (a report's header) as an escaped HTML definition table.

    Parameters
    ----------
    fields : mapping of str to object
        The labels and their values, in order.

    Returns
    -------
    str
        The HTML of the table (class ``fazhi-fields``).
    """
    rows = "".join(f"<tr><th style='text-align:left'>{escape(k)}</th><td style='text-align:left'>{escape(v)}</td>"
                   "</tr>" for k, v in fields.items())
    return f"<table class='fazhi-fields'>{rows}</table>"


def _safe_cell(value: Any) -> Any:
    """A cell as the page may show it: numbers, dates and missing values as they are (the Styler formats them),
    anything else as escaped text."""
    if value is None or isinstance(value, _PLAIN):
        return value
    if not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value):
        return value
    return escape(value)


def _keeps_its_type(dtype: object) -> bool:
    """Whether a column or index of this dtype holds only numbers, booleans, dates or durations."""
    t = pd.api.types
    return (t.is_numeric_dtype(dtype) or t.is_bool_dtype(dtype) or t.is_datetime64_any_dtype(dtype)
            or t.is_timedelta64_dtype(dtype))


def _safe_labels(index: pd.Index) -> pd.Index:
    names = [_safe_cell(n) for n in index.names]
    if isinstance(index, pd.MultiIndex):
        return index.map(lambda labels: tuple(_safe_cell(v) for v in labels)).set_names(names)
    if _keeps_its_type(index.dtype):
        return index.set_names(names)
    return pd.Index([_safe_cell(v) for v in index], dtype="object").set_names(names)


def _escaped_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if not _keeps_its_type(col.dtype):
            out.isetitem(i, col.astype("object").map(_safe_cell))
    out.index = _safe_labels(out.index)
    out.columns = _safe_labels(out.columns)
    return out


class SafeStyler(Styler):
    """A pandas Styler whose data, index and column labels were escaped when it was made (see ``style``).

    Formats added later work on the escaped values, so they cannot undo the escaping; pandas' own ``escape``
    option is ignored here (it would escape twice) and captions and tooltips are escaped too. Make one with
    ``style``; the constructor's parameters are those of ``pandas.io.formats.style.Styler``.
    """

    def format(self, formatter=None, subset=None, na_rep=None, precision=None, decimal=".", thousands=None,
               escape=None, hyperlinks=None) -> SafeStyler:
        """``Styler.format`` on the escaped values, pandas' ``escape`` option ignored (it would escape twice).

        Parameters
        ----------
        formatter, subset, na_rep, precision, decimal, thousands : object
            As for ``pandas.io.formats.style.Styler.format``.
        escape : object
            Ignored: the values were escaped when the Styler was made.
        hyperlinks : object
            As for ``pandas.io.formats.style.Styler.format``.

        Returns
        -------
        SafeStyler
            This Styler.
        """
        return super().format(formatter, subset=subset, na_rep=na_rep, precision=precision, decimal=decimal,
                              thousands=thousands, escape=None, hyperlinks=hyperlinks)

    def format_index(self, formatter=None, axis=0, level=None, na_rep=None, precision=None, decimal=".",
                     thousands=None, escape=None, hyperlinks=None) -> SafeStyler:
        """``Styler.format_index`` on the escaped labels, pandas' ``escape`` option ignored (it would escape twice).

        Parameters
        ----------
        formatter, axis, level, na_rep, precision, decimal, thousands : object
            As for ``pandas.io.formats.style.Styler.format_index``.
        escape : object
            Ignored: the labels were escaped when the Styler was made.
        hyperlinks : object
            As for ``pandas.io.formats.style.Styler.format_index``.

        Returns
        -------
        SafeStyler
            This Styler.
        """
        return super().format_index(formatter, axis=axis, level=level, na_rep=na_rep, precision=precision,
                                    decimal=decimal, thousands=thousands, escape=None, hyperlinks=hyperlinks)

    def set_caption(self, caption) -> SafeStyler:
        """``Styler.set_caption`` with the caption escaped.

        Parameters
        ----------
        caption : str or tuple of str
            The caption (a tuple: the caption of the table and of its LaTeX list of tables, as in pandas).

        Returns
        -------
        SafeStyler
            This Styler.
        """
        if isinstance(caption, tuple):
            return super().set_caption(tuple(as_text(c) and escape(c) for c in caption))
        return super().set_caption(escape(caption))

    def set_tooltips(self, ttips: pd.DataFrame, *args, **kwargs) -> SafeStyler:
        """``Styler.set_tooltips`` with every tooltip escaped.

        Parameters
        ----------
        ttips : pandas.DataFrame
            The tooltip of each cell, as for ``pandas.io.formats.style.Styler.set_tooltips``.
        *args, **kwargs : object
            As for ``pandas.io.formats.style.Styler.set_tooltips``.

        Returns
        -------
        SafeStyler
            This Styler.
        """
        return super().set_tooltips(ttips.map(escape), *args, **kwargs)


def style(frame: pd.DataFrame) -> SafeStyler:
    """``frame.style`` with every cell, index label and column label escaped.

    Use it wherever a notebook would write ``frame.style``, and chain ``format``, ``hide``, ``apply`` and
    ``set_properties`` on it as usual.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table to show.

    Returns
    -------
    SafeStyler
        A Styler of a copy of ``frame`` in which text cells (and any other object, such as a list) are escaped
        text, while numbers, booleans, dates and missing values stay as they are for the Styler's number formats.
    """
    return SafeStyler(_escaped_frame(frame))
