"""Tests for the synthetic corpus generator (synthetic.generate)."""

from __future__ import annotations

import codecs
import hashlib
import json
import random
import re
from pathlib import Path

import pytest
from synthetic import generate as gen

N_DOCS = 400  # enough for a few exact duplicates (about 1%) with seed 0

TOP_RE = re.compile(r"^[一二三四五六七八九十]+、|^【(?!打印)")
PLAN_WORDS = ("下一步", "下步", "打算", "计划", "整改", "思路")
PROBLEM_WORDS = ("问题", "不足", "短板")
TRUTH_KEYS = {
    "file", "format", "encoding", "duplicate_of", "jurisdiction", "admin_level", "year_start",
    "year_end", "parts", "n_problem_items", "n_plan_items", "title",
}


def _digest(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


def _text(path: Path, row: dict) -> str:
    return path.read_bytes().decode(row["encoding"])


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, list[dict]]:
    out = tmp_path_factory.mktemp("corpus")
    assert gen.main(["--docs", str(N_DOCS), "--out", str(out), "--seed", "0"]) == 0
    rows = [json.loads(line) for line in (out / "truth.jsonl").read_text("utf-8").splitlines()]
    return out, rows


def test_deterministic(tmp_path, corpus):
    out, _ = corpus
    again = tmp_path / "again"
    gen.generate_corpus(N_DOCS, again, seed=0)
    assert _digest(out) == _digest(again)


def test_other_seed_differs_and_prefix_is_stable(tmp_path, corpus):
    out, rows = corpus
    small = tmp_path / "small"
    gen.generate_corpus(25, small, seed=0)
    for row in rows[:25]:  # document i does not depend on how many documents are generated
        assert (small / row["file"]).read_bytes() == (out / row["file"]).read_bytes()
    other = tmp_path / "other"
    gen.generate_corpus(25, other, seed=1)
    assert _digest(other) != _digest(small)


def test_files_and_truth_lines(corpus):
    out, rows = corpus
    assert len(rows) == N_DOCS
    files = sorted(p.name for p in out.iterdir() if p.name != "truth.jsonl")
    assert files == sorted(r["file"] for r in rows)
    assert [r["file"][:5] for r in rows] == [f"{i:05d}" for i in range(N_DOCS)]
    for row in rows:
        assert set(row) == TRUTH_KEYS
        assert re.fullmatch(r"\d{5}_[0-9a-f]{16}\.(txt|html)", row["file"])
        assert row["file"].endswith("." + row["format"])
        assert row["parts"][-1] == "plans" and "measures" in row["parts"]
        assert set(row["parts"]) <= set(gen.CANONICAL_PARTS)
        assert row["admin_level"] in gen.ADMIN_LEVELS.values()
        assert 2000 < row["year_start"] <= row["year_end"] < 2030
        assert (row["n_problem_items"] > 0) == ("problems" in row["parts"])
        assert row["n_plan_items"] > 0
    assert {r["format"] for r in rows} == {"txt", "html"}
    assert {r["encoding"] for r in rows} == {"utf-8", "utf-8-sig", "gb18030"}
    assert any(r["year_start"] < r["year_end"] for r in rows)
    assert any("problems" not in r["parts"] for r in rows)


def test_encodings_are_as_declared(corpus):
    out, rows = corpus
    for row in rows:
        data = (out / row["file"]).read_bytes()
        text = data.decode(row["encoding"])  # strict
        assert row["jurisdiction"] in text
        if row["encoding"] == "utf-8-sig":
            assert data.startswith(codecs.BOM_UTF8)
        else:
            assert not data.startswith(codecs.BOM_UTF8)
        if row["encoding"] == "gb18030":
            with pytest.raises(UnicodeDecodeError):
                data.decode("utf-8")


def test_html_pages_contain_the_article(corpus):
    out, rows = corpus
    pages = [r for r in rows if r["format"] == "html"]
    assert pages
    for row in pages:
        page = _text(out / row["file"], row)
        charset = re.search(r'charset="?([\w-]+)', page).group(1).lower()
        if row["encoding"] == "utf-8":
            assert charset == "utf-8"
        else:
            assert charset in ("gb2312", "gbk", "gb18030")
            (out / row["file"]).read_bytes().decode(charset)  # the declared label decodes it too
        visible = re.sub(r"<[^>]+>", "", page)
        for chrome in ("首页 > 政务公开 > 法治政府建设", "索引号", "分享到", "打印本页", "版权所有"):
            assert chrome in visible
        assert f'<h1 class="title">{row["title"]}</h1>' in page
        article = page.split('id="zoom">', 1)[1].split("</div>\n</div>", 1)[0]
        paragraphs = [re.sub(r"<[^>]+>", "", p) for p in re.split(r"</p>|<br/>", article)]
        paragraphs = [p.strip() for p in paragraphs if p.strip()]
        assert sum(1 for p in paragraphs if TOP_RE.match(p)) == len(row["parts"])
        assert row["jurisdiction"] in article


