"""The landing page of a brief run (``index.html``): what the corpus is, what stands out, every brief, and the run.

A colleague who opens a run folder starts here. The page says, in English or Chinese (``fazhi_lib.i18n``):

1. **what needs attention** first — notebooks or report briefs that failed, files that could not be read, reports
   read with a warning, duplicates and skipped files, each with its reason;
2. **the corpus** — reports by administrative level and year, by region, and how many contain each part the rules
   require (``overview.REQUIRED_PARTS``);
3. **what stands out** — the largest problem topics, the mechanisms most reports adopt, the indicators most reports
   state and, where jurisdictions can be followed over years, how many of last year's plans were carried out; each
   row links into the brief of a report that shows it, and each block to the notebook brief that analyses it;
4. **the report briefs** — one row per report (jurisdiction, level, region, period, required parts), sortable and
   filterable with a few lines of inline script when there are many;
5. **the notebook briefs**, then the run's parameters and provenance (input files and their sha256, versions).

``load_facts`` reads what the page shows from a tables directory (the views are pure functions below);
``landing_page`` writes the page from the run's manifest and those facts. Every value is escaped
(``fazhi_lib.safehtml``); links are relative (``reports/大安街道_2024.html``), so a zipped run folder opened
elsewhere keeps them working. The page loads nothing: its style and its one script are inline, and a
Content-Security-Policy allows only that script.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from fazhi_lib import __version__
from fazhi_lib import overview as ov
from fazhi_lib.analysis import current_analysis
from fazhi_lib.compare import comparable, report_labels
from fazhi_lib.diffusion import adoption
from fazhi_lib.htmltable import TABLE_CSS, fields_table, format_number, format_percent
from fazhi_lib.i18n import DEFAULT_LANG, check_lang, header, html_lang, label, t, value_label
from fazhi_lib.report_page import PAGE_CSS, SECTION_CSS
from fazhi_lib.safehtml import as_text, escape, path_href
from fazhi_lib.schema import readable
from fazhi_lib.store import read

__all__ = ["Facts", "landing_page", "load_facts", "promise_pairs", "reports_by", "top_indicators",
           "top_mechanisms", "top_topics"]

#: Rows of each "what stands out" table, and of the regions table.
TOP = 10
#: Reports from which the list of briefs gets a filter box and sortable columns.
FILTER_FROM = 12
#: Files listed in the provenance (all of them are in manifest.json).
MAX_FILES = 500
#: The notebook behind each block of the page (linked when the run rendered it).
NOTEBOOK_OF = {"corpus": "00_corpus_overview", "topics": "10_problem_topics", "mechanisms": "20_measure_frequency",
               "indicators": "30_metric_comparison", "promises": "50_year_over_year"}

_CSS = """
.attention{border-left:4px solid #b42318;background:#fdf3f2;padding:.4em 1em;margin:1em 0}
.attention.calm{border-color:#2da44e;background:#f1faf3}.attention.warn{border-color:#bf8700;background:#fff8e5}
.attention h2{margin-top:.4em;border:none}
.lead{font-size:1.08em;max-width:52em}
.filter{margin:.4em 0;display:flex;gap:1em;align-items:baseline;flex-wrap:wrap}
.filter input{font:inherit;padding:.25em .5em;min-width:20em;border:1px solid #c9d0d8;border-radius:4px}
.filter .count{color:#57606a;font-size:.9em}
table.sortable thead th{cursor:pointer;user-select:none}
table.sortable thead th[aria-sort=ascending]::after{content:" ▲";font-size:.75em}
table.sortable thead th[aria-sort=descending]::after{content:" ▼";font-size:.75em}
.more{font-size:.92em;margin:.2em 0 1.2em}
.err{color:#a40e26;white-space:pre-wrap;overflow-wrap:anywhere}
code{font-size:90%;overflow-wrap:anywhere}
details summary{cursor:pointer;color:#0b5cad}
"""

# Filter box and sortable columns of the list of briefs. Text reaches the page only through textContent.
_JS = """(function () {
  var table = document.getElementById("fz-reports");
  if (!table || !table.classList.contains("sortable")) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var box = document.getElementById("fz-filter");
  var count = document.getElementById("fz-count");
  function show() {
    var q = box ? box.value.trim().toLowerCase() : "";
    var n = 0;
    rows.forEach(function (r) {
      var hit = !q || r.textContent.toLowerCase().indexOf(q) >= 0;
      r.hidden = !hit;
      if (hit) { n += 1; }
    });
    if (count) {
      count.textContent = count.getAttribute("data-template").replace("{n}", n).replace("{total}", rows.length);
    }
  }
  if (box) { box.addEventListener("input", show); }
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, i) {
    th.addEventListener("click", function () {
      var up = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", up ? "ascending" : "descending");
      var numeric = th.classList.contains("n");
      function key(r) {
        var c = r.cells[i];
        var v = c.getAttribute("data-v");
        return numeric ? parseFloat(v === null ? c.textContent : v) || 0 : c.textContent;
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        var d = numeric ? x - y : x.localeCompare(y, "zh-CN");
        return up ? d : -d;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  show();
})();
"""
_JS_HASH = "'sha256-" + base64.b64encode(hashlib.sha256(_JS.encode()).digest()).decode() + "'"


def _csp(script: bool) -> str:
    """The page's Content-Security-Policy: no request at all, and no script but its own (when it has one)."""
    return ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
            f"script-src {_JS_HASH if script else chr(39) + 'none' + chr(39)}; base-uri 'none'; form-action 'none'")


# ---- what the page says about the corpus (pure functions of the tables) ------------------------------------------


def reports_by(documents: pd.DataFrame, column: str, unknown: str = "未知") -> pd.Series:
    """The reports (read without failure) per value of a documents column, most first.

    Parameters
    ----------
    documents : pandas.DataFrame
        The documents table.
    column : str
        The column counted by (``region``, ``admin_level`` …).
    unknown : str, default "未知"
        The name of a missing value.

    Returns
    -------
    pandas.Series
        Reports per value (``reports``, indexed by ``column``), most first.
    """
    reports = readable(documents)
    values = reports[column].map(as_text).replace("", unknown)
    return values.value_counts().rename_axis(column).rename("reports")


def reports_by_level_and_year(documents: pd.DataFrame, unknown: str = "未知") -> pd.DataFrame:
    """Reports per administrative level (rows, most reports first) and last year covered (columns, in order).

    Parameters
    ----------
    documents : pandas.DataFrame
        The documents table (``admin_level``, ``year_end``); only reports read without failure are counted.
    unknown : str, default "未知"
        The name of a missing level or year (its column comes last).

    Returns
    -------
    pandas.DataFrame
        One row per level, one column per year, the number of reports in each cell.
    """
    reports = readable(documents)
    level = reports["admin_level"].map(as_text).replace("", unknown)
    year = pd.to_numeric(reports["year_end"], errors="coerce").map(lambda y: unknown if pd.isna(y) else str(int(y)))
    table = pd.crosstab(level.to_numpy(), year.to_numpy())
    table = table.loc[table.sum(axis=1).sort_values(ascending=False, kind="stable").index]
    return table[sorted(table.columns, key=lambda c: (c == unknown, c))]


def top_topics(problem_topics: pd.DataFrame, topics: pd.DataFrame, n: int = TOP) -> pd.DataFrame:
    """The largest problem topics, each with its most representative statement.

    Parameters
    ----------
    problem_topics : pandas.DataFrame
        The ``problem_topics`` table (one row per problem statement: ``topic``, ``score``, ``item_id``,
        ``doc_id``).
    topics : pandas.DataFrame
        The ``topics`` table (one row per topic: ``topic``, ``topic_label``, ``size``, ``n_reports``,
        ``examples``).
    n : int, default TOP
        How many topics.

    Returns
    -------
    pandas.DataFrame
        One row per topic, largest first: ``topic``, ``topic_label``, ``size`` (statements), ``n_reports``,
        ``doc_id`` (the report of the statement with the highest score of the topic) and ``example`` (the topic's
        first example).
    """
    cols = ["topic", "topic_label", "size", "n_reports", "doc_id", "example"]
    if topics.empty or problem_topics.empty:
        return pd.DataFrame(columns=cols)
    best = problem_topics.sort_values(["topic", "score", "item_id"], ascending=[True, False, True],
                                      kind="stable").drop_duplicates("topic").set_index("topic")
    top = topics.sort_values(["size", "topic"], ascending=[False, True], kind="stable").head(n)
    examples = [_first_example(e) for e in top["examples"]]
    return pd.DataFrame({"topic": top["topic"].to_numpy(), "topic_label": top["topic_label"].to_numpy(),
                         "size": top["size"].astype(int).to_numpy(),
                         "n_reports": top["n_reports"].astype(int).to_numpy(),
                         "doc_id": best["doc_id"].reindex(top["topic"]).to_numpy(), "example": examples},
                        columns=cols)


def _first_example(value: object) -> str:
    if value is None or isinstance(value, str):
        return as_text(value)
    values = list(value)  # a list, or an array from Parquet
    return as_text(values[0]) if values else ""


def top_mechanisms(measures: pd.DataFrame, documents: pd.DataFrame, n: int = TOP) -> pd.DataFrame:
    """The mechanisms most reports adopt (``diffusion.adoption``), each with the report naming it most often.

    Parameters
    ----------
    measures : pandas.DataFrame
        The ``measures`` table (one row per mention of a mechanism).
    documents : pandas.DataFrame
        The documents table (only reports read without failure count).
    n : int, default TOP
        How many mechanisms.

    Returns
    -------
    pandas.DataFrame
        One row per mechanism, most reports first: ``term``, ``dimension``, ``reports``, ``share``,
        ``reports_planned_only`` (reports with it only planned) and ``doc_id`` (the report naming it most often).
    """
    cols = ["term", "dimension", "reports", "share", "reports_planned_only", "doc_id"]
    top = adoption(measures, documents, top=n)
    if top.empty:
        return pd.DataFrame(columns=cols)
    mentions = measures[measures["term"].isin(top["term"]) & measures["doc_id"].isin(
        readable(documents)["doc_id"])]
    most = (mentions.groupby(["term", "doc_id"]).size().rename("n").reset_index()
            .sort_values(["term", "n", "doc_id"], ascending=[True, False, True], kind="stable")
            .drop_duplicates("term").set_index("term")["doc_id"])
    return top.assign(doc_id=top["term"].map(most).to_numpy())[cols].reset_index(drop=True)


def top_indicators(metrics: pd.DataFrame, documents: pd.DataFrame, n: int = TOP) -> pd.DataFrame:
    """The canonical indicators most reports state, each with the report stating the highest value.

    Parameters
    ----------
    metrics : pandas.DataFrame
        The ``metrics`` table (one row per reported number); one comparable number per report and indicator, per
        year (``compare.comparable``).
    documents : pandas.DataFrame
        The documents table.
    n : int, default TOP
        How many indicators.

    Returns
    -------
    pandas.DataFrame
        One row per indicator, most reports first: ``indicator``, ``n_reports``, ``median``, ``unit``, ``doc_id``
        (the report stating the highest value) and ``highest`` (that value).
    """
    cols = ["indicator", "n_reports", "median", "unit", "doc_id", "highest"]
    table = comparable(metrics, documents, per_year=True)
    if table.empty:
        return pd.DataFrame(columns=cols)
    g = table.groupby("canonical_indicator")
    stats = pd.DataFrame({"n_reports": g["doc_id"].nunique(), "median": g["value_per_year"].median(),
                          "unit": g["unit"].agg(lambda u: u.mode().iat[0] if len(u.mode()) else "")})
    high = table.sort_values(["canonical_indicator", "value_per_year", "doc_id"], ascending=[True, False, True],
                             kind="stable").drop_duplicates("canonical_indicator").set_index("canonical_indicator")
    stats["doc_id"], stats["highest"] = high["doc_id"], high["value_per_year"]
    stats = stats.rename_axis("indicator").reset_index()
    stats = stats.sort_values(["n_reports", "indicator"], ascending=[False, True], kind="stable").head(n)
    return stats[cols].reset_index(drop=True)


def promise_pairs(promises: pd.DataFrame, n: int | None = TOP) -> pd.DataFrame:
    """Promise-keeping per pair of consecutive reports, most plans first, after a row summing all pairs.

    Parameters
    ----------
    promises : pandas.DataFrame
        The ``promises`` table (one row per plan item of a report judged against the next report:
        ``next_doc_id``, ``kept``).
    n : int or None, default TOP
        How many pairs (None: all).

    Returns
    -------
    pandas.DataFrame
        ``doc_id`` (the later report; None in the first row, which sums all pairs), ``plans`` (last year's plan
        items judged), ``kept`` (how many it carries out) and ``rate`` (the share).
    """
    cols = ["doc_id", "plans", "kept", "rate"]
    if promises.empty:
        return pd.DataFrame(columns=cols)
    g = promises.groupby("next_doc_id")
    pairs = pd.DataFrame({"plans": g.size(), "kept": g["kept"].sum().astype(int)}).rename_axis("doc_id").reset_index()
    pairs["rate"] = pairs["kept"] / pairs["plans"]
    pairs = pairs.sort_values(["plans", "doc_id"], ascending=[False, True], kind="stable")
    total = pd.DataFrame({"doc_id": [None], "plans": [int(pairs["plans"].sum())], "kept": [int(pairs["kept"].sum())]})
    total["rate"] = total["kept"] / total["plans"]
    shown = pairs if n is None else pairs.head(n)
    return pd.concat([total, shown], ignore_index=True)[cols]


@dataclass(frozen=True, kw_only=True)
class Facts:
    """What the landing page says about a corpus, read once from its tables (``load_facts``).

    The fields are also the constructor's (keyword-only) parameters.

    Attributes
    ----------
    documents, skipped : pandas.DataFrame
        The documents and skipped tables.
    labels : pandas.Series
        ``compare.report_labels(documents)``.
    links : mapping of str to str
        Maps doc_id → the report's brief, relative to the run folder (``reports/大安街道_2024.html``).
    topics, mechanisms, indicators, promises : pandas.DataFrame or None
        ``top_topics``, ``top_mechanisms``, ``top_indicators`` and ``promise_pairs``; topics and promises None
        when the analysis tables are missing.
    n_metrics : pandas.Series
        Reported numbers per doc_id.
    """

    documents: pd.DataFrame
    skipped: pd.DataFrame
    labels: pd.Series
    links: Mapping[str, str]
    topics: pd.DataFrame | None
    mechanisms: pd.DataFrame
    indicators: pd.DataFrame
    promises: pd.DataFrame | None
    n_metrics: pd.Series


def load_facts(tables_dir: str | Path, links: Mapping[str, str] | None = None) -> Facts:
    """Read what the landing page shows from a tables directory.

    Parameters
    ----------
    tables_dir : str or pathlib.Path
        The tables: the ingest tables, and the analysis tables when they are current
        (``analysis.current_analysis``).
    links : mapping of str to str, optional
        Maps doc_id → the report's brief, relative to the run folder (default: no report has a brief).

    Returns
    -------
    Facts
        What the page says about the corpus.
    """
    tables = read(tables_dir, ("documents", "skipped", "metrics", "measures"))
    documents = tables["documents"]
    current = current_analysis(tables_dir)  # never the analysis of an older ingest
    analysis = {} if current is None else {n: current[n] for n in ("problem_topics", "topics", "promises")}
    return Facts(
        documents=documents, skipped=tables["skipped"], labels=report_labels(documents), links=dict(links or {}),
        topics=top_topics(analysis["problem_topics"], analysis["topics"]) if analysis else None,
        mechanisms=top_mechanisms(tables["measures"], documents),
        indicators=top_indicators(tables["metrics"], documents),
        promises=promise_pairs(analysis["promises"]) if analysis else None,
        n_metrics=tables["metrics"].groupby("doc_id").size())


# ---- the page ---------------------------------------------------------------------------------------------------


def _h2(key: str, lang: str, anchor: str) -> str:
    return f'<h2 id="{anchor}">{escape(t(key, lang))}</h2>'


def _p(key: str, lang: str, cls: str = "note", **values: object) -> str:
    return f'<p class="{cls}">{escape(t(key, lang, **values))}</p>'


def _link(href: str | None, text: object, fragment: str = "") -> str:
    return f'<a href="{escape(path_href(href, fragment))}">{escape(text)}</a>' if href else escape(text)


def _table(head: Sequence[tuple[str, str]], rows: Iterable[Sequence[object]], table_id: str = "",
           sortable: bool = False) -> str:
    """A table of cells already escaped (or built from escaped parts): ``head`` are (text, class) pairs; a cell
    is (html, class) or (html, class, sort value)."""
    attrs = (f' id="{table_id}"' if table_id else "") + f' class="fz{" sortable" if sortable else ""}"'
    th = "".join(f'<th class="{k}">{escape(text)}</th>' for text, k in head)
    body = []
    for row in rows:
        cells = []
        for cell in row:
            html, k, *v = cell
            sort = f' data-v="{escape(v[0])}"' if v else ""
            cells.append(f'<td class="{k}"{sort}>{html}</td>')
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (f'<div class="fz-scroll"><table{attrs}><thead><tr>{th}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>")


def _notebook_link(manifest: Mapping, block: str, lang: str) -> str:
    """"Full analysis: <notebook brief>" under a block, when the run rendered that notebook."""
    stem = NOTEBOOK_OF.get(block)
    for nb in manifest.get("notebooks", []):
        if nb.get("html") and stem and Path(str(nb.get("notebook", ""))).stem == stem and nb.get("status") == "ok":
            return f'<p class="more">{escape(t("idx.more", lang))} {_link(nb["html"], nb.get("summary") or stem)}</p>'
    return ""


def _failures(manifest: Mapping, facts: Facts | None, lang: str) -> list[str]:
    """What failed, with the error: notebooks, report briefs, fazhi analyze, files that could not be read."""
    items: list[str] = []
    for nb in manifest.get("notebooks", []):
        if nb.get("status") != "ok":
            name = _link(nb.get("html"), nb.get("name", ""))
            items.append(f'<li>{escape(t("idx.failed_notebook", lang))} {name}: '
                         f'<span class="err">{escape(nb.get("error"))}</span></li>')
    for r in manifest.get("reports", []):
        if r.get("status") != "ok":
            items.append(f'<li>{escape(t("idx.failed_page", lang))} {escape(r.get("file"))}: '
                         f'<span class="err">{escape(r.get("error"))}</span></li>')
    corpus = manifest.get("corpus", {})
    if corpus.get("analyze_error"):
        items.append(f'<li>{escape(t("idx.analyze_failed", lang))}: '
                     f'<span class="err">{escape(corpus["analyze_error"])}</span></li>')
    failed = ([{"source": f.get("source"), "message": f.get("message")} for f in corpus.get("failed_documents", [])]
              if facts is None else
              facts.documents.loc[facts.documents["status"].eq("failed"), ["source", "message"]].to_dict("records"))
    items += [f'<li>{escape(label("status", "failed", lang))}: {escape(f["source"])}: '
              f'<span class="err">{escape(f["message"])}</span></li>' for f in failed]
    notes = [n for n in manifest.get("notes", []) if not str(n).startswith(("could not be read:", "analyze failed:"))]
    return items + [f"<li>{escape(n)}</li>" for n in notes]


def _warnings(facts: Facts | None, lang: str) -> list[str]:
    """Files read with a warning, and duplicates of another report, with the reason."""
    if facts is None:
        return []
    bad = facts.documents[facts.documents["status"].isin(["warning", "duplicate"])]
    items = []
    for r in bad.sort_values("status", ascending=False, kind="stable").to_dict("records"):
        reason = as_text(r.get("message"))
        if r["status"] == "duplicate" and as_text(r.get("duplicate_of")):
            reason = t("idx.duplicate_of", lang, report=facts.labels.get(r["duplicate_of"], r["duplicate_of"]))
        items.append(f'<li>{escape(label("status", r["status"], lang))}: {escape(r.get("source"))}'
                     f'{": " if reason else ""}<span class="err">{escape(reason)}</span></li>')
    return items


def _skipped(facts: Facts | None, lang: str) -> str:
    """The files that are no report (a metadata.csv, a stray file), with the reason, folded away."""
    if facts is None or facts.skipped.empty:
        return ""
    items = "".join(f"<li>{escape(r.get('source'))}: {escape(value_label(r.get('reason'), lang))}</li>"
                    for r in facts.skipped.to_dict("records"))
    return (f'<details><summary>{escape(t("idx.skipped_files", lang, n=format_number(len(facts.skipped))))}'
            f"</summary><ul>{items}</ul></details>")


def _attention(manifest: Mapping, facts: Facts | None, lang: str) -> str:
    """Failures, then warnings, with their reasons, first on the page; or a line saying nothing failed."""
    failures, warned, skipped = _failures(manifest, facts, lang), _warnings(facts, lang), _skipped(facts, lang)
    if not failures and not warned:
        return f'<div class="attention calm">{_p("idx.all_well", lang, cls="lead")}{skipped}</div>'
    body = ""
    if failures:
        body += f'{_h2("idx.attention", lang, "attention-title")}<ul>{"".join(failures)}</ul>'
    if warned:
        body += f'<h3>{escape(t("idx.warnings", lang))}</h3><ul>{"".join(warned)}</ul>'
    return f'<div class="attention{"" if failures else " warn"}" id="attention">{body}{skipped}</div>'


def _corpus(manifest: Mapping, facts: Facts, lang: str) -> str:
    """Section "The corpus": headline figures, reports by level and year, by region, required parts."""
    docs = facts.documents
    summary = ov.corpus_summary(docs)
    unknown = t("v.未知", lang)
    period = (f"{summary['first_year']}–{summary['last_year']}" if summary["first_year"] is not None else unknown)
    readable_docs = readable(docs)
    fields = [(t("idx.n_reports", lang), t("idx.n_reports_of", lang, n=format_number(summary["n_reports"]),
                                           files=format_number(summary["n_documents"]))),
              (t("idx.jurisdictions", lang), format_number(readable_docs["jurisdiction"].dropna().nunique())),
              (t("idx.period", lang), period),
              (t("idx.status", lang), ", ".join(f"{label('status', k, lang)} {format_number(v)}"
                                                 for k, v in summary["status"].items()))]
    body = fields_table(fields)
    by_level = reports_by_level_and_year(docs, unknown)
    if by_level.size:
        body += f'<h3>{escape(t("idx.by_level_year", lang))}</h3>' + _matrix(by_level, t("col.级别", lang))
    regions = reports_by(docs, "region", unknown)
    if len(regions):
        shown = regions.head(TOP)
        rows = [((escape(k), "s"), (format_number(v), "n")) for k, v in shown.items()]
        if len(regions) > TOP:
            rows.append(((escape(t("idx.other_regions", lang, n=format_number(len(regions) - TOP))), "s"),
                         (format_number(regions.iloc[TOP:].sum()), "n")))
        body += f'<h3>{escape(t("idx.by_region", lang))}</h3>' + _table(
            [(t("col.上级区域", lang), "s"), (t("col.报告数", lang), "n")], rows)
    body += _required_parts(docs, lang)
    return (f'<section id="corpus">{_h2("idx.corpus", lang, "corpus-title")}{body}'
            f"{_notebook_link(manifest, 'corpus', lang)}</section>")


def _matrix(table: pd.DataFrame, corner: str) -> str:
    head = [(corner, "s"), *((str(c), "n") for c in table.columns)]
    rows = [((escape(idx), "s"), *((format_number(v), "n") for v in row))
            for idx, row in zip(table.index, table.to_numpy().tolist(), strict=True)]
    return _table(head, rows)


def _required_parts(documents: pd.DataFrame, lang: str) -> str:
    """How many reports contain each part the rules require, and all of them."""
    matrix = ov.compliance(documents)
    if matrix.empty:
        return ""
    counts = [*((header(k, lang), int(matrix[k].sum())) for k in matrix.columns),
              (header("全部具备", lang), int(matrix.all(axis=1).sum()))]
    n = len(matrix)
    rows = [((escape(name), "s"), (format_number(k), "n"), (format_percent(k / n), "n")) for name, k in counts]
    return (f'<h3>{escape(t("idx.required", lang))}</h3>{_p("idx.required_note", lang)}'
            + _table([(t("idx.part", lang), "s"), (t("col.报告数", lang), "n"), (t("idx.share", lang), "n")], rows))


def _brief_link(facts: Facts, doc_id: object, anchor: str = "") -> str:
    doc = as_text(doc_id)
    target = facts.links.get(doc)
    text = facts.labels.get(doc, doc)
    return _link(target, text, anchor) if doc else ""


def _stands_out(manifest: Mapping, facts: Facts, lang: str) -> str:
    """Section "What stands out": topics, mechanisms, indicators, promises kept; each row links into a brief."""
    blocks = [_topics_block(manifest, facts, lang), _mechanisms_block(manifest, facts, lang),
              _indicators_block(manifest, facts, lang), _promises_block(manifest, facts, lang)]
    return (f'<section id="stands-out">{_h2("idx.stands_out", lang, "stands-out-title")}'
            f'{_p("idx.stands_out_note", lang, cls="intro")}{"".join(blocks)}</section>')


def _block(manifest: Mapping, lang: str, *, title: str, frame: pd.DataFrame | None, empty: str,
           head: list[tuple[str, str]], row: Callable[[dict], tuple], notebook: str, note: str | None = None,
           missing: str | None = None) -> str:
    """One block of "What stands out": its title, then either the line saying why there is nothing to show (no such
    table: ``missing``; an empty one: ``empty``) or a ``note``, the table of ``frame`` (one ``row`` per record) and
    the link to the ``notebook`` that tells more. ``title``, ``empty``, ``note`` and ``missing`` are catalogue keys."""
    heading = f'<h3>{escape(t(title, lang))}</h3>'
    if frame is None:
        return heading + _p(missing or empty, lang)
    if frame.empty:
        return heading + _p(empty, lang)
    rows = [row(r) for r in frame.to_dict("records")]
    return (heading + (_p(note, lang) if note else "") + _table(head, rows)
            + _notebook_link(manifest, notebook, lang))


def _topics_block(manifest: Mapping, facts: Facts, lang: str) -> str:
    head = [(t("col.topic", lang), "s"), (t("idx.statements", lang), "n"), (t("col.报告数", lang), "n"),
            (t("idx.example", lang), "t"), (t("idx.in_brief", lang), "s")]
    return _block(manifest, lang, title="idx.topics", frame=facts.topics, missing="page.no_analysis",
                  empty="idx.no_topics", head=head, notebook="topics",
                  row=lambda r: ((escape(r["topic_label"]), "s"), (format_number(r["size"]), "n"),
                                 (format_number(r["n_reports"]), "n"), (escape(r["example"]), "t"),
                                 (_brief_link(facts, r["doc_id"], "problems"), "s")))


def _mechanisms_block(manifest: Mapping, facts: Facts, lang: str) -> str:
    head = [(t("col.term", lang), "s"), (t("col.dimension", lang), "s"), (t("col.报告数", lang), "n"),
            (t("idx.share", lang), "n"), (t("idx.only_planned", lang), "n"), (t("idx.named_most", lang), "s")]
    return _block(manifest, lang, title="idx.mechanisms", frame=facts.mechanisms, empty="mechanisms.none",
                  head=head, notebook="mechanisms",
                  row=lambda r: ((escape(r["term"]), "s"),
                                 (escape(label("dimension", as_text(r["dimension"]) or "unclassified", lang)), "s"),
                                 (format_number(r["reports"]), "n"), (format_percent(r["share"]), "n"),
                                 (format_number(r["reports_planned_only"]), "n"),
                                 (_brief_link(facts, r["doc_id"], "mechanisms"), "s")))


def _indicators_block(manifest: Mapping, facts: Facts, lang: str) -> str:
    head = [(t("col.indicator", lang), "s"), (t("col.报告数", lang), "n"), (t("col.median", lang), "n"),
            (t("col.unit", lang), "s"), (t("idx.highest", lang), "n"), (t("idx.highest_in", lang), "s")]
    return _block(manifest, lang, title="idx.indicators", frame=facts.indicators, empty="idx.no_indicators",
                  note="idx.indicators_note", head=head, notebook="indicators",
                  row=lambda r: ((escape(r["indicator"]), "s"), (format_number(r["n_reports"]), "n"),
                                 (format_number(r["median"]), "n"), (escape(r["unit"]), "s"),
                                 (format_number(r["highest"]), "n"),
                                 (_brief_link(facts, r["doc_id"], "numbers"), "s")))


def _promises_block(manifest: Mapping, facts: Facts, lang: str) -> str:
    head = [(t("idx.report_and_last", lang), "s"), (t("idx.plans_judged", lang), "n"),
            (t("v.已落实", lang), "n"), (t("idx.rate", lang), "n")]
    all_pairs = escape(t("idx.all_pairs", lang))
    return _block(manifest, lang, title="idx.promises", frame=facts.promises, missing="page.no_yoy",
                  empty="idx.no_panels", note="idx.promises_note", head=head, notebook="promises",
                  row=lambda r: ((_brief_link(facts, r["doc_id"], "lastyear") if r["doc_id"] else all_pairs, "s"),
                                 (format_number(r["plans"]), "n"), (format_number(r["kept"]), "n"),
                                 (format_percent(r["rate"]), "n")))


def _missing_parts(parts: object, lang: str) -> str:
    found = set(filter(None, as_text(parts).split(",")))
    missing = [label("req", name, lang) for name, alts in ov.REQUIRED_PARTS.items() if not found & set(alts)]
    return "✓" if not missing else t("idx.missing", lang, parts="、".join(missing) if lang == "zh"
                                       else ", ".join(missing))


def _listed(facts: Facts) -> pd.DataFrame:
    """The documents of the reports that have a brief in the run."""
    return facts.documents[facts.documents["doc_id"].isin(list(facts.links))]


def _reports_list(manifest: Mapping, facts: Facts | None, lang: str) -> str:
    """Section "Report briefs": one row per report with a brief, sortable and filterable when there are many."""
    title = _h2("idx.reports", lang, "reports-title")
    if facts is None:
        pages = [r for r in manifest.get("reports", []) if r.get("status") == "ok"]
        if not pages:
            return f'<section id="reports">{title}{_p("idx.no_reports", lang)}</section>'
        items = "".join(f"<li>{_link(r['file'], Path(r['file']).stem)}</li>" for r in pages)
        return f'<section id="reports">{title}<ul>{items}</ul></section>'
    docs = _listed(facts)
    if docs.empty:
        return f'<section id="reports">{title}{_p("idx.no_reports", lang)}</section>'
    rows = []
    for r in docs.to_dict("records"):
        period = ov.period_label(r.get("year_start"), r.get("year_end"))
        rows.append(((_brief_link(facts, r["doc_id"]), "s"), (escape(r.get("jurisdiction")), "s"),
                     (escape(r.get("admin_level")), "s"), (escape(r.get("region")), "s"), (escape(period), "s"),
                     (escape(_missing_parts(r.get("parts"), lang)), "s"),
                     (format_number(facts.n_metrics.get(r["doc_id"], 0)), "n", facts.n_metrics.get(r["doc_id"], 0)),
                     (format_number(r.get("n_chars")), "n", as_text(r.get("n_chars"))),
                     (escape(label("status", r.get("status"), lang)), "s")))
    head = [(t("idx.brief", lang), "s"), (t("hdr.jurisdiction", lang), "s"), (t("hdr.level", lang), "s"),
            (t("hdr.region", lang), "s"), (t("hdr.period", lang), "s"), (t("idx.required_short", lang), "s"),
            (t("idx.numbers", lang), "n"), (t("hdr.chars", lang), "n"), (t("hdr.status", lang), "s")]
    many = len(rows) >= FILTER_FROM
    tools = ""
    if many:
        template = t("idx.shown", lang, n="{n}", total="{total}")
        tools = (f'<div class="filter"><input id="fz-filter" type="search" '
                 f'placeholder="{escape(t("idx.filter", lang))}" aria-label="{escape(t("idx.filter", lang))}">'
                 f'<span id="fz-count" class="count" data-template="{escape(template)}"></span></div>'
                 f'{_p("idx.sort_hint", lang)}')
    table = _table(head, rows, table_id="fz-reports", sortable=many)
    return (f'<section id="reports">{title}{_p("idx.reports_note", lang, cls="intro")}{tools}{table}'
            "</section>")


def _fmt_params(params: Mapping) -> str:
    return ", ".join(f"{k}={json.dumps(v, ensure_ascii=False, default=str)}" for k, v in params.items())


def _notebooks(manifest: Mapping, lang: str) -> str:
    """Section "Notebook briefs": each notebook run, its parameters, status and time."""
    rows = []
    for nb in manifest.get("notebooks", []):
        status = nb.get("status", "")
        err = f'<div class="err">{escape(nb.get("error"))}</div>' if nb.get("error") else ""
        summary = escape(nb.get("summary", ""))
        if nb.get("one_report"):
            notebook = _link(nb.get("ipynb"), nb.get("ipynb"))
            summary += f'<div class="note">{escape(t("idx.one_report", lang))} {notebook}</div>'
        rows.append(((_link(nb.get("html"), nb.get("name", "")), "s"), (summary, "t"),
                     (f"<code>{escape(_fmt_params(nb.get('parameters', {})))}</code>", "t"),
                     (escape(label("status", status, lang)) + err, "s"),
                     (f"{float(nb.get('duration') or 0):.1f} s", "n")))
    head = [(t("idx.brief", lang), "s"), (t("idx.summary", lang), "t"), (t("idx.parameters", lang), "t"),
            (t("hdr.status", lang), "s"), (t("idx.duration", lang), "n")]
    body = _table(head, rows) if rows else _p("idx.no_notebooks", lang)
    return f'<section id="notebooks">{_h2("idx.notebooks", lang, "notebooks-title")}{body}</section>'


def _provenance(manifest: Mapping, lang: str) -> str:
    """Section "This run": command parameters, input files with their sha256, package versions, log."""
    corpus = manifest.get("corpus", {})
    files = corpus.get("files", [])
    file_rows = [((escape(f.get("path")), "t"), (f"<code>{escape(f.get('sha256'))}</code>", "s"))
                 for f in files[:MAX_FILES]]
    more = _p("idx.more_files", lang, n=format_number(len(files) - MAX_FILES)) if len(files) > MAX_FILES else ""
    command = manifest.get("command", {})
    cmd_rows = [((escape(k), "s"), (f"<code>{escape(json.dumps(v, ensure_ascii=False, default=str))}</code>", "t"))
                for k, v in command.items()]
    versions = [((escape(k), "s"), (escape(v), "s")) for k, v in manifest.get("versions", {}).items()]
    run = t("idx.run_line", lang, run=manifest.get("run_id"), started=manifest.get("started"),
            finished=manifest.get("finished"), seconds=f"{float(manifest.get('duration') or 0):.1f}")
    log = manifest.get("log")
    links = " · ".join(x for x in (_link("manifest.json", "manifest.json") if manifest.get("run_id") else "",
                                   _link(log, log) if log else "") if x)
    files_block = (f'<details><summary>{escape(t("idx.files", lang, n=format_number(len(files))))}</summary>'
                   f'{_table([(t("idx.file", lang), "t"), ("sha256", "s")], file_rows)}{more}</details>')
    return (f'<section id="run">{_h2("idx.run", lang, "run-title")}<p class="note">{escape(run)}</p>'
            f'<p class="note">{escape(t("idx.corpus_hash", lang))} <code>{escape(corpus.get("hash"))}</code>, '
            f'{escape(t("idx.tables_in", lang))} <code>{escape(corpus.get("tables_dir"))}</code></p>'
            f'{f"<p class=note>{links}</p>" if links else ""}{files_block}'
            f'<h3>{escape(t("idx.command", lang))}</h3>'
            f'{_table([(t("idx.name", lang), "s"), (t("idx.value", lang), "t")], cmd_rows)}'
            f'<h3>{escape(t("idx.versions", lang))}</h3>'
            f'{_table([(t("idx.package", lang), "s"), (t("idx.version", lang), "s")], versions)}'
            "</section>")


def landing_page(manifest: Mapping, facts: Facts | None = None, lang: str = DEFAULT_LANG) -> str:
    """The landing page of a run as one self-contained HTML page.

    Parameters
    ----------
    manifest : mapping
        The run's manifest (``briefs.run_briefs``): its notebooks, report pages, corpus files, command, versions.
    facts : Facts, optional
        What the corpus holds (``load_facts``); None: the page shows the run alone (its briefs, failures and
        provenance).
    lang : str, default DEFAULT_LANG
        ``en`` or ``zh``.

    Returns
    -------
    str
        The page (``<!DOCTYPE html>``), every value escaped.
    """
    check_lang(lang)
    n_reports = sum(1 for r in manifest.get("reports", []) if r.get("status") == "ok")
    n_docs = manifest.get("corpus", {}).get("n_documents", n_reports)
    sections = [_attention(manifest, facts, lang)]
    if facts is not None:
        sections += [_corpus(manifest, facts, lang), _stands_out(manifest, facts, lang)]
    sections += [_reports_list(manifest, facts, lang), _notebooks(manifest, lang), _provenance(manifest, lang)]
    toc_keys = [("corpus", "idx.corpus"), ("stands-out", "idx.stands_out")] if facts is not None else []
    toc_keys += [("reports", "idx.reports"), ("notebooks", "idx.notebooks"), ("run", "idx.run")]
    toc = "".join(f'<a href="#{a}">{escape(t(k, lang))}</a>' for a, k in toc_keys)
    script = facts is not None and len(_listed(facts)) >= FILTER_FROM  # a list long enough to sort and filter
    return f"""<!DOCTYPE html>
<html lang="{html_lang(lang)}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{escape(_csp(script))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="fazhi {escape(__version__)}">
<title>{escape(t("idx.title", lang, run=manifest.get("run_id")))}</title>
<style>{PAGE_CSS}{SECTION_CSS}{TABLE_CSS}{_CSS}</style></head>
<body><main>
<div class="kicker">{escape(t("idx.kicker", lang, run=manifest.get("run_id")))}</div>
<h1>{escape(t("idx.heading", lang, n=format_number(n_docs)))}</h1>
{_p("idx.lead", lang, cls="lead")}
<nav class="toc" aria-label="{escape(t("page.contents", lang))}">{toc}</nav>
{"".join(sections)}
<footer>{escape(t("idx.footer", lang))}</footer>
</main>{f"<script>{_JS}</script>" if script else ""}</body></html>
"""
