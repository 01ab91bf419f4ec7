"""fazhi_lib.annotate: the cleaned text with every extraction marked — each element's text exactly its slice, for
nested, identical, crossing and invalid ranges and for any text, with report text and attribute values escaped."""

from __future__ import annotations

import pandas as pd
from htmlcheck import check_contract, marked, offsets, parse, whole_ranges
from hypothesis import given, settings
from hypothesis import strategies as st

from fazhi_lib import annotate as an

PAYLOAD = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">" onmouseover="x'


def _elements(text: str, marks: list[an.Mark]):
    body, unplaced = an.layout(text, marks)
    root = parse(body)
    assert root.text() == text  # the text is written once, whole, in order
    return root, check_contract(root, text), unplaced


def test_nested_marks_nest_in_the_page():
    text = "一、主要举措\n开展普法活动25场次，推行法律明白人制度。"
    marks = [an.Mark(0, len(text), "section"), an.Mark(0, 6, "heading"), an.Mark(7, len(text), "item"),
             an.Mark(13, 17, "metric"), an.Mark(20, 25, "measure")]
    root, elements, unplaced = _elements(text, marks)
    assert unplaced == []
    assert [offsets(e) for e in elements] == [("section", 0, len(text)), ("item", 7, len(text)),
                                              ("metric", 13, 17), ("measure", 20, 25)]
    metric = elements[2]
    assert [a.attrs.get("data-kind") for a in metric.ancestors() if "data-kind" in a.attrs] == ["item", "section"]
    assert metric.text() == "25场次"
    heading = [el for el in root.iter() if el.attrs.get("class") == "heading"]
    assert heading and heading[0].text() == "一、主要举措" and "data-kind" not in heading[0].attrs


def test_identical_ranges_nest_section_item_problem():
    text = "一是执法力量不足。"
    marks = [an.Mark(0, 9, "problem"), an.Mark(0, 9, "item"), an.Mark(0, 9, "section")]
    _, elements, _ = _elements(text, marks)
    assert [e.attrs["data-kind"] for e in elements] == ["section", "item", "problem"]


def test_crossing_marks_are_split_into_fragments_that_tile_their_range():
    text = "全年受理矛盾纠纷58件调解成功率98%"
    marks = [an.Mark(4, 11, "measure"), an.Mark(8, 14, "metric")]
    _, elements, _ = _elements(text, marks)
    frags = [e for e in elements if "frag" in e.attrs.get("class", "")]
    assert [offsets(e) for e in frags] == [("metric", 8, 11), ("metric", 11, 14)]
    assert all(e.attrs["data-whole"] == "8-14" for e in frags)
    assert whole_ranges(elements) == {("measure", 4, 11): 1, ("metric", 8, 14): 1}


def test_a_heading_crossing_an_extraction_is_cut_instead():
    text = "（一）开展普法活动25场次。全年如此"
    marks = [an.Mark(0, 11, "heading"), an.Mark(9, 13, "metric")]
    root, elements, _ = _elements(text, marks)
    assert [offsets(e) for e in elements] == [("metric", 9, 13)]  # whole, not split
    headings = [el.text() for el in root.iter() if el.attrs.get("class") == "heading"]
    assert "".join(headings) == text[:11]


def test_marks_outside_the_text_or_empty_are_reported_not_placed():
    text = "一二三四五"
    bad = [an.Mark(3, 3, "metric"), an.Mark(4, 9, "metric"), an.Mark(-1, 2, "item")]
    _, elements, unplaced = _elements(text, [an.Mark(0, 5, "section"), *bad])
    assert [offsets(e) for e in elements] == [("section", 0, 5)]
    assert unplaced == bad


def test_report_text_and_attribute_values_are_escaped():
    text = f"开头{PAYLOAD}结尾\r\n下一行"
    info = f'指标 "{PAYLOAD}" & \'单引号\'\r'
    mark = an.Mark(2, 2 + len(PAYLOAD), "metric", classes=("target",), attrs=(("data-info", info), ("title", info)))
    root, elements, _ = _elements(text, [mark])
    assert [e.tag for e in root.iter()] == ["#document", "span"]  # no <script>, no <img>
    assert elements[0].attrs["data-info"] == info and elements[0].attrs["title"] == info
    assert not [k for e in root.iter() for k in e.attrs if k.startswith("on")]
    assert "\r" in root.text()  # a carriage return survives the HTML parser


@st.composite
def _text_and_marks(draw):
    text = draw(st.text(alphabet=st.sampled_from([*list("法治报告一二三、。\n <>&\"'\r"), "𠮷", "\u3000"]),
                        max_size=60))
    n = len(text)
    kinds = st.sampled_from([*an.KINDS, "heading"])
    marks = draw(st.lists(st.builds(lambda a, b, k: an.Mark(min(a, b), max(a, b), k),
                                    st.integers(-2, n + 2), st.integers(-2, n + 2), kinds), max_size=25))
    unique = {(m.start, m.end, m.kind): m for m in marks}  # one mark per range and kind (as the tables have)
    return text, list(unique.values())


