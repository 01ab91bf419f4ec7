"""Tests for fazhi_lib.readers: discovering report files and reading them into text.

All fixtures are generated on the fly in tmp_path (no binary files are committed).
"""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import random
import zipfile
from pathlib import Path

import pytest

from fazhi_lib.readers import (
    SUPPORTED_SUFFIXES,
    NoTextLayerError,
    RawDocument,
    decode_bytes,
    discover,
    docx_to_text,
    html_to_text,
    pdf_to_text,
    read_document,
)
from fazhi_lib.readers import pdf as fio

# A realistic (invented) report: title-less body as it appears in 法治政府建设年度报告.
PARAS = [
    "2023年，在区委、区政府的坚强领导下，我区深入学习贯彻习近平法治思想，全面落实法治政府建设实施纲要，"
    "各项工作取得积极成效。现将有关情况报告如下。",
    "一、主要举措和成效",
    "（一）强化组织领导",
    "一是健全工作机制。全年召开区政府常务会议专题研究法治政府建设工作4次，研究解决重大问题12项。",
    "二是压实主体责任。将法治政府建设纳入年度绩效考核，考核权重提高到8%。",
    "（二）推进严格规范公正文明执法",
    "全面推行行政执法公示制度、执法全过程记录制度、重大执法决定法制审核制度，全年办理行政处罚案件1256件，"
    "同比下降3.2%。",
    "二、存在的问题",
    "部分乡镇（街道）行政执法人员法治意识不强，执法规范化水平有待提高；行政复议纠错率仍然偏高。",
    "三、下一步工作安排",
    "2024年，我区将继续深化法治政府建设，重点抓好以下工作。",
]
REPORT = "\n".join(PARAS)
# The same report in traditional characters (every character is in Big5).
REPORT_TRAD = (
    "2023年，在區委、區政府的堅強領導下，我區深入學習貫徹習近平法治思想，全面落實法治政府建設實施綱要，"
    "各項工作取得積極成效。現將有關情況報告如下。\n"
    "一、主要舉措和成效\n"
    "（一）強化組織領導\n"
    "一是健全工作機制。全年召開區政府常務會議專題研究法治政府建設工作4次，研究解決重大問題12項。\n"
    "二、存在的問題\n"
    "部分鄉鎮（街道）行政執法人員法治意識不強，執法規範化水平有待提高。"
)
TABLE = [
    ["指标", "2022年", "2023年"],
    ["行政复议案件（件）", "85", "97"],
    ["行政诉讼案件（件）", "132", "118"],
]
TABLE_LINES = ["指标 | 2022年 | 2023年", "行政复议案件（件） | 85 | 97", "行政诉讼案件（件） | 132 | 118"]
# Strings that live only in navigation, breadcrumbs, share bars, scripts and footers of the test pages.
JUNK = [
    "政务服务",
    "互动交流",
    "首页 >",
    "版权所有",
    "网站标识码",
    "欢迎访问",
    "收藏本站",
    "访客",
    "无障碍",
    "分享到",
    "打印本页",
    "关闭窗口",
    "相关链接",
    "财政信息",
    "技术支持",
    "联系电话",
    "主办单位",
    "字体：",
]


def lines_of(text: str) -> list[str]:
    return text.split("\n")


def assert_paragraphs_in_order(text: str, paras: list[str]) -> None:
    lines = lines_of(text)
    positions = []
    for p in paras:
        assert p in lines, f"paragraph missing or not on its own line: {p!r}\n--- got:\n{text}"
        positions.append(lines.index(p))
    assert positions == sorted(positions), f"paragraphs out of order:\n{text}"


def assert_no_junk(text: str) -> None:
    leaked = [j for j in JUNK if j in text]
    assert not leaked, f"navigation/footer/script text leaked: {leaked}\n--- got:\n{text}"


# ----------------------------------------------------------------------------------------------
# decode_bytes
# ----------------------------------------------------------------------------------------------

ENCODINGS = [
    # (label, text, bytes, accepted encoding names)
    ("utf-8", REPORT, REPORT.encode("utf-8"), {"utf-8"}),
    ("utf-8 BOM", REPORT, codecs.BOM_UTF8 + REPORT.encode("utf-8"), {"utf-8-sig"}),
    ("gb18030", REPORT, REPORT.encode("gb18030"), {"gb18030"}),
    ("gbk", REPORT, REPORT.encode("gbk"), {"gb18030"}),
    ("gb2312", REPORT, REPORT.encode("gb2312"), {"gb18030"}),
    ("big5", REPORT_TRAD, REPORT_TRAD.encode("big5"), {"big5", "cp950"}),
    ("utf-16-le BOM", REPORT, codecs.BOM_UTF16_LE + REPORT.encode("utf-16-le"), {"utf-16"}),
    ("utf-16-be BOM", REPORT, codecs.BOM_UTF16_BE + REPORT.encode("utf-16-be"), {"utf-16"}),
    ("utf-16-le no BOM", REPORT, REPORT.encode("utf-16-le"), {"utf-16-le"}),
    ("utf-16-be no BOM", REPORT, REPORT.encode("utf-16-be"), {"utf-16-be"}),
    ("utf-32 BOM", REPORT, REPORT.encode("utf-32"), {"utf-32"}),
]


