"""fazhi_lib.report_page: one report's brief rendered without a kernel — the views of notebook 40 and the annotated
text, in Chinese or English, escaped, self-contained; file names made for people; many pages in one process."""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from htmlcheck import check_contract, marked, parse, whole_ranges
from hypothesis import given, settings
from hypothesis import strategies as st
from texts import REPORT

from fazhi_lib import annotate, i18n
from fazhi_lib import overview as ov
from fazhi_lib import report_page as rp
from fazhi_lib.cli import main as fazhi

ROOT = Path(__file__).resolve().parents[1]
PAYLOAD = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'
QUOTES = '" onmouseover="window.__pwned=1" x=\''


def make_tables(tmp_path_factory, name: str, corpus: Path) -> Path:
    """Ingest and analyze ``corpus`` into a new temporary folder ``name``; the folder of its tables."""
    out = tmp_path_factory.mktemp(name)
    assert fazhi(["ingest", str(corpus), "-o", str(out), "--quiet", "--jobs", "1"]) == 0
    assert fazhi(["analyze", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> Path:
    return make_tables(tmp_path_factory, "seeds", ROOT / "seeds")


@pytest.fixture(scope="module")
def loaded(seeds):
    return rp.load_brief_tables(seeds)


def hostile_corpus(folder: Path) -> Path:
    """Two reports whose title, headings, items, numbers and mechanisms carry script and attribute payloads."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (REPORT.replace("（一）强化组织领导。", f"（一）强化组织领导{PAYLOAD}。")
            .replace("受理矛盾纠纷58件", f"受理矛盾纠纷58件{QUOTES}")
            .replace("一是法治宣传形式单一。", f"一是法治宣传形式单一{PAYLOAD}。"))
    (folder / "r1.txt").write_text(text, encoding="utf-8")
    (folder / "r2.txt").write_text(REPORT.replace("某某镇", "另一镇").replace("12次", "30次"), encoding="utf-8")
    title = f"某某镇报告{PAYLOAD}{QUOTES}"
    (folder / "metadata.csv").write_text(f'file_name,title,region\nr1.txt,"{title.replace(chr(34), chr(34) * 2)}",'
                                         f'"某县{QUOTES.replace(chr(34), chr(34) * 2)}"\n', encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    return make_tables(tmp_path_factory, "hostile", hostile_corpus(tmp_path_factory.mktemp("corpus") / "reports"))


def _text_of(loaded, doc_id: str) -> str:
    return loaded.rows[doc_id]["texts"]["text"].iat[0]


def _own(table: pd.DataFrame, doc_id: str) -> pd.DataFrame:
    return table[table["doc_id"].eq(doc_id)]


# ---- the annotated text -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_extraction_of_every_seed_is_marked_once_with_its_exact_text(seeds, loaded, lang):
    tables = {n: pd.read_parquet(seeds / f"{n}.parquet") for n in ("sections", "items", "metrics", "measures")}
    for doc_id in loaded.context.documents["doc_id"]:
        root = parse(loaded.page(doc_id, lang))
        elements = check_contract(root, _text_of(loaded, doc_id))
        expected: dict[tuple[str, int, int], int] = {}
        for kind, table in (("section", "sections"), ("item", "items"), ("metric", "metrics"),
                            ("measure", "measures")):
            for a, b in _own(tables[table], doc_id)[["start", "end"]].itertuples(index=False):
                expected[(kind, a, b)] = expected.get((kind, a, b), 0) + 1
        problems = _own(tables["items"], doc_id)
        for a, b in problems[problems["part"].eq("problems")][["start", "end"]].itertuples(index=False):
            expected[("problem", a, b)] = expected.get(("problem", a, b), 0) + 1
        assert whole_ranges(elements) == expected, doc_id
        assert not [e for e in elements if "frag" in e.attrs.get("class", "")]  # the seeds nest: nothing split


def test_problem_marks_say_topic_and_remedy(seeds, loaded):
    remedies = pd.read_parquet(seeds / "remedies.parquet")
    doc_id = str(remedies["doc_id"].iat[0])
    root = parse(loaded.page(doc_id, "zh"))
    problems = [e for e in marked(root) if e.attrs["data-kind"] == "problem"]
    assert problems
    for el in problems:
        assert "问题主题：" in el.attrs["data-info"]
        assert ("下一步打算中有回应：是" in el.attrs["data-info"]) != ("noremedy" in el.attrs.get("class", ""))


# ---- the views of notebook 40 -----------------------------------------------------------------------------------


def test_page_shows_the_views_of_notebook_40(seeds, loaded):
    t = {n: pd.read_parquet(seeds / f"{n}.parquet") for n in
         ("documents", "sections", "items", "metrics", "measures", "problem_topics", "remedies")}
    for doc_id in t["documents"]["doc_id"]:
        page = loaded.page(doc_id, "zh")
        cells = {el.text() for el in parse(page).iter() if el.tag in ("td", "th")}
        structure = ov.report_structure(t["sections"], t["items"], doc_id)
        bench = ov.metric_benchmark(t["metrics"], t["documents"], doc_id)
        mech = ov.mechanisms(t["measures"], doc_id)
        problems = ov.problems_with_remedies(t["items"], t["problem_topics"], t["remedies"], doc_id)
        for value in [*structure["heading"], *structure["part"], *bench["indicator"], *bench["sentence"],
                      *mech["term"], *mech["surface"], *problems["problem"], *problems["topic"],
                      *problems["plan_text"]]:
            assert value in cells, (doc_id, value)
        header = ov.brief_header(t["documents"], doc_id)
        assert {header["地区"], header["年度"], header["来源文件"]} <= cells


def test_numbers_are_right_aligned_with_thousands_separators_and_text_wraps(loaded):
    doc_id = loaded.context.documents["doc_id"].iat[1]
    root = parse(loaded.page(doc_id, "zh"))
    numbers = [el.text() for el in root.iter() if el.tag == "td" and el.attrs.get("class") == "n"]
    assert "5,000" in numbers and "10,000" in numbers  # 发放宣传资料份数 of seed 001 against the median
    long_text = [el for el in root.iter() if el.tag == "td" and el.attrs.get("class") == "t"]
    assert long_text and all(len(el.text()) > 0 for el in long_text)
    assert all(el.parent.parent.parent.parent.attrs.get("class") == "fz-scroll"  # td < tr < tbody < table < div
               for el in long_text)


def test_format_number():
    from fazhi_lib.htmltable import format_number

    assert [format_number(v) for v in (12345, 12345.0, 99.1, 8333.3333, None, float("nan"), pd.NA)] == [
        "12,345", "12,345", "99.1", "8,333.33", "", "", ""]
    assert format_number(1.0, 2) == "1.00" and format_number(True) == "✓"


# ---- language ---------------------------------------------------------------------------------------------------

#: Messages every page shows (an analysed report with numbers, mechanisms and problems).
ALWAYS = ["page.intro", "page.contents", "header.title", "header.intro", "hdr.title", "hdr.jurisdiction",
          "structure.title", "structure.intro", "numbers.title", "numbers.intro", "numbers.axis", "mechanisms.title",
          "mechanisms.intro", "problems.title", "problems.intro", "problems.answered", "shared.title",
          "shared.intro", "shared.segments", "text.title", "text.intro", "text.show", "text.jump", "text.details",
          "text.hint", "reading.title", "reading.numbers", "reading.remedy", "kind.section", "kind.item",
          "kind.problem", "kind.metric", "kind.measure", "legend.planned", "legend.target", "col.indicator",
          "col.median", "col.term", "col.dimension", "col.problem", "col.topic", "part.measures", "page.footer"]


def chrome(root) -> str:
    """The words of a page that are not report text: headings, prose, table headers, switches, legend, the labels of
    the details of each mark (before the colon) and labelling attributes."""
    words = [el.text() for el in root.iter() if el.tag in ("h2", "h3", "th", "nav", "label", "figcaption", "footer",
                                                           "li", "p", "title")
             or el.attrs.get("class") in ("kicker", "fz-legend", "fz-toggles", "lbl")]
    words += [el.attrs["aria-label"] for el in root.iter() if "aria-label" in el.attrs]
    for el in root.iter():
        for line in el.attrs.get("data-info", "").splitlines()[1:]:
            words.append(re.split("：|: ", line, maxsplit=1)[0])
        words += [*el.attrs.get("data-info", "").splitlines()[:1], el.attrs.get("data-label", "")]
    return "\n".join(words)


def test_each_language_speaks_only_that_language(loaded):
    doc_id = "0063923e270cb94e"
    pages = {lang: loaded.page(doc_id, lang) for lang in i18n.LANGS}
    texts = {lang: chrome(parse(page)) for lang, page in pages.items()}
    for lang, other in (("zh", "en"), ("en", "zh")):
        for key in ALWAYS:
            assert i18n.t(key, lang) in texts[lang], (lang, key)
            if i18n.t(key, other) != i18n.t(key, lang):
                assert i18n.t(key, other) not in texts[lang], (lang, key)
    assert '<html lang="zh-CN">' in pages["zh"] and '<html lang="en">' in pages["en"]
    # the same content: the same marks, and the same cells wherever a cell is not a label
    assert [e.attrs["data-start"] for e in marked(parse(pages["zh"]))] == \
        [e.attrs["data-start"] for e in marked(parse(pages["en"]))]


def test_unknown_language_is_a_clear_error(loaded, seeds, tmp_path):
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        loaded.page("0063923e270cb94e", "fr")
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        rp.render_reports(seeds, tmp_path, lang="fr")


# ---- safety and self-containment --------------------------------------------------------------------------------


def _script_hash(page: str) -> str:
    (script,) = re.findall(r"<script>(.*?)</script>", page, flags=re.S)
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def test_hostile_report_text_is_shown_not_run(hostile):
    loaded = rp.load_brief_tables(hostile)
    docs = loaded.context.documents
    assert any(PAYLOAD in str(t) for t in docs["title"])  # the payload really reached the tables
    for doc_id in docs["doc_id"]:
        for lang in i18n.LANGS:
            page = loaded.page(doc_id, lang)
            root = parse(page)
            tags = [el.tag for el in root.iter()]
            assert tags.count("script") == 1 and "img" not in tags
            assert not [k for el in root.iter() for k in el.attrs if k.startswith("on")]
            check_contract(root, _text_of(loaded, doc_id))
            (policy,) = [el.attrs["content"] for el in root.iter()
                         if el.attrs.get("http-equiv") == "Content-Security-Policy"]
            assert f"script-src {_script_hash(page)};" in policy  # the one script is the one the policy allows
    hostile_page = parse(loaded.page(docs["doc_id"][docs["title"].str.contains("script", na=False)].iat[0], "en"))
    assert PAYLOAD in hostile_page.text()
    infos = " ".join(el.attrs.get("data-info", "") for el in hostile_page.iter())
    assert PAYLOAD in infos and QUOTES.strip() in infos


def test_pages_load_nothing(loaded):
    page = loaded.page("0063923e270cb94e", "zh")
    assert not re.search(r"(?i)\b(src|href)\s*=\s*[\"']?(https?:|//)", page)
    assert "@import" not in page and "url(" not in page
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1)
    assert "default-src &#x27;none&#x27;" in policy


def test_a_page_without_analysis_tables_says_so(seeds, tmp_path):
    t = {n: pd.read_parquet(seeds / f"{n}.parquet") for n in rp.PAGE_TABLES}
    page = rp.report_page("0063923e270cb94e", **t, lang="en")
    root = parse(page)
    assert i18n.t("page.no_analysis", "en") in root.text()
    headers = {el.text() for el in root.iter() if el.tag == "th"}
    assert i18n.t("col.problem", "en") in headers and i18n.t("col.topic", "en") not in headers
    check_contract(root, t["texts"]["text"][t["texts"]["doc_id"].eq("0063923e270cb94e")].iat[0])


def test_a_page_of_one_reports_rows_alone(seeds):
    """The pure function needs only the report's own rows (then it compares the report with itself)."""
    doc_id = "4fb0401f4f6e2fb1"
    t = {n: pd.read_parquet(seeds / f"{n}.parquet") for n in (*rp.PAGE_TABLES, "problem_topics", "remedies",
                                                              "shared_sentences")}
    own = {n: (f[f["doc_id"].eq(doc_id)] if "doc_id" in f.columns else f[f["doc_id_a"].eq(doc_id)])
           for n, f in t.items()}
    root = parse(rp.report_page(doc_id, **own, lang="zh"))
    check_contract(root, own["texts"]["text"].iat[0])
    assert "三湖镇" in root.text()


def test_a_report_without_a_title_is_headed_by_its_place_and_period(loaded):
    docs = loaded.context.documents
    untitled = docs["doc_id"][docs["title"].isna()].iat[0]
    root = parse(loaded.page(untitled, "en"))
    (h1,) = [el.text() for el in root.iter() if el.tag == "h1"]
    assert h1 == "金龙坪街道 2022–2024"
    assert ("Title", "(no title)") in [(el.parent.children[0].text(), el.text()) for el in root.iter()
                                       if el.tag == "td" and el.parent.children[0].tag == "th"]


def test_rendering_is_deterministic(loaded):
    assert loaded.page("b2543d616647078e", "zh") == loaded.page("b2543d616647078e", "zh")


# ---- file names -------------------------------------------------------------------------------------------------


def _docs(**columns) -> pd.DataFrame:
    n = len(columns["doc_id"])
    base = {"title": [None] * n, "file_name": [f"f{i}.txt" for i in range(n)], "region": [None] * n,
            "year_start": [2024] * n, "year_end": [2024] * n, "status": ["ok"] * n}
    return pd.DataFrame({**base, **columns})


def test_page_names_are_readable_and_unique():
    docs = _docs(doc_id=["aaaa1111bbbb", "cccc2222dddd", "eeee3333ffff", "gggg4444hhhh", "iiii5555jjjj"],
                 jurisdiction=["城关镇", "城关镇", "城关镇", "金龙坪街道", None],
                 region=["甲县", "乙县", "乙县", None, None],
                 title=[None, None, None, None, "某局2023年法治政府建设情况报告"],
                 year_start=[2024, 2024, 2024, 2022, 2023], year_end=[2024, 2024, 2024, 2024, 2023])
    names = rp.page_names(docs)
    assert names == {"aaaa1111bbbb": "甲县_城关镇_2024.html", "cccc2222dddd": "乙县_城关镇_2024_cccc2222.html",
                     "eeee3333ffff": "乙县_城关镇_2024_eeee3333.html", "gggg4444hhhh": "金龙坪街道_2022-2024.html",
                     "iiii5555jjjj": "某局2023年法治政府建设情况报告_2023.html"}
    # the names do not depend on the order of the documents
    assert rp.page_names(docs.iloc[::-1]) == names


def test_a_duplicate_does_not_change_the_name_of_its_original(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    seed = ROOT / "seeds" / "001_686202f34865f4ac.txt"
    for name in ("a.txt", "b.txt"):  # the same report twice: the second is a duplicate
        (corpus / name).write_bytes(seed.read_bytes())
    assert fazhi(["ingest", str(corpus), "-o", str(tmp_path / "tables"), "--quiet", "--jobs", "1"]) == 0
    docs = pd.read_parquet(tmp_path / "tables" / "documents.parquet")
    assert sorted(docs["status"]) == ["duplicate", "ok"]
    results = rp.render_reports(tmp_path / "tables", tmp_path / "out")
    assert [r["file"] for r in results] == ["大安街道_2024.html"]
    assert rp.page_names(docs)[results[0]["doc_id"]] != "大安街道_2024.html"  # why readable() comes first
    with pytest.raises(ValueError, match="a duplicate"):
        rp.render_reports(tmp_path / "tables", tmp_path / "out", doc_ids=[docs["doc_id"].iat[1]])


def test_page_names_differ_beyond_case():
    docs = _docs(doc_id=["a1", "b2"], jurisdiction=["Town", "TOWN"])
    assert len({n.casefold() for n in rp.page_names(docs).values()}) == 2


@pytest.mark.parametrize(("text", "stem"), [
    ("a/b\\c:d*e?f\"g<h>i|j", "a_b_c_d_e_f_g_h_i_j"), ("..hidden.", "hidden"), ("CON", "_CON"), ("nul.txt", "_nul.txt"),
    ("两 个\t空格\n", "两_个_空格"), ("", ""), ("金龙坪街道_2022–2024", "金龙坪街道_2022-2024"),
])
def test_safe_file_stem(text, stem):
    assert rp.safe_file_stem(text) == stem


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=90), st.text(max_size=12)), min_size=1, max_size=12))
def test_any_names_give_safe_unique_file_names(rows):
    docs = _docs(doc_id=[f"{i:016x}" for i in range(len(rows))], jurisdiction=[r[0] for r in rows],
                 region=[r[1] for r in rows])
    names = list(rp.page_names(docs).values())
    assert len({n.casefold() for n in names}) == len(names)
    for name in names:
        stem = name.removesuffix(".html")
        assert stem and len(name.encode("utf-8")) <= 255 and not stem.startswith(".")
        assert all(c in "-_." or unicodedata.category(c)[0] in "LN" for c in stem), name
        assert stem.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL"}


