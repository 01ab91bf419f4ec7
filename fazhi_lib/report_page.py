"""One report's brief as a self-contained HTML page, rendered in-process without a kernel.

``report_page`` turns the tables of a corpus (or of one report) into the brief of one report: the same views as
notebook ``40_report_brief`` (``fazhi_lib.overview``: header, structure, key numbers against the corpus median,
mechanisms, problems with topics and remedies, text shared with other reports) and the report's cleaned text with
every extraction marked (``fazhi_lib.annotate``), in Chinese or English (``fazhi_lib.i18n``). ``render_reports``
renders many reports in one process: it reads the tables once, computes what every page compares against once
(``CorpusContext``), and writes each page atomically under a name made from its report (``page_names``).

A page loads nothing: styles and the little script it has are inline, and a Content-Security-Policy lets only that
script run and forbids every request, so a report saved from a web page cannot make its brief load or run anything
even if an escape were missed. Every value from a table is escaped.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from fazhi_lib import __version__, schema
from fazhi_lib import overview as ov
from fazhi_lib.analysis import YEAR_OVER_YEAR_TABLES, current_analysis
from fazhi_lib.annotate import ANNOTATE_CSS, ANNOTATE_JS, ANNOTATE_JS_HASH, annotated_text
from fazhi_lib.compare import comparable, report_labels
from fazhi_lib.htmltable import (
    TABLE_CSS,
    fields_table,
    format_number,
    format_percent,
    localized_table,
    readable_table,
    records,
)
from fazhi_lib.i18n import check_lang, header, html_lang, label, t, value_label
from fazhi_lib.outputs import workers
from fazhi_lib.plotting import format_value
from fazhi_lib.safehtml import escape, path_href
from fazhi_lib.store import Corpus, atomic_write, read
from fazhi_lib.topics import shared_share
from fazhi_lib.yoy_views import VERDICTS, last_years

__all__ = ["BRIEF_CSS", "PAGE_CSS", "SECTIONS", "BriefTables", "CorpusContext", "brief_sections", "corpus_context",
           "load_brief_tables", "notebook_sections", "notebook_style", "page_names", "pages_to_render", "readable",
           "render_chunk", "render_reports", "report_page", "safe_file_stem"]

#: The ingest tables a page is made from (the analysis tables, problem_topics, remedies and shared_sentences, are
#: used when all are present).
PAGE_TABLES = ("documents", "texts", "sections", "items", "metrics", "measures")
_REPORT_ROWS = ("texts", "sections", "items", "metrics", "measures")
#: Bars in the chart of key numbers (as notebook 40's chart).
MAX_BARS = 20

_HEADER_KEYS = {"标题": "hdr.title", "地区": "hdr.jurisdiction", "级别": "hdr.level", "上级区域": "hdr.region",
                "年度": "hdr.period", "来源文件": "hdr.source", "格式 / 编码": "hdr.format", "字数": "hdr.chars",
                "状态": "hdr.status", "doc_id": "hdr.doc_id"}
_PART_OF_LABEL = {v: k for k, v in ov.PART_LABELS.items()}
_STATUS_OF_LABEL = {v: k for k, v in ov.STATUS_LABELS.items()}
#: The sections of a brief, in order (each a ``<section id=…>`` of the page).
SECTIONS = ("header", "structure", "numbers", "mechanisms", "problems", "shared", "lastyear", "text", "reading")

#: Styles of a whole page (type, width, headings, links): shared by the brief and the run's index page.
PAGE_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans SC","Noto Sans CJK SC","Source Han Sans SC",
"PingFang SC","Microsoft YaHei",sans-serif;margin:0;color:#1f2328;background:#fff;line-height:1.6}
main{max-width:78em;margin:0 auto;padding:1.2em 2em 3em}
h1{font-size:1.6em;margin:.1em 0 .3em;line-height:1.35}h2{font-size:1.25em;margin:2em 0 .4em;
padding-bottom:.2em;border-bottom:1px solid #e3e6ea}
.kicker{color:#57606a;font-size:.9em;letter-spacing:.04em;margin-top:1em}
nav.toc{display:flex;flex-wrap:wrap;gap:.2em 1.1em;font-size:.92em;margin:.6em 0 1em}nav.toc a{white-space:nowrap}
a{color:#0b5cad;text-decoration:none}a:hover{text-decoration:underline}
footer{color:#57606a;font-size:.85em;margin-top:3em;border-top:1px solid #e3e6ea;padding-top:.6em}
"""

#: Styles of the sections themselves (prose, the chart of key numbers), also shown inside notebook 40.
SECTION_CSS = """
.intro,.note{color:#3d444d;max-width:52em}.note{font-size:.92em}
.chart{margin:.4em 0 1.2em;font-size:.88em;max-width:60em}
.chart .row{display:grid;grid-template-columns:minmax(8em,14em) minmax(0,1fr);gap:.8em;align-items:center;
margin:.2em 0}
.chart .name{text-align:right;overflow-wrap:anywhere}
.chart .track{position:relative;height:1.5em;background:#f3f5f8}
.chart .bar{position:absolute;left:0;top:.2em;bottom:.2em;background:#3b6ea5}.chart .bar.low{background:#c2703d}
.chart .median{position:absolute;top:0;bottom:0;border-left:2px dashed #333}
.chart .val{position:absolute;top:.1em;white-space:nowrap;padding-left:.4em;color:#333}
.chart .axis{color:#57606a;margin-left:calc(min(14em,30%) + .8em)}
"""

