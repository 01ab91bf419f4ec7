"""The words of the rendered briefs in Chinese or English: one message catalogue, ``vocab/messages.csv``.

Every heading, sentence, table header, legend entry and label a rendered page shows comes from the catalogue by key
(``t("numbers.title", "zh")``), so the code holds no prose and a translator edits one file. Keys are grouped by
prefix: ``col.`` table headers (``col.<table>.<column>`` where one column name means different things in two
tables), ``part.``, ``status.``, ``dimension.`` … names of the values the tables hold, ``d.`` labels of an
extraction's details, ``v.`` labels the views put in table cells (已落实, 是 …), ``nb<NN>.`` the prose of notebook NN
(Markdown; a quoted field may run over several lines). A value may hold ``{name}`` placeholders, filled by
``t(key, lang, name=…)``.

``header`` names a table's column in a language (``col.<name>``, the column's own name when the catalogue has none):
the views name their columns in Chinese or in English (``问题条数``, ``reports``), the pages show them in the
language of the page.

The Chinese names of parts, statuses and dimensions mirror their owners (``overview.PART_LABELS``,
``overview.STATUS_LABELS``, ``vocab/dimensions.csv``); a test keeps them equal.
"""

from __future__ import annotations

from functools import cache

from fazhi_lib.vocabulary import csv_records, vocab_path

__all__ = ["DEFAULT_LANG", "LANGS", "catalogue", "check_lang", "header", "html_lang", "label", "t", "value_label"]

#: The languages of the catalogue, in its column order.
LANGS = ("en", "zh")
DEFAULT_LANG = "en"
_HTML_LANG = {"en": "en", "zh": "zh-CN"}


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """The message catalogue, ``vocab/messages.csv``, as {key: {lang: text}}.

    Read once per process by the one vocabulary reader (``vocabulary.csv_records``: comment lines start with ``#``;
    fields with commas are quoted).

    Returns
    -------
    dict
        {key: {lang: text}}, one text per language of ``LANGS``.

    Raises
    ------
    ValueError
        On a duplicate key or a missing translation, naming the line.
    """
    header, records = csv_records(vocab_path("messages.csv").read_text(encoding="utf-8"))
    if header != ["key", *LANGS]:
        raise ValueError(f"vocab/messages.csv: the header must be key,{','.join(LANGS)}")
    out: dict[str, dict[str, str]] = {}
    for line, row in records:
        if len(row) != len(LANGS) + 1 or not all(field.strip() for field in row):
            raise ValueError(f"vocab/messages.csv, line {line}: row {row!r} needs a key and one text per language "
                             "(quote a text that holds a comma)")
        key, texts = row[0].strip(), {lang: text.strip() for lang, text in zip(LANGS, row[1:], strict=True)}
        if key in out:
            raise ValueError(f"vocab/messages.csv, line {line}: key {key!r} appears twice")
        out[key] = texts
    return out


def check_lang(lang: str) -> str:
    """``lang`` when the catalogue has it, else ValueError listing the languages it has.

    Parameters
    ----------
    lang : str
        A language code (``en``, ``zh``).

    Returns
    -------
    str
        ``lang`` itself.

    Raises
    ------
    ValueError
        When the catalogue has no such language.
    """
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")
    return lang


def t(key: str, lang: str, **values: object) -> str:
    """The text of ``key`` in ``lang``, placeholders filled from ``values``.

    Parameters
    ----------
    key : str
        A key of ``vocab/messages.csv`` (``numbers.title``).
    lang : str
        ``en`` or ``zh``.
    **values : object
        The values of the text's ``{name}`` placeholders.

    Returns
    -------
    str
        The text, placeholders filled.

    Raises
    ------
    KeyError
        Naming a key the catalogue does not have.
    """
    try:
        text = catalogue()[key][check_lang(lang)]
    except KeyError:
        raise KeyError(f"vocab/messages.csv has no key {key!r}") from None
    return text.format(**values) if values else text


def label(group: str, value: object, lang: str) -> str:
    """The name of a table value in ``lang`` (``label("part", "plans", "zh")`` → 下一步打算).

    Parameters
    ----------
    group : str
        The kind of value, the key's prefix (``part``, ``status``, ``dimension`` …).
    value : object
        The value as the table holds it (None is shown as ``""``).
    lang : str
        ``en`` or ``zh``.

    Returns
    -------
    str
        The catalogue's name of ``<group>.<value>``; a value the catalogue does not know is shown as it is (a
        researcher's own dimension, a new unit kind).
    """
    text = "" if value is None else str(value)
    entry = catalogue().get(f"{group}.{text}")
    return entry[check_lang(lang)] if entry else text


def value_label(value: object, lang: str) -> object:
    """A label a view puts in a table cell (已落实, 是, 未知 …) in ``lang`` (``v.<label>``).

    Parameters
    ----------
    value : object
        A cell of a view.
    lang : str
        ``en`` or ``zh``.

    Returns
    -------
    object
        The label in ``lang``; any other value as it is (report text, numbers).
    """
    if isinstance(value, str):
        entry = catalogue().get(f"v.{value}")
        if entry:
            return entry[check_lang(lang)]
    return value


def header(column: object, lang: str, table: str = "") -> str:
    """The header of a column in ``lang``.

    Parameters
    ----------
    column : object
        The column's name as the view gives it (``问题条数``, ``reports``).
    lang : str
        ``en`` or ``zh``.
    table : str, optional
        The table the column belongs to, for names that mean different things in two tables (default: none).

    Returns
    -------
    str
        The catalogue's ``col.<table>.<column>``, else ``col.<column>``, else the column's own name.
    """
    name = str(column)
    cat = catalogue()
    for key in (f"col.{table}.{name}" if table else "", f"col.{name}"):
        if key and key in cat:
            return cat[key][check_lang(lang)]
    return name


def html_lang(lang: str) -> str:
    """The ``lang`` attribute of a page in ``lang``.

    Parameters
    ----------
    lang : str
        ``en`` or ``zh``.

    Returns
    -------
    str
        ``en`` or ``zh-CN`` (browsers then pick Simplified Chinese glyphs).
    """
    return _HTML_LANG[check_lang(lang)]
