"""`fazhi brief` output opened in headless Chromium: the index and the briefs load without console errors, every
image loads and is non-empty, every link of the index resolves, and report text cannot run script in the pages.

Uses Debian's ``chromium`` package (``/usr/bin/chromium``, or ``$FAZHI_CHROMIUM``) driven by the Python
``playwright`` package (its bundled driver only: ``playwright install`` is never needed). CI (``.ci/run``) installs
chromium; elsewhere the module skips when the browser or playwright is missing. Full-page screenshots of the index
and one brief are saved to ``tests/output/browser/`` for people to look at.
"""

from __future__ import annotations

import csv
import dataclasses
import html
import os
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pandas as pd
import pytest
from texts import REPORT

from fazhi_lib import i18n
from fazhi_lib.briefs import run_briefs
from fazhi_lib.landing import FILTER_FROM, landing_page, load_facts

ROOT = Path(__file__).resolve().parents[1]
SHOTS = Path(__file__).resolve().parent / "output" / "browser"
CHROMIUM = os.environ.get("FAZHI_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# The brief whose screenshot is saved: the one with the most charts.
SHOT_BRIEF = "30_metric_comparison"

if not Path(CHROMIUM).exists():
    pytest.skip(f"headless browser test: {CHROMIUM} not found; install Debian's chromium package "
                "(apt-get install --no-install-recommends chromium; .ci/run does it in CI)", allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="headless browser test: the playwright Python package is not "
                    "installed (pip install -e '.[test]')")
pytest.importorskip("papermill", reason="headless browser test: papermill is needed to build the briefs")

from playwright.sync_api import sync_playwright  # noqa: E402

PAYLOAD = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _copy_notebooks(dest: Path, names: list[str]) -> Path:
    dest.mkdir()
    for name in names:
        shutil.copy(ROOT / "notebooks" / f"{name}.ipynb", dest / f"{name}.ipynb")
    return dest


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The seeds briefed with two of the real notebooks (overview and charts; about 15 s)."""
    root = tmp_path_factory.mktemp("browser")
    nbs = _copy_notebooks(root / "notebooks", ["00_corpus_overview", SHOT_BRIEF])
    manifest = run_briefs([ROOT / "seeds"], out=root / "reports_out", tables_dir=root / "tables", jobs=2,
                          per_report=True, notebooks_dir=nbs, log=lambda *a: None)
    assert manifest["failed"] == 0, manifest["notebooks"]
    return manifest


def _open(browser, path: Path, screenshot: Path | None = None) -> tuple[object, list[str]]:
    """Open ``path`` (file://) in a fresh page; returns the page and every console error, page error and failed
    request it produced."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"console.{m.type}: {m.text}")
            if m.type == "error" or "PWNED" in m.text else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url[:120]} ({r.failure})"))
    page.goto(path.resolve().as_uri(), wait_until="load")
    page.wait_for_load_state("networkidle")
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=True)
    return page, errors


_IMAGES = """() => Array.from(document.images).map(i => ({src: i.currentSrc.slice(0, 80), complete: i.complete,
    width: i.naturalWidth, height: i.naturalHeight}))"""


def _bad_images(page) -> tuple[list[dict], list[dict]]:
    images = page.evaluate(_IMAGES)
    return images, [i for i in images if not (i["complete"] and i["width"] > 0 and i["height"] > 0)]


def test_index_loads_and_links_resolve(run, browser):
    index = Path(run["index"])
    page, errors = _open(browser, index, SHOTS / "index.png")
    try:
        assert errors == []
        assert "fazhi briefs" in page.inner_text("h1")
        _, bad = _bad_images(page)
        assert bad == []
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
    finally:
        page.close()
    expected = {n["html"] for n in run["notebooks"] if n.get("html")}
    assert len(expected) == len(run["notebooks"]) and len(hrefs) >= len(expected)
    targets = set()
    for href in hrefs:
        url = urlparse(href)
        assert url.scheme == "file", href
        target = Path(unquote(url.path))
        assert target.is_file(), f"index links to a missing file: {href}"
        if url.fragment:  # a link into a place of a brief: that place exists there
            anchor = f'id="{html.escape(unquote(url.fragment))}"'
            assert anchor in target.read_text(encoding="utf-8"), f"{href}: no element with {anchor}"
        targets.add(target.name)
    assert expected <= targets
    assert any(urlparse(h).fragment for h in hrefs), "the index links into no part of a report's brief"


