"""Web pages into text: the article without the portal around it."""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from typing import Any

from fazhi_lib.readers.text import (
    _BOMS,
    _cjk_count,
    _count_replacements,
    _join_lines,
    _replacement_warning,
    _text_score,
    decode_bytes,
)

# --------------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------------

_META_CHARSET_RE = re.compile(
    rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE
)
_XML_ENCODING_RE = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""")
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "cp936": "gb18030",
    "chinese": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5",
    "x-x-big5": "big5",
    "big5-hkscs": "big5hkscs",
    "utf8": "utf-8",
    "unicode": "utf-8",
}


def _declared_charset(data: bytes) -> tuple[str, str] | None:
    """(name as written in the page, Python codec to decode it with) from <?xml?> or <meta>, if usable."""
    head = data[:4096]
    m = _XML_ENCODING_RE.match(head) or _META_CHARSET_RE.search(head)
    if not m:
        return None
    written = m.group(1).decode("ascii", "ignore").strip()
    name = _CHARSET_ALIASES.get(written.lower(), written.lower())
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    return written, name


def _decode_html_bytes(data: bytes) -> tuple[str, str, str]:
    """HTML bytes -> (text, encoding, warning): BOM, then the declared <meta> charset, then ``decode_bytes``.

    A declared charset that does not fit the bytes (common: pages declaring gb2312 served as UTF-8 or the
    reverse, templates left at iso-8859-1) is overridden when detection gives clearly better text, and
    the warning says so.
    """
    if any(data.startswith(bom) for bom, _ in _BOMS) or data.isascii():
        return decode_bytes(data)
    declared = _declared_charset(data)
    if declared is None:
        return decode_bytes(data)
    written, codec = declared
    try:
        text = data.decode(codec)
        n_bad = 0
    except UnicodeDecodeError:
        text = data.decode(codec, errors="replace")
        n_bad = _count_replacements(text)
    detected, enc, warning = decode_bytes(data)
    if codecs.lookup(enc).name == codecs.lookup(codec).name:
        return detected, enc, warning
    if not warning and _text_score(detected) > _text_score(text) + 0.1:
        return detected, enc, f"page declares charset {written} but the bytes are {enc}; decoded as {enc}"
    return text, codec, _replacement_warning(n_bad, len(text)) if n_bad else ""


_DROP_TAGS = {
    "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed", "applet",
    "svg", "canvas", "map", "audio", "video", "button", "select", "option", "input", "textarea", "nav",
    "aside", "head", "title", "link", "meta", "base",
}  # fmt: skip
_SOFT_DROP_TAGS = {"header", "footer", "form"}  # dropped unless they hold the article (ASP.NET wraps in form)
_BOILER_SUBSTR_RE = re.compile(
    r"nav|menu|footer|share|breadcrumb|crumb|sidebar|toolbar|copyright|banner|advert|qrcode|erweima|"
    r"gotop|backtop|pagination|pager|skip|login|search|friendlink|weixin|wechat|weibo|fontsize|font-size|zihao",
    re.IGNORECASE,
)
_BOILER_TOKENS = {
    "top", "head", "header", "foot", "bottom", "side", "print", "close", "tool", "tools", "links", "link",
    "ad", "ads", "fx", "position", "location", "dqwz", "xgxx", "xgwz", "related", "relate", "yqlj", "ewm",
    "fenxiang", "dayin", "guanbi", "hidden", "hide", "tip", "tips", "notice-bar", "slide", "slider",
}  # fmt: skip
_CONTENT_SUBSTR_RE = re.compile(r"zoom|trs_editor|content|article|detail", re.IGNORECASE)
_CONTENT_TOKENS = {
    "con", "text", "txt", "zw", "nr", "zwnr", "wznr", "wzcon", "artcon", "view", "main", "body",
}  # fmt: skip
_CONTAINER_TAGS = {
    "body", "div", "article", "section", "main", "td", "th", "center", "font", "span", "blockquote", "form",
    "table", "tbody", "tr", "dd", "dl", "ul", "ol", "li", "header", "footer",
}  # fmt: skip
_BLOCK_TAGS = {
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
    "section", "article", "main", "header", "footer", "address", "figure", "figcaption", "center", "hr",
    "caption", "form", "fieldset", "legend", "details", "summary", "body", "html", "tr", "table", "tbody",
    "thead", "tfoot",
    # trafilatura XML
    "head", "item", "list", "quote", "code", "row", "doc",
}  # fmt: skip
_BREAK_TAGS = {"br", "lb"}
_CELL_TAGS = {"td", "th", "cell"}
_ROW_TAGS = {"tr", "row"}
_LINE_BREAK = "\x00"  # internal marker; NULs never reach the output
_CJK_WIDE = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_WS_NEWLINE_CJK_RE = re.compile(f"(?<=[{_CJK_WIDE}])[ \t]*[\r\n]+[ \t]*(?=[{_CJK_WIDE}])")
_WS_RE = re.compile(r"[ \t\r\n\f\v]+")
_META_SKIP = {
    "viewport", "renderer", "robots", "format-detection", "referrer", "theme-color", "generator",
    "force-rendering", "applicable-device", "mobile-agent", "x-ua-compatible", "csrf-token", "csrf-param",
    "google-site-verification", "baidu-site-verification", "360-site-verification", "sogou_site_verification",
    "shenma-site-verification", "bytedance-verification-code", "msvalidate.01", "full-screen",
    "browsermode", "x5-fullscreen", "x5-page-mode", "wap-font-scale", "screen-orientation",
    "x5-orientation", "imagemode", "nightmode", "layoutmode", "handheldfriendly", "mobileoptimized",
}  # fmt: skip


def _classes(el: Any) -> str:
    return f"{el.get('id') or ''} {el.get('class') or ''}".strip()


def _tokens(attr: str) -> set[str]:
    return {t for t in re.split(r"[\s_\-]+", attr.lower()) if t}


def _looks_boilerplate(el: Any) -> bool:
    attr = _classes(el)
    if not attr:
        return False
    return bool(_BOILER_SUBSTR_RE.search(attr)) or bool(_tokens(attr) & _BOILER_TOKENS)


def _looks_content(el: Any) -> bool:
    attr = _classes(el)
    if not attr:
        return False
    return bool(_CONTENT_SUBSTR_RE.search(attr)) or bool(_tokens(attr) & _CONTENT_TOKENS)


def _is_hidden(el: Any) -> bool:
    style = (el.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style or el.get("hidden") is not None


def _tag(el: Any) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _clean_text_node(text: str | None) -> str:
    if not text:
        return ""
    if text.isspace():  # most text nodes are the indentation between tags
        return " "
    if "\n" in text or "\r" in text:
        text = _WS_NEWLINE_CJK_RE.sub("", text)
    return _WS_RE.sub(" ", text.replace(_LINE_BREAK, ""))


def _is_layout_table(table: Any) -> bool:
    """A table used for page layout (nested tables or long multi-paragraph cells), not a data table."""
    for el in table.iter():
        if el is not table and _tag(el) == "table":
            return True
    for cell in table.iter("td", "th"):
        if _cjk_count(cell.text_content()) > 150:
            return True
    return False


def _nearest_html_table(el: Any) -> Any:
    cur = el.getparent()
    while cur is not None and _tag(cur) != "table":
        cur = cur.getparent()
    return cur


def _serialize(root: Any, layout_tables: bool = True) -> list[str]:
    """Lines of text under ``root`` (an lxml HTML element or trafilatura XML element).

    Block elements start and end lines, ``<br>`` breaks lines, data tables become one line per row with
    non-empty cells joined by " | ".  Layout tables (nested tables / long cells) are read as blocks.
    """
    parts: list[str] = []

    def cell_text(cell: Any) -> str:
        return " ".join(_join_lines(_serialize(cell)).split("\n")).strip()

    def walk(el: Any, with_tail: bool = True) -> None:
        tail = _clean_text_node(el.tail) if with_tail else ""
        tag = _tag(el)
        if not tag:  # comment or processing instruction: keep only its tail
            parts.append(tail)
            return
        if tag in _BREAK_TAGS:
            parts.extend([_LINE_BREAK, tail])
            return
        if tag == "table" and not (layout_tables and _is_layout_table(el)):
            parts.append(_LINE_BREAK)
            for sub in el.iter():
                stag = _tag(sub)
                if sub is not el and _nearest_html_table(sub) is not el:
                    continue  # inside a nested table: its text is part of the enclosing cell
                if stag == "caption":
                    parts.extend([cell_text(sub), _LINE_BREAK])
                elif stag in _ROW_TAGS:
                    cells = [c for c in sub if _tag(c) in _CELL_TAGS]
                    texts = [t for t in (cell_text(c) for c in cells) if t]
                    if texts:
                        parts.extend([" | ".join(texts), _LINE_BREAK])
            parts.append(tail)
            return
        block = tag in _BLOCK_TAGS or tag in _CELL_TAGS
        if block:
            parts.append(_LINE_BREAK)
        parts.append(_clean_text_node(el.text))
        for child in el:
            walk(child)
        if block:
            parts.append(_LINE_BREAK)
        parts.append(tail)

    walk(root, with_tail=False)
    return "".join(parts).split(_LINE_BREAK)


def _weights(root: Any, weight: Callable[[str | None], int]) -> dict[Any, tuple[int, int]]:
    """Bottom-up (total, inside-links) text weight for every element under ``root`` (tails excluded)."""
    result: dict[Any, tuple[int, int]] = {}
    stack: list[tuple[Any, bool, bool]] = [(root, False, False)]
    while stack:
        el, in_link, done = stack.pop()
        if not done:
            stack.append((el, in_link, True))
            child_link = in_link or _tag(el) == "a"
            for child in el:
                stack.append((child, child_link, False))
            continue
        total = weight(el.text)
        link = 0
        for child in el:
            ct, cl = result[child]
            tail = weight(child.tail)
            total += ct + tail
            link += cl + (tail if in_link else 0)
        if in_link or _tag(el) == "a":
            link = total
        result[el] = (total, link)
    return result


def _word_count(text: str | None) -> int:
    return len(text.split()) if text else 0


def _fallback_extract(tree: Any) -> tuple[list[str], list[str], set[str]]:
    """Rule-based article extraction from a parsed lxml HTML document (modified in place).

    Drops scripts/styles/form controls/nav/aside and hidden elements, then elements whose id/class marks
    them as navigation, footer, share bar, breadcrumb, sidebar... unless they hold most of the text, then
    takes the deepest block holding >= 70% of the non-link text (>= 50% for zoom/content/TRS_Editor-like
    containers).  Returns ``(article_lines, page_lines, boilerplate_lines)``: all visible lines of the page
    and the lines of the removed navigation/share/footer elements, used to judge trafilatura's output.
    """
    body = tree.find(".//body")
    if body is None:
        body = tree
    for el in list(body.iter()):
        if el is body or el.getparent() is None:
            continue
        if not isinstance(el.tag, str) or _tag(el) in _DROP_TAGS or _is_hidden(el):
            el.drop_tree()
    weight: Callable[[str | None], int] = _cjk_count if _cjk_count(body.text_content()) else _word_count
    page_lines = [ln for ln in _join_lines(_serialize(body)).split("\n") if ln]

    stats = _weights(body, weight)
    total_nl = max(1, stats[body][0] - stats[body][1])
    boiler: set[str] = set()
    for el in list(body.iter()):
        if el is body or el.getparent() is None:
            continue
        if _tag(el) in _SOFT_DROP_TAGS or _looks_boilerplate(el):
            t, lk = stats.get(el, (0, 0))
            if (t - lk) >= 0.5 * total_nl and lk <= 0.5 * max(t, 1):
                continue  # a wrapper holding the article (e.g. ASP.NET <form>), not boilerplate
            boiler.update(ln for ln in _join_lines(_serialize(el)).split("\n") if ln)
            el.drop_tree()

    stats = _weights(body, weight)
    total_nl = stats[body][0] - stats[body][1]
    chosen = body
    if total_nl > 0:
        depth: dict[Any, int] = {body: 0}
        best_key: tuple[int, int] | None = None
        for el in body.iter():
            if el is body:
                continue
            depth[el] = depth.get(el.getparent(), 0) + 1
            if _tag(el) not in _CONTAINER_TAGS:
                continue
            t, lk = stats[el]
            nl = t - lk
            if lk > 0.5 * max(t, 1):
                continue
            if nl >= 0.7 * total_nl or (nl >= 0.5 * total_nl and _looks_content(el)):
                key = (depth[el], nl)
                if best_key is None or key > best_key:
                    best_key, chosen = key, el
    lines = [ln for ln in _join_lines(_serialize(chosen)).split("\n") if ln]
    return lines, page_lines, boiler


def _trafilatura_extract(html: str) -> list[str] | None:
    """Article lines from trafilatura's XML output (tables as "a | b" rows), or None if it found nothing."""
    try:
        import trafilatura
        from lxml import etree
    except ImportError:  # pragma: no cover - both are dependencies
        return None
    try:
        xml = trafilatura.extract(
            html,
            output_format="xml",
            include_tables=True,
            include_comments=False,
            include_images=False,
            include_links=False,
            include_formatting=False,
            deduplicate=False,
            with_metadata=False,
            fast=True,  # no readability/justext second opinion: our own extractor is that (see _choose_extraction)
        )
    except Exception:  # trafilatura is best-effort here; the fallback extractor still runs
        return None
    if not xml:
        return None
    try:
        root = etree.fromstring(xml.encode("utf-8"))
    except etree.XMLSyntaxError:
        return None
    main = root.find("main")
    if main is None:
        main = root
    lines = _join_lines(_serialize(main, layout_tables=False)).split("\n")
    lines = [ln for ln in lines if ln]
    return lines or None