#: Everything a brief's sections need to look right: the sections, the tables and the annotated text.
BRIEF_CSS = SECTION_CSS + TABLE_CSS + ANNOTATE_CSS

_CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
        f"script-src {ANNOTATE_JS_HASH}; base-uri 'none'; form-action 'none'")


# ---- what every page compares against ---------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CorpusContext:
    """What the brief of any report compares against and shows, computed for every report of a corpus at once.

    These are the ``…_by_report`` views of ``fazhi_lib.overview``, split by doc_id. Made by ``corpus_context``; the
    fields are also the constructor's (keyword-only) parameters. The views are dicts of doc_id → the report's rows,
    with under ``""`` an empty frame with the view's columns (see ``of``).

    Attributes
    ----------
    documents : pandas.DataFrame
        The documents table (the header).
    labels : pandas.Series
        ``compare.report_labels(documents)``: short labels of the reports by doc_id.
    benchmarks, mechanisms, problems : dict of str to pandas.DataFrame
        Per report: ``metric_benchmark``, ``mechanisms`` and ``problems_with_remedies(..., with_ids=True)``.
    shared, share : dict of str to pandas.DataFrame, or None
        Per report: the shared segments and the rows of ``topics.shared_share``; None without analysis tables.
    analysed : bool
        Whether the analysis tables were given (topics, remedies and shared text are known).
    last_year : dict of str to dict, optional
        Per report with a predecessor in the corpus: ``yoy_views.last_years``; None without the year-over-year
        tables.
    """

    documents: pd.DataFrame
    labels: pd.Series
    benchmarks: dict[str, pd.DataFrame]
    mechanisms: dict[str, pd.DataFrame]
    problems: dict[str, pd.DataFrame]
    shared: dict[str, pd.DataFrame] | None
    share: dict[str, pd.DataFrame] | None
    analysed: bool
    last_year: dict[str, dict[str, object]] | None = None

    def of(self, name: str, doc_id: str) -> pd.DataFrame:
        """The report's rows of one view.

        Parameters
        ----------
        name : str
            The view: ``benchmarks``, ``mechanisms``, ``problems``, ``shared`` or ``share``.
        doc_id : str
            The report.

        Returns
        -------
        pandas.DataFrame
            Its rows; an empty frame with the view's columns when it has none (or the view is None).
        """
        views: dict[str, pd.DataFrame] = getattr(self, name) or {}
        return views.get(doc_id, views.get("", pd.DataFrame()))


def _by_doc(frame: pd.DataFrame, keep: bool = False) -> dict[str, pd.DataFrame]:
    """The rows of each report, in order and re-indexed, without the doc_id column unless ``keep``; under ``""`` an
    empty frame with the columns (for reports without rows)."""
    rest = frame if keep else frame.drop(columns="doc_id")
    out = {"": rest.iloc[:0]}
    if len(frame):
        for doc, rows in rest.groupby(frame["doc_id"].to_numpy(), sort=False):
            out[str(doc)] = rows.reset_index(drop=True)
    return out


def corpus_context(documents: pd.DataFrame, texts: pd.DataFrame, items: pd.DataFrame, metrics: pd.DataFrame,
                   measures: pd.DataFrame, *, problem_topics: pd.DataFrame | None = None,
                   remedies: pd.DataFrame | None = None, shared_sentences: pd.DataFrame | None = None,
                   year_over_year: Mapping[str, pd.DataFrame] | None = None) -> CorpusContext:
    """The ``CorpusContext`` of a corpus from its tables: what every report's brief compares against.

    Parameters
    ----------
    documents, texts, items, metrics, measures : pandas.DataFrame
        The ingest tables of the corpus.
    problem_topics, remedies, shared_sentences : pandas.DataFrame, optional
        The analysis tables (``fazhi analyze``), all three or none: without them the context knows no topics,
        remedies or shared text.
    year_over_year : mapping of str to pandas.DataFrame, optional
        The tables of ``analysis.YEAR_OVER_YEAR_TABLES`` by name; None: no comparison with last year's report.

    Returns
    -------
    CorpusContext
        The views of every report, split by doc_id.
    """
    analysed = problem_topics is not None and remedies is not None and shared_sentences is not None
    labels = report_labels(documents)
    if not analysed:
        problem_topics = pd.DataFrame(columns=["doc_id", "item_id", "topic_label"])
        remedies = pd.DataFrame(columns=["doc_id", "problem_item_id", "plan_item_id", "similarity", "matched"])
    shared = share = None
    if analysed:
        shared = _by_doc(ov.shared_by_report(shared_sentences, labels))
        share = _by_doc(shared_share(texts, shared_sentences), keep=True)
    before = None if year_over_year is None else last_years(dict(year_over_year), items, documents)
    return CorpusContext(
        documents=documents, labels=labels,
        benchmarks=_by_doc(ov.metric_benchmarks(comparable(metrics, documents, per_year=True))),
        mechanisms=_by_doc(ov.mechanisms_by_report(measures)),
        problems=_by_doc(ov.problems_by_report(items, problem_topics, remedies), keep=True),
        shared=shared, share=share, analysed=analysed, last_year=before)