def test_duplicates_really_duplicate(corpus):
    out, rows = corpus
    dups = [r for r in rows if r["duplicate_of"]]
    assert 1 <= len(dups) <= N_DOCS * 0.04
    by_file = {r["file"]: r for r in rows}
    for row in dups:
        orig = by_file[row["duplicate_of"]]
        assert orig["duplicate_of"] is None and orig["file"] < row["file"]
        assert (out / row["file"]).read_bytes() == (out / orig["file"]).read_bytes()
        assert {**row, "file": orig["file"], "duplicate_of": None} == orig
    originals = [(out / r["file"]).read_bytes() for r in rows if not r["duplicate_of"]]
    assert len(set(originals)) == len(originals)


def _txt_lines(path: Path, row: dict) -> list[str]:
    return [ln.strip().lstrip("\ufeff") for ln in _text(path, row).splitlines() if ln.strip()]


def test_txt_top_level_sections_match_parts(corpus):
    out, rows = corpus
    for row in rows:
        if row["format"] != "txt":
            continue
        lines = _txt_lines(out / row["file"], row)
        heads = [ln for ln in lines if TOP_RE.match(ln)]
        assert len(heads) == len(row["parts"]), row["file"]
        if row["title"] and not lines[0].startswith(row["title"][:4]):
            # the title may be preceded by an ad line or split over two lines
            assert row["title"] in "".join(lines[:3]) or row["title"] in "".join(lines[1:4])


def _section(paragraphs: list[str], words: tuple[str, ...], exclude: tuple[str, ...] = ()) -> list[str]:
    """Paragraphs of the top-level section whose heading contains one of ``words``."""
    out: list[str] | None = None
    for p in paragraphs:
        if TOP_RE.match(p):
            if out is not None:
                break
            head = p.split("：", 1)[0]
            if any(w in head for w in words) and not any(w in head for w in exclude):
                out = [p]
        elif out is not None:
            out.append(p)
    return out or []


STYLE_COUNTERS = {
    # forced style -> independent way to count the leaf points of a section
    "flat 1.": (
        {"l2": "none", "l3": "1."},
        lambda sec: sum(bool(re.match(r"\d+\.", p)) for p in sec[1:]),
    ),
    "flat （1）": (
        {"l2": "none", "l3": "（1）"},
        lambda sec: sum(bool(re.match(r"（\d+）", p)) for p in sec[1:]),
    ),
    "groups + inline 一是": (
        {"l2": "（一）", "l3": "yishi_inline", "structure": "B"},
        lambda sec: len(re.findall(r"[一二三四五六七八九十]是", "".join(sec))),
    ),
    "level-2 points": (
        {"l2": "(一)", "l3": "1.", "structure": "C"},
        lambda sec: sum(bool(re.match(r"\([一二三四五六七八九十]+\)", p)) for p in sec[1:]),
    ),
    "flat 一是 paragraphs": (
        {"l2": "none", "l3": "yishi_para"},
        lambda sec: len(re.findall(r"[一二三四五六七八九十]是", "".join(sec))),
    ),
}


@pytest.mark.parametrize("style", sorted(STYLE_COUNTERS))
def test_item_counts_match_an_independent_count(style):
    force, count = STYLE_COUNTERS[style]
    mat = gen.load_material()
    for k in range(40):
        rng = random.Random(f"test-{style}-{k}")
        report = gen.build_report(
            mat, rng, {**force, "top": "num", "skip": False, "parts": ["measures", "problems", "plans"]}
        )
        problems = _section(report.paragraphs, PROBLEM_WORDS, PLAN_WORDS)
        plans = _section(report.paragraphs, PLAN_WORDS)
        assert problems and plans
        assert count(problems) == report.n_problem_items > 0
        assert count(plans) == report.n_plan_items > 0


def test_top_level_numbering_skips_sometimes():
    mat = gen.load_material()
    force = {"skip": True, "top": "num", "parts": ["measures", "plans"]}
    report = gen.build_report(mat, random.Random(3), force)
    heads = [p for p in report.paragraphs if TOP_RE.match(p)]
    assert heads[0].startswith("一、") and not heads[1].startswith("二、")


def test_seeds_dir_option(tmp_path):
    seeds = Path(gen.DEFAULT_SEEDS_DIR)
    local = tmp_path / "seeds"
    local.mkdir()
    for p in sorted(seeds.glob("*.txt"))[:3]:
        (local / p.name).write_bytes(p.read_bytes())
    out = tmp_path / "out"
    assert gen.main(["--docs", "5", "--out", str(out), "--seeds-dir", str(local)]) == 0
    assert len((out / "truth.jsonl").read_text("utf-8").splitlines()) == 5
    with pytest.raises(FileNotFoundError):
        gen.load_material(tmp_path / "empty")


def test_cn_num():
    assert [gen.cn_num(n) for n in (1, 9, 10, 11, 20, 23)] == ["一", "九", "十", "十一", "二十", "二十三"]
