"""The same report gives the same rows in every layout it may come in: with its line breaks, as one single line,
wrapped in a portal's junk with full-width indents and blank lines, with full-width digits and punctuation, in
traditional characters, as GB18030, as an HTML page, as a .docx (``layouts.py`` builds them and says what must
agree). Over the seeds and the real openings beside the checkout."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from layouts import CONTAINERS, TEXT_LAYOUTS, Layout, headings, layout_key, report_texts, same_heading

from fazhi_lib.metrics import extract_metrics
from fazhi_lib.parsing import process_file
from fazhi_lib.structure import parse_structure

TEXTS = report_texts()
ONE_LINE = ("one_line", "one_line_spaced")
# Metadata inference reads the title from a line of its own; a page without line breaks runs its title into the
# first sentence, and who issued the report is then read from the text (a matter of metadata inference, not of
# layout): on such pages only the period and the parts are compared.
LINE_BOUND_FIELDS = ("jurisdiction", "admin_level")
SINGLE_LAYOUTS = [Layout((t,), "txt") for t in TEXT_LAYOUTS] + [Layout((), c) for c in CONTAINERS if c != "txt"]


def _parse(layout: Layout, text: str):
    with tempfile.TemporaryDirectory() as tmp:
        return process_file(layout.write(text, Path(tmp) / "report"))


@cache
def _base(name: str):
    return _parse(Layout(), TEXTS[name])


def _differences(name: str, layout: Layout) -> list[str]:
    base, other = _base(name), _parse(layout, TEXTS[name])
    want, got = layout_key(base), layout_key(other)
    if any(t in ONE_LINE for t in layout.transforms):
        for key in (want, got):
            key["document"] = {k: v for k, v in key["document"].items() if k not in LINE_BOUND_FIELDS}
    diffs = [f"{name} as {layout.name}: {table} differ" for table in want if want[table] != got[table]]
    if not all(same_heading(a, b) for a, b in zip(headings(base), headings(other), strict=False)):
        diffs.append(f"{name} as {layout.name}: headings differ")
    return diffs


@pytest.mark.parametrize("layout", SINGLE_LAYOUTS, ids=lambda lay: lay.name)
def test_every_report_gives_the_same_rows_in_each_layout(layout: Layout):
    diffs = [d for name in sorted(TEXTS) for d in _differences(name, layout)]
    assert not diffs, "\n".join(diffs)


_CONTENT = st.lists(st.sampled_from(["full_width", "traditional"]), unique=True)
_ARRANGEMENT = st.sampled_from([(), ("portal",), ("one_line",), ("one_line_spaced",)])


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(TEXTS)), content=_CONTENT, arrangement=_ARRANGEMENT,
       container=st.sampled_from(sorted(CONTAINERS)))
def test_layouts_combined_give_the_same_rows(name, content, arrangement, container):
    layout = Layout((*content, *arrangement), container)
    assert not _differences(name, layout)


def test_a_one_line_page_keeps_the_year_of_its_numbers():
    """A number under a heading that ran into the sentence before it is not dated by that sentence's year."""
    text = ("2024年，某局扎实推进法治建设，现将有关情况报告如下：\n一、主要举措和成效\n（一）强化组织领导\n"
            "我局配备2名干部负责法治建设。")
    for layout in (text, "".join(text.split("\n"))):
        sections, items = parse_structure(layout, "d")
        rows = extract_metrics(layout, "d", sections.to_dict("records"), items.to_dict("records"))
        two = next(r for r in rows if r["raw"] == "2名")
        assert two["year"] is None and two["part"] == "measures", (layout, two)