# ---- the sections of the page -----------------------------------------------------------------------------------


def _note(key: str, lang: str, **values: object) -> str:
    return f'<p class="note">{escape(t(key, lang, **values))}</p>'


def _section(key: str, lang: str, body: str, intro: bool = True) -> str:
    paragraph = f'<p class="intro">{escape(t(f"{key}.intro", lang))}</p>' if intro else ""
    return f'<section id="{key}"><h2>{escape(t(f"{key}.title", lang))}</h2>{paragraph}{body}</section>'


def _headers(columns: Iterable[str], lang: str, table: str = "") -> dict[str, str]:
    return {c: header(c, lang, table) for c in columns}


def header_fields(header_values: dict[str, object], lang: str) -> list[tuple[str, str]]:
    """A report's ``overview.brief_header`` with its labels and values in ``lang``.

    Parameters
    ----------
    header_values : dict
        ``overview.brief_header`` of the report (Chinese labels → values).
    lang : str
        ``en`` or ``zh``.

    Returns
    -------
    list of (str, str)
        The label–value pairs, in order (an untitled report, the status and the character count in ``lang``).
    """
    fields = []
    for key, value in header_values.items():
        shown = str(value)
        if key == "标题" and value == "（无标题）":
            shown = t("hdr.untitled", lang)
        elif key == "状态":
            shown = label("status", _STATUS_OF_LABEL.get(shown, shown), lang)
        elif key == "字数":
            shown = format_number(pd.to_numeric(value, errors="coerce"))
        fields.append((t(_HEADER_KEYS[key], lang) if key in _HEADER_KEYS else key, shown))
    return fields


def _structure(sections: pd.DataFrame, items: pd.DataFrame, doc_id: str, lang: str) -> str:
    table = ov.report_structure(sections, items, doc_id)
    table["part"] = [label("part", _PART_OF_LABEL.get(p, p), lang) for p in table["part"]]
    counts = fields_table([(t("col.sections", lang), format_number(int(sections["doc_id"].eq(doc_id).sum()))),
                           (t("col.items", lang), format_number(int(items["doc_id"].eq(doc_id).sum())))])
    shown = readable_table(table, _headers(table.columns, lang)) if len(table) else _note("structure.none", lang)
    return _section("structure", lang, shown + counts)


def _bar_chart(bench: pd.DataFrame, lang: str) -> str:
    data = bench[bench["n_reports"].ge(2)].dropna(subset=["ratio"]).head(MAX_BARS)
    if data.empty:
        return ""
    scale = max(float(data["ratio"].max()), 1.0) * 1.6  # room for the label right of the longest bar
    rows = []
    for r in records(data, ("indicator", "unit", "value", "median", "n_reports", "ratio")):
        width = 100 * float(r.ratio) / scale
        text = t("numbers.bar", lang, value=format_value(float(r.value), str(r.unit)),
                 median=format_value(float(r.median), str(r.unit)), n=int(r.n_reports))
        rows.append(f'<div class="row"><div class="name">{escape(r.indicator)}</div><div class="track">'
                    f'<div class="bar{"" if r.ratio >= 1 else " low"}" style="width:{width:.2f}%"></div>'
                    f'<div class="median" style="left:{100 / scale:.2f}%"></div>'
                    f'<div class="val" style="left:{width:.2f}%">{escape(text)}</div></div></div>')
    return (f'<figure class="chart" aria-label="{escape(t("numbers.chart", lang))}">{"".join(rows)}'
            f'<figcaption class="axis">{escape(t("numbers.axis", lang))}</figcaption></figure>')


def _numbers(bench: pd.DataFrame, lang: str) -> str:
    if bench.empty:
        return _section("numbers", lang, _note("numbers.none", lang))
    table = readable_table(bench, _headers(bench.columns, lang), decimals={"ratio": 2})
    return _section("numbers", lang, table + _bar_chart(bench, lang))


def _mechanisms(mech: pd.DataFrame, lang: str) -> str:
    if mech.empty:
        return _section("mechanisms", lang, _note("mechanisms.none", lang))
    mech = mech.assign(dimension=[label("dimension", d if isinstance(d, str) and d else "unclassified", lang)
                                  for d in mech["dimension"]], kind=[value_label(k, lang) for k in mech["kind"]])
    return _section("mechanisms", lang, readable_table(mech, _headers(mech.columns, lang)))


