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
    """The ``fazhi analyze`` tables, read from ``tables_dir`` when they are current, else computed on ``corpus``.

    The tables are read when they are current (computed from the folder's ingest tables as they are now) and made
    with ``parameters`` (any when none are given); otherwise they are computed here on ``corpus`` with them.

    Parameters
    ----------
    tables_dir : str or pathlib.Path
        The tables folder of ``fazhi ingest`` and ``fazhi analyze``.
    corpus : Corpus
        The ingest tables (``fazhi_lib.store``), to compute the analysis from when the files will not do.
    **parameters : object
        Analysis parameters such as ``n_topics``; those not given take their defaults when computing.

    Returns
    -------
    analysis : Analysis
        The tables by name, with ``parameters`` and ``describe()`` saying where they come from.
    from_files : bool
        Whether they were read from files (False: computed here).
    """
    found = current_analysis(tables_dir, parameters)
    if found is not None:
        return found, True
    params = with_defaults(parameters)
    return analyze(corpus, **params), False


# ---- the corpus overview -------------------------------------------------------------------------------------------


def period_label(year_start: object, year_end: object) -> str:
    """``2024``, ``2022–2024`` or ``""`` from a report's first and last year.

    Parameters
    ----------
    year_start : object
        The first year the report covers (a number or numeric text; missing values allowed).
    year_end : object
        The last year it covers (likewise).

    Returns
    -------
    str
        One year when both are the same or only one is known, the span when they differ, ``""`` when neither is
        known.
    """
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
    """Headline figures of a corpus: reports, documents, first and last year, reports per level and per status.

    Parameters
    ----------
    documents : pandas.DataFrame
        The ``documents`` table (one row per file read), with ``status``, ``year_start``, ``year_end`` and
        ``admin_level``.

    Returns
    -------
    dict
        ``n_reports`` (reports read: ok or warning, not duplicates), ``n_documents`` (documents in all),
        ``first_year`` and ``last_year`` (of the reports; None when unknown), ``levels`` ({admin level: reports},
        largest first, a missing level as 未知) and ``status`` ({status: documents}).
    """
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
    """One row per document with Chinese column names, for reading: who, when, how long and how it was read.

    Parameters
    ----------
    documents : pandas.DataFrame
        The ``documents`` table (one row per file read).

    Returns
    -------
    pandas.DataFrame
        One row per document, in the table's order: 报告 (report label), 地区 (jurisdiction), 级别 (admin level),
        上级区域 (region), 年度 (period), 字数 (characters), 条目数 (items), 状态 (status in Chinese) and 文件
        (file name).
    """
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
    """Which reports contain each required part, as a boolean matrix of reports × parts.

    Parameters
    ----------
    documents : pandas.DataFrame
        The ``documents`` table; its ``parts`` column lists the canonical parts found in each report.
    required : dict, optional
        {label: canonical parts any one of which fulfils it}; default ``REQUIRED_PARTS``.

    Returns
    -------
    pandas.DataFrame
        One row per report read (index 报告: report label), one boolean column per required part.
    """
    required = REQUIRED_PARTS if required is None else required
    reports = _reports(documents)
    found = [set(filter(None, as_text(p).split(","))) for p in reports["parts"]]
    matrix = pd.DataFrame({label: [bool(parts & set(alts)) for parts in found] for label, alts in required.items()},
                          index=pd.Index(report_labels(reports).to_numpy(), name="报告"), dtype=bool)
    return matrix


def compliance_share(matrix: pd.DataFrame) -> float:
    """The share of reports that contain every required part (0.0 for no report).

    Parameters
    ----------
    matrix : pandas.DataFrame
        The boolean reports × parts matrix of ``compliance``.

    Returns
    -------
    float
        Between 0 and 1.
    """
    return float(matrix.all(axis=1).mean()) if len(matrix) else 0.0


def compliance_marks(matrix: pd.DataFrame) -> pd.DataFrame:
    """The compliance matrix as ✓ / ✗, with a last column 全部具备 (all parts present).

    Parameters
    ----------
    matrix : pandas.DataFrame
        The boolean reports × parts matrix of ``compliance``.

    Returns
    -------
    pandas.DataFrame
        The same rows and columns as text marks, plus 全部具备.
    """
    marks = matrix.replace({True: "✓", False: "✗"}).astype(str)
    marks["全部具备"] = ["✓" if ok else "✗" for ok in matrix.all(axis=1)]
    return marks


