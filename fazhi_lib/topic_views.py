"""Tables and charts of the problem analysis for the notebook ``10_problem_topics``, built on ``fazhi_lib.topics``.

``fazhi_lib.topics`` computes the analysis (problem topics, the plan item answering each problem, sentences shared
across reports); this module turns its results into readable views: Chinese column names, report labels instead of
doc ids, lead phrases instead of item ids, a report × topic matrix, a 2-D map of the problem statements, highlighted
unmatched problems. Every function is a pure function of DataFrames (and of the TF-IDF matrix for the map); the
notebook reads the tables with ``fazhi_lib.store``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from fazhi_lib import i18n
from fazhi_lib.plotting import heatmap, use_chinese_font
from fazhi_lib.safehtml import SafeStyler, style
from fazhi_lib.topics import remedy_share, shared_share

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "label_offsets",
    "level_topic_shares",
    "plot_silhouette",
    "plot_topic_map",
    "project_2d",
    "remedy_by_report",
    "remedy_view",
    "report_pair_counts",
    "report_topic_counts",
    "representative_statements",
    "sample_texts",
    "shared_by_report",
    "shared_occurrences",
    "shared_pairs_view",
    "shared_summary",
    "statement_labels",
    "style_remedies",
    "topic_heatmap",
    "topic_map_points",
    "topic_names",
    "topic_overview",
]

UNMATCHED_COLOUR = "#FBE3E1"
_NON_WORD = re.compile(r"[\W_]+")
OTHER_COLOUR = "#C8C8C8"


# ---- labels --------------------------------------------------------------------------------------------------------


def _shorten(text: object, width: int) -> str:
    s = "" if text is None or (not isinstance(text, str) and pd.isna(text)) else " ".join(str(text).split())
    return s if len(s) <= width else s[: width - 1] + "…"


def statement_labels(items: pd.DataFrame, width: int = 40) -> pd.Series:
    """A short label per item, indexed by item_id: its lead phrase (``title``), else the start of its text.

    Parameters
    ----------
    items : pandas.DataFrame
        The ``items`` table, or any rows of it (``item_id``, ``title``, ``text``).
    width : int, default 40
        Labels longer than ``width`` characters are cut and end in ….

    Returns
    -------
    pandas.Series
        The label of each item (whitespace collapsed), indexed by item_id, in the order of ``items``.
    """
    titles = items["title"].astype("object").where(items["title"].notna(), "")
    labels = [_shorten(t, width) if str(t).strip() else _shorten(x, width)
              for t, x in zip(titles, items["text"], strict=True)]
    return pd.Series(labels, index=items["item_id"].to_numpy(), dtype="object")


def topic_names(topics: pd.DataFrame) -> dict[int, str]:
    """Chart labels of the topics: number and label, e.g. ``{0: "0 普法·宣传·形式"}``.

    Parameters
    ----------
    topics : pandas.DataFrame
        The topics table of ``topics.problem_topics`` (``topic``, ``topic_label``).

    Returns
    -------
    dict
        {topic number: its chart label}.
    """
    return {int(t): f"{int(t)} {lab}" for t, lab in zip(topics["topic"], topics["topic_label"], strict=True)}


def _examples(value: object) -> list[str]:
    """The examples of a topic as a list without repeats (a list, an array from Parquet, or one string)."""
    if value is None or isinstance(value, str):
        return [value] if value else []
    return list(dict.fromkeys(str(v) for v in list(value)))


def topic_overview(topics: pd.DataFrame) -> pd.DataFrame:
    """The topics table of ``topics.problem_topics`` for reading, largest topic first, Chinese column names.

    Parameters
    ----------
    topics : pandas.DataFrame
        The topics table (one row per topic: ``topic``, ``topic_label``, ``size``, ``n_reports``, ``top_terms``,
        ``examples``).

    Returns
    -------
    pandas.DataFrame
        One row per topic, most statements first: 主题 (number and label), 问题条数 (statements), 占比 (share of
        all statements), 报告数 (reports raising it), 关键词 (its top terms), 代表性表述 (its most representative
        statements, joined by " / ", each once).
    """
    names = topic_names(topics)
    total = max(int(topics["size"].sum()), 1)
    out = pd.DataFrame({
        "主题": [names[int(t)] for t in topics["topic"]],
        "问题条数": topics["size"].astype(int).to_numpy(),
        "占比": topics["size"].to_numpy() / total,
        "报告数": topics["n_reports"].astype(int).to_numpy(),
        "关键词": topics["top_terms"].astype(str).to_numpy(),
        "代表性表述": [" / ".join(_examples(e)) for e in topics["examples"]],
    })
    return out.sort_values("问题条数", ascending=False, kind="stable").reset_index(drop=True)


def representative_statements(assignments: pd.DataFrame, items: pd.DataFrame, report_labels: pd.Series,
                              topics: pd.DataFrame, *, n: int = 3, width: int = 90) -> pd.DataFrame:
    """Each topic's ``n`` most representative problem statements, with the report they come from.

    A statement's ``score`` (from ``problem_topics``) is its cosine similarity to the topic's centroid; statements
    with the same text up to punctuation and spaces (a formula several reports use) are shown once, with the number
    of reports using it.

    Parameters
    ----------
    assignments : pandas.DataFrame
        The topic of each problem statement (``problem_topics``: ``doc_id``, ``item_id``, ``topic``, ``score``).
    items : pandas.DataFrame
        The ``items`` table (``item_id``, ``title``, ``text``).
    report_labels : pandas.Series
        The reports' labels by doc_id (``compare.report_labels``).
    topics : pandas.DataFrame
        The topics table of ``topics.problem_topics``.
    n : int, default 3
        The statements shown per topic.
    width : int, default 90
        Texts longer than ``width`` characters are cut.

    Returns
    -------
    pandas.DataFrame
        One row per statement shown, by topic, most representative first: 主题, 报告 (the first report using the
        text), 表述 (lead phrase), 原文 (text), 代表性 (score), 使用该表述的报告数.
    """
    names = topic_names(topics)
    a = assignments.merge(items[["item_id", "title", "text"]], on="item_id", how="left")
    a["_key"] = [_NON_WORD.sub("", str(x)) for x in a["text"].fillna("")]
    a = a.sort_values(["topic", "score", "doc_id", "item_id"], ascending=[True, False, True, True], kind="stable")
    uses = a.groupby(["topic", "_key"])["doc_id"].nunique().rename("使用该表述的报告数")
    top = a.drop_duplicates(["topic", "_key"]).groupby("topic", sort=True).head(n)
    top = top.join(uses, on=["topic", "_key"])
    lead = statement_labels(top, width=40)
    return pd.DataFrame({
        "主题": [names.get(int(t), str(t)) for t in top["topic"]],
        "报告": [report_labels.get(d, d) for d in top["doc_id"]],
        "表述": lead.to_numpy(),
        "原文": [_shorten(x, width) for x in top["text"]],
        "代表性": top["score"].astype(float).to_numpy(),
        "使用该表述的报告数": top["使用该表述的报告数"].astype(int).to_numpy(),
    })


# ---- the number of topics -----------------------------------------------------------------------------------------


def plot_silhouette(scores: pd.DataFrame, k: int, *, title: str | None = None, lang: str = "zh") -> Figure:
    """Line chart of the mean silhouette per number of topics, the chosen number marked.

    Parameters
    ----------
    scores : pandas.DataFrame
        The mean silhouette of every number of topics tried (``topics.TopicModel.silhouettes_``: ``k``,
        ``silhouette``).
    k : int
        The number of topics chosen.
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
    from matplotlib.ticker import MaxNLocator


    use_chinese_font()
    fig, ax = plt.subplots(figsize=(8, 3.6))
    ax.plot(scores["k"], scores["silhouette"], marker="o", color="#3B6EA5", markersize=4)
    chosen = scores[scores["k"] == k]
    if len(chosen):
        ax.scatter(chosen["k"], chosen["silhouette"], s=110, facecolors="none", edgecolors="#C0392B", linewidths=2,
                   zorder=3)
        ax.annotate(i18n.t("chart.chosen_k", lang, k=k), (k, float(chosen["silhouette"].iloc[0])), xytext=(10, 4),
                    textcoords="offset points", color="#C0392B", fontsize=9)
    ax.set_title(i18n.t("chart.silhouette_title", lang) if title is None else title)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(i18n.t("chart.n_topics", lang))
    ax.set_ylabel(i18n.t("chart.silhouette", lang))
    fig.tight_layout()
    return fig