def _problems(problems: pd.DataFrame, analysed: bool, lang: str) -> str:
    if problems.empty:
        return _section("problems", lang, _note("problems.none", lang))
    shown = problems[ov.PROBLEM_COLUMNS]
    if not analysed:
        shown = shown[["problem", "text"]]
    body = readable_table(shown, _headers(shown.columns, lang), decimals={"similarity": 2})
    if analysed:
        n_ok = int(problems["has_remedy"].eq("✓").sum())
        body += fields_table([(t("problems.answered", lang), t("problems.ratio", lang, ok=n_ok, n=len(problems)))])
    else:
        body = _note("page.no_analysis", lang) + body
    return _section("problems", lang, body)


def _shared(context: CorpusContext, doc_id: str, lang: str) -> str:
    if not context.analysed:
        return _section("shared", lang, _note("page.no_analysis", lang))
    stats = ov.shared_stats(context.of("share", doc_id), doc_id)
    view = context.of("shared", doc_id)
    body = fields_table([(t("shared.segments", lang), format_number(stats["segments"])),
                         (t("shared.shared", lang), format_number(stats["shared"])),
                         (t("shared.share", lang), f"{stats['share']:.1%}")])
    if len(view):
        body += readable_table(view, _headers(view.columns, lang, table="shared"), decimals={"similarity": 2})
    else:
        body += _note("shared.none", lang)
    return _section("shared", lang, body)


def _previous_link(before: Mapping[str, object], names: Mapping[str, str] | None) -> str:
    """The previous report's label, linked to its brief when it has one in this folder."""
    text = escape(before["label"])
    name = (names or {}).get(str(before["previous"]))
    return f'<a href="{escape(path_href(name))}">{text}</a>' if name else text


def _last_year(context: CorpusContext, doc_id: str, lang: str, names: Mapping[str, str] | None) -> str:
    """Section "compared with last year": what notebook 40 shows from ``yoy_views.last_year``."""
    if context.last_year is None:
        return _section("lastyear", lang, _note("page.no_yoy", lang))
    before = context.last_year.get(doc_id)
    if not before:
        return _section("lastyear", lang, _note("lastyear.none", lang))
    kept, problems, numbers = before["promises"], before["problems"], before["indicators"]
    n_kept = int(kept["判断"].eq(VERDICTS["kept"]).sum())
    facts = [(t("lastyear.previous", lang), _previous_link(before, names)),
             *((t(k, lang), escape(v)) for k, v in (
                 ("lastyear.kept", t("problems.ratio", lang, ok=n_kept, n=len(kept))),
                 ("lastyear.again", format_number(len(problems))),
                 ("lastyear.copied", format_percent(before["copied"], 1))))]
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{v}</td></tr>" for k, v in facts)  # v: escaped above
    body = f'<div class="fz-scroll"><table class="fz fz-fields"><tbody>{rows}</tbody></table></div>'
    for key, frame, percent in (("lastyear.promises", kept, ()), ("lastyear.problems", problems, ()),
                                ("lastyear.numbers", numbers, ("变化",))):
        shown = frame.drop(columns=[c for c in ("报告", "下一份报告") if c in frame.columns])
        if len(shown):
            body += f"<h3>{escape(t(key, lang))}</h3>" + localized_table(shown, lang, decimals={"相似度": 2},
                                                                           percent=percent)
    return _section("lastyear", lang, body)


def _reading(lang: str) -> str:
    items = "".join(f"<li>{escape(t(k, lang))}</li>" for k in ("reading.numbers", "reading.remedy"))
    return _section("reading", lang, f'<ul class="note">{items}</ul>', intro=False)


# ---- the page ---------------------------------------------------------------------------------------------------


