"""What the notebooks display, in the language of their ``lang`` parameter: catalogue prose and readable tables.

A notebook holds no prose of its own: each of its explanatory cells calls ``prose("nb00.summary", lang)``, which
shows the catalogue's Markdown (``vocab/messages.csv``, keys ``nb<NN>.…``) in English or Chinese, so one notebook
serves readers of either language and a translator edits one file. Tables are shown with ``htmltable``'s readable
layout (Chinese text left-aligned and wrapped, numbers right-aligned with thousands separators, wide tables
scrolling), headers and cell labels in the notebook's language, every value escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd
from IPython.display import HTML, Markdown

from fazhi_lib.htmltable import TABLE_CSS, fields_table, localized_table
from fazhi_lib.i18n import t
from fazhi_lib.safehtml import escape

__all__ = ["fields", "folded_tables", "prose", "table"]

_STYLE = f"<style>{TABLE_CSS}</style>"


def prose(key: str, lang: str, **values: object) -> Markdown:
    """The Markdown of catalogue entry ``key`` in ``lang``, ``{name}`` placeholders filled from ``values``.

    Parameters
    ----------
    key : str
        A key of ``vocab/messages.csv`` (``nb00.title``).
    lang : str
        ``en`` or ``zh``.
    **values : object
        The values of the placeholders (numbers already formatted; report text made safe with
        ``safehtml.markdown``).

    Returns
    -------
    IPython.display.Markdown
        What the cell displays (and what ``briefs.first_heading`` reads the notebook's title from).
    """
    return Markdown(t(key, lang, **values))


def table(frame: pd.DataFrame, lang: str, *, max_rows: int | None = None, table_name: str = "",
          years: Iterable[str] = (), **options: object) -> HTML:
    """A view as a readable table in ``lang`` (``htmltable.localized_table``), headers and cell labels translated.

    Parameters
    ----------
    frame : pandas.DataFrame
        A view (any table a notebook shows); a labelled index (reports, levels) is shown as a column.
    lang : str
        ``en`` or ``zh``: the language of the headers and of the labels the views put in cells.
    max_rows : int, optional
        At most this many rows are shown, with a note under the table saying how many are not (default: all).
    table_name : str, optional
        Picks headers of the form ``col.<table_name>.<column>`` (default: ``col.<column>``).
    years : iterable of str, optional
        Numeric columns holding years, shown as written (2024, not 2,024).
    **options : object
        Passed to ``htmltable.readable_table`` (``decimals``, ``percent``, ``highlight``; ``highlight`` is cut to
        the rows shown).

    Returns
    -------
    IPython.display.HTML
        The escaped table with its styles.
    """
    shown = frame if max_rows is None else frame.head(max_rows)
    for name in years:
        shown = shown.assign(**{name: [_year(v) for v in shown[name]]})
    caption = "" if len(shown) == len(frame) else t("nb.rows_shown", lang, n=f"{len(shown):,}",
                                                    total=f"{len(frame):,}")
    if "highlight" in options and options["highlight"] is not None:
        options["highlight"] = list(options["highlight"])[: len(shown)]  # type: ignore[call-overload]
    named = any(name is not None for name in shown.index.names)  # a labelled index (reports, levels) is a column
    return HTML(_STYLE + localized_table(shown.reset_index(drop=not named), lang, table_name, caption=caption,
                                         **options))


def _year(value: object) -> str:
    number = pd.to_numeric(value, errors="coerce")
    return "" if pd.isna(number) else str(int(number))


def fields(pairs: Mapping[str, object] | Iterable[tuple[str, object]]) -> HTML:
    """Label–value pairs (a summary) as a readable two-column table.

    Parameters
    ----------
    pairs : mapping or iterable of (str, object)
        The labels, already in the notebook's language, and their values (escaped here).

    Returns
    -------
    IPython.display.HTML
        The table with its styles.
    """
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    return HTML(_STYLE + fields_table(items))


def folded_tables(blocks: Iterable[tuple[str, str, pd.DataFrame]], lang: str, *, table_name: str = "",
                  empty: str = "") -> HTML:
    """Tables one opens by clicking their title (``<details>``).

    Parameters
    ----------
    blocks : iterable of (str, str, pandas.DataFrame)
        Per table: its title (in bold), the rest of its summary line and its rows; all escaped.
    lang : str
        ``en`` or ``zh``: the language of the headers and cell labels (``htmltable.localized_table``).
    table_name : str, optional
        Picks headers of the form ``col.<table_name>.<column>`` (default: ``col.<column>``).
    empty : str, optional
        What is said when there is no block (default: nothing).

    Returns
    -------
    IPython.display.HTML
        The folded tables with their styles.
    """
    parts = [f"<details><summary><b>{escape(title)}</b> — {escape(note)}</summary>"
             f"{localized_table(rows, lang, table_name)}</details>" for title, note, rows in blocks]
    return HTML(_STYLE + ("\n".join(parts) or f"<p>{escape(empty)}</p>"))
