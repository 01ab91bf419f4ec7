"""Mechanism extraction on sentences written in the style of real reports (not the seeds)."""

from __future__ import annotations

import pandas as pd

from fazhi_lib.measures import dimension_of, extract_measures, find_terms, measures_frame
from fazhi_lib.structure import parse_rows


def measures_of(text: str) -> pd.DataFrame:
    sections, items = parse_rows(text, "d")
    return measures_frame(extract_measures(text, "d", sections, items))


def terms(text: str) -> list[str]:
    return [t["term"] for t in find_terms(text)]


def test_lexicon_variants_map_to_one_term():
    assert terms("全面推行一村(社区)一法律顾问制度，实现村居法律顾问全覆盖。")[0] == "一村一法律顾问"
    assert terms("建立“司法所+法律顾问”联动机制") == terms("建立“法律顾问+司法所”联动机制") == ["法律顾问+司法所"]
    assert terms("深化新时代“枫桥经验”，推行说理式执法，落实首违不罚清单。") == ["枫桥经验", "说理式执法", "首违不罚"]
    assert "法律明白人" in terms("培育“法律明白人”326名")


def test_law_and_document_titles_and_dates_are_not_measures():
    found = terms("学习《中华人民共和国民法典》《安全生产法》《法律顾问工作规则》，宣传宪法、民法典、行政处罚法，"
                  "开展“12·4”国家宪法日和“3·15”活动。")
    assert not {"民法典", "中华人民共和国民法典", "安全生产法", "宪法", "行政处罚法", "12·4", "3·15"} & set(found)
    assert "法律顾问" not in found  # only inside a title here
    assert found == ["宪法宣传周"]


def test_quoted_names_presented_as_mechanisms_but_not_emphasis():
    found = terms("成立“积案化解专班”，推行“民情恳谈会”制度，创新“五民五治”工作法，推行“马上就办”，"
                  "为决策把好“法律关”，实现服务“零距离”，坚持“一把尺子量到底”。")
    assert {"积案化解专班", "民情恳谈会", "五民五治"} <= set(found)
    assert "马上就办" in found  # a named practice put into practice
    assert "法律关" not in found and "零距离" not in found
    short = find_terms("在社区成立“爱心”调解室")
    assert short[0]["term"] == "爱心调解室" and short[0]["surface"] == "爱心”调解室"


def test_noun_phrases_with_mechanism_suffixes():
    found = terms("建立行政执法过错责任追究机制，健全工作机制，完善考核机制，打造“一站式”矛盾纠纷调处中心。")
    assert "行政执法过错责任追究机制" in found
    assert "工作机制" not in found and "考核机制" not in found


def test_done_versus_planned_and_dimensions():
    text = ("一、主要举措和成效\n（一）推行说理式执法。全年开展以案释法活动12场。\n二、存在的问题\n"
            "一是普法形式单一。二是"
            "以案释法开展较少。\n三、下一步工作打算\n一是推行首违不罚。二是建立三调联动机制。")
    df = measures_of(text)
    done = set(df[~df["planned"] & df["part"].isin(["measures", "effects"])]["term"])
    planned = set(df[df["planned"]]["term"])
    assert done == {"说理式执法", "以案释法"} and planned == {"首违不罚", "三调联动"}
    assert set(df[df["part"] == "problems"]["term"]) == {"以案释法"}
    assert dict(zip(df["term"], df["dimension"], strict=False))["三调联动"] == "dispute_resolution"
    for r in df.itertuples():
        assert text[r.start:r.end] == r.surface and r.surface in r.sentence


def test_dimension_of_unlisted_terms():
    assert dimension_of("说理式执法") == "law_enforcement"
    assert dimension_of("积案化解专班") == "dispute_resolution"
    assert dimension_of("智慧普法平台") == "technology"
    assert dimension_of("板凳传习会") is None
