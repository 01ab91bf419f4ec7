"""Views of the year-over-year tables, for notebook ``50_year_over_year`` and the one-report brief (notebook 40).

In the brief they make the "compared with last year" section.

``fazhi_lib.analysis.year_over_year`` computes the tables (panel, promises, recurring_problems, copied_text,
indicator_trends); this module turns them into readable tables with Chinese column names, report labels and lead
phrases instead of ids, and into charts. Every function is a pure function of DataFrames (the chart functions return
a matplotlib Figure). Report text in the tables is left as text: notebooks show it escaped (``overview.html_table``
or ``Styler.format(escape="html")``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from fazhi_lib.compare import report_labels
from fazhi_lib.i18n import t
from fazhi_lib.plotting import use_chinese_font
from fazhi_lib.topic_views import statement_labels

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "copied_share_chart",
    "copied_view",
    "last_year",
    "last_years",
    "panel_overview",
    "promise_rates",
    "promise_view",
    "repeated_problems",
    "timeline_chart",
    "trend_chart",
    "trend_view",
]

VERDICTS = {"kept": "已落实", "restated": "原样列为下一年计划", "open": "未见落实"}


def _labels(documents: pd.DataFrame) -> pd.Series:
    return report_labels(documents.drop_duplicates("doc_id"))


def _period(a: object, b: object) -> str:
    if pd.isna(a) and pd.isna(b):
        return ""
    a, b = (b, b) if pd.isna(a) else (a, a) if pd.isna(b) else (a, b)
    return f"{int(a)}" if int(a) == int(b) else f"{int(a)}–{int(b)}"


def _name(panel: pd.DataFrame) -> pd.Series:
    """A label per panel_id: region and jurisdiction of its latest report."""
    last = panel.sort_values("position").drop_duplicates("panel_id", keep="last").set_index("panel_id")
    region = last["region"].astype("object").where(last["region"].notna(), "")
    return (region.astype(str) + last["jurisdiction"].astype("object").fillna("").astype(str)).where(
        last["jurisdiction"].notna(), last.index.to_series())


def panel_overview(panel: pd.DataFrame) -> pd.DataFrame:
    """The jurisdictions with several reports: 地区, 级别, 年份 (the periods, in order), 报告数; most reports first.

    Parameters
    ----------
    panel : pandas.DataFrame
        The ``panel`` table (one row per report: its jurisdiction's ``panel_id``, ``position``, years and
        ``n_reports``).

    Returns
    -------
    pandas.DataFrame
        One row per jurisdiction with more than one report: 地区 (region and jurisdiction), 级别 (admin level),
        年份 (the periods, in order), 报告数.
    """
    p = panel[panel["n_reports"] > 1]
    if p.empty:
        return pd.DataFrame(columns=["地区", "级别", "年份", "报告数"])
    names = _name(p)
    rows = []
    for pid, g in p.sort_values("position").groupby("panel_id", sort=False):
        rows.append({"地区": names[pid], "级别": g["admin_level"].dropna().iloc[-1] if g["admin_level"].notna().any()
                     else "", "年份": "、".join(_period(a, b) for a, b in zip(g["year_start"], g["year_end"],
                                                                       strict=True)),
                     "报告数": len(g)})
    return pd.DataFrame(rows).sort_values(["报告数", "地区"], ascending=[False, True], kind="stable").reset_index(
        drop=True)


def timeline_chart(panel: pd.DataFrame, *, max_rows: int = 30, title: str | None = None, lang: str = "zh"
                   ) -> Figure:
    """Which jurisdictions can be followed over time: one row per jurisdiction, a bar per report over its years.

    Drawn for any corpus, with or without jurisdictions of several reports.

    Parameters
    ----------
    panel : pandas.DataFrame
        The ``panel`` table (one row per report); reports without a last year are left out.
    max_rows : int, default 30
        The most jurisdictions drawn, those with most reports first.
    title : str, optional
        The chart's title; default the catalogue's title in ``lang``.
    lang : str, default "zh"
        The language of the labels.

    Returns
    -------
    matplotlib.figure.Figure
        The chart, with the Chinese font selected.
    """
    import matplotlib.pyplot as plt


    use_chinese_font()
    p = panel[panel["year_end"].notna()].copy()
    names = _name(p)
    order = (p.groupby("panel_id")["doc_id"].size().rename("n").to_frame().join(names.rename("name"))
             .sort_values(["n", "name"], ascending=[False, True]).head(max_rows))
    fig, ax = plt.subplots(figsize=(8, 0.35 * max(len(order), 3) + 1.2))
    for y, pid in enumerate(order.index):
        for r in p[p["panel_id"] == pid].itertuples():
            start = int(r.year_start) if pd.notna(r.year_start) else int(r.year_end)
            ax.barh(y, int(r.year_end) - start + 0.8, left=start - 0.4, color="#3B6EA5", height=0.6)
    ax.set_yticks(range(len(order)), [str(n) for n in order["name"]])
    ax.invert_yaxis()
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel(t("chart.year", lang))
    ax.set_title(t("chart.timeline_title", lang) if title is None else title)
    fig.tight_layout()
    return fig


def _verdict(kept: pd.Series, restated: pd.Series) -> list[str]:
    return [VERDICTS["kept"] if k else VERDICTS["restated"] if isinstance(r, str) else VERDICTS["open"]
            for k, r in zip(kept, restated, strict=True)]


def promise_view(promises: pd.DataFrame, items: pd.DataFrame, documents: pd.DataFrame, *, width: int = 40
                 ) -> pd.DataFrame:
    """Each plan item with the judgement of the next report and its evidence.

    Parameters
    ----------
    promises : pandas.DataFrame
        The ``promises`` table (one row per plan item of a report that has a next one: ``plan_item_id``,
        ``next_item_id``, ``kept``, ``restated_item_id``, ``similarity``, ``evidence``).
    items : pandas.DataFrame
        The ``items`` table, for the lead phrases.
    documents : pandas.DataFrame
        The ``documents`` table, for the report labels.
    width : int, default 40
        Lead phrases longer than ``width`` characters are cut.

    Returns
    -------
    pandas.DataFrame
        One row per plan item in the order of ``promises``: 报告, 下一份报告, 计划 (lead phrase), 判断 (已落实 /
        原样列为下一年计划 / 未见落实), 相似度, 落实条目 (lead phrase of the work-done item), 依据.
    """
    labels = _labels(documents)
    lead = statement_labels(items, width=width)
    return pd.DataFrame({
        "报告": promises["doc_id"].map(labels).to_numpy(),
        "下一份报告": promises["next_doc_id"].map(labels).to_numpy(),
        "计划": promises["plan_item_id"].map(lead).to_numpy(),
        "判断": _verdict(promises["kept"], promises["restated_item_id"]),
        "相似度": promises["similarity"].astype(float).round(2).to_numpy(),
        "落实条目": promises["next_item_id"].map(lead).fillna("").to_numpy(),
        "依据": promises["evidence"].fillna("").to_numpy(),
    })


def promise_rates(promises: pd.DataFrame, panel: pd.DataFrame, by: str = "jurisdiction") -> pd.DataFrame:
    """Promise-keeping rate per jurisdiction or per administrative level: plan items, kept, restated, share kept.

    Parameters
    ----------
    promises : pandas.DataFrame
        The ``promises`` table (one row per plan item of a report that has a next one).
    panel : pandas.DataFrame
        The ``panel`` table (one row per report), for the jurisdiction or level of each report.
    by : str, default "jurisdiction"
        ``"jurisdiction"`` (one row per jurisdiction of the panel) or ``"admin_level"``.

    Returns
    -------
    pandas.DataFrame
        One row per jurisdiction (地区) or level (级别), most plan items first: 计划条数, 已落实,
        原样列为下一年计划, 落实率.
    """
    cols = ["计划条数", "已落实", "原样列为下一年计划", "落实率"]
    if promises.empty:
        return pd.DataFrame(columns=[by, *cols])
    p = panel.drop_duplicates("doc_id").set_index("doc_id")
    key = (promises["doc_id"].map(p["panel_id"]).map(_name(panel)) if by == "jurisdiction"
           else promises["doc_id"].map(p["admin_level"]).fillna("未知"))
    g = promises.assign(_key=key.to_numpy(), _restated=promises["restated_item_id"].notna()).groupby("_key")
    out = pd.DataFrame({"计划条数": g.size(), "已落实": g["kept"].sum().astype(int),
                        "原样列为下一年计划": g["_restated"].sum().astype(int)})
    out["落实率"] = out["已落实"] / out["计划条数"]
    label = "地区" if by == "jurisdiction" else "级别"
    return out.rename_axis(label).reset_index().sort_values(["计划条数", label], ascending=[False, True],
                                                             kind="stable").reset_index(drop=True)


def repeated_problems(recurring: pd.DataFrame, items: pd.DataFrame, documents: pd.DataFrame, *,
                      verbatim_only: bool = True) -> pd.DataFrame:
    """Problems stated again in the next report of the same jurisdiction.

    Parameters
    ----------
    recurring : pandas.DataFrame
        The ``recurring_problems`` table (one row per problem statement of a report that has a next one:
        ``next_item_id``, the statement of the next report that states it again, if any; ``verbatim``,
        ``same_topic``, ``similarity``).
    items : pandas.DataFrame
        The ``items`` table, for the texts.
    documents : pandas.DataFrame
        The ``documents`` table, for the report labels.
    verbatim_only : bool, default True
        Keep only problems repeated word for word; False keeps every problem stated again.

    Returns
    -------
    pandas.DataFrame
        One row per problem stated again: 报告, 下一份报告, 问题 (as first written), 再次表述, 原样重复 (是/否),
        同一主题 (是/否), 相似度.
    """
    r = recurring[recurring["next_item_id"].notna()]
    if verbatim_only:
        r = r[r["verbatim"]]
    labels = _labels(documents)
    text = items.drop_duplicates("item_id").set_index("item_id")["text"]
    return pd.DataFrame({
        "报告": r["doc_id"].map(labels).to_numpy(), "下一份报告": r["next_doc_id"].map(labels).to_numpy(),
        "问题": r["item_id"].map(text).to_numpy(), "再次表述": r["next_item_id"].map(text).to_numpy(),
        "原样重复": r["verbatim"].map({True: "是", False: "否"}).to_numpy(),
        "同一主题": r["same_topic"].map({True: "是", False: "否"}).to_numpy(),
        "相似度": r["similarity"].astype(float).round(2).to_numpy(),
    })


def copied_view(copied: pd.DataFrame, panel: pd.DataFrame) -> pd.DataFrame:
    """Each pair of consecutive reports with its share of copied text, highest share first.

    Parameters
    ----------
    copied : pandas.DataFrame
        The ``copied_text`` table (one row per pair of consecutive reports of a jurisdiction).
    panel : pandas.DataFrame
        The ``panel`` table, for the names of the jurisdictions.

    Returns
    -------
    pandas.DataFrame
        One row per pair: 地区, 年度, 下一年度, 句段数 (segments of the later report), 照搬句段 (of them, copied),
        照搬比例.
    """
    names = _name(panel)
    out = pd.DataFrame({"地区": copied["panel_id"].map(names).to_numpy(), "年度": copied["year_end"].to_numpy(),
                        "下一年度": copied["next_year_end"].to_numpy(), "句段数": copied["segments"].to_numpy(),
                        "照搬句段": copied["copied"].to_numpy(), "照搬比例": copied["share"].astype(float).to_numpy()})
    return out.sort_values(["照搬比例", "地区"], ascending=[False, True], kind="stable").reset_index(drop=True)


def copied_share_chart(copied: pd.DataFrame, panel: pd.DataFrame, *, max_lines: int = 12,
                       title: str | None = None, lang: str = "zh") -> Figure:
    """The share of each report copied from the jurisdiction's previous one, by year, with the yearly median.

    Parameters
    ----------
    copied : pandas.DataFrame
        The ``copied_text`` table (one row per pair of consecutive reports of a jurisdiction).
    panel : pandas.DataFrame
        The ``panel`` table, for the names of the jurisdictions.
    max_lines : int, default 12
        One line per jurisdiction for the ``max_lines`` with most pairs; the median is of all pairs.
    title : str, optional
        The chart's title; default the catalogue's title in ``lang``.
    lang : str, default "zh"
        The language of the labels.

    Returns
    -------
    matplotlib.figure.Figure
        The chart, with the Chinese font selected.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator, PercentFormatter


    use_chinese_font()
    names = _name(panel)
    fig, ax = plt.subplots(figsize=(8, 4))
    top = copied["panel_id"].value_counts().head(max_lines).index
    for pid in sorted(top, key=lambda x: str(names.get(x, x))):
        g = copied[copied["panel_id"] == pid].sort_values("next_year_end")
        ax.plot(g["next_year_end"], g["share"], marker="o", alpha=0.6, label=str(names.get(pid, pid)))
    med = copied.groupby("next_year_end")["share"].median()
    ax.plot(med.index, med.to_numpy(), color="black", linewidth=2.5, marker="_", markersize=14,
            label=t("chart.median", lang))
    years = copied["next_year_end"].astype(int)
    ax.set_xlim(years.min() - 0.5, years.max() + 0.5)
    ax.set_ylim(0, min(1.0, float(copied["share"].max()) * 1.15 + 0.05))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel(t("chart.report_year", lang))
    ax.set_ylabel(t("chart.copied_axis", lang))
    ax.set_title(t("chart.copied_title", lang) if title is None else title)
    ax.legend(fontsize=7, ncol=2, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    return fig


def trend_view(trends: pd.DataFrame, panel: pd.DataFrame) -> pd.DataFrame:
    """The indicators of each jurisdiction over its reports, one row per number stated.

    Parameters
    ----------
    trends : pandas.DataFrame
        The ``indicator_trends`` table (one row per canonical indicator stated by a report of a jurisdiction with
        several).
    panel : pandas.DataFrame
        The ``panel`` table, for the names of the jurisdictions.

    Returns
    -------
    pandas.DataFrame
        One row per row of ``trends``: 地区, 指标, 年份, 数值 (per year where divided), 单位, 原文.
    """
    names = _name(panel)
    return pd.DataFrame({
        "地区": trends["panel_id"].map(names).to_numpy(), "指标": trends["canonical_indicator"].to_numpy(),
        "年份": [_period(a, b) for a, b in zip(trends["year_start"], trends["year_end"], strict=True)],
        "数值": trends["value_per_year"].astype(float).to_numpy(), "单位": trends["unit"].to_numpy(),
        "原文": trends["sentence"].to_numpy(),
    })


def trend_chart(trends: pd.DataFrame, panel: pd.DataFrame, indicator: str, *, max_lines: int = 12,
                lang: str = "zh") -> Figure:
    """One indicator over the years, one line per jurisdiction stating it in several reports.

    Parameters
    ----------
    trends : pandas.DataFrame
        The ``indicator_trends`` table.
    panel : pandas.DataFrame
        The ``panel`` table, for the names of the jurisdictions.
    indicator : str
        The canonical indicator drawn.
    max_lines : int, default 12
        The most jurisdictions drawn, those stating it in most reports first.
    lang : str, default "zh"
        The language of the labels.

    Returns
    -------
    matplotlib.figure.Figure
        The chart, with the Chinese font selected.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator


    use_chinese_font()
    names = _name(panel)
    rows = trends[trends["canonical_indicator"] == indicator]  # not `t`: that is the catalogue's lookup
    fig, ax = plt.subplots(figsize=(8, 3.8))
    for pid in rows["panel_id"].value_counts().head(max_lines).index:
        g = rows[rows["panel_id"] == pid].sort_values("position")
        ax.plot(g["year_end"].astype(int), g["value_per_year"].astype(float), marker="o",
                label=str(names.get(pid, pid)))
    if len(rows):
        years = rows["year_end"].astype(int)
        ax.set_xlim(years.min() - 0.5, years.max() + 0.5)
    unit = rows["unit"].mode().iat[0] if len(rows) else ""
    divided = bool(rows["per_year_applied"].any()) if len(rows) else False
    ax.set_title(t("chart.indicator_title", lang, indicator=indicator, unit=unit,
                   per_year=t("chart.per_year", lang) if divided else ""))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(t("chart.report_year", lang))
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    return fig


#: The columns of the numbers of a report and its predecessor side by side (``last_year``).
INDICATOR_COLUMNS = ["指标", "上一年", "本年", "单位", "变化"]
_NO_PREVIOUS = {"previous": None, "label": "", "promises": None, "problems": None, "copied": None,
                "indicators": None}


def _split(view: pd.DataFrame, keys: pd.Series) -> dict[str, pd.DataFrame]:
    """The rows of ``view`` per value of ``keys`` (aligned with its rows), re-indexed."""
    out: dict[str, pd.DataFrame] = {}
    for key, rows in view.groupby(keys.to_numpy(), sort=False):
        out[str(key)] = rows.reset_index(drop=True)
    return out


def _indicator_pairs(pairs: pd.DataFrame, trends: pd.DataFrame) -> pd.DataFrame:
    """For each pair of consecutive reports, the canonical indicators both state: the earlier and the later value
    (the first row of each report and indicator), the unit, the change; keyed by the later report (next_doc_id)."""
    cols = ["next_doc_id", *INDICATOR_COLUMNS]
    if pairs.empty or trends.empty:
        return pd.DataFrame(columns=cols)
    first = trends.drop_duplicates(["doc_id", "canonical_indicator"])[
        ["doc_id", "canonical_indicator", "value_per_year", "unit"]]
    before = pairs[["doc_id", "next_doc_id"]].merge(first, on="doc_id")
    after = first.rename(columns={"doc_id": "next_doc_id", "value_per_year": "now", "unit": "unit_now"})
    both = before.merge(after, on=["next_doc_id", "canonical_indicator"]).sort_values(
        ["next_doc_id", "canonical_indicator"], kind="stable")
    out = pd.DataFrame({"next_doc_id": both["next_doc_id"].to_numpy(),
                        "指标": both["canonical_indicator"].to_numpy(),
                        "上一年": both["value_per_year"].astype(float).to_numpy(),
                        "本年": both["now"].astype(float).to_numpy(),
                        "单位": both["unit"].where(both["unit"].notna(), both["unit_now"]).to_numpy()})
    out["变化"] = (out["本年"] - out["上一年"]) / out["上一年"]
    return out.dropna(subset=["上一年", "本年"]).reset_index(drop=True)


def last_years(tables: dict[str, pd.DataFrame], items: pd.DataFrame, documents: pd.DataFrame
               ) -> dict[str, dict[str, object]]:
    """The "compared with last year" section of every report that has a predecessor, in one pass.

    For briefs of a whole corpus.

    Parameters
    ----------
    tables : dict
        The year-over-year tables of ``fazhi analyze`` by name (copied_text, promises, recurring_problems,
        indicator_trends).
    items : pandas.DataFrame
        The ``items`` table.
    documents : pandas.DataFrame
        The ``documents`` table.

    Returns
    -------
    dict
        {doc_id: what ``last_year`` gives for it}, for every report that has a predecessor.
    """
    pairs = tables["copied_text"].drop_duplicates("next_doc_id")
    if pairs.empty:
        return {}
    labels = _labels(documents)
    promises = tables["promises"].merge(pairs[["doc_id", "next_doc_id"]], on=["doc_id", "next_doc_id"])
    recurring = tables["recurring_problems"].merge(pairs[["doc_id", "next_doc_id"]], on=["doc_id", "next_doc_id"])
    recurring = recurring[recurring["next_item_id"].notna()]
    kept = _split(promise_view(promises, items, documents), promises["next_doc_id"])
    again = _split(repeated_problems(recurring, items, documents, verbatim_only=False), recurring["next_doc_id"])
    numbers = _indicator_pairs(pairs, tables["indicator_trends"])
    numbers_of = _split(numbers.drop(columns="next_doc_id"), numbers["next_doc_id"])
    empty_kept = promise_view(promises.iloc[:0], items, documents)
    empty_again = repeated_problems(recurring.iloc[:0], items, documents, verbatim_only=False)
    out = {}
    for previous, doc, share in zip(pairs["doc_id"].tolist(), pairs["next_doc_id"].tolist(),
                                    pairs["share"].tolist(), strict=True):
        out[str(doc)] = {"previous": previous, "label": labels.get(previous, previous),
                         "promises": kept.get(str(doc), empty_kept), "problems": again.get(str(doc), empty_again),
                         "copied": float(share),
                         "indicators": numbers_of.get(str(doc), pd.DataFrame(columns=INDICATOR_COLUMNS))}
    return out


def last_year(doc_id: str, tables: dict[str, pd.DataFrame], items: pd.DataFrame, documents: pd.DataFrame
              ) -> dict[str, object]:
    """The "compared with last year" section of one report's brief.

    The same as ``last_years(...)[doc_id]``.

    Parameters
    ----------
    doc_id : str
        The report.
    tables : dict
        The year-over-year tables of ``fazhi analyze`` by name (copied_text, promises, recurring_problems,
        indicator_trends).
    items : pandas.DataFrame
        The ``items`` table.
    documents : pandas.DataFrame
        The ``documents`` table.

    Returns
    -------
    dict
        ``previous`` (doc_id of the jurisdiction's previous report, or None when the report has none in the
        corpus), ``label`` (its label), ``promises`` (``promise_view`` of the previous report's plans, as judged
        against this report), ``problems`` (``repeated_problems`` of the previous report found again here, word for
        word or not), ``copied`` (share of this report copied from the previous one, or None) and ``indicators``
        (the numbers of both reports side by side: 指标, 上一年, 本年, 单位, 变化).
    """
    pairs = tables["copied_text"]
    mine = {**tables, "copied_text": pairs[pairs["next_doc_id"] == doc_id]}
    return last_years(mine, items, documents).get(doc_id, dict(_NO_PREVIOUS))
