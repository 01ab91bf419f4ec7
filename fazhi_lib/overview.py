"""Views for the corpus overview (notebook 00) and the one-report brief (notebook 40).

Everything here is a pure function of the tables ``fazhi ingest`` and ``fazhi analyze`` write (read with
``fazhi_lib.store``), except ``load_analysis``, which reads the analysis tables when they are current and made with
the parameters asked, and computes them otherwise.

Report text is untrusted: a web page saved as a report may contain ``<script>`` or an ``onerror=`` attribute. The
notebooks show it only through ``fazhi_lib.safehtml`` (whose ``escape``, ``html_table`` and ``fields_html`` are
also available here) or ``display(df)`` (escaped by pandas).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from fazhi_lib.analysis import Analysis, analyze, current_analysis, with_defaults
from fazhi_lib.compare import comparable, report_labels
from fazhi_lib.i18n import catalogue as _catalogue
from fazhi_lib.i18n import header, t
from fazhi_lib.plotting import format_value, heatmap, use_chinese_font
from fazhi_lib.safehtml import as_text, escape, fields_html, html_table
from fazhi_lib.schema import readable
from fazhi_lib.store import Corpus

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "REQUIRED_PARTS",
    "brief_header",
    "choose_doc",
    "cleaning_by_reason",
    "cleaning_examples",
    "cleaning_per_report",
    "compliance",
    "compliance_by",
    "compliance_figure",
    "compliance_heatmap",
    "compliance_marks",
    "compliance_share",
    "corpus_summary",
    "document_overview",
    "escape",
    "fields_html",
    "html_table",
    "load_analysis",
    "mechanisms",
    "mechanisms_by_report",
    "metric_benchmark",
    "metric_benchmark_chart",
    "metric_benchmarks",
    "period_label",
    "problem_documents",
    "problems_by_report",
    "problems_with_remedies",
    "report_shared",
    "report_structure",
    "shared_by_report",
    "shared_stats",
]

#: The parts the rules require of an annual report (法治政府建设与责任落实督察工作规定): Chinese label → the canonical
#: parts (``documents.parts``) any one of which fulfils it.
REQUIRED_PARTS: dict[str, tuple[str, ...]] = {
    "措施和成效": ("measures", "effects"),
    "存在的问题": ("problems",),
    "党政主要负责人履行第一责任人职责": ("leader_duty",),
    "下一年度工作打算": ("plans",),
}

_BY_LABELS = {"admin_level": "行政级别", "region": "上级区域", "jurisdiction": "地区", "year_end": "年度"}
STATUS_LABELS = {"ok": "正常", "warning": "警告", "failed": "失败", "duplicate": "重复"}
PART_LABELS = {"preamble": "导语", "overview": "基本情况", "measures": "措施", "effects": "成效",
               "leader_duty": "第一责任人职责", "problems": "问题", "plans": "下一步打算", "closing": "结语",
               "other": "其他"}


# ---- loading (reads files) -----------------------------------------------------------------------------------------


def load_analysis(tables_dir: str | Path, corpus: Corpus, **parameters: object) -> tuple[Analysis, bool]:
    """The ``fazhi analyze`` tables: read from ``tables_dir`` when they are current (computed from its ingest tables
    as they are now) and made with ``parameters`` (analysis parameters such as ``n_topics``; any when none are
    given), else computed here on ``corpus`` with them. Out: (the tables by name, with ``parameters`` and
    ``describe()`` saying where they come from; whether they were read from files)."""
    found = current_analysis(tables_dir, parameters)
    if found is not None:
        return found, True
    params = with_defaults(parameters)
    return analyze(corpus, **params), False


# ---- the corpus overview -------------------------------------------------------------------------------------------


def period_label(year_start: object, year_end: object) -> str:
    """``2024``, ``2022–2024`` or ``""`` from a report's first and last year."""
    a = pd.to_numeric(pd.Series([year_start]), errors="coerce").iat[0]
    b = pd.to_numeric(pd.Series([year_end]), errors="coerce").iat[0]
    if pd.isna(a) and pd.isna(b):
        return ""
    if pd.isna(a) or pd.isna(b) or a == b:
        return f"{int(b if pd.notna(b) else a)}"
    return f"{int(a)}–{int(b)}"


