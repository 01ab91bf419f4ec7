"""Texts written for the tests, shared by several test modules: problem statements of three reports and one short
report with every part."""

from __future__ import annotations

import pandas as pd

PROBLEMS = {
    "a": [("普法宣传方式单一", "普法仍以发放资料、悬挂横幅为主，新媒体普法运用不多。"),
          ("执法力量不足", "乡镇综合执法队人员少，具有执法资格的人员不足，执法装备落后。"),
          ("矛盾纠纷调解不及时", "村级人民调解组织作用发挥不够，部分纠纷调解不及时。")],
    "b": [("法治宣传教育针对性不强", "法治宣传教育形式单一，对青少年、老年人等重点人群的普法不够精准。"),
          ("行政执法队伍薄弱", "执法人员数量不足，专业素质不高，执法力量难以满足需要。")],
    "c": [("人民调解作用发挥不充分", "调解员队伍老化，矛盾纠纷调解成功率不高，调解组织作用发挥不充分。"),
          ("普法形式缺乏创新", "普法宣传形式缺乏创新，群众参与普法活动的积极性不高。")],
}


def items_frame(problems: dict, plans: dict, copies: int = 1) -> pd.DataFrame:
    """An items table (the columns the analyses read) of the given problems and plans, ``{doc: [(title, text)]}``;
    with ``copies`` > 1 each report appears that many times, its doc_id suffixed 0, 1, …"""
    rows = []
    for i in range(copies):
        sfx = "" if copies == 1 else str(i)
        for part, table in (("problems", problems), ("plans", plans)):
            for doc, statements in table.items():
                for n, (title, text) in enumerate(statements):
                    rows.append(dict(doc_id=doc + sfx, item_id=f"{doc}{sfx}-{part[:2]}{n}", section_id=f"{doc}-s",
                                     part=part, marker="", title=title, text=f"{title}。{text}", start=0, end=1,
                                     kind="inline"))
    return pd.DataFrame(rows)


REPORT = """某某镇2024年法治政府建设年度报告

2024年，某某镇深入学习贯彻习近平法治思想，扎实推进法治政府建设。
一、主要举措和成效
（一）强化组织领导。一是落实党政主要负责人履行推进法治建设第一责任人职责。二是召开专题会议4次。
（二）推进依法行政。全年开展行政执法检查12次，受理矛盾纠纷58件，调解成功率达98%。
二、存在的不足
一是法治宣传形式单一。二是执法人员专业能力有待提升。
三、下一步工作打算
一是创新法治宣传形式。二是加强执法人员培训。
"""
