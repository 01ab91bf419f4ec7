"""The notebooks speak the language of their ``lang`` parameter, and notebook 40 shows what the rendered report brief
shows.

Every notebook declares ``lang`` and holds no prose of its own: its explanatory cells (tagged ``prose``) show
catalogue Markdown (``vocab/messages.csv``, keys ``nb<NN>.…``). Run in Chinese, a notebook's rendered page holds the
Chinese of its prose and none of the English (and no English sentence elsewhere but in code); run in English the
reverse. The rendering tests are marked ``notebook``.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from fazhi_lib import i18n
from fazhi_lib.cli import main
from fazhi_lib.parameters import SPECS

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
KEY_USE = re.compile(r"""["'](nb[0-9]{0,2}\.[a-z_]+)["']""")  # a catalogue key of the notebooks, quoted


def _nb(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell: dict) -> str:
    return "".join(cell["source"])


def _keys_used(path: Path) -> set[str]:
    return {k for c in _nb(path)["cells"] if c["cell_type"] == "code" for k in KEY_USE.findall(_source(c))}


def _own_keys(path: Path) -> list[str]:
    prefix = f"nb{path.name[:2]}."
    return sorted(k for k in i18n.catalogue() if k.startswith(prefix))


# ---- the notebooks as committed -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_declares_lang_and_keeps_its_prose_in_the_catalogue(path: Path):
    from fazhi_lib.briefs import notebook_parameters

    assert notebook_parameters(path).get("lang") == "en", "the parameters cell must say lang = \"en\""
    cells = _nb(path)["cells"]
    assert not [c for c in cells if c["cell_type"] == "markdown"], "prose belongs in vocab/messages.csv (nbNN.…)"
    prose = [c for c in cells if "prose" in c.get("metadata", {}).get("tags", [])]
    assert prose, "no cell tagged prose"
    for cell in prose:
        source = _source(cell).strip()
        assert re.fullmatch(r"""display\(prose\("nb[0-9]{2}\.[a-z_]+", lang\)\)""", source), source
    first = cells.index(next(c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])))
    assert first < cells.index(prose[0]), "the parameters cell must come before the prose, so lang reaches it"
    assert KEY_USE.findall(_source(prose[0]))[0].endswith(".title")
    assert i18n.t(KEY_USE.findall(_source(prose[0]))[0], "zh").startswith("# ")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_catalogue_key_a_notebook_uses_exists_and_its_own_are_used(path: Path):
    used = _keys_used(path)
    missing = sorted(k for k in used if k not in i18n.catalogue())
    assert not missing, f"{path.name} uses keys vocab/messages.csv lacks: {missing}"
    for key in used:  # both languages, placeholders alike
        en, zh = (set(re.findall(r"\{(\w+)\}", i18n.t(key, lang))) for lang in ("en", "zh"))
        assert en == zh, f"{key}: placeholders differ between the languages"
    unused = sorted(set(_own_keys(path)) - used)
    assert not unused, f"catalogue keys of {path.name} no cell shows: {unused}"


def test_lang_is_checked_before_any_notebook_runs(tmp_path: Path, capsys):
    assert SPECS["lang"].check("lang", "zh") == "zh"
    code = main(["brief", str(ROOT / "seeds"), "--out", str(tmp_path / "out"), "--tables", str(tmp_path / "t"),
                 "-p", "lang", "fr"])
    err = capsys.readouterr().err
    assert code == 2 and "'en', 'zh'" in err and "fr" in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


# ---- rendered in each language --------------------------------------------------------------------------------------

ENGLISH_RUN = re.compile(r"[A-Za-z][a-z']+(?:[ ,;:]+[A-Za-z][a-z']+){3,}")  # four English words in a row


@pytest.fixture(scope="module")
def seed_tables(tmp_path_factory) -> Path:
    """The seeds ingested and analysed, written as a `fazhi ingest` + `fazhi analyze` output directory."""
    import fazhi_lib
    from fazhi_lib.analysis import analyze_to

    out = tmp_path_factory.mktemp("seed_tables")
    corpus = fazhi_lib.ingest(ROOT / "seeds")
    corpus.write(out)
    analyze_to(out)  # the analysis tables, recorded in the folder's manifest as current
    return out


def _render(name: str, tables: Path, out: Path, **params: object) -> str:
    """The notebook run with papermill and exported as the briefs export it (inputs hidden): its HTML."""
    papermill = pytest.importorskip("papermill")
    nbconvert = pytest.importorskip("nbconvert")
    nb = ROOT / "notebooks" / name
    papermill.execute_notebook(str(nb), str(out), parameters={"tables_dir": str(tables), **params},
                               cwd=str(nb.parent), kernel_name="python3", progress_bar=False)
    body, _ = nbconvert.HTMLExporter(exclude_input=True).from_filename(str(out))
    return body


def _visible_text(page: str) -> str:
    """The text a reader sees: no styles, scripts, images or code spans (code and table names stay English)."""
    page = re.sub(r"<(style|script|code|pre)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<img\b[^>]*>", " ", page, flags=re.I)
    page = page.split("<body", 1)[-1]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _plain(markdown: str) -> list[str]:
    """The lines of a catalogue text as a reader sees them (Markdown marks and code spans removed)."""
    lines = []
    for line in markdown.splitlines():
        line = re.sub(r"`[^`]*`", " ", line)
        line = re.sub(r"^\s*(#+|\*|\d+\.)\s+", "", line).replace("**", "").replace("*", "")
        line = re.sub(r"\s+", " ", line).strip()
        if len(line) >= 12 and "{" not in line:
            lines.append(line)
    return lines


