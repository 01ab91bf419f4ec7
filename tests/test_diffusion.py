"""fazhi_lib.diffusion: adoption of mechanisms across reports, on hand-made measures and documents tables."""

from __future__ import annotations

import pandas as pd
import pytest

from fazhi_lib import diffusion, store
from fazhi_lib.diffusion import (
    ADOPTION_COLUMNS,
    MEASURE_COLUMNS,
    adoption,
    by_dimension,
    cooccurrence,
    done_vs_planned,
    pairs,
    report_matrix,
    select_dimension,
    share_by_group,
    sources,
)

DOCS = pd.DataFrame([
    dict(doc_id="A", jurisdiction="金龙坪街道", admin_level="街道", year_start=2022, year_end=2024, status="ok"),
    dict(doc_id="B", jurisdiction="三湖镇", admin_level="镇", year_start=2024, year_end=2024, status="ok"),
    dict(doc_id="C", jurisdiction="石壁镇", admin_level="镇", year_start=2024, year_end=2024, status="warning"),
    dict(doc_id="D", jurisdiction="大安街道", admin_level="街道", year_start=2024, year_end=2024, status="ok"),
    dict(doc_id="E", jurisdiction="坏文件", admin_level=None, year_start=None, year_end=None, status="failed"),
    dict(doc_id="F", jurisdiction="莲花街道", admin_level=None, year_start=2021, year_end=2021, status="ok"),
])


def row(doc: str, term: str, part: str = "measures", planned: bool | None = None, dimension: str | None = None,
        kind: str = "制度", source: str = "lexicon", surface: str | None = None, sentence: str | None = None,
        start: int = 0) -> dict:
    surface = surface or term
    return dict(doc_id=doc, measure_id=f"{doc}-{term}-{start}", item_id=None, section_id=f"{doc}-s1", part=part,
                planned=part == "plans" if planned is None else planned, term=term, surface=surface, kind=kind,
                dimension=dimension, source=source, sentence=sentence or f"推行{surface}。", start=start,
                end=start + len(surface))


# A: 法律明白人 done twice, 四议两公开 done and planned, 枫桥经验 planned only
# B: 法律明白人 done, 四议两公开 planned only, 屋场恳谈会 (quoted, unclassified) done
# C: 法律明白人 planned only, 枫桥经验 done
# D: nothing; E: failed (its rows must be ignored); F: 法律明白人 done
TWICE = "培育法律明白人队伍，法律明白人参与调解。"
MEASURES = pd.DataFrame([
    row("A", "法律明白人", dimension="legal_publicity", kind="队伍", start=10, sentence=TWICE,
        surface="法律明白人队伍"),
    row("A", "法律明白人", dimension="legal_publicity", kind="队伍", start=20, sentence=TWICE),
    row("A", "四议两公开", dimension="decision_making", kind="工作法", start=30),
    row("A", "四议两公开", part="plans", dimension="decision_making", kind="工作法", start=300),
    row("A", "枫桥经验", part="plans", dimension="dispute_resolution", kind="经验", start=310),
    row("B", "法律明白人", dimension="legal_publicity", kind="队伍", start=5),
    row("B", "四议两公开", part="plans", dimension="decision_making", kind="工作法", start=200),
    row("B", "屋场恳谈会", dimension=None, kind="会", source="quoted", start=50),
    row("C", "法律明白人", part="measures", planned=True, dimension="legal_publicity", kind="队伍", start=5),
    row("C", "枫桥经验", dimension="dispute_resolution", kind="经验", start=60, surface="新时代枫桥经验"),
    row("E", "法律明白人", dimension="legal_publicity", kind="队伍", start=5),
    row("F", "法律明白人", dimension="legal_publicity", kind="队伍", start=5),
], columns=MEASURE_COLUMNS)


# ---- adoption ------------------------------------------------------------------------------------------------------