@pytest.mark.parametrize(("label", "text", "data", "names"), ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_decode_bytes_round_trip(label: str, text: str, data: bytes, names: set[str]) -> None:
    decoded, encoding, warning = decode_bytes(data)
    assert decoded == text
    assert encoding in names
    assert warning == ""


@pytest.mark.parametrize(("label", "text", "data", "names"), ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_read_txt_in_every_encoding(
    tmp_path: Path, label: str, text: str, data: bytes, names: set[str]
) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(data)
    doc = read_document(path)
    assert doc.status == "ok", doc.message
    assert doc.format == "txt"
    assert doc.text == text
    assert doc.encoding in names
    assert doc.n_bytes == len(data)
    assert doc.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    ("text", "codec", "expected"),
    [
        ("法治政府建設", "big5", {"big5", "cp950"}),
        ("行政執法規範化", "big5", {"big5", "cp950"}),
        ("强化组织领导", "gbk", {"gb18030"}),
        ("法治政府建设", "gbk", {"gb18030"}),
    ],
)
def test_short_big5_and_gbk_are_told_apart(text: str, codec: str, expected: set[str]) -> None:
    decoded, encoding, _ = decode_bytes(text.encode(codec))
    assert encoding in expected
    assert decoded == text


def test_big5_bytes_are_not_taken_for_gb18030_garbage() -> None:
    data = REPORT_TRAD.encode("big5")
    data.decode("gb18030")  # the trap: Big5 bytes decode "fine" as GB18030 ...
    decoded, encoding, _ = decode_bytes(data)
    assert encoding in {"big5", "cp950"}  # ... but the result is garbage, so it must not win
    assert "法治政府建設" in decoded


def test_decode_bytes_utf8_with_a_few_bad_bytes_warns() -> None:
    data = bytearray(REPORT.encode("utf-8"))
    data[60] = 0xFF
    text, encoding, warning = decode_bytes(bytes(data))
    assert encoding == "utf-8"
    assert warning.startswith("undecodable bytes replaced (")
    assert "\ufffd" in text
    assert PARAS[-1] in text  # the rest is intact, not mojibake


def test_decode_bytes_ascii_and_empty() -> None:
    assert decode_bytes(b"plain ascii\n") == ("plain ascii\n", "utf-8", "")
    assert decode_bytes(b"") == ("", "utf-8", "")


def test_utf16_without_bom_ascii_only() -> None:
    text = "Annual report on law-based government, 2023\nSection 1\n"
    assert decode_bytes(text.encode("utf-16-le")) == (text, "utf-16-le", "")
    assert decode_bytes(text.encode("utf-16-be")) == (text, "utf-16-be", "")


def test_utf16_without_bom_and_without_ascii() -> None:
    text = "法治政府建设年度报告"  # no ASCII at all, so no NUL bytes to go by
    decoded, encoding, _ = decode_bytes(text.encode("utf-16-le"))
    assert (decoded, encoding) == (text, "utf-16-le")


def test_txt_layout_is_tidied_not_cleaned(tmp_path: Path) -> None:
    raw = (
        "\r\n\r\n　　一、主要举措和成效  \r\n\r\n\r\n\r\n"
        "　　一是健全工作机制。\r\n扫一扫在手机打开当前页\r\n\r\n"
    )
    path = tmp_path / "a.txt"
    path.write_bytes(raw.encode("gbk"))
    doc = read_document(path)
    # CRLF unified, trailing spaces stripped, runs of blank lines collapsed to one, leading/trailing blanks
    # dropped; indentation and boilerplate are left for the cleaning module.
    assert doc.text == "　　一、主要举措和成效\n\n　　一是健全工作机制。\n扫一扫在手机打开当前页"


# ----------------------------------------------------------------------------------------------
# HTML
# ----------------------------------------------------------------------------------------------


def gov_page(charset: str = "gb2312") -> str:
    """A typical county-government article page (TRS-style CMS)."""
    ps1 = "\n".join(f'<p style="text-indent:2em;">{p}</p>' for p in PARAS[:6])
    ps2 = "\n".join(f'<p style="text-indent:2em;">&nbsp;&nbsp;{p}</p>' for p in PARAS[6:])
    rows = "".join("<tr>" + "".join(f"<td><p>{c}</p></td>" for c in r) + "</tr>" for r in TABLE)
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}" />
<meta name="viewport" content="width=device-width">
<title>某某区2023年法治政府建设年度报告_某某区人民政府</title>
<meta name="SiteName" content="某某区人民政府">
<meta name="ColumnName" content="法治政府建设">
<meta name="ArticleTitle" content="某某区2023年法治政府建设年度报告">
<meta name="PubDate" content="2024-03-28 10:15">
<meta name="ContentSource" content="区司法局">
<meta name="Keywords" content="法治政府,年度报告">
<style>.nav li {{ float: left; }} body {{ font-family: "宋体"; }}</style>
<script type="text/javascript">var siteName = "欢迎访问某某区人民政府网站";
function addFav() {{ alert("请按Ctrl+D收藏本站"); }}</script>
</head>
<body>
<div class="top-bar"><a href="#">无障碍浏览</a> | <a href="#">长者模式</a></div>
<div class="nav" id="nav"><ul>
<li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li>
<li><a href="/hdjl/">互动交流</a></li></ul></div>
<div class="main">
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt;
<a href="/fz/">法治政府建设</a></div>
<div class="sidebar"><h3>政务公开</h3><ul><li><a href="#">政策文件</a></li>
<li><a href="#">财政信息</a></li></ul></div>
<div class="article">
<h1 class="title">某某区2023年法治政府建设年度报告</h1>
<div class="info">发布时间：2024-03-28 来源：区司法局</div>
<div id="zoom" class="TRS_Editor">
{ps1}
<table border="1" cellspacing="0">{rows}</table>
{ps2}
<div class="bdsharebuttonbox">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
<div class="article-tools">【字体：<a>大</a> <a>中</a> <a>小</a>】 <a>打印本页</a></div>
</div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> 扫一扫在手机打开当前页</div>
<div class="print-close"><a href="javascript:window.print()">【打印本页】</a>
<a href="#">【关闭窗口】</a></div>
<div class="related"><h3>相关链接</h3><ul><li><a href="#">某某区2022年法治政府建设年度报告</a></li></ul></div>
</div></div>
<div class="footer" id="footer"><p>主办单位：某某区人民政府办公室</p>
<p>版权所有：某某区人民政府　网站标识码：1234000001　<a href="#">京ICP备12345678号</a></p>
<script>document.write("<span>您是第12345位访客</span>");</script></div>
</body></html>"""


def layout_table_page() -> str:
    """An old table-layout page with <br>-separated paragraphs (trafilatura flattens this one)."""
    body = "<br>\n".join("&nbsp;&nbsp;&nbsp;&nbsp;" + p for p in PARAS)
    return f"""<html><head><meta charset="gbk"><title>某某县人民政府</title></head><body>
