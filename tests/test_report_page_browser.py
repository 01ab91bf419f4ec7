"""The kernel-free report briefs (``fazhi_lib.report_page``) opened in headless Chromium: no console error, every
marked extraction's text in the DOM is exactly its slice of the cleaned text, the switches hide and show each kind
of mark, a click shows a mark's details, the jump list leads to the parts, and a hostile report runs nothing.

Uses the browser set-up of ``test_browser`` (Debian's chromium driven by playwright; skipped without them), with the
project's Noto Sans SC made visible to the browser so that the screenshots saved to ``tests/output/browser/``
(the brief of a seed report in Chinese and in English) show Chinese characters on machines without a CJK font.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from test_browser import ARGS, CHROMIUM, SHOTS, _open, sync_playwright  # skips here too without the browser
from test_report_page import PAYLOAD, hostile_corpus, make_tables

from fazhi_lib import report_page as rp
from fazhi_lib.annotate import KINDS
from fazhi_lib.plotting import wheel_font_path

ROOT = Path(__file__).resolve().parents[1]
SHOT_DOC = "0063923e270cb94e"  # seed 001: every part, numbers, mechanisms, problems with remedies

_MARKS = """() => Array.from(document.querySelectorAll('[data-kind]')).map(e => [e.getAttribute('data-kind'),
    +e.getAttribute('data-start'), +e.getAttribute('data-end'), e.textContent])"""


def _fonts_conf(folder: Path) -> dict[str, str]:
    """Environment for the browser: fontconfig also reads the folder of the project's Noto Sans SC."""
    font = wheel_font_path()
    if font is None:
        return {}
    folder.mkdir(parents=True, exist_ok=True)
    conf = folder / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>
<include ignore_missing="yes">/etc/fonts/fonts.conf</include><dir>{font.parent}</dir>
<cachedir>{folder / "cache"}</cachedir></fontconfig>""", encoding="utf-8")
    return {"FONTCONFIG_FILE": str(conf)}


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    env = {**os.environ, **_fonts_conf(tmp_path_factory.mktemp("fonts"))}
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, env=env)
        yield b
        b.close()


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    """The seeds' tables and their pages in both languages."""
    tables = make_tables(tmp_path_factory, "tables", ROOT / "seeds")
    pages = tmp_path_factory.mktemp("pages")
    for lang in ("zh", "en"):
        assert all(r["status"] == "ok" for r in rp.render_reports(tables, pages / lang, lang=lang))
    return tables, pages


def _texts(tables: Path) -> dict[str, str]:
    t = pd.read_parquet(tables / "texts.parquet")
    return dict(zip(t["doc_id"], t["text"], strict=True))


def _check_marks_in_dom(page, text: str) -> int:
    marks = page.evaluate(_MARKS)
    for kind, start, end, shown in marks:
        assert shown == text[start:end], (kind, start, end)  # offsets count characters (code points)
    return len(marks)


def test_every_highlight_is_its_slice_in_the_dom(seeds, browser):
    tables, pages = seeds
    texts = _texts(tables)
    names = rp.page_names(pd.read_parquet(tables / "documents.parquet"))
    counts = {n: len(pd.read_parquet(tables / f"{n}.parquet")) for n in ("sections", "items", "metrics", "measures")}
    n_marks = 0
    for lang in ("zh", "en"):
        for doc_id, name in names.items():
            shot = SHOTS / f"report_page_{lang}.png" if doc_id == SHOT_DOC else None
            page, errors = _open(browser, pages / lang / name, shot)
            try:
                assert errors == [], name
                n_marks += _check_marks_in_dom(page, texts[doc_id])
            finally:
                page.close()
    items = pd.read_parquet(tables / "items.parquet")
    expected = sum(counts.values()) + int(items["part"].eq("problems").sum())
    assert n_marks == 2 * expected  # every row of every report, in both languages


_STYLE = """kind => { const e = document.querySelector(`[data-kind="${kind}"]`);
    const s = getComputedStyle(e); const before = getComputedStyle(e, '::before');
    return [s.backgroundColor, s.borderBottomStyle, before.content, e.querySelector('.heading') ?
            getComputedStyle(e.querySelector('.heading')).fontWeight : ''].join('|'); }"""


def test_switches_hide_and_show_each_kind(seeds, browser):
    tables, pages = seeds
    name = rp.page_names(pd.read_parquet(tables / "documents.parquet"))[SHOT_DOC]
    page, errors = _open(browser, pages / "zh" / name)
    try:
        for kind in KINDS:
            shown = page.evaluate(_STYLE, kind)
            page.uncheck(f'input[data-toggle="{kind}"]')
            hidden = page.evaluate(_STYLE, kind)
            assert hidden != shown, kind
            assert page.evaluate(f'document.getElementById("fz-text").classList.contains("off-{kind}")')
            page.check(f'input[data-toggle="{kind}"]')
            assert page.evaluate(_STYLE, kind) == shown, kind
        assert errors == []
    finally:
        page.close()


def test_hover_and_click_show_the_details_and_the_jump_list_leads_to_the_parts(seeds, browser):
    tables, pages = seeds
    name = rp.page_names(pd.read_parquet(tables / "documents.parquet"))[SHOT_DOC]
    page, errors = _open(browser, pages / "en" / name)
    try:
        metric = page.locator('[data-kind="metric"]').first
        metric.hover()  # the tooltip: the details of the mark
        assert metric.get_attribute("title") == metric.get_attribute("data-info")
        heading = page.locator(".heading").nth(1)
        heading.hover()
        assert heading.get_attribute("title") == heading.evaluate(
            "h => h.closest('[data-kind=\"section\"]').getAttribute('data-info')")
        metric.click()
        panel = page.inner_text("#fz-detail-body")
        assert "value in base units" in panel and "Numbers · characters" in panel
        assert "Items · characters" in panel  # the item holding the number, below it
        assert "fz-sel" in (metric.get_attribute("class") or "")
        links = page.eval_on_selector_all(".fz-jump a", "els => els.map(a => a.getAttribute('href'))")
        assert links and all(page.locator(href).count() == 1 for href in links)
        page.click(f'.fz-jump a[href="{links[-1]}"]')
        assert page.evaluate("location.hash") == links[-1]
        assert errors == []
    finally:
        page.close()


def test_a_hostile_report_runs_nothing(tmp_path_factory, browser):
    tables = make_tables(tmp_path_factory, "hostile", hostile_corpus(tmp_path_factory.mktemp("c") / "reports"))
    out = tmp_path_factory.mktemp("hostile_pages")
    results = rp.render_reports(tables, out, lang="zh")
    texts = _texts(tables)
    for r in results:
        page, errors = _open(browser, out / r["file"])
        try:
            assert errors == [], r["file"]  # an injected <img src=x> would fail to load, a blocked script log
            assert page.evaluate("() => typeof window.__pwned") == "undefined"
            assert page.locator("script", has_text="__pwned").count() == 0
            _check_marks_in_dom(page, texts[r["doc_id"]])
            for el in page.locator('[data-kind="metric"]').all():
                el.hover()  # a quote breaking out of an attribute would add an onmouseover handler
            assert page.evaluate("() => typeof window.__pwned") == "undefined"
        finally:
            page.close()
    assert any(PAYLOAD in texts[r["doc_id"]] for r in results)