def test_adoption_counts_reports_not_mentions():
    a = adoption(MEASURES, DOCS).set_index("term")
    assert list(adoption(MEASURES, DOCS).columns) == ADOPTION_COLUMNS
    assert list(a.index) == ["法律明白人", "四议两公开", "枫桥经验", "屋场恳谈会"]
    lmbr = a.loc["法律明白人"]
    assert (lmbr["reports"], lmbr["mentions"]) == (4, 5)  # A (twice), B, C, F; not E (failed)
    assert (lmbr["reports_done"], lmbr["reports_planned_only"]) == (3, 1)  # C: planned although in measures
    assert lmbr["share"] == pytest.approx(4 / 5)  # 5 reports read: A B C D F
    assert lmbr["share_done"] == pytest.approx(3 / 5)
    assert (lmbr["kind"], lmbr["dimension"], lmbr["label"], lmbr["source"]) == (
        "队伍", "legal_publicity", "普法与法治社会", "lexicon")
    sy = a.loc["四议两公开"]
    assert (sy["reports"], sy["reports_done"], sy["reports_planned_only"]) == (2, 1, 1)
    assert a.loc["屋场恳谈会", "dimension"] is None and a.loc["屋场恳谈会", "label"] == "未分类"


def test_adoption_top_and_empty():
    assert list(adoption(MEASURES, DOCS, top=2)["term"]) == ["法律明白人", "四议两公开"]
    empty = adoption(MEASURES.iloc[:0], DOCS)
    assert empty.empty and list(empty.columns) == ADOPTION_COLUMNS


def test_adoption_fills_missing_columns_and_plans_part_is_planned():
    m = MEASURES[["doc_id", "term", "part"]].copy()  # no planned, kind, dimension …
    a = adoption(m, DOCS).set_index("term")
    assert a.loc["枫桥经验", "reports_planned_only"] == 1  # A: plans part
    assert a.loc["法律明白人", "reports_planned_only"] == 0  # C's flag is gone: only the part counts
    assert a.loc["法律明白人", "dimension"] is None


def test_term_dimension_and_kind_are_the_majority_of_mentions():
    m = pd.concat([MEASURES, pd.DataFrame([row("B", "枫桥经验", dimension="legal_publicity", kind="模式")])])
    info = diffusion.term_info(m)
    assert info.loc["枫桥经验", "dimension"] == "dispute_resolution"  # 2 of 3 mentions
    assert info.loc["枫桥经验", "kind"] == "经验"


# ---- done vs planned -----------------------------------------------------------------------------------------------


def test_done_vs_planned_splits_reports_three_ways():
    dvp = done_vs_planned(MEASURES[MEASURES["doc_id"] != "E"]).set_index("term")
    assert dvp.loc["四议两公开"].to_dict() == dict(reports=2, done_only=0, done_and_planned=1, planned_only=1,
                                              share_planned_only=0.5)
    assert dvp.loc["法律明白人", ["done_only", "done_and_planned", "planned_only"]].tolist() == [3, 0, 1]
    assert (dvp[["done_only", "done_and_planned", "planned_only"]].sum(axis=1) == dvp["reports"]).all()


def test_done_vs_planned_keeps_the_order_of_terms_given():
    dvp = done_vs_planned(MEASURES, terms=["枫桥经验", "没有的", "法律明白人"])
    assert list(dvp["term"]) == ["枫桥经验", "法律明白人"]


# ---- dimensions ----------------------------------------------------------------------------------------------------


def test_by_dimension_has_every_dimension_and_an_unclassified_row_last():
    dims = by_dimension(MEASURES, DOCS)
    names = set(diffusion.dimension_labels()) - {"unclassified"}
    assert names <= set(dims["dimension"])
    last = dims.iloc[-1]
    assert (last["dimension"], last["label"], last["terms"], last["reports"]) == ("unclassified", "未分类", 1, 1)
    lp = dims.set_index("dimension").loc["legal_publicity"]
    assert (lp["terms"], lp["mentions"], lp["reports"], lp["reports_done"]) == (1, 5, 4, 3)
    assert lp["share"] == pytest.approx(4 / 5)
    assert dims.set_index("dimension").loc["emergency", "reports"] == 0
    classified = dims.iloc[:-1]
    assert classified["reports"].is_monotonic_decreasing


