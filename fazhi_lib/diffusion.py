"""How rule-of-law mechanisms spread across reports: which reports adopt which named mechanisms, done or planned.

The ``measures`` table (``fazhi ingest`` writes it as measures.parquet; see ``fazhi_lib.measures``) has one row per
mention of a mechanism (法律明白人, 四议两公开, 枫桥经验 …): its canonical ``term``, ``kind`` (制度/机制/队伍 …),
``dimension`` of rule-of-law work (None: unclassified), ``source`` (lexicon / quoted / suffix), the ``part`` of the
report and ``planned`` (the plans part, or marked as future). This module counts **reports**, not mentions: a report
that names 法律明白人 ten times has adopted it once.

In plain words, for researchers:

- a report **adopts** a term when it mentions it at least once, anywhere (work done, problems or plans);
- a term is **done** in a report when at least one mention is not planned (``planned`` False: parts measures,
  effects, leader duty, problems, overview …) and **only planned** when every mention of it in that report is in the
  plans part or marked as future (下一步将推行…). A mechanism a report names only among its problems counts as done
  here (it exists, but not well); filter ``measures[measures["part"] != "problems"]`` first to leave those out;
- the **share of reports** is out of every report that was read (status ok or warning), including reports that name
  no mechanism at all;
- a term's ``kind`` and ``dimension`` are the ones most of its mentions carry (ties: the first in alphabetical order);
  the dimension labels come from ``vocab/dimensions.csv``; a term without a dimension is **unclassified** (未分类);
- two terms **co-occur** in a report when the report mentions both. ``jaccard`` = reports with both / reports with
  either; ``lift`` = how many times more often they appear together than if reports adopted them independently
  (1 = no association; with few reports a high lift is noise, so pairs need ``min_reports`` reports together).

Everything here is a pure function of DataFrames except the two chart helpers (``bar_chart``, ``stacked_bars``),
which draw with matplotlib; the notebooks read the tables with ``fazhi_lib.store``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from fazhi_lib.compare import report_labels
from fazhi_lib.i18n import t
from fazhi_lib.plotting import use_chinese_font
from fazhi_lib.schema import MEASURE_COLUMNS, readable
from fazhi_lib.vocabulary import per_vocabulary, read_rows

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "ADOPTION_COLUMNS",
    "MEASURE_COLUMNS",
    "UNCLASSIFIED",
    "adoption",
    "bar_chart",
    "by_dimension",
    "cooccurrence",
    "dimension_labels",
    "done_vs_planned",
    "jaccard",
    "pairs",
    "report_matrix",
    "select_dimension",
    "share_by_group",
    "sources",
    "stacked_bars",
    "term_info",
]

ADOPTION_COLUMNS = [
    "term", "kind", "dimension", "label", "source", "reports", "mentions", "reports_done", "reports_planned_only",
    "share", "share_done",
]
#: The name of the row of terms without a dimension in ``by_dimension``.
UNCLASSIFIED = "unclassified"
UNCLASSIFIED_LABEL = "未分类"
SOURCE_ORDER = ("lexicon", "quoted", "suffix")


# ---- the inputs ------------------------------------------------------------------------------------------------------


@per_vocabulary
def dimension_labels() -> dict[str, str]:
    """{dimension: Chinese label} from ``vocab/dimensions.csv`` in file order, plus ``unclassified`` → 未分类.

    Returns
    -------
    dict
        The labels of the active vocabulary (a dimension without a label is its own label).
    """
    labels = {r["dimension"]: r.get("label") or r["dimension"] for r in read_rows("dimensions.csv")}
    labels[UNCLASSIFIED] = UNCLASSIFIED_LABEL
    return labels


def _text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


def _str_column(col: pd.Series) -> pd.Series:
    col = col.astype("object")
    return col.where(col.notna(), "").astype(str).str.strip()


def _measures(measures: pd.DataFrame, documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """A copy of ``measures`` with every schema column present and usable types: text columns as str ('' when
    missing), ``dimension`` None when empty, ``planned`` bool (True also for the plans part); rows without a term
    dropped; with ``documents``, only rows of reports that were read."""
    m = measures.copy()
    for col in MEASURE_COLUMNS:
        if col not in m.columns:
            m[col] = None
    for col in ("doc_id", "term", "surface", "kind", "source", "part"):
        m[col] = _str_column(m[col])
    dim = _str_column(m["dimension"])
    m["dimension"] = dim.astype("object").where(dim.ne(""), None)
    planned = m["planned"].astype("boolean").fillna(False).astype(bool)
    m["planned"] = planned | m["part"].eq("plans")
    m["start"] = pd.to_numeric(m["start"], errors="coerce").fillna(-1).astype("int64")
    m = m[m["term"].ne("") & m["doc_id"].ne("")]
    if documents is not None:
        m = m[m["doc_id"].isin(_report_ids(documents))]
    return m


def _reports(documents: pd.DataFrame) -> pd.DataFrame:
    """The documents that were read (status ok or warning; all when there is no status), one row per doc_id."""
    d = documents
    if "status" in d.columns:
        d = readable(d)
    return d.drop_duplicates("doc_id")


def _report_ids(documents: pd.DataFrame) -> list[str]:
    return list(_reports(documents)["doc_id"])


def _modes(m: pd.DataFrame, col: str) -> pd.Series:
    """Per term, the most frequent non-empty value of ``col`` (ties: the smallest); terms without one are absent."""
    v = m.loc[m[col].notna() & m[col].astype(str).ne(""), ["term", col]]
    counts = v.groupby(["term", col], sort=False).size().reset_index(name="n")
    counts = counts.sort_values(["term", "n", col], ascending=[True, False, True], kind="stable")
    return counts.drop_duplicates("term").set_index("term")[col]


def term_info(measures: pd.DataFrame) -> pd.DataFrame:
    """One row per term: the kind, dimension, label and source most of its mentions carry.

    Parameters
    ----------
    measures : pandas.DataFrame
        The ``measures`` table (one row per mention of a mechanism).

    Returns
    -------
    pandas.DataFrame
        Indexed by term, sorted: kind, dimension (None when unclassified), label (Chinese, 未分类 when
        unclassified) and source (the most trusted present: lexicon > quoted > suffix); ties go to the first in
        alphabetical order.
    """
    return _term_info(_measures(measures))


def _term_info(m: pd.DataFrame) -> pd.DataFrame:
    cols = ["kind", "dimension", "label", "source"]
    terms = pd.Index(sorted(set(m["term"])), name="term")
    info = pd.DataFrame(index=terms)
    info["kind"] = _modes(m, "kind").reindex(terms).fillna("")
    dim = _modes(m, "dimension").reindex(terms)
    info["dimension"] = dim.astype("object").where(dim.notna(), None)
    rank = {s: i for i, s in enumerate(SOURCE_ORDER)}
    ranked = m[["term", "source"]].assign(_r=m["source"].map(rank).fillna(len(rank)))
    ranked = ranked.sort_values(["term", "_r", "source"], kind="stable").drop_duplicates("term")
    info["source"] = ranked.set_index("term")["source"].reindex(terms).fillna("")
    labels = dimension_labels()
    info["label"] = [labels.get(d, d) if d else UNCLASSIFIED_LABEL for d in info["dimension"]]
    return info[cols]


def select_dimension(measures: pd.DataFrame, dimension: str | None) -> pd.DataFrame:
    """The mentions of the terms of one dimension of rule-of-law work.

    A term belongs to the dimension most of its mentions carry (``term_info``).

    Parameters
    ----------
    measures : pandas.DataFrame
        The ``measures`` table (one row per mention of a mechanism).
    dimension : str or None
        Its name (e.g. ``law_enforcement``) or Chinese label (行政执法); ``unclassified`` or 未分类 for terms
        without one; None for every mention.

    Returns
    -------
    pandas.DataFrame
        The rows of ``measures`` whose term belongs to the dimension.

    Raises
    ------
    ValueError
        For a name that is no dimension of the vocabulary.
    """
    if dimension is None:
        return measures
    labels = dimension_labels()
    by_label = {v: k for k, v in labels.items()}
    name = dimension if dimension in labels else by_label.get(dimension)
    if name is None:
        raise ValueError(f"unknown dimension {dimension!r}; one of: " + ", ".join(
            f"{k} ({v})" for k, v in labels.items()))
    info = term_info(measures)
    dims = info["dimension"].astype("object").where(info["dimension"].notna(), UNCLASSIFIED)
    terms = set(dims.index[dims.eq(name)])
    return measures[measures["term"].isin(terms)]


# ---- adoption --------------------------------------------------------------------------------------------------------


def _per_report(m: pd.DataFrame) -> pd.DataFrame:
    """One row per (term, report): mentions, done (any mention not planned)."""
    g = m.groupby(["term", "doc_id"], sort=False)
    per = g.agg(mentions=("planned", "size"), planned_all=("planned", "all")).reset_index()
    per["done"] = ~per["planned_all"]
    return per


def adoption(measures: pd.DataFrame, documents: pd.DataFrame, top: int | None = None) -> pd.DataFrame:
    """How many reports adopt each term.

    Parameters
    ----------
    measures : pandas.DataFrame
        The ``measures`` table (one row per mention of a mechanism).
    documents : pandas.DataFrame
        The ``documents`` table: only reports read count, and all of them make the denominator of the shares.
    top : int, optional
        Keep the ``top`` most adopted terms only; default all.

    Returns
    -------
    pandas.DataFrame
        One row per term (columns ``ADOPTION_COLUMNS``): kind, dimension and its Chinese label, source,
        ``reports`` (reports mentioning it: distinct doc_id, not mentions), ``mentions``, ``reports_done``
        (reports with a mention not planned), ``reports_planned_only`` (reports where every mention is planned),
        ``share`` and ``share_done`` (out of all reports read). Sorted by reports, then mentions (most first), then
        term.
    """
    n = max(len(_reports(documents)), 1)
    m = _measures(measures, documents)
    if m.empty:
        return pd.DataFrame(columns=ADOPTION_COLUMNS)
    per = _per_report(m)
    g = per.groupby("term")
    out = pd.DataFrame({
        "reports": g["doc_id"].size(), "mentions": g["mentions"].sum(), "reports_done": g["done"].sum(),
    })
    out["reports_planned_only"] = out["reports"] - out["reports_done"]
    out = out.join(_term_info(m))
    out["share"] = out["reports"] / n
    out["share_done"] = out["reports_done"] / n
    out = out.reset_index().sort_values(["reports", "mentions", "term"], ascending=[False, False, True],
                                         kind="stable")
    for col in ("reports", "mentions", "reports_done", "reports_planned_only"):
        out[col] = out[col].astype("int64")
    out = out[ADOPTION_COLUMNS].reset_index(drop=True)
    return out.head(top) if top is not None else out


def done_vs_planned(measures: pd.DataFrame, terms: Sequence[str] | None = None) -> pd.DataFrame:
    """Per term, the reports where it is done, done and also planned, or only planned.

    Parameters
    ----------
    measures : pandas.DataFrame
        The ``measures`` table (filter it to the reports read first, or use the terms of ``adoption``).
    terms : sequence of str, optional
        Keep these terms, in this order; default all, most adopted first.

    Returns
    -------
    pandas.DataFrame
        One row per term: ``term``, ``reports``, ``done_only`` (no planned mention), ``done_and_planned`` (done and
        promised again: 持续深化…), ``planned_only`` (only promised) and ``share_planned_only`` (of the reports
        adopting it); the three counts add up to ``reports``.
    """
    cols = ["term", "reports", "done_only", "done_and_planned", "planned_only", "share_planned_only"]
    m = _measures(measures)
    if terms is not None:
        m = m[m["term"].isin(list(terms))]
    if m.empty:
        return pd.DataFrame(columns=cols)
    g = m.groupby(["term", "doc_id"], sort=False)["planned"]
    per = pd.DataFrame({"any_planned": g.any(), "all_planned": g.all()}).reset_index()
    per["status"] = np.select([per["all_planned"], per["any_planned"]], ["planned_only", "done_and_planned"],
                              "done_only")
    out = pd.crosstab(per["term"], per["status"]).reindex(columns=cols[2:5], fill_value=0).astype("int64")
    out.columns.name = None
    out.insert(0, "reports", out.sum(axis=1))
    out["share_planned_only"] = out["planned_only"] / out["reports"]
    if terms is not None:
        out = out.reindex([t for t in dict.fromkeys(terms) if t in out.index])
    else:
        out = out.sort_values("reports", ascending=False, kind="stable")
    return out.rename_axis("term").reset_index()[cols]


def by_dimension(measures: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Reports, terms and mentions per dimension of rule-of-law work, unclassified terms in a row of their own.

    Parameters
    ----------
    measures : pandas.DataFrame
        The ``measures`` table (one row per mention of a mechanism).
    documents : pandas.DataFrame
        The ``documents`` table: only reports read count, and all of them make the denominator of the shares.

    Returns
    -------
    pandas.DataFrame
        One row per dimension of ``vocab/dimensions.csv`` (also those with no term, as zeros) plus dimensions
        found in the table but not in the vocabulary, and a last row ``unclassified`` (未分类): ``dimension``,
        ``label`` (Chinese), ``terms`` (distinct terms; a term belongs to the dimension most of its mentions
        carry), ``mentions``, ``reports`` (reports mentioning at least one of its terms), ``share`` (of all
        reports read), ``reports_done``. Sorted by reports, most first; unclassified last.
    """
    cols = ["dimension", "label", "terms", "mentions", "reports", "share", "reports_done"]
    n = max(len(_reports(documents)), 1)
    m = _measures(measures, documents)
    labels = dimension_labels()
    info = _term_info(m)
    dims = info["dimension"].astype("object").where(info["dimension"].notna(), UNCLASSIFIED)
    m = m.assign(_dim=m["term"].map(dims).fillna(UNCLASSIFIED))
    done = m[~m["planned"]]
    rows = []
    names = [d for d in labels if d != UNCLASSIFIED]
    names += sorted(set(m["_dim"]) - set(labels))
    for name in [*names, UNCLASSIFIED]:
        sub = m[m["_dim"].eq(name)]
        rows.append({"dimension": name, "label": labels.get(name, name), "terms": sub["term"].nunique(),
                     "mentions": len(sub), "reports": sub["doc_id"].nunique(),
                     "reports_done": done.loc[done["_dim"].eq(name), "doc_id"].nunique()})
    out = pd.DataFrame(rows, columns=[c for c in cols if c != "share"])
    out["share"] = out["reports"] / n
    last = out["dimension"].eq(UNCLASSIFIED)
    out = pd.concat([out[~last].sort_values(["reports", "terms"], ascending=False, kind="stable"), out[last]])
    for col in ("terms", "mentions", "reports", "reports_done"):
        out[col] = out[col].astype("int64")
    return out[cols].reset_index(drop=True)