# ---- reports × topics ----------------------------------------------------------------------------------------------


def report_topic_counts(assignments: pd.DataFrame, report_labels: pd.Series, topics: pd.DataFrame) -> pd.DataFrame:
    """Number of problem statements of each report (rows, labelled) in each topic (columns, named).

    Parameters
    ----------
    assignments : pandas.DataFrame
        The topic of each problem statement (``problem_topics``: ``doc_id``, ``topic``).
    report_labels : pandas.Series
        The reports' labels by doc_id (``compare.report_labels``).
    topics : pandas.DataFrame
        The topics table of ``topics.problem_topics``: every topic is a column.

    Returns
    -------
    pandas.DataFrame
        Integer counts, one row per report with problem statements (labelled), one column per topic (``topic_names``).
    """
    names = topic_names(topics)
    m = pd.crosstab(assignments["doc_id"], assignments["topic"])
    m = m.reindex(columns=sorted(names), fill_value=0)
    m.index = [report_labels.get(d, d) for d in m.index]
    m.columns = [names[int(t)] for t in m.columns]
    return m.astype(int)


def level_topic_shares(assignments: pd.DataFrame, documents: pd.DataFrame, topics: pd.DataFrame) -> pd.DataFrame:
    """Share of the reports of each administrative level (rows, e.g. ``镇 (689)``) raising each topic (columns).

    The denominator is the reports of the level that state at least one problem; a report without a level is
    counted under ``未知``.

    Parameters
    ----------
    assignments : pandas.DataFrame
        The topic of each problem statement (``problem_topics``: ``doc_id``, ``topic``).
    documents : pandas.DataFrame
        The ``documents`` table (``doc_id``, ``admin_level``).
    topics : pandas.DataFrame
        The topics table of ``topics.problem_topics``: every topic is a column.

    Returns
    -------
    pandas.DataFrame
        Shares (0–1), one row per level, largest first, labelled with its number of reports; one column per topic
        (``topic_names``).
    """
    names = topic_names(topics)
    level = documents.drop_duplicates("doc_id").set_index("doc_id")["admin_level"]
    level = level.astype("object").where(level.notna() & level.astype(str).ne(""), "未知")
    raised = pd.crosstab(assignments["doc_id"], assignments["topic"]).gt(0)
    raised = raised.reindex(columns=sorted(names), fill_value=False)
    lv = level.reindex(raised.index).fillna("未知").to_numpy()
    shares = raised.groupby(lv).mean()
    counts = pd.Series(lv).value_counts()
    shares = shares.loc[counts.index.intersection(shares.index)]
    shares.index = [f"{lvl} ({counts[lvl]:,})" for lvl in shares.index]
    shares.columns = [names[int(t)] for t in shares.columns]
    return shares