def compliance_heatmap(matrix: pd.DataFrame, *, title: str | None = None, wrap: int = 8, lang: str = "zh"
                       ) -> Figure:
    """The compliance matrix as a two-colour heatmap: green ✓ present, grey × missing (the font has no ✗).

    Readable for any number of reports: column labels are wrapped and kept horizontal, and the marks are written
    in the cells up to 800 cells.

    Parameters
    ----------
    matrix : pandas.DataFrame
        The boolean reports × parts matrix of ``compliance`` (its labels are those of the chart).
    title : str, optional
        The chart's title; default the catalogue's title in ``lang``.
    wrap : int, default 8
        Column labels are wrapped every ``wrap`` characters.
    lang : str, default "zh"
        The language of the default title.

    Returns
    -------
    matplotlib.figure.Figure
        The chart, with the Chinese font selected.
    """
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
    """The share of reports containing each required part (and all of them: 全部具备) per group of reports.

    For corpora too large for one row per report.

    Parameters
    ----------
    documents : pandas.DataFrame
        The ``documents`` table.
    by : str, default "admin_level"
        The documents column that makes the groups; missing values form the group 未知.
    required : dict, optional
        {label: canonical parts any one of which fulfils it}; default ``REQUIRED_PARTS``.

    Returns
    -------
    pandas.DataFrame
        One row per group, largest first, its size in the index label (``镇 (n=120)``); one column of shares
        (0–1) per required part, and 全部具备.
    """
    reports = _reports(documents)
    matrix = compliance(documents, required)
    matrix["全部具备"] = matrix.all(axis=1)
    groups = reports[by].map(as_text).replace("", "未知").to_numpy()
    shares = matrix.groupby(groups).mean()
    sizes = pd.Series(groups).value_counts()
    shares = shares.loc[sizes.index]
    shares.index = pd.Index([f"{g} (n={n:,})" for g, n in sizes.items()], name=by)
    return shares


def compliance_figure(documents: pd.DataFrame, *, max_reports: int = 60, by: str = "admin_level",
                      lang: str = "zh") -> Figure:
    """The compliance chart fit for the corpus: one row per report, or shares per group for a large corpus.

    Up to ``max_reports`` reports it is ``compliance_heatmap``; above, the share of reports with each part per
    ``by`` group (``compliance_by``): ten thousand rows make no readable chart (and take minutes to draw).

    Parameters
    ----------
    documents : pandas.DataFrame
        The ``documents`` table.
    max_reports : int, default 60
        The most reports drawn one row each.
    by : str, default "admin_level"
        The documents column that groups the reports of a larger corpus.
    lang : str, default "zh"
        The language of the titles and of the names of the parts.

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    matrix = compliance(documents)
    if len(matrix) <= max_reports:
        return compliance_heatmap(matrix.rename(columns=lambda c: header(c, lang)),
                                  title=t("chart.compliance_marks", lang), lang=lang)

    by_name = t(f"by.{by}", lang) if f"by.{by}" in _catalogue() else _BY_LABELS.get(by, by)
    title = t("chart.compliance_shares", lang, n=f"{len(matrix):,}", by=by_name)
    shares = compliance_by(documents, by).rename(columns=lambda c: header(c, lang))
    return heatmap(shares, title=title, fmt=".0%", cmap="Greens", cbar_label=t("chart.share", lang), lang=lang)


def cleaning_by_reason(cleaning: pd.DataFrame) -> pd.DataFrame:
    """What cleaning did, by action and reason: number of reports, of entries and total count, largest first.

    Parameters
    ----------
    cleaning : pandas.DataFrame
        The ``cleaning`` table (one row per cleaning step of a report: ``doc_id``, ``action``, ``reason``,
        ``count``).

    Returns
    -------
    pandas.DataFrame
        One row per (action, reason): action, reason, reports (distinct reports), entries (rows of the table),
        count (their total); the largest count first.
    """
    if cleaning.empty:
        return pd.DataFrame(columns=["action", "reason", "reports", "entries", "count"])
    out = cleaning.groupby(["action", "reason"], as_index=False).agg(
        reports=("doc_id", "nunique"), entries=("doc_id", "size"), count=("count", "sum"))
    return out.sort_values(["count", "reason"], ascending=[False, True], kind="stable").reset_index(drop=True)


def cleaning_per_report(cleaning: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Per report (every report, zeros included): lines removed and other changes counted.

    Parameters
    ----------
    cleaning : pandas.DataFrame
        The ``cleaning`` table (``doc_id``, ``action``, ``count``).
    documents : pandas.DataFrame
        The ``documents`` table: every document gets a row.

    Returns
    -------
    pandas.DataFrame
        One row per document (index 报告: report label), columns 删除的行 (lines removed) and 其他改动 (other
        changes); most lines removed first.
    """
    labels = report_labels(documents)
    c = cleaning.assign(count=pd.to_numeric(cleaning["count"], errors="coerce").fillna(1))
    table = c.pivot_table(index="doc_id", columns="action", values="count", aggfunc="sum", fill_value=0)
    table = table.reindex(index=documents["doc_id"], columns=["removed", "changed"], fill_value=0)
    table = table.fillna(0).astype("int64")
    table.index = pd.Index(labels.reindex(table.index).to_numpy(), name="报告")
    table.columns = ["删除的行", "其他改动"]
    return table.sort_values("删除的行", ascending=False, kind="stable")