# ---- reports × terms -------------------------------------------------------------------------------------------------


def _counts(m: pd.DataFrame, doc_ids: list[str], terms: list[str]) -> pd.DataFrame:
    m = m[m["term"].isin(terms)]
    if m.empty:
        counts = pd.DataFrame(0, index=doc_ids, columns=terms, dtype="int64")
    else:
        counts = pd.crosstab(m["doc_id"], m["term"]).reindex(index=doc_ids, columns=terms, fill_value=0)
    counts = counts.astype("int64")
    counts.index.name, counts.columns.name = "doc_id", "term"
    return counts


def _default_terms(measures: pd.DataFrame, documents: pd.DataFrame, terms: Iterable[str] | None) -> list[str]:
    if terms is not None:
        return list(dict.fromkeys(terms))
    return list(adoption(measures, documents)["term"])


def report_matrix(measures: pd.DataFrame, documents: pd.DataFrame, *, terms: Iterable[str] | None = None,
                  labels: bool = True) -> pd.DataFrame:
    """Report × term: how many times each report mentions each term.

    Parameters
    ----------
    measures : pandas.DataFrame
        The ``measures`` table (one row per mention of a mechanism).
    documents : pandas.DataFrame
        The ``documents`` table: every report read is a row.
    terms : iterable of str, optional
        The columns, in this order; default all terms, most adopted first.
    labels : bool, default True
        Index rows by report label (jurisdiction and period, e.g. 金龙坪街道 2022–2024, from
        ``compare.report_labels``) instead of doc_id.

    Returns
    -------
    pandas.DataFrame
        Integers, one row per report read in the order of ``documents`` (reports mentioning none of the terms are
        rows of zeros), one column per term. ``(result > 0)`` is the yes/no matrix.
    """
    reports = _reports(documents)
    doc_ids = list(reports["doc_id"])
    terms = _default_terms(measures, documents, terms)
    counts = _counts(_measures(measures, documents), doc_ids, terms)
    if labels:
        counts.index = pd.Index(report_labels(reports).reindex(doc_ids).to_numpy(), name="report")
    return counts


