"""Metric extraction on sentences written in the style of real reports (not the seeds)."""

from __future__ import annotations

import pandas as pd
import pytest

from fazhi_lib.metrics import extract_metrics, metrics_frame
from fazhi_lib.structure import parse_rows


def metrics_of(text: str) -> pd.DataFrame:
    sections, items = parse_rows(text, "d")
    return metrics_frame(extract_metrics(text, "d", sections, items))


def one(df: pd.DataFrame, raw: str) -> pd.Series:
    rows = df[df["raw"] == raw]
    assert len(rows) == 1, (raw, list(df["raw"]))
    return rows.iloc[0]


def test_counts_money_rates_and_multipliers():
    df = metrics_of("一、主要工作\n1.全年受理矛盾纠纷1,203件，成功调解1186件，调解成功率98.6%，发放宣传资料3.5万余份，"
                    "发放救助资金126.8万元，整治耕地2.1万亩。")
    assert one(df, "1,203件")[["value", "unit", "unit_kind", "approx"]].tolist() == [1203.0, "件", "count", False]
    assert one(df, "98.6%")[["value", "unit_kind", "indicator"]].tolist() == [98.6, "percent", "调解成功率"]
    assert one(df, "3.5万余份")[["value", "approx", "indicator"]].tolist() == [35000.0, True, "发放宣传资料"]
    assert one(df, "126.8万元")[["value", "unit", "unit_kind"]].tolist() == [1268000.0, "元", "money"]
    assert one(df, "2.1万亩")[["value", "unit_kind"]].tolist() == [21000.0, "area"]
    assert one(df, "1186件")["indicator"] == "成功调解"


def test_full_width_digits_and_punctuation_after_cleaning():
    from fazhi_lib.clean import clean_text

    raw = "一、主要工作\n（一）全年开展普法活动１２场次，覆盖群众３０００余人次；法律顾问参与审查合同４５份。"
    text = clean_text(raw).text
    df = metrics_of(text)
    assert one(df, "12场次")["value"] == 12 and one(df, "3000余人次")["approx"]
    assert one(df, "45份")["indicator"] == "法律顾问参与审查合同"


def test_chinese_numerals():
    df = metrics_of("一、主要工作\n全年召开专题会议三次，接待群众十余人，发放资料两万余份，培训人民调解员一百零五名。")
    assert one(df, "三次")["value"] == 3
    assert one(df, "十余人")[["value", "approx"]].tolist() == [10.0, True]
    assert one(df, "两万余份")[["value", "approx"]].tolist() == [20000.0, True]
    assert one(df, "一百零五名")["value"] == 105
    df = metrics_of("一、主要工作\n发放资料万余份，开展活动近百场，覆盖群众数千人。")
    assert one(df, "万余份")[["value", "approx"]].tolist() == [10000.0, True]
    assert one(df, "百场")[["value", "approx"]].tolist() == [100.0, True]
    assert "千人" not in set(df["raw"])


def test_ranges_give_two_linked_rows():
    df = metrics_of("一、主要工作\n按照每个村配备5-8名“法律明白人”的要求，对16至45周岁人群开展排查。")
    low, high = df[df["raw"] == "5-8名"].sort_values("value").itertuples()
    assert (low.value, low.bound, low.role, high.value, high.bound, high.role) == (5, "min", "low", 8, "max", "high")
    assert low.linked_to == high.metric_id and high.linked_to == low.metric_id
    ages = df[df["unit"] == "周岁"]
    assert sorted(ages["value"]) == [16, 45] and set(ages["unit_kind"]) == {"age"}


def test_change_gives_two_linked_rows():
    df = metrics_of("一、主要工作\n行政复议纠错率由12.5%下降至8.1%，群众满意度从90%提升到96%。")
    a, b = one(df, "12.5%"), one(df, "8.1%")
    assert (a["role"], b["role"]) == ("from", "to") and a["linked_to"] == b["metric_id"]
    assert b["indicator"] == "行政复议纠错率"
    assert (one(df, "90%")["role"], one(df, "96%")["role"]) == ("from", "to")


def test_approx_and_bounds():
    df = metrics_of("一、主要工作\n开展讲座近20场，覆盖约3000人，受理率达100%，满意率95%以上，结案时间在30天以内，"
                    "每季度至少召开会议1次，培训时间不少于40学时，费用不超过5万元，参与群众500人左右。")
    assert one(df, "20场")["approx"] and one(df, "3000人")["approx"]
    assert one(df, "95%以上")[["bound", "approx"]].tolist() == ["min", False]
    assert one(df, "30天以内")["bound"] == "max"
    assert one(df, "1次")["bound"] == "min" and one(df, "40学时")["bound"] == "min"
    assert one(df, "5万元")[["bound", "value"]].tolist() == ["max", 50000.0]
    assert one(df, "500人左右")["approx"]
    assert one(df, "100%")["bound"] == ""