def topic_heatmap(matrix: pd.DataFrame, *, title: str, fmt: str = "d", cbar_label: str = "",
                  lang: str | None = None) -> Figure:
    """``plotting.heatmap`` of a reports (or levels) × topics matrix, drawn with the topics as rows.

    The figure is widened so that the topic labels on the left leave the cells their room (``plotting.heatmap``
    sizes the figure by the number of cells only).

    Parameters
    ----------
    matrix : pandas.DataFrame
        Reports or levels × topics, e.g. ``report_topic_counts`` or ``level_topic_shares``.
    title : str
        The chart's title.
    fmt : str, default "d"
        The format of the numbers in the cells (``d`` counts, ``.0%`` shares).
    cbar_label : str, default ""
        The label of the colour bar.
    lang : str, optional
        The language of the chart's own labels (as ``plotting.heatmap``).

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    frame = matrix.T
    fig = heatmap(frame, title=title, fmt=fmt, cbar_label=cbar_label, lang=lang)
    longest = max((len(str(x)) for x in frame.index), default=0)
    width = 0.17 * longest + 0.55 * frame.shape[1] + 2.2
    if width > fig.get_figwidth():
        fig.set_size_inches(min(width, 26.0), fig.get_figheight())
        fig.tight_layout()
    return fig


# ---- the map of problem statements ---------------------------------------------------------------------------------


def project_2d(X: object, random_state: int = 0) -> np.ndarray:
    """Two coordinates per row of a (sparse) TF-IDF matrix: its projection on the two leading singular vectors.

    The projection is ``TruncatedSVD`` (latent semantic analysis) of the rows L2-normalised first.

    Parameters
    ----------
    X : array-like or scipy.sparse matrix
        The TF-IDF matrix (one row per statement).
    random_state : int, default 0
        The seed of the randomized SVD: the same seed gives the same coordinates.

    Returns
    -------
    numpy.ndarray
        Shape (rows, 2); a matrix too small for two components gets zeros in the missing column(s).
    """
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    n, n_features = X.shape
    out = np.zeros((n, 2))
    if n < 2 or n_features < 2:
        return out
    Xn = normalize(X)
    n_comp = min(2, n_features - 1, n - 1)
    coords = TruncatedSVD(n_components=n_comp, algorithm="randomized", n_iter=7,
                          random_state=random_state).fit_transform(Xn)
    out[:, :n_comp] = coords
    return np.round(out, 12)


def topic_map_points(items: pd.DataFrame, assignments: pd.DataFrame, X_problems: object,
                     *, random_state: int = 0) -> pd.DataFrame:
    """The problem statements as points of a 2-D map, with their topic.

    Parameters
    ----------
    items : pandas.DataFrame
        The ``items`` table.
    assignments : pandas.DataFrame
        The topic of each problem statement (``problem_topics``).
    X_problems : array-like or scipy.sparse matrix
        The TF-IDF rows of the problem statements (``topics.fit_space``), in the order of
        ``items[items.part == "problems"]``.
    random_state : int, default 0
        The seed of the projection (``project_2d``).

    Returns
    -------
    pandas.DataFrame
        One row per problem statement with a topic: doc_id, item_id, topic, topic_label, score, lead (its lead
        phrase), x, y (``project_2d``).

    Raises
    ------
    ValueError
        When ``X_problems`` does not have one row per problem item.
    """
    problems = items[items["part"] == "problems"].reset_index(drop=True)
    if len(problems) != X_problems.shape[0]:
        raise ValueError(f"X_problems has {X_problems.shape[0]} rows for {len(problems)} problem items")
    xy = project_2d(X_problems, random_state=random_state)
    pts = pd.DataFrame({"item_id": problems["item_id"].to_numpy(), "x": xy[:, 0], "y": xy[:, 1],
                        "lead": statement_labels(problems, width=24).to_numpy()})
    cols = ["doc_id", "item_id", "topic", "topic_label", "score"]
    return assignments[cols].merge(pts, on="item_id", how="inner")[[*cols, "lead", "x", "y"]]


def label_offsets(anchors: list[tuple[float, float]], widths: list[float], *, height: float = 13.0,
                  gap: float = 6.0, right: float | None = None,
                  candidates: tuple[float, ...] = (6.0, -18.0, 20.0, -32.0, 34.0, -46.0, 48.0, -60.0)
                  ) -> list[tuple[float, float]]:
    """Where to write labels beside points so that labels of nearby points do not overlap.

    All sizes are in the same unit (points on the page). A label starts ``gap`` to the right of its point, or ends
    ``gap`` to its left when it would cross ``right``. Each label, in order, takes the first vertical offset of
    ``candidates`` whose box overlaps no label placed before (else the one with the fewest overlaps).

    Parameters
    ----------
    anchors : list of tuple of float
        The points, (x, y) each.
    widths : list of float
        The width of each point's label.
    height : float, default 13.0
        The height of a label.
    gap : float, default 6.0
        The space between a point and its label.
    right : float, optional
        The right edge of the plot; default none (labels always to the right).
    candidates : tuple of float, optional
        The vertical offsets tried, in order of preference.

    Returns
    -------
    list of tuple of float
        (dx, dy) per label; dx < 0 means the label ends there (right-aligned).
    """
    boxes: list[tuple[float, float, float, float]] = []
    out = []
    for (x, y), w in zip(anchors, widths, strict=True):
        dx = -gap if right is not None and x + gap + w > right else gap
        x0 = x + dx if dx > 0 else x + dx - w

        def _overlaps(dy: float, x0: float = x0, y: float = y, w: float = w) -> int:
            y0 = y + dy
            return sum(x0 < bx1 and bx0 < x0 + w and y0 < by1 and by0 < y0 + height for bx0, by0, bx1, by1 in boxes)

        dy = next((c for c in candidates if not _overlaps(c)), min(candidates, key=_overlaps))
        boxes.append((x0, y + dy, x0 + w, y + dy + height))
        out.append((dx, dy))
    return out


def plot_topic_map(points: pd.DataFrame, topics: pd.DataFrame, *, title: str | None = None,
                   n_labels: int = 12, max_colours: int = 20, lang: str = "zh") -> Figure:
    """Scatter chart of ``topic_map_points``, one colour per topic, the largest topics' typical statements named.

    The ``max_colours`` - 1 largest topics get a colour each, the others are grey (其他主题); the lead phrase of
    the most representative statement of each of the ``n_labels`` largest topics is written beside it. Statements
    at the same spot (the same wording) are drawn as one dot whose area grows with their number.

    Parameters
    ----------
    points : pandas.DataFrame
        The points of ``topic_map_points``.
    topics : pandas.DataFrame
        The topics table of ``topics.problem_topics`` (``topic``, ``topic_label``, ``size``).
    title : str, optional
        The chart's title; default the catalogue's title in ``lang``.
    n_labels : int, default 12
        The number of largest topics whose typical statement is written on the map.
    max_colours : int, default 20
        The most colours (topics beyond them share the grey of 其他主题).
    lang : str, default "zh"
        The language of the labels.

    Returns
    -------
    matplotlib.figure.Figure
        The chart, with the Chinese font selected (``plotting.use_chinese_font``).
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D


    use_chinese_font()
    names = topic_names(topics)
    order = topics.sort_values(["size", "topic"], ascending=[False, True], kind="stable")["topic"].astype(int).tolist()
    coloured = order if len(order) <= max_colours else order[: max_colours - 1]
    palette = plt.get_cmap("tab20" if len(coloured) > 10 else "tab10")
    colour = {t: palette(i % palette.N) for i, t in enumerate(coloured)}
    fig, ax = plt.subplots(figsize=(11, 7.5))
    # statements worded alike fall on the same spot: draw each spot once, its area growing with the statements on it
    spots = (points.assign(_x=points["x"].round(6), _y=points["y"].round(6))
             .groupby(["topic", "_x", "_y"], sort=False).agg(x=("x", "first"), y=("y", "first"), n=("x", "size"))
             .reset_index())
    base = 36.0 if len(spots) <= 500 else 12.0
    spots["s"] = np.clip(base * np.sqrt(spots["n"].to_numpy(dtype=float)), base, 30 * base)
    alpha = 0.75 if len(spots) <= 500 else 0.4
    handles = []
    rest = spots[~spots["topic"].isin(coloured)]
    if len(rest):
        ax.scatter(rest["x"], rest["y"], s=rest["s"], color=OTHER_COLOUR, alpha=alpha, linewidths=0)
    for t in coloured:
        p = spots[spots["topic"] == t]
        ax.scatter(p["x"], p["y"], s=p["s"], color=colour[t], alpha=alpha, linewidths=0)
        handles.append(Line2D([], [], marker="o", linestyle="", color=colour[t], label=names.get(t, str(t))))
    if len(rest):
        handles.append(Line2D([], [], marker="o", linestyle="", color=OTHER_COLOUR,
                              label=i18n.t("chart.other_topics", lang, n=rest["topic"].nunique())))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8.5, frameon=False,
              title=i18n.t("chart.topic", lang), title_fontsize=9)
    ax.set_title(i18n.t("chart.map_title", lang) if title is None else title)
    if spots["n"].max() > 1:
        fig.text(0.01, 0.005, i18n.t("chart.dot_area", lang), fontsize=8, color="#555555", ha="left",
                 va="bottom")
    ax.set_xlabel(i18n.t("chart.dim1", lang))
    ax.set_ylabel(i18n.t("chart.dim2", lang))
    fig.tight_layout(rect=(0, 0.025 if spots["n"].max() > 1 else 0, 1, 1))
    best = [points[points["topic"] == t].sort_values("score", ascending=False, kind="stable").head(1)
            for t in order[:n_labels]]
    best = [b.iloc[0] for b in best if len(b)]
    page = [ax.transData.transform((float(b["x"]), float(b["y"]))) * 72.0 / fig.dpi for b in best]
    right = float(ax.get_window_extent().x1) * 72.0 / fig.dpi
    offsets = label_offsets([(float(px), float(py)) for px, py in page],
                            [8.5 * len(str(b["lead"])) + 6 for b in best], right=right)
    for b, (dx, dy) in zip(best, offsets, strict=True):
        t = int(b["topic"])
        ax.annotate(b["lead"], (b["x"], b["y"]), xytext=(dx, dy), textcoords="offset points", fontsize=8.5,
                    ha="left" if dx > 0 else "right",
                    color="#222222", bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": colour.get(t, "#888888"),
                                           "alpha": 0.85},
                    arrowprops={"arrowstyle": "-", "color": "#666666", "lw": 0.6})
    return fig