def share_by_group(measures: pd.DataFrame, documents: pd.DataFrame, *, terms: Iterable[str] | None = None,
                   by: str = "admin_level") -> pd.DataFrame:
    """Group × term: the share of the reports of each group (default: administrative level) that adopt each term.

    Parameters
    ----------
    measures : pandas.DataFrame
        The ``measures`` table (one row per mention of a mechanism).
    documents : pandas.DataFrame
        The ``documents`` table: the reports read, and the column that groups them.
    terms : iterable of str, optional
        The columns, in this order; default all terms, most adopted first.
    by : str, default "admin_level"
        The documents column that makes the groups; reports without a value form the group 未知.

    Returns
    -------
    pandas.DataFrame
        Floats in 0–1, one row per group, largest group first, labelled with the group and its number of reports
        (``镇 (689)``); one column per term.
    """
    reports = _reports(documents)
    doc_ids = list(reports["doc_id"])
    terms = _default_terms(measures, documents, terms)
    adopted = _counts(_measures(measures, documents), doc_ids, terms).gt(0)
    group = reports[by] if by in reports.columns else pd.Series(None, index=reports.index, dtype="object")
    group = pd.Series([_text(g) or "未知" for g in group], index=doc_ids)
    sizes = group.value_counts()
    share = adopted.groupby(group.to_numpy()).mean().reindex(sizes.index)
    share.index = pd.Index([f"{g} ({n:,})" for g, n in sizes.items()], name=by)
    return share


