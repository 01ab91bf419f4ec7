"""Problem topics, remedies and shared sentences on statements written for these tests."""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest
from texts import PROBLEMS
from texts import items_frame as texts_items_frame

import fazhi_lib
from fazhi_lib.cli import main
from fazhi_lib.topics import (
    cluster,
    fit_space,
    match_remedies,
    problem_topics,
    remedy_share,
    segments,
    shared_sentences,
    shared_share,
    statement_words,
)

PLANS = {
    "a": [("创新普法宣传形式", "运用短视频、微信公众号开展新媒体普法，推动普法宣传形式创新。"),
          ("充实执法力量", "招录执法人员，组织执法资格考试，配齐执法装备，充实综合执法队力量。"),
          ("健全调解组织", "加强村级人民调解组织建设，及时调解矛盾纠纷。")],
    "b": [("开展精准普法", "针对青少年、老年人等重点人群开展法治宣传教育。"),
          ("加强执法队伍建设", "开展执法人员业务培训，提升执法人员专业素质。")],
    "c": [("提升调解质效", "充实人民调解员队伍，加强调解员培训，提高矛盾纠纷调解成功率。")],
}


def items_frame() -> pd.DataFrame:
    return texts_items_frame(PROBLEMS, PLANS)


def topic_of(assignments: pd.DataFrame) -> dict[str, int]:
    return dict(zip(assignments["item_id"], assignments["topic"], strict=True))


def test_problems_group_by_theme():
    assignments, topics = problem_topics(items_frame(), k=3)
    t = topic_of(assignments)
    assert t["a-pr0"] == t["b-pr0"] == t["c-pr1"]  # publicity
    assert t["a-pr1"] == t["b-pr1"]  # enforcement capacity
    assert t["a-pr2"] == t["c-pr0"]  # mediation
    assert len({t["a-pr0"], t["a-pr1"], t["a-pr2"]}) == 3
    assert list(topics["size"]) == [3, 2, 2] and set(topics["n_reports"]) <= {2, 3}
    assert all(len(ex) <= 3 for ex in topics["examples"])
    assert "普法" in topics.loc[topics["topic"] == t["a-pr0"], "topic_label"].iloc[0]


def test_auto_k_and_determinism():
    first = problem_topics(items_frame(), k="auto", random_state=3)
    second = problem_topics(items_frame(), k="auto", random_state=3)
    pd.testing.assert_frame_equal(first[0], second[0])
    pd.testing.assert_frame_equal(first[1], second[1])
    assert first[0]["topic"].nunique() >= 2


def test_large_corpora_cluster_a_sample_and_assign_the_rest():
    items = pd.concat([items_frame().assign(doc_id=lambda d, i=i: d["doc_id"] + str(i),
                                            item_id=lambda d, i=i: d["item_id"] + str(i)) for i in range(10)])
    _, Xp, _ = fit_space(items)
    from sklearn.preprocessing import normalize

    labels, k = cluster(normalize(Xp), k=3, sample_size=20, random_state=0)
    assert k == 3 and len(labels) == Xp.shape[0]
    a, _ = problem_topics(items, k=3, sample_size=20)
    t = topic_of(a)
    assert t["a-pr00"] == t["a-pr09"] == t["b-pr07"]  # the same statement lands in the same topic everywhere


def test_remedies_pick_the_answering_plan_item():
    remedies = match_remedies(items_frame())
    best = dict(zip(remedies["problem_item_id"], remedies["plan_item_id"], strict=True))
    assert best == {"a-pr0": "a-pl0", "a-pr1": "a-pl1", "a-pr2": "a-pl2", "b-pr0": "b-pl0", "b-pr1": "b-pl1",
                    "c-pr0": "c-pl0", "c-pr1": "c-pl0"}
    c = remedies.set_index("problem_item_id")
    # c has no plan about publicity: its best match is weak and falls below the threshold
    assert c.loc["c-pr1", "similarity"] < c.loc["c-pr0", "similarity"]
    strict = match_remedies(items_frame(), threshold=c.loc["c-pr1", "similarity"] + 1e-6)
    assert not strict.set_index("problem_item_id").loc["c-pr1", "matched"]
    share = remedy_share(strict).set_index("doc_id")
    assert share.loc["c", "share"] == 0.5 and share.loc["a", "share"] == 1.0


def test_statement_words_use_concepts_and_drop_problem_markers():
    words = statement_words("法治宣传教育针对性不足，部分干部法治观念有待提高")
    assert "普法" in words and "意识" in words and "干部" in words
    assert "不足" not in words and "有待" not in words and "部分" not in words