# ---- remedies ------------------------------------------------------------------------------------------------------


def remedy_view(remedies: pd.DataFrame, items: pd.DataFrame, report_labels: pd.Series, *, width: int = 60
                ) -> pd.DataFrame:
    """The result of ``topics.match_remedies`` for reading: each problem beside the closest plan item.

    Parameters
    ----------
    remedies : pandas.DataFrame
        The plan item matched to each problem statement (``topics.match_remedies``: ``doc_id``,
        ``problem_item_id``, ``plan_item_id``, ``similarity``, ``matched``).
    items : pandas.DataFrame
        The ``items`` table, for the lead phrases.
    report_labels : pandas.Series
        The reports' labels by doc_id (``compare.report_labels``).
    width : int, default 60
        Lead phrases longer than ``width`` characters are cut.

    Returns
    -------
    pandas.DataFrame
        One row per problem in the order of ``remedies``: 报告, 问题 (the problem's lead phrase), 最接近的计划措施
        (lead phrase of the most similar plan item of the same report; empty when the report has none), 相似度,
        有对应措施 (similarity at or above the threshold).
    """
    labels = statement_labels(items, width=width)
    plan = remedies["plan_item_id"].astype("object")
    return pd.DataFrame({
        "报告": [report_labels.get(d, d) for d in remedies["doc_id"]],
        "问题": [labels.get(i, i) for i in remedies["problem_item_id"]],
        "最接近的计划措施": ["" if p is None or pd.isna(p) else labels.get(p, p) for p in plan],
        "相似度": remedies["similarity"].astype(float).to_numpy(),
        "有对应措施": remedies["matched"].astype(bool).to_numpy(),
    })


