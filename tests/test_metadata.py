"""Tests for fazhi_lib.metadata: titles, jurisdictions, levels, regions, periods, metadata tables."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from fazhi_lib.metadata import (
    ADMIN_LEVELS,
    FIELDS,
    apply_overrides,
    infer_metadata,
    read_metadata_csv,
)
from fazhi_lib.names import find_title

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def meta(text: str = "", title: str | None = None, extra: dict | None = None) -> tuple:
    r = infer_metadata(text, title=title, extra=extra)
    assert set(r) == set(FIELDS)
    return r["jurisdiction"], r["admin_level"], r["region"], r["year_start"], r["year_end"]


# --------------------------------------------------------------------------------------------- find_title


def test_find_title_whole_title_line():
    lines = ["", "工作报告", "", "2023年青山区法治政府建设情况报告", "发布时间:2024-03-20",
             "2023年，青山区坚持…"]
    assert find_title(lines) == 3


def test_find_title_prefers_whole_title_over_split_copy():
    lines = [
        "长沙市岳麓区望城坡街道办事处关于2023年法治政府建设情况的报告",
        "长沙市岳麓区望城坡街道办事处",
        "2023年法治政府建设情况报告",
        "2023年，望城坡街道全面贯彻落实党的二十大精神。",
    ]
    assert find_title(lines) == 0


def test_find_title_split_title_returns_year_line():
    lines = ["宁波市海曙区望春街道办事处", "2024年法治政府建设情况报告", "2024年，望春街道坚持依法行政。"]
    assert find_title(lines) == 1


@pytest.mark.parametrize(
    "line",
    [
        "工作报告",  # column label: too short, no year, no 法治
        "一、2024年法治政府建设工作开展情况",  # numbered heading
        "（二）2023年度依法行政情况",
        "3.2024年法治建设情况",
        "现将我镇2024年法治政府建设情况报告如下：",  # ends with a colon
        "首页 > 政务公开 > 法治政府建设报告",  # breadcrumb
        "[ 主题分类 ] 公安、安全、司法、法制 [ 体裁分类 ] 工作报告",  # web-page field line
        "2024年，我镇深入学习贯彻习近平法治思想，扎实推进依法行政，法治政府建设情况良好，取得了明显成效。",
    ],
)
def test_find_title_rejects_non_titles(line):
    assert find_title([line, "正文内容。"]) is None


def test_find_title_looks_only_at_first_lines():
    lines = ["正文第一段。"] * 30 + ["2023年度法治政府建设情况报告"]
    assert find_title(lines) is None
    assert find_title(lines, max_lines=40) == 30


# ------------------------------------------------------------------------------------------ titles


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("重庆市北碚区天生街道办事处关于2023年法治政府建设情况的报告",
         ("天生街道", "街道", "重庆市北碚区", 2023, 2023)),
        ("青田县船寮镇人民政府2022年度法治政府建设工作报告", ("船寮镇", "镇", "青田县", 2022, 2022)),
        ("中共梅山镇委员会 梅山镇人民政府关于2023年法治政府建设情况的报告",
         ("梅山镇", "镇", None, 2023, 2023)),
        ("2021年黄埔区法治政府建设年度报告", ("黄埔区", "区", None, 2021, 2021)),
        ("城步苗族自治县2023年法治政府建设年度报告", ("城步苗族自治县", "县", None, 2023, 2023)),
        ("鄂温克族自治旗2022年度法治政府建设情况报告", ("鄂温克族自治旗", "县", None, 2022, 2022)),
        (
            "锡林郭勒盟西乌珠穆沁旗巴彦花苏木2023年法治建设工作总结",
            ("巴彦花苏木", "乡", "锡林郭勒盟西乌珠穆沁旗", 2023, 2023),
        ),
        ("广西壮族自治区人民政府关于2022年法治政府建设情况的报告",
         ("广西壮族自治区", "省", None, 2022, 2022)),
        ("阿克苏地区2022年法治政府建设年度报告", ("阿克苏地区", "市", None, 2022, 2022)),
        ("龙胜各族自治县泗水乡2023年法治政府建设情况报告", ("泗水乡", "乡", "龙胜各族自治县", 2023, 2023)),
        # names that hold a suffix character inside
        ("江苏省镇江市京口区正东路街道二〇二三年度法治政府建设情况报告",
         ("正东路街道", "街道", "江苏省镇江市京口区", 2023, 2023)),
        ("济南市市中区2021—2023年法治政府建设工作总结", ("市中区", "区", "济南市", 2021, 2023)),
        ("新乡市新乡县七里营镇2021-2023年法治建设工作情况报告",
         ("七里营镇", "镇", "新乡市新乡县", 2021, 2023)),
        ("萍乡市湘东区2022年法治政府建设年度报告", ("湘东区", "区", "萍乡市", 2022, 2022)),
        ("昭通市镇雄县2022年法治政府建设年度报告", ("镇雄县", "县", "昭通市", 2022, 2022)),
        ("安乡县安全镇关于2022年法治政府建设工作情况的报告", ("安全镇", "镇", "安乡县", 2022, 2022)),
        ("张家口市万全区2023年法治政府建设年度报告", ("万全区", "区", "张家口市", 2023, 2023)),
        # periods
        ("西湖区2021年至2023年法治政府建设工作总结", ("西湖区", "区", None, 2021, 2023)),
        ("滨湖镇2022年法治建设工作情况及2023年工作思路", ("滨湖镇", "镇", None, 2022, 2022)),
        ("关于《法治政府建设实施纲要（2021—2025年）》落实情况暨2023年度法治政府建设的报告",
         (None, None, None, 2023, 2023)),
        ("二〇二四年度法治政府建设情况报告", (None, None, None, 2024, 2024)),
    ],
)
def test_title_gives_jurisdiction_level_region_period(title, expected):
    assert meta(title=title) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("威海市文登区司法局2023年度法治政府建设情况报告", ("文登区司法局", "部门", "威海市", 2023, 2023)),
        ("建湖县住房和城乡建设局2023年度法治政府建设情况报告",
         ("建湖县住房和城乡建设局", "部门", None, 2023, 2023)),
        ("洛阳市市场监督管理局2024年法治政府建设年度报告",
         ("洛阳市市场监督管理局", "部门", None, 2024, 2024)),
        ("南京市鼓楼区发展和改革委员会2022年法治政府建设年度报告",
         ("鼓楼区发展和改革委员会", "部门", "南京市", 2022, 2022)),
        ("宁乡市人民政府办公室2023年度法治政府建设工作报告",
         ("宁乡市人民政府办公室", "部门", None, 2023, 2023)),
        ("广州市卫生健康委关于2024年度法治政府建设情况的报告",
         ("广州市卫生健康委", "部门", None, 2024, 2024)),
        ("区教育局2023年法治政府建设年度报告", ("区教育局", "部门", None, 2023, 2023)),
        ("酉阳土家族苗族自治县交通局2022年度法治政府建设工作报告",
         ("酉阳土家族苗族自治县交通局", "部门", None, 2022, 2022)),
    ],
)
def test_department_titles(title, expected):
    assert meta(title=title) == expected


def test_bare_organ_title_gives_level():
    assert meta(title="市人民政府关于2022年度法治政府建设情况的报告") == (None, "市", None, 2022, 2022)


def test_title_split_over_two_lines_in_text():
    text = "宁波市海曙区望春街道办事处\n2024年法治政府建设情况报告\n2024年，望春街道坚持依法行政。"
    r = infer_metadata(text)
    assert r["title"] == "宁波市海曙区望春街道办事处2024年法治政府建设情况报告"
    assert (r["jurisdiction"], r["admin_level"], r["region"]) == ("望春街道", "街道", "宁波市海曙区")
    assert (r["year_start"], r["year_end"]) == (2024, 2024)


def test_split_title_with_web_fields_between():
    text = "\n".join([
        "秀山土家族苗族自治县林业局",
        "日期:2023-01-14",
        "字号:",
        "2022年度法治政府建设工作报告",
        "2022年以来，我局深入贯彻习近平法治思想。",
    ])
    r = infer_metadata(text)
    assert r["title"] == "秀山土家族苗族自治县林业局2022年度法治政府建设工作报告"
    got = (r["jurisdiction"], r["admin_level"], r["year_start"])
    assert got == ("秀山土家族苗族自治县林业局", "部门", 2022)


def test_organisation_line_above_an_untitled_body():
    text = "秀山土家族苗族自治县林业局\n\n今年以来，我局深入贯彻习近平法治思想，2022年度完成各项任务。"
    assert meta(text) == ("秀山土家族苗族自治县林业局", "部门", None, 2022, 2022)


def test_given_year_line_of_a_split_title_is_completed():
    text = "宁波市海曙区望春街道办事处\n2024年法治政府建设情况报告\n2024年，望春街道坚持依法行政。"
    r = infer_metadata(text, title="2024年法治政府建设情况报告")
    assert r["title"] == "宁波市海曙区望春街道办事处2024年法治政府建设情况报告"
    assert (r["jurisdiction"], r["region"]) == ("望春街道", "宁波市海曙区")


def test_given_title_wins_over_text():
    text = "2022年，红星街道坚持依法行政。"
    assert meta(text, title="白沙镇2023年法治政府建设年度报告") == ("白沙镇", "镇", None, 2023, 2023)


# ------------------------------------------------------------------------------------------ openings


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # full-width punctuation, subject of the first sentence
        ("2023年，红星街道坚持以习近平法治思想为指导，全面推进依法行政。现将有关情况报告如下：",
         ("红星街道", "街道", None, 2023, 2023)),
        # a range with 至
        ("2021年至2023年，凤凰镇深入贯彻习近平法治思想，依法行政水平不断提升。现将三年工作情况报告如下：",
         ("凤凰镇", "镇", None, 2021, 2023)),
        # a range with an em dash, the higher unit named first
        ("2021—2023年，宁都县黄陂镇持续推进法治建设。", ("黄陂镇", "镇", "宁都县", 2021, 2023)),
        # 二〇二三年 and the 纲要 years inside brackets
        ("二〇二三年，梅山镇党委、政府坚持以习近平新时代中国特色社会主义思想为指导，认真落实《法治政府建设实施纲要"
         "（2021—2025年）》。现将有关情况报告如下：", ("梅山镇", "镇", None, 2023, 2023)),
        # 2021年以来 … 三年来
        ("2021年以来，东湖街道深入推进法治建设。三年来，街道累计开展普法活动120场。",
         ("东湖街道", "街道", None, 2021, 2023)),
        # 2021年以来 alone is one year
        ("2021年以来，为规范行政权力运行，宁都县梅江街道办事处开展了法治街道创建活动。",
         ("梅江街道", "街道", "宁都县", 2021, 2021)),
        # the county is the superior, the town the subject
        ("2023年，在衡阳县委、县政府的正确领导下，石市镇坚持依法行政，推进市场监管和城市管理工作。",
         ("石市镇", "镇", None, 2023, 2023)),
        # addressee line, the report's own name after 现将
        ("中共将乐县委员会，将乐县人民政府：\n2024年，白莲镇法治政府建设工作在县委、县政府的有力指导下稳步推进。"
         "现将白莲镇2024年法治建设工作情况及2025年度工作思路总结如下：", ("白莲镇", "镇", None, 2024, 2024)),
        # a department as subject of the opening sentence
        ("县委、县政府：\n2024年以来，教育局坚持以习近平法治思想为指引，持续提升依法治教水平。局党委理论学习中心组"
         "专题学法12次。", ("教育局", "部门", None, 2024, 2024)),
        ("2022年，在市委、市政府的坚强领导下，市生态环境局坚持以习近平法治思想为指导，局党组多次专题研究法治建设。",
         ("市生态环境局", "部门", None, 2022, 2022)),
        # (the only year is inside 《》, so no period)
        ("环翠区自然资源局紧紧围绕《2025年环翠区法治政府建设工作计划》有关要求，扎实推进依法行政。",
         ("环翠区自然资源局", "部门", None, None, None)),
        # 我局 marks a department even with no name
        ("2021年，我局认真总结推进法治政府建设的主要举措和成效，我县依法行政水平进一步提升。",
         (None, "部门", None, 2021, 2021)),
        # no name, only 我镇 / 全镇 / 各乡镇 / 乡村振兴 / 市场监管 / 城区: level 镇, no false place
        ("今年以来，我镇在县委、县政府的坚强领导下，扎实推进乡村振兴和法治建设，全镇干部依法行政能力不断提升，"
         "各乡镇联合开展市场监管执法，城区环境持续改善，城市管理更加规范。2024年，镇党委召开专题会议4次。",
         (None, "镇", None, 2024, 2024)),
        ("今年以来，本街道深入推进法治建设，全街道社区矛盾纠纷化解率达98%。",
         (None, "街道", None, None, None)),
        ("2022年，县人民政府坚持以习近平法治思想为指导，全面推进依法行政。", (None, "县", None, 2022, 2022)),
        ("2024年，内蒙古自治区坚持法治政府建设与经济社会发展同部署。",
         ("内蒙古自治区", "省", None, 2024, 2024)),
    ],
)
def test_openings(text, expected):
    assert meta(text) == expected


def test_web_junk_lines_are_not_evidence():
    text = "\n".join([
        "今天是:2019年10月31日 星期三 农历十月初七",
        "您所在的位置:首页 > 政务公开 > 工作报告",
        "[ 索引号 ] 11500230008689762A/2026-00004 [ 发文字号 ]",
        "[ 发布机构 ] 奉节县竹园镇人民政府 [ 有效性 ]",
        "文章来源:司法局 更新时间:2026/03/29 11:30:01",
        "2025年，竹园镇坚持以习近平法治思想为指导，扎实推进法治政府建设。",
    ])
    assert meta(text) == ("竹园镇", "镇", "奉节县", 2025, 2025)


def test_dates_plans_targets_and_bracketed_years_are_not_the_period():
    text = (
        "根据《全面深化法治领域改革纲要（2023—2027年）》要求，到2035年基本建成法治国家。"
        "2026年1月，区里召开会议。2024年，北山街道以落实“2024年法治建设工作要点”为牵引推进工作。"
    )
    assert meta(text)[3:] == (2024, 2024)
    assert meta("推进法治政府建设实施纲要2021—2025年各项任务。2023年，北山街道依法行政。")[3:] == (2023, 2023)


def test_implausible_years_are_ignored():
    assert meta("1880年的老街。2150年的规划。")[3:] == (None, None)
    assert meta("二〇二二年度，北山街道依法行政。")[3:] == (2022, 2022)


def test_repeated_name_beats_a_name_with_a_verb_stuck_in_front():
    text = (
        "今年以来，坚持依法行政。组织三湖镇干部学法。三湖镇持续推进法治建设。"
        "三湖镇党委召开专题会议。2024年，三湖镇完成各项任务。"
    )
    j, level, *_ = meta(text)
    assert (j, level) == ("三湖镇", "镇")


# ------------------------------------------------------------------------------------------ extra hints


def test_extra_issuing_body_gives_jurisdiction_and_region():
    extra = {"发布机构": "丰都县龙河镇人民政府"}
    assert meta("2025年，在县委、县政府的坚强领导下，深入推进依法行政。", extra=extra) == (
        "龙河镇", "镇", "丰都县", 2025, 2025
    )


def test_extra_source_with_place_and_article_title():
    r = infer_metadata("2022年是关键之年。", extra={"来源": "天心区坡子街街道"})
    assert (r["jurisdiction"], r["admin_level"], r["region"]) == ("坡子街街道", "街道", "天心区")
    r = infer_metadata("正文。", extra={"ArticleTitle": "石门镇2023年法治政府建设工作报告_石门县人民政府网"})
    assert r["title"].startswith("石门镇2023年")
    assert (r["jurisdiction"], r["admin_level"], r["year_start"]) == ("石门镇", "镇", 2023)


def test_bare_office_in_source_does_not_beat_the_text():
    text = "2020年，静海区坚持以习近平法治思想为指导，为全区经济社会发展创造良好法治环境。"
    assert meta(text, extra={"来源": "司法局"})[:2] == ("静海区", "区")


def test_town_report_posted_by_its_county():
    text = "2024年，古田镇坚持依法行政。我镇全年开展普法活动20场。"
    assert meta(text, extra={"发布机构": "将乐县人民政府"})[:2] == ("古田镇", "镇")


def test_empty_input():
    assert meta("") == (None, None, None, None, None)
    assert infer_metadata("", extra={"发布机构": float("nan"), "来源": ""})["jurisdiction"] is None


# ------------------------------------------------------------------------------------------ seeds


SEED_EXPECTED = {
    "000_9f755b4dfb0d80b7.txt": ("金龙坪街道", "街道", 2022, 2024),
    "001_686202f34865f4ac.txt": ("大安街道", "街道", 2024, 2024),
    "002_1e8bc9e5b78090d4.txt": ("三湖镇", "镇", 2024, 2024),
    "003_8743f5666dcadaaf.txt": ("莲花街道", "街道", 2021, 2021),
}


@pytest.mark.parametrize("name", sorted(SEED_EXPECTED))
def test_seed_reports(name):
    r = infer_metadata((SEEDS / name).read_text(encoding="utf-8"))
    assert (r["jurisdiction"], r["admin_level"], r["year_start"], r["year_end"]) == SEED_EXPECTED[name]


def test_seed_regions():
    r = infer_metadata((SEEDS / "001_686202f34865f4ac.txt").read_text(encoding="utf-8"))
    assert r["region"] == "重庆市永川区"
    r = infer_metadata((SEEDS / "003_8743f5666dcadaaf.txt").read_text(encoding="utf-8"))
    assert r["region"] == "西峡县"


def test_seed_without_title_takes_it_from_the_metadata_table():
    r = infer_metadata((SEEDS / "004_95cb7e948b64b50f.txt").read_text(encoding="utf-8"))
    assert r["jurisdiction"] is None and r["admin_level"] == "镇"
    override = {"file_name": "004_95cb7e948b64b50f.txt", "title": "石壁镇2024年法治政府建设工作报告"}
    r = apply_overrides(r, override)
    got = (r["jurisdiction"], r["admin_level"], r["year_start"], r["year_end"])
    assert got == ("石壁镇", "镇", 2024, 2024)
    assert r["title"] == "石壁镇2024年法治政府建设工作报告"
    assert "file_name" not in r


# ------------------------------------------------------------------------------------------ apply_overrides

INFERRED = {
    "title": None, "jurisdiction": "红星街道", "admin_level": "街道", "region": "宁都县",
    "year_start": 2022, "year_end": 2024,
}


def test_overrides_win_and_blanks_do_not():
    before = dict(INFERRED)
    r = apply_overrides(INFERRED, {"region": "赣州市宁都县", "jurisdiction": "", "admin_level": None,
                                   "year_start": float("nan"), "year_end": pd.NA, "note": "checked"})
    assert INFERRED == before
    assert r["region"] == "赣州市宁都县" and r["jurisdiction"] == "红星街道" and r["admin_level"] == "街道"
    assert (r["year_start"], r["year_end"]) == (2022, 2024)
    assert r["note"] == "checked"


def test_override_title_reinfers_the_rest():
    r = apply_overrides(INFERRED, {"title": "青田县船寮镇人民政府2023年度法治政府建设工作报告"})
    assert (r["jurisdiction"], r["admin_level"], r["region"], r["year_start"], r["year_end"]) == (
        "船寮镇", "镇", "青田县", 2023, 2023
    )


def test_override_title_does_not_beat_explicit_fields():
    r = apply_overrides(INFERRED, {"title": "船寮镇2023年度法治政府建设工作报告", "year_start": "2021",
                                   "year_end": "2023年"})
    assert (r["jurisdiction"], r["year_start"], r["year_end"]) == ("船寮镇", 2021, 2023)


def test_override_jurisdiction_sets_level_and_drops_stale_region():
    r = apply_overrides(INFERRED, {"jurisdiction": "白沙镇"})
    assert (r["jurisdiction"], r["admin_level"], r["region"]) == ("白沙镇", "镇", None)
    r = apply_overrides(INFERRED, {"jurisdiction": "红星街道"})
    assert r["region"] == "宁都县"


def test_override_one_end_of_the_period():
    assert apply_overrides(INFERRED, {"year_start": 2023.0})[("year_start")] == 2023
    r = apply_overrides(INFERRED, {"year_start": 2023})
    assert (r["year_start"], r["year_end"]) == (2023, 2023)
    r = apply_overrides(INFERRED, {"year_start": 2022})
    assert (r["year_start"], r["year_end"]) == (2022, 2024)
    r = apply_overrides(INFERRED, {"year": "2021"})
    assert (r["year_start"], r["year_end"]) == (2021, 2021)
    with pytest.raises(ValueError, match="not a year"):
        apply_overrides(INFERRED, {"year_start": "去年"})


# ------------------------------------------------------------------------------------------ read_metadata_csv

CSV_TEXT = (
    "file_name,title,jurisdiction,year_start,year_end,备注\n"
    "a/004_石壁.txt,石壁镇2024年法治政府建设工作报告,,2024,2024,已核对\n"
    "005.txt,,红星街道,,,\n"
)


def test_read_metadata_csv_utf8_bom(tmp_path):
    p = tmp_path / "metadata.csv"
    p.write_bytes(CSV_TEXT.encode("utf-8-sig"))
    df = read_metadata_csv(p)
    assert list(df.columns) == ["file_name", "title", "jurisdiction", "year_start", "year_end", "备注"]
    assert list(df["file_name"]) == ["004_石壁.txt", "005.txt"]
    assert df.loc[0, "备注"] == "已核对"
    assert df.loc[1, "title"] is None
    assert str(df["year_start"].dtype) == "Int64"
    assert df.loc[0, "year_start"] == 2024 and pd.isna(df.loc[1, "year_start"])


def test_read_metadata_csv_gb18030_and_filename_alias(tmp_path):
    p = tmp_path / "metadata.csv"
    p.write_bytes(CSV_TEXT.replace("file_name", "Filename").encode("gb18030"))
    df = read_metadata_csv(p)
    assert df.loc[0, "title"] == "石壁镇2024年法治政府建设工作报告"
    assert df.loc[1, "jurisdiction"] == "红星街道"
    row = df.to_dict("records")[0]
    r = apply_overrides(infer_metadata(""), row)
    assert (r["jurisdiction"], r["admin_level"], r["year_start"]) == ("石壁镇", "镇", 2024)


def test_read_metadata_csv_plain_utf8_tab_separated(tmp_path):
    p = tmp_path / "metadata.tsv"
    p.write_text("file\ttitle\nx.txt\t白沙镇2023年法治政府建设年度报告\n", encoding="utf-8")
    df = read_metadata_csv(p)
    assert df.to_dict("records") == [{"file_name": "x.txt", "title": "白沙镇2023年法治政府建设年度报告"}]


def test_read_metadata_csv_duplicate_names(tmp_path):
    p = tmp_path / "metadata.csv"
    p.write_text("file_name,title\nx.txt,a\ny.txt,b\nsub/x.txt,c\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"repeat.*x\.txt"):
        read_metadata_csv(p)


def test_read_metadata_csv_missing_key(tmp_path):
    p = tmp_path / "metadata.csv"
    p.write_text("name,title\nx.txt,a\n", encoding="utf-8")
    with pytest.raises(ValueError, match="file_name"):
        read_metadata_csv(p)


def test_read_metadata_csv_bad_year(tmp_path):
    p = tmp_path / "metadata.csv"
    p.write_text("file_name,year_start\nx.txt,next year\n", encoding="utf-8")
    with pytest.raises(ValueError, match="row 2 column year_start"):
        read_metadata_csv(p)


# ------------------------------------------------------------------------------------------ misc


def test_levels_are_documented_values():
    texts = ["2023年，红星街道坚持依法行政。", "二〇二三年，宁都县坚持依法行政。",
             "2023年，我局坚持依法行政。"]
    for t in texts:
        assert infer_metadata(t)["admin_level"] in ADMIN_LEVELS


def test_years_are_ints():
    r = infer_metadata("2023年，红星街道坚持依法行政。")
    assert isinstance(r["year_start"], int) and not isinstance(r["year_start"], bool)
    assert not math.isnan(r["year_end"])


# ------------------------------------------------------------------------------ the smallest issuing unit


@pytest.mark.parametrize(("title", "extra", "expected"), [
    ("重庆市永川区人民政府大安街道办事处关于2024年法治政府建设情况的报告", None, ("大安街道", "街道", "重庆市永川区")),
    ("北京市密云区人民政府果园街道办事处2025年法治政府建设情况报告", None, ("果园街道", "街道", "北京市密云区")),
    (None, {"发布机构": "上海市宝山区人民政府杨行镇"}, ("杨行镇", "镇", "上海市宝山区")),
])
def test_an_office_inside_a_governments_name_is_the_offices_unit(title, extra, expected):
    text = "2024年，我街道坚持依法行政，全年开展普法活动20场。"
    assert meta(text, title=title, extra=extra)[:3] == expected


def test_a_department_named_by_its_level_alone_is_the_one_named_with_its_place():
    text = ("2022年，在区委、区政府的坚强领导下，綦江区司法局坚持以习近平法治思想为指导，深入推进法治建设。"
            "区司法局主要领导作为第一责任人，带头履行职责。区司法局全年办理复议案件12件。")
    assert meta(text)[:2] == ("綦江区司法局", "部门")


def test_a_department_named_by_its_level_alone_takes_its_place_from_the_addressee():
    text = ("乳山市委、乳山市人民政府：\n"
            "2024年，在市委市政府的正确领导下，市市场监管局把握新形势，全年立案查办案件759起。")
    assert meta(text)[:2] == ("乳山市市场监管局", "部门")
    # without a place of its level anywhere it stays as written
    assert meta("县委、县政府：\n2024年，县教育局坚持依法治教，我局全年开展培训12次。")[:2] == ("县教育局", "部门")


def test_a_report_naming_its_unit_by_its_short_name():
    text = ("2024年，在党中央、国务院的坚强领导下，全省各级行政机关坚持依法行政，以法治政府建设引领法治青海建设。"
            "我们始终把贯彻落实习近平总书记对青海工作的重要讲话精神作为重大政治任务，把青海各项工作纳入法治化轨道。"
            "243项政务服务事项实现跨省通办。")
    assert meta(text)[:2] == ("青海省", "省")
    text = ("2023年，巴州党委、政府坚持以习近平新时代中国特色社会主义思想为指导。"
            "州党委、政府始终将法治政府建设摆在突出位置。")
    assert meta(text)[:2] == ("巴音郭楞蒙古自治州", "市")
    # a town's report quoting its province does not become the province's
    text = "2024年，我镇深入学习贯彻习近平总书记考察江苏重要讲话精神，江苏各地法治建设成效明显，全镇开展普法活动20场。"
    assert meta(text)[1] == "镇"


def test_a_number_and_its_measure_word_are_no_place_and_cited_plans_name_the_unit():
    assert meta("督察组12日启程前往全国8个省区市，开展为期一周的法治政府建设督察。")[0] is None
    text = ("2024年，在区委的正确领导下，区政府坚持以习近平法治思想为指导。区政府主要负责人主持召开2次区政府常务会议，"
            "制定印发《2024年度建安区法治政府建设工作要点》，制定《建安区提升行政执法质量行动实施方案》。")
    assert meta(text)[:2] == ("建安区", "区")


def test_publishing_fields_one_per_line_in_the_text():
    text = ("发布机构：\n某某县白沙镇人民政府\n来源：\n某某县司法局\n"
            "2024年，全镇上下坚持依法行政，全年开展普法活动20场。")
    assert meta(text)[:3] == ("白沙镇", "镇", "某某县")


@pytest.mark.parametrize("head", [
    "关于法治政府建设情况的报告\n二〇二五年一月十日",
    "关于法治政府建设情况的报告\n（2025年1月10日）\n发布日期：2025-01-15",
    "某某县人民政府关于法治政府建设情况的报告\n深入贯彻党的二十届三中全会和县委十五届七次全会精神。",
])
def test_the_reported_year_not_a_date_or_plenum_nearer_the_top(head):
    r = infer_metadata(head + "\n2024年，某某县坚持依法行政，全年办理复议案件12件。")
    assert (r["year_start"], r["year_end"]) == (2024, 2024)


def test_title_split_over_lines_is_joined_the_same_as_on_one_line():
    body = "2023年，在县委、县政府的正确领导下，桐木漯瑶族乡深入推进依法行政。"
    split = infer_metadata(f"桐木漯瑶族乡人民政府关于2023年度法治政府建设\n工作的报告\n{body}")
    assert split["title"] == "桐木漯瑶族乡人民政府关于2023年度法治政府建设工作的报告"
    # a page title without the unit, then the unit's line and the title again: the title with its unit
    lines = ["2023年法治政府建设工作年度报告", "广元市人力资源和社会保障局", "2023年法治政府建设工作年度报告",
             "2023年，我局坚持依法行政。"]
    r = infer_metadata("\n".join(lines))
    assert r["title"] == "广元市人力资源和社会保障局2023年法治政府建设工作年度报告"
    assert (r["jurisdiction"], r["admin_level"]) == ("广元市人力资源和社会保障局", "部门")


def test_a_verb_before_a_level_or_an_office_is_no_name():
    text = ("2023年，我局坚持以习近平法治思想为指导，全面贯彻落实省、市、区关于法治政府建设各项部署要求。"
            "加强行政争议源头化解，贯彻落实局《行政争议化解工作规则》，上城区人力社保局全年化解争议12件。")
    assert meta(text)[:2] == ("上城区人力社保局", "部门")
