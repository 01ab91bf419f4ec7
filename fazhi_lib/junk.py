"""Page junk by kind: what web portals, document sites and cover pages put around and into a report.

:mod:`fazhi_lib.clean` removes junk lines with the rules of ``vocab/boilerplate.csv``. This module finds junk *spans*
inside a line, by kind, for the places where a page's lines cannot be trusted:

- the **head** of a page (before the report's first sentence), where a publishing block, a date-and-source stamp, a
  breadcrumb, a font, print or share bar, a portal menu and a site name glued to the title may share one line — or
  the whole page is a single line, as copied from a browser or a PDF (:func:`head_spans`);
- the **tail** of a page (after its last sentence), where share bars, related links and the site footer follow
  (:func:`tail_start`);
- **anywhere**, for kinds that are never a report's words: document-site watermarks, gambling spam and redaction
  marks, also inside a sentence (``scope`` ``span`` rows of ``vocab/boilerplate.csv``, applied by the cleaner).

Every span carries its kind, the reason the cleaning audit gives for removing it. The words come from
``vocab/page_fields.csv`` (the fields of a publishing block) and ``vocab/portal_words.csv`` (menus, bars, column
names); the shapes (dates, index numbers, document numbers) are written here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fazhi_lib.textrules import CJK
from fazhi_lib.vocabulary import per_vocabulary, read_rows, words_pattern

__all__ = ["FIELD_ROLES", "JunkSpan", "field_roles", "head_junk_anchor", "head_spans", "is_menu_line",
           "is_separator_residue", "tail_start"]

# Roles of a publishing-block field whose value is worth keeping for metadata (see vocab/page_fields.csv).
FIELD_ROLES = ("publisher", "source", "title")

_CJK = CJK
# A full date: ISO-like (2023-03-27, 2021/03/29, 2024.1.5) or written (2025年09月05日); a time may follow.
_ISO_DATE = r"(?:19|20)\d\d\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}(?!\d)"
_CN_DATE = r"(?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
_TIME = r"\d{1,2}\s*:\s*\d{2}(?:\s*:\s*\d{2})?"
_STAMP = rf"(?:{_ISO_DATE}|{_CN_DATE})(?:\s*{_TIME})?"
# 某府发〔2025〕3号, 宝杨府[2026]1号
_DOCNO = r"[\u4e00-\u9fff]{1,12}\s*[〔\[【(（]\s*(?:19|20)\d\d\s*[〕\]】)）]\s*(?:第\s*)?\d{1,5}\s*号"
# index numbers: 11500230008689762A/2026-00004, 4300000001/2026-00628, sm09901-1800-2025-00003
_INDEX = r"[0-9A-Za-z]{2,}(?:\s*[-/_]\s*[0-9A-Za-z]{2,}){1,6}"
# Where a field's value, a breadcrumb or a menu may end in a head: white space, a separator or bracket, the end, a
# year (the report's first sentence "2024年,…" glued on) or the next field.
_BOUND_CHARS = r"\s|｜•·\[\]【】<>"
_FREE = rf"[^{_BOUND_CHARS}:：,，。;；!?！？()（）《》“”]"
_CRUMB_CHAR = rf"[^{_BOUND_CHARS}:：,，。;；!?！？()（）《》“”/\"']"
_ARROW = r"\s*(?:>>|»|›|→|＞|>)\s*"
_BREADCRUMB_LEAD = r"(?:您|你)?(?:当前|现在)?(?:所在)?的?(?:当前)?(?:所在)?位置\s*[:：>]\s*"
_LUNAR = (r"农历\s*(?:[\u4e00-\u9fff]{2}年)?\s*闰?[正一二三四五六七八九十冬腊]{1,2}月\s*"
          r"(?:初[一二三四五六七八九十]|十[一二三四五六七八九]?|廿[一二三四五六七八九]?|二十[一二三四五六七八九]?|三十)?")
_WEEKDAY = r"(?:星期|周|礼拜)[一二三四五六日天]"
# 今天是2024年1月5日 星期五 农历冬月廿四, or a site's date line without 今天是 (2019年12月3日星期二)
# and the weather some sites add (晴 18℃~25℃)
_DEGREES = r"-?\d{1,2}\s*(?:℃|°C)?"
_WEATHER = rf"(?:\s*[晴阴雨雪云转小中大暴雷阵雾霾多]{{1,6}}\s*{_DEGREES}(?:\s*[~～\-至/]\s*{_DEGREES})?)"
_DATE_BANNER = (rf"今天是\s*[:：]?\s*(?:{_CN_DATE}|{_ISO_DATE})\s*(?:{_WEEKDAY})?\s*(?:{_LUNAR})?{_WEATHER}?"
                rf"|(?:{_CN_DATE}|{_ISO_DATE})\s*{_WEEKDAY}\s*(?:{_LUNAR})?{_WEATHER}?")
_FONT_ITEM = r"(?:特大|超大|较大|默认|标准|放大|缩小|还原|重置|大|中|小|A\+|A-|A|T\+|T-|T|\+|-)"
_SCAN_TAIL = r"(?:\s*(?:在|用)?(?:手机|微信)上?)?"
_SCAN_END = r"(?:当前页面?|本页|此页|页面|本文|文章)?"
_SCAN = (rf"(?:微信|手机)?扫一扫{_SCAN_TAIL}(?:打开|查看|浏览|阅读|分享)?{_SCAN_END}"
         rf"|(?:微信|手机)?扫(?:码|描二维码){_SCAN_TAIL}(?:打开|查看|浏览|阅读|分享){_SCAN_END}|用手机扫描二维码")
# a site name glued to the title with _ | - (2025年度杨行镇…报告_公开目录_上海市宝山区人民政府门户网站)
_SITE_WORD = r"(?:门户网站|政府网站|网站|门户网|政府网|官网|门户|网|人民政府|政府)"
_MENU_ITEM = r"[^\s|｜\[\]【】<>:：,，。;；!?！？\d]{1,12}"
_SITE_SEG = r"[^\s_｜|\-—:：,，。;；!?！？()（）《》“”\[\]【】<>]"
_SITE_TAIL = (rf"(?<=报告|总结|情况|要点)(?:\s*[_｜|]\s*{_SITE_SEG}{{1,30}}){{0,3}}?\s*(?:[_｜|]|\s-\s|-|——)\s*"
              rf"{_SITE_SEG}{{0,30}}?{_SITE_WORD}(?=\s|$|\d|[_｜|])")
# after the report's last sentence, where the page's tail starts (words that never end a report's sentence: an
# opening cut mid-sentence may end in …提供技术支持)
_TAIL_ANCHOR = (r"[\[【]\s*(?:打印|关闭|收藏|保存|纠错)|分享到|分享至|(?:微信|手机)?扫一扫|上一篇|下一篇|上一条|下一条"
                r"|相关链接|相关文章|相关阅读|相关新闻|相关稿件|版权所有|Copyright|©|ICP备|公网安备"
                r"|网站标识码|主办单位[:：]|承办单位[:：]|免责声明|本文来自|如有侵权|转载请注明")


@dataclass(frozen=True)
class JunkSpan:
    """A piece of junk inside a line: ``text[start:end]`` of kind ``kind`` (the audit's reason).

    Attributes
    ----------
    start, end : int
        The span's offsets in the text searched.
    kind : str
        What the junk is (date banner, breadcrumb, web meta field, portal menu …): the reason the cleaning audit
        gives for removing it.
    field, value : str
        For a publishing-block field, its name and value (``"发布机构"``, ``"某某镇人民政府"``); empty for other
        kinds.
    role : str
        For a publishing-block field, what the value is (see ``vocab/page_fields.csv``); empty for other kinds.
    """

    start: int
    end: int
    kind: str
    field: str = ""
    value: str = ""
    role: str = ""


@per_vocabulary
def field_roles() -> dict[str, str]:
    """Publishing-block field name -> role, from ``vocab/page_fields.csv``.

    Returns
    -------
    dict
        The role (publisher, source, title, other …) of each field name (发布机构, 来源 …).
    """
    return {r["field"]: r["role"] for r in read_rows("page_fields.csv")}


@per_vocabulary
def _portal_words() -> dict[str, tuple[str, ...]]:
    words: dict[str, list[str]] = {}
    for r in read_rows("portal_words.csv"):
        words.setdefault(r["kind"], []).append(r["word"])
    return {k: tuple(v) for k, v in words.items()}


def _words(*kinds: str) -> str:
    return words_pattern(w for k in kinds for w in _portal_words().get(k, ()))


# The shape of a field's value by role; a role without one takes any short text that ends at a boundary.
_ROLE_SHAPE = {"date": _STAMP, "docno": _DOCNO, "index": _INDEX, "count": r"(?!(?:19|20)\d\d年)\d[\d,]*|-",
               "font": r"\[\s*\]|-"}
# the end of an issuing body's or a source's name (法治调研督察处, 海口市司法局, 陕西日报, 本网)
_ORG_SUFFIX = r"(?:局|处|科|室|委|办|厅|中心|政府|办公室|委员会|镇|乡|街道|县|区|市|省|网|报|社|台)"


def _key_words(keys: list[str]) -> str:
    """Field names, also letter-spaced (索 引 号) as a page copied as one line keeps them."""
    return words_pattern([*keys, *(" ".join(k) for k in keys if 2 <= len(k) <= 4)])


_SEP = r"(?:[\]】:：|｜]\s*)+"
_ALT_NAME = r"(?:/[^\]】|:：\s]{1,8})?"  # 有效性/截止日期, 备注/文号


@per_vocabulary
def _key_ahead() -> str:
    """An expression for where a publishing-block field starts (its name and a separator, or a date)."""
    return rf"(?:[\[【]\s*)?(?:{words_pattern(field_roles())})\s*{_ALT_NAME}\s*(?:[\]】:：|｜]|{_STAMP})"


@per_vocabulary
def _field_pattern() -> str:
    """A publishing-block field's name and separator (its value is read by :func:`_value_re` of its role); a field
    of dates may be followed by its date at once (发布时间2025年09月05日)."""
    roles = field_roles()
    dates = [k for k, r in roles.items() if r == "date"]
    return (rf"(?:[\[【]\s*)?(?:(?P<key>{_key_words(list(roles))})\s*{_ALT_NAME}\s*{_SEP}"
            rf"|(?P<date_key>{_key_words(dates)})\s*{_ALT_NAME}\s*(?={_STAMP}))")


@per_vocabulary(maxsize=16)
def _value_re(role: str) -> re.Pattern[str]:
    """The value of a field of ``role`` right after its separator; an empty match when the field is empty."""
    key_ahead = _key_ahead()
    # a year opening the report's first sentence (2024年,… 2024年以来 2024年度) ends a value; 2024年3月 does not
    bound = rf"(?=[{_BOUND_CHARS}]|$|(?:19|20)\d\d年(?!\d)|{_STAMP}|{key_ahead})"
    shape = _ROLE_SHAPE.get(role)
    if role in ("count", "font"):  # a number, a dash or nothing: the report may follow at once in a one-line page
        return re.compile(rf"(?:{shape})?")
    if shape:  # a value of a fixed shape is either there or not: what follows an empty one is no value
        return re.compile(rf"(?:{shape}|{bound}|(?=[{_CJK}]))")
    if role == "title":  # a whole title, 《》 and all, up to the next cell or the line's end
        cell_end = r"(?=\s*[|｜]|\s*$)"
        return re.compile(rf"(?!{key_ahead})[^|｜\[\]【】\n]{{2,80}}?{cell_end}|{cell_end}|{bound}")
    # a value is no field name and no title (…关于2025年…的报告 starts after it)
    text_char = rf"(?!关于){_FREE}"
    free = (rf"(?!{key_ahead})(?:{_STAMP}|{_DOCNO}|\[[^\]\n]{{0,12}}\]|【[^】\n]{{0,12}}】|{_INDEX}|-+|\d{{1,12}}"
            rf"|{text_char}(?:{text_char}|、){{0,23}}?(?={bound}|关于))|{bound}")
    if role in ("publisher", "source"):
        # an issuing body or a source glued to the title that follows (来源:某某处某某局关于2025年…): up to its name
        org = rf"(?!{key_ahead})(?:{text_char}){{1,15}}{_ORG_SUFFIX}(?=[{_CJK}]{{2,24}}?(?:关于|(?:19|20)\d\d))"
        return re.compile(f"(?:{free}|{org})")
    # a classification value never names an organ (中共某某镇委员会 after an empty 是否有效 starts the title)
    organ = rf"[^{_BOUND_CHARS}]{{0,12}}(?:人民政府|委员会|党委|办事处|中共)"
    return re.compile(f"(?:(?!{organ})(?:{free})|(?={organ}))")


@per_vocabulary
def _head_re() -> re.Pattern[str]:
    """One expression for every kind of head junk; the group that matched names the kind."""
    field, key_ahead = _field_pattern(), _key_ahead()
    column = _words("column")
    crumb = rf"{_CRUMB_CHAR}{{1,20}}?"
    last_crumb = (rf"(?:(?:(?!\d){_CRUMB_CHAR}){{0,12}}(?:{column})|(?:(?!\d){_CRUMB_CHAR}){{1,16}}"
                  rf"(?=[{_BOUND_CHARS}]|$|\d)|(?:首页|网站首页|主页))")
    breadcrumb = (rf"{_BREADCRUMB_LEAD}(?:{crumb}{_ARROW})*(?:{last_crumb})?"
                  rf"|(?:{_ARROW})?(?:{crumb}{_ARROW})+{last_crumb}|(?:首页|网站首页|主页)\s*/\s*(?:{crumb}\s*/\s*)*{last_crumb}")
    font = (rf"[\[【]?\s*(?:{_words('font')})\s*[:：]?\s*(?:[\[【]?\s*{_FONT_ITEM}\s*[\]】]?\s*(?:[|｜/·]\s*)?){{0,6}}"
            r"(?:[\[【]\s*[\]】])?[\]】]?")
    printing = _words("print")
    share = _words("share")
    menu = _words("menu")
    # a bare word of a bar or menu stands between separators (never inside quotes or a word of a sentence)
    before, after = r"(?<![^\s|｜•·\[\]【】:：])", rf"(?=[\s|｜•·\[\]【】:：]|$|\d|{key_ahead})"
    bars = (rf"(?P<print>[\[【]\s*(?:{printing})\s*[\]】]|{before}(?:{printing}){after})"
            rf"|(?P<share>(?:分享到|分享至|分享)\s*[:：]\s*(?:(?:{share})\s*[|｜/·,，]?\s*)*"
            rf"|[\[【]\s*(?:{share})\s*[\]】])"
            rf"|(?P<menu>{before}(?:{menu}|{share})(?:(?:\s*[|｜/·•]\s*|\s+)(?:{menu}|{share}|{printing}))*\s*[|｜]?{after}"
            # a navigation menu of the site's own channels: three or more short items between bars, one a portal word
            rf"|(?=(?:{_MENU_ITEM}\s*[|｜]\s*){{0,3}}?(?:{menu}|{share}|{column})\s*[|｜])"
            rf"(?:{_MENU_ITEM}\s*[|｜]\s*){{3,40}})")
    return re.compile(
        rf"(?P<banner>{_DATE_BANNER})|(?P<scan>{_SCAN})|(?P<crumb>{breadcrumb})|(?P<font>{font})"
        rf"|(?P<field>{field})|{bars}|(?P<site>{_SITE_TAIL})"
        # a date standing alone: written as 2023-03-27 (never so in a report's prose) or with a time of day
        rf"|(?P<stamp>{_ISO_DATE}(?:\s*{_TIME})?|{_CN_DATE}\s*{_TIME})"
        rf"|(?P<index>(?<![0-9A-Za-z]){_INDEX}(?![0-9A-Za-z]))",
        re.IGNORECASE,
    )


_KIND = {"banner": "date banner", "scan": "scan to phone", "crumb": "breadcrumb", "font": "font size bar",
         "field": "web meta field", "print": "print/close bar", "share": "share bar", "menu": "portal menu",
         "site": "site name joined to title", "stamp": "publishing stamp", "index": "index number"}


def _is_index(token: str) -> bool:
    """An index number has many digits; a year range (2021-2025) or a short code does not."""
    digits = sum(ch.isdigit() for ch in token)
    return len(token) >= 12 and digits >= 8 and not re.fullmatch(r"(?:19|20)\d\d\s*[-/]\s*(?:19|20)\d\d", token)


@per_vocabulary
def head_junk_anchor() -> re.Pattern[str]:
    """Something every kind of :func:`head_spans` holds, to find where head junk may be.

    That is a separator or bracket, a full date, a field's name with its colon, a portal's word standing alone, a
    site name's dash after a title. A stretch of text without any holds no head junk, and most of a report's first
    sentence holds none.

    Returns
    -------
    re.Pattern
        The pattern, compiled once per vocabulary (case-insensitive).
    """
    words = words_pattern(w for ws in _portal_words().values() for w in ws)
    return re.compile(
        rf"[|｜>»›→＞\[\]【】•·_]|{_ISO_DATE}|{_CN_DATE}|{_WEEKDAY}|今天是|扫一扫|扫码|扫描二维码"
        rf"|(?:{_key_words(list(field_roles()))})\s*(?:[:：]|{_STAMP})"
        rf"|(?:^|(?<=[\s:：]))(?:{words})(?=[\s:：]|$)|(?<=报告|总结|情况|要点)\s*(?:-|——)",
        re.IGNORECASE,
    )


@per_vocabulary
def _glued_word_re() -> re.Pattern[str]:
    """A bar or menu word right after other junk, glued to what follows (打印 in 来源:某某网【字体:打印中共…)."""
    return re.compile(rf"\s*[|｜•·]?\s*(?:{_words('print', 'share', 'menu')})(?:\s*[:：])?", re.IGNORECASE)


_WORD_KIND = {"print": "print/close bar", "share": "share bar", "menu": "portal menu"}


def _word_kind(word: str) -> str:
    w = word.strip(" |｜•·:：").lower()
    return next((_WORD_KIND[k] for k in _WORD_KIND if w in (x.lower() for x in _portal_words().get(k, ()))),
                "portal menu")


def head_spans(text: str, start: int = 0, end: int | None = None) -> list[JunkSpan]:
    """Junk spans in ``text[start:end]``, a stretch of a page's head, left to right and not overlapping.

    Kinds: date banner (今天是…), scan to phone, breadcrumb, font size bar, web meta field (a publishing-block field
    with its value), print/close bar, share bar, portal menu, site name joined to title, publishing stamp (a date
    and time standing alone) and index number. Only the head of a page may be searched so: some of these shapes
    (a field name and a colon) also occur in a report's sentences.

    Parameters
    ----------
    text : str
        The page's text.
    start : int, default 0
        Where the stretch searched starts.
    end : int, optional
        Where it ends (None: the end of ``text``).

    Returns
    -------
    list of JunkSpan
        The spans, with offsets into ``text``.
    """
    out: list[JunkSpan] = []
    end = len(text) if end is None else end
    roles = field_roles()
    pattern, pos = _head_re(), start
    while pos < end and (m := pattern.search(text, pos, end)) is not None:
        kind = m.lastgroup if m.lastgroup in _KIND else next(k for k in _KIND if m.group(k) is not None)
        pos = max(m.end(), pos + 1)
        if m.end() == m.start() or (kind == "index" and not _is_index(m.group())):
            continue
        if kind == "field":
            key = m.group("key") or m.group("date_key")
            role = roles.get("".join(key.split()), "other")
            value = _value_re(role).match(text, m.end(), end)
            if value is None:
                continue  # a field's name and a colon in a sentence (来源：群众来信来访是…), not a field
            stop = value.end()
            val = text[m.end():stop].strip(" |｜[]【】-")
            out.append(JunkSpan(m.start(), stop, _KIND[kind], "".join(key.split()), val, role))
            pos = max(stop, pos)
            continue
        out.append(JunkSpan(m.start(), m.end(), _KIND[kind]))
    return _with_glued_words(text, out, end)


def _with_glued_words(text: str, spans: list[JunkSpan], end: int) -> list[JunkSpan]:
    out: list[JunkSpan] = []
    for k, s in enumerate(spans):
        out.append(s)
        pos = s.end
        nxt = spans[k + 1].start if k + 1 < len(spans) else end
        while pos < nxt and (m := _glued_word_re().match(text, pos, nxt)) and m.end() > pos:
            out.append(JunkSpan(m.start(), m.end(), _word_kind(m.group())))
            pos = m.end()
    return out


_SEPARATORS = re.compile(r"[\s|｜•·\-_/\\>»›→*#:：,，;；.。、()\[\]【】<>]*")


def is_separator_residue(text: str) -> bool:
    """True when ``text`` (what is left of a line once its junk spans are cut) holds only separators.

    Parameters
    ----------
    text : str
        What is left of a line.

    Returns
    -------
    bool
        True when only separators, brackets and white space (or nothing) are left.
    """
    return bool(_SEPARATORS.fullmatch(text))


@per_vocabulary
def _tail_re() -> re.Pattern[str]:
    return re.compile(_TAIL_ANCHOR, re.IGNORECASE)


def tail_start(text: str, start: int = 0) -> tuple[int, str] | None:
    """Where the junk after a page's last sentence starts in ``text[start:]``, and its kind.

    Parameters
    ----------
    text : str
        The page's text.
    start : int, default 0
        Where to search from (after the report's last sentence).

    Returns
    -------
    tuple of (int, str) or None
        The offset of the first tail anchor and its kind (print/close bar, share bar, related links, wiki or mirror
        tail, site footer); None when nothing there is junk.
    """
    m = _tail_re().search(text, start)
    if m is None:
        return None
    word = m.group()
    if re.match(r"[\[【]|打印|关闭", word):
        kind = "print/close bar"
    elif word.startswith(("分享", "微信", "手机", "扫")):
        kind = "share bar"
    elif word.startswith(("上一", "下一", "相关", "推荐", "热点")):
        kind = "related links"
    elif word in ("免责声明", "本文来自", "如有侵权", "转载请注明"):
        kind = "wiki or mirror tail"
    else:
        kind = "site footer"
    return m.start(), kind


_MENU_SPLIT = re.compile(r"\s*[|｜•·]\s*")
_MENU_SEPARATOR = re.compile(r"[|｜•·\s]")
_NOT_MENU = re.compile(r"[。!?！？,，;；]")


def is_menu_line(line: str) -> bool:
    """Whether ``line`` is a portal's navigation menu (首页 | 政务公开 | 政务服务 | 互动交流).

    A menu is three or more short items joined by | or • (four or more by spaces), at least one of them a portal
    word (two when joined by spaces); the items of a title or an addressee are longer or fewer.

    Parameters
    ----------
    line : str
        One line of a page.

    Returns
    -------
    bool
        True for a menu line.
    """
    if len(line) > 80 or not _MENU_SEPARATOR.search(line) or _NOT_MENU.search(line):
        return False
    piped = bool(_MENU_SPLIT.search(line))
    items = [t for t in (_MENU_SPLIT.split(line) if piped else line.split()) if t]
    if len(items) < (3 if piped else 4) or any(len(t) > 8 or re.search(r"\d", t) for t in items):
        return False
    known = set(w.lower() for ws in _portal_words().values() for w in ws)
    hits = sum(t.lower() in known for t in items)
    return hits >= (1 if piped else 2)