# ---- co-occurrence ---------------------------------------------------------------------------------------------------


def cooccurrence(measures: pd.DataFrame, terms: Iterable[str] | None = None, min_reports: int = 2) -> pd.DataFrame:
    """Term × term: the number of reports mentioning both (the diagonal: reports mentioning the term).

    Cost grows with the square of the number of terms: pass the top terms for a large corpus.

    Parameters
    ----------
    measures : pandas.DataFrame
        The ``measures`` table (filter it to the reports read first).
    terms : iterable of str, optional
        The terms, in this order; default every term, most adopted first.
    min_reports : int, default 2
        Keep only the terms mentioned by at least this many reports.

    Returns
    -------
    pandas.DataFrame
        A symmetric integer matrix, indexed and labelled by term.
    """
    m = _measures(measures)
    adopted = m.drop_duplicates(["doc_id", "term"])
    reports = adopted["term"].value_counts()
    if terms is None:
        order = sorted(reports.index, key=lambda t: (-reports[t], t))
    else:
        order = list(dict.fromkeys(terms))
    keep = [t for t in order if reports.get(t, 0) >= min_reports]
    if not keep:
        return pd.DataFrame(dtype="int64", index=pd.Index([], name="term"), columns=pd.Index([], name="term"))
    sub = adopted[adopted["term"].isin(keep)]
    docs = pd.Index(sub["doc_id"].unique())
    from scipy import sparse

    rows = docs.get_indexer(sub["doc_id"])
    cols = pd.Index(keep).get_indexer(sub["term"])
    b = sparse.csr_matrix((np.ones(len(sub), dtype=np.int32), (rows, cols)), shape=(len(docs), len(keep)))
    both = (b.T @ b).toarray().astype("int64")
    return pd.DataFrame(both, index=pd.Index(keep, name="term"), columns=pd.Index(keep, name="term"))