def cleaning_examples(cleaning: pd.DataFrame, documents: pd.DataFrame, per_reason: int = 3) -> pd.DataFrame:
    """Up to ``per_reason`` removed lines per reason, with the report and line number.

    The texts are report text: show them escaped.

    Parameters
    ----------
    cleaning : pandas.DataFrame
        The ``cleaning`` table (``doc_id``, ``action``, ``reason``, ``line``, ``text``).
    documents : pandas.DataFrame
        The ``documents`` table, for the report labels.
    per_reason : int, default 3
        The most lines shown per reason.

    Returns
    -------
    pandas.DataFrame
        One row per line shown, reasons in alphabetical order: reason, 报告 (report label), line, text.
    """
    labels = report_labels(documents)
    removed = cleaning[cleaning["action"].eq("removed")]
    ex = removed.groupby("reason", sort=True).head(per_reason)
    return pd.DataFrame({"reason": ex["reason"].to_numpy(), "报告": labels.reindex(ex["doc_id"]).to_numpy(),
                         "line": ex["line"].to_numpy(), "text": ex["text"].to_numpy()})


def problem_documents(documents: pd.DataFrame) -> pd.DataFrame:
    """Documents with status failed, warning or duplicate: file, status, message and the doc it duplicates.

    Parameters
    ----------
    documents : pandas.DataFrame
        The ``documents`` table.

    Returns
    -------
    pandas.DataFrame
        Those documents in order, with the columns of file_name, source, status, message and duplicate_of that
        the table has.
    """
    bad = documents[documents["status"].isin(["failed", "warning", "duplicate"])]
    cols = [c for c in ("file_name", "source", "status", "message", "duplicate_of") if c in bad.columns]
    return bad[cols].reset_index(drop=True)


# ---- one report's brief --------------------------------------------------------------------------------------------


def choose_doc(documents: pd.DataFrame, doc_id: str | None = None) -> str:
    """The doc_id to brief: ``doc_id`` when given, else the first report read without failure.

    Parameters
    ----------
    documents : pandas.DataFrame
        The ``documents`` table.
    doc_id : str, optional
        The report asked for; default the first report read (else the first document at all).

    Returns
    -------
    str
        The doc_id.

    Raises
    ------
    ValueError
        When no document has ``doc_id``, or the table is empty.
    """
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
    """A report's header fields with Chinese labels: title, jurisdiction, level, region, period, file, size, status.

    The values are report text: show them with ``fields_html``.

    Parameters
    ----------
    documents : pandas.DataFrame
        The ``documents`` table.
    doc_id : str
        The report (a doc_id of the table).

    Returns
    -------
    dict
        {Chinese label: text}: 标题, 地区, 级别, 上级区域, 年度, 来源文件, 格式 / 编码, 字数, 状态 and doc_id.
    """
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
    """A report's top-level parts in order, with the sections and items each holds.

    Parameters
    ----------
    sections : pandas.DataFrame
        The ``sections`` table (one row per heading: ``level``, ``marker``, ``heading``, ``part``, offsets).
    items : pandas.DataFrame
        The ``items`` table (one row per item, with offsets).
    doc_id : str
        The report.

    Returns
    -------
    pandas.DataFrame
        One row per top-level section in the order of the text: marker, heading, part (the canonical part in
        Chinese), sections (sections within it, itself included), items (items within it).
    """
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
    """Every report's canonical indicators against the corpus, in one pass (briefs of many reports).

    Parameters
    ----------
    table : pandas.DataFrame
        The corpus's comparable numbers (``fazhi_lib.compare.comparable``: one row per report and canonical
        indicator).

    Returns
    -------
    pandas.DataFrame
        The columns doc_id and those of ``metric_benchmark`` (``BENCHMARK_COLUMNS``); each report's rows in the
        order ``metric_benchmark`` gives them (indicators stated by most reports first).
    """
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