def brief_sections(doc_id: str, documents: pd.DataFrame, texts: pd.DataFrame, sections: pd.DataFrame,
                   items: pd.DataFrame, metrics: pd.DataFrame, measures: pd.DataFrame, *,
                   problem_topics: pd.DataFrame | None = None, remedies: pd.DataFrame | None = None,
                   shared_sentences: pd.DataFrame | None = None, lang: str = "en",
                   context: CorpusContext | None = None, names: Mapping[str, str] | None = None,
                   header_values: Mapping[str, object] | None = None) -> dict[str, str]:
    """The sections of one report's brief as blocks of HTML, by name (``SECTIONS``, in order).

    What the page shows, and what notebook 40 shows of the same report. The blocks need ``BRIEF_CSS`` (and the
    annotated text ``annotate.ANNOTATE_JS``).

    Parameters
    ----------
    doc_id : str
        The report (ValueError when the documents table does not have it).
    documents, texts, sections, items, metrics, measures : pandas.DataFrame
        The ingest tables, as for ``report_page``.
    problem_topics, remedies, shared_sentences : pandas.DataFrame, optional
        The analysis tables, all three or none, as for ``report_page``.
    lang : str, default "en"
        ``en`` or ``zh``.
    context : CorpusContext, optional
        What the report is compared with (default: computed here from the tables given).
    names : mapping of str to str, optional
        The file names of the other reports' briefs (``page_names``): the previous report is then linked.
    header_values : mapping, optional
        The report's ``overview.brief_header`` when already at hand.

    Returns
    -------
    dict of str to str
        The HTML of each section of ``SECTIONS``, in order.
    """
    check_lang(lang)
    doc_id = ov.choose_doc(documents, doc_id)
    if context is None:
        context = corpus_context(documents, texts, items, metrics, measures, problem_topics=problem_topics,
                                 remedies=remedies, shared_sentences=shared_sentences)
    text_rows = texts["text"][texts["doc_id"].eq(doc_id)].tolist()
    text = text_rows[0] if text_rows and isinstance(text_rows[0], str) else ""
    own = {name: frame[frame["doc_id"].eq(doc_id)] for name, frame in
           (("sections", sections), ("items", items), ("metrics", metrics), ("measures", measures))}
    problems = context.of("problems", doc_id)
    return {
        "header": _section("header", lang, fields_table(header_fields(
            dict(header_values or ov.brief_header(documents, doc_id)), lang))),
        "structure": _structure(own["sections"], own["items"], doc_id, lang),
        "numbers": _numbers(context.of("benchmarks", doc_id), lang),
        "mechanisms": _mechanisms(context.of("mechanisms", doc_id), lang),
        "problems": _problems(problems, context.analysed, lang),
        "shared": _shared(context, doc_id, lang),
        "lastyear": _last_year(context, doc_id, lang, names),
        "text": _section("text", lang, annotated_text(text, own["sections"], own["items"], own["metrics"],
                                                      own["measures"], problems if context.analysed else None,
                                                      lang=lang)),
        "reading": _reading(lang),
    }


def notebook_sections(corpus: Corpus, analysis: Mapping[str, pd.DataFrame], doc_id: str | None = None, *,
                      lang: str = "en") -> dict[str, str]:
    """The sections of one report's brief for notebook 40, exactly as the rendered page shows them.

    Parameters
    ----------
    corpus : Corpus
        The whole corpus (``fazhi_lib.store.load``): the report is compared with all of it.
    analysis : mapping of str to pandas.DataFrame
        Its analysis tables (``overview.load_analysis``: topics, remedies, shared text and year over year).
    doc_id : str, optional
        The report (default: the first document).
    lang : str, default "en"
        ``en`` or ``zh``.

    Returns
    -------
    dict of str to str
        ``brief_sections`` of the report: the HTML of each section of ``SECTIONS``, in order.
    """
    context = corpus_context(corpus.documents, corpus.texts, corpus.items, corpus.metrics, corpus.measures,
                             problem_topics=analysis["problem_topics"], remedies=analysis["remedies"],
                             shared_sentences=analysis["shared_sentences"],
                             year_over_year={n: analysis[n] for n in YEAR_OVER_YEAR_TABLES})
    return brief_sections(ov.choose_doc(corpus.documents, doc_id), corpus.documents, corpus.texts, corpus.sections,
                          corpus.items, corpus.metrics, corpus.measures, lang=lang, context=context)


def notebook_style() -> str:
    """The styles of the brief's sections as a ``<style>`` block, for a notebook showing them (notebook 40).

    Returns
    -------
    str
        ``<style>`` with ``BRIEF_CSS``.
    """
    return f"<style>{BRIEF_CSS}</style>"