def test_targets_plans_part_and_future_markers_but_not_standing_rules():
    text = ("一、主要举措和成效\n确保每月开展不少于三次巡查，全年开展巡查40次。力争年内新增示范村2个。\n"
            "二、下一步工作打算\n一是加强培训。全年组织培训不少于4次。二是强化宣传。发放资料1万份。")
    df = metrics_of(text)
    assert one(df, "三次")[["target", "bound"]].tolist() == [False, "min"]
    assert not one(df, "40次")["target"]
    assert one(df, "2个")["target"]
    assert one(df, "4次")[["target", "bound", "part"]].tolist() == [True, "min", "plans"]
    assert one(df, "1万份")["target"]


def test_year_attribution_and_cumulative():
    df = metrics_of("一、主要工作\n2022年处理纠纷13起，2023年调解纠纷31件；2022-2024年累计完成征地278亩，三年来累计培训"
                    "干部120人次。")
    assert one(df, "13起")["year"] == 2022 and one(df, "31件")["year"] == 2023
    assert pd.isna(one(df, "278亩")["year"]) and one(df, "278亩")["cumulative"]
    assert one(df, "120人次")["cumulative"] and not one(df, "13起")["cumulative"]


def test_money_without_a_written_unit():
    df = metrics_of("一、主要工作\n调解各类纠纷297件，为群众挽回经济损失85万余，追回欠薪12.5万。")
    assert one(df, "85万余")[["value", "unit", "unit_kind", "approx"]].tolist() == [850000.0, "元", "money", True]
    assert one(df, "12.5万")[["value", "unit"]].tolist() == [125000.0, "元"]


@pytest.mark.parametrize("text", [
    "深入推进“四议两公开”工作法，落实“三会一课”制度。",
    "学习贯彻党的二十届三中全会精神和十九届六中全会精神。",
    "开展“12·4”国家宪法日、“3·15”消费者权益日宣传，“八五”普法规划顺利推进。",
    "严格落实党政主要负责人第一责任人职责，推行“一岗双责”，实行综合查一次。",
    "传达市委五届九次全会精神，落实中央八项规定精神，推行“三位一体”模式和五人小组机制。",
    "依据《法治政府建设实施纲要（2021—2025年）》和丰都府办〔2025〕37号文件。",
    "2024年度法治政府建设情况，2024年3月28日，截至2024年12月31日。",
    "一是加强领导。二是完善机制。（三）强化保障。1.健全制度。",
    "组建“五老”调解队，推行“一村一法律顾问”，打造一批示范点，建立一支队伍。",
    "推进“十四五”规划和二〇三五年远景目标，实施三年行动计划。",
])
def test_not_quantities(text):
    df = metrics_of("一、主要工作\n" + text)
    assert df.empty, list(df["raw"])


def test_provenance_points_into_the_text():
    text = "一、主要工作\n全年受理案件36件。\n二、下一步打算\n力争办结率达到100%。"
    df = metrics_of(text)
    for r in df.itertuples():
        assert text[r.start:r.end] == r.raw
        assert r.raw in r.sentence and r.sentence in text
        assert r.item_id is not None and r.section_id is not None


@pytest.mark.parametrize("sentence", [
    "深刻领悟两个确立的决定性意义，增强四个意识、坚定四个自信、做到两个维护。",
    "发挥三个作用，实现八个新突破、五个新提升，开展三个年活动，落实四个亲自职责，做到三个到位。",
    "全面落实十二届市委五次、六次全会部署，学习党的二十届二中、三中全会精神。",
    "紧密围绕省委“1310”具体部署和市委1312思路举措，推进15336部署要求，认真贯彻法治建设一规划两纲要。",
])
def test_numbered_formulas_and_slogans_are_no_quantities(sentence):
    # unquoted, as many pages write them: the numerals name a formula or an ordinal, they count nothing
    assert metrics_of("一、主要工作\n" + sentence).empty


def test_counts_beside_formulas_stay():
    df = metrics_of("一、主要工作\n增强四个意识，在两个社区成立调解室，设立三个调解工作站，新增2个年度项目，"
                    "全年开展培训12次、15次，召开五次、六次专题会议。")
    assert sorted(df["raw"]) == sorted(["两个", "三个", "2个", "12次", "15次", "五次", "六次"])
