"""Word documents (.docx) into text, with their automatic numbering written out."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from fazhi_lib.numerals import chinese_numeral
from fazhi_lib.readers.base import ReadError
from fazhi_lib.readers.files import _CONVERT_TO_DOCX
from fazhi_lib.readers.text import _join_lines

# --------------------------------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------------------------------

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(tag: str) -> str:
    return f"{{{_W_NS}}}{tag}"


_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"


def _roman(n: int) -> str:
    if n <= 0 or n >= 4000:
        return str(n)
    out = ""
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                       (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):  # fmt: skip
        while n >= value:
            out += sym
            n -= value
    return out


def _letters(n: int) -> str:
    if n <= 0:
        return str(n)
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "chineseLegalSimplified",
               "ideographDigital", "taiwaneseCounting", "taiwaneseCountingThousand"):  # fmt: skip
        return chinese_numeral(n)
    if fmt == "ideographTraditional":
        return _TIANGAN[(n - 1) % 10] if n > 0 else str(n)
    if fmt == "ideographZodiac":
        return _DIZHI[(n - 1) % 12] if n > 0 else str(n)
    if fmt == "upperLetter":
        return _letters(n)
    if fmt == "lowerLetter":
        return _letters(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


class _Numbering:
    """Renders Word automatic list numbers (一、 （一） 1. ...) from numbering.xml; bullets are omitted."""

    def __init__(self, document: Any) -> None:
        self.levels: dict[
            str, dict[int, tuple[str, str, int]]
        ] = {}  # abstractNumId -> ilvl -> (fmt,text,start)
        self.num_to_abs: dict[str, str] = {}
        self.num_start: dict[tuple[str, int], int] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.style_numpr: dict[str, tuple[str, int]] = {}
        try:
            numbering = document.part.numbering_part.element
        except Exception:  # no numbering part: nothing to render
            return
        for absn in numbering.iterchildren(_w("abstractNum")):
            aid = absn.get(_w("abstractNumId"))
            levels: dict[int, tuple[str, str, int, str]] = {}
            for lvl in absn.iterchildren(_w("lvl")):
                ilvl = int(lvl.get(_w("ilvl"), "0"))
                fmt_el, text_el, start_el = (
                    lvl.find(_w("numFmt")),
                    lvl.find(_w("lvlText")),
                    lvl.find(_w("start")),
                )
                fmt = fmt_el.get(_w("val"), "decimal") if fmt_el is not None else "decimal"
                text = text_el.get(_w("val"), "") if text_el is not None else ""
                start = int(start_el.get(_w("val"), "1")) if start_el is not None else 1
                suff_el = lvl.find(_w("suff"))
                suff = suff_el.get(_w("val"), "tab") if suff_el is not None else "tab"
                levels[ilvl] = (fmt, text, start, suff)
            self.levels[aid] = levels
        for num in numbering.iterchildren(_w("num")):
            nid = num.get(_w("numId"))
            abs_el = num.find(_w("abstractNumId"))
            if abs_el is None:
                continue
            self.num_to_abs[nid] = abs_el.get(_w("val"))
            for ov in num.iterchildren(_w("lvlOverride")):
                so = ov.find(_w("startOverride"))
                if so is not None:
                    self.num_start[(nid, int(ov.get(_w("ilvl"), "0")))] = int(so.get(_w("val"), "1"))
        try:
            styles = document.styles.element
        except Exception:  # no styles part
            styles = None
        if styles is not None:
            based: dict[str, str] = {}
            direct: dict[str, tuple[str, int]] = {}
            for st in styles.iterchildren(_w("style")):
                sid = st.get(_w("styleId"))
                b = st.find(_w("basedOn"))
                if b is not None:
                    based[sid] = b.get(_w("val"))
                numpr = st.find(f"{_w('pPr')}/{_w('numPr')}")
                if numpr is not None:
                    nid_el, ilvl_el = numpr.find(_w("numId")), numpr.find(_w("ilvl"))
                    if nid_el is not None:
                        ilvl = int(ilvl_el.get(_w("val"), "0")) if ilvl_el is not None else 0
                        direct[sid] = (nid_el.get(_w("val")), ilvl)
            for sid in list(based) + list(direct):
                cur, hops = sid, 0
                while cur is not None and cur not in direct and hops < 20:
                    cur, hops = based.get(cur), hops + 1
                if cur in direct:
                    self.style_numpr[sid] = direct[cur]

    def label(self, p: Any) -> str:
        """The list label of paragraph element ``p`` ("" if not numbered), advancing the counters."""
        if not self.levels:
            return ""
        ppr = p.find(_w("pPr"))
        nid: str | None = None
        ilvl = 0
        if ppr is not None:
            numpr = ppr.find(_w("numPr"))
            style = ppr.find(_w("pStyle"))
            if numpr is not None:
                nid_el, ilvl_el = numpr.find(_w("numId")), numpr.find(_w("ilvl"))
                if nid_el is not None:
                    nid = nid_el.get(_w("val"))
                if ilvl_el is not None:
                    ilvl = int(ilvl_el.get(_w("val"), "0"))
                if nid is None and style is not None:
                    nid = self.style_numpr.get(style.get(_w("val")), (None, 0))[0]
            elif style is not None and style.get(_w("val")) in self.style_numpr:
                nid, ilvl = self.style_numpr[style.get(_w("val"))]
        if not nid or nid == "0" or nid not in self.num_to_abs:
            return ""
        aid = self.num_to_abs[nid]
        levels = self.levels.get(aid, {})
        if ilvl not in levels:
            return ""
        key = nid if any(k[0] == nid for k in self.num_start) else aid
        counters = self.counters.setdefault(key, {})
        start = self.num_start.get((nid, ilvl), levels[ilvl][2])
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        fmt, text, _, suff = levels[ilvl]
        if fmt == "bullet":
            return ""

        def repl(m: re.Match[str]) -> str:
            lv = int(m.group(1)) - 1
            if lv not in levels:
                return ""
            value = counters.get(lv, self.num_start.get((nid, lv), levels[lv][2]))
            return _format_number(value, levels[lv][0])

        label = re.sub(r"%(\d)", repl, text)
        # Word puts a tab or space after the number: keep a space after "1." but none after "一、"
        if label and suff != "nothing" and label[-1].isascii():
            label += " "
        return label


def _docx_run_text(el: Any, out: list[str], boxes: list[Any]) -> None:
    """Append the visible text under ``el`` (a paragraph or run container) to ``out``; collect text boxes."""
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == _w("t"):
            out.append(child.text or "")
        elif tag == _w("tab") or tag == _w("ptab"):
            out.append("\t")
        elif tag in (_w("br"), _w("cr")):
            out.append("\n")
        elif tag == _w("noBreakHyphen"):
            out.append("-")
        elif tag == _w("sym"):
            char = child.get(_w("char")) or ""
            try:
                value = int(char, 16)
            except ValueError:
                continue
            if not 0xE000 <= value <= 0xF8FF:
                out.append(chr(value))
        elif tag in (_w("del"), _w("moveFrom"), _w("pPr"), _w("rPr"), _w("instrText"), _w("delText")):
            continue
        elif tag == f"{{{_MC_NS}}}Fallback":
            continue
        elif tag == _w("txbxContent"):
            boxes.append(child)
        else:
            _docx_run_text(child, out, boxes)


def _docx_block_lines(container: Any, numbering: _Numbering) -> list[str]:
    """Lines for the block-level children of ``container`` (body, table cell, sdtContent, text box)."""
    lines: list[str] = []
    for child in container.iterchildren():
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == _w("p"):
            parts: list[str] = []
            boxes: list[Any] = []
            _docx_run_text(child, parts, boxes)
            label = numbering.label(child)
            text = "".join(parts)
            if label and text.strip():
                text = label + text.lstrip()
            lines.extend(text.split("\n"))
            for box in boxes:
                lines.extend(_docx_block_lines(box, numbering))
        elif tag == _w("tbl"):
            lines.extend(_docx_table_lines(child, numbering))
        elif tag in (_w("sdt"), _w("customXml"), _w("ins"), _w("smartTag")):
            content = child.find(_w("sdtContent")) if tag == _w("sdt") else child
            if content is not None:
                lines.extend(_docx_block_lines(content, numbering))
    return lines


def _docx_table_lines(tbl: Any, numbering: _Numbering) -> list[str]:
    """One line per table row: non-empty cells joined by " | "; vertically merged continuations skipped."""
    lines: list[str] = []
    for tr in tbl.iter(_w("tr")):
        if tr.getparent() is not None and _nearest_table(tr) is not tbl:
            continue  # a row of a nested table: rendered inside its cell
        cells: list[str] = []
        for tc in tr.iterchildren(_w("tc")):
            vmerge = tc.find(f"{_w('tcPr')}/{_w('vMerge')}")
            if vmerge is not None and vmerge.get(_w("val"), "continue") == "continue":
                continue
            text = " ".join(x.strip() for x in _docx_block_lines(tc, numbering) if x.strip())
            if text:
                cells.append(text)
        if cells:
            lines.append(" | ".join(cells))
    return lines


def _nearest_table(el: Any) -> Any:
    cur = el.getparent()
    while cur is not None and cur.tag != _w("tbl"):
        cur = cur.getparent()
    return cur


def _open_docx(source: str | Path | io.BytesIO) -> Any:
    import docx

    return docx.Document(source)


def _docx_lines(document: Any) -> list[str]:
    numbering = _Numbering(document)
    body = document.element.body
    return _docx_block_lines(body, numbering)


def docx_to_text(path: str | Path) -> str:
    """Text of a .docx file: paragraphs in document order with tables interleaved where they stand.

    Each table row is one line with its non-empty cells joined by " | " (horizontally merged cells appear
    once, vertically merged continuation cells are skipped); automatic list numbers (一、 （一） 1.) are
    rendered; text boxes follow their anchor paragraph; headers, footers, comments and deleted text are
    left out.  Empty lines are dropped.

    Parameters
    ----------
    path : str or pathlib.Path
        The .docx file.

    Returns
    -------
    str
        The text, one paragraph or table row per line.

    Raises
    ------
    ReadError
        If the file is not a valid .docx package.
    """
    data = Path(path).read_bytes()
    try:
        document = _open_docx(io.BytesIO(data))
    except Exception as exc:
        raise ReadError(_docx_error_message(data, exc)) from exc
    return _join_lines(_docx_lines(document))


def _docx_error_message(data: bytes, exc: Exception) -> str:
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return f"this is an old binary Word (.doc) file named .docx: {_CONVERT_TO_DOCX}"
    if data.startswith(b"%PDF-"):
        return "this is a PDF file named .docx: rename it to .pdf"
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return "corrupt or not a .docx file (not a zip package)"
    return f"corrupt or not a .docx file ({type(exc).__name__}: {exc})"


def _docx_meta(document: Any) -> dict[str, str]:
    meta: dict[str, str] = {}
    try:
        props = document.core_properties
        for key, value in (("title", props.title), ("author", props.author), ("created", props.created)):
            if value is None:
                continue
            text = value.isoformat() if hasattr(value, "isoformat") else str(value).strip()
            if text:
                meta[key] = text
    except Exception:  # core properties are optional and sometimes malformed
        pass
    return meta