def style_remedies(view: pd.DataFrame) -> SafeStyler:
    """``remedy_view`` as an escaped pandas Styler (``safehtml.style``), problems without a remedy on red.

    Parameters
    ----------
    view : pandas.DataFrame
        A ``remedy_view``.

    Returns
    -------
    SafeStyler
        Problems without a remedy on a red background, similarity with three decimals, 有对应措施 as 是/否, no
        index.
    """
    def _highlight(row: pd.Series) -> list[str]:
        return [f"background-color: {UNMATCHED_COLOUR}" if not row["有对应措施"] else ""] * len(row)

    return (style(view).apply(_highlight, axis=1).hide(axis="index")
            .format({"相似度": "{:.3f}", "有对应措施": lambda b: "是" if b else "否"})
            .set_properties(subset=["问题", "最接近的计划措施"], **{"text-align": "left"}))


def remedy_by_report(remedies: pd.DataFrame, documents: pd.DataFrame, report_labels: pd.Series) -> pd.DataFrame:
    """The share of each report's problems that a plan item remedies (``topics.remedy_share``), lowest first.

    Parameters
    ----------
    remedies : pandas.DataFrame
        The plan item matched to each problem statement (``topics.match_remedies``).
    documents : pandas.DataFrame
        The ``documents`` table (``doc_id``, ``admin_level``).
    report_labels : pandas.Series
        The reports' labels by doc_id (``compare.report_labels``).

    Returns
    -------
    pandas.DataFrame
        One row per report with problems, lowest share first: 报告, 行政级别, 问题条数, 有对应措施, 比例.
    """
    share = remedy_share(remedies)
    level = documents.drop_duplicates("doc_id").set_index("doc_id")["admin_level"]
    out = pd.DataFrame({
        "报告": [report_labels.get(d, d) for d in share["doc_id"]],
        "行政级别": level.reindex(share["doc_id"]).fillna("未知").astype(str).to_numpy(),
        "问题条数": share["problems"].astype(int).to_numpy(),
        "有对应措施": share["with_remedy"].astype(int).to_numpy(),
        "比例": share["share"].astype(float).to_numpy(),
    })
    return out.sort_values(["比例", "报告"], kind="stable").reset_index(drop=True)


