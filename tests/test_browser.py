"""`fazhi brief` output opened in headless Chromium: the index and the briefs load without console errors, every
image loads and is non-empty, every link of the index resolves, and report text cannot run script in the pages.

Uses Debian's ``chromium`` package (``/usr/bin/chromium``, or ``$FAZHI_CHROMIUM``) driven by the Python
``playwright`` package (its bundled driver only: ``playwright install`` is never needed). CI (``.ci/run``) installs
chromium; elsewhere the module skips when the browser or playwright is missing. Full-page screenshots of the index
and one brief are saved to ``tests/output/browser/`` for people to look at.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from texts import REPORT

from fazhi_lib.briefs import run_briefs

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
    page.on("console", lambda m: errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
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
        targets.add(target.name)
    assert expected <= targets


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