def metric_benchmark(metrics: pd.DataFrame, documents: pd.DataFrame, doc_id: str, *, per_year: bool = True
                     ) -> pd.DataFrame:
    """A report's canonical indicators against the corpus: its value beside the corpus median.

    Each report counts with one comparable number per indicator (``fazhi_lib.compare.comparable``).

    Parameters
    ----------
    metrics : pandas.DataFrame
        The ``metrics`` table (one row per quantity stated).
    documents : pandas.DataFrame
        The ``documents`` table.
    doc_id : str
        The report.
    per_year : bool, default True
        Divide multi-year flows by their number of years before comparing.

    Returns
    -------
    pandas.DataFrame
        One row per indicator the report states, those stated by most reports first (``BENCHMARK_COLUMNS``):
        indicator, unit, value, median (of the corpus), n_reports (stating it), ratio (value ÷ median) and the
        source sentence.
    """
    return _of_report(metric_benchmarks(comparable(metrics, documents, per_year=per_year)), doc_id)


def metric_benchmark_chart(bench: pd.DataFrame, *, title: str | None = None, max_bars: int = 20, lang: str = "zh"
                           ) -> Figure:
    """Horizontal bars of value ÷ corpus median per indicator (1 = the median), labelled with value and median.

    Parameters
    ----------
    bench : pandas.DataFrame
        A report's ``metric_benchmark``; rows without a ratio are left out.
    title : str, optional
        The chart's title; default the catalogue's title in ``lang``.
    max_bars : int, default 20
        The most bars drawn (the first rows of ``bench``).
    lang : str, default "zh"
        The language of the labels.

    Returns
    -------
    matplotlib.figure.Figure
        The chart, with the Chinese font selected.
    """
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
    """Every report's mechanisms (``mechanisms``) in one pass.

    Parameters
    ----------
    measures : pandas.DataFrame
        The ``measures`` table (one row per mention of a mechanism).

    Returns
    -------
    pandas.DataFrame
        The columns doc_id and those of ``mechanisms`` (``MECHANISM_COLUMNS``), each report's rows in its order.
    """
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
    """A report's mechanisms: term, kind, dimension, mentions as done and as planned, and first surface form.

    Parameters
    ----------
    measures : pandas.DataFrame
        The ``measures`` table (one row per mention of a mechanism).
    doc_id : str
        The report.

    Returns
    -------
    pandas.DataFrame
        One row per term (``MECHANISM_COLUMNS``): term, kind, dimension, done and planned (numbers of mentions),
        surface (its first form as written); most mentions as done first.
    """
    return _of_report(mechanisms_by_report(measures[measures["doc_id"].eq(doc_id)]), doc_id)


#: The columns of ``problems_with_remedies``.
PROBLEM_COLUMNS = ["problem", "text", "topic", "has_remedy", "similarity", "plan_item", "plan_text"]