@pytest.mark.notebook
@pytest.mark.parametrize("name", ["00_corpus_overview.ipynb", "30_metric_comparison.ipynb"])
def test_notebook_reads_in_the_language_asked(name: str, seed_tables: Path, tmp_path: Path):
    pages = {lang: _visible_text(_render(name, seed_tables, tmp_path / f"{lang}.ipynb", lang=lang))
             for lang in i18n.LANGS}
    cells = _nb(ROOT / "notebooks" / name)["cells"]
    always = {k for c in cells if "prose" in c["metadata"].get("tags", []) for k in KEY_USE.findall(_source(c))}
    for lang, other in (("zh", "en"), ("en", "zh")):
        text = pages[lang]
        for key in sorted(always):  # the prose cells: shown whatever the corpus holds
            for line in _plain(i18n.t(key, lang)):
                assert re.sub(r"[ ,]", "", line)[:40] in re.sub(r"[ ,]", "", text), f"{lang}: {key} not shown"
        for key in _own_keys(Path(name)):
            for line in _plain(i18n.t(key, other)):
                assert line[:40] not in text, f"{lang} page shows the {other} of {key}: {line[:40]}"
    english = ENGLISH_RUN.findall(pages["zh"].replace("Noto Sans SC", ""))
    assert not english, f"English left in the Chinese page: {english[:5]}"
    for column in ("字数", "条目数", "删除的行") if name.startswith("00") else ("指标", "单位", "中位数"):
        assert f" {i18n.header(column, 'en')} " in pages["en"]


# ---- notebook 40 against the rendered report brief ------------------------------------------------------------------


def _sections(page: str) -> dict[str, str]:
    """The sections of a report brief by id (``<section id="numbers">…</section>``), as visible text."""
    found = re.findall(r'<section id="(\w+)">(.*?)</section>', page, flags=re.S)
    return {key: _visible_text(body).strip() for key, body in found}


class _Marks(HTMLParser):
    """The extractions marked in the annotated text: (kind, start, end) in order (whatever the order of the
    attributes: the notebook's HTML export sorts them)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if "data-kind" in a and "data-start" in a:
            self.found.append((str(a["data-kind"]), str(a["data-start"]), str(a.get("data-end"))))


def _marks(page: str) -> list[tuple[str, str, str]]:
    parser = _Marks()
    parser.feed(page)
    return parser.found


@pytest.mark.notebook
@pytest.mark.parametrize("lang", ["zh"])
def test_notebook_40_shows_what_the_rendered_brief_shows(lang: str, seed_tables: Path, tmp_path: Path):
    """"The same content" means: the same sections in the same language, each with the same visible text — the
    header fields, the structure, every key number with its median, every mechanism term with its counts, every
    problem sentence with its topic and remedy, the shared text and the comparison with last year — and the same
    extractions marked at the same offsets of the report's text."""
    import pandas as pd

    from fazhi_lib.report_page import load_brief_tables

    documents = pd.read_parquet(seed_tables / "documents.parquet")
    items = pd.read_parquet(seed_tables / "items.parquet")
    with_problems = items[items["part"].eq("problems")]["doc_id"].value_counts().index
    doc = next(d for d in with_problems if d != documents["doc_id"].iloc[0])  # not the notebook's default report
    page = load_brief_tables(seed_tables).page(doc, lang)
    notebook = _render("40_report_brief.ipynb", seed_tables, tmp_path / "40.ipynb", doc_id=doc, lang=lang)
    expected, shown = _sections(page), _sections(notebook)
    assert set(expected) == {"header", "structure", "numbers", "mechanisms", "problems", "shared", "lastyear", "text",
                             "reading"}
    for key in expected:
        if key != "text":
            assert shown.get(key) == expected[key], f"section {key} differs"
    assert str(documents.set_index("doc_id").loc[doc, "jurisdiction"]) in expected["header"]
    assert len(_marks(page)) > 50 and _marks(notebook) == _marks(page)
    measures = pd.read_parquet(seed_tables / "measures.parquet")
    terms = set(measures.loc[measures["doc_id"].eq(doc), "term"])
    assert terms and all(term in shown["mechanisms"] for term in terms)
    problems = items.loc[items["doc_id"].eq(doc) & items["part"].eq("problems"), "text"]
    assert len(problems) and all(re.sub(r"\s+", " ", p).strip()[:20] in shown["problems"] for p in problems)


def test_notebook_tables_are_readable_escaped_and_in_the_language_asked():
    import pandas as pd

    from fazhi_lib.notebook_display import fields, folded_tables, prose, table

    frame = pd.DataFrame({"字数": [12345, 7], "年份": [2024, 2023], "判断": ["已落实", "未见落实"],
                          "原文": ["<script>alert(1)</script>" + "长" * 20, "句子"]}).set_index("判断")
    en = table(frame, "en", max_rows=1, years=["年份"]).data
    assert "<script>" not in en and "&lt;script&gt;" in en
    assert ">Characters<" in en and ">Verdict<" in en and ">carried out<" in en and "未见落实" not in en
    assert '<td class="n">12,345</td>' in en and ">2024<" in en and "2,024" not in en
    assert i18n.t("nb.rows_shown", "en", n="1", total="2") in en and 'class="t"' in en
    zh = table(frame, "zh").data
    assert ">字数<" in zh and ">已落实<" in zh and ">Characters<" not in zh
    assert "&lt;b&gt;" in fields({"<b>": "x"}).data
    folded = folded_tables([("<i>法律顾问</i>", "5 reports", frame.reset_index())], "en", empty="none").data
    assert "<details>" in folded and "&lt;i&gt;法律顾问" in folded and ">Characters<" in folded
    assert "<p>none</p>" in folded_tables([], "en", empty="none").data
    assert prose("nb00.title", "zh").data == i18n.t("nb00.title", "zh")