def test_a_long_list_of_briefs_filters_and_sorts(run, browser, tmp_path):
    tables = Path(run["command"]["tables_dir"])
    facts = load_facts(tables)
    one = facts.documents.query("status == 'ok'").head(1)
    n = FILTER_FROM + 8
    docs = pd.concat([one] * n, ignore_index=True)
    docs["doc_id"] = [f"d{i:03d}" for i in range(n)]
    docs["jurisdiction"] = [f"{'甲乙'[i % 2]}{i:02d}镇" for i in range(n)]
    docs["n_chars"] = [(i * 7919) % 1000 for i in range(n)]
    links = {d: f"{d}.html" for d in docs["doc_id"]}
    facts = dataclasses.replace(facts, documents=docs, links=links)
    page_file = tmp_path / "index.html"
    page_file.write_text(landing_page({"run_id": "r", "notebooks": [], "reports": []}, facts, "zh"),
                         encoding="utf-8")
    page, errors = _open(browser, page_file)
    try:
        assert errors == []
        visible = "() => Array.from(document.querySelectorAll('#fz-reports tbody tr')).filter(r => !r.hidden).length"
        assert page.evaluate(visible) == n
        page.fill("#fz-filter", "甲")
        assert page.evaluate(visible) == (n + 1) // 2
        assert str((n + 1) // 2) in page.inner_text("#fz-count")
        page.fill("#fz-filter", "")
        column = [t.strip() for t in page.eval_on_selector_all("#fz-reports thead th",
                                                               "hs => hs.map(h => h.textContent)")]
        chars = column.index(i18n.t("hdr.chars", "zh"))
        cells = ("() => Array.from(document.querySelectorAll('#fz-reports tbody tr'))"
                 f".map(r => r.cells[{chars}].textContent)")
        page.click(f"#fz-reports thead th:nth-child({chars + 1})")
        up = [int(v.replace(",", "")) for v in page.evaluate(cells)]
        page.click(f"#fz-reports thead th:nth-child({chars + 1})")
        down = [int(v.replace(",", "")) for v in page.evaluate(cells)]
        assert up == sorted(up) and down == sorted(down, reverse=True) and up != down
    finally:
        page.close()


def test_briefs_load_with_images(run, browser):
    run_dir = Path(run["path"])
    pages = [n["html"] for n in run["notebooks"]]
    assert f"{SHOT_BRIEF}.html" in pages
    for name in pages:
        shot = SHOTS / "brief.png" if name == f"{SHOT_BRIEF}.html" else None
        page, errors = _open(browser, run_dir / name, shot)
        try:
            assert errors == [], name
            images, bad = _bad_images(page)
            assert images, f"{name} shows no image"
            assert bad == [], name
            # Chinese text reached the page as text (what it looks like: the screenshot).
            assert "报告" in page.inner_text("body"), name
        finally:
            page.close()


def test_report_text_cannot_run_script(tmp_path, browser):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "r1.txt").write_text(REPORT, encoding="utf-8")
    (corpus / "r2.txt").write_text(REPORT.replace("某某镇", "另一镇").replace("12次", "30次"), encoding="utf-8")
    title = f"某某镇报告{PAYLOAD}"
    (corpus / "metadata.csv").write_text(f'file_name,title\nr1.txt,"{title.replace(chr(34), chr(34) * 2)}"\n',
                                         encoding="utf-8")
    nbs = _copy_notebooks(tmp_path / "notebooks", ["40_report_brief"])
    m = run_briefs([corpus], out=tmp_path / "out", tables_dir=tmp_path / "tables", jobs=2, per_report=True,
                   notebooks_dir=nbs, log=lambda *a: None)
    assert m["failed"] == 0, m["notebooks"]
    # The payload really is in the index (escaped), so this checks escaping rather than a missing title.
    assert any(title in n["summary"] for n in m["notebooks"])
    pages = [(Path(m["index"]), True)] + [(Path(m["path"]) / n["html"], title in n["summary"])
                                          for n in m["notebooks"]]
    for path, shows_payload in pages:
        page, errors = _open(browser, path)
        try:
            assert page.evaluate("() => typeof window.__pwned") == "undefined", path.name
            assert errors == [], path.name  # an injected <img src=x> would fail to load
            assert page.locator("script", has_text="__pwned").count() == 0, path.name
            if shows_payload:  # the title is shown as text
                assert "window.__pwned=1" in page.inner_text("body"), path.name
        finally:
            page.close()


# ---- every brief of a hostile corpus --------------------------------------------------------------------------------

MARK = "__pwned"  # every payload sets window.__pwned, the page title or the console: none of it may happen
PAYLOADS = {
    "script": f'<script>window.{MARK}=1;document.title="PWNED";console.log("PWNED")</script>',
    "img": f'<img src=x onerror="window.{MARK}=1">',
    "attribute": f"\"'><svg onload=window.{MARK}=1>",
    "textarea": f"</textarea><script>window.{MARK}=1</script>",
    "style": f"</style><script>window.{MARK}=1</script>",
    "link": f"[点此查看](javascript:window.{MARK}=1) <a href=\"javascript:window.{MARK}=1\">链接</a>",
    "math": "$\\undefinedcommand{x}$",  # TeX in a chart label must not break the chart
}
ALL = "".join(PAYLOADS.values())