# ---- shared sentences ----------------------------------------------------------------------------------------------


def sample_texts(texts: pd.DataFrame, max_reports: int | None, random_state: int = 0) -> pd.DataFrame:
    """``texts`` itself when it has at most ``max_reports`` rows, else a random sample of ``max_reports`` reports.

    Parameters
    ----------
    texts : pandas.DataFrame
        The ``texts`` table (one row per report).
    max_reports : int or None
        The most reports kept; None keeps them all.
    random_state : int, default 0
        The seed of the sample: the same seed draws the same reports.

    Returns
    -------
    pandas.DataFrame
        The rows kept, in their original order.
    """
    if max_reports is None or len(texts) <= max_reports:
        return texts
    rng = np.random.RandomState(random_state)
    keep = np.sort(rng.choice(len(texts), size=int(max_reports), replace=False))
    return texts.iloc[keep]


def shared_occurrences(shared: pd.DataFrame) -> pd.DataFrame:
    """Every occurrence of a shared sentence, one row per (group, report): group, doc_id, start, text, n_reports.

    ``topics.shared_sentences`` gives each group of near-identical segments as pairs of its first occurrence
    (``doc_id_a``) with the first occurrence in every other report (``doc_id_b``); this undoes the pairing.

    Parameters
    ----------
    shared : pandas.DataFrame
        The pairs of ``topics.shared_sentences``.

    Returns
    -------
    pandas.DataFrame
        One row per group and report: group, doc_id, start, text, n_reports; sorted by group, doc_id and start.
    """
    cols = ["group", "doc_id", "start", "text", "n_reports"]
    if shared.empty:
        return pd.DataFrame(columns=cols)
    first = shared[["group", "doc_id_a", "start_a", "text_a", "n_reports"]].set_axis(cols, axis=1)
    other = shared[["group", "doc_id_b", "start_b", "text_b", "n_reports"]].set_axis(cols, axis=1)
    occ = pd.concat([first, other], ignore_index=True).drop_duplicates(["group", "doc_id"])
    return occ.sort_values(["group", "doc_id", "start"], kind="stable").reset_index(drop=True)