def test_select_dimension_by_name_label_or_unclassified():
    assert set(select_dimension(MEASURES, "decision_making")["term"]) == {"四议两公开"}
    assert set(select_dimension(MEASURES, "行政决策")["term"]) == {"四议两公开"}
    assert set(select_dimension(MEASURES, "unclassified")["term"]) == {"屋场恳谈会"}
    assert select_dimension(MEASURES, None) is MEASURES
    with pytest.raises(ValueError, match="unknown dimension"):
        select_dimension(MEASURES, "astrology")


# ---- matrices ------------------------------------------------------------------------------------------------------


def test_report_matrix_has_every_report_read_with_labels():
    mat = report_matrix(MEASURES, DOCS, terms=["法律明白人", "枫桥经验"])
    assert list(mat.index) == ["金龙坪街道 2022–2024", "三湖镇 2024", "石壁镇 2024", "大安街道 2024", "莲花街道 2021"]
    assert list(mat.columns) == ["法律明白人", "枫桥经验"]
    assert mat["法律明白人"].tolist() == [2, 1, 1, 0, 1]
    assert mat["枫桥经验"].tolist() == [1, 0, 1, 0, 0]
    by_id = report_matrix(MEASURES, DOCS, terms=["法律明白人"], labels=False)
    assert list(by_id.index) == ["A", "B", "C", "D", "F"]
    assert list(report_matrix(MEASURES, DOCS).columns) == list(adoption(MEASURES, DOCS)["term"])


def test_share_by_group():
    share = share_by_group(MEASURES, DOCS, terms=["法律明白人", "四议两公开"])
    assert list(share.index) == ["街道 (2)", "镇 (2)", "未知 (1)"]
    assert share.loc["街道 (2)", "法律明白人"] == pytest.approx(0.5)  # A yes, D no
    assert share.loc["镇 (2)", "法律明白人"] == pytest.approx(1.0)
    assert share.loc["未知 (1)", "四议两公开"] == pytest.approx(0.0)


def test_cooccurrence_counts_reports_with_both():
    co = cooccurrence(MEASURES, min_reports=1)
    assert (co.to_numpy() == co.to_numpy().T).all()
    assert co.loc["法律明白人", "法律明白人"] == 5  # diagonal: reports naming it (E too: no documents given)
    assert co.loc["法律明白人", "四议两公开"] == 2  # A, B
    assert co.loc["四议两公开", "枫桥经验"] == 1  # A
    assert co.loc["屋场恳谈会", "枫桥经验"] == 0
    co2 = cooccurrence(MEASURES, terms=["枫桥经验", "屋场恳谈会", "法律明白人"], min_reports=2)
    assert list(co2.index) == ["枫桥经验", "法律明白人"]  # 屋场恳谈会: one report only
    assert cooccurrence(MEASURES, min_reports=10).empty


def test_jaccard_matrix():
    read = MEASURES[MEASURES["doc_id"] != "E"]
    j = diffusion.jaccard(cooccurrence(read, min_reports=1))
    assert j.loc["法律明白人", "四议两公开"] == pytest.approx(2 / 4)
    assert j.loc["四议两公开", "法律明白人"] == j.loc["法律明白人", "四议两公开"]
    assert j.loc["屋场恳谈会", "枫桥经验"] == 0
    assert j.isna().to_numpy().diagonal().all()
    assert (diffusion.jaccard(cooccurrence(read, min_reports=1), diagonal=1.0).to_numpy().diagonal() == 1).all()


