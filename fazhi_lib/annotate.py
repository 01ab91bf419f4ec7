"""A report's cleaned text as HTML with its structure and extractions marked in place.

The tables give every extraction as character offsets into the cleaned text (``texts.text``): sections (parts and
their numbered headings), items (leaf points), metrics (reported numbers), measures (mentions of a mechanism) and
problems (the items of the problems part). ``layout`` writes the text once, with one ``<span>`` per extraction::

    <span data-kind="metric" data-start="438" data-end="441" …>46项</span>

Contract (checked by the tests, in Python and in the browser): the element's text is exactly
``text[data-start:data-end]`` (offsets count characters, as Python does) and ``data-kind`` is one of ``KINDS``.

Marks nest the way the report does (a section holds items, an item holds metrics and mechanism mentions): they are
opened in order of start, the longer first, and a mark that starts inside another ends inside it too. Two marks can
also cross (a number and a mechanism name sharing characters; none does in the seeds, the generated corpora or the
real openings, but a parser change could make one). Then the later one is cut at the end of the other into
fragments, each an element with its own ``data-start``/``data-end`` (so the contract holds for every element), the
class ``frag`` and ``data-whole`` giving the extraction's full range. Headings are marks of a styling kind
(``heading``, no ``data-kind``): cut instead of the extraction they cross.

Every piece of report text and every attribute value is escaped: a report saved from a web page may contain
``<script>`` or quotes that would end an attribute.
"""

from __future__ import annotations

import base64
import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from heapq import heapify, heappop, heappush

import pandas as pd

from fazhi_lib.htmltable import format_number, records
from fazhi_lib.i18n import html_lang, label, t, value_label
from fazhi_lib.safehtml import escape

__all__ = ["KINDS", "Mark", "attribute", "escape_text", "layout"]

#: The kinds of marked extraction, outermost first.
KINDS = ("section", "item", "problem", "metric", "measure")
#: Order in which marks of one range nest: a section holds the item of the same range, an item its problem.
_RANK = {"section": 0, "item": 1, "problem": 2, "heading": 3, "metric": 4, "measure": 5}


@dataclass(frozen=True, slots=True)
class Mark:
    """One range of the text to mark.

    The fields are also the constructor's parameters (``classes`` and ``attrs`` keyword-only).

    Attributes
    ----------
    start, end : int
        Character offsets into the cleaned text (end exclusive).
    kind : str
        One of ``KINDS``, or a styling kind (``heading``) that carries no ``data-kind`` and may be cut.
    classes : tuple of str, optional
        CSS classes (``planned``, ``target`` …).
    attrs : tuple of (str, str), optional
        Further attributes as (name, value) pairs; names are the code's own, values are escaped when written.
    """

    start: int
    end: int
    kind: str
    classes: tuple[str, ...] = field(default=(), kw_only=True)
    attrs: tuple[tuple[str, str], ...] = field(default=(), kw_only=True)

    @property
    def extraction(self) -> bool:
        """Whether the mark is an extraction, not a styling kind.

        Returns
        -------
        bool
            True for a kind of ``KINDS`` (its element carries ``data-kind`` and its offsets).
        """
        return self.kind in KINDS


def escape_text(text: str) -> str:
    """Report text as HTML character data (``safehtml.escape``), a carriage return written as ``&#13;``.

    An HTML parser would turn a raw carriage return into a line feed and change the text.

    Parameters
    ----------
    text : str
        Report text.

    Returns
    -------
    str
        The escaped text, also fit for a double-quoted attribute value.
    """
    return escape(text).replace("\r", "&#13;")


def attribute(name: str, value: object) -> str:
    """`` name="value"`` with the value escaped for a double-quoted attribute.

    Parameters
    ----------
    name : str
        The attribute's name (the code's own, not escaped).
    value : object
        Its value, escaped with ``escape_text`` (quotes, ``&``, ``<``, ``>``).

    Returns
    -------
    str
        The attribute with a leading space, to put in a tag.
    """
    return f' {name}="{escape_text(str(value))}"'


