"""fazhi_lib.overview: the corpus overview and one-report brief views, and HTML escaping of report text."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from fazhi_lib import overview as ov
from fazhi_lib import store
from fazhi_lib.manifest import record_analysis
from fazhi_lib.schema import ANALYSIS_TABLES

ROOT = Path(__file__).resolve().parents[1]
ATTACKS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]


def _unsafe(html: str) -> bool:
    low = html.lower()
    return "<script" in low or "<img" in low


def _docs(**extra: list) -> pd.DataFrame:
    base = {
        "doc_id": ["a", "b", "c"], "source": ["x/a.txt", "x/b.html", "x/c.txt"],
        "file_name": ["a.txt", "b.html", "c.txt"], "title": ["甲报告", None, "丙"],
        "jurisdiction": ["甲镇", "乙街道", "丙镇"], "admin_level": ["镇", "街道", None], "region": [None, "某区", None],
        "year_start": [2022, 2024, 2024], "year_end": [2024, 2024, 2024],
        "parts": ["measures,problems,leader_duty,plans", "effects,problems", ""], "n_chars": [1000, 2000, 10],
        "n_sections": [5, 3, 0], "n_items": [10, 4, 0], "format": ["txt", "html", "txt"],
        "encoding": ["utf-8"] * 3, "status": ["ok", "warning", "failed"], "message": ["", "short", "unreadable"],
        "duplicate_of": [None, None, None],
    }
    base.update(extra)
    return pd.DataFrame(base)


# ---- escaping ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("attack", ATTACKS)
def test_html_helpers_escape_report_text(attack: str):
    assert not _unsafe(ov.escape(attack))
    frame = pd.DataFrame({"text": [attack], attack: ["x"]})
    out = ov.html_table(frame)
    assert not _unsafe(out) and "&lt;" in out
    out = ov.fields_html({attack: attack, "title": attack})
    assert not _unsafe(out) and "&lt;" in out


@pytest.mark.parametrize("attack", ATTACKS)
def test_views_of_malicious_reports_render_escaped(attack: str):
    docs = _docs(title=[attack, attack, attack], jurisdiction=[attack, "乙街道", "丙镇"])
    assert not _unsafe(ov.fields_html(ov.brief_header(docs, "a")))
    assert not _unsafe(ov.html_table(ov.document_overview(docs)))
    cleaning = pd.DataFrame({"doc_id": ["a"], "action": ["removed"], "line": [0], "text": [attack], "reason": ["spam"],
                             "count": [1]})
    assert not _unsafe(ov.html_table(ov.cleaning_examples(cleaning, docs)))
    assert not _unsafe(ov.html_table(ov.compliance_marks(ov.compliance(docs)).reset_index()))


def test_escape_of_missing_values():
    assert ov.escape(None) == "" and ov.escape(float("nan")) == "" and ov.escape(3) == "3"


# ---- corpus overview -----------------------------------------------------------------------------------------------


def test_period_label():
    assert ov.period_label(2022, 2024) == "2022–2024"
    assert ov.period_label(2024, 2024) == "2024"
    assert ov.period_label(None, 2024) == "2024"
    assert ov.period_label(None, None) == ""


def test_corpus_summary_counts_reports_not_failures():
    s = ov.corpus_summary(_docs())
    assert s["n_reports"] == 2 and s["n_documents"] == 3
    assert (s["first_year"], s["last_year"]) == (2022, 2024)
    assert s["levels"] == {"镇": 1, "街道": 1}
    assert s["status"] == {"ok": 1, "warning": 1, "failed": 1}


def test_compliance_matrix_and_share():
    m = ov.compliance(_docs())
    assert list(m.columns) == list(ov.REQUIRED_PARTS)
    assert len(m) == 2  # the failed document is no report
    assert m.iloc[0].all()
    assert m.iloc[1].tolist() == [True, True, False, False]  # effects count for 措施和成效
    assert ov.compliance_share(m) == 0.5
    marks = ov.compliance_marks(m)
    assert marks.iloc[0].tolist() == ["✓"] * 5 and marks.iloc[1, -1] == "✗"
    assert ov.compliance_share(m.iloc[:0]) == 0.0


def test_compliance_by_level_for_large_corpora():
    n = 3000  # a corpus far too large for one chart row per report
    docs = pd.DataFrame({
        "doc_id": [f"d{i}" for i in range(n)], "file_name": [f"{i}.txt" for i in range(n)],
        "title": [f"报告{i}" for i in range(n)], "jurisdiction": [f"地{i}" for i in range(n)],
        "admin_level": ["镇" if i % 3 else "县" for i in range(n - 1)] + [None],
        "year_start": [2024] * n, "year_end": [2024] * n, "status": ["ok"] * n,
        "parts": ["measures,problems,leader_duty,plans" if i % 2 else "measures,plans" for i in range(n)],
    })
    by = ov.compliance_by(docs)
    assert list(by.index) == ["镇 (n=1,999)", "县 (n=1,000)", "未知 (n=1)"]
    assert list(by.columns) == [*ov.REQUIRED_PARTS, "全部具备"]
    assert (by["措施和成效"] == 1.0).all() and by.loc["未知 (n=1)", "存在的问题"] == 1.0  # d2999: odd
    assert by.loc["县 (n=1,000)", "存在的问题"] == 0.5
    assert by.loc["镇 (n=1,999)", "全部具备"] == by.loc["镇 (n=1,999)", "存在的问题"]
    fig = ov.compliance_figure(docs)
    assert fig.axes[0].get_ylabel() == "" and len(fig.axes[0].get_yticklabels()) == 3
    small = ov.compliance_figure(_docs())
    assert [t.get_text() for t in small.axes[0].get_yticklabels()] == list(ov.compliance(_docs()).index)
    import matplotlib.pyplot as plt

    plt.close("all")


def test_cleaning_views():
    docs = _docs()
    cleaning = pd.DataFrame({
        "doc_id": ["a", "a", "b", "b"], "action": ["removed", "removed", "removed", "changed"],
        "line": [0, 3, 1, None], "text": ["扫一扫", "广告", "扫一扫", ""],
        "reason": ["scan to phone", "spam or ad", "scan to phone", "stray spaces removed"], "count": [1, 1, 1, 4]})
    by = ov.cleaning_by_reason(cleaning)
    assert by.iloc[0]["reason"] == "stray spaces removed" and by.iloc[0]["count"] == 4
    assert by.set_index("reason").loc["scan to phone", "reports"] == 2
    per = ov.cleaning_per_report(cleaning, docs)
    assert len(per) == 3 and per["删除的行"].tolist() == [2, 1, 0] and per["其他改动"].sum() == 4
    ex = ov.cleaning_examples(cleaning, docs, per_reason=1)
    assert sorted(ex["reason"]) == ["scan to phone", "spam or ad"]
    assert ov.cleaning_by_reason(cleaning.iloc[:0]).empty


def test_problem_documents():
    bad = ov.problem_documents(_docs())
    assert bad["status"].tolist() == ["warning", "failed"]
    assert bad["message"].tolist() == ["short", "unreadable"]


# ---- one report's brief --------------------------------------------------------------------------------------------


def test_choose_doc():
    docs = _docs()
    assert ov.choose_doc(docs) == "a"
    assert ov.choose_doc(docs, "b") == "b"
    with pytest.raises(ValueError, match="no document"):
        ov.choose_doc(docs, "zzz")


def test_report_structure():
    sections = pd.DataFrame({
        "doc_id": ["a"] * 4, "section_id": ["s1", "s2", "s3", "s4"], "parent_id": [None, None, "s2", None],
        "level": [1, 1, 2, 1], "marker": ["", "一、", "（一）", "二、"],
        "heading": ["", "主要工作", "制度", "存在的问题"],
        "part": ["preamble", "measures", "measures", "problems"], "start": [0, 10, 15, 50], "end": [9, 49, 49, 80]})
    items = pd.DataFrame({"doc_id": ["a"] * 3, "item_id": ["i1", "i2", "i3"], "start": [16, 30, 60],
                          "end": [29, 49, 80], "part": ["measures", "measures", "problems"]})
    st = ov.report_structure(sections, items, "a")
    assert st["heading"].tolist() == ["", "主要工作", "存在的问题"]
    assert st["sections"].tolist() == [1, 2, 1] and st["items"].tolist() == [0, 2, 1]
    assert st["part"].tolist() == ["导语", "措施", "问题"]


def test_mechanisms_done_and_planned():
    m = pd.DataFrame({"doc_id": ["a", "a", "a", "b"], "term": ["法律顾问", "法律顾问", "四议两公开", "法律顾问"],
                      "kind": ["制度"] * 4, "dimension": ["decision_making"] * 4, "planned": [False, True, True, False],
                      "surface": ["法律顾问"] * 3 + ["x"]})
    out = ov.mechanisms(m, "a")
    assert out["term"].tolist() == ["法律顾问", "四议两公开"]
    assert out[["done", "planned"]].to_numpy().tolist() == [[1, 1], [0, 1]]
    assert ov.mechanisms(m, "zzz").empty


def test_problems_with_remedies():
    items = pd.DataFrame({"doc_id": ["a"] * 3, "item_id": ["p1", "p2", "q1"], "part": ["problems", "problems", "plans"],
                          "title": ["执法薄弱", "普法不足", "加强执法"],
                          "text": ["执法力量薄弱", "普法不足", "加强执法队伍"],
                          "start": [0, 10, 20]})
    topics = pd.DataFrame({"doc_id": ["a", "a"], "item_id": ["p1", "p2"], "topic": [0, 1],
                           "topic_label": ["执法", "普法"], "score": [1.0, 1.0]})
    remedies = pd.DataFrame({"doc_id": ["a", "a"], "problem_item_id": ["p1", "p2"], "plan_item_id": ["q1", "q1"],
                             "similarity": [0.5, 0.01], "matched": [True, False]})
    out = ov.problems_with_remedies(items, topics, remedies, "a")
    assert out["problem"].tolist() == ["执法薄弱", "普法不足"]
    assert out["topic"].tolist() == ["执法", "普法"]
    assert out["has_remedy"].tolist() == ["✓", "✗"]
    assert out["plan_item"].tolist() == ["加强执法", ""]
    assert ov.problems_with_remedies(items, topics, remedies, "b").empty


def test_report_shared():
    docs = _docs()
    shared = pd.DataFrame({"doc_id_a": ["a"], "doc_id_b": ["b"], "text_a": ["共同的句子"], "text_b": ["共同句子"],
                           "similarity": [0.9], "start_a": [0], "start_b": [5], "group": ["a:0"], "n_reports": [2]})
    share = pd.DataFrame({"doc_id": ["a", "b"], "segments": [10, 4], "shared": [1, 1], "share": [0.1, 0.25]})
    stats, view = ov.report_shared(shared, share, docs, "b")
    assert stats == {"segments": 4, "shared": 1, "share": 0.25}
    assert view["text"].tolist() == ["共同句子"] and view["other_text"].tolist() == ["共同的句子"]
    stats, view = ov.report_shared(shared, share, docs, "c")
    assert stats["share"] == 0.0 and view.empty


# ---- on the seeds --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds():
    import fazhi_lib

    return fazhi_lib.ingest(ROOT / "seeds")


def test_load_corpus_never_ingests_in_place_of_missing_tables(tmp_path: Path, capsys):
    with pytest.raises(FileNotFoundError, match=str(tmp_path / "none")):  # not the seeds, silently
        store.load(tmp_path / "none")
    assert "ingesting" not in capsys.readouterr().out


def test_load_analysis_computes_when_absent(tmp_path: Path, seeds):
    tables, from_files = ov.load_analysis(tmp_path, seeds)
    assert not from_files and set(tables) == set(ANALYSIS_TABLES)
    for name, df in tables.items():
        df.to_parquet(tmp_path / f"{name}.parquet", index=False)
    _, from_files = ov.load_analysis(tmp_path, seeds)
    assert not from_files  # tables no manifest vouches for may be of another ingest: computed again
    record_analysis(tmp_path, tables.parameters)
    again, from_files = ov.load_analysis(tmp_path, seeds)
    assert from_files and len(again["remedies"]) == len(tables["remedies"])
    assert again.parameters == tables.parameters
    other, from_files = ov.load_analysis(tmp_path, seeds, n_topics=2)  # other parameters: computed, and said so
    assert not from_files and other.parameters["n_topics"] == 2 and "computed now" in other.describe()


def test_metric_benchmark_on_the_seeds(seeds):
    doc = ov.choose_doc(seeds.documents)
    bench = ov.metric_benchmark(seeds.metrics, seeds.documents, doc)
    assert len(bench) > 0
    assert (bench["n_reports"] >= 1).all() and bench["median"].notna().all()
    single = bench[bench["n_reports"] == 1]
    assert (single["value"] == single["median"]).all()
    fig = ov.metric_benchmark_chart(bench[bench["n_reports"] >= 2])
    assert fig.axes
    fig2 = ov.compliance_heatmap(ov.compliance(seeds.documents))
    assert fig2.axes
    import matplotlib.pyplot as plt

    plt.close("all")


# ---- every report at once ------------------------------------------------------------------------------------------


def test_views_of_every_report_at_once_equal_the_views_of_each(seeds):
    """The ``…_by_report`` views (briefs of many reports compute them once) give each report what its own view
    gives, in the same order."""
    from fazhi_lib.compare import comparable, report_labels
    from fazhi_lib.topics import analyze, shared_share

    analysis = analyze(seeds)
    labels = report_labels(seeds.documents)
    share = shared_share(seeds.texts, analysis["shared_sentences"])
    every = {"bench": ov.metric_benchmarks(comparable(seeds.metrics, seeds.documents, per_year=True)),
             "mech": ov.mechanisms_by_report(seeds.measures),
             "problems": ov.problems_by_report(seeds.items, analysis["problem_topics"], analysis["remedies"]),
             "shared": ov.shared_by_report(analysis["shared_sentences"], labels)}
    assert len(every["shared"]) == 2 * len(analysis["shared_sentences"])
    for doc in seeds.documents["doc_id"]:
        one = {"bench": ov.metric_benchmark(seeds.metrics, seeds.documents, doc),
               "mech": ov.mechanisms(seeds.measures, doc),
               "problems": ov.problems_with_remedies(seeds.items, analysis["problem_topics"], analysis["remedies"],
                                                     doc, with_ids=True),
               "shared": ov.report_shared(analysis["shared_sentences"], share, seeds.documents, doc)[1]}
        for name, frame in every.items():
            mine = frame[frame["doc_id"].eq(doc)].drop(columns="doc_id").reset_index(drop=True)
            pd.testing.assert_frame_equal(mine, one[name], check_dtype=False)
        assert len(one["mech"]) and len(one["bench"])


def test_problems_by_report_takes_plans_of_the_same_report_only():
    items = pd.DataFrame({"doc_id": ["a", "a", "b"], "item_id": ["p1", "q1", "q2"],
                          "part": ["problems", "plans", "plans"], "title": ["执法薄弱", "加强执法", "别的计划"],
                          "text": ["执法力量薄弱", "加强执法队伍", "别的计划"], "start": [0, 10, 0]})
    topics = pd.DataFrame({"doc_id": ["a"], "item_id": ["p1"], "topic": [0], "topic_label": ["执法"],
                           "score": [1.0]})
    for plan, shown in (("q1", "加强执法"), ("q2", "")):
        remedies = pd.DataFrame({"doc_id": ["a"], "problem_item_id": ["p1"], "plan_item_id": [plan],
                                 "similarity": [0.5], "matched": [True]})
        out = ov.problems_by_report(items, topics, remedies)
        assert out.columns.tolist() == ["doc_id", "item_id", *ov.PROBLEM_COLUMNS, "plan_item_id"]
        assert out["plan_item"].tolist() == [shown] and out["plan_item_id"].tolist() == [plan if shown else ""]
        assert out["has_remedy"].tolist() == ["✓"] and out["similarity"].tolist() == [0.5]
    assert ov.problems_by_report(items[items["part"].eq("plans")], topics, remedies).empty