<table width="1000" align="center"><tr><td class="nav"><a href="/">首页</a> | <a href="#">政务服务</a> |
<a href="#">互动交流</a></td></tr>
<tr><td>您现在的位置：<a href="/">首页</a> &gt;&gt; <a href="#">法治政府建设</a></td></tr>
<tr><td><table width="100%"><tr><td width="200" valign="top"><a href="#">通知公告</a><br>
<a href="#">财政信息</a></td>
<td valign="top"><div align="center"><b>某某县2023年法治政府建设年度报告</b></div>
<div>发布日期：2024-03-20 浏览次数：<script>document.write("您是第123位访客")</script></div>
<div id="zoom"><font style="font-size:16px">{body}</font></div></td></tr></table></td></tr>
<tr><td class="bottom">版权所有：某某县人民政府 网站标识码：5100000001 技术支持：某某网络公司</td></tr>
</table></body></html>"""


def word_export_page() -> str:
    spans = "\n".join(
        f'<p class="MsoNormal"><span style="font-family:仿宋">{p[:10]}</span>'
        f'<span style="font-family:仿宋">{p[10:]}</span></p>'
        for p in PARAS
    )
    return f"""<html><head><meta charset="utf-8"><title>x</title></head><body>
<div class="nav"><a>首页</a><a>政务服务</a><a>互动交流</a></div>
<div class="con"><h2>某某镇2023年法治政府建设情况报告</h2>{spans}</div>
<div class="footer">版权所有 网站标识码 123</div></body></html>"""


def aspnet_page() -> str:
    divs = "\n".join(f'<div style="text-indent:2em;line-height:2">{p}</div>' for p in PARAS)
    return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>
<form method="post" action="./Show.aspx?id=123" id="form1">
<div class="aspNetHidden"><input type="hidden" name="__VIEWSTATE" value="abc"></div>
<div id="header"><ul class="mainNav"><li><a>首页</a></li><li><a>政务服务</a></li>
<li><a>互动交流</a></li></ul></div>
<div class="location">当前位置：<a>首页</a> &gt; <a>政务公开</a> &gt; 法治政府建设</div>
<div class="detail"><div class="title">某某市2023年法治政府建设年度报告</div>
<div class="nr">{divs}</div></div>
<div id="foot">主办单位：某某市司法局 联系电话：0000-12345678 版权所有 网站标识码：3300000002</div>
</form></body></html>"""