def shared_summary(shared: pd.DataFrame, report_labels: pd.Series) -> pd.DataFrame:
    """One row per group of shared sentences, most widespread first.

    Parameters
    ----------
    shared : pandas.DataFrame
        The pairs of ``topics.shared_sentences``.
    report_labels : pandas.Series
        The reports' labels by doc_id (``compare.report_labels``).

    Returns
    -------
    pandas.DataFrame
        One row per group: 句子 (its first occurrence), 报告数 (reports it occurs in), 首见报告 (the report of the
        first occurrence: lowest doc_id, not necessarily the earliest), 最低相似度 (of the other occurrences to
        the first; 1 = all verbatim), 变体 (the least similar variant, when not verbatim).
    """
    cols = ["句子", "报告数", "首见报告", "最低相似度", "变体"]
    if shared.empty:
        return pd.DataFrame(columns=cols)
    s = shared.sort_values(["group", "similarity"], kind="stable")
    g = s.groupby("group", sort=False).agg(text=("text_a", "first"), n=("n_reports", "first"),
                                           doc=("doc_id_a", "first"), low=("similarity", "min"),
                                           variant=("text_b", "first"))
    out = pd.DataFrame({
        "句子": g["text"].to_numpy(),
        "报告数": g["n"].astype(int).to_numpy(),
        "首见报告": [report_labels.get(d, d) for d in g["doc"]],
        "最低相似度": g["low"].astype(float).to_numpy(),
        "变体": ["" if lo >= 1.0 or v == t else v for lo, v, t in zip(g["low"], g["variant"], g["text"], strict=True)],
    })
    return out.sort_values(["报告数", "句子"], ascending=[False, True], kind="stable").reset_index(drop=True)


def report_pair_counts(shared: pd.DataFrame, report_labels: pd.Series, *, top: int | None = 40,
                       max_reports: int | None = 50) -> pd.DataFrame:
    """Pairs of reports by the number of shared sentences (groups) both contain, most first.

    Sentences found in more than ``max_reports`` reports are left out: such boilerplate says nothing about two
    reports, and in a national corpus it would pair every report with every other. Counted with one sparse product
    of the report × group incidence matrix, never by listing the pairs of each group.

    Parameters
    ----------
    shared : pandas.DataFrame
        The pairs of ``topics.shared_sentences``.
    report_labels : pandas.Series
        The reports' labels by doc_id (``compare.report_labels``).
    top : int or None, default 40
        The number of pairs kept; None keeps all.
    max_reports : int or None, default 50
        Leave out sentences found in more reports than this; None: no limit.

    Returns
    -------
    pandas.DataFrame
        One row per pair: doc_id_a, doc_id_b (doc_id_a < doc_id_b), 报告甲, 报告乙, 共有句子数, 仅二者共有 (of
        them, sentences no third report has: the clearest sign of one report copying the other).
    """
    from scipy.sparse import coo_matrix, triu

    cols = ["doc_id_a", "doc_id_b", "报告甲", "报告乙", "共有句子数", "仅二者共有"]
    occ = shared_occurrences(shared)
    if max_reports is not None:
        occ = occ[occ["n_reports"] <= max_reports]
    if occ.empty:
        return pd.DataFrame(columns=cols)
    docs, d_idx = np.unique(occ["doc_id"].to_numpy(dtype=object).astype(str), return_inverse=True)
    _, g_idx = np.unique(occ["group"].to_numpy(dtype=object).astype(str), return_inverse=True)
    m = coo_matrix((np.ones(len(occ), dtype=np.int32), (d_idx, g_idx))).tocsr()
    co = triu(m @ m.T, k=1).tocoo()
    order = np.lexsort((co.col, co.row, -co.data))
    if top is not None:
        order = order[:top]
    a, b = docs[co.row[order]], docs[co.col[order]]
    two = shared[shared["n_reports"] == 2]
    only = pd.Series([min(x, y) + "\t" + max(x, y) for x, y in zip(two["doc_id_a"], two["doc_id_b"], strict=True)],
                     dtype="object").value_counts()
    return pd.DataFrame({
        "doc_id_a": a, "doc_id_b": b,
        "报告甲": [report_labels.get(d, d) for d in a],
        "报告乙": [report_labels.get(d, d) for d in b],
        "共有句子数": co.data[order].astype(int),
        "仅二者共有": [int(only.get(x + "\t" + y, 0)) for x, y in zip(a, b, strict=True)],
    }, columns=cols)


