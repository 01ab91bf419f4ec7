"""`fazhi brief` as a colleague meets it: a quiet console, a landing page that says what the corpus is and what
stands out (in English or Chinese), briefs named for their reports, and a run folder that works once zipped and
opened elsewhere.

One real run (the seeds, a file that cannot be read, a duplicate, the corpus-overview notebook and a notebook that
fails) from the command line, as a subprocess, so that the console seen is the one a user sees.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import pandas as pd
import pytest

from fazhi_lib import i18n
from fazhi_lib.landing import FILTER_FROM, TOP, Facts, landing_page, load_facts
from fazhi_lib.safehtml import escape

pytest.importorskip("papermill")

ROOT = Path(__file__).resolve().parents[1]
# What a kernel or a traceback prints: none of it may reach the console of a run.
NOISE = ("IPKernelApp", "Kernel is running over TCP", "KeyboardInterrupt", "Traceback", "WARNING |", "ERROR |")


def _failing_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    params = nbformat.v4.new_code_cell('tables_dir = "x"\n')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Always fails"), params,
                nbformat.v4.new_code_cell("print('noise from the kernel')\nraise RuntimeError('boom in the cell')")]
    nbformat.write(nb, str(path))


def _fazhi(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fazhi_lib.cli", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=900)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("landing")
    corpus = root / "corpus"
    shutil.copytree(ROOT / "seeds", corpus)
    first = sorted(corpus.glob("*.txt"))[0]
    shutil.copy(first, corpus / f"copy_of_{first.name}")  # a duplicate: listed, not briefed twice
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 this is not a PDF at all")  # a file that cannot be read
    nbs = root / "notebooks"
    nbs.mkdir()
    shutil.copy(ROOT / "notebooks" / "00_corpus_overview.ipynb", nbs)
    _failing_notebook(nbs / "90_always_fails.ipynb")
    res = _fazhi("brief", str(corpus), "--out", str(root / "out"), "--tables", str(root / "tables"),
                 "--notebooks", str(nbs), "--jobs", "2", cwd=root)
    run_dir = (root / "out" / "latest").resolve()
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    return {"root": root, "res": res, "dir": run_dir, "manifest": manifest, "tables": root / "tables",
            "nbs": nbs, "corpus": corpus}


# ---- the console -------------------------------------------------------------------------------------------------


def test_the_console_shows_progress_and_one_line_per_failure_only(run):
    res = run["res"]
    assert res.returncode == 1, res.stderr  # a notebook failed
    console = res.stdout + res.stderr
    for noise in NOISE:
        assert noise not in console, f"{noise!r} on the console:\n{console}"
    lines = [line.strip() for line in re.split(r"[\r\n]", console) if line.strip()]
    failures = [line for line in lines if "90_always_fails" in line]
    assert len(failures) == 1 and "boom in the cell" in failures[0], lines
    assert not any("00_corpus_overview" in line for line in lines)  # a notebook that went well says nothing
    assert any("brief" in line and "%" in line for line in lines)  # the progress bar
    assert "broken.pdf" in console  # the file that could not be read gets its line too


def test_the_log_of_the_run_keeps_what_the_console_does_not(run):
    log = (run["dir"] / "brief.log").read_text(encoding="utf-8")
    assert "00_corpus_overview" in log and "90_always_fails" in log and "boom in the cell" in log
    assert run["manifest"]["log"] == "brief.log"


def test_verbose_shows_every_notebook(run, tmp_path):
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    shutil.copy(run["nbs"] / "90_always_fails.ipynb", nbs)
    res = _fazhi("brief", str(run["corpus"]), "--out", str(tmp_path / "out"), "--tables", str(run["tables"]),
                 "--notebooks", str(nbs), "--no-per-report", "-v", cwd=tmp_path)
    assert res.returncode == 1
    assert "90_always_fails" in res.stdout and "boom in the cell" in res.stdout + res.stderr
    assert "%|" not in res.stdout + res.stderr  # no progress bar when every line is shown


# ---- the landing page --------------------------------------------------------------------------------------------


class _Page(HTMLParser):
    """Links, element ids and the text of every <section> of a page, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.sections: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "section":
            self.sections.append(a.get("id", ""))
        for key in ("href", "src"):
            if a.get(key):
                self.links.append(a[key])

    def handle_data(self, data):
        self.text.append(data)