def jaccard(co: pd.DataFrame, diagonal: float = np.nan) -> pd.DataFrame:
    """A ``cooccurrence`` matrix as Jaccard similarities: reports naming both ÷ reports naming either.

    Frequent terms no longer stand out just for being frequent.

    Parameters
    ----------
    co : pandas.DataFrame
        A ``cooccurrence`` matrix.
    diagonal : float, default NaN
        The value of the diagonal (always 1); NaN leaves it blank in a heat map.

    Returns
    -------
    pandas.DataFrame
        The same terms, similarities in 0–1 (1 = always named together).
    """
    values = co.to_numpy(dtype="float64")
    diag = np.diag(values)
    either = diag[:, None] + diag[None, :] - values
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(either > 0, values / either, 0.0)
    np.fill_diagonal(out, diagonal)
    return pd.DataFrame(out, index=co.index, columns=co.columns)


def pairs(measures: pd.DataFrame, *, terms: Iterable[str] | None = None, min_reports: int = 2,
          n_reports: int | None = None) -> pd.DataFrame:
    """The pairs of terms that travel together, as a tidy table.

    Parameters
    ----------
    measures : pandas.DataFrame
        The ``measures`` table (filter it to the reports read first).
    terms : iterable of str, optional
        The terms considered, as ``cooccurrence``; default every term.
    min_reports : int, default 2
        Keep only terms, and pairs, mentioned by at least this many reports.
    n_reports : int, optional
        The number of reports of the corpus for ``lift``; default the reports that mention any term (pass
        ``len(documents read)`` to count reports naming none as well).

    Returns
    -------
    pandas.DataFrame
        One row per pair: term_a, term_b, reports_a, reports_b, reports_both, jaccard (both / either), lift
        (reports_both × n_reports / (reports_a × reports_b)); most reports together first, then highest jaccard.
    """
    cols = ["term_a", "term_b", "reports_a", "reports_b", "reports_both", "jaccard", "lift"]
    c = cooccurrence(measures, terms, min_reports)
    if c.shape[0] < 2:
        return pd.DataFrame(columns=cols)
    if n_reports is None:
        n_reports = _measures(measures)["doc_id"].nunique()
    values = c.to_numpy()
    diag = np.diag(values)
    i, j = np.triu_indices(len(c), k=1)
    both = values[i, j]
    out = pd.DataFrame({"term_a": c.index[i], "term_b": c.index[j], "reports_a": diag[i], "reports_b": diag[j],
                        "reports_both": both})
    out = out[out["reports_both"] >= max(min_reports, 1)].copy()
    out["jaccard"] = out["reports_both"] / (out["reports_a"] + out["reports_b"] - out["reports_both"])
    out["lift"] = out["reports_both"] * max(n_reports, 1) / (out["reports_a"] * out["reports_b"])
    out = out.sort_values(["reports_both", "jaccard", "term_a", "term_b"], ascending=[False, False, True, True],
                          kind="stable")
    return out[cols].reset_index(drop=True)