def short_page() -> str:
    ps = "".join(f"<p>{p}</p>" for p in PARAS[:4])
    return f"""<html><head><meta charset="utf-8"></head><body>
<div class="top"><a>首页</a> <a>政务公开</a> <a>政务服务</a> <a>互动交流</a></div>
<div class="left"><h3>联系我们</h3><p>地址：某某区人民路1号 联系电话：0000-1234567 邮编：100000</p></div>
<div class="right"><div class="article-content">{ps}</div></div>
<div class="copy"><p>主办单位：某某区人民政府办公室 版权所有 网站标识码：1100000003
技术支持：某某信息技术有限公司</p>
</div></body></html>"""


def br_and_list_page() -> str:
    return f"""<html><head><meta charset="utf-8"></head><body>
<div class="menu"><a>首页</a> <a>政务服务</a></div>
<div id="zoom"><p>{PARAS[0]}<br>{PARAS[1]}<br/>{PARAS[2]}</p><ul><li>{PARAS[3]}</li><li>{PARAS[4]}</li></ul>
<p>{PARAS[5]}</p></div><div class="footer">版权所有 网站标识码 1</div></body></html>"""


def xxgk_page() -> str:
    ps1 = "\n".join(f"<p>{p}</p>" for p in PARAS[:6])
    ps2 = "\n".join(f"<p>{p}</p>" for p in PARAS[6:])
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in TABLE)
    return f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="UTF-8"></head><body>
<header class="site-header"><nav><a>首页</a><a>政务公开</a><a>政务服务</a><a>互动交流</a></nav></header>
<div class="breadcrumb"><a>首页</a> &gt; <a>政务公开</a> &gt; <a>法治政府建设</a></div>
<div class="pages_content" id="UCAP-CONTENT">{ps1}<table>{rows}</table>{ps2}</div>
<div class="related-files"><h4>相关链接</h4><a>某某市2022年法治政府建设年度报告</a></div>
<div class="bdsharebuttonbox">分享到：<a>微信</a><a>微博</a></div>
<footer><p>主办单位：某某市人民政府办公厅 版权所有 网站标识码：3300000004</p></footer></body></html>"""


def test_gov_page_gbk_bytes_with_declared_gb2312(tmp_path: Path) -> None:
    path = tmp_path / "某某区 2023年 法治政府建设报告.html"
    data = gov_page("gb2312").encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really GBK bytes
    path.write_bytes(data)
    doc = read_document(path)
    assert doc.status == "ok", doc.message
    assert doc.format == "html"
    assert doc.encoding == "gb18030"
    assert_paragraphs_in_order(doc.text, PARAS)
    assert_no_junk(doc.text)
    # the table stands between （二） and the paragraph after it, one row per line
    lines = lines_of(doc.text)
    start = lines.index(TABLE_LINES[0])
    assert lines[start : start + 3] == TABLE_LINES
    assert lines.index(PARAS[5]) < start < lines.index(PARAS[6])
    assert "" not in lines  # no empty-line inflation
    assert doc.meta["title"] == "某某区2023年法治政府建设年度报告_某某区人民政府"
    assert doc.meta["ArticleTitle"] == "某某区2023年法治政府建设年度报告"
    assert doc.meta["PubDate"] == "2024-03-28 10:15"
    assert doc.meta["ContentSource"] == "区司法局"
    assert doc.meta["SiteName"] == "某某区人民政府"
    assert doc.meta["ColumnName"] == "法治政府建设"
    assert doc.meta["Keywords"] == "法治政府,年度报告"
    assert "viewport" not in doc.meta


@pytest.mark.parametrize(
    ("builder", "paras"),
    [
        (gov_page, PARAS),
        (layout_table_page, PARAS),
        (word_export_page, PARAS),
        (aspnet_page, PARAS),
        (short_page, PARAS[:4]),
        (br_and_list_page, PARAS[:6]),
        (xxgk_page, PARAS),
    ],
    ids=["cms", "layout-table", "word-export", "aspnet-form", "short", "br-and-list", "xxgk"],
)
def test_html_layouts_give_article_paragraphs_only(builder, paras: list[str]) -> None:
    text, _ = html_to_text(builder())
    assert_paragraphs_in_order(text, paras)
    assert_no_junk(text)


def test_html_declared_charset_that_lies_is_overridden(tmp_path: Path) -> None:
    path = tmp_path / "a.htm"
    path.write_bytes(gov_page("gb2312").encode("utf-8"))  # declares gb2312, bytes are UTF-8
    doc = read_document(path)
    assert doc.encoding == "utf-8"
    assert doc.status == "warning"
    assert "declares charset gb2312" in doc.message
    assert_paragraphs_in_order(doc.text, PARAS)


def test_html_without_declaration_is_detected(tmp_path: Path) -> None:
    declaration = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />'
    page = gov_page("gb2312").replace(declaration, "")
    assert "charset" not in page
    path = tmp_path / "a.shtml"
    path.write_bytes(page.encode("gb18030"))
    doc = read_document(path)
    assert (doc.status, doc.encoding) == ("ok", "gb18030")
    assert PARAS[3] in lines_of(doc.text)


def test_html_to_text_accepts_str_and_bytes() -> None:
    from_bytes, meta_b = html_to_text(gov_page("utf-8").encode("utf-8"))
    from_str, meta_s = html_to_text(gov_page("utf-8"))
    assert from_bytes == from_str
    assert meta_b == meta_s
    assert html_to_text("") == ("", {})
    assert html_to_text(b"   ") == ("", {})


def test_html_xml_declaration_and_nbsp_indentation() -> None:
    page = '<?xml version="1.0" encoding="utf-8"?>\n<html><body><div class="content">' + "".join(
        f"<p>&nbsp;&nbsp;\u3000{p}&nbsp;</p>" for p in PARAS
    ) + "</div></body></html>"  # fmt: skip
    text, _ = html_to_text(page)
    assert lines_of(text) == PARAS


def test_html_without_article_text_fails(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<html><head><title>t</title><script>var a='正文';</script></head><body></body></html>")
    doc = read_document(path)
    assert doc.status == "failed"
    assert doc.message == "no article text found in the HTML page"


# ----------------------------------------------------------------------------------------------
# DOCX
# ----------------------------------------------------------------------------------------------


def _add_chinese_numbering(document) -> tuple[str, str]:
    """Add "一、" and "（一）" automatic numbering definitions; returns the two numIds."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    numbering = document.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="（%2）"/><w:suff w:val="nothing"/></w:lvl>'
        "</w:abstractNum>"
    )
    first_num = numbering.find(f"{{{numbering.nsmap['w']}}}num")
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return "90", "90"


