"""fazhi_lib.safehtml: the one place that escapes values for HTML (tables, Styler tables, Markdown, links)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fazhi_lib import safehtml

ROOT = Path(__file__).resolve().parents[1]
ATTACKS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "\"'><svg onload=alert(1)>",
           "</textarea><b>x</b>"]


def _tags(page: str) -> set[str]:
    """The tag names in an HTML fragment (what a browser would make elements of)."""
    return {t.lower() for t in re.findall(r"<\s*([a-zA-Z][a-zA-Z0-9]*)", page)}


@pytest.mark.parametrize("attack", ATTACKS)
def test_style_escapes_cells_labels_and_objects_whatever_the_formats(attack: str):
    frame = pd.DataFrame({"text": [attack, None], "n": [0.25, np.nan], "flag": [True, False],
                          "listed": [[attack], [1]], attack: ["x", "y"]}, index=[attack, "b"])
    styled = (safehtml.style(frame).format({"n": "{:.0%}"}).format(escape="html", subset=["text"])
              .format_index(str.upper, axis=0).set_caption(attack)
              .apply(lambda col: ["color: red" if v is True else "" for v in col], subset=["flag"]))
    page = styled.to_html()
    assert _tags(page) <= {"style", "table", "thead", "tbody", "tr", "th", "td", "caption"}
    assert page.lower().count("&lt;") >= 5  # shown as text: cell, list cell, column label, index label, caption
    assert "&amp;lt;" not in page  # and escaped once
    assert "25%" in page and "color: red" in page


def test_plain_style_of_the_same_frame_is_unsafe():
    """What ``safehtml.style`` guards against: pandas' own Styler writes cells and labels as they are."""
    frame = pd.DataFrame({"text": [ATTACKS[1]], "n": [0.5]}, index=[ATTACKS[0]])
    assert {"img", "script"} <= _tags(frame.style.format({"n": "{:.0%}"}).to_html())
    assert {"img", "script"}.isdisjoint(_tags(safehtml.style(frame).format({"n": "{:.0%}"}).to_html()))


def test_style_keeps_numbers_dates_and_missing_values_for_formatting():
    frame = pd.DataFrame({"when": pd.to_datetime(["2024-01-02", None]), "n": pd.array([3, None], dtype="Int64"),
                          "cat": pd.Categorical(["<a>", "b"])})
    shown = safehtml.style(frame).data
    assert shown["when"].dtype == frame["when"].dtype and shown["n"].dtype == frame["n"].dtype
    assert list(shown["cat"]) == ["&lt;a&gt;", "b"]


@pytest.mark.parametrize("attack", [*ATTACKS, "[x](javascript:alert(1))", "![i](x)", "# heading\n\n* list"])
def test_markdown_makes_no_markup_from_data(attack: str):
    text = safehtml.markdown(attack)
    assert "<" not in text and ">" not in text and "\n" not in text
    assert "](" not in text and not text.startswith("#")


def test_href_cannot_become_a_script_url():
    assert safehtml.href("a_ok.html") == "a_ok.html"
    for name in ("javascript:alert(1).html", 'x" onclick="alert(1).html', "JaVaScRiPt:alert(1)"):
        link = safehtml.href(name)
        assert ":" not in link and '"' not in link and " " not in link


def test_a_link_into_a_place_of_a_brief_keeps_its_fragment():
    assert safehtml.path_href("reports/大安街道_2024.html", "problems") == (
        "reports/%E5%A4%A7%E5%AE%89%E8%A1%97%E9%81%93_2024.html#problems")
    assert safehtml.path_href("reports/a#b.html") == "reports/a%23b.html"  # a # in a file name stays the name's
    assert safehtml.path_href("a.html", 'x" onclick="y') == "a.html#x%22%20onclick%3D%22y"


def test_escape_and_tables():
    assert safehtml.escape(None) == "" and safehtml.escape(float("nan")) == "" and safehtml.escape(3) == "3"
    assert safehtml.escape("\"'<>&") == "&quot;&#x27;&lt;&gt;&amp;"
    out = safehtml.html_table(pd.DataFrame({ATTACKS[0]: [ATTACKS[1]]}))
    assert {"script", "img"}.isdisjoint(_tags(out))
    assert {"script", "img"}.isdisjoint(_tags(safehtml.fields_html({ATTACKS[0]: ATTACKS[1]})))


def _code(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_notebooks_build_styled_tables_and_html_only_through_safehtml(path: Path):
    code = _code(path)
    assert not re.search(r"\.style\b", code.replace("safehtml.style(", "")), "use safehtml.style(frame)"
    assert "import html" not in code and "html.escape" not in code.replace("safehtml.escape", "")


def test_library_builds_styled_tables_only_through_safehtml():
    for module in sorted((ROOT / "fazhi_lib").glob("*.py")):
        if module.name == "safehtml.py":
            continue
        assert not re.search(r"\.style\.", module.read_text(encoding="utf-8")), module.name
