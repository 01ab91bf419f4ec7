"""Cleaning on realistic web-page junk written for these tests."""

from __future__ import annotations

import time
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fazhi_lib.clean import clean_text, normalize_chars, to_simplified, web_fields

BODY = [
    "2023年，某某镇坚持以习近平法治思想为指导，现将有关情况报告如下：",
    "一、主要举措和成效",
    "（一）强化组织领导。全年召开专题会议４次，开展会前学法１２次。",
    "二、存在的问题",
    "（一）普法形式单一。群众参与度不高。",
]
TITLE = "某某镇2023年度法治政府建设情况报告"

PAGE = [
    "澳门新葡京娱乐城官网",
    "今天是：2024年1月5日 星期五 农历冬月廿四",
    "您当前所在位置：首页 > 政务公开 > 法治政府建设报告",
    "首页 > 政务公开 > 乡镇街道",
    "[ 索引号 ] 11500230008689762A/2024-00004 [ 发文字号 ]",
    "[ 发布机构 ] 某某县某某镇人民政府 [ 有效性 ]",
    "| 索引号 | 6207250034/2024-00051 | 发文字号 | |",
    "  • 成文日期：2024-01-06",
    "- 备注/文号: 某镇委〔2024〕5号",
    "图片",
    TITLE,
    "发布时间：2024-01-29 来源：某某镇 字体大小：大 中 小",
    *BODY,
    "【打印本页】【关闭窗口】",
    "分享到：微信 微博 QQ空间",
    "扫一扫在手机打开当前页",
    "上一篇：关于2022年度法治政府建设情况的报告",
    "版权所有：某某县人民政府 网站标识码：5002300001 渝ICP备05003300号",
]


def test_web_junk_is_removed_and_audited():
    result = clean_text("\n".join(PAGE))
    lines = result.text.split("\n")
    assert lines[0] == TITLE
    assert len(lines) == 1 + len(BODY)
    for junk in ("新葡京", "今天是", "所在位置", "索引号", "发布机构", "成文日期", "文号", "图片", "发布时间",
                 "打印本页", "分享到", "扫一扫", "上一篇", "版权所有"):
        assert junk not in result.text, junk
    reasons = {r["reason"] for r in result.removed}
    assert {"spam or ad", "date banner", "breadcrumb", "web meta field", "media label", "print/close bar",
            "share bar", "scan to phone", "related links", "site footer"} <= reasons
    assert len(result.removed) == len(PAGE) - 1 - len(BODY)
    assert result.title == TITLE
    assert result.fields["发布机构"] == "某某县某某镇人民政府"


def test_site_toolbars_are_removed_but_sentences_about_them_stay():
    raw = ("无障碍浏览 | 长者模式 | 繁體\n视力保护色：\n关于2024年度法治政府建设情况的报告\n一、主要工作\n扫码阅读\n"
           "无障碍环境建设是重要工作内容，全年改造无障碍设施12处。")
    result = clean_text(raw)
    assert result.text.split("\n") == ["关于2024年度法治政府建设情况的报告", "一、主要工作",
                                        "无障碍环境建设是重要工作内容,全年改造无障碍设施12处。"]
    assert [r["reason"] for r in result.removed] == ["site toolbar", "site toolbar", "scan to phone"]


def test_cleaned_text_stays_nfkc_equivalent():
    raw = "\n".join([TITLE, *BODY])
    result = clean_text(raw)

    def key(s: str) -> str:
        return "".join(unicodedata.normalize("NFKC", s).split())

    assert key(result.text) == key(raw)
    assert "（一）" not in result.text and "(一)" in result.text  # full-width folded
    assert "4次" in result.text


def test_character_normalisation_counts():
    text, counts = normalize_chars("切实履行 “第一责任人” 责任，\u200b配备 6名\u3000同志\r\nLED 显示屏 11:30:01 \ufffd")
    assert text == "切实履行“第一责任人”责任,配备6名 同志\nLED显示屏11:30:01"
    assert counts["invisible or broken characters removed"] == 2
    assert counts["full-width characters folded"] == 2