def _set_num(paragraph, num_id: str, level: int) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )


def build_docx(path: Path) -> None:
    docx = pytest.importorskip("docx")
    import datetime

    d = docx.Document()
    d.core_properties.title = "某某区2023年法治政府建设年度报告"
    d.core_properties.author = "区司法局"
    d.core_properties.created = datetime.datetime(2024, 3, 28, 9, 0)
    for p in PARAS[:6]:
        d.add_paragraph(p)
    table = d.add_table(rows=3, cols=3)
    for i, row in enumerate(TABLE):
        for j, value in enumerate(row):
            table.cell(i, j).text = value
    d.add_paragraph("")  # empty paragraph: must not produce an empty line
    for p in PARAS[6:]:
        para = d.add_paragraph()
        para.add_run(p[:8])
        para.add_run(p[8:]).bold = True  # split runs join seamlessly
    # a table with merged cells: horizontal merge appears once, vertical continuation is skipped
    t2 = d.add_table(rows=3, cols=3)
    top = t2.cell(0, 0).merge(t2.cell(0, 2))
    top.text = "2023年行政复议情况"
    left = t2.cell(1, 0).merge(t2.cell(2, 0))
    left.text = "复议"
    t2.cell(1, 1).text = "受理"
    t2.cell(1, 2).text = "97"
    t2.cell(2, 1).text = "纠错"
    t2.cell(2, 2).text = "9"
    d.add_paragraph("某某区人民政府")
    d.save(str(path))


def test_docx_paragraphs_and_tables_in_document_order(tmp_path: Path) -> None:
    path = tmp_path / "报告 2023.docx"
    build_docx(path)
    expected = [
        *PARAS[:6],
        *TABLE_LINES,
        *PARAS[6:],
        "2023年行政复议情况",
        "复议 | 受理 | 97",
        "纠错 | 9",
        "某某区人民政府",
    ]
    assert lines_of(docx_to_text(path)) == expected
    doc = read_document(path)
    assert doc.status == "ok", doc.message
    assert (doc.format, doc.encoding) == ("docx", None)
    assert lines_of(doc.text) == expected
    assert doc.meta["title"] == "某某区2023年法治政府建设年度报告"
    assert doc.meta["author"] == "区司法局"
    assert doc.meta["created"].startswith("2024-03-28T09:00")


