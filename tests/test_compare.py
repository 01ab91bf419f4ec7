"""fazhi_lib.compare: canonical indicators and cross-report comparison, on hand-made metrics tables."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from fazhi_lib import compare, store
from fazhi_lib.compare import canonical_indicator, comparable, coverage, cumulative_span, exclusions

# ---- the vocabulary -----------------------------------------------------------------------------------------------

REQUIRED = [
    "受理矛盾纠纷数", "调解矛盾纠纷数", "调解成功率", "普法活动场次", "发放宣传资料份数", "法律咨询人次",
    "执法检查次数", "排查隐患数", "整改隐患数", "合法性审查数", "重大决策事项数", "法律顾问数", "法律明白人数",
    "信访受理数", "信访受理率", "信访办结率", "行政复议案件数", "行政诉讼案件数", "负责人出庭应诉率", "社区矫正对象数",
    "安置帮教对象数", "网格数", "政务公开信息条数", "政务服务事项数", "法律援助案件数", "人民调解员数", "执法人员数",
    "执法人员持证率", "学法次数", "法治培训次数", "群众满意率", "群众安全感",
]
KINDS = {"count", "percent", "money", "area", "duration", "length", "weight", "age"}


def test_vocabulary_rows_are_well_formed():
    vocab = compare.indicator_vocabulary()
    assert set(REQUIRED) <= set(vocab["canonical"])
    assert set(vocab["unit_kind"]) <= KINDS
    assert set(vocab["measure"]) <= {"flow", "stock", "rate"}
    assert (vocab.loc[vocab["unit_kind"].eq("percent"), "measure"] == "rate").all()
    assert (vocab.loc[vocab["measure"].eq("rate"), "unit_kind"] == "percent").all()
    kinds_per_name = vocab.groupby("canonical")["unit_kind"].nunique()
    assert (kinds_per_name == 1).all(), kinds_per_name[kinds_per_name > 1]
    for pattern in vocab["pattern"]:
        re.compile(pattern)
    assert all("," not in note for note in vocab["note"])


@pytest.mark.parametrize(("indicator", "context", "kind", "unit", "expected"), [
    ("调解成功率", "", "percent", "%", "调解成功率"),
    ("矛盾化解率", "", "percent", "%", "调解成功率"),
    ("成功率", "", "percent", "%", "调解成功率"),
    ("成功调解", "", "count", "件", "调解矛盾纠纷数"),
    ("解决各类矛盾纠纷", "", "count", "个", "调解矛盾纠纷数"),
    ("受理矛盾纠纷", "", "count", "件", "受理矛盾纠纷数"),
    ("开展矛盾纠纷排查", "", "count", "件", "排查矛盾纠纷数"),
    ("发放法治宣传资料", "", "count", "份", "发放宣传资料份数"),
    ("法治宣传单页", "", "count", "份", "发放宣传资料份数"),
    ("开展主题普法宣传活动", "", "count", "场次", "普法活动场次"),
    ("开展法治讲座", "", "count", "次", "普法活动场次"),
    ("接待群众法律咨询", "", "count", "人次", "法律咨询人次"),
    ("执法检查", "", "count", "次", "执法检查次数"),
    ("查出一般安全隐患", "", "count", "条", "排查隐患数"),
    ("整改隐患", "", "count", "处", "整改隐患数"),
    ("已整改", "", "count", "条", "整改隐患数"),
    ("合同审查等服务", "", "count", "次", "合法性审查数"),
    ("公开重大决策事项", "", "count", "项", "重大决策事项数"),
    ("法律顾问", "", "count", "名", "法律顾问数"),
    ("法律明白人", "", "count", "名", "法律明白人数"),
    ("接收上级转办信访件", "", "count", "件", "信访受理数"),
    ("信访事项及时受理率", "", "percent", "%", "信访受理率"),
    ("按期办结率", "", "percent", "%", "信访办结率"),
    ("行政复议案件", "", "count", "件", "行政复议案件数"),
    ("行政诉讼案件", "", "count", "件", "行政诉讼案件数"),
    ("行政机关负责人出庭应诉率", "", "percent", "%", "负责人出庭应诉率"),
    ("社区矫正对象", "", "count", "人", "社区矫正对象数"),
    ("在册安置帮教对象", "", "count", "人", "安置帮教对象数"),
    ("主动公开信息", "", "count", "条", "政务公开信息条数"),
    ("政务服务事项", "", "count", "项", "政务服务事项数"),
    ("提供法律援助", "", "count", "件", "法律援助案件数"),
    ("配备专职调解员", "", "count", "名", "人民调解员数"),
    ("现有行政执法人员", "", "count", "名", "执法人员数"),
    ("执法人员持证上岗率", "", "percent", "%", "执法人员持证率"),
    ("理论学习中心组集体学法", "", "count", "次", "学法次数"),
    ("组织领导干部参加法治专题培训", "", "count", "场", "法治培训次数"),
    ("群众满意率", "", "percent", "%", "群众满意率"),
    ("公众安全感", "", "percent", "%", "群众安全感"),
    ("发放救助金", "", "money", "元", "救助补贴金额"),
    # the number comes before its noun: the clause around the indicator names it
    ("科学划分", "按照村（社区）实际情况，科学划分为290个网格，全面实行网格化服务管理制度。", "count", "个", "网格数"),
    # the unit tells sessions from persons
    ("街道培训人民调解员", "", "count", "场次", "法治培训次数"),
    ("街道培训人民调解员", "", "count", "人", "法治培训人次"),
    ("完成登记吸毒人员风险评估", "", "count", "名", "吸毒人员数"),
])
def test_canonical_indicator(indicator, context, kind, unit, expected):
    assert canonical_indicator(indicator, context, unit_kind=kind, unit=unit) == expected


def test_canonical_indicator_respects_the_unit_kind():
    assert canonical_indicator("调解成功率", unit_kind="percent") == "调解成功率"
    assert canonical_indicator("成功调解", unit_kind="percent") is None  # no rate row says 成功调解
    assert canonical_indicator("发放救助金", unit_kind="count", unit="人次") is None  # money rows need money
    assert canonical_indicator("群众满意率") == "群众满意率"  # kind unknown: any row


def test_a_neighbouring_clause_does_not_name_the_number():
    sentence = "2024年共开展走访300余人次；增强刑满释放和社区矫正人员管控，现有在管社区矫正人员19人。"
    assert canonical_indicator("开展走访", sentence, unit_kind="count", unit="人次") is None
    assert canonical_indicator("在管社区矫正人员", sentence, unit_kind="count", unit="人") == "社区矫正对象数"
    assert canonical_indicator("没有这种说法", "", unit_kind="count", unit="件") is None
    assert canonical_indicator("", "", unit_kind=None, unit=None) is None


@pytest.mark.parametrize(("text", "year_end", "years"), [
    ("三年来累计检查企业", 2024, 3), ("2022年以来，累计", 2024, 3), ("2022年至2024年累计", None, 3),
    ("2022-2024年累计完成征地", None, 3), ("近五年", None, 5), ("2024年以来，分发", 2024, 1), ("今年以来", 2024, None),
    ("累计发放", 2024, None),
])
def test_cumulative_span(text, year_end, years):
    assert cumulative_span(text, year_end) == years


# ---- hand-made tables -----------------------------------------------------------------------------------------------


def documents() -> pd.DataFrame:
    return pd.DataFrame({
        "doc_id": ["d3", "d1", "d0", "d2", "dup"],
        "jurisdiction": ["金龙坪街道", "大安街道", "三湖镇", "莲花街道", "金龙坪街道"],
        "admin_level": ["subdistrict", "subdistrict", "town", "subdistrict", "subdistrict"],
        "region": ["湖南省", "重庆市", "湖南省", "河南省", "湖南省"],
        "year_start": pd.array([2022, 2024, 2023, 2024, 2022], dtype="Int64"),
        "year_end": pd.array([2024, 2024, 2023, 2024, 2024], dtype="Int64"),
        "title": ["金龙坪街道2022-2024年法治建设报告", "大安街道2024年法治政府建设情况报告", "三湖镇2023年度报告",
                  "莲花街道2024年报告", "copy"],
        "status": ["ok", "ok", "warning", "ok", "duplicate"],
    })


def m(doc_id: str, raw: str, value: float, unit: str, kind: str, indicator: str, canonical: str | None, *,
      sentence: str = "", year: int | None = None, cumulative: bool = False, target: bool = False,
      part: str = "measures", bound: str = "", role: str = "", approx: bool = False) -> dict:
    return dict(doc_id=doc_id, metric_id=None, item_id=None, section_id=f"{doc_id}-s1", part=part,
                sentence=sentence or f"{indicator}{raw}。", raw=raw, value=value, unit=unit, unit_kind=kind,
                approx=approx, bound=bound, target=target, year=year, indicator=indicator,
                canonical_indicator=canonical, cumulative=cumulative, start=0, end=len(raw), linked_to=None,
                role=role)


def metrics() -> pd.DataFrame:
    rows = [
        # d3: a 2022–2024 report with 三年来累计 numbers
        m("d3", "1200件", 1200, "件", "count", "受理矛盾纠纷", "受理矛盾纠纷数", cumulative=True,
          sentence="三年来累计受理矛盾纠纷1200件，成功调解1100件。"),
        m("d3", "450件", 450, "件", "count", "受理矛盾纠纷", "受理矛盾纠纷数", year=2024,
          sentence="2024年受理矛盾纠纷450件。"),
        m("d3", "31件", 31, "件", "count", "调解矛盾纠纷", "调解矛盾纠纷数", year=2022),
        m("d3", "40件", 40, "件", "count", "调解矛盾纠纷", "调解矛盾纠纷数", year=2023),
        m("d3", "88%", 88, "%", "percent", "调解成功率", "调解成功率", role="from",
          sentence="调解成功率从88%提升至95%。"),
        m("d3", "95%", 95, "%", "percent", "调解成功率", "调解成功率", role="to",
          sentence="调解成功率从88%提升至95%。"),
        m("d3", "60场", 60, "场", "count", "开展普法活动", "普法活动场次"),
        m("d3", "100场", 100, "场", "count", "开展普法活动", "普法活动场次", part="plans", target=True),
        m("d3", "500人", 500, "人", "count", "群众满意", "群众满意率"),  # a count where a rate is compared
        m("d3", "12人", 12, "人", "count", "社区矫正对象", "社区矫正对象数"),
        m("d3", "318万元", 3_180_000, "元", "money", "发放救助金", "救助补贴金额"),
        m("d3", "5-8名", 5, "名", "count", "法律明白人", "法律明白人数", role="low", bound="min"),
        m("d3", "5-8名", 8, "名", "count", "法律明白人", "法律明白人数", role="high", bound="max"),
        # d1: a one-year report
        m("d1", "903件", 903, "件", "count", "受理矛盾纠纷", None),  # canonical filled from the vocabulary
        m("d1", "99.1%", 99.1, "%", "percent", "调解成功率", "调解成功率"),
        m("d1", "99.5%以上", 99.5, "%", "percent", "调解成功率", "调解成功率", bound="min"),
        m("d1", "25场次", 25, "场次", "count", "开展主题普法宣传活动", "普法活动场次"),
        m("d1", "8场", 8, "场", "count", "开展普法活动", "普法活动场次"),
        m("d1", "3万份", 30000, "份", "count", "发放宣传资料", "发放宣传资料份数", cumulative=True,
          sentence="近三年累计发放宣传资料3万份。"),
        m("d1", "1000件", 1000, "件", "count", "受理矛盾纠纷", "受理矛盾纠纷数", year=2025, target=True,
          part="plans"),
        # d0: only a stock
        m("d0", "5人", 5, "人", "count", "社区矫正对象", "社区矫正对象数"),
        m("d0", "3个", 3, "个", "count", "全镇党支部", None),  # no canonical indicator
    ]
    df = pd.DataFrame(rows)
    df["metric_id"] = [f"{d}-m{i:03d}" for i, d in enumerate(df["doc_id"])]
    df["year"] = df["year"].astype("Int64")
    return df


def pick(table: pd.DataFrame, doc_id: str, name: str) -> pd.Series:
    rows = table[(table["doc_id"] == doc_id) & (table["canonical_indicator"] == name)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_comparable_has_the_documented_columns_and_one_row_per_report_and_indicator():
    t = comparable(metrics(), documents())
    assert list(t.columns) == compare.COMPARABLE_COLUMNS
    assert not t.duplicated(["doc_id", "canonical_indicator"]).any()
    assert pick(t, "d3", "受理矛盾纠纷数")["jurisdiction"] == "金龙坪街道"
    assert pick(t, "d3", "受理矛盾纠纷数")["admin_level"] == "subdistrict"
    assert pick(t, "d3", "受理矛盾纠纷数")["report"] == "金龙坪街道 2022–2024"
    assert pick(t, "d1", "受理矛盾纠纷数")["value"] == 903  # canonical filled in from the vocabulary


def test_multi_year_report_prefers_the_cumulative_number_and_divides_it_per_year():
    t = comparable(metrics(), documents(), per_year=True)
    row = pick(t, "d3", "受理矛盾纠纷数")
    assert (row["value"], row["n_years"], row["cumulative"], row["per_year_applied"]) == (1200, 3, True, True)
    assert row["value_per_year"] == pytest.approx(400)
    assert row["n_mentions"] == 2
    assert "三年来累计" in row["sentence"] and row["raw"] == "1200件"
    # a number without a year in a 2022–2024 report covers the three years
    row = pick(t, "d3", "普法活动场次")
    assert (row["value"], row["n_years"], row["value_per_year"]) == (60, 3, 20)
    row = pick(t, "d3", "救助补贴金额")
    assert row["value_per_year"] == pytest.approx(1_060_000)
    # numbers attributed to single years: the latest one, not divided
    row = pick(t, "d3", "调解矛盾纠纷数")
    assert (row["value"], row["year"], row["n_years"], row["per_year_applied"]) == (40, 2023, 1, False)


def test_per_year_off_leaves_values_alone():
    t = comparable(metrics(), documents(), per_year=False)
    assert not t["per_year_applied"].any()
    assert (t["value_per_year"] == t["value"]).all()
    assert pick(t, "d3", "受理矛盾纠纷数")["value_per_year"] == 1200


def test_rates_and_stocks_are_never_divided():
    t = comparable(metrics(), documents(), per_year=True)
    rate = pick(t, "d3", "调解成功率")
    assert (rate["value"], rate["value_per_year"], rate["per_year_applied"]) == (95, 95, False)
    assert rate["unit_kind"] == "percent"
    stock = pick(t, "d3", "社区矫正对象数")
    assert (stock["value"], stock["n_years"], stock["value_per_year"], stock["per_year_applied"]) == (12, 3, 12, False)


def test_rates_are_compared_with_rates_only():
    t = comparable(metrics(), documents())
    assert "群众满意率" not in set(t["canonical_indicator"])  # its only number was a count of people
    assert t.attrs["excluded"]["other unit kind"] == 1
    assert set(t.loc[t["canonical_indicator"] == "调解成功率", "unit_kind"]) == {"percent"}
    # an exact rate before a bound, the first stated
    assert pick(t, "d1", "调解成功率")["value"] == 99.1
    assert pick(t, "d1", "调解成功率")["n_mentions"] == 2


def test_targets_baselines_and_ranges_are_excluded():
    t = comparable(metrics(), documents())
    assert pick(t, "d3", "普法活动场次")["value"] == 60  # not the plan's 100
    assert pick(t, "d1", "受理矛盾纠纷数")["value"] == 903  # not the 2025 target
    assert 88 not in set(t.loc[t["doc_id"] == "d3", "value"])  # the "from" side of a change
    assert "法律明白人数" not in set(t["canonical_indicator"])
    assert t.attrs["excluded"] == {"target": 2, "baseline of a change": 1, "range": 2, "no canonical indicator": 1,
                                   "other unit kind": 1}
    with_targets = comparable(metrics(), documents(), include_targets=True)
    assert pick(with_targets, "d3", "普法活动场次")["value"] == 100


def test_one_year_report():
    t = comparable(metrics(), documents(), per_year=True)
    row = pick(t, "d1", "普法活动场次")  # the largest of two counts
    assert (row["value"], row["n_mentions"], row["per_year_applied"]) == (25, 2, False)
    # 近三年累计 in a one-year report: the span comes from the sentence
    row = pick(t, "d1", "发放宣传资料份数")
    assert (row["n_years"], row["per_year_applied"], row["value_per_year"]) == (3, True, 10000)


def test_indicator_selection_and_empty_input():
    t = comparable(metrics(), documents(), indicators=["调解成功率"])
    assert set(t["canonical_indicator"]) == {"调解成功率"}
    assert t.attrs["excluded"] == {"baseline of a change": 1}
    empty = comparable(metrics().iloc[0:0], documents())
    assert empty.empty and list(empty.columns) == compare.COMPARABLE_COLUMNS


def test_coverage_matrix():
    cov = coverage(metrics(), documents())
    assert list(cov.index) == ["d3", "d1", "d0", "d2"]  # every usable report, none of the duplicates
    assert (cov.loc["d2"] == 0).all()  # a report that states nothing
    assert cov.loc["d1", "普法活动场次"] == 2 and cov.loc["d3", "普法活动场次"] == 1  # the target is not counted
    assert cov.loc["d0", "社区矫正对象数"] == 1
    reports = (cov > 0).sum()
    assert list(reports) == sorted(reports, reverse=True)  # most covered first
    assert "群众满意率" not in cov.columns


def test_exclusions_say_what_was_left_out_and_why():
    ex = exclusions(metrics())
    assert set(ex.columns) == {"reason", "canonical_indicator", "unit_kinds", "n_numbers", "n_reports", "example"}
    other = ex[ex["reason"] == "other unit kind"].iloc[0]
    assert (other["canonical_indicator"], other["unit_kinds"], other["n_numbers"]) == ("群众满意率", "count", 1)
    assert ex.loc[ex["reason"] == "target", "n_numbers"].sum() == 2


def test_source_table_marks_the_number_in_its_sentence():
    t = comparable(metrics(), documents(), indicators=["受理矛盾纠纷数"])
    src = compare.source_table(t)
    assert list(src.columns) == ["report", "indicator", "raw", "value", "unit", "value_per_year", "year", "part",
                                 "sentence"]
    assert "三年来累计受理矛盾纠纷【1200件】" in src.loc[src["report"].str.startswith("金龙坪"), "sentence"].iloc[0]


def test_report_labels_are_unique():
    labels = compare.report_labels(documents())
    assert labels["d1"] == "大安街道 2024"
    assert labels.is_unique and labels["dup"].startswith("金龙坪街道 2022–2024 (")


def test_load_tables(tmp_path):
    metrics().to_parquet(tmp_path / "metrics.parquet")
    documents().to_parquet(tmp_path / "documents.parquet")
    got_metrics, got_docs = store.read(tmp_path, ["metrics", "documents"]).values()  # what notebook 30 reads
    assert len(got_metrics) == len(metrics()) and len(got_docs) == 5
    with pytest.raises(FileNotFoundError):
        store.read(tmp_path / "nothing", ["metrics", "documents"])
