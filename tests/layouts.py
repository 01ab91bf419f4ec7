"""The same report in the layouts it reaches researchers in, and the parse results that must not depend on them.

A layout is a chain of text transformations (one single line, portal junk with full-width indents and blank lines,
full-width digits and punctuation, traditional characters) followed by a container (UTF-8 or GB18030 text, an HTML
page, a .docx). ``write_layout`` renders a report in one layout as a file; ``layout_key`` reduces a parse result
to what must come out the same in every layout. The mangling helpers (``MANGLERS``) break a text the way copying
and scraping break real pages; the fuzz test feeds them to the parser.
"""

from __future__ import annotations

import html
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
OPENINGS = SHARED / "real_openings"


def seed_texts() -> dict[str, str]:
    """The seed reports shipped with the project, by file name."""
    return {p.name: p.read_text(encoding="utf-8-sig") for p in sorted((ROOT / "seeds").glob("*.txt"))}


def opening_texts() -> dict[str, str]:
    """The real report openings beside the checkout (empty when ``../shared`` is absent)."""
    if not OPENINGS.is_dir():
        return {}
    return {p.name: p.read_text(encoding="utf-8-sig") for p in sorted(OPENINGS.glob("*.txt"))}


def report_texts() -> dict[str, str]:
    """Seeds and real openings: every real report text the tests may use."""
    return {**seed_texts(), **opening_texts()}


# -- text transformations -------------------------------------------------------------------------------------

def _paragraphs(text: str) -> list[str]:
    return [ln.strip() for ln in text.replace("\r\n", "\n").split("\n") if ln.strip()]


def report_lines(text: str) -> list[str]:
    """The lines of a page that are the report's own: those cleaning keeps when the page comes with its line
    breaks (junk run into the text of a one-line page is a matter of junk removal, tested with cleaning)."""
    from fazhi_lib.clean import clean_text

    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    removed = {r["line"] for r in clean_text(text).removed}
    return [ln.strip() for i, ln in enumerate(lines) if ln.strip() and i not in removed]


def one_line(text: str) -> str:
    """No line breaks at all: the report's paragraphs glued end to end (a page copied from a browser or a PDF)."""
    return "".join(report_lines(text))


def one_line_spaced(text: str) -> str:
    """One line whose paragraphs are separated by the full-width indent they had on the page."""
    return "".join("\u3000\u3000" + p for p in report_lines(text))


PORTAL_HEADER = (
    "无障碍浏览 | 长者模式 | 繁體版",
    "您当前的位置：首页 > 政务公开 > 法治政府建设",
    "【字体：大 中 小】 【打印】 【关闭】",
)
PORTAL_FOOTER = (
    "扫一扫在手机打开当前页",
    "【打印本页】 【关闭窗口】",
    "相关链接",
    "主办单位：本网站管理办公室 版权所有",
    "网站标识码：1234000001 ICP备12345678号",
)


def portal(text: str) -> str:
    """Wrapped in a portal's header and footer lines; paragraphs indented with full-width spaces and separated by
    blank lines, as pages saved from a browser come."""
    body = "\n\n".join("\u3000\u3000" + p for p in _paragraphs(text))
    return "\n".join(PORTAL_HEADER) + "\n\n" + body + "\n\n" + "\n".join(PORTAL_FOOTER) + "\n"


_TO_FULL = {c: chr(ord(c) + 0xFEE0) for c in "0123456789,.:;!?()%"}


def full_width(text: str) -> str:
    """Digits and ASCII punctuation in full-width forms (０-９，．：（）％), as some word processors write them."""
    return "".join(_TO_FULL.get(c, c) for c in text)


@lru_cache(maxsize=1)
def _s2t() -> Callable[[str], str]:
    import opencc

    return opencc.OpenCC("s2t").convert


@lru_cache(maxsize=1)
def _t2s() -> Callable[[str], str]:
    import opencc

    return opencc.OpenCC("t2s").convert


def traditional(text: str) -> str:
    """The text in traditional characters (reports of Hong Kong, Macao and Taiwan mirrors, or re-posted ones)."""
    return _s2t()(text)