def _open_tag(mark: Mark, start: int, end: int) -> str:
    classes = list(mark.classes)
    if not mark.extraction:  # styling: no offsets, never part of the contract
        extra = "".join(attribute(k, v) for k, v in mark.attrs)
        return f"<span{attribute('class', ' '.join([mark.kind, *classes]))}{extra}>"
    parts = [attribute("data-kind", mark.kind), attribute("data-start", start), attribute("data-end", end)]
    if (start, end) != (mark.start, mark.end):
        classes.append("frag")
        parts.append(attribute("data-whole", f"{mark.start}-{mark.end}"))
    if classes:
        parts.append(attribute("class", " ".join(classes)))
    attrs = mark.attrs if start == mark.start else tuple(a for a in mark.attrs if a[0] != "id")  # ids stay unique
    parts.extend(attribute(k, v) for k, v in attrs)
    return f"<span{''.join(parts)}>"


def _key(mark: Mark, start: int, end: int, seq: int) -> tuple:
    return (start, -end, _RANK.get(mark.kind, len(_RANK)), seq)


def layout(text: str, marks: Iterable[Mark]) -> tuple[str, list[Mark]]:
    """The text as escaped HTML with every mark an element around exactly its slice.

    Parameters
    ----------
    text : str
        The cleaned text the offsets point into.
    marks : iterable of Mark
        The ranges to mark, in any order.

    Returns
    -------
    html : str
        The HTML (to be shown with ``white-space: pre-wrap``).
    unplaced : list of Mark
        The marks that could not be placed because their range is empty or outside the text (shown nowhere; the
        page says how many).
    """
    n = len(text)
    heap: list[tuple] = []
    unplaced: list[Mark] = []
    for seq, mark in enumerate(marks):
        if 0 <= mark.start < mark.end <= n:
            heap.append((*_key(mark, mark.start, mark.end, seq), mark))
        else:
            unplaced.append(mark)
    heapify(heap)
    seq = len(heap) + len(unplaced)
    out: list[str] = []
    stack: list[tuple[int, Mark]] = []  # open elements: (end, mark), innermost last
    pos = 0

    def _advance(to: int) -> None:
        nonlocal pos
        if to > pos:
            out.append(escape_text(text[pos:to]))
            pos = to

    while heap:
        start, neg_end, _, _, mark = heappop(heap)
        end = -neg_end
        while stack and stack[-1][0] <= start:
            _advance(stack.pop()[0])
            out.append("</span>")
        if stack and end > stack[-1][0]:  # crosses the innermost open element
            top_end, top = stack[-1]
            seq += 2
            if mark.extraction and not top.extraction:  # cut the heading, keep the extraction whole
                _advance(start)
                stack.pop()
                out.append("</span>")
                heappush(heap, (*_key(top, start, top_end, seq), top))
                heappush(heap, (*_key(mark, start, end, seq + 1), mark))
            else:  # cut this mark where the open element ends
                heappush(heap, (*_key(mark, start, top_end, seq), mark))
                heappush(heap, (*_key(mark, top_end, end, seq + 1), mark))
            continue
        _advance(start)
        out.append(_open_tag(mark, start, end) if mark.extraction else _open_tag(mark, mark.start, mark.end))
        stack.append((end, mark))
    while stack:
        _advance(stack.pop()[0])
        out.append("</span>")
    _advance(n)
    return "".join(out), unplaced


def marks_in_order(marks: Sequence[Mark]) -> list[Mark]:
    """Marks sorted as ``layout`` opens them (start, longer first, outer kind first).

    Parameters
    ----------
    marks : sequence of Mark
        Marks in any order.

    Returns
    -------
    list of Mark
        The marks in the order ``layout`` opens them.
    """
    return sorted(marks, key=lambda m: (m.start, -m.end, _RANK.get(m.kind, len(_RANK))))


# ---- marks from the tables of one report ----------------------------------------------------------------------------