def _parse(path_or_text: Path | str) -> _Page:
    page = _Page()
    page.feed(path_or_text.read_text(encoding="utf-8") if isinstance(path_or_text, Path) else path_or_text)
    return page


def _section_text(page_html: str, section: str) -> str:
    found = re.search(rf'<section id="{section}">(.*?)</section>', page_html, re.S)
    assert found, f"no section {section}"
    return re.sub(r"<[^>]+>", " ", found.group(1))


def test_failures_come_first_with_their_reasons(run):
    page_html = (run["dir"] / "index.html").read_text(encoding="utf-8")
    order = _parse(page_html).sections
    assert order.index("corpus") < order.index("stands-out") < order.index("reports") < order.index("run")
    attention = page_html.index("boom in the cell")
    assert attention < page_html.index('<section id="corpus">')
    assert page_html.index("broken.pdf") < page_html.index('<section id="corpus">')
    failed = pd.read_parquet(run["tables"] / "documents.parquet").query("status == 'failed'")
    assert len(failed) == 1
    assert escape(failed["message"].iat[0])[:40] in page_html  # the reason, not just the name


def test_the_corpus_at_a_glance(run):
    page_html = (run["dir"] / "index.html").read_text(encoding="utf-8")
    corpus = _section_text(page_html, "corpus")
    docs = pd.read_parquet(run["tables"] / "documents.parquet").query("status in ['ok', 'warning']")
    for level in docs["admin_level"].dropna().unique():
        assert level in corpus
    for year in docs["year_end"].dropna().astype(int).unique():  # a report counts in the last year it covers
        assert str(year) in corpus
    for part in ("idx.required",):
        assert i18n.t(part, "en") in corpus


def test_what_stands_out_links_into_the_briefs(run):
    page = _parse(run["dir"] / "index.html")
    deep = [h for h in page.links if "#" in h and not h.startswith("#")]
    assert deep, "nothing that stands out links into a report's brief"
    for href in deep:
        path, fragment = href.split("#", 1)
        target = run["dir"] / unquote(path)
        assert target.is_file(), href
        assert fragment in _parse(target).ids, href


def test_every_report_has_a_brief_named_for_it(run):
    reports = run["manifest"]["reports"]
    docs = pd.read_parquet(run["tables"] / "documents.parquet").query("status in ['ok', 'warning']")
    assert {r["doc_id"] for r in reports if r["status"] == "ok"} == set(docs["doc_id"])
    page_html = (run["dir"] / "index.html").read_text(encoding="utf-8")
    listed = _section_text(page_html, "reports")
    for r in docs.itertuples():
        assert r.jurisdiction in listed
    for report in reports:
        name = Path(report["file"]).stem
        assert not re.fullmatch(r".*[0-9a-f]{12,}.*", name), name  # no hash for a name
        assert re.search(r"(19|20)\d\d", name), name  # the period is in the name
    assert "0063923e" not in listed


def test_the_landing_page_speaks_chinese(run):
    facts = load_facts(run["tables"], {r["doc_id"]: r["file"] for r in run["manifest"]["reports"]
                                       if r["status"] == "ok"})
    zh = landing_page(run["manifest"], facts, "zh")
    en = landing_page(run["manifest"], facts, "en")
    assert '<html lang="zh-CN">' in zh and '<html lang="en">' in en
    for key in ("idx.corpus", "idx.stands_out", "idx.reports", "idx.notebooks", "idx.run", "idx.required"):
        assert i18n.t(key, "zh") in zh and i18n.t(key, "en") not in zh, key
        assert i18n.t(key, "en") in en, key
    assert _parse(zh).links == _parse(en).links  # the same content: the same briefs and places linked
    skipped = facts.skipped["reason"].iat[0]  # the metadata.csv of the seeds: its reason in the page's language
    assert i18n.value_label(skipped, "zh") in zh and skipped not in zh