TEXT_LAYOUTS: dict[str, Callable[[str], str]] = {
    "one_line": one_line,
    "one_line_spaced": one_line_spaced,
    "portal": portal,
    "full_width": full_width,
    "traditional": traditional,
}


# -- containers -----------------------------------------------------------------------------------------------

def write_txt(text: str, path: Path) -> Path:
    out = path.with_suffix(".txt")
    out.write_text(text, encoding="utf-8")
    return out


def write_gb18030(text: str, path: Path) -> Path:
    out = path.with_suffix(".txt")
    out.write_bytes(text.encode("gb18030"))
    return out


def write_html(text: str, path: Path) -> Path:
    """A portal article page: navigation, breadcrumb and footer around one <p> per paragraph."""
    paras = "\n".join(f'<p style="text-indent:2em;">{html.escape(p)}</p>' for p in text.split("\n") if p.strip())
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>政务公开</title>
<script>var site = "门户网站";</script></head>
<body>
<div class="top-bar"><a href="#">无障碍浏览</a> | <a href="#">长者模式</a></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a></div>
<div class="article"><div id="zoom" class="TRS_Editor">
{paras}
</div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div></div>
<div class="footer"><p>主办单位：本网站管理办公室</p><p>版权所有 <a href="#">ICP备12345678号</a></p></div>
</body></html>"""
    out = path.with_suffix(".html")
    out.write_text(page, encoding="utf-8")
    return out


def write_docx(text: str, path: Path) -> Path:
    """A Word document with one paragraph per line of the text."""
    import docx

    d = docx.Document()
    for p in text.split("\n"):
        if p.strip():
            d.add_paragraph(p)
    out = path.with_suffix(".docx")
    d.save(str(out))
    return out


CONTAINERS: dict[str, Callable[[str, Path], Path]] = {
    "txt": write_txt,
    "gb18030": write_gb18030,
    "html": write_html,
    "docx": write_docx,
}


@dataclass(frozen=True)
class Layout:
    """Text transformations applied in order, then a container."""

    transforms: tuple[str, ...] = ()
    container: str = "txt"

    @property
    def name(self) -> str:
        return "+".join([*self.transforms, self.container])

    def render(self, text: str) -> str:
        for t in self.transforms:
            text = TEXT_LAYOUTS[t](text)
        return text

    def write(self, text: str, path: Path) -> Path:
        """Write ``text`` in this layout to ``path`` (its suffix is set by the container); returns the file."""
        return CONTAINERS[self.container](self.render(text), path)


# -- what must not depend on the layout -----------------------------------------------------------------------

def norm(s: object) -> str:
    """Text compared across layouts: NFKC, no white space, simplified characters (a round trip through traditional
    characters may keep a variant form, so both sides are taken through it)."""
    if s is None or (isinstance(s, float) and s != s):
        return ""
    folded = "".join(unicodedata.normalize("NFKC", str(s)).split())
    return _t2s()(_s2t()(folded))


def _span(text: str, row: dict) -> str:
    return norm(text[row["start"]: row["end"]])


def layout_key(result) -> dict:
    """What a parse result (``parsing.DocResult``) must give in every layout, offsets aside.

    - documents: status, the metadata fields and the parts;
    - sections: level, marker, part and the text each spans (so the same boundaries), but for the preamble, which
      holds what is left of the page around the title (a web page's extractor drops a repeated title line, a
      column label glued to a one-line page stays); headings are compared by
      ``same_heading``, as a heading line that lost its line break cannot always be told from its first sentence;
    - items: numbered points (一是…, （1）… inside a paragraph) with their text; the items of a point that has no
      inline points (the section itself, or its unnumbered paragraphs, which only line breaks can separate) are
      compared through their section's text;
    - metrics: raw text, value, unit, part and flags.
    """
    doc, text = result.document, result.text
    secs = sorted((r for r in result.sections if r["part"] != "preamble"), key=lambda r: r["start"])
    index = {r["section_id"]: n for n, r in enumerate(secs)}
    items = []
    leaf_sections = set()
    for it in sorted(result.items, key=lambda r: r["start"]):
        if it["kind"] == "inline":
            items.append((index[it["section_id"]], it["part"], norm(it["marker"]), norm(it["text"])))
        elif it["section_id"] not in leaf_sections:
            leaf_sections.add(it["section_id"])
            items.append((index[it["section_id"]], it["part"], "leaf", ""))
    metrics = sorted(((norm(m["raw"]), m["value"], m["unit"], m["part"] or "", bool(m["approx"]),
                       bool(m["target"]), m["year"] or 0) for m in result.metrics), key=repr)
    return dict(
        document={k: doc.get(k) for k in ("status", "jurisdiction", "admin_level", "year_start", "year_end",
                                          "parts")},
        sections=[(r["level"], norm(r["marker"]), r["part"], _span(text, r)) for r in secs],
        items=items,
        metrics=metrics,
    )


def headings(result) -> list[str]:
    return [norm(r["heading"]) for r in sorted(result.sections, key=lambda r: r["start"]) if r["part"] != "preamble"]


def same_heading(a: str, b: str) -> bool:
    """Headings agree when one is the other, or the other followed by words of its section's first sentence."""
    return a.startswith(b) or b.startswith(a)