# ---- sources ---------------------------------------------------------------------------------------------------------


def sources(measures: pd.DataFrame, term: str | Iterable[str], documents: pd.DataFrame | None = None, *,
            mark: tuple[str, str] = ("【", "】"), limit: int | None = None, per_report: int | None = None
            ) -> pd.DataFrame:
    """The sentences a term (or several) was found in, to quote and check.

    Parameters
    ----------
    measures : pandas.DataFrame
        The ``measures`` table (one row per mention of a mechanism, with its ``sentence``).
    term : str or iterable of str
        One term, or several.
    documents : pandas.DataFrame, optional
        The ``documents`` table, to add the report label (jurisdiction and period) and keep only reports read.
    mark : tuple of str, default ("【", "】")
        What is written before and after every surface form of the term in the sentence.
    limit : int, optional
        The most rows per term; default all.
    per_report : int, optional
        The most sentences per term and report (1: one quote from each of many reports); default all.

    Returns
    -------
    pandas.DataFrame
        One row per (term, report, sentence) (a sentence naming the term twice, 公共法律服务 … 公共法律服务站, is
        listed once): term, report (with ``documents``), doc_id, part, planned, surface (as written; several joined
        by |), source, sentence (every surface marked 【like this】); in the order of the terms given, then of
        reports, then of the text.
    """
    terms = [term] if isinstance(term, str) else list(dict.fromkeys(term))
    m = _measures(measures, documents)
    m = m[m["term"].isin(terms)].copy()
    cols = ["term", *(["report"] if documents is not None else []), "doc_id", "part", "planned", "surface",
            "source", "sentence"]
    if m.empty:
        return pd.DataFrame(columns=cols)
    m["sentence"] = _str_column(m["sentence"])
    if documents is not None:
        reports = _reports(documents)
        m["report"] = m["doc_id"].map(report_labels(reports))
        m["_order"] = m["doc_id"].map({d: i for i, d in enumerate(reports["doc_id"])})
    else:
        m["_order"] = m["doc_id"]
    m["_term"] = m["term"].map({t: i for i, t in enumerate(terms)})
    m = m.sort_values(["_term", "_order", "start"], kind="stable")
    key = ["term", "doc_id", "sentence"]
    rows = m.drop_duplicates(key)
    if per_report is not None:
        rows = rows.groupby(["term", "doc_id"], sort=False).head(per_report)
    if limit is not None:
        rows = rows.groupby("term", sort=False).head(limit)
    rows = rows.copy()
    kept = m.merge(rows[key], on=key)
    surfaces = {k: sorted(set(g) - {""}, key=lambda x: (-len(x), x))
                for k, g in kept.groupby(key, sort=False)["surface"]}
    left, right = mark

    def _quote(sentence: str, marks: list[str]) -> str:
        if not marks:
            return sentence
        pattern = re.compile("|".join(re.escape(s) for s in marks))  # the longest first: 公共法律服务站 whole
        return pattern.sub(lambda x: f"{left}{x.group()}{right}", sentence)

    keys = list(zip(rows["term"], rows["doc_id"], rows["sentence"], strict=True))
    rows["surface"] = ["|".join(surfaces[k]) for k in keys]
    rows["sentence"] = [_quote(k[2], surfaces[k]) for k in keys]
    return rows[cols].reset_index(drop=True)