def _hostile_report(place: str, n: int) -> str:
    """A report with every part, its problems, plans, numbers and a quoted mechanism carrying payloads."""
    return (f"{place}2024年法治政府建设年度报告\n\n2024年，{place}扎实推进法治政府建设。{PAYLOADS['textarea']}\n"
            "一、主要举措和成效\n"
            f"（一）强化组织领导。一是落实第一责任人职责。二是召开专题会议{n}次{PAYLOADS['img']}。\n"
            f"（二）推进依法行政。全年开展行政执法检查{n + 10}次，受理矛盾纠纷{n * 9}件，调解成功率达9{n}%"
            f"{PAYLOADS['script']}。推行“{PAYLOADS['attribute']}”制度和法律顾问制度。\n"
            "二、存在的不足\n"
            f"一是法治宣传形式单一{PAYLOADS['link']}。二是执法人员专业能力有待提升{PAYLOADS['style']}。\n"
            "三、下一步工作打算\n"
            f"一是创新法治宣传形式{PAYLOADS['math']}。二是加强执法人员培训{PAYLOADS['script']}。\n")


def _hostile_corpus(d: Path) -> None:
    """Payloads in titles, jurisdictions and regions (metadata.csv and a web page's own fields), file names and
    report text."""
    d.mkdir()
    (d / "r1.txt").write_text(_hostile_report("某某镇", 4), encoding="utf-8")
    evil_name = f"<img src=x onerror=window.{MARK}=1>\"'报告.txt"  # a file name cannot hold "/": no closing tags
    (d / evil_name).write_text(_hostile_report("另一镇", 6), encoding="utf-8")
    page = (f"<html><head><title>{html.escape(PAYLOADS['script'])}第三街道2024年法治政府建设年度报告</title>"
            f'<meta name="ArticleTitle" content="{html.escape(ALL)}第三街道2024年法治政府建设年度报告">'
            f'<meta name="ContentSource" content="{html.escape(PAYLOADS["img"])}某某县司法局"></head><body>'
            "<div class='content'>"
            + "".join(f"<p>{html.escape(line)}</p>" for line in _hostile_report("第三街道", 8).splitlines())
            + "</div></body></html>")
    (d / "page.html").write_text(page, encoding="utf-8")
    rows = [("r1.txt", f"某某镇报告{PAYLOADS['script']}{PAYLOADS['img']}", f"某某镇{PAYLOADS['img']}",
             PAYLOADS["attribute"]),
            (evil_name, f"另一镇报告{PAYLOADS['link']}", f"另一镇{PAYLOADS['attribute']}{PAYLOADS['math']}",
             PAYLOADS["textarea"]),
            ("page.html", "", "", PAYLOADS["style"])]
    with (d / "metadata.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["file_name", "title", "jurisdiction", "region"])
        w.writerows(rows)


_DOM_INJECTED = """(mark) => {
    const found = [];
    for (const el of document.querySelectorAll("*")) {
        for (const a of el.attributes) {
            const name = a.name.toLowerCase(), value = a.value.toLowerCase();
            if (name.startsWith("on") && value.includes(mark)) found.push(`${el.tagName} ${name}`);
            const url = (name === "href" || name === "src") && value.trim().startsWith("javascript:");
            if (url) found.push(`${el.tagName} ${name}`);
        }
        if (el.tagName === "SCRIPT" && el.textContent.includes(mark)) found.push("script");
    }
    return found;
}"""


def test_no_payload_runs_in_any_brief_of_a_hostile_corpus(tmp_path, browser):
    """Every notebook and the index, rendered on a corpus whose titles, jurisdictions, regions, file names and text
    carry script payloads, opened in Chromium: nothing ran, nothing was injected, and the payloads show as text."""
    corpus = tmp_path / "corpus"
    _hostile_corpus(corpus)
    m = run_briefs([corpus], out=tmp_path / "out", tables_dir=tmp_path / "tables", jobs=2, per_report=True,
                   log=lambda *a: None)
    assert m["failed"] == 0, [(n["name"], n["error"]) for n in m["notebooks"] if n["status"] != "ok"]
    import pandas as pd

    docs = pd.read_parquet(tmp_path / "tables" / "documents.parquet")
    assert len(docs) == 3 and set(docs["status"]) <= {"ok", "warning"}
    # the payloads really reach the tables (inference from a page's own title and fields keeps only place names and
    # the report title, so there they reach the text, not the metadata)
    assert docs["jurisdiction"].str.contains(MARK, regex=False).sum() == 2
    assert docs["region"].str.contains(MARK, regex=False).sum() == 3
    assert docs["title"].str.contains(MARK, regex=False).sum() == 2
    notebooks = {n["notebook"] for n in m["notebooks"]}
    assert notebooks == {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
    pages = [Path(m["index"])] + [Path(m["path"]) / n["html"] for n in m["notebooks"]]
    shown = set()
    for path in pages:
        page, errors = _open(browser, path)
        try:
            assert page.evaluate(f"() => typeof window.{MARK}") == "undefined", path.name
            assert "PWNED" not in page.title(), path.name
            assert errors == [], path.name  # an injected <img src=x> would fail to load
            assert page.evaluate(_DOM_INJECTED, MARK) == [], path.name
            if MARK in page.evaluate("() => document.body.textContent"):  # collapsed <details> too
                shown.add(path.name.split("-")[0].removesuffix(".html"))
        finally:
            page.close()
    # the payloads are on the pages as text (so the test checks escaping, not missing values)
    assert {"index", "00_corpus_overview", "10_problem_topics", "20_measure_frequency", "30_metric_comparison",
            "40_report_brief"} <= shown, shown