def _reports(documents: pd.DataFrame) -> pd.DataFrame:
    """Documents read without failure and not duplicates."""
    return readable(documents)


def corpus_summary(documents: pd.DataFrame) -> dict[str, object]:
    """Headline figures: reports (ok or warning), documents in all, first and last year, reports per admin level
    (largest first), and documents per status."""
    reports = _reports(documents)
    ys = pd.to_numeric(reports.get("year_start"), errors="coerce")
    ye = pd.to_numeric(reports.get("year_end"), errors="coerce")
    first = ys.min() if ys.notna().any() else ye.min()
    last = ye.max() if ye.notna().any() else ys.max()
    levels = reports["admin_level"].fillna("未知").replace("", "未知").value_counts()
    return {
        "n_reports": len(reports),
        "n_documents": len(documents),
        "first_year": None if pd.isna(first) else int(first),
        "last_year": None if pd.isna(last) else int(last),
        "levels": {str(k): int(v) for k, v in levels.items()},
        "status": {str(k): int(v) for k, v in documents["status"].value_counts().items()},
    }


def document_overview(documents: pd.DataFrame) -> pd.DataFrame:
    """One row per document with Chinese column names: report label, jurisdiction, level, region, period, size
    (characters, items), parts found and status."""
    d = documents
    return pd.DataFrame({
        "报告": report_labels(d).to_numpy(),
        "地区": d["jurisdiction"].map(as_text).to_numpy(),
        "级别": d["admin_level"].map(as_text).to_numpy(),
        "上级区域": d["region"].map(as_text).to_numpy(),
        "年度": [period_label(a, b) for a, b in zip(d["year_start"], d["year_end"], strict=True)],
        "字数": pd.to_numeric(d["n_chars"], errors="coerce").astype("Int64").to_numpy(),
        "条目数": pd.to_numeric(d["n_items"], errors="coerce").astype("Int64").to_numpy(),
        "状态": d["status"].map(lambda s: STATUS_LABELS.get(as_text(s), as_text(s))).to_numpy(),
        "文件": d["file_name"].map(as_text).to_numpy(),
    })


def compliance(documents: pd.DataFrame, required: dict[str, tuple[str, ...]] | None = None) -> pd.DataFrame:
    """Which reports contain each required part: a boolean matrix, one row per report (index: report label), one
    column per required part (``REQUIRED_PARTS`` by default), from the ``parts`` column of the documents table."""
    required = REQUIRED_PARTS if required is None else required
    reports = _reports(documents)
    found = [set(filter(None, as_text(p).split(","))) for p in reports["parts"]]
    matrix = pd.DataFrame({label: [bool(parts & set(alts)) for parts in found] for label, alts in required.items()},
                          index=pd.Index(report_labels(reports).to_numpy(), name="报告"), dtype=bool)
    return matrix


def compliance_share(matrix: pd.DataFrame) -> float:
    """The share of reports that contain every required part (0.0 for no report)."""
    return float(matrix.all(axis=1).mean()) if len(matrix) else 0.0


def compliance_marks(matrix: pd.DataFrame) -> pd.DataFrame:
    """The compliance matrix as ✓ / ✗, with a last column 全部具备 (all parts present)."""
    marks = matrix.replace({True: "✓", False: "✗"}).astype(str)
    marks["全部具备"] = ["✓" if ok else "✗" for ok in matrix.all(axis=1)]
    return marks


