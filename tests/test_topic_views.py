"""fazhi_lib.topic_views: the readable views of the problem analysis, on hand-made tables."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from scipy.sparse import csr_matrix
from sklearn.preprocessing import normalize
from texts import PROBLEMS
from texts import items_frame as texts_items_frame

from fazhi_lib import store
from fazhi_lib import topic_views as tv
from fazhi_lib.topics import TopicModel, fit_space, problem_topics

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]

PLANS = {
    "a": [("创新普法宣传形式", "运用短视频、微信公众号开展新媒体普法，推动普法宣传形式创新。"),
          ("充实执法力量", "招录执法人员，组织执法资格考试，配齐执法装备，充实综合执法队力量。")],
    "b": [("开展精准普法", "针对青少年、老年人等重点人群开展法治宣传教育。")],
}
LABELS = pd.Series({"a": "甲镇 2024", "b": "乙街道 2023", "c": "丙县 2022–2024"})


def items_frame(copies: int = 1) -> pd.DataFrame:
    return texts_items_frame(PROBLEMS, PLANS, copies)


def documents_frame() -> pd.DataFrame:
    return pd.DataFrame({"doc_id": ["a", "b", "c"], "jurisdiction": ["甲镇", "乙街道", "丙县"],
                         "admin_level": ["镇", "街道", None], "year_start": [2024, 2023, 2022],
                         "year_end": [2024, 2023, 2024], "status": ["ok", "ok", "ok"]})


# ---- labels and topics ---------------------------------------------------------------------------------------------


def test_statement_labels_use_the_lead_phrase_else_the_text():
    items = pd.DataFrame({"item_id": ["i1", "i2", "i3"], "title": ["执法力量不足", None, ""],
                          "text": ["…", "乡镇综合执法队人员少，具有执法资格的人员不足", "短句"]})
    labels = tv.statement_labels(items, width=10)
    assert labels["i1"] == "执法力量不足"
    assert labels["i2"] == "乡镇综合执法队人员…" and len(labels["i2"]) == 10
    assert labels["i3"] == "短句"


def test_topic_overview_sorts_names_and_drops_repeated_examples():
    topics = pd.DataFrame({
        "topic": [1, 0], "topic_label": ["执法·力量", "普法·形式"], "size": [2, 6], "n_reports": [2, 3],
        "top_terms": ["执法, 力量", "普法, 形式"],
        "examples": [np.array(["执法力量不足", "执法力量不足"]), ["普法形式单一", "普法不深入", "普法形式单一"]],
    })
    assert tv.topic_names(topics) == {1: "1 执法·力量", 0: "0 普法·形式"}
    view = tv.topic_overview(topics)
    assert list(view["主题"]) == ["0 普法·形式", "1 执法·力量"]
    assert view["占比"].tolist() == [0.75, 0.25]
    assert list(view["代表性表述"]) == ["普法形式单一 / 普法不深入", "执法力量不足"]


def test_representative_statements_show_a_wording_once_with_its_reports():
    items = pd.DataFrame({
        "doc_id": ["a", "b", "c", "a"], "item_id": ["a1", "b1", "c1", "a2"], "part": ["problems"] * 4,
        "title": ["普法形式单一", "普法形式单一", "普法不深入", "执法力量不足"],
        "text": ["普法形式单一：资料为主。", "普法形式单一。资料为主", "普法不深入，形式少。", "执法力量不足。"],
    })
    assignments = pd.DataFrame({"doc_id": ["a", "b", "c", "a"], "item_id": ["a1", "b1", "c1", "a2"],
                                "topic": [0, 0, 0, 1], "topic_label": ["普法", "普法", "普法", "执法"],
                                "score": [0.9, 0.95, 0.5, 1.0]})
    topics = pd.DataFrame({"topic": [0, 1], "topic_label": ["普法", "执法"]})
    rep = tv.representative_statements(assignments, items, LABELS, topics, n=3)
    assert list(rep["主题"]) == ["0 普法", "0 普法", "1 执法"]
    assert list(rep["报告"]) == ["乙街道 2023", "丙县 2022–2024", "甲镇 2024"]  # best score first
    assert list(rep["使用该表述的报告数"]) == [2, 1, 1]  # same wording up to punctuation: one row, two reports
    assert rep["代表性"].iloc[0] == 0.95


def test_report_topic_matrices():
    assignments = pd.DataFrame({"doc_id": ["a", "a", "b", "c"], "item_id": ["1", "2", "3", "4"],
                                "topic": [0, 0, 1, 1], "topic_label": ["x", "x", "y", "y"], "score": [1.0] * 4})
    topics = pd.DataFrame({"topic": [0, 1, 2], "topic_label": ["普法", "执法", "调解"]})
    counts = tv.report_topic_counts(assignments, LABELS, topics)
    assert list(counts.columns) == ["0 普法", "1 执法", "2 调解"]
    assert counts.loc["甲镇 2024"].tolist() == [2, 0, 0] and counts["2 调解"].sum() == 0
    shares = tv.level_topic_shares(assignments, documents_frame(), topics)
    assert set(shares.index) == {"镇 (1)", "街道 (1)", "未知 (1)"}
    assert shares.loc["镇 (1)", "0 普法"] == 1.0 and shares.loc["未知 (1)", "1 执法"] == 1.0


def test_topic_model_gives_the_k_that_auto_chooses():
    for copies, sample_size in ((1, 3000), (6, 20)):
        items = items_frame(copies)
        _, Xp, _ = fit_space(items)
        model = TopicModel(sample_size=sample_size, random_state=1).fit(normalize(Xp))
        k, scores = model.k_, model.silhouettes_
        assert k >= 2 and not scores.empty and set(scores.columns) == {"k", "silhouette"}
        auto = problem_topics(items, k="auto", sample_size=sample_size, random_state=1)
        fixed = problem_topics(items, k=k, sample_size=sample_size, random_state=1)
        pd.testing.assert_frame_equal(auto[0], fixed[0])
    model = TopicModel().fit(csr_matrix(np.eye(2)))
    k, scores = model.k_, model.silhouettes_
    assert k == 1 and scores.empty


# ---- the map -------------------------------------------------------------------------------------------------------


def test_project_2d_is_deterministic_and_handles_tiny_matrices():
    _, Xp, _ = fit_space(items_frame())
    a, b = tv.project_2d(Xp, random_state=0), tv.project_2d(Xp, random_state=0)
    assert a.shape == (Xp.shape[0], 2) and np.array_equal(a, b) and np.ptp(a[:, 1]) > 0
    assert tv.project_2d(csr_matrix(np.ones((1, 5)))).tolist() == [[0.0, 0.0]]
    two = tv.project_2d(csr_matrix(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])))
    assert two.shape == (3, 2) and (two[:, 1] == 0).all()


def test_topic_map_points_follow_the_problem_rows():
    items = items_frame()
    _, Xp, _ = fit_space(items)
    assignments, _ = problem_topics(items, k=3)
    pts = tv.topic_map_points(items, assignments, Xp)
    assert len(pts) == len(assignments) and list(pts["item_id"]) == list(assignments["item_id"])
    assert pts.loc[pts["item_id"] == "a-pr0", "lead"].iloc[0] == "普法宣传方式单一"
    with pytest.raises(ValueError, match="rows"):
        tv.topic_map_points(items, assignments, Xp[:3])


def test_label_offsets_keep_nearby_labels_apart():
    offsets = tv.label_offsets([(0, 0), (2, 1), (300, 0)], [100, 100, 100], height=13)
    (dx0, dy0), (dx1, dy1), (_, dy2) = offsets
    assert dx0 == dx1 == 6 and abs(dy0 - (1 + dy1)) >= 13  # the second label moved off the first
    assert dy2 == 6  # a label far away keeps its place
    [(dx, _)] = tv.label_offsets([(950, 0)], [100], right=1000)
    assert dx < 0  # a label crossing the right edge is written to the left of its point


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


def test_charts_draw_chinese_without_missing_glyphs():
    items = items_frame(2)
    _, Xp, _ = fit_space(items)
    model = TopicModel().fit(normalize(Xp))
    k, scores = model.k_, model.silhouettes_
    assignments, topics = problem_topics(items, k=3)
    pts = tv.topic_map_points(items, assignments, Xp)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph or a failed layout is a warning
        figs = [tv.plot_topic_map(pts, topics, n_labels=2), tv.plot_silhouette(scores, k),
                tv.topic_heatmap(tv.report_topic_counts(assignments, LABELS, topics), title="各报告的问题条数")]
        for fig in figs:
            fig.canvas.draw()
    texts = _texts(figs[0])
    assert "问题表述的主题分布图" in texts and "点的面积与措辞相同的问题表述条数成正比" in texts
    assert sum(t in {"普法宣传方式单一", "法治宣传教育针对性不强", "普法形式缺乏创新", "执法力量不足",
                     "行政执法队伍薄弱", "矛盾纠纷调解不及时", "人民调解作用发挥不充分"} for t in texts) == 2
    assert f"选定 k = {k}" in _texts(figs[1])
    assert figs[2].get_figwidth() > 4
    for fig in figs:
        plt.close(fig)


def test_map_greys_out_topics_beyond_the_palette():
    pts = pd.DataFrame({"doc_id": list("abcd"), "item_id": list("1234"), "topic": [0, 1, 2, 3],
                        "topic_label": list("wxyz"), "score": [1.0] * 4, "lead": ["甲", "乙", "丙", "丁"],
                        "x": [0.0, 1.0, 2.0, 3.0], "y": [0.0, 1.0, 0.0, 1.0]})
    topics = pd.DataFrame({"topic": [0, 1, 2, 3], "topic_label": list("wxyz"), "size": [4, 3, 2, 1]})
    fig = tv.plot_topic_map(pts, topics, max_colours=3, n_labels=0)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["0 w", "1 x", "其他主题（2个）"]
    plt.close(fig)


# ---- remedies ------------------------------------------------------------------------------------------------------


def remedies_frame() -> pd.DataFrame:
    return pd.DataFrame({"doc_id": ["a", "a", "c"], "problem_item_id": ["a-pr0", "a-pr1", "c-pr0"],
                         "plan_item_id": ["a-pl0", "a-pl0", None], "similarity": [0.4, 0.05, 0.0],
                         "matched": [True, False, False]})


def test_remedy_view_and_its_highlighting():
    view = tv.remedy_view(remedies_frame(), items_frame(), LABELS)
    assert list(view.columns) == ["报告", "问题", "最接近的计划措施", "相似度", "有对应措施"]
    assert view.loc[0].tolist() == ["甲镇 2024", "普法宣传方式单一", "创新普法宣传形式", 0.4, True]
    assert view.loc[2, "最接近的计划措施"] == ""
    html = tv.style_remedies(view).to_html()
    assert html.count(tv.UNMATCHED_COLOUR.lower()) + html.count(tv.UNMATCHED_COLOUR) >= 1
    assert ">否<" in html and ">是<" in html and "0.050" in html
    styler = tv.style_remedies(view)
    styler._compute()
    coloured_rows = {r for (r, _), props in styler.ctx.items() if any(tv.UNMATCHED_COLOUR in v for _, v in props)}
    assert coloured_rows == {1, 2}


def test_remedy_by_report():
    per = tv.remedy_by_report(remedies_frame(), documents_frame(), LABELS)
    assert list(per["报告"]) == ["丙县 2022–2024", "甲镇 2024"]  # lowest share first
    assert per.set_index("报告").loc["甲镇 2024", ["问题条数", "有对应措施", "比例"]].tolist() == [2, 1, 0.5]
    assert per.set_index("报告").loc["丙县 2022–2024", "行政级别"] == "未知"


# ---- shared sentences ----------------------------------------------------------------------------------------------


def shared_frame() -> pd.DataFrame:
    """Two groups in the form of ``topics.shared_sentences``: g1 in a, b, c (a first); g2 only in b and c."""
    g1, g1_variant = "没有真正把依法办事落实到具体工作中", "没有把依法办事落实到具体工作中去"
    g2 = "部分村干部法治意识淡薄问题突出"
    return pd.DataFrame({
        "doc_id_a": ["a", "a", "b"], "doc_id_b": ["b", "c", "c"],
        "text_a": [g1, g1, g2], "text_b": [g1, g1_variant, g2],
        "similarity": [1.0, 0.75, 1.0], "start_a": [5, 5, 40], "start_b": [10, 0, 60],
        "group": ["a:5", "a:5", "b:40"], "n_reports": [3, 3, 2],
    })


def test_shared_occurrences_and_summary():
    occ = tv.shared_occurrences(shared_frame())
    assert occ[["group", "doc_id", "start"]].values.tolist() == [
        ["a:5", "a", 5], ["a:5", "b", 10], ["a:5", "c", 0], ["b:40", "b", 40], ["b:40", "c", 60]]
    summary = tv.shared_summary(shared_frame(), LABELS)
    assert list(summary["报告数"]) == [3, 2]
    first = summary.iloc[0]
    assert first["首见报告"] == "甲镇 2024" and first["最低相似度"] == 0.75
    assert first["变体"] == "没有把依法办事落实到具体工作中去" and summary.iloc[1]["变体"] == ""
    assert tv.shared_summary(shared_frame().iloc[0:0], LABELS).empty


def test_report_pairs_count_groups_both_contain():
    pairs = tv.report_pair_counts(shared_frame(), LABELS, top=None)
    got = {(a, b): (n, only) for a, b, n, only in
           zip(pairs["doc_id_a"], pairs["doc_id_b"], pairs["共有句子数"], pairs["仅二者共有"], strict=True)}
    # b and c share both groups although no row of shared pairs b with c for g1
    assert got == {("b", "c"): (2, 1), ("a", "b"): (1, 0), ("a", "c"): (1, 0)}
    assert pairs.iloc[0]["报告甲"] == "乙街道 2023"
    assert len(tv.report_pair_counts(shared_frame(), LABELS, top=1)) == 1
    # a sentence in more than max_reports reports is boilerplate: g1 (three reports) no longer pairs a with b or c
    narrow = tv.report_pair_counts(shared_frame(), LABELS, top=None, max_reports=2)
    assert narrow[["doc_id_a", "doc_id_b", "共有句子数", "仅二者共有"]].values.tolist() == [["b", "c", 1, 1]]
    side = tv.shared_pairs_view(shared_frame(), pairs.head(1), max_rows=None)
    assert side["报告数"].tolist() == [2, 3]  # the sentence only these two share first
    assert side.iloc[1]["句子乙"] == "没有把依法办事落实到具体工作中去"
    assert len(tv.shared_pairs_view(shared_frame(), pairs, max_rows=2)) == 2
    assert tv.report_pair_counts(shared_frame().iloc[0:0], LABELS).empty


def test_shared_by_report_and_sample():
    texts = pd.DataFrame({"doc_id": ["a", "b", "c"],
                          "text": ["一二三四五六七八九十一二三。" * 2, "一二三四五六七八九十一二三。", "短。"]})
    shared = shared_frame().iloc[:1].assign(start_a=0, start_b=0)
    per = tv.shared_by_report(texts, shared, documents_frame(), LABELS)
    assert per.iloc[0]["report"] == "乙街道 2023" and per.iloc[0]["share_pct"] == 100.0
    assert per.set_index("doc_id").loc["a", "share"] == 0.5 and (per["unit"] == "%").all()
    assert tv.sample_texts(texts, None) is texts and tv.sample_texts(texts, 5) is texts
    sample = tv.sample_texts(texts, 2, random_state=0)
    assert len(sample) == 2 and list(sample.index) == sorted(sample.index)
    pd.testing.assert_frame_equal(sample, tv.sample_texts(texts, 2, random_state=0))


# ---- loading -------------------------------------------------------------------------------------------------------


def test_load_tables_reads_three_tables_and_never_ingests(tmp_path: Path):
    import fazhi_lib

    corpus = fazhi_lib.ingest(ROOT / "seeds")
    out = tmp_path / "tables"
    out.mkdir()
    for name in ("documents", "texts", "items"):  # no other table: still loads
        getattr(corpus, name).to_parquet(out / f"{name}.parquet", index=False)
    tables = store.read(out, ["documents", "texts", "items"])
    assert len(tables["items"]) == len(corpus.items)
    assert set(tables["texts"]["doc_id"]) == set(corpus.texts["doc_id"])
    with pytest.raises(FileNotFoundError, match="none"):  # a typo in tables_dir never analyses the seeds instead
        store.read(tmp_path / "none", ["documents", "texts", "items"])
    with pytest.raises(FileNotFoundError, match=r"lacks .*measures\.parquet"):
        store.load(out)
