"""Year over year: panels, promises kept, recurring problems, copied text and trends — on real seed reports followed by
next-year reports written for these tests (tests/data/followup/), on hand-made tables, and on generated panels."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from synthetic import generate, generate_panels
from synthetic.panel_truth import score_followup

import fazhi_lib
from fazhi_lib.analysis import ANALYSIS_TABLES, analyze, analyze_to, year_over_year
from fazhi_lib.cli import main
from fazhi_lib.followup import (
    StatementMatcher,
    copied_text,
    normalized,
    promises,
    recurring_problems,
    same_sentence,
    same_work,
)
from fazhi_lib.panels import link_panels, region_units, regions_agree, report_pairs, split_name

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
FOLLOWUP = Path(__file__).resolve().parent / "data" / "followup"
SEED_001, SEED_004 = "001_686202f34865f4ac.txt", "004_95cb7e948b64b50f.txt"

# What a careful reader finds in the next-year reports: each plan item of the seed (by its lead phrase) kept or not.
PROMISES_001 = {
    "强化体制建设,压实工作责任": True,  # carried out with the same mechanisms (第一责任人职责, 一岗双责)
    "强化隐患排查,化解矛盾纠纷": True,  # carried out in other words (地毯式 instead of 拉网式, 登记造册 for 台账)
    "完善体制机制,提高行政效率": False,  # not carried out
    "加强执法监督,规范执法行为": True,  # carried out in other words
    "创新普法方式,提高普法实效": False,  # restated word for word as next year's plan
}
PROMISES_004 = {
    "压实法治建设责任": True,  # carried out, same mechanism (第一责任人职责 清单)
    "加大法治宣传力度": True,  # carried out in other words only (法律进村入户 宣讲, cases explained)
    "建立依法化解纠纷机制": False,  # not carried out (only the routine mediation work is reported)
    "完善部门协调配合机制": False,  # restated word for word as next year's plan
}
REPEATED_001 = {"行政决策听证机制、专家论证机制、合法性审查机制还有待进一步完善": "行政决策听证机制",
                "法治队伍建设仍较薄弱": "法治队伍建设仍较薄弱"}
NEW_001 = "数字化执法水平不高"
REPEATED_004 = {"法治建设机制不平衡": "法治建设机制不平衡", "法治宣传教育不深入": "法治宣传教育不深入"}
NEW_004 = "基层法治人才储备不足"


# ---- real reports followed by next-year reports ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> tuple[fazhi_lib.Corpus, dict[str, pd.DataFrame]]:
    """The five seeds and the next-year reports of seeds 001 and 004, ingested and analyzed."""
    d = tmp_path_factory.mktemp("followup")
    for f in SEEDS.iterdir():
        shutil.copy(f, d / f.name)
    for f in FOLLOWUP.glob("*.txt"):
        shutil.copy(f, d / f.name)
    corpus = fazhi_lib.ingest(d)
    return corpus, analyze(corpus)


def _doc(corpus: fazhi_lib.Corpus, file_name: str) -> str:
    docs = corpus.documents
    return docs.loc[docs["file_name"] == file_name, "doc_id"].iloc[0]


def _titles(corpus: fazhi_lib.Corpus) -> dict[str, str]:
    return dict(zip(corpus.items["item_id"], corpus.items["title"], strict=True))


@pytest.mark.parametrize(("seed", "following"), [(SEED_001, "001_next_year.txt"), (SEED_004, "004_next_year.txt")])
def test_real_report_and_its_next_year_form_a_panel(real, seed, following):
    corpus, tables = real
    panel = tables["panel"].set_index("doc_id")
    first, second = _doc(corpus, seed), _doc(corpus, following)
    assert panel.loc[first, "panel_id"] == panel.loc[second, "panel_id"]
    assert (panel.loc[first, "position"], panel.loc[second, "position"]) == (1, 2)
    assert (panel["n_reports"] > 1).sum() == 4  # the two panels; the other seeds stand alone
    pairs = tables["copied_text"]
    assert ((pairs["doc_id"] == first) & (pairs["next_doc_id"] == second)).sum() == 1


def test_seed_004_without_region_joins_its_next_year_with_region(real):
    corpus, tables = real
    panel = tables["panel"].set_index("doc_id")
    assert pd.isna(panel.loc[_doc(corpus, SEED_004), "region"])
    assert panel.loc[_doc(corpus, "004_next_year.txt"), "region"] == "宁化县"
    assert panel.loc[_doc(corpus, SEED_004), "panel_id"] == "宁化县石壁镇"


@pytest.mark.parametrize(("seed", "expected", "at_least"), [(SEED_001, PROMISES_001, 4), (SEED_004, PROMISES_004, 3)])
def test_promises_of_real_reports_are_judged_right(real, seed, expected, at_least):
    corpus, tables = real
    titles = _titles(corpus)
    rows = tables["promises"][tables["promises"]["doc_id"] == _doc(corpus, seed)]
    judged = {titles[r.plan_item_id]: bool(r.kept) for r in rows.itertuples()}
    assert set(judged) == set(expected)
    right = [t for t in expected if judged[t] == expected[t]]
    assert len(right) >= at_least, {t: (judged[t], expected[t]) for t in expected}
    for r in rows.itertuples():  # a kept promise points at the item that carries it out and says why
        assert (r.next_item_id is not None and pd.notna(r.next_item_id)) == (r.similarity >= 0.14)
        if r.kept:
            assert r.evidence and r.next_item_id.startswith(r.next_doc_id)


@pytest.mark.parametrize("seed", [SEED_001, SEED_004])
def test_plan_restated_word_for_word_is_not_kept(real, seed):
    corpus, tables = real
    rows = tables["promises"][tables["promises"]["doc_id"] == _doc(corpus, seed)]
    restated = rows[rows["restated_item_id"].notna()]
    assert len(restated) == 1
    assert not restated["kept"].any() and restated["evidence"].str.startswith("原样列为下一年度计划").all()


@pytest.mark.parametrize(("seed", "following", "repeated", "new"),
                         [(SEED_001, "001_next_year.txt", REPEATED_001, NEW_001),
                          (SEED_004, "004_next_year.txt", REPEATED_004, NEW_004)])
def test_repeated_problems_are_found_and_the_new_one_is_not(real, seed, following, repeated, new):
    corpus, tables = real
    titles = _titles(corpus)
    rows = tables["recurring_problems"][tables["recurring_problems"]["doc_id"] == _doc(corpus, seed)]
    found = {titles[r.item_id]: titles[r.next_item_id] for r in rows.itertuples()
             if isinstance(r.next_item_id, str)}
    for old, again in repeated.items():
        assert found.get(old, "").startswith(again), found
        assert rows.loc[rows["item_id"].map(titles) == old, "verbatim"].all()
    assert len(found) == len(repeated)
    assert not any(t.startswith(new) for t in found.values())
    assert rows["verbatim"].sum() == len(repeated)


def test_indicator_trends_follow_a_jurisdiction(real):
    corpus, tables = real
    trends = tables["indicator_trends"]
    first, second = _doc(corpus, SEED_001), _doc(corpus, "001_next_year.txt")
    mediation = trends[trends["canonical_indicator"] == "受理矛盾纠纷数"].set_index("doc_id")["value"]
    assert mediation[first] == 903 and mediation[second] == 887
    assert trends.groupby(["panel_id", "canonical_indicator"])["doc_id"].nunique().min() >= 2


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_trend_chart_draws_an_indicator_titled_in_the_language_asked(real, lang):
    from fazhi_lib.i18n import t
    from fazhi_lib.yoy_views import trend_chart

    _, tables = real
    fig = trend_chart(tables["indicator_trends"], tables["panel"], "受理矛盾纠纷数", lang=lang)
    ax = fig.axes[0]
    assert ax.get_title().startswith("受理矛盾纠纷数") and ax.get_xlabel() == t("chart.report_year", lang)
    assert len(ax.get_lines()) >= 1


def test_analyze_writes_the_year_over_year_tables(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(SEEDS / SEED_001, d / SEED_001)
    shutil.copy(FOLLOWUP / "001_next_year.txt", d / "001_next_year.txt")
    out = tmp_path / "out"
    assert main(["ingest", str(d), "-o", str(out), "--quiet"]) == 0
    assert main(["analyze", str(out)]) == 0
    for name in ANALYSIS_TABLES:
        assert (out / f"{name}.parquet").is_file()
    promises_table = pd.read_parquet(out / "promises.parquet")
    assert len(promises_table) == 5 and promises_table["kept"].dtype == bool


# ---- panels on hand-made documents tables ---------------------------------------------------------------------------


def _documents(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame([{"doc_id": f"d{i}", "status": "ok", "jurisdiction": j, "admin_level": "镇", "region": r,
                          "year_start": a, "year_end": b, **({"panel": p} if p is not None else {})}
                         for i, (j, r, a, b, p) in enumerate(rows)])


def _panel_of(panel: pd.DataFrame) -> dict[str, str]:
    return dict(zip(panel["doc_id"], panel["panel_id"], strict=True))


def test_same_name_in_different_regions_is_not_merged():
    p = _panel_of(link_panels(_documents([
        ("城关镇", "青石县", 2022, 2022, None), ("城关镇", "柳云区", 2023, 2023, None),
        ("城关镇", "青石县", 2023, 2023, None), ("城关镇", "湖南省柳云区", 2024, 2024, None)])))
    assert p["d0"] == p["d2"] == "青石县城关镇"
    assert p["d1"] == p["d3"] == "湖南省柳云区城关镇"


def test_report_without_region_joins_only_a_unique_match():
    p = _panel_of(link_panels(_documents([
        ("石壁镇", None, 2024, 2024, None), ("石壁镇", "宁化县", 2025, 2025, None),  # unique: joins
        ("城关镇", "青石县", 2022, 2022, None), ("城关镇", "柳云区", 2022, 2022, None),
        ("城关镇", None, 2023, 2023, None),  # two counties have a 城关镇: left alone
        ("莲花镇", "西峡县", 2023, 2023, None), ("莲花镇", None, 2023, 2023, None),  # same year as the panel: alone
        ("三湖镇", None, 2023, 2023, None), ("三湖镇", None, 2024, 2024, None),  # no region anywhere: one panel
        ("金塘镇", None, 2023, 2023, None), ("金塘镇", None, 2023, 2023, None)])))  # two places of one year: alone
    assert p["d0"] == p["d1"] == "宁化县石壁镇"
    assert p["d4"].startswith("城关镇#") and p["d4"] not in (p["d2"], p["d3"])
    assert p["d6"] != p["d5"]
    assert p["d7"] == p["d8"] == "三湖镇"
    assert p["d9"] != p["d10"]


def test_metadata_panel_sets_the_key():
    p = _panel_of(link_panels(_documents([
        ("城关镇", None, 2022, 2022, "chengguan-a"), ("城关镇", "柳云区", 2023, 2023, "chengguan-a"),
        ("城关镇", "青石县", 2023, 2023, None), ("某某街道", None, 2024, 2024, "青石县城关镇")])))
    assert p["d0"] == p["d1"] == "chengguan-a"
    assert p["d2"] == p["d3"] == "青石县城关镇"  # a key equal to an automatic id joins that panel


def test_multi_year_report_is_one_period_and_pairs_follow_time():
    panel = link_panels(_documents([("金龙坪街道", None, 2022, 2024, None), ("金龙坪街道", None, 2025, 2025, None),
                                    ("金龙坪街道", None, 2027, 2027, None)]))
    assert list(panel["position"]) == [1, 2, 3]
    pairs = report_pairs(panel)
    assert list(zip(pairs["doc_id"], pairs["next_doc_id"], strict=True)) == [("d0", "d1"), ("d1", "d2")]


def test_failed_duplicate_and_yearless_reports():
    docs = _documents([("大安街道", "永川区", 2024, 2024, None), ("大安街道", "永川区", 2025, 2025, None),
                       ("大安街道", "永川区", None, None, None)])
    docs.loc[1, "status"] = "duplicate"
    panel = link_panels(docs)
    assert set(panel["doc_id"]) == {"d0", "d2"}
    assert panel.set_index("doc_id").loc["d2", "panel_id"].startswith("大安街道#")
    assert link_panels(docs.iloc[:0]).columns.tolist() == panel.columns.tolist()


def test_names_and_regions():
    assert split_name("永林区云田街道") == ("云田街道", "永林区")
    assert split_name("湖南省衡阳县三湖镇") == ("三湖镇", "湖南省衡阳县")
    assert split_name("城区街道") == ("城区街道", "") and split_name("金溪县司法局") == ("金溪县司法局", "")
    assert region_units("重庆市永川区") == {"重庆市", "永川区"}
    assert regions_agree(region_units("永川区"), region_units("重庆市永川区"))
    assert not regions_agree(region_units("永川区"), region_units("江津区"))


def test_panel_column_of_metadata_csv_reaches_the_documents_table(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(SEEDS / SEED_004, d / "a.txt")
    shutil.copy(FOLLOWUP / "004_next_year.txt", d / "b.txt")
    (d / "metadata.csv").write_text("file_name,Panel\na.txt,shibi\nb.txt,shibi\n", encoding="utf-8")
    docs = fazhi_lib.ingest(d).documents.set_index("file_name")
    assert docs.loc["a.txt", "panel"] == docs.loc["b.txt", "panel"] == "shibi"
    assert set(link_panels(docs.reset_index())["panel_id"]) == {"shibi"}


# ---- the matcher on hand-made statements ---------------------------------------------------------------------------


def _items(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame([{"doc_id": d, "item_id": f"{d}-{i}", "part": part, "title": "", "text": text}
                         for i, (d, part, text) in enumerate(rows)])


def test_verbatim_is_up_to_punctuation_and_numbers():
    assert normalized("2024年，受理纠纷903件。") == normalized("2025年受理纠纷1,021件;")
    items = _items([("a", "problems", "普法形式单一，群众参与度不高，全年仅开展活动3次。"),
                    ("a", "problems", "执法人员不足。"),
                    ("b", "problems", "普法形式单一;群众参与度不高,全年仅开展活动五次"),
                    ("b", "problems", "执法装备配备不足，执法记录仪数量少。")])
    pairs = pd.DataFrame({"panel_id": ["p"], "doc_id": ["a"], "next_doc_id": ["b"], "year_end": [2024],
                          "next_year_start": [2025], "next_year_end": [2025]})
    rec = recurring_problems(pairs, items).set_index("item_id")
    assert rec.loc["a-0", "next_item_id"] == "b-2" and rec.loc["a-0", "verbatim"]
    assert not rec.loc["a-1", "verbatim"]


def test_restated_plan_and_copied_text():
    items = _items([("a", "plans", "建立矛盾纠纷多元化解机制，打造调解工作室，配强农村调解员。"),
                    ("b", "measures", "建成矛盾纠纷调解工作室3个，配强农村调解员12名，多元化解机制运行良好。"),
                    ("b", "plans", "建立矛盾纠纷多元化解机制，打造调解工作室，配强农村调解员。")])
    pairs = pd.DataFrame({"panel_id": ["p"], "doc_id": ["a"], "next_doc_id": ["b"], "year_end": [2024],
                          "next_year_start": [2025], "next_year_end": [2025]})
    row = promises(pairs, items).iloc[0]
    assert row["restated_item_id"] == "b-2" and not row["kept"] and row["next_item_id"] == "b-1"
    texts = pd.DataFrame({"doc_id": ["a", "b"], "text": [
        "一、我镇全年受理矛盾纠纷903件，调解成功率99%。二、法治宣传深入人心，群众满意度提高。",
        "我镇全年受理矛盾纠纷870件,调解成功率98%。新建法治文化广场一个并配套建设法治长廊。"]})
    shares = copied_text(pairs, texts)
    assert shares.loc[0, "copied"] == 1 and shares.loc[0, "segments"] == 2 and shares.loc[0, "share"] == 0.5


def test_same_work_reads_phrasings_as_one():
    assert same_work("开展地毯式排查") == same_work("开展拉网式排查") == "开展全面排查排查"
    assert same_work("登记造册") == same_work("建档立卡") == "台账"
    assert same_work("法律进村入户") == "送法下乡" and same_work("第一责任人职责") == "第一责任人职责"


def test_matcher_must_be_fitted_and_repr_shows_parameters():
    m = StatementMatcher(kept_threshold=0.3)
    with pytest.raises(ValueError, match="not fitted"):
        m.transform(_items([("a", "plans", "x")]))
    assert "kept_threshold=0.3" in repr(m)


# ---- generated panels ----------------------------------------------------------------------------------------------


def test_default_generated_corpus_is_unchanged():
    """Panels did not change a byte of the corpora generated without them (benchmarks and tests rely on them)."""
    h = hashlib.sha256()
    for name, data, truth in generate.iter_corpus(200, seed=0):
        h.update(name.encode() + b"\0" + data + b"\0" + json.dumps(truth, ensure_ascii=False, sort_keys=True).encode())
    assert h.hexdigest() == "57eb7a432a5b5dda1ba0cc729e0f6760d17b4fba31c831991c8e35c6db4fa82a"


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[list[dict], fazhi_lib.Corpus, dict[str, pd.DataFrame]]:
    out = tmp_path_factory.mktemp("panels")
    assert generate_panels.main(["--docs", "240", "--out", str(out), "--seed", "2"]) == 0
    truth = [json.loads(line) for line in (out / "truth.jsonl").read_text("utf-8").splitlines()]
    corpus = fazhi_lib.ingest(out)
    return truth, corpus, year_over_year(corpus)


def test_generated_panels_are_deterministic_and_prefix_stable(generated, tmp_path):
    truth, _, _ = generated
    rows = generate_panels.generate_panel_corpus(60, tmp_path, seed=2)
    assert rows == truth[:60]
    assert {r["position"] for r in truth} >= {1, 2, 3} and len({r["panel"] for r in truth}) > 40
    assert any(r["region"] is None for r in truth) and any(r["promises"] for r in truth)


def test_generated_truth_is_recovered(generated):
    truth, corpus, tables = generated
    s = score_followup(truth, corpus.documents, corpus.items, tables["panel"], tables["promises"],
                       tables["recurring_problems"])
    assert s["links"]["mixed_regions"] == 0 and s["links"]["precision"] == 1.0
    assert s["kept"]["precision"] >= 0.8 and s["kept"]["recall"] >= 0.8
    assert s["verbatim"]["precision"] >= 0.95 and s["verbatim"]["recall"] >= 0.95
    assert s["missing"]["points"] == 0
    assert s["right_item"]["right_item"] >= 0.95 * s["right_item"]["kept_found"]


# ---- views and notebook 50 -----------------------------------------------------------------------------------------


def test_views_of_real_reports(real):
    from fazhi_lib import yoy_views as yv

    corpus, tables = real
    overview = yv.panel_overview(tables["panel"])
    assert list(overview["地区"]) == ["宁化县石壁镇", "重庆市永川区大安街道"] and set(overview["报告数"]) == {2}
    judged = yv.promise_view(tables["promises"], corpus.items, corpus.documents)
    assert set(judged["判断"]) == {"已落实", "未见落实", "原样列为下一年计划"}
    rates = yv.promise_rates(tables["promises"], tables["panel"], "admin_level").set_index("级别")
    assert rates.loc["街道", "计划条数"] == 5 and 0 < rates.loc["街道", "落实率"] < 1
    assert len(yv.repeated_problems(tables["recurring_problems"], corpus.items, corpus.documents)) == 4
    after = yv.last_year(_doc(corpus, "001_next_year.txt"), tables, corpus.items, corpus.documents)
    assert after["previous"] == _doc(corpus, SEED_001) and len(after["promises"]) == 5
    assert 0 < after["copied"] < 1 and "受理矛盾纠纷数" in set(after["indicators"]["指标"])
    assert yv.last_year(_doc(corpus, SEED_001), tables, corpus.items, corpus.documents)["previous"] is None


@pytest.mark.notebook
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_notebook_50_runs_on_a_corpus_with_panels(real, tmp_path, lang):
    papermill = pytest.importorskip("papermill")
    corpus, _ = real
    corpus.write(tmp_path / "tables")
    analyze_to(tmp_path / "tables")
    nb = ROOT / "notebooks" / "50_year_over_year.ipynb"
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(str(nb), str(out), parameters={"tables_dir": str(tmp_path / "tables"), "lang": lang},
                               cwd=str(nb.parent), kernel_name="python3", progress_bar=False)
    cells = json.loads(out.read_text(encoding="utf-8"))["cells"]
    outputs = [o for c in cells if c["cell_type"] == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 3  # timeline, copied text, a trend
    html = "".join("".join(o.get("data", {}).get("text/html", "")) for o in outputs)
    if lang == "zh":
        assert "已落实" in html and "原样列为下一年计划" in html
    else:  # the verdicts and their columns named in English
        assert "carried out" in html and "Restated as next year&#x27;s plan" in html and "已落实" not in html


def test_problem_comes_back_when_one_of_its_sentences_does():
    """A problem restated around one sentence kept from last year is the same problem again, even when the rest of
    the item is rewritten and the whole items score below the threshold; it is not verbatim."""
    items = _items([
        ("a", "problems", "法治宣传教育的针对性和实效性不足。法治宣传工作覆盖面较窄，宣传方式单一，习惯于使用传统的宣传"
                          "手段，如发放宣传册、张贴标语等，缺乏利用新媒体和互联网技术的创新意识。法律进机关、进企业、进村组、"
                          "进学校等活动开展不够深入，对一些重点人群、重点领域的法治宣传教育还不够到位。"),
        ("a", "problems", "执法队伍力量薄弱，执法人员数量不足。"),
        ("b", "problems", "普法覆盖深度仍有欠缺。法律进企业、进村组、进学校等活动开展还不够深入，"
                          "对外出务工人员、留守老人等重点人群的法治宣传教育还不够到位，群众的法律意识和法治观念仍需进一步提高。"),
        ("b", "problems", "村级合同管理还不够规范，部分村集体合同签订前未经合法性审查。")])
    pairs = pd.DataFrame({"panel_id": ["p"], "doc_id": ["a"], "next_doc_id": ["b"], "year_end": [2024],
                          "next_year_start": [2025], "next_year_end": [2025]})
    rec = recurring_problems(pairs, items).set_index("item_id")
    assert rec.loc["a-0", "next_item_id"] == "b-2" and not rec.loc["a-0", "verbatim"]
    assert pd.isna(rec.loc["a-1", "next_item_id"])


def test_same_sentence_allows_a_few_words_not_a_phrase_inside_a_longer_sentence():
    assert same_sentence("法律进机关进企业进村组进学校等活动开展不够深入", "法律进企业进村组进学校等活动开展还不够深入")
    assert not same_sentence("法治宣传教育不够深入", "部分村组法治宣传教育不够深入且形式单一群众参与度低")
    assert not same_sentence("执法人员数量不足执法装备落后", "调解组织作用发挥不够充分")