def test_spaces_between_ascii_words_are_kept():
    text, _ = normalize_chars("更新时间:2021/03/29 11:30:01 使用 LED display 显示屏")
    assert "2021/03/29 11:30:01" in text and "LED display" in text and "使用LED" in text


def test_spaces_between_names_are_kept_letter_spacing_is_not():
    title = "中共某某镇委员会 某某镇人民政府关于2025年法治政府建设情况的报告"
    text, _ = normalize_chars(f"{title}\n索 引 号: 1234\n法 治 政 府 建 设")
    assert text.split("\n") == [title, "索引号:1234", "法治政府建设"]


def test_spam_line_before_title_without_keyword_is_an_orphan():
    raw = "\n".join(["欧洲杯竞猜官方指定网站", "图片", TITLE, *BODY])
    result = clean_text(raw)
    assert "竞猜" not in result.text
    assert any(r["reason"].startswith("orphan") for r in result.removed)


def test_body_sentences_are_never_boilerplate():
    body = ["一、主要工作", "来源：群众来信来访是我们了解社情民意的重要渠道，全年受理来信36件。",
            "时间:2024年3月,组织开展“宪法宣传周”活动,发放资料2000余份,覆盖群众3000人次,取得良好效果,受到群众欢迎。"]
    result = clean_text("\n".join(body))
    assert result.text.split("\n") == [body[0], body[1].replace("：", ":").replace("，", ","),
                                       body[2]]


def test_column_label_only_in_the_head():
    raw = "案例内容\n【基本情况】\n2021年以来，某街道开展法治街道创建活动，取得明显成效。\n内容\n"
    result = clean_text(raw)
    assert result.text.startswith("【基本情况】")
    assert result.text.endswith("内容")  # the same word later in the body stays


def test_traditional_report_is_converted():
    trad = "關於2023年度法治政府建設情況的報告\n一、主要舉措和成效\n二、存在的問題\n三、下一步工作打算"
    text, n = to_simplified(trad)
    assert text.startswith("关于2023年度法治政府建设情况的报告") and "存在的问题" in text and n > 5
    simple = "关于2023年度法治政府建设情况的报告，乾坤"
    assert to_simplified(simple) == (simple, 0)
    result = clean_text(trad)
    assert result.changes["traditional characters converted to simplified"] == n


def test_web_fields_of_one_line():
    fields = web_fields("时间:2026/01/06 14:10:49来源:某某区卫生健康局浏览次数:")
    assert fields == {"来源": "某某区卫生健康局"}


_JUNK = ["扫一扫在手机打开当前页", "图片", "首页 > 政务公开", "[ 索引号 ] 123", "版权所有", "澳门葡京", "一、主要工作",
         "（一）加强领导。", "关于2024年法治政府建设情况的报告", "\n", "\n", "　", "\u200b", "\ufffd", "，", "。",
         "2024年"]


def _chars(texts) -> str:
    return "".join("".join(t.split()) for t in texts)


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_JUNK), st.text(max_size=8)), max_size=40))
def test_clean_never_crashes_and_accounts_for_every_character(pieces):
    raw = "".join(pieces)
    result = clean_text(raw)
    normalized, _ = normalize_chars(raw)
    kept = result.text.split("\n") if result.text else []
    assert all(kept), "no empty lines"
    # the kept text is the normalised input, in order, less what the audit says was removed: nothing is lost
    # without a row saying why, nothing is invented (junk may be cut out of a line, not only whole lines)
    source = _chars([to_simplified(normalized)[0]])
    assert _is_subsequence(_chars(kept), source)
    assert sorted(_chars(kept) + _chars(r["text"] for r in result.removed)) == sorted(source)
    assert all(r["reason"] for r in result.removed)


# ---- junk by kind ----------------------------------------------------------------------------------------------------

ONE_FIELD_PER_LINE = ["索引号:", "11500230008689762A/2025-00012", "发布机构:", "某某县某某镇人民政府",
                      "责任编辑:", "张三", "成文日期:", "2025-01-06", "字号:", TITLE, *BODY]