# ---- loading for notebooks -------------------------------------------------------------------------------------------


# ---- charts ----------------------------------------------------------------------------------------------------------


def bar_chart(frame: pd.DataFrame, value: str, label: str, *, title: str, xlabel: str = "",
              share: str | None = None, max_bars: int = 30, note: str = "", sort: bool = True,
              muted: str | None = None, color: str = "#3B6EA5", muted_color: str = "#B8B8B8", lang: str = "zh"
              ) -> Figure:
    """Horizontal bars, each with its value (and share, e.g. ``412 (21%)``).

    The first ``max_bars`` bars are drawn, and a note under the chart says how many are not.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per bar, e.g. ``adoption`` or ``by_dimension``.
    value : str
        The column of the bars' lengths.
    label : str
        The column of the bars' labels.
    title : str
        The chart's title.
    xlabel : str, default ""
        The label of the value axis.
    share : str, optional
        A column of shares in 0–1 written after each value.
    max_bars : int, default 30
        The most bars drawn.
    note : str, default ""
        A sentence added to the note under the chart.
    sort : bool, default True
        Put the largest on top; False keeps the order of ``frame`` (first row on top).
    muted : str, optional
        A boolean column whose bars are drawn grey (e.g. the unclassified row).
    color : str, default "#3B6EA5"
        The colour of the bars.
    muted_color : str, default "#B8B8B8"
        The colour of the muted bars.
    lang : str, default "zh"
        The language of the note.

    Returns
    -------
    matplotlib.figure.Figure
        The chart, with the project's Chinese font selected.
    """
    import matplotlib.pyplot as plt


    use_chinese_font()
    data = frame.sort_values(value, ascending=False, kind="stable") if sort else frame
    shown = data.head(max_bars).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8.5, max(2.4, 0.9 + 0.32 * len(shown))))
    grey = shown[muted].fillna(False).astype(bool).tolist() if muted else [False] * len(shown)
    ax.barh(range(len(shown)), shown[value], color=[muted_color if g else color for g in grey], edgecolor="white")
    top = float(shown[value].max()) if len(shown) else 1.0
    shares = shown[share] if share else [None] * len(shown)
    for i, (v, s) in enumerate(zip(shown[value], shares, strict=True)):
        text = f"{v:,.0f}" + (f" ({s:.0%})" if s is not None and not pd.isna(s) else "")
        ax.text(v + top * 0.01, i, text, va="center", fontsize=9)
    ax.set_yticks(range(len(shown)), [str(x) for x in shown[label]])
    ax.set_xlim(0, top * 1.22 if top > 0 else 1)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    _note(fig, len(data) - len(shown), note, lang)
    return fig