def compliance_heatmap(matrix: pd.DataFrame, title: str | None = None, wrap: int = 8, lang: str = "zh") -> Figure:
    """The compliance matrix as a two-colour heatmap (green ✓ present, grey × missing: the font has no ✗), readable
    for any number of reports: column labels wrapped every ``wrap`` characters, kept horizontal; the default title
    in ``lang``. Out: the Figure."""
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.colors import ListedColormap


    use_chinese_font()
    n_rows, n_cols = matrix.shape
    values = matrix.to_numpy(dtype=float) if n_rows else np.zeros((0, n_cols))
    fig, ax = plt.subplots(figsize=(min(14.0, 3.0 + 1.6 * n_cols), min(30.0, 1.6 + 0.36 * max(n_rows, 1))))
    ax.imshow(values if n_rows else np.zeros((1, n_cols)), cmap=ListedColormap(["#D9D9D9", "#4C9A5B"]), vmin=0,
              vmax=1, aspect="auto")
    if n_rows * n_cols <= 800:
        for i in range(n_rows):
            for j in range(n_cols):
                ax.text(j, i, "✓" if values[i, j] else "×", ha="center", va="center", fontsize=10,
                        color="white" if values[i, j] else "#555555")
    labels = ["\n".join(str(c)[k:k + wrap] for k in range(0, len(str(c)), wrap)) for c in matrix.columns]
    ax.set_xticks(range(n_cols), labels, fontsize=9)
    ax.xaxis.tick_top()
    ax.set_yticks(range(n_rows), [str(x) for x in matrix.index], fontsize=9)
    ax.set_xticks(np.arange(-0.5, n_cols, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, max(n_rows, 1), 1), minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.grid(which="major", visible=False)
    ax.tick_params(which="minor", length=0)
    ax.set_title(t("chart.compliance_title", lang) if title is None else title, pad=12)
    fig.tight_layout()
    return fig


def compliance_by(documents: pd.DataFrame, by: str = "admin_level",
                  required: dict[str, tuple[str, ...]] | None = None) -> pd.DataFrame:
    """The share of reports containing each required part (and all of them: 全部具备) per value of a documents
    column (``admin_level`` by default; missing values as 未知), one row per group with its size in the index
    label (镇 (n=120)), largest group first. For corpora too large for one row per report."""
    reports = _reports(documents)
    matrix = compliance(documents, required)
    matrix["全部具备"] = matrix.all(axis=1)
    groups = reports[by].map(as_text).replace("", "未知").to_numpy()
    shares = matrix.groupby(groups).mean()
    sizes = pd.Series(groups).value_counts()
    shares = shares.loc[sizes.index]
    shares.index = pd.Index([f"{g} (n={n:,})" for g, n in sizes.items()], name=by)
    return shares


def compliance_figure(documents: pd.DataFrame, max_reports: int = 60, by: str = "admin_level",
                      lang: str = "zh") -> Figure:
    """The compliance chart fit for the corpus: one row per report (``compliance_heatmap``) up to ``max_reports``
    reports, else the share of reports with each part per ``by`` group (``compliance_by``) — ten thousand rows
    make no readable chart (and take minutes to draw). Titles and the names of the parts in ``lang``."""
    matrix = compliance(documents)
    if len(matrix) <= max_reports:
        return compliance_heatmap(matrix.rename(columns=lambda c: header(c, lang)),
                                  title=t("chart.compliance_marks", lang), lang=lang)

    by_name = t(f"by.{by}", lang) if f"by.{by}" in _catalogue() else _BY_LABELS.get(by, by)
    title = t("chart.compliance_shares", lang, n=f"{len(matrix):,}", by=by_name)
    shares = compliance_by(documents, by).rename(columns=lambda c: header(c, lang))
    return heatmap(shares, title=title, fmt=".0%", cmap="Greens", cbar_label=t("chart.share", lang), lang=lang)


def cleaning_by_reason(cleaning: pd.DataFrame) -> pd.DataFrame:
    """What cleaning did, by action and reason: number of reports, of entries and total count, largest first."""
    if cleaning.empty:
        return pd.DataFrame(columns=["action", "reason", "reports", "entries", "count"])
    out = cleaning.groupby(["action", "reason"], as_index=False).agg(
        reports=("doc_id", "nunique"), entries=("doc_id", "size"), count=("count", "sum"))
    return out.sort_values(["count", "reason"], ascending=[False, True], kind="stable").reset_index(drop=True)


def cleaning_per_report(cleaning: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Per report (every report, zeros included): lines removed and other changes counted; index report label."""
    labels = report_labels(documents)
    c = cleaning.assign(count=pd.to_numeric(cleaning["count"], errors="coerce").fillna(1))
    table = c.pivot_table(index="doc_id", columns="action", values="count", aggfunc="sum", fill_value=0)
    table = table.reindex(index=documents["doc_id"], columns=["removed", "changed"], fill_value=0)
    table = table.fillna(0).astype("int64")
    table.index = pd.Index(labels.reindex(table.index).to_numpy(), name="报告")
    table.columns = ["删除的行", "其他改动"]
    return table.sort_values("删除的行", ascending=False, kind="stable")


def cleaning_examples(cleaning: pd.DataFrame, documents: pd.DataFrame, per_reason: int = 3) -> pd.DataFrame:
    """Up to ``per_reason`` removed lines per reason, with the report and line number (texts are report text:
    show them escaped)."""
    labels = report_labels(documents)
    removed = cleaning[cleaning["action"].eq("removed")]
    ex = removed.groupby("reason", sort=True).head(per_reason)
    return pd.DataFrame({"reason": ex["reason"].to_numpy(), "报告": labels.reindex(ex["doc_id"]).to_numpy(),
                         "line": ex["line"].to_numpy(), "text": ex["text"].to_numpy()})


def problem_documents(documents: pd.DataFrame) -> pd.DataFrame:
    """Documents with status failed, warning or duplicate: file, status, message and the doc it duplicates."""
    bad = documents[documents["status"].isin(["failed", "warning", "duplicate"])]
    cols = [c for c in ("file_name", "source", "status", "message", "duplicate_of") if c in bad.columns]
    return bad[cols].reset_index(drop=True)


# ---- one report's brief --------------------------------------------------------------------------------------------


def choose_doc(documents: pd.DataFrame, doc_id: str | None = None) -> str:
    """The doc_id to brief: ``doc_id`` when given (ValueError if no document has it), else the first document of
    the table read without failure (else the first at all)."""
    if doc_id is not None:
        if doc_id not in set(documents["doc_id"]):
            raise ValueError(f"no document with doc_id {doc_id!r}; known: {', '.join(documents['doc_id'])}")
        return doc_id
    reports = _reports(documents)
    pool = reports if len(reports) else documents
    if pool.empty:
        raise ValueError("the documents table is empty")
    return str(pool["doc_id"].iat[0])


def brief_header(documents: pd.DataFrame, doc_id: str) -> dict[str, object]:
    """A report's header fields with Chinese labels: title, jurisdiction, level, region, period, source file,
    format, size, status (values are report text: show them with ``fields_html``)."""
    row = documents[documents["doc_id"].eq(doc_id)].iloc[0]
    return {
        "标题": as_text(row.get("title")) or "（无标题）",
        "地区": as_text(row.get("jurisdiction")),
        "级别": as_text(row.get("admin_level")),
        "上级区域": as_text(row.get("region")),
        "年度": period_label(row.get("year_start"), row.get("year_end")),
        "来源文件": as_text(row.get("source")),
        "格式 / 编码": f"{as_text(row.get('format'))} / {as_text(row.get('encoding'))}",
        "字数": as_text(row.get("n_chars")),
        "状态": STATUS_LABELS.get(as_text(row.get("status")), as_text(row.get("status"))),
        "doc_id": doc_id,
    }


def report_structure(sections: pd.DataFrame, items: pd.DataFrame, doc_id: str) -> pd.DataFrame:
    """A report's top-level parts in order: marker, heading, canonical part (Chinese), number of sections below it
    (itself included) and of items in it."""
    s = sections[sections["doc_id"].eq(doc_id)].sort_values("start", kind="stable")
    it = items[items["doc_id"].eq(doc_id)]
    cols = ["marker", "heading", "part", "sections", "items"]
    if s.empty:
        return pd.DataFrame(columns=cols)
    level = s["level"].to_numpy()
    tops = s[level == level.min()]
    s_start, s_end = s["start"].to_numpy(), s["end"].to_numpy()
    i_start, i_end = it["start"].to_numpy(), it["end"].to_numpy()
    rows = []
    for marker, heading, part, a, b in zip(tops["marker"].tolist(), tops["heading"].tolist(), tops["part"].tolist(),
                                           tops["start"].tolist(), tops["end"].tolist(), strict=True):
        rows.append({"marker": as_text(marker), "heading": as_text(heading),
                     "part": PART_LABELS.get(as_text(part), as_text(part)),
                     "sections": int(((s_start >= a) & (s_end <= b)).sum()),
                     "items": int(((i_start >= a) & (i_end <= b)).sum())})
    return pd.DataFrame(rows, columns=cols)


#: The columns of ``metric_benchmark``.
BENCHMARK_COLUMNS = ["indicator", "unit", "value", "median", "n_reports", "ratio", "sentence"]


def metric_benchmarks(table: pd.DataFrame) -> pd.DataFrame:
    """Every report's canonical indicators against the corpus, from the corpus's comparable numbers
    (``fazhi_lib.compare.comparable``): doc_id and the columns of ``metric_benchmark``; each report's rows in the
    order ``metric_benchmark`` gives them. One pass for all reports (briefs of many reports)."""
    cols = ["doc_id", *BENCHMARK_COLUMNS]
    if table.empty:
        return pd.DataFrame(columns=cols)
    stats = table.groupby("canonical_indicator").agg(median=("value_per_year", "median"),
                                                     n_reports=("doc_id", "nunique"))
    out = table[["doc_id", "canonical_indicator", "unit", "value_per_year", "sentence"]].join(
        stats, on="canonical_indicator")
    out = out.rename(columns={"value_per_year": "value", "canonical_indicator": "indicator"})
    out["ratio"] = out["value"] / out["median"].where(out["median"] != 0)
    out = out.sort_values(["doc_id", "n_reports", "indicator"], ascending=[True, False, True], kind="stable")
    return out[cols].reset_index(drop=True)


def _of_report(frame: pd.DataFrame, doc_id: str) -> pd.DataFrame:
    """The rows of one report of a ``…_by_report`` / ``metric_benchmarks`` frame, without its doc_id column."""
    return frame[frame["doc_id"].eq(doc_id)].drop(columns="doc_id").reset_index(drop=True)


def metric_benchmark(metrics: pd.DataFrame, documents: pd.DataFrame, doc_id: str, per_year: bool = True
                     ) -> pd.DataFrame:
    """A report's canonical indicators against the corpus: for each indicator the report states (one comparable
    number, ``fazhi_lib.compare.comparable``), its value, unit, the corpus median, the number of reports stating it
    and the ratio value ÷ median; with the source sentence."""
    return _of_report(metric_benchmarks(comparable(metrics, documents, per_year=per_year)), doc_id)


def metric_benchmark_chart(bench: pd.DataFrame, title: str | None = None, max_bars: int = 20, lang: str = "zh"
                           ) -> Figure:
    """Horizontal bars of value ÷ corpus median per indicator (1 = the median), labelled with the value and the
    median, in ``lang``. Out: the Figure (Chinese font set)."""
    import matplotlib.pyplot as plt


    use_chinese_font()
    data = bench.dropna(subset=["ratio"]).head(max_bars).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8.5, max(2.4, 0.9 + 0.4 * len(data))))
    colors = ["#3B6EA5" if r >= 1 else "#C2703D" for r in data["ratio"]]
    ax.barh(range(len(data)), data["ratio"], color=colors)
    ax.axvline(1.0, color="#333333", linewidth=1, linestyle="--")
    top = float(data["ratio"].max()) if len(data) else 1.0
    for i, r in enumerate(data.itertuples()):
        ax.text(r.ratio + top * 0.01, i, t("chart.bar_label", lang, value=format_value(float(r.value), r.unit),
                                            median=format_value(float(r.median), r.unit), n=r.n_reports),
                va="center", fontsize=8)
    ax.set_yticks(range(len(data)), [str(x) for x in data["indicator"]])
    ax.set_xlim(0, max(top, 1.0) * 1.6)
    ax.set_xlabel(t("chart.value_over_median", lang))
    ax.set_title(t("chart.benchmark_title", lang) if title is None else title)
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig


#: The columns of ``mechanisms``.
MECHANISM_COLUMNS = ["term", "kind", "dimension", "done", "planned", "surface"]


def mechanisms_by_report(measures: pd.DataFrame) -> pd.DataFrame:
    """Every report's mechanisms (``mechanisms``) in one pass: doc_id and the columns of ``mechanisms``, each
    report's rows in its order."""
    cols = ["doc_id", *MECHANISM_COLUMNS]
    if measures.empty:
        return pd.DataFrame(columns=cols)
    planned = measures["planned"].fillna(False).astype(bool)
    out = measures.assign(done=~planned, planned_=planned).groupby(["doc_id", "term"], as_index=False).agg(
        kind=("kind", "first"), dimension=("dimension", "first"), done=("done", "sum"), planned=("planned_", "sum"),
        surface=("surface", "first"))
    out = out.sort_values(["doc_id", "done", "planned", "term"], ascending=[True, False, False, True], kind="stable")
    return out[cols].reset_index(drop=True)


def mechanisms(measures: pd.DataFrame, doc_id: str) -> pd.DataFrame:
    """A report's mechanisms: term, kind, dimension, mentions as done and as planned, and first surface form."""
    return _of_report(mechanisms_by_report(measures[measures["doc_id"].eq(doc_id)]), doc_id)


#: The columns of ``problems_with_remedies``.
PROBLEM_COLUMNS = ["problem", "text", "topic", "has_remedy", "similarity", "plan_item", "plan_text"]


def problems_by_report(items: pd.DataFrame, problem_topics: pd.DataFrame, remedies: pd.DataFrame) -> pd.DataFrame:
    """Every report's problem statements (``problems_with_remedies``) in one pass: doc_id, the problem's item_id,
    the columns of ``problems_with_remedies`` and the matched plan's plan_item_id ("" when none); each report's rows
    in the order of its text. A plan item counts only when it is an item of the same report."""
    cols = ["doc_id", "item_id", *PROBLEM_COLUMNS, "plan_item_id"]
    probs = items[items["part"].eq("problems")].sort_values("start", kind="stable")
    if probs.empty:
        return pd.DataFrame(columns=cols)
    topics = problem_topics.drop_duplicates("item_id")[["item_id", "topic_label"]]
    rem = remedies.drop_duplicates("problem_item_id")[["problem_item_id", "plan_item_id", "similarity", "matched"]]
    plans = items.drop_duplicates(["doc_id", "item_id"])[["doc_id", "item_id", "title", "text"]].set_axis(
        ["doc_id", "plan_item_id", "plan_title", "plan_body"], axis=1).assign(found=True)
    m = (probs[["doc_id", "item_id", "title", "text"]]
         .merge(topics, on="item_id", how="left")
         .merge(rem.rename(columns={"problem_item_id": "item_id"}), on="item_id", how="left")
         .merge(plans, on=["doc_id", "plan_item_id"], how="left"))
    matched = m["matched"].eq(True).to_numpy(dtype=bool)
    answered = matched & m["found"].eq(True).to_numpy(dtype=bool)
    return pd.DataFrame({
        "doc_id": m["doc_id"].to_numpy(), "item_id": m["item_id"].to_numpy(),
        "problem": m["title"].map(as_text).to_numpy(), "text": m["text"].map(as_text).to_numpy(),
        "topic": m["topic_label"].map(as_text).to_numpy(), "has_remedy": np.where(matched, "✓", "✗"),
        "similarity": pd.to_numeric(m["similarity"], errors="coerce").astype(float).to_numpy(),
        "plan_item": np.where(answered, m["plan_title"].map(as_text), ""),
        "plan_text": np.where(answered, m["plan_body"].map(as_text), ""),
        "plan_item_id": np.where(answered, m["plan_item_id"].map(as_text), ""),
    }, columns=cols)


def problems_with_remedies(items: pd.DataFrame, problem_topics: pd.DataFrame, remedies: pd.DataFrame, doc_id: str,
                           with_ids: bool = False) -> pd.DataFrame:
    """A report's problem statements in order: title, text, topic label, whether a plan item remedies it, the
    similarity and the matched plan item's title and text; ``with_ids`` adds the problem's ``item_id`` first and the
    matched plan's ``plan_item_id`` last (to find both in the text)."""
    out = _of_report(problems_by_report(items[items["doc_id"].eq(doc_id)], problem_topics, remedies), doc_id)
    return out if with_ids else out[PROBLEM_COLUMNS]


#: The columns of the shared segments of ``report_shared``.
SHARED_COLUMNS = ["text", "other_report", "other_text", "similarity"]


def shared_by_report(shared: pd.DataFrame, labels: pd.Series) -> pd.DataFrame:
    """Every report's shared segments (``report_shared``) in one pass: doc_id and the columns of its view, most
    similar first; ``labels`` are the reports' ``compare.report_labels``."""
    sides = [pd.DataFrame({"doc_id": shared[f"doc_id_{me}"].to_numpy(), "text": shared[f"text_{me}"].to_numpy(),
                           "other_report": labels.reindex(shared[f"doc_id_{other}"]).to_numpy(),
                           "other_text": shared[f"text_{other}"].to_numpy(),
                           "similarity": shared["similarity"].to_numpy()})
             for me, other in (("a", "b"), ("b", "a"))]
    view = pd.concat(sides, ignore_index=True).sort_values("similarity", ascending=False, kind="stable")
    return view[["doc_id", *SHARED_COLUMNS]].reset_index(drop=True)


def shared_stats(share: pd.DataFrame, doc_id: str) -> dict[str, float]:
    """A report's sentence segments, how many recur in another report and the share (zeros for a report not in
    ``share``, the frame of ``fazhi_lib.topics.shared_share``)."""
    row = share[share["doc_id"].eq(doc_id)]
    return {"segments": int(row["segments"].iat[0]) if len(row) else 0,
            "shared": int(row["shared"].iat[0]) if len(row) else 0,
            "share": float(row["share"].iat[0]) if len(row) else 0.0}


def report_shared(shared: pd.DataFrame, share: pd.DataFrame, documents: pd.DataFrame, doc_id: str
                  ) -> tuple[dict[str, float], pd.DataFrame]:
    """A report's share of sentence segments found in other reports (from ``fazhi_lib.topics.shared_share``) and
    the shared segments: its text, the other report and that report's text, similarity."""
    mine = shared[shared["doc_id_a"].eq(doc_id) | shared["doc_id_b"].eq(doc_id)]
    return shared_stats(share, doc_id), _of_report(shared_by_report(mine, report_labels(documents)), doc_id)