def test_shared_sentences_exact_and_near_duplicates_only_across_reports():
    texts = pd.DataFrame({
        "doc_id": ["x", "y", "z"],
        "text": [
            "一、存在的问题\n没有真正把依法办事落实到具体的行政管理工作中去，依法行政水平有待提高。",
            "部分干部在工作中存在重政策、轻法律的现象，没有真正把依法办事落实到具体的行政管理工作中去。",
            "我镇将继续深入推进法治政府建设，没有真正把依法办事落实到具体行政管理工作中去。全镇共有村民小组一百二十个。",
        ],
    })
    shared = shared_sentences(texts)
    pairs = {(r.doc_id_a, r.doc_id_b) for r in shared.itertuples()}
    # one group shared by three reports: its first occurrence paired with each other report (n-1 rows, not n²)
    assert pairs == {("x", "y"), ("x", "z")} and set(shared["n_reports"]) == {3} and shared["group"].nunique() == 1
    assert all("依法办事" in r.text_a and "依法办事" in r.text_b for r in shared.itertuples())
    exact = shared[(shared["doc_id_a"] == "x") & (shared["doc_id_b"] == "y")]
    assert exact["similarity"].iloc[0] == 1.0
    share = shared_share(texts, shared).set_index("doc_id")
    assert share.loc["z", "shared"] == 1 and share.loc["z", "segments"] == 3 and share.loc["y", "shared"] == 1
    same_doc = pd.DataFrame({"doc_id": ["x"], "text": ["依法行政水平有待进一步提高。依法行政水平有待进一步提高。"]})
    assert shared_sentences(same_doc).empty


def test_shared_sentences_scale_with_segments_not_pairs():
    """A boilerplate sentence in 300 reports (with other punctuation and spaces in some) gives one group of 299
    rows per segment; its copies count as identical; a sentence of one report only is no group."""
    boiler = "深入学习贯彻习近平法治思想，认真落实法治政府建设实施纲要"
    variants = [boiler, boiler.replace("，", ","), boiler.replace("，", " ， ").replace("贯彻", "贯 彻")]
    rng = random.Random(0)
    pool = "法治政府建设年度报告街道乡镇司法所调解委员会执法监督复议诉讼普法宣传公共法律服务网格治理村居"

    def own() -> str:  # a sentence of this report only
        return "".join(rng.choice(pool) for _ in range(30))

    texts = pd.DataFrame({"doc_id": [f"d{i:03d}" for i in range(300)],
                          "text": [f"{variants[i % 3]}。{own()}。" for i in range(300)]})
    shared = shared_sentences(texts)
    assert len(shared) == 2 * 299 and set(shared["n_reports"]) == {300}
    assert (shared["doc_id_a"] == "d000").all() and (shared["similarity"] == 1.0).all()
    assert set(shared["group"]) == {"d000:0", "d000:14"}
    for _, group in shared.groupby("group"):
        assert sorted(group["doc_id_b"]) == [f"d{i:03d}" for i in range(1, 300)]
        assert set(group["text_b"]) <= {"深入学习贯彻习近平法治思想", "深入学习贯 彻习近平法治思想",
                                        "认真落实法治政府建设实施纲要"}


def test_segments():
    text = "短句。这是一个足够长的句子片段用于测试，另一个也足够长的片段在这里。"
    found = [s for _, s in segments(text, min_chars=8)]
    assert found == ["这是一个足够长的句子片段用于测试", "另一个也足够长的片段在这里"]


@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("seeds")
    assert main(["ingest", str(Path(__file__).resolve().parents[1] / "seeds"), "-o", str(out), "--quiet"]) == 0
    return out


def test_analyze_command_is_deterministic(seeds_out: Path, tmp_path: Path):
    assert main(["analyze", str(seeds_out)]) == 0
    names = ("problem_topics", "remedies", "shared_sentences")
    first = {n: pd.read_parquet(seeds_out / f"{n}.parquet") for n in names}
    assert main(["analyze", str(seeds_out)]) == 0
    for name, df in first.items():
        pd.testing.assert_frame_equal(df, pd.read_parquet(seeds_out / f"{name}.parquet"))
    corpus = fazhi_lib.load(seeds_out)
    assert len(first["problem_topics"]) == (corpus.items["part"] == "problems").sum()
    assert main(["analyze", str(tmp_path / "missing")]) == 2


def test_corpora_without_plans_or_without_any_statement():
    no_plans = texts_items_frame(PROBLEMS, {})
    remedies = match_remedies(no_plans)
    assert len(remedies) == len(no_plans) and not remedies["matched"].any()
    assert remedies["plan_item_id"].isna().all()
    nothing = no_plans.iloc[0:0]
    _, Xp, Xq = fit_space(nothing)
    assert Xp.shape == (0, 0) and Xq.shape == (0, 0)
    assignments, topics = problem_topics(nothing)
    assert assignments.empty and topics.empty and match_remedies(nothing).empty