def problems_by_report(items: pd.DataFrame, problem_topics: pd.DataFrame, remedies: pd.DataFrame) -> pd.DataFrame:
    """Every report's problem statements (``problems_with_remedies``) in one pass.

    A plan item counts only when it is an item of the same report.

    Parameters
    ----------
    items : pandas.DataFrame
        The ``items`` table (one row per item; problem statements are those of part ``problems``).
    problem_topics : pandas.DataFrame
        The topic of each problem statement (``item_id``, ``topic_label``) from ``fazhi analyze``.
    remedies : pandas.DataFrame
        The plan item matched to each problem statement (``topics.match_remedies``).

    Returns
    -------
    pandas.DataFrame
        The columns doc_id, item_id (the problem's), those of ``problems_with_remedies`` (``PROBLEM_COLUMNS``) and
        plan_item_id (the matched plan's, "" when none); each report's rows in the order of its text.
    """
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
                           *, with_ids: bool = False) -> pd.DataFrame:
    """A report's problem statements in order, each with its topic and the plan item that remedies it.

    Parameters
    ----------
    items : pandas.DataFrame
        The ``items`` table (one row per item).
    problem_topics : pandas.DataFrame
        The topic of each problem statement (``item_id``, ``topic_label``) from ``fazhi analyze``.
    remedies : pandas.DataFrame
        The plan item matched to each problem statement (``topics.match_remedies``).
    doc_id : str
        The report.
    with_ids : bool, default False
        Add the problem's ``item_id`` first and the matched plan's ``plan_item_id`` last (to find both in the
        text).

    Returns
    -------
    pandas.DataFrame
        One row per problem statement in the order of the text (``PROBLEM_COLUMNS``): problem (lead phrase), text,
        topic (label), has_remedy (✓ / ✗), similarity, plan_item and plan_text (the matched plan item's title and
        text, "" when none).
    """
    out = _of_report(problems_by_report(items[items["doc_id"].eq(doc_id)], problem_topics, remedies), doc_id)
    return out if with_ids else out[PROBLEM_COLUMNS]


#: The columns of the shared segments of ``report_shared``.
SHARED_COLUMNS = ["text", "other_report", "other_text", "similarity"]


def shared_by_report(shared: pd.DataFrame, labels: pd.Series) -> pd.DataFrame:
    """Every report's shared segments (``report_shared``) in one pass.

    Parameters
    ----------
    shared : pandas.DataFrame
        The shared sentences of ``fazhi analyze`` (pairs of segments: ``doc_id_a``, ``text_a``, ``doc_id_b``,
        ``text_b``, ``similarity``).
    labels : pandas.Series
        The reports' labels by doc_id (``compare.report_labels``).

    Returns
    -------
    pandas.DataFrame
        The columns doc_id and ``SHARED_COLUMNS``, one row per segment and report it is in (each pair gives two
        rows), most similar first.
    """
    sides = [pd.DataFrame({"doc_id": shared[f"doc_id_{me}"].to_numpy(), "text": shared[f"text_{me}"].to_numpy(),
                           "other_report": labels.reindex(shared[f"doc_id_{other}"]).to_numpy(),
                           "other_text": shared[f"text_{other}"].to_numpy(),
                           "similarity": shared["similarity"].to_numpy()})
             for me, other in (("a", "b"), ("b", "a"))]
    view = pd.concat(sides, ignore_index=True).sort_values("similarity", ascending=False, kind="stable")
    return view[["doc_id", *SHARED_COLUMNS]].reset_index(drop=True)


def shared_stats(share: pd.DataFrame, doc_id: str) -> dict[str, float]:
    """A report's sentence segments, how many recur in another report, and the share.

    Parameters
    ----------
    share : pandas.DataFrame
        The frame of ``fazhi_lib.topics.shared_share`` (one row per report: ``segments``, ``shared``, ``share``).
    doc_id : str
        The report.

    Returns
    -------
    dict
        ``segments``, ``shared`` and ``share``; zeros for a report not in ``share``.
    """
    row = share[share["doc_id"].eq(doc_id)]
    return {"segments": int(row["segments"].iat[0]) if len(row) else 0,
            "shared": int(row["shared"].iat[0]) if len(row) else 0,
            "share": float(row["share"].iat[0]) if len(row) else 0.0}


def report_shared(shared: pd.DataFrame, share: pd.DataFrame, documents: pd.DataFrame, doc_id: str
                  ) -> tuple[dict[str, float], pd.DataFrame]:
    """A report's share of sentence segments found in other reports, and those shared segments.

    Parameters
    ----------
    shared : pandas.DataFrame
        The shared sentences of ``fazhi analyze`` (pairs of segments of two reports).
    share : pandas.DataFrame
        The frame of ``fazhi_lib.topics.shared_share`` (one row per report).
    documents : pandas.DataFrame
        The ``documents`` table, for the report labels.
    doc_id : str
        The report.

    Returns
    -------
    stats : dict
        ``shared_stats`` of the report.
    segments : pandas.DataFrame
        One row per shared segment, most similar first (``SHARED_COLUMNS``): text (the report's), other_report
        (label), other_text, similarity.
    """
    mine = shared[shared["doc_id_a"].eq(doc_id) | shared["doc_id_b"].eq(doc_id)]
    return shared_stats(share, doc_id), _of_report(shared_by_report(mine, report_labels(documents)), doc_id)
