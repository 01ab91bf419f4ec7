"""The structure parser on realistic variants written for these tests (not the seeds)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fazhi_lib.numerals import heading_number as cn_to_int
from fazhi_lib.structure import classify_part, find_enumeration, lead_phrase, parse_structure


def parse(text: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    return parse_structure(text, "doc")


def top_parts(sections: pd.DataFrame) -> list[str]:
    return list(sections[sections["level"] == 1].sort_values("start")["part"])


def titles(items: pd.DataFrame, part: str) -> list[str]:
    return list(items[items["part"] == part]["title"])


FULL_WIDTH = """\
关于2023年度法治政府建设情况的报告
2023年，我镇坚持以习近平法治思想为指导，现将有关情况报告如下：
一、主要举措和成效
（一）强化组织领导，压实工作责任一是健全领导机制。成立法治建设领导小组，全年召开专题会议4次。二是落实学法制度。开展会前学法12次。
（二）规范行政执法
1、推行说理式执法。全年开展执法检查46次。
2、落实“三项制度”。执法人员全部持证上岗。
二、存在的问题
（一）部分干部法治意识不强。运用法治思维解决问题的能力不足。
（二）普法宣传针对性不强。宣传方式单一。
三、下一步工作打算
（一）加强法治队伍建设。组织执法人员轮训。
（二）创新普法宣传方式。打造特色普法品牌。
（三）深化矛盾纠纷化解。推行“三调联动”。
"""


def test_full_width_report_parts_and_items():
    sections, items = parse(FULL_WIDTH)
    assert top_parts(sections) == ["preamble", "measures", "problems", "plans"]
    assert titles(items, "problems") == ["部分干部法治意识不强", "普法宣传针对性不强"]
    assert titles(items, "plans") == ["加强法治队伍建设", "创新普法宣传方式", "深化矛盾纠纷化解"]
    measures = items[items["part"] == "measures"]
    assert list(measures["title"]) == ["健全领导机制", "落实学法制度", "推行说理式执法", "落实“三项制度”"]
    # the heading that shares its line with the first point keeps only the heading
    sec = sections[sections["marker"] == "（一）"].iloc[0]
    assert sec["heading"] == "强化组织领导，压实工作责任"
    assert list(measures["marker"][:2]) == ["一是", "二是"]


def test_levels_follow_nesting_not_marker_style():
    text = ("一、主要工作\n1.推进依法决策。全年审查合同20件。\n2.规范执法。开展检查10次。\n"
            "二、存在的问题\n1.执法力量薄弱。人员不足。")
    sections, items = parse(text)
    one = sections[sections["marker"] == "1."]
    assert set(one["level"]) == {2}  # 1. directly under 一、 is level 2
    assert one["parent_id"].iloc[0] == sections[sections["marker"] == "一、"]["section_id"].iloc[0]
    assert top_parts(sections) == ["measures", "problems"]
    assert titles(items, "problems") == ["执法力量薄弱"]


def test_skipped_numbers_and_parts_by_wording():
    text = ("一、工作开展情况\n（一）推进依法行政。聘请法律顾问。\n四、存在的问题\n在推进法治建设中，仍有不足："
            "一是机制不平衡。部门协调不够。二是普法不深入。形式单一。\n五、下一步工作打算\n一是压实责任。完善清单。\n"
            "二是加大宣传。开展送法下乡。\n")
    sections, items = parse(text)
    assert top_parts(sections) == ["measures", "problems", "plans"]
    assert titles(items, "problems") == ["机制不平衡", "普法不深入"]
    assert titles(items, "plans") == ["压实责任", "加大宣传"]
    lead_in = "在推进法治建设中"
    assert not any(lead_in in t for t in items["text"])


def test_garbled_first_marker_is_recovered():
    text = ("一、工作情况\n（二）规范执法履职，提升依法行政效能是强化执法规范。严格落实“三项制度”。"
            "二是优化营商环境。开展专题宣传。三是强化执法监督。开展专项检查3次。\n")
    sections, items = parse(text)
    assert list(items["title"]) == ["强化执法规范", "优化营商环境", "强化执法监督"]
    assert sections[sections["marker"] == "（二）"]["heading"].iloc[0] == "规范执法履职，提升依法行政效能"


def test_bracket_and_part_headings():
    text = ("案例正文\n【基本情况】\n2022年以来，某街道开展法治街道创建。\n【主要做法】\n一是加强领导。成立领导小组。"
            "二是完善机制。建立台账。\n【存在问题】\n宣传形式单一。\n【下步打算】\n持续深化创建。\n")
    sections, _ = parse(text)
    assert top_parts(sections) == ["preamble", "overview", "measures", "problems", "plans"]
    text2 = ("第一部分 2024年工作情况\n一、加强组织领导。召开会议3次。\n第二部分 存在的问题\n一、宣传不足。形式单一。\n"
             "第三部分 2025年工作计划\n一、强化宣传。创新方式。")
    sections2, items2 = parse(text2)
    assert top_parts(sections2) == ["measures", "problems", "plans"]
    assert titles(items2, "problems") == ["宣传不足"]


def test_lower_levels_and_circled_numbers():
    text = ("一、主要举措\n（一）深化普法\n1.创新形式\n（1）线上普法。推送200余条。\n（2）线下普法。开展15场。\n"
            "2.重点对象\n①青少年。开展讲座3场。\n②企业员工。开展培训16次。\n")
    sections, items = parse(text)
    assert sections["level"].max() == 4
    assert list(items["title"]) == ["线上普法", "线下普法", "青少年", "企业员工"]
    assert set(sections[sections["marker"].isin(["（1）", "①"])]["level"]) == {4}


def test_unnumbered_paragraphs_of_a_heading_only_section_are_items():
    text = ("一、强化组织领导，提升法治意识\n扎实开展理论学习。组织中心组学习10次。\n落实学法制度。全年学法12次。\n"
            "二、存在的问题\n虽然取得一定成效，但也存在一些不足，主要表现在：\n基层执法力量薄弱，人员不足。\n"
            "群众法治意识有待提高。\n三、下一步工作打算\n持续加强队伍建设。\n")
    sections, items = parse(text)
    assert top_parts(sections) == ["measures", "problems", "plans"]
    assert titles(items, "measures") == ["扎实开展理论学习", "落实学法制度"]
    assert titles(items, "problems") == ["基层执法力量薄弱，人员不足", "群众法治意识有待提高"]
    assert len(items[items["part"] == "plans"]) == 1


def test_a_part_heading_is_not_a_point():
    text = "一、主要工作\n（一）加强领导。成立小组。\n二、存在的问题\n部分干部法治意识不强，运用法治思维的能力不足。\n"
    _, items = parse(text)
    problems = items[items["part"] == "problems"]
    assert list(problems["text"]) == ["部分干部法治意识不强，运用法治思维的能力不足。"]
    assert list(problems["kind"]) == ["paragraph"]


def test_a_sub_section_can_open_the_problems_or_plans_part():
    text = ("一、2024年工作情况\n（一）加强领导。成立小组。\n（二）存在的不足\n一是宣传不够深入。二是执法力量薄弱。\n"
            "（三）2025年工作打算\n1.创新宣传方式。\n2.充实执法力量。")
    _, items = parse(text)
    assert titles(items, "problems") == ["宣传不够深入", "执法力量薄弱"]
    assert titles(items, "plans") == ["创新宣传方式", "充实执法力量"]
    assert titles(items, "measures") == ["加强领导"]


def test_mixed_heading_children_choose_their_part():
    text = ("一、主要工作\n（一）加强领导。成立小组。\n二、存在的问题及下一步打算\n（一）存在的问题\n1.宣传不够深入。\n"
            "2.队伍力量薄弱。\n（二）下一步打算\n1.创新宣传方式。\n")
    _, items = parse(text)
    assert titles(items, "problems") == ["宣传不够深入", "队伍力量薄弱"]
    assert titles(items, "plans") == ["创新宣传方式"]


def test_other_inline_families_and_unnumbered_part_headings():
    text = ("2023年，某局认真履行法治建设职责。\n主要做法\n"
            "第一，加强组织领导。成立领导小组。第二，严格规范执法。开展检查。\n"
            "存在的问题\n主要表现在：（1）执法人员不足；（2）宣传形式单一；（3）监督不够有力。\n下一步工作打算：\n"
            "①加强培训；②创新宣传。")
    sections, items = parse(text)
    assert top_parts(sections) == ["preamble", "measures", "problems", "plans"]
    assert titles(items, "measures") == ["加强组织领导", "严格规范执法"]
    assert titles(items, "problems") == ["执法人员不足", "宣传形式单一", "监督不够有力"]
    assert titles(items, "plans") == ["加强培训", "创新宣传"]
    # a title line naming a part is not a heading
    sections, _ = parse("某某镇2023年工作情况报告\n一、主要工作\n1.加强领导。")
    assert top_parts(sections) == ["preamble", "measures"]


def test_no_headings_is_one_preamble():
    text = "今年以来，我局认真贯彻落实法治政府建设各项要求。\n全年办理行政复议案件3件。"
    sections, items = parse(text)
    assert list(sections["part"]) == ["preamble"]
    assert items.empty


def test_closing_paragraph_and_signature_are_not_plan_items():
    text = ("一、主要工作\n1.加强领导。召开会议。\n二、下一步打算\n1.强化宣传。创新方式。\n2.加强队伍。开展培训。\n"
            "未来，我镇将持续推进法治政府建设，为高质量发展提供法治保障。\n某某镇人民政府\n2025年1月10日")
    sections, items = parse(text)
    assert top_parts(sections) == ["measures", "plans", "closing"]
    plans = items[items["part"] == "plans"]
    assert len(plans) == 2
    assert not plans["text"].str.contains("未来").any()


def test_closing_sentence_naming_the_place_after_a_heading_only_point():
    text = ("一、下一步打算\n（一）强化宣传\n某某街道将继续创新普法方式。\n（二）加强队伍\n开展业务培训。\n"
            "某某街道将以习近平法治思想为引领，持续深化法治政府建设。")
    sections, items = parse(text)
    assert top_parts(sections) == ["plans", "closing"]
    assert list(items["title"]) == ["强化宣传", "加强队伍"]
    assert items["text"].str.contains("继续创新").any() and not items["text"].str.contains("引领").any()


def test_signature_only_closing():
    text = "一、下一步打算\n1.强化宣传。创新方式。\n2.加强队伍。开展培训。\n某某街道办事处\n2024年12月30日"
    sections, items = parse(text)
    assert top_parts(sections) == ["plans", "closing"]
    assert not items["text"].str.contains("办事处").any()


def test_words_containing_yi_shi_do_not_start_points():
    text = "一、主要工作\n（一）统一思想\n坚持统一是前提，团结是保障，全镇上下形成合力。唯一是指标准。\n"
    _, items = parse(text)
    assert list(items["marker"]) == ["（一）"]


def test_numbers_at_line_start_are_not_headings():
    text = "一、主要工作\n1.5万份宣传资料发放到户，覆盖群众2万人次。\n2024年全年开展活动10场。\n"
    sections, _ = parse(text)
    assert list(sections["marker"]) == ["一、"]


def test_thematic_headings():
    assert classify_part("强化组织领导，提升法治意识") == "measures"
    assert classify_part("2024年推进法治政府建设的主要举措和成效") == "measures"
    assert classify_part("党政主要负责人履行推进法治建设第一责任人职责情况") == "leader_duty"
    assert classify_part("存在的不足和原因") == "problems"
    assert classify_part("2025年度工作计划") == "plans"
    assert classify_part("特点和效果") == "effects"
    assert classify_part("基本情况") == "overview"
    assert classify_part("强化组织领导", after_problems_or_plans=True) == "other"
    assert classify_part("附件") == "other"
    # the official template's headings
    assert classify_part("2025年度推进法治政府建设的主要安排") == "plans"
    assert classify_part("二〇二五年度推进法治政府建设的主要安排") == "plans"
    assert classify_part("2024年重点工作完成情况") == "measures"
    assert classify_part("2023年普法计划落实情况") == "measures"


def test_helpers():
    assert [cn_to_int(s) for s in ("一", "十", "十二", "二十", "二十三", "7", "③")] == [1, 10, 12, 20, 23, 7, 3]
    assert lead_phrase("健全权责清单制度:2022年以来,街道明确职责。") == "健全权责清单制度"
    assert lead_phrase("部分干部法治观念淡薄,与依法行政的要求还有差距,依法行政水平不高") == "部分干部法治观念淡薄"
    text = "主要表现在:一是机制不全。二是力量薄弱。三是宣传不足。"
    points = find_enumeration(text, 0, len(text))
    assert [text[p.content_start:p.end] for p in points] == ["机制不全。", "力量薄弱。", "宣传不足。"]


# -- properties ---------------------------------------------------------------------------------------------
_PIECES = ["一、", "二、", "四、", "（一）", "(二)", "三)", "1.", "2、", "（1）", "①", "【基本情况】", "第一部分",
           "一是", "二是", "三是", "是", "存在的问题", "下一步打算", "主要举措和成效", "强化组织领导", "。", "，", ":",
           "\n", "\n", "\n", "2024年", "12.5万份", "统一是", "未来，我镇将", "某某镇人民政府", "2025年1月1日", "法治"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=6)), max_size=60))
def test_parser_never_crashes_and_spans_nest(pieces):
    text = "".join(pieces)
    sections, items = parse_structure(text, "h")
    n = len(text)
    by_id = {r.section_id: r for r in sections.itertuples()}
    for s in sections.itertuples():
        assert 0 <= s.start <= s.end <= n
        if s.parent_id is not None and not pd.isna(s.parent_id):
            parent = by_id[s.parent_id]
            assert parent.start <= s.start and s.end <= parent.end
            assert s.level == parent.level + 1
    assert set(sections["part"]) <= {"preamble", "overview", "measures", "effects", "leader_duty", "problems",
                                     "plans", "closing", "other"}
    last_end = -1
    for it in items.sort_values("start").itertuples():
        sec = by_id[it.section_id]
        assert sec.start <= it.start <= it.end <= sec.end
        assert it.start >= last_end  # items do not overlap
        last_end = it.end
        assert it.text and it.text in text[it.start:it.end]
    assert items["item_id"].is_unique and sections["section_id"].is_unique


@pytest.mark.parametrize("text", ["", "\n\n", "一、", "【】", "一是", "一、\n二、\n", "（一）（二）"])
def test_degenerate_inputs(text):
    sections, items = parse(text)
    assert isinstance(sections, pd.DataFrame) and isinstance(items, pd.DataFrame)


# -- pages that lost their line breaks ------------------------------------------------------------------------
def _one_line(text: str) -> str:
    return "".join(ln.strip() for ln in text.split("\n"))


def _shape(sections: pd.DataFrame, items: pd.DataFrame) -> tuple[list, list]:
    secs = [(r.level, r.marker, r.part) for r in sections.itertuples() if r.part != "preamble"]
    its = [(r.part, r.marker, "".join(r.text.split())) for r in items.itertuples() if r.kind == "inline"]
    return secs, its


def test_a_one_line_page_gives_the_sections_and_points_of_its_lines():
    lines = parse(FULL_WIDTH)
    flat = parse(_one_line(FULL_WIDTH))
    assert _shape(*flat) == _shape(*lines)
    assert top_parts(flat[0]) == ["preamble", "measures", "problems", "plans"]
    assert titles(flat[1], "plans") == ["加强法治队伍建设", "创新普法宣传方式", "深化矛盾纠纷化解"]
    # full-width indents between the paragraphs change nothing
    spaced = parse("".join("\u3000\u3000" + ln for ln in FULL_WIDTH.split("\n")))
    assert _shape(*spaced) == _shape(*lines)


def test_headings_run_into_each_other_and_into_their_paragraphs():
    text = ("2023年，某局扎实推进法治建设，现将有关情况报告如下：一、主要工作（一）强化组织领导我局成立了法治建设"
            "领导小组，全年召开会议4次。（二）坚持依法行政按照上级要求，全面推行行政执法“三项制度”。二、存在的问题"
            "一是执法力量不足。二是宣传形式单一。三、下一步工作打算1.加强队伍建设。2.创新宣传方式。")
    sections, items = parse(text)
    got = [(r.level, r.marker, r.heading) for r in sections.itertuples() if r.part != "preamble"]
    assert got == [(1, "一、", "主要工作"), (2, "（一）", "强化组织领导"), (2, "（二）", "坚持依法行政"),
                   (1, "二、", "存在的问题"), (1, "三、", "下一步工作打算"), (2, "1.", "加强队伍建设"),
                   (2, "2.", "创新宣传方式")]
    assert titles(items, "problems") == ["执法力量不足", "宣传形式单一"]


def test_false_markers_inside_sentences_do_not_split_a_one_line_page():
    text = ("一、主要工作（一）规范执法。开展一、二级风险排查，第一、第二季度各检查1次，发放资料1.5万份，"
            "2023.1.5起施行新规；依照第（一）项规定办理。主要有：（1）执法人员不足；（2）装备落后。做好三、四季度"
            "工作，统一、规范执法文书。唯一、权威的版本已公布。（二）推进普法。开展活动12次。")
    sections, items = parse(text)
    assert list(sections["marker"]) == ["一、", "（一）", "（二）"]
    first = items[items["marker"] == "（1）"]
    assert list(first["kind"]) == ["inline"]  # the points of a paragraph, not headings


def test_running_text_keeps_skipped_numbers_of_top_level_headings():
    text = "一、工作开展情况（一）推进依法行政。聘请法律顾问。四、存在的问题一是机制不全。二是普法不深入。"
    sections, items = parse(text)
    assert top_parts(sections) == ["measures", "problems"]
    assert titles(items, "problems") == ["机制不全", "普法不深入"]


def test_closing_and_signature_inside_running_text():
    text = ("一、主要工作1.加强领导。召开会议。二、下一步打算1.强化宣传。创新方式。2.加强队伍。开展培训。"
            "未来，我镇将持续推进法治政府建设，为高质量发展提供法治保障。某某镇人民政府2025年1月10日")
    sections, items = parse(text)
    assert top_parts(sections) == ["measures", "plans", "closing"]
    assert not items["text"].str.contains("未来|人民政府").any()
    signed = "一、下一步打算1.强化宣传。创新方式。2.加强队伍。开展培训。某某街道办事处2024年12月30日"
    sections, items = parse(signed)
    assert top_parts(sections) == ["plans", "closing"]
    assert not items["text"].str.contains("办事处").any()
    # 今后，… inside a point that other points follow is no closing
    text = "一、下一步打算一是强化宣传。今后，每年开展活动2次。二是加强队伍。开展培训。"
    sections, items = parse(text)
    assert top_parts(sections) == ["plans"] and len(items) == 2


def test_page_buttons_in_brackets_and_a_title_naming_a_part_are_no_headings():
    text = "【打印】\n【关闭窗口】\n【典型案例】\n某村调解纠纷12件。\n【主要做法】\n一是加强领导。二是完善机制。"
    sections, _ = parse(text)
    assert [m for m in sections["marker"] if m] == ["【关闭窗口】", "【典型案例】", "【主要做法】"]
    titled = "2025年某某县法治政府建设情况\n2025年，我县扎实推进法治政府建设。\n一、强化组织领导\n召开会议3次。"
    sections, _ = parse_structure(titled, "doc", title="2025年某某县法治政府建设情况")
    assert list(sections["marker"]) == ["", "一、"]


def test_thematic_headings_of_work_done():
    assert classify_part("始终坚持党对法治政府建设的全面领导，加快构建职责明确、依法行政的政府治理体系") == "measures"
    assert classify_part("以习近平法治思想为指引，党对法治政府建设的领导全面加强") == "measures"
    assert classify_part("牢固树立法治思想，加强法治建设组织领导") == "measures"
    assert classify_part("基本情况和主要做法") == "measures"
    assert classify_part("附件：2024年度法治建设工作台账") == "other"
    assert classify_part("指导思想") == "other"
    assert classify_part("以习近平法治思想为指引", after_problems_or_plans=True) == "other"
    # a report that starts at （一）: its headings are its parts
    sections, _ = parse("2024年，某局推进法治建设。\n（一）党建引领，凝聚合力\n召开会议3次。\n"
                        "（二）存在的不足\n宣传不够。")
    assert top_parts(sections) == ["preamble", "measures", "problems"]


def test_one_line_pages_of_bracket_parts_lists_after_a_colon_and_a_closing_sentence():
    text = ("2023年，某街道扎实推进法治建设。【主要做法】一是加强领导。召开会议3次。二是完善机制。建立台账。"
            "【存在的不足】一是宣传不够深入。二是执法力量薄弱。【下一步打算】重点抓好以下工作：（1）压实法治建设责任。"
            "完善责任清单。（2）创新普法方式。开展活动。某某街道将以习近平法治思想为引领，持续深化法治政府建设。")
    sections, items = parse(text)
    assert top_parts(sections) == ["preamble", "measures", "problems", "plans", "closing"]
    assert titles(items, "problems") == ["宣传不够深入", "执法力量薄弱"]
    assert titles(items, "plans") == ["压实法治建设责任", "创新普法方式"]
    assert not items["text"].str.contains("引领").any()


def test_a_point_whose_heading_ran_into_its_sentence_is_still_an_item():
    text = "一、主要工作（一）加强领导。召开会议。（二）强化督导考核通过月汇报推进全区法治建设情况的督导。"
    _, items = parse(text)
    assert list(items["marker"]) == ["（一）", "（二）"]


def test_a_list_numbered_like_top_level_headings_inside_a_paragraph_splits_nothing():
    text = ("一、主要工作\n（一）规范执法。依据规定，分三步推进：一、摸清底数；二、集中整治；三、总结提升。"
            "全年开展检查12次。\n二、存在的问题\n宣传不够深入。")
    sections, _ = parse(text)
    assert list(sections["marker"]) == ["一、", "（一）", "二、"]
    assert _shape(*parse(_one_line(text)))[0] == _shape(*parse(text))[0]


def test_a_cut_last_sentence_naming_a_place_is_no_signature():
    sections, items = parse("一、主要工作\n1.加强领导。召开会议3次。深入推进依法治县")
    assert top_parts(sections) == ["measures"]
    assert items["text"].iloc[-1].endswith("依法治县")


def test_numbers_written_in_one_character():
    text = ("一、主要工作\n㈠加强领导\n⒈召开会议3次。\n⒉建立台账。\n㈡规范执法\n⑴检查12次。\n⑵整改问题。\n"
            "二、存在的问题\n一是宣传不够。二是队伍薄弱。")
    for layout in (text, _one_line(text)):
        sections, items = parse(layout)
        assert [(r.level, r.marker) for r in sections.itertuples()] == [
            (1, "一、"), (2, "㈠"), (3, "⒈"), (3, "⒉"), (2, "㈡"), (3, "⑴"), (3, "⑵"), (1, "二、")]
        assert titles(items, "measures") == ["召开会议3次", "建立台账", "检查12次", "整改问题"]
    assert [cn_to_int(c) for c in "㈠㈩⑴⒇⒈⒛"] == [1, 10, 1, 20, 1, 20]
