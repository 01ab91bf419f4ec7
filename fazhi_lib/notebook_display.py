"""What the notebooks display, in the language of their ``lang`` parameter: prose from the message catalogue and
readable tables.

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
    **values
        The values of the placeholders (numbers already formatted; report text made safe with
        ``safehtml.markdown``).

    Returns
    -------
    IPython.display.Markdown
        What the cell displays (and what ``briefs.first_heading`` reads the notebook's title from).
    """
    return Markdown(t(key, lang, **values))


def table(frame: pd.DataFrame, lang: str, max_rows: int | None = None, table_name: str = "",
          years: Iterable[str] = (), **options: object) -> HTML:
    """A view as a readable table in ``lang`` (``htmltable.localized_table``; ``table_name`` picks headers of the
    form ``col.<table_name>.<column>``), at most ``max_rows`` rows with a note saying how many are not shown.
    ``years``: numeric columns holding years, shown as written (2024, not 2,024). ``options`` go to
    ``htmltable.readable_table`` (``decimals``, ``percent``, ``highlight``)."""
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
    """Label–value pairs (a summary) as a readable two-column table; labels already in the notebook's language."""
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    return HTML(_STYLE + fields_table(items))


def folded_tables(blocks: Iterable[tuple[str, str, pd.DataFrame]], lang: str, table_name: str = "",
                  empty: str = "") -> HTML:
    """Tables one opens by clicking their title (``<details>``): ``blocks`` are (title in bold, the rest of the
    summary line, rows), all escaped; ``empty`` is said when there is no block."""
    parts = [f"<details><summary><b>{escape(title)}</b> — {escape(note)}</summary>"
             f"{localized_table(rows, lang, table_name)}</details>" for title, note, rows in blocks]
    return HTML(_STYLE + ("\n".join(parts) or f"<p>{escape(empty)}</p>"))