def stacked_bars(frame: pd.DataFrame, label: str, columns: dict[str, str], *, title: str, xlabel: str = "",
                 max_bars: int = 30, colors: Sequence[str] = ("#3B6EA5", "#8FB3DA", "#E8A33D", "#BBBBBB"),
                 note: str = "", lang: str = "zh") -> Figure:
    """Horizontal stacked bars in the order of ``frame`` (first row on top), one segment per column.

    Each bar is labelled with its total; a note under the chart says how many rows are not drawn.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per bar, e.g. ``done_vs_planned``.
    label : str
        The column of the bars' labels.
    columns : dict
        {column: legend label}, in stacking order.
    title : str
        The chart's title.
    xlabel : str, default ""
        The label of the value axis.
    max_bars : int, default 30
        The first ``max_bars`` rows are drawn.
    colors : sequence of str, optional
        The colour of each segment, in the order of ``columns``.
    note : str, default ""
        A sentence added to the note under the chart.
    lang : str, default "zh"
        The language of the note.

    Returns
    -------
    matplotlib.figure.Figure
        The chart, with the legend under the title.
    """
    import matplotlib.pyplot as plt


    use_chinese_font()
    shown = frame.head(max_bars).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8.5, max(2.8, 1.3 + 0.32 * len(shown))))
    left = np.zeros(len(shown))
    for (col, name), color in zip(columns.items(), colors, strict=False):
        values = shown[col].to_numpy(dtype=float)
        ax.barh(range(len(shown)), values, left=left, color=color, edgecolor="white", label=name)
        left += values
    top = float(left.max()) if len(shown) else 1.0
    for i, total in enumerate(left):
        ax.text(total + top * 0.01, i, f"{total:,.0f}", va="center", fontsize=9)
    ax.set_yticks(range(len(shown)), [str(x) for x in shown[label]])
    ax.set_xlim(0, top * 1.12 if top > 0 else 1)
    ax.set_title(title, pad=28)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=len(columns), frameon=False, fontsize=9)
    _note(fig, len(frame) - len(shown), note, lang)
    return fig


def _note(fig: Figure, hidden: int, note: str, lang: str) -> None:
    text = " ".join(x for x in (t("chart.hidden", lang, hidden=f"{hidden:,}") if hidden > 0 else "", note) if x)
    if text:
        fig.text(0.01, 0.005, text, fontsize=8, color="#555555", ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.35 / fig.get_figheight() if text else 0, 1, 1))