def test_a_zipped_run_opens_elsewhere_with_every_link_working(run, tmp_path):
    archive = tmp_path / "run.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in run["dir"].rglob("*"):
            z.write(f, f.relative_to(run["dir"].parent))
    elsewhere = tmp_path / "elsewhere"
    with zipfile.ZipFile(archive) as z:
        z.extractall(elsewhere)
    shutil.rmtree(run["root"] / "out" / run["dir"].name)  # the original is gone
    try:
        unzipped = elsewhere / run["dir"].name
        pages = sorted(unzipped.rglob("*.html"))
        assert len(pages) >= 1 + 1 + len([r for r in run["manifest"]["reports"] if r["status"] == "ok"])
        for page in pages:
            for href in _parse(page).links:
                url = urlparse(href)
                if url.scheme in ("data", "mailto") or href.startswith("#"):
                    continue
                assert not url.scheme and not url.netloc and not url.path.startswith("/"), f"{page.name}: {href}"
                target = (page.parent / unquote(url.path)).resolve()
                assert target.is_file(), f"{page.name} links to a missing {href}"
                assert unzipped.resolve() in target.parents, f"{page.name} links out of the run: {href}"
                if url.fragment:
                    assert unquote(url.fragment) in _parse(target).ids, f"{page.name}: {href}"
    finally:
        shutil.copytree(elsewhere / run["dir"].name, run["dir"])


# ---- many reports --------------------------------------------------------------------------------------------------


def _many(run, n: int) -> tuple[dict, Facts]:
    """The run's facts with its first report repeated as ``n`` reports of ``n`` places."""
    facts = load_facts(run["tables"])
    one = facts.documents.query("status == 'ok'").head(1)
    docs = pd.concat([one] * n, ignore_index=True)
    docs["doc_id"] = [f"d{i:03d}" for i in range(n)]
    docs["jurisdiction"] = [f"第{i}镇" for i in range(n)]
    links = {d: f"reports/{j}_2023.html" for d, j in zip(docs["doc_id"], docs["jurisdiction"], strict=True)}
    facts = dataclasses.replace(facts, documents=docs, links=links,
                                labels=pd.Series(dict(zip(docs["doc_id"], docs["jurisdiction"], strict=True))))
    manifest = {"run_id": "r", "notebooks": [], "corpus": {"files": [], "n_documents": n},
                "reports": [{"doc_id": d, "file": f, "status": "ok"} for d, f in links.items()]}
    return manifest, facts


@pytest.mark.parametrize("n", [FILTER_FROM - 1, FILTER_FROM])
def test_a_long_list_of_briefs_can_be_filtered_and_sorted(run, n):
    manifest, facts = _many(run, n)
    page = landing_page(manifest, facts, "en")
    long = n >= FILTER_FROM
    sortable = re.search(r'<table id="fz-reports" class="[^"]*\bsortable', page)
    assert ('id="fz-filter"' in page) is long and bool(sortable) is long
    assert ("<script>" in page) is long
    listed = _section_text(page, "reports")
    assert all(f"第{i}镇" in listed for i in range(n))


def test_regions_beyond_the_top_are_summed_in_one_row(run):
    """A corpus of more regions than the table shows lists the largest and sums the others in one row."""
    manifest, facts = _many(run, TOP + 3)
    docs = facts.documents.assign(region=[f"第{i}县" for i in range(TOP + 3)])
    docs.loc[0, "region"] = "第1县"  # one region of two reports, first in the table
    facts = dataclasses.replace(facts, documents=docs)
    for lang, other in (("en", "2 other regions"), ("zh", "其他 2 个区域")):
        corpus = _section_text(landing_page(manifest, facts, lang), "corpus")
        assert "第1县" in corpus and other in corpus
        assert len(set(re.findall(r"第\d+县", corpus))) == TOP