# -- mangling -------------------------------------------------------------------------------------------------

JUNK = ("首页 > 政务公开", "【打印】【关闭】", "发布时间：2024-01-05 来源：本网", "扫一扫在手机打开当前页",
        "<div class=\"nav\">", "&nbsp;&nbsp;", "\ufffd\ufffd", "威廉希尔", "版权所有 ICP备12345678号")
ORPHAN_HEADINGS = ("一、", "（一）", "1.", "二、存在的问题", "三、下一步工作打算", "（二）", "【基本情况】", "第一部分",
                   "一是", "①", "(1)", "十、", "四、", "二十一、")


def _lines(text: str) -> list[str]:
    return text.split("\n")


def drop_lines(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    return "\n".join(ln for ln in lines if rng.random() > 0.2)


def double_lines(text: str, rng: random.Random) -> str:
    return "\n".join(x for ln in _lines(text) for x in ([ln, ln] if rng.random() < 0.2 else [ln]))


def swap_lines(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    for _ in range(max(1, len(lines) // 5)):
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


def cut_lines(text: str, rng: random.Random) -> str:
    return "\n".join(ln[: rng.randrange(len(ln) + 1)] if ln and rng.random() < 0.3 else ln for ln in _lines(text))


def cut_text(text: str, rng: random.Random) -> str:
    return text[: rng.randrange(len(text) + 1)]


def remove_newlines(text: str, rng: random.Random) -> str:
    return text.replace("\n", rng.choice(("", " ", "\u3000\u3000")))


def _insert(text: str, rng: random.Random, pieces: list[str]) -> str:
    for piece in pieces:
        pos = rng.randrange(len(text) + 1)
        text = text[:pos] + piece + text[pos:]
    return text


def insert_nul(text: str, rng: random.Random) -> str:
    return _insert(text, rng, ["\x00"] * rng.randint(1, 5))


def insert_junk(text: str, rng: random.Random) -> str:
    return _insert(text, rng, [rng.choice(JUNK) + rng.choice(("", "\n")) for _ in range(rng.randint(1, 4))])


def insert_digits(text: str, rng: random.Random) -> str:
    runs = ["".join(rng.choice("0123456789") for _ in range(rng.randint(20, 400))),
            "9" * rng.randint(300, 2000), "1." * rng.randint(5, 50), "一二三四五六七八九十" * rng.randint(2, 30)]
    return _insert(text, rng, [rng.choice(runs) for _ in range(rng.randint(1, 3))])


def insert_orphan_headings(text: str, rng: random.Random) -> str:
    return _insert(text, rng, ["\n" + rng.choice(ORPHAN_HEADINGS) + rng.choice(("", "\n"))
                               for _ in range(rng.randint(1, 6))])


MANGLERS: dict[str, Callable[[str, random.Random], str]] = {
    "drop_lines": drop_lines,
    "double_lines": double_lines,
    "swap_lines": swap_lines,
    "cut_lines": cut_lines,
    "cut_text": cut_text,
    "remove_newlines": remove_newlines,
    "insert_nul": insert_nul,
    "insert_junk": insert_junk,
    "insert_digits": insert_digits,
    "insert_orphan_headings": insert_orphan_headings,
}