def test_publishing_block_given_one_field_per_line():
    # a field name alone on its line and its value on the next (责任编辑 once made the cleaner raise)
    result = clean_text("\n".join(ONE_FIELD_PER_LINE))
    assert result.text.split("\n")[0] == TITLE
    assert len(result.text.split("\n")) == 1 + len(BODY)
    assert result.fields["发布机构"] == "某某县某某镇人民政府"
    assert {r["reason"] for r in result.removed} == {"web meta field"}


def _one_line(lines: list[str], joiner: str) -> str:
    return joiner.join(lines)


HEAD_JUNK = ["首页 > 政务公开 > 工作报告", TITLE,
             "发布时间：2025-01-29 10:20 来源：某某镇人民政府 【字体：大 中 小】【打印】", "浏览次数：",
             "某某县委、县人民政府："]


@pytest.mark.parametrize("joiner", ["", " "])
def test_page_copied_as_one_line_loses_its_head_junk_and_keeps_title_and_addressee(joiner):
    lines = clean_text("\n".join([*HEAD_JUNK, *BODY])).text.split("\n")
    assert lines[:2] == [TITLE, "某某县委、县人民政府:"]
    one = clean_text(_one_line([*HEAD_JUNK, *BODY], joiner))
    got = one.text.split("\n")
    assert got[:2] == lines[:2]
    assert "".join(got[2:]).replace(" ", "") == "".join(lines[2:]).replace(" ", "")
    assert one.title == TITLE
    assert one.fields["来源"] == "某某镇人民政府"
    assert {"breadcrumb", "web meta field", "font size bar", "print/close bar"} <= {r["reason"] for r in one.removed}


@pytest.mark.parametrize(("junk", "kind"), [
    ("某某镇2024年度法治政府建设情况报告_公开目录_某某市某某区人民政府门户网站", "site name joined to title"),
    ("2023-03-27 17:05 来源: 某某省人民政府网 【字体：  打印", "publishing stamp"),
    ("政策法规科 2023-12-29", "publishing stamp"),
    ("首页 | 政务公开 | 政务服务 | 互动交流 | 走进某某", "portal menu"),
    ("Home | About Us | Sitemap | 中文", "portal menu"),
    ("设为首页 | 收藏本站 | 无障碍辅助浏览工具条", "portal menu"),
    ("4300000001/2026-00628", "index number"),
    ("• 所属类目: 公开目录", "web meta field"),
    ("| 名称: | | | |", "web meta field"),
    ("今天是2024年1月5日 星期五", "date banner"),
    ("某府办发〔2025〕3号", "cover-page remnant"),
    ("（此件公开发布）", "cover-page remnant"),
    ("一、主要举措和成效……………………2", "table of contents"),
    ("— 2 —", "page number"),
    ("第1页 共5页", "page number"),
    ("免责声明：本站部分内容来源于网络，如有侵权请联系删除", "wiki or mirror tail"),
    ("https://www.example.gov.cn/art/2025/1/1/art_1.html", "link or URL"),
    ("某某市人民政府 2019年12月3日星期二", "date banner"),
    ("无障碍 简体| 繁体", "site toolbar"),
    ("Baidu", "portal menu"),
    ("标 题 | 某某市人民政府关于印发《某某市法治政府建设实施方案》的通知 |", "web meta field"),
    ("行业指导 更多>>", "related links"),
    ("】", "stray separators"),
    ("欢迎访问某某县人民政府门户网站", "site banner"),
    ("某某县人民政府门户网站", "site banner"),
    ("2024年5月6日 星期一 晴 18℃~25℃", "date banner"),
    ("附件：某某镇2024年法治政府建设情况报告.docx", "attachment link"),
    ("建议使用1920×1080分辨率 IE9以上版本浏览器", "site footer"),
])
def test_junk_lines_are_removed_with_their_kind(junk, kind):
    # above the title and below the report's last sentence
    result = clean_text("\n".join([junk, TITLE, *BODY, junk]))
    assert result.text.split("\n")[0].startswith("某某镇")
    assert junk.split()[0] not in result.text.replace(TITLE, "")
    assert kind in {r["reason"] for r in result.removed}