def _str(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _yes_no(flag: object, lang: str) -> str:
    return t("yes" if _str(flag) not in ("", "False", "0") else "no", lang)


def details(kind: str, start: int, end: int, fields: Iterable[tuple[str, object]], *, lang: str) -> str:
    """What one mark holds, as lines of text (the details panel and the tooltip of the mark).

    Parameters
    ----------
    kind : str
        The mark's kind (one of ``KINDS``).
    start, end : int
        The mark's offsets into the cleaned text.
    fields : iterable of (str, object)
        Catalogue keys of the labels (``d.…``) and their values; fields without a value are left out.
    lang : str
        ``en`` or ``zh``: the language of the labels.

    Returns
    -------
    str
        The kind and offsets on the first line, then ``label：value`` per field.
    """
    sep = "：" if lang == "zh" else ": "
    lines = [f"{t(f'kind.{kind}', lang)} · {t('d.offsets', lang, start=start, end=end)}"]
    lines += [f"{t(key, lang)}{sep}{shown}" for key, value in fields if (shown := _str(value))]
    return "\n".join(lines)


def heading_length(text: str, start: int, end: int, *, marker: str, heading: str) -> int:
    """How many characters at ``start`` are a section's heading as written.

    Parameters
    ----------
    text : str
        The cleaned text.
    start, end : int
        The section's offsets into ``text``.
    marker : str
        The section's marker (``（一）``, ``【基本情况】``) from the sections table.
    heading : str
        The section's heading from the sections table.

    Returns
    -------
    int
        The length of marker and heading when the section begins with them (``（一）强化组织领导``), of the marker
        alone when the heading is inside it (``【基本情况】``), else 0 (a preamble whose ``heading`` is the report
        title taken from elsewhere).
    """
    segment = text[start:end]
    for written in (marker + heading, marker):
        if written and segment.startswith(written):
            return len(written)
    return 0


def section_marks(text: str, sections: pd.DataFrame, lang: str) -> list[Mark]:
    """A mark per section (its whole range) and per heading as written.

    Top-level sections get ``id="part-N"`` (the jump list links to them) and their part's name as a label.

    Parameters
    ----------
    text : str
        The report's cleaned text.
    sections : pandas.DataFrame
        The report's rows of the ``sections`` table (``start``, ``end``, ``level``, ``marker``, ``heading``,
        ``part``).
    lang : str
        ``en`` or ``zh``: the language of the details.

    Returns
    -------
    list of Mark
        The section marks and the heading marks, in the order of the sections.
    """
    marks: list[Mark] = []
    if sections.empty:
        return marks
    s = sections.sort_values("start", kind="stable")
    top = int(s["level"].min())
    n_top = 0
    for r in records(s, ("start", "end", "level", "marker", "heading", "part")):
        start, end, level = int(r.start), int(r.end), int(r.level)
        marker, heading, part = _str(r.marker), _str(r.heading), _str(r.part)
        part_name = label("part", part, lang)
        info = details("section", start, end, [("d.marker", marker), ("d.heading", heading), ("d.part", part_name),
                                               ("d.level", level)], lang=lang)
        attrs: list[tuple[str, str]] = [("data-info", info), ("data-level", str(level))]
        classes: tuple[str, ...] = ()
        if level == top:
            n_top += 1
            attrs += [("id", f"part-{n_top}"), ("data-label", part_name)]
            classes = ("top",)
        marks.append(Mark(start, end, "section", classes=classes, attrs=tuple(attrs)))
        if n := heading_length(text, start, end, marker=marker, heading=heading):
            marks.append(Mark(start, start + n, "heading", classes=("top",) if level == top else ()))
    return marks


def _problem_fields(problem: Mapping[str, object] | None, lang: str) -> list[tuple[str, object]]:
    if problem is None:
        return [("d.topic", t("d.analysis_missing", lang))]
    matched = problem.get("has_remedy") == "✓"
    fields: list[tuple[str, object]] = [("d.topic", problem.get("topic")), ("d.remedy", _yes_no(matched, lang))]
    if matched:
        fields += [("d.plan_item", problem.get("plan_item")),
                   ("d.similarity", format_number(problem.get("similarity"), 2))]
    return fields


def item_marks(items: pd.DataFrame, problems: pd.DataFrame | None, lang: str) -> list[Mark]:
    """A mark per item and, for the items of the problems part, a problem mark of the same range.

    Alternate items are shaded differently, so that one can see where each ends; a problem mark holds the
    problem's topic and remedy.

    Parameters
    ----------
    items : pandas.DataFrame
        The report's rows of the ``items`` table (``item_id``, ``start``, ``end``, ``part``, ``marker``, ``title``,
        ``kind``).
    problems : pandas.DataFrame or None
        The frame of ``overview.problems_with_remedies(..., with_ids=True)`` for the report; None when the analysis
        tables are missing.
    lang : str
        ``en`` or ``zh``: the language of the details.

    Returns
    -------
    list of Mark
        The item and problem marks, in the order of the items.
    """
    marks: list[Mark] = []
    by_id = {} if problems is None else {r["item_id"]: r for r in problems.to_dict("records")}
    n_problems = 0
    rows = records(items.sort_values("start", kind="stable"),
                    ("item_id", "start", "end", "part", "marker", "title", "kind"))
    for k, r in enumerate(rows):
        start, end, part = int(r.start), int(r.end), _str(r.part)
        info = details("item", start, end, [("d.marker", r.marker), ("d.title", r.title),
                                            ("d.part", label("part", part, lang)),
                                            ("d.itemkind", label("itemkind", r.kind, lang))], lang=lang)
        marks.append(Mark(start, end, "item", classes=("alt",) if k % 2 else (), attrs=(("data-info", info),)))
        if part != "problems":
            continue
        problem = None if problems is None else by_id.get(r.item_id)
        info = details("problem", start, end, [("d.title", r.title), *_problem_fields(problem, lang)], lang=lang)
        attrs: tuple[tuple[str, str], ...] = (("data-info", info),)
        unanswered = problem is not None and problem.get("has_remedy") != "✓"
        classes = tuple(c for c, on in (("alt", n_problems % 2), ("noremedy", unanswered)) if on)
        marks.append(Mark(start, end, "problem", classes=classes, attrs=attrs))
        n_problems += 1
    return marks


def metric_marks(metrics: pd.DataFrame, lang: str) -> list[Mark]:
    """A mark per reported number, with what the metrics table says of it.

    The details: the number as written, its value in base units with its unit, kind of quantity, whether
    approximate, a bound, a target, the year, cumulative, the indicator as written and canonical, and the number it
    is linked to (a change or a range).

    Parameters
    ----------
    metrics : pandas.DataFrame
        The report's rows of the ``metrics`` table (one row per reported number).
    lang : str
        ``en`` or ``zh``: the language of the details.

    Returns
    -------
    list of Mark
        One mark per row, in order.
    """
    marks = []
    for r in records(metrics, ("start", "end", "raw", "value", "unit", "unit_kind", "approx", "bound", "target",
                                "year", "cumulative", "indicator", "canonical_indicator", "role")):
        start, end = int(r.start), int(r.end)
        value = format_number(r.value)
        bound = _str(r.bound)
        fields = [("d.raw", r.raw), ("d.value", f"{value} {_str(r.unit)}".strip()),
                  ("d.unitkind", label("unitkind", _str(r.unit_kind), lang)), ("d.approx", _yes_no(r.approx, lang)),
                  ("d.bound", label("bound", bound, lang) if bound else "—"), ("d.target", _yes_no(r.target, lang)),
                  ("d.year", _str(r.year) or "—"), ("d.cumulative", _yes_no(r.cumulative, lang)),
                  ("d.indicator", r.indicator), ("d.canonical", _str(r.canonical_indicator) or "—"),
                  ("d.role", label("role", _str(r.role), lang))]
        info = details("metric", start, end, fields, lang=lang)
        classes = tuple(c for c, on in (("target", bool(r.target)), ("approx", bool(r.approx))) if on)
        marks.append(Mark(start, end, "metric", classes=classes, attrs=(("data-info", info), ("tabindex", "0"))))
    return marks


def measure_marks(measures: pd.DataFrame, lang: str) -> list[Mark]:
    """A mark per mention of a mechanism, with what the measures table says of it.

    The details: the canonical term, the words as written, kind, dimension, done or planned, and how it was found
    (lexicon, quoted name, name ending).

    Parameters
    ----------
    measures : pandas.DataFrame
        The report's rows of the ``measures`` table (one row per mention).
    lang : str
        ``en`` or ``zh``: the language of the details.

    Returns
    -------
    list of Mark
        One mark per row, in order.
    """
    marks = []
    for r in records(measures, ("start", "end", "planned", "term", "surface", "kind", "dimension", "source")):
        start, end, planned = int(r.start), int(r.end), bool(r.planned)
        dimension = _str(r.dimension) or "unclassified"
        fields = [("d.term", r.term), ("d.surface", r.surface), ("d.kind", value_label(r.kind, lang)),
                  ("d.dimension", label("dimension", dimension, lang)),
                  ("d.planned", t("d.plan" if planned else "d.done", lang)),
                  ("d.source", label("source", _str(r.source), lang))]
        info = details("measure", start, end, fields, lang=lang)
        marks.append(Mark(start, end, "measure", classes=("planned",) if planned else (),
                          attrs=(("data-info", info), ("tabindex", "0"))))
    return marks


def report_marks(text: str, sections: pd.DataFrame, items: pd.DataFrame, metrics: pd.DataFrame,
                 measures: pd.DataFrame, problems: pd.DataFrame | None, *, lang: str) -> list[Mark]:
    """Every mark of one report.

    Parameters
    ----------
    text : str
        The report's cleaned text.
    sections, items, metrics, measures : pandas.DataFrame
        The report's rows of those tables (of that report only).
    problems : pandas.DataFrame or None
        ``overview.problems_with_remedies(..., with_ids=True)`` of the report, or None without analysis tables.
    lang : str
        ``en`` or ``zh``: the language of the details.

    Returns
    -------
    list of Mark
        The marks of ``section_marks``, ``item_marks``, ``metric_marks`` and ``measure_marks``, in that order.
    """
    return [*section_marks(text, sections, lang), *item_marks(items, problems, lang), *metric_marks(metrics, lang),
            *measure_marks(measures, lang)]


# ---- the annotated text as a block of a page --------------------------------------------------------------------

ANNOTATE_CSS = """
.fz-bar{position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid #e3e6ea;padding:.4em 0 .5em;
font-size:.9em;line-height:1.9}
.fz-bar .lbl{color:#555;margin-right:.4em}
.fz-toggles,.fz-jump{display:flex;flex-wrap:wrap;align-items:baseline;gap:.1em 1em}
.fz-toggles label{white-space:nowrap;cursor:pointer}
.fz-toggles .n{color:#777;font-size:.9em;margin-left:.15em}
.sw{display:inline-block;width:1.6em;height:.95em;vertical-align:-.1em;margin:0 .25em;border-radius:3px}
.sw-section{border-left:3px solid #1f4e79;background:#fff}.sw-item{background:#edf1f5}.sw-problem{background:#fbe3e3}
.sw-metric{background:#ffe08a}.sw-measure{background:#dcebfb;border-bottom:2px solid #3d7cc9}
.fz-legend{color:#555}
.fz-jump a{white-space:nowrap}
.fz-cols{display:grid;grid-template-columns:minmax(0,1fr) 20em;gap:1.6em;margin-top:.8em}
@media (max-width:900px){.fz-cols{grid-template-columns:minmax(0,1fr)}}
.fz-text{white-space:pre-wrap;overflow-wrap:anywhere;line-height:2.05;font-size:1.03em;max-width:46em}
.fz-text [id^=part-]{scroll-margin-top:9em}
.fz-text [data-kind=section].top::before{content:attr(data-label);display:inline-block;font-size:.72em;
line-height:1.5;padding:0 .45em;margin-right:.5em;border-radius:3px;background:#1f4e79;color:#fff;
vertical-align:.15em;white-space:nowrap}
.fz-text .heading{font-weight:700;color:#1f3b57}.fz-text .heading.top{font-size:1.12em}
.fz-text [data-kind=item]{background:#f3f6f9;border-radius:2px}
.fz-text [data-kind=item].alt{background:#e6ecf2}
.fz-text [data-kind=problem]{background:#fbe3e3}.fz-text [data-kind=problem].alt{background:#f6d0d0}
.fz-text [data-kind=problem].noremedy::after{content:"✗";color:#b42318;font-weight:700;margin-left:.2em}
.fz-text [data-kind=metric]{background:#ffe08a;border-radius:3px;padding:0 1px;margin:0 1px;cursor:pointer}
.fz-text [data-kind=metric].target{outline:1px dashed #9a6700;outline-offset:-1px}
.fz-text [data-kind=measure]{background:#dcebfb;border-bottom:2px solid #3d7cc9;cursor:pointer}
.fz-text [data-kind=measure].planned{border-bottom-style:dashed}
.fz-text [data-kind=problem],.fz-text [data-kind=item]{cursor:pointer}
.fz-text .fz-sel{box-shadow:0 0 0 2px #d9480f}
.fz-text.off-section [data-kind=section]::before{display:none}
.fz-text.off-section .heading{font-weight:inherit;color:inherit;font-size:inherit}
.fz-text.off-item [data-kind=item],.fz-text.off-item [data-kind=item].alt{background:none}
.fz-text.off-problem [data-kind=problem],.fz-text.off-problem [data-kind=problem].alt{background:none}
.fz-text.off-problem [data-kind=problem].noremedy::after{display:none}
.fz-text.off-metric [data-kind=metric]{background:none;outline:none;padding:0;margin:0}
.fz-text.off-measure [data-kind=measure]{background:none;border-bottom:none}
.fz-detail{position:sticky;top:9em;align-self:start;border:1px solid #e3e6ea;border-radius:6px;padding:.6em .9em;
font-size:.9em;background:#fbfcfd;max-height:75vh;overflow:auto}
.fz-detail h3{margin:.1em 0 .5em;font-size:1em}
.fz-d{margin:0 0 .7em;padding-left:.6em;border-left:3px solid #c9d0d8;white-space:pre-line;overflow-wrap:anywhere}
.fz-d strong{display:block}.fz-d-metric{border-color:#e0b000}.fz-d-measure{border-color:#3d7cc9}
.fz-d-problem{border-color:#d97a7a}.fz-d-section{border-color:#1f4e79}
.fz-hint{color:#666}
"""

# Switches and the details panel. Report text reaches the panel only through textContent.
ANNOTATE_JS = """(function () {
  var text = document.getElementById("fz-text");
  var body = document.getElementById("fz-detail-body");
  if (!text || !body) { return; }
  var boxes = document.querySelectorAll("input[data-toggle]");
  for (var i = 0; i < boxes.length; i++) {
    boxes[i].addEventListener("change", function (e) {
      text.classList.toggle("off-" + e.target.getAttribute("data-toggle"), !e.target.checked);
    });
  }
  var selected = null;
  function shown(n) {
    return n.hasAttribute("data-info") && !text.classList.contains("off-" + n.getAttribute("data-kind"));
  }
  function show(start) {
    var chain = [];
    for (var n = start; n && n !== text; n = n.parentElement) { if (shown(n)) { chain.push(n); } }
    if (!chain.length) { return; }
    body.textContent = "";
    for (var k = 0; k < chain.length; k++) {
      var lines = chain[k].getAttribute("data-info").split("\\n");
      var box = document.createElement("div");
      box.className = "fz-d fz-d-" + chain[k].getAttribute("data-kind");
      var head = document.createElement("strong");
      head.textContent = lines[0];
      box.appendChild(head);
      box.appendChild(document.createTextNode(lines.slice(1).join("\\n")));
      body.appendChild(box);
    }
    if (selected) { selected.classList.remove("fz-sel"); }
    selected = chain[0];
    selected.classList.add("fz-sel");
  }
  // Hover: the mark's details as its tooltip, set when first needed (a page would otherwise hold them twice).
  text.addEventListener("mouseover", function (e) {
    var el = e.target.closest('[data-kind="metric"],[data-kind="measure"],[data-kind="problem"],.heading');
    if (!el || el.hasAttribute("title")) { return; }
    var source = el.classList.contains("heading") ? el.closest('[data-kind="section"]') : el;
    if (source) { el.setAttribute("title", source.getAttribute("data-info")); }
  });
  text.addEventListener("click", function (e) { show(e.target); });
  text.addEventListener("keydown", function (e) {
    if (e.key === "Enter" || e.key === " ") { show(e.target); e.preventDefault(); }
  });
})();
"""

#: The value of a Content-Security-Policy ``script-src`` allowing exactly ``ANNOTATE_JS``.
ANNOTATE_JS_HASH = "'sha256-" + base64.b64encode(hashlib.sha256(ANNOTATE_JS.encode()).digest()).decode() + "'"


def _toggles(counts: Mapping[str, int], lang: str) -> str:
    boxes = "".join(f'<label><input type="checkbox" checked{attribute("data-toggle", kind)}>'
                    f'<i class="sw sw-{kind}"></i>{escape(t(f"kind.{kind}", lang))}'
                    f'<span class="n">{counts.get(kind, 0):,}</span></label>' for kind in KINDS)
    return f'<div class="fz-toggles"><span class="lbl">{escape(t("text.show", lang))}</span>{boxes}</div>'


def _jump_list(text: str, sections: pd.DataFrame, lang: str) -> str:
    if sections.empty:
        return ""
    s = sections.sort_values("start", kind="stable")
    tops = s[s["level"].eq(s["level"].min())]
    links = []
    for n, r in enumerate(records(tops, ("marker", "heading", "part")), 1):
        name = f"{_str(r.marker)}{_str(r.heading)}" or label("part", _str(r.part), lang)
        links.append(f'<a href="#part-{n}">{escape(name if len(name) <= 24 else name[:23] + "…")}</a>')
    return f'<nav class="fz-jump"><span class="lbl">{escape(t("text.jump", lang))}</span>{"".join(links)}</nav>'


def annotated_text(text: str, sections: pd.DataFrame, items: pd.DataFrame, metrics: pd.DataFrame,
                   measures: pd.DataFrame, problems: pd.DataFrame | None, *, lang: str) -> str:
    """The annotated report as a block of HTML: the marked text with its switches, legend and details panel.

    The block holds switches per kind of mark (with counts), a legend, a jump list of the parts, the marked text
    and a details panel (``ANNOTATE_CSS`` and ``ANNOTATE_JS`` make them work).

    Parameters
    ----------
    text : str
        The report's cleaned text.
    sections, items, metrics, measures : pandas.DataFrame
        The report's rows of those tables.
    problems : pandas.DataFrame or None
        ``overview.problems_with_remedies(..., with_ids=True)`` of the report, or None without analysis tables.
    lang : str
        ``en`` or ``zh``: the language of every label (the report text stays as written).

    Returns
    -------
    str
        The HTML of the block.
    """
    marks = report_marks(text, sections, items, metrics, measures, problems, lang=lang)
    body, unplaced = layout(text, marks)
    counts: dict[str, int] = {}
    for m in marks:
        counts[m.kind] = counts.get(m.kind, 0) + 1
    notes = [t(k, lang) for k in ("legend.planned", "legend.target", "legend.noremedy")]
    if unplaced:
        notes.append(t("text.unplaced", lang, n=len(unplaced)))
    if not text:
        notes.append(t("text.empty", lang))
    legend = f'<div class="fz-legend">{escape(" · ".join(notes))}</div>'
    return (f'<div class="fz-annot"><div class="fz-bar">{_toggles(counts, lang)}{legend}'
            f"{_jump_list(text, sections, lang)}</div>"
            f'<div class="fz-cols"><div id="fz-text" class="fz-text"{attribute("lang", html_lang("zh"))}>{body}</div>'
            f'<aside class="fz-detail" aria-live="polite"><h3>{escape(t("text.details", lang))}</h3>'
            f'<div id="fz-detail-body"><p class="fz-hint">{escape(t("text.hint", lang))}</p></div></aside>'
            "</div></div>")