def report_page(doc_id: str, documents: pd.DataFrame, texts: pd.DataFrame, sections: pd.DataFrame,
                items: pd.DataFrame, metrics: pd.DataFrame, measures: pd.DataFrame, *,
                problem_topics: pd.DataFrame | None = None, remedies: pd.DataFrame | None = None,
                shared_sentences: pd.DataFrame | None = None, lang: str = "en",
                context: CorpusContext | None = None, names: Mapping[str, str] | None = None,
                index_href: str | None = None) -> str:
    """The brief of one report as one self-contained HTML page.

    Parameters
    ----------
    doc_id : str
        The report (ValueError when the documents table does not have it).
    documents, texts, sections, items, metrics, measures : pandas.DataFrame
        The ingest tables: of the whole corpus, or only the report's rows (then the key numbers are compared with
        the report alone).
    problem_topics, remedies, shared_sentences : pandas.DataFrame, optional
        The analysis tables (``fazhi analyze``), all three or none: without them the page says so and shows no
        topics, remedies or shared text.
    lang : str, default "en"
        ``en`` or ``zh``: every heading, sentence, table header and label (the report's text stays as written).
    context : CorpusContext, optional
        What the key numbers, shared text and last year's report compare against, computed once by
        ``render_reports`` for all pages; None: computed here from the tables given (without year over year).
    names : mapping of str to str, optional
        The file names of the briefs of other reports beside this one (``page_names``): the previous report is then
        linked to its brief.
    index_href : str, optional
        A relative link to the run's index page, shown at the top (None: no link).

    Returns
    -------
    str
        The page (UTF-8 text, ``<!DOCTYPE html>``).
    """
    check_lang(lang)
    doc_id = ov.choose_doc(documents, doc_id)
    if context is None:
        context = corpus_context(documents, texts, items, metrics, measures, problem_topics=problem_topics,
                                 remedies=remedies, shared_sentences=shared_sentences)
    header_values = ov.brief_header(documents, doc_id)
    body = "".join(brief_sections(doc_id, documents, texts, sections, items, metrics, measures, lang=lang,
                                  context=context, names=names, header_values=header_values).values())
    report = str(context.labels.get(doc_id, doc_id))
    title = report if header_values["标题"] == "（无标题）" else str(header_values["标题"])  # untitled: place, period
    toc = "".join(f'<a href="#{k}">{escape(t(f"{k}.title", lang))}</a>' for k in SECTIONS)
    back = (f'<a href="{escape(path_href(index_href))}">{escape(t("page.index", lang))}</a> · '
            if index_href else "")
    return f"""<!DOCTYPE html>
<html lang="{html_lang(lang)}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{escape(_CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="fazhi {escape(__version__)}">
<title>{escape(t("page.title", lang, report=report))}</title>
<style>{PAGE_CSS}{BRIEF_CSS}</style></head>
<body><main>
<div class="kicker">{back}{escape(t("page.kicker", lang))} · {escape(report)}</div>
<h1>{escape(title)}</h1>
<p class="intro">{escape(t("page.intro", lang))}</p>
<nav class="toc" aria-label="{escape(t("page.contents", lang))}">{toc}</nav>
{body}
<footer>{escape(t("page.footer", lang))} · doc_id {escape(doc_id)}</footer>
</main><script>{ANNOTATE_JS}</script></body></html>
"""


# ---- file names -------------------------------------------------------------------------------------------------

#: Names Windows refuses for a file, whatever its extension.
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
#: Longest file stem in UTF-8 bytes (file systems allow 255; room for a suffix, ``.html`` and a temporary name).
MAX_STEM_BYTES = 150


def safe_file_stem(text: str, max_bytes: int = MAX_STEM_BYTES) -> str:
    """A file name stem every common file system and zip tool accepts, made from ``text``.

    The text is NFC-normalised (macOS stores names decomposed), letters and digits of any script are kept with
    ``-``, ``_`` and ``.``, every other run of characters (slashes, colons, quotes, spaces, control characters …)
    is made one ``_``.

    Parameters
    ----------
    text : str
        What the name is made from (a jurisdiction and a period, a title).
    max_bytes : int, default MAX_STEM_BYTES
        The longest stem, in bytes of UTF-8.

    Returns
    -------
    str
        The stem: no leading or trailing dot, never a name Windows reserves (CON, NUL, COM1 …). May be ``""``.
    """
    s = unicodedata.normalize("NFC", text).replace("–", "-").replace("—", "-")
    s = "".join(c if c in "-_." or unicodedata.category(c)[0] in "LN" else "_" for c in s)
    s = re.sub(r"_+", "_", s).strip("._- ")
    while len(s.encode("utf-8")) > max_bytes:
        s = s[:-1]
    s = s.rstrip("._- ")
    if s.split(".")[0].upper() in _RESERVED:
        s = f"_{s}"
    return s