def test_docx_automatic_chinese_numbering_is_rendered(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    d = docx.Document()
    num_id, _ = _add_chinese_numbering(d)
    for text, level in [
        ("主要举措和成效", 0),
        ("强化组织领导", 1),
        ("推进严格规范公正文明执法", 1),
        ("存在的问题", 0),
        ("执法规范化水平有待提高", 1),
    ]:
        _set_num(d.add_paragraph(text), num_id, level)
    d.add_paragraph("第一项", style="List Number")
    path = tmp_path / "n.docx"
    d.save(str(path))
    assert lines_of(docx_to_text(path)) == [
        "一、主要举措和成效",
        "（一）强化组织领导",
        "（二）推进严格规范公正文明执法",
        "二、存在的问题",
        "（一）执法规范化水平有待提高",
        "1. 第一项",
    ]


def test_docx_tracked_changes_hyperlinks_and_text_boxes(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    d = docx.Document()
    para = d.add_paragraph("全年办理行政复议案件")
    w = nsdecls("w")
    for xml in [
        f'<w:ins {w} w:id="1" w:author="a"><w:r><w:t>97件</w:t></w:r></w:ins>',
        f'<w:del {w} w:id="2" w:author="a"><w:r><w:delText>85件</w:delText></w:r></w:del>',
        f"<w:hyperlink {w}><w:r><w:t>，详见附件</w:t></w:r></w:hyperlink>",
        f"<w:r {w}><w:t>。</w:t></w:r>",
    ]:
        para._p.append(parse_xml(xml))
    boxed = d.add_paragraph("正文段落。")
    boxed._p.append(
        parse_xml(
            f'<w:r {w} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
            '<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent>'
            "<w:p><w:r><w:t>文本框中的文字</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>"
            "<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>文本框中的文字</w:t></w:r></w:p>"
            "</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
        )
    )
    path = tmp_path / "tracked.docx"
    d.save(str(path))
    # inserted text kept, deleted text dropped, hyperlink text kept, text box once (not its fallback copy)
    expected = ["全年办理行政复议案件97件，详见附件。", "正文段落。", "文本框中的文字"]
    assert lines_of(docx_to_text(path)) == expected


def test_corrupt_docx_fails_with_clear_message(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.docx"
    garbage.write_bytes(b"PK\x03\x04" + bytes(random.Random(1).randrange(256) for _ in range(2000)))
    doc = read_document(garbage)
    assert doc.status == "failed"
    assert doc.message.startswith("corrupt or not a .docx file")
    assert doc.text == ""
    assert doc.sha256 == hashlib.sha256(garbage.read_bytes()).hexdigest()

    not_word = tmp_path / "not_word.docx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "not a word document")
    not_word.write_bytes(buf.getvalue())
    doc = read_document(not_word)
    assert doc.status == "failed"
    assert doc.message.startswith("corrupt or not a .docx file")

    old_word = tmp_path / "old.docx"
    old_word.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    doc = read_document(old_word)
    assert doc.status == "failed"
    assert "old binary Word (.doc)" in doc.message
    assert "libreoffice --headless --convert-to docx" in doc.message


# ----------------------------------------------------------------------------------------------
# PDF
# ----------------------------------------------------------------------------------------------


def build_pdf(path: Path, paras: list[str], chars_per_line: int = 26, lines_per_page: int = 14) -> None:
    """A PDF laid out like a printed report: wrapped lines, page numbers "- n -", a signature block."""
    pytest.importorskip("reportlab")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    lines: list[str] = []
    for p in paras:
        lines.extend(p[i : i + chars_per_line] for i in range(0, len(p), chars_per_line))
    c = canvas.Canvas(str(path))
    n_pages = (len(lines) + lines_per_page - 1) // lines_per_page
    for page_no in range(n_pages):
        y = 780
        for line in lines[page_no * lines_per_page : (page_no + 1) * lines_per_page]:
            c.setFont("STSong-Light", 15)
            c.drawString(70, y, line)
            y -= 26
        c.setFont("STSong-Light", 10)
        footer = f"- {page_no + 1} -" if page_no % 2 == 0 else f"第{page_no + 1}页 共{n_pages}页"
        c.drawCentredString(300, 40, footer)
        c.showPage()
    c.save()


PDF_PARAS = [*PARAS, "某某区人民政府", "2024年3月28日"]


def test_pdf_text_layer_with_cid_font(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    build_pdf(path, PDF_PARAS)
    text = pdf_to_text(path)
    # lines broken by the layout are rejoined (also across page breaks), headings and the signature block
    # stay on their own lines, page numbers are gone
    assert lines_of(text) == PDF_PARAS
    doc = read_document(path)
    assert doc.status == "ok", doc.message
    assert (doc.format, doc.encoding, doc.meta) == ("pdf", None, {})
    assert doc.text == text


def test_pdf_rejoin_rules() -> None:
    pages = [
        [
            "一、主要举措和成效",
            "一是健全工作机制。全年召开专题会议4次，研究解决法治政府建设",
            "重大问题12项，制定完善制度文件8件，法治政府建设工作机制",
            "二是压实主体责任，将法治政府建设纳入年度绩效考核体系之中",
            "1.完善考核指标体系，全年开展法治督察3次，发现并整改问题",
            "- 3 -",
        ],
        ["3", "21个。", "（一）强化组织领导", "第4页 共5页"],
    ]
    assert fio._rejoin_pdf_lines(pages) == [
        "一、主要举措和成效",
        "一是健全工作机制。全年召开专题会议4次，研究解决法治政府建设重大问题12项，制定完善制度文件8件，"
        "法治政府建设工作机制",
        "二是压实主体责任，将法治政府建设纳入年度绩效考核体系之中",
        "1.完善考核指标体系，全年开展法治督察3次，发现并整改问题21个。",
        "（一）强化组织领导",
    ]


def test_pdf_without_text_layer_fails(tmp_path: Path) -> None:
    pytest.importorskip("reportlab")
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path))
    c.rect(100, 100, 300, 500, fill=1)  # a "scanned" page: drawing only, no text
    c.showPage()
    c.save()
    with pytest.raises(NoTextLayerError):
        pdf_to_text(path)
    doc = read_document(path)
    assert doc.status == "failed"
    assert doc.message == "PDF has no text layer (scanned image?); run OCR first"
    assert doc.text == ""
    assert doc.n_bytes == path.stat().st_size


def test_corrupt_pdf_fails(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\ngarbage garbage\n%%EOF")
    doc = read_document(path)
    assert doc.status == "failed"
    assert doc.message.startswith("corrupt or unreadable PDF (")

    not_pdf = tmp_path / "fake.pdf"
    not_pdf.write_bytes(b"<html>this is not a pdf</html>")
    doc = read_document(not_pdf)
    assert (doc.status, doc.message) == ("failed", "corrupt or not a PDF file (no %PDF header)")


def test_pdf_with_password_fails_but_copy_protection_is_read(tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    plain = tmp_path / "plain.pdf"
    build_pdf(plain, PARAS[:3])
    for user_password, name in [("secret", "locked.pdf"), ("", "protected.pdf")]:
        writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(plain))
        writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
        writer.write(tmp_path / name)
    locked = read_document(tmp_path / "locked.pdf")
    assert locked.status == "failed"
    assert "encrypted with a password" in locked.message
    protected = read_document(tmp_path / "protected.pdf")  # owner password only: opens without one
    assert protected.status == "ok", protected.message
    assert lines_of(protected.text) == PARAS[:3]


# ----------------------------------------------------------------------------------------------
# read_document: bad input never raises
# ----------------------------------------------------------------------------------------------


def test_empty_file_fails(tmp_path: Path) -> None:
    for name in ["empty.txt", "empty.html", "empty.docx", "empty.pdf"]:
        path = tmp_path / name
        path.write_bytes(b"")
        doc = read_document(path)
        assert (doc.status, doc.message, doc.text, doc.n_bytes) == ("failed", "empty file", "", 0)
        assert doc.sha256 == hashlib.sha256(b"").hexdigest()


def test_binary_file_fails(tmp_path: Path) -> None:
    rnd = random.Random(42)
    data = bytes(rnd.randrange(256) for _ in range(5000)) + b"\x00\x00\x01\x00"
    path = tmp_path / "binary.txt"
    path.write_bytes(data)
    doc = read_document(path)
    assert doc.status == "failed"
    assert doc.message == "binary file (NUL bytes), not text"
    assert doc.text == ""

    pdf_named_txt = tmp_path / "really_a_pdf.txt"
    pdf_named_txt.write_bytes(b"%PDF-1.7\n" + data)
    doc = read_document(pdf_named_txt)
    assert (doc.status, doc.message) == ("failed", "binary file (content is a PDF), not text")


def test_whitespace_only_file_fails(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text("\n \n\t\n", encoding="utf-8")
    doc = read_document(path)
    assert (doc.status, doc.message) == ("failed", "file contains only whitespace")


def test_file_over_size_limit_fails(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    data = (REPORT + "\n").encode("utf-8") * 20
    path.write_bytes(data)
    doc = read_document(path, max_mb=0.005)
    assert doc.status == "failed"
    assert doc.message == f"file is {len(data) / 1024 / 1024:.1f} MB, over the 0.005 MB limit (max_mb)"
    assert doc.n_bytes == len(data)
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert read_document(path).status == "ok"  # the default limit is 20 MB


def test_missing_directory_and_unsupported_paths_fail(tmp_path: Path) -> None:
    missing = read_document(tmp_path / "nope.txt")
    assert (missing.status, missing.message, missing.sha256) == ("failed", "no such file or directory", "")
    directory = tmp_path / "dir.txt"
    directory.mkdir()
    assert read_document(directory).message == "is a directory, not a file"
    old = tmp_path / "report.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    doc = read_document(old)
    assert (doc.status, doc.format) == ("failed", "")
    assert doc.message.startswith(".doc is the old Word format: convert it to .docx")


def test_permission_denied_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(REPORT, encoding="utf-8")
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # root reads anything: simulate the OS refusing
        original = Path.read_bytes

        def refuse(self: Path) -> bytes:
            if self == path:
                raise PermissionError(13, "Permission denied", str(self))
            return original(self)

        monkeypatch.setattr(Path, "read_bytes", refuse)
        doc = read_document(path)
    else:
        path.chmod(0)
        try:
            doc = read_document(path)
        finally:
            path.chmod(0o644)
    assert (doc.status, doc.message, doc.text) == ("failed", "permission denied", "")


def test_undecodable_text_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    data = bytearray(REPORT.encode("gbk"))
    data[30:32] = b"\xff\xff"  # 0xFF is never valid in GBK/GB18030/Big5/UTF-8
    path = tmp_path / "damaged.txt"
    path.write_bytes(bytes(data))
    doc = read_document(path)
    assert doc.status == "warning"
    assert doc.encoding == "gb18030"
    assert doc.message.startswith("undecodable bytes replaced (")
    assert PARAS[-1] in doc.text


def test_chinese_file_name_with_spaces(tmp_path: Path) -> None:
    folder = tmp_path / "2023年 报告 (区县)"
    folder.mkdir()
    path = folder / "某某区 2023年 法治政府建设 年度报告.TXT"
    path.write_bytes(REPORT.encode("gb18030"))
    supported, skipped = discover([folder])
    assert supported == [path]
    assert skipped == []
    doc = read_document(supported[0])
    assert doc.source == str(path)
    assert (doc.status, doc.format, doc.text) == ("ok", "txt", REPORT)


def test_raw_document_is_frozen(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(REPORT, encoding="utf-8")
    doc = read_document(path)
    assert isinstance(doc, RawDocument)
    with pytest.raises(AttributeError):
        doc.text = "x"  # type: ignore[misc]


# ----------------------------------------------------------------------------------------------
# discover
# ----------------------------------------------------------------------------------------------


def test_discover_lists_every_file_exactly_once(tmp_path: Path) -> None:
    root = tmp_path / "reports"
    files = {
        "2023/北京/朝阳区.html": b"<html></html>",
        "2023/北京/海淀区.TXT": b"x",
        "2023/上海/浦东新区.docx": b"x",
        "2023/上海/黄浦区.pdf": b"x",
        "2023/上海/旧报告.doc": b"x",
        "2023/截图.png": b"x",
        "2023/统计.xlsx": b"x",
        "metadata.csv": b"x",
        ".DS_Store": b"x",
        "2022/~$浦东新区.docx": b"x",
        "2022/readme": b"x",
        "2022/a.htm": b"x",
        ".git/config": b"x",
    }
    for rel, data in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    missing = tmp_path / "does-not-exist"
    supported, skipped = discover([root, missing, root / "2022" / "a.htm"])

    assert supported == [
        root / "2022/a.htm",
        root / "2023/上海/浦东新区.docx",
        root / "2023/上海/黄浦区.pdf",
        root / "2023/北京/朝阳区.html",
        root / "2023/北京/海淀区.TXT",
    ]
    reasons = dict(skipped)
    assert reasons[str(root / "2023/上海/旧报告.doc")] == (
        ".doc is the old Word format: convert it to .docx (libreoffice --headless --convert-to docx)"
    )
    assert reasons[str(root / "2023/截图.png")].startswith("image file .png")
    assert reasons[str(root / "2023/统计.xlsx")] == "unsupported file type .xlsx"
    assert reasons[str(root / "metadata.csv")] == "metadata table (read as metadata, not as a report)"
    assert reasons[str(root / ".DS_Store")] == "hidden file"
    assert reasons[str(root / "2022/~$浦东新区.docx")].startswith("Office lock file")
    assert reasons[str(root / "2022/readme")] == "no file extension (unsupported file type)"
    assert reasons[str(root / ".git")] == "hidden directory (not searched)"
    assert reasons[str(missing)] == "no such file or directory"

    # every file under the input appears exactly once across the two lists
    listed = [str(p) for p in supported] + [p for p, _ in skipped]
    assert len(listed) == len(set(listed))
    visible = {str(root / rel) for rel in files if not rel.startswith(".git/")}
    assert visible <= set(listed)
    assert set(listed) == visible | {str(root / ".git"), str(missing)}
    # deterministic
    assert discover([root, missing, root / "2022" / "a.htm"]) == (supported, skipped)


def test_discover_single_files_and_suffix_table(tmp_path: Path) -> None:
    assert SUPPORTED_SUFFIXES == {
        ".txt": "txt",
        ".text": "txt",
        ".html": "html",
        ".htm": "html",
        ".shtml": "html",
        ".xhtml": "html",
        ".docx": "docx",
        ".pdf": "pdf",
    }
    a = tmp_path / "a.text"
    a.write_text("x")
    hidden = tmp_path / ".hidden.txt"
    hidden.write_text("x")
    supported, skipped = discover([str(a), hidden])
    assert supported == [a]
    assert skipped == [(str(hidden), "hidden file")]