# ---- many pages -------------------------------------------------------------------------------------------------


def test_render_reports_writes_one_page_per_report(seeds, tmp_path):
    results = rp.render_reports(seeds, tmp_path / "zh", lang="zh")
    docs = pd.read_parquet(seeds / "documents.parquet")
    names = rp.page_names(docs)
    assert [r["doc_id"] for r in results] == list(docs["doc_id"])
    assert all(r["status"] == "ok" for r in results)
    assert sorted(p.name for p in (tmp_path / "zh").iterdir()) == sorted(names.values())
    page = (tmp_path / "zh" / names["0063923e270cb94e"]).read_text(encoding="utf-8")
    assert "大安街道" in page and '<html lang="zh-CN">' in page
    # two processes write the same pages
    again = rp.render_reports(seeds, tmp_path / "zh2", lang="zh", jobs=2)
    assert [r["file"] for r in again] == [r["file"] for r in results]
    for r in results:
        assert (tmp_path / "zh" / r["file"]).read_bytes() == (tmp_path / "zh2" / r["file"]).read_bytes()


def test_one_failing_page_stops_nothing_and_keeps_the_older_file(seeds, tmp_path, monkeypatch):
    docs = pd.read_parquet(seeds / "documents.parquet")
    names = rp.page_names(docs)
    bad = "4fb0401f4f6e2fb1"
    out = tmp_path / "out"
    out.mkdir()
    (out / names[bad]).write_text("older page", encoding="utf-8")
    real = rp.report_page

    def failing(doc_id, *args, **kwargs):
        if doc_id == bad:
            raise RuntimeError("broken table")
        return real(doc_id, *args, **kwargs)

    monkeypatch.setattr(rp, "report_page", failing)
    logged: list[str] = []
    results = rp.render_reports(seeds, out, lang="en", log=logged.append)
    status = {r["doc_id"]: (r["status"], r["error"]) for r in results}
    assert status[bad] == ("failed", "RuntimeError: broken table")
    assert sum(s == "ok" for s, _ in status.values()) == len(docs) - 1
    assert (out / names[bad]).read_text(encoding="utf-8") == "older page"
    assert len(logged) == 1 and bad in logged[0]
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary file left behind


def test_render_reports_rejects_unknown_reports_and_missing_tables(seeds, tmp_path):
    with pytest.raises(ValueError, match="no report read without failure has doc_id nope"):
        rp.render_reports(seeds, tmp_path / "x", doc_ids=["nope"])
    with pytest.raises(FileNotFoundError, match="lacks"):
        rp.load_brief_tables(tmp_path)
    assert rp.render_reports(seeds, tmp_path / "one", doc_ids=["b2543d616647078e"])[0]["status"] == "ok"


def test_annotate_script_hash_matches_the_policy():
    digest = base64.b64encode(hashlib.sha256(annotate.ANNOTATE_JS.encode()).digest()).decode()
    assert annotate.ANNOTATE_JS_HASH == f"'sha256-{digest}'"