def _name_parts(documents: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Per document: the plain stem (jurisdiction, else title, else file name; and period) and the stem with the
    region in front."""
    plain, qualified = [], []
    for r in documents.itertuples(index=False):
        name = next((str(v) for v in (getattr(r, "jurisdiction", None), getattr(r, "title", None),
                                      Path(str(getattr(r, "file_name", "") or "")).stem)
                     if isinstance(v, str) and v.strip()), "")
        period = ov.period_label(getattr(r, "year_start", None), getattr(r, "year_end", None))
        stem = safe_file_stem(f"{name}_{period}" if period else name) or "report"
        region = getattr(r, "region", None)
        plain.append(stem)
        qualified.append(safe_file_stem(f"{region}_{stem}") if isinstance(region, str) and region.strip() else stem)
    return plain, qualified


def page_names(documents: pd.DataFrame, suffix: str = ".html") -> dict[str, str]:
    """A file name per report, made for people: jurisdiction and period (``金龙坪街道_2022-2024.html``).

    Names are unique whatever the case sensitivity of the file system and do not depend on the order of the
    documents: reports that would share a name get their region in front (``重庆市永川区_大安街道_2024``), and those
    still sharing one the first characters of their doc_id at the end. Every name is ``safe_file_stem``. Give it
    the reports that get a brief (``readable``): a duplicate or a failed file would otherwise push its twin's name
    to the longer form.

    Parameters
    ----------
    documents : pandas.DataFrame
        The documents table of the reports that get a brief (``doc_id``, ``jurisdiction``, ``title``,
        ``file_name``, ``year_start``, ``year_end``, ``region``).
    suffix : str, default ".html"
        The file names' extension.

    Returns
    -------
    dict of str to str
        {doc_id: file name}.
    """
    ids = [str(d) for d in documents["doc_id"]]
    plain, qualified = _name_parts(documents)

    def _clashing(names: Sequence[str]) -> set[int]:
        seen: dict[str, list[int]] = {}
        for i, n in enumerate(names):
            seen.setdefault(n.casefold(), []).append(i)
        return {i for group in seen.values() if len(group) > 1 for i in group}

    names = list(plain)
    for i in _clashing(names):
        names[i] = qualified[i]
    for width in (8, 16, len(max(ids, key=len, default=""))):
        clash = _clashing(names)
        if not clash:
            break
        for i in clash:
            names[i] = f"{qualified[i]}_{ids[i][:width]}"
    return {doc: f"{name}{suffix}" for doc, name in zip(ids, names, strict=True)}


# ---- many reports in one process --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BriefTables:
    """A tables directory read once for many pages (``load_brief_tables``).

    The fields are also the constructor's parameters (``names`` keyword-only).

    Attributes
    ----------
    rows : dict of str to dict of str to pandas.DataFrame
        Per doc_id, the report's rows of the ingest tables by table name.
    empty : dict of str to pandas.DataFrame
        Per table name, an empty frame with its columns (for a report without rows in it).
    context : CorpusContext
        What every page compares against.
    names : dict of str to str, optional
        The file names of the pages (``page_names``): a page links to its report's predecessor.
    """

    rows: dict[str, dict[str, pd.DataFrame]]
    empty: dict[str, pd.DataFrame]
    context: CorpusContext
    names: dict[str, str] = field(default_factory=dict, kw_only=True)

    def page(self, doc_id: str, lang: str, index_href: str | None = None) -> str:
        """The brief page of one report (``report_page`` on the report's rows).

        Parameters
        ----------
        doc_id : str
            The report.
        lang : str
            ``en`` or ``zh``.
        index_href : str, optional
            A relative link to the run's index page (default: no link).

        Returns
        -------
        str
            The page.
        """
        own = self.rows.get(doc_id, {})
        tables = {name: own.get(name, empty) for name, empty in self.empty.items()}
        return report_page(doc_id, self.context.documents, lang=lang, context=self.context, names=self.names,
                           index_href=index_href, **tables)


def load_brief_tables(tables_dir: str | Path) -> BriefTables:
    """Read a tables directory once for many pages: every table, split by report, and the ``CorpusContext``.

    Parameters
    ----------
    tables_dir : str or pathlib.Path
        The tables of ``fazhi ingest`` (``PAGE_TABLES``); the analysis tables are used when all are present and
        current.

    Returns
    -------
    BriefTables
        The tables split by report, the context and the pages' file names.

    Raises
    ------
    FileNotFoundError
        When an ingest table is missing.
    """
    tables_dir = Path(tables_dir)
    missing = [n for n in PAGE_TABLES if not (tables_dir / f"{n}.parquet").is_file()]
    if missing:
        raise FileNotFoundError(f"{tables_dir} lacks {', '.join(m + '.parquet' for m in missing)}: run `fazhi "
                                f"ingest ... -o {tables_dir}` first")
    tables = read(tables_dir, PAGE_TABLES)
    analysis: dict[str, object] = {}
    current = current_analysis(tables_dir)  # never the tables of an older ingest
    if current is not None:
        analysis = {n: current[n] for n in ("problem_topics", "remedies", "shared_sentences")}
        analysis["year_over_year"] = {n: current[n] for n in YEAR_OVER_YEAR_TABLES}
    context = corpus_context(tables["documents"], tables["texts"], tables["items"], tables["metrics"],
                             tables["measures"], **analysis)  # type: ignore[arg-type]
    rows: dict[str, dict[str, pd.DataFrame]] = {}
    for name in _REPORT_ROWS:
        for doc, part in _by_doc(tables[name], keep=True).items():
            if doc:
                rows.setdefault(doc, {})[name] = part
    return BriefTables(rows, {n: tables[n].iloc[:0] for n in _REPORT_ROWS}, context,
                       names=page_names(readable(tables["documents"])))


def _render_one(loaded: BriefTables, doc_id: str, path: Path, lang: str, index_href: str | None) -> dict:
    """Render and write one page; never raises (a failure is recorded and leaves any older page in place)."""
    t0 = time.perf_counter()
    try:
        page = loaded.page(doc_id, lang, index_href)
        atomic_write(path, lambda p: p.write_text(page, encoding="utf-8"))
        status, error = "ok", None
    except Exception as exc:
        status, error = "failed", f"{type(exc).__name__}: {exc}"
    return {"doc_id": doc_id, "file": path.name, "status": status, "error": error,
            "seconds": round(time.perf_counter() - t0, 4)}


def render_chunk(tables_dir: str | Path, out_dir: str | Path, pages: Sequence[tuple[str, str]], *, lang: str,
                 index_href: str | None = None) -> list[dict]:
    """Render the pages of some reports in this process, reading the tables once.

    Parameters
    ----------
    tables_dir : str or pathlib.Path
        The tables directory.
    out_dir : str or pathlib.Path
        The folder the pages are written to (it must exist).
    pages : sequence of (str, str)
        (doc_id, file name) pairs (from ``pages_to_render``).
    lang : str
        ``en`` or ``zh``.
    index_href : str, optional
        A relative link from the pages to an index page (default: no link).

    Returns
    -------
    list of dict
        One result per page, as ``render_reports`` gives them.
    """
    loaded = load_brief_tables(tables_dir)
    return [_render_one(loaded, doc, Path(out_dir) / name, lang, index_href) for doc, name in pages]


def _render_chunk(args: tuple[str, str, str, list[tuple[str, str]], str | None]) -> list[dict]:
    tables_dir, out_dir, lang, pages, index_href = args
    return render_chunk(tables_dir, out_dir, pages, lang=lang, index_href=index_href)


def readable(documents: pd.DataFrame) -> pd.DataFrame:
    """The reports that get a brief: read without failure (status ok or warning), duplicates left out.

    Parameters
    ----------
    documents : pandas.DataFrame
        The documents table.

    Returns
    -------
    pandas.DataFrame
        Its rows of those reports (``schema.readable``).
    """
    return schema.readable(documents)


def pages_to_render(documents: pd.DataFrame, doc_ids: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """(doc_id, file name) of each report to render.

    Names are those of every report, whichever are rendered now, so that links between pages stay valid.

    Parameters
    ----------
    documents : pandas.DataFrame
        The documents table.
    doc_ids : iterable of str, optional
        The reports to render (default: every report that gets a brief).

    Returns
    -------
    list of (str, str)
        (doc_id, file name) pairs, in the order of the documents table (or of ``doc_ids``).

    Raises
    ------
    ValueError
        Naming the doc_ids of ``doc_ids`` that are no report getting a brief.
    """
    names = page_names(readable(documents))
    return [(doc, names[doc]) for doc in _reports_to_render(documents, doc_ids)]


def _reports_to_render(documents: pd.DataFrame, doc_ids: Iterable[str] | None) -> list[str]:
    reports = readable(documents)["doc_id"].astype(str).tolist()
    if doc_ids is None:
        return reports
    wanted = [str(d) for d in doc_ids]
    unknown = sorted(set(wanted) - set(reports))
    if unknown:
        raise ValueError(f"no report read without failure has doc_id {', '.join(unknown)} (unknown, failed or "
                         "a duplicate)")
    return wanted


def render_reports(tables_dir: str | Path, out_dir: str | Path, *, lang: str = "en",
                   doc_ids: Iterable[str] | None = None, jobs: int = 1,
                   log: Callable[[str], object] | None = None, index_href: str | None = None) -> list[dict]:
    """Write the brief page of every report of a corpus (or of ``doc_ids``) into ``out_dir``.

    The tables are read once per process and every page's comparisons computed once (``load_brief_tables``); with
    ``jobs`` > 1 the reports are split into that many parts rendered in parallel processes. Each page is written
    atomically under ``page_names`` (a failed page leaves an older file of that name untouched, and the others are
    rendered). Reports whose reading failed and duplicates get no page (asking for one in ``doc_ids`` is a
    ValueError).

    Parameters
    ----------
    tables_dir : str or pathlib.Path
        The tables directory (``fazhi ingest``, and ``fazhi analyze`` for topics, remedies and shared text).
    out_dir : str or pathlib.Path
        The folder the pages are written to (made when missing).
    lang : str, default "en"
        ``en`` or ``zh``.
    doc_ids : iterable of str, optional
        The reports to render (default: every report that gets a brief).
    jobs : int, default 1
        Processes rendering in parallel.
    log : callable, optional
        Given a line per failed page (default: nothing is said).
    index_href : str, optional
        A relative link from the pages to an index page (``../index.html``); default: no link.

    Returns
    -------
    list of dict
        One per report, in the order of the documents table: ``doc_id``, ``file``, ``status`` (ok / failed),
        ``error`` (None or the exception) and ``seconds``.
    """
    check_lang(lang)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    documents = read(tables_dir, ["documents"])["documents"]
    todo = pages_to_render(documents, doc_ids)
    jobs = max(1, min(int(jobs), len(todo) or 1))
    chunks = [todo[i::jobs] for i in range(jobs)]
    tasks = [(str(tables_dir), str(out), lang, chunk, index_href) for chunk in chunks if chunk]
    if jobs == 1:
        results = [r for task in tasks for r in _render_chunk(task)]
    else:
        with workers(jobs) as pool:  # workers that end with this process, however it ends
            results = [r for part in pool.map(_render_chunk, tasks) for r in part]
    order = {doc: i for i, (doc, _) in enumerate(todo)}
    results.sort(key=lambda r: order[r["doc_id"]])
    if log is not None:
        for r in results:
            if r["status"] != "ok":
                log(f"brief of {r['doc_id']} ({r['file']}) failed: {r['error']}")
    return results