def _html_meta(tree: Any) -> dict[str, str]:
    meta: dict[str, str] = {}
    title = tree.find(".//title")
    if title is not None:
        text = _WS_RE.sub(" ", title.text_content()).strip()
        if text:
            meta["title"] = text
    for el in tree.iter("meta"):
        name = (el.get("name") or el.get("property") or "").strip()
        content = _WS_RE.sub(" ", el.get("content") or "").strip()
        if not name or not content:
            continue
        low = name.lower()
        if low in _META_SKIP or low.startswith(("apple-", "msapplication-", "twitter:")):
            continue
        meta.setdefault(name, content)
    return meta


def _choose_extraction(
    traf: list[str] | None, fallback: list[str], page_lines: list[str], boiler: set[str] | None = None
) -> list[str]:
    """Trafilatura's lines unless they miss text, merge paragraphs or carry text from outside the article.

    ``fallback`` is the rule-based extraction, ``page_lines`` every visible line of the page and ``boiler``
    the lines of elements marked as navigation/share bar/footer, which are removed from trafilatura's
    lines when it is chosen.
    """
    if not traf:
        return fallback
    if not fallback:
        return traf
    c_traf = sum(_cjk_count(x) for x in traf)
    c_fb = sum(_cjk_count(x) for x in fallback)
    if c_fb and c_traf < 0.5 * c_fb:
        return fallback  # trafilatura missed much of the article
    traf_text = _WS_RE.sub("", "".join(traf))
    missing = sum(
        _cjk_count(f) for f in fallback if _cjk_count(f) >= 20 and _WS_RE.sub("", f) not in traf_text
    )
    if missing > 0.15 * c_fb:
        return fallback  # whole paragraphs missing (typically <br>-separated lines or list items)
    long_fb = [f for f in fallback if _cjk_count(f) >= 5]
    for line in traf:
        if sum(1 for f in long_fb if f in line and f != line) >= 2:
            return fallback  # paragraphs (<br>, list items, layout-table cells) flattened into one line
    fb_set = set(fallback)
    outside = set(page_lines) - fb_set
    leaked = sum(_cjk_count(t) for t in set(traf) if t in outside)
    if leaked > max(10, 0.05 * c_fb):
        return fallback  # navigation, sidebar or footer text that the rule-based extraction left out
    if boiler:
        return [t for t in traf if t in fb_set or t not in boiler]
    return traf