@pytest.mark.parametrize(("sentence", "kept", "kind"), [
    ("全年开展法治宣传活动12场原创力文档，发放资料3000余份。", "全年开展法治宣传活动12场,发放资料3000余份。",
     "document-site watermark"),
    ("全年开展法治宣传活动12场，澳门新葡京娱乐城官网www.abc123.com发放资料3000余份。",
     "全年开展法治宣传活动12场,发放资料3000余份。", "gambling spam"),
    ("对■■■等3人依法作出行政处罚，罚款***元。", "对等3人依法作出行政处罚,罚款元。", "redaction mark"),
    ("五年来，*区严格落实第一责任人职责，共召开会议*次。", "五年来,区严格落实第一责任人职责,共召开会议次。",
     "redaction mark"),
    ("下面是小编为大家整理的某区法治政府建设工作情况报告，供大家参考。", "", "document-site watermark"),
    ("条例是规范信息公开的文件，是免费论文检测软件http://www.abcdefg.com第一个全国性法规。",
     "条例是规范信息公开的文件,是免费论文检测软件第一个全国性法规。", "link or URL"),
])
def test_junk_inside_a_sentence_is_cut_and_the_sentence_kept(sentence, kept, kind):
    result = clean_text("\n".join([TITLE, sentence]))
    assert result.text.split("\n") == [TITLE, kept] if kept else [TITLE]
    assert [r["reason"] for r in result.removed] == [kind] * len(result.removed)


def test_report_text_about_junk_words_stays():
    body = ["（三）严厉打击赌场、六合彩等违法犯罪", "全年查处赌博案件12起，收缴老虎机3台。",
            "在“信用中国”网站（www.creditchina.gov.cn）公示行政许可信息1200条。",
            "严格落实法治政府建设年度报告制度，按时公开年度报告。", "来源：群众来信来访是重要渠道，全年受理来信36件。"]
    result = clean_text("\n".join([TITLE, *BODY, *body]))
    assert result.text.split("\n")[-len(body):] == [normalize_chars(b)[0] for b in body]
    assert result.removed == []


def test_cover_page_remnants_above_the_body_go_the_signing_date_below_stays():
    raw = "\n".join(["某某县人民政府办公室文件", TITLE, "（2025年1月20日）", *BODY, "某某镇人民政府", "2025年1月20日"])
    result = clean_text(raw)
    assert result.text.split("\n")[1] == normalize_chars(BODY[0])[0]
    assert result.text.endswith("2025年1月20日")
    assert [r["reason"] for r in result.removed] == ["cover-page remnant", "cover-page remnant"]


@pytest.mark.parametrize("unit", ["报告_", "|", "【", "来源:", "1-", "“", "索 引 号", "机构|", "abc | "])
def test_cleaning_time_grows_linearly_on_runs_of_junk_shapes(unit):
    # runs of the characters junk rules look for (a mangled page) must not make a rule backtrack quadratically
    def best_of_three(text: str) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            clean_text(text)
            times.append(time.perf_counter() - start)
        return min(times)

    n = 6000 // len(unit)
    small, big = best_of_three(unit * n + "。"), best_of_three(unit * 4 * n + "。")
    assert big < 10 * max(small, 0.005), (small, big)  # linear: about 4; quadratic: 16


def test_an_opening_cut_in_mid_sentence_keeps_its_last_words():
    # after the last 。 of a page copied as one line comes junk or the rest of a cut sentence: only junk goes
    cut = "二、完善机制。依托法律顾问为网站地图更新、联系我们栏目建设提供技术支持"
    one = "".join([TITLE, *BODY[:1], cut])
    assert clean_text(one).text.endswith("提供技术支持")
    framed = one + "【打印本页】【关闭窗口】版权所有：某某县人民政府"
    assert clean_text(framed).text.endswith("提供技术支持")