@settings(max_examples=300, deadline=None)
@given(_text_and_marks())
def test_any_marks_on_any_text_keep_the_contract(case):
    text, marks = case
    _, elements, unplaced = _elements(text, marks)
    valid = [m for m in marks if 0 <= m.start < m.end <= len(text)]
    assert sorted(unplaced, key=repr) == sorted([m for m in marks if m not in valid], key=repr)
    expected = {(m.kind, m.start, m.end): 1 for m in valid if m.kind in an.KINDS}
    assert whole_ranges(elements) == expected


def test_heading_length():
    text = "（一）强化组织领导。一是……\n【基本情况】\n正文"
    second = text.index("【")
    assert an.heading_length(text, 0, second - 1, marker="（一）", heading="强化组织领导") == 9
    assert an.heading_length(text, second, len(text), marker="【基本情况】", heading="基本情况") == 6
    assert an.heading_length(text, 0, second - 1, marker="", heading="某某镇2024年法治政府建设年度报告") == 0


def test_details_leave_out_empty_fields_and_speak_the_language():
    zh = an.details("metric", 3, 7, [("d.raw", "58件"), ("d.year", None), ("d.unit", "")], lang="zh")
    assert zh.splitlines() == ["指标数值 · 第 3–7 字", "原文：58件"]
    en = an.details("metric", 3, 7, [("d.raw", "58件")], lang="en")
    assert en.splitlines() == ["Numbers · characters 3–7", "as written: 58件"]


def test_marks_from_tables_carry_their_details():
    metrics = pd.DataFrame({"start": [5], "end": [8], "raw": ["58件"], "value": [58.0], "unit": ["件"],
                            "unit_kind": ["count"], "approx": [False], "bound": ["min"], "target": [True],
                            "year": pd.array([2024], dtype="Int64"), "cumulative": [False],
                            "indicator": ["受理矛盾纠纷"], "canonical_indicator": ["受理矛盾纠纷数"], "role": [""]})
    (mark,) = an.metric_marks(metrics, "en")
    info = dict(mark.attrs)["data-info"]
    for shown in ("value in base units: 58 件", "kind of quantity: count", "target: yes", "year: 2024",
                  "bound: at least", "canonical indicator: 受理矛盾纠纷数"):
        assert shown in info
    assert "target" in mark.classes
    measures = pd.DataFrame({"start": [0], "end": [4], "planned": [True], "term": ["法律顾问"],
                             "surface": ["法律顾问制度"], "kind": ["制度"], "dimension": [None], "source": ["lexicon"]})
    (mark,) = an.measure_marks(measures, "zh")
    info = dict(mark.attrs)["data-info"]
    assert "已开展或计划：计划" in info and "领域：未分类" in info and mark.classes == ("planned",)


def test_annotated_text_block_has_switches_legend_and_jump_list():
    text = "导语\n一、主要举措\n开展普法活动25场次。"
    sections = pd.DataFrame({"start": [0, 3], "end": [2, len(text)], "level": [1, 1], "marker": ["", "一、"],
                             "heading": ["", "主要举措"], "part": ["preamble", "measures"]})
    items = pd.DataFrame({"item_id": ["i1"], "start": [10], "end": [len(text)], "part": ["measures"],
                          "marker": [""], "title": ["开展普法活动"], "kind": ["paragraph"]})
    empty_metrics = pd.DataFrame(columns=["start", "end", "raw", "value", "unit", "unit_kind", "approx", "bound",
                                          "target", "year", "cumulative", "indicator", "canonical_indicator", "role"])
    empty_measures = pd.DataFrame(columns=["start", "end", "planned", "term", "surface", "kind", "dimension",
                                           "source"])
    block = an.annotated_text(text, sections, items, empty_metrics, empty_measures, None, lang="zh")
    root = parse(block)
    toggles = [el.attrs["data-toggle"] for el in root.iter() if "data-toggle" in el.attrs]
    assert toggles == list(an.KINDS)
    links = [(el.attrs["href"], el.text()) for el in root.iter() if el.tag == "a"]
    assert links == [("#part-1", "导语"), ("#part-2", "一、主要举措")]
    ids = {el.attrs.get("id") for el in marked(root)}
    assert {"part-1", "part-2"} <= ids
    (text_box,) = [el for el in root.iter() if el.attrs.get("id") == "fz-text"]
    assert text_box.text() == text and text_box.attrs["lang"] == "zh-CN"