def shared_pairs_view(shared: pd.DataFrame, pairs: pd.DataFrame, max_rows: int | None = 40) -> pd.DataFrame:
    """The shared sentences of given pairs of reports side by side, in the order of ``pairs``.

    Within a pair, sentences found in fewest reports come first, then in the order of the text of 报告甲.

    Parameters
    ----------
    shared : pandas.DataFrame
        The pairs of ``topics.shared_sentences``.
    pairs : pandas.DataFrame
        The pairs of reports (doc_id_a, doc_id_b, 报告甲, 报告乙), e.g. the result of ``report_pair_counts``.
    max_rows : int or None, default 40
        The most rows; None: all.

    Returns
    -------
    pandas.DataFrame
        One row per sentence and pair: 报告甲, 句子甲, 报告乙, 句子乙, 报告数 (reports the sentence occurs in: 2
        means only these two).
    """
    cols = ["报告甲", "句子甲", "报告乙", "句子乙", "报告数"]
    occ = shared_occurrences(shared)
    occ = occ[occ["doc_id"].isin(set(pairs["doc_id_a"]) | set(pairs["doc_id_b"]))]  # only the reports shown
    rows = []
    by_doc = {d: g for d, g in occ.groupby("doc_id")} if len(occ) else {}
    for a, b, label_a, label_b in zip(pairs["doc_id_a"], pairs["doc_id_b"], pairs["报告甲"], pairs["报告乙"],
                                      strict=True):
        if max_rows is not None and len(rows) >= max_rows:
            break
        x, y = by_doc.get(a), by_doc.get(b)
        if x is None or y is None:
            continue
        both = x.merge(y, on="group", suffixes=("_x", "_y")).sort_values(["n_reports_x", "start_x"], kind="stable")
        rows.extend((label_a, tx, label_b, ty, int(n))
                    for tx, ty, n in zip(both["text_x"], both["text_y"], both["n_reports_x"], strict=True))
    out = pd.DataFrame(rows, columns=cols)
    return out if max_rows is None else out.head(max_rows)


def shared_by_report(texts: pd.DataFrame, shared: pd.DataFrame, documents: pd.DataFrame,
                     report_labels: pd.Series, *, min_chars: int = 12) -> pd.DataFrame:
    """The share of each report's sentence segments found in other reports (``topics.shared_share``), highest first.

    Parameters
    ----------
    texts : pandas.DataFrame
        The ``texts`` table (one row per report), or a sample of it (``sample_texts``).
    shared : pandas.DataFrame
        The pairs of ``topics.shared_sentences``.
    documents : pandas.DataFrame
        The ``documents`` table (``doc_id``, ``admin_level``).
    report_labels : pandas.Series
        The reports' labels by doc_id (``compare.report_labels``).
    min_chars : int, default 12
        Segments with fewer characters than this (spaces and punctuation aside) are not counted.

    Returns
    -------
    pandas.DataFrame
        One row per report of ``texts``: doc_id, report (label), admin_level, segments, shared, share, share_pct
        (percent, for ``plotting.ranked_bars``) and unit (``%``).
    """
    s = shared_share(texts, shared, min_chars=min_chars)
    level = documents.drop_duplicates("doc_id").set_index("doc_id")["admin_level"]
    s.insert(1, "report", [report_labels.get(d, d) for d in s["doc_id"]])
    s.insert(2, "admin_level", level.reindex(s["doc_id"]).fillna("未知").astype(str).to_numpy())
    s["share_pct"] = s["share"].astype(float) * 100
    s["unit"] = "%"
    return s.sort_values(["share", "report"], ascending=[False, True], kind="stable").reset_index(drop=True)