def test_pairs_with_jaccard_and_lift():
    read = MEASURES[MEASURES["doc_id"] != "E"]
    p = pairs(read, min_reports=1, n_reports=5)
    first = p.iloc[0]
    assert (first["term_a"], first["term_b"], first["reports_both"]) == ("法律明白人", "四议两公开", 2)
    assert first["jaccard"] == pytest.approx(2 / 4)  # both 2, either 4
    assert first["lift"] == pytest.approx(2 * 5 / (4 * 2))
    assert set(p.columns) == {"term_a", "term_b", "reports_a", "reports_b", "reports_both", "jaccard", "lift"}
    assert not ((p["term_a"] == "屋场恳谈会") & (p["term_b"] == "枫桥经验")).any()  # never together: no row
    assert pairs(read, min_reports=2)["reports_both"].min() >= 2
    assert pairs(read.iloc[:1]).empty


# ---- sources -------------------------------------------------------------------------------------------------------


def test_sources_quotes_each_sentence_once_with_every_surface_marked():
    s = sources(MEASURES, "法律明白人", DOCS)
    assert list(s.columns) == ["term", "report", "doc_id", "part", "planned", "surface", "source", "sentence"]
    assert list(s["doc_id"]) == ["A", "B", "C", "F"]  # E failed
    a = s.iloc[0]
    assert a["report"] == "金龙坪街道 2022–2024"
    assert a["surface"] == "法律明白人队伍|法律明白人"
    assert a["sentence"] == "培育【法律明白人队伍】，【法律明白人】参与调解。"


def test_sources_of_several_terms_limits_and_no_documents():
    s = sources(MEASURES, ["枫桥经验", "法律明白人"], limit=2)
    assert list(s["term"]) == ["枫桥经验", "枫桥经验", "法律明白人", "法律明白人"]
    assert "report" not in s.columns
    assert s.iloc[1]["sentence"] == "推行【新时代枫桥经验】。"
    assert sources(MEASURES, "没有的").empty
    more = pd.concat([MEASURES, pd.DataFrame([row("A", "法律明白人", start=99, sentence="另一句法律明白人。")])])
    per = sources(more, "法律明白人", per_report=1)
    assert per["doc_id"].tolist() == sorted(set(per["doc_id"]))


# ---- loading -------------------------------------------------------------------------------------------------------


def test_load_tables_reads_written_tables(tmp_path):
    MEASURES.to_parquet(tmp_path / "measures.parquet")
    DOCS.to_parquet(tmp_path / "documents.parquet")
    m, d = store.read(tmp_path, ["measures", "documents"]).values()  # what notebook 20 reads
    assert len(m) == len(MEASURES) and len(d) == len(DOCS)


def test_load_tables_without_tables_or_input(tmp_path):
    with pytest.raises(FileNotFoundError):
        store.read(tmp_path / "none", ["measures", "documents"])
    (tmp_path / "documents.parquet").write_bytes(b"")
    with pytest.raises(FileNotFoundError, match=r"measures\.parquet"):
        store.read(tmp_path, ["measures", "documents"])


# ---- charts --------------------------------------------------------------------------------------------------------


def test_charts_draw_with_chinese_labels():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    a = adoption(MEASURES, DOCS)
    fig = diffusion.bar_chart(a, value="reports", label="term", title="采用各机制的报告数", share="share", max_bars=2)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["四议两公开", "法律明白人"]  # largest on top
    assert any("另有2项未显示" in t.get_text() for t in fig.texts)
    plt.close(fig)
    dvp = done_vs_planned(MEASURES)
    columns = {"done_only": "已实施", "done_and_planned": "已实施并继续", "planned_only": "仅计划"}
    fig = diffusion.stacked_bars(dvp, label="term", title="已实施与计划", columns=columns)
    assert len(fig.axes[0].patches) == 3 * len(dvp)
    plt.close(fig)