def html_to_text(html: str | bytes) -> tuple[str, dict[str, str]]:
    """Article text of an HTML page and its metadata: ``(text, meta)``.

    Parameters
    ----------
    html : str or bytes
        The page as text or raw bytes (bytes are decoded with the declared <meta> charset, else detected with
        ``decode_bytes``).

    Returns
    -------
    text : str
        The article only (no navigation, menus, scripts, styles, share bars or footers), one paragraph per line,
        table rows as cells joined by " | "; "" for an empty or unparsable page.
    meta : dict
        "title" (the <title>) and the page's named <meta> tags (ArticleTitle, PubDate, ContentSource, SiteName,
        ColumnName, Keywords, Description ..., keys as spelled in the page) mapped to their content; {} for an
        empty or unparsable page.
    """
    from lxml import etree
    from lxml import html as lxml_html

    if isinstance(html, bytes):
        html = _decode_html_bytes(html)[0]
    html = _XML_DECL_RE.sub("", html.replace("\x00", ""), count=1)
    if not html.strip():
        return "", {}
    try:
        tree = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return "", {}
    meta = _html_meta(tree)
    fallback, page_lines, boiler = _fallback_extract(tree)
    traf = _trafilatura_extract(html)
    lines = _choose_extraction(traf, fallback, page_lines, boiler)
    return "\n".join(lines), meta
