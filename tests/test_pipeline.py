"""End-to-end ingest: every file accounted for, bad input reported, tables written and read back."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import closing
from pathlib import Path

import pandas as pd
import pytest

import fazhi_lib
from fazhi_lib import cache as result_cache
from fazhi_lib import runners
from fazhi_lib.cli import main
from fazhi_lib.schema import TABLES

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"

REPORT = """关于2023年度法治政府建设情况的报告
2023年，清溪镇坚持以习近平法治思想为指导，现将有关情况报告如下：
一、主要举措和成效
（一）强化组织领导。全年召开专题会议4次，开展会前学法12次。
（二）规范行政执法。开展执法检查46次。
二、存在的问题
一是普法形式单一。群众参与度不高。二是执法力量薄弱。专职人员较少。
三、下一步工作打算
一是创新普法方式。打造普法品牌。二是充实执法力量。招录专业人员。
"""


@pytest.fixture()
def corpus_dir(tmp_path: Path) -> Path:
    d = tmp_path / "corpus"
    (d / "重复 copies").mkdir(parents=True)
    (d / "清溪镇 2023 报告.txt").write_bytes(REPORT.encode("gb18030"))
    # the same report in another encoding, later in path order: a duplicate
    (d / "重复 copies" / "copy.txt").write_text(REPORT, encoding="utf-8")
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (d / "noheadings.txt").write_text("今年以来，我局认真贯彻落实法治政府建设各项要求，全年办理行政复议案件3件。" * 10,
                                      encoding="utf-8")
    (d / "big.txt").write_bytes(b"a" * (50 * 1024 * 1024 + 1))  # a 50 MB file
    (d / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (d / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    return d


def test_every_input_file_is_accounted_for(corpus_dir: Path):
    corpus = fazhi_lib.ingest(corpus_dir)
    n_files = sum(1 for p in corpus_dir.rglob("*") if p.is_file())
    assert len(corpus.documents) + len(corpus.skipped) == n_files
    docs = corpus.documents.set_index("file_name")
    assert docs.loc["清溪镇 2023 报告.txt", "status"] == "ok"
    assert docs.loc["清溪镇 2023 报告.txt", "encoding"] == "gb18030"
    assert docs.loc["清溪镇 2023 报告.txt", "jurisdiction"] == "清溪镇"
    assert docs.loc["copy.txt", "status"] == "duplicate"
    assert docs.loc["copy.txt", "duplicate_of"] == docs.loc["清溪镇 2023 报告.txt", "doc_id"]
    assert docs.loc["empty.txt", "status"] == "failed" and "empty" in docs.loc["empty.txt", "message"]
    assert docs.loc["binary.txt", "status"] == "failed" and "binary" in docs.loc["binary.txt", "message"]
    assert docs.loc["big.txt", "status"] == "failed" and "MB" in docs.loc["big.txt", "message"]
    assert docs.loc["noheadings.txt", "status"] == "warning"
    assert "no numbered headings" in docs.loc["noheadings.txt", "message"]
    assert set(corpus.skipped["source"].map(lambda s: Path(s).name)) == {"photo.png", "old.doc"}
    assert corpus.documents["doc_id"].is_unique
    # the duplicate is not counted twice
    assert corpus.texts["doc_id"].is_unique and len(corpus.texts) == 2
    ok = corpus.items[corpus.items["doc_id"] == docs.loc["清溪镇 2023 报告.txt", "doc_id"]]
    assert list(ok[ok["part"] == "problems"]["title"]) == ["普法形式单一", "执法力量薄弱"]


def test_offsets_point_into_the_cleaned_text(corpus_dir: Path):
    corpus = fazhi_lib.ingest(corpus_dir)
    text = dict(zip(corpus.texts["doc_id"], corpus.texts["text"], strict=True))
    for it in corpus.items.itertuples():
        assert it.text in text[it.doc_id][it.start:it.end]
    for s in corpus.sections.itertuples():
        if s.heading and s.part != "preamble":
            assert s.heading in text[s.doc_id][s.start:s.end]


def test_cli_writes_tables_and_exits_nonzero_on_failures(corpus_dir: Path, tmp_path: Path, capsys):
    out = tmp_path / "out"
    code = main(["ingest", str(corpus_dir), "-o", str(out), "--csv"])
    assert code == 1  # empty/binary/big files failed
    for name in TABLES:
        assert (out / f"{name}.parquet").exists() and (out / f"{name}.csv").exists()
    assert not list(out.glob(".*.tmp"))
    printed = capsys.readouterr().out
    assert "failed" in printed and "empty.txt" in printed
    loaded = fazhi_lib.load(out)
    assert len(loaded.documents) == 6
    csv = pd.read_csv(out / "documents.csv", encoding="utf-8-sig")
    assert "清溪镇" in set(csv["jurisdiction"].dropna())


def test_cli_exit_zero_on_clean_corpus(tmp_path: Path):
    d = tmp_path / "c"
    d.mkdir()
    (d / "a.txt").write_text(REPORT, encoding="utf-8")
    assert main(["ingest", str(d), "-o", str(tmp_path / "o"), "--quiet"]) == 0


def test_output_that_is_not_a_directory(tmp_path: Path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["ingest", str(SEEDS), "-o", str(blocker / "out")]) == 2
    assert "cannot write to output directory" in capsys.readouterr().err


@pytest.fixture
def shared_tmp():
    """A temporary folder other users may enter. Not below pytest's own base folder: every pytest session that
    starts on the machine makes that folder private again (mode 0700), which would shut the other user out midway."""
    with tempfile.TemporaryDirectory(prefix="fazhi-test-") as d:
        os.chmod(d, 0o755)
        yield Path(d)


def test_read_only_output_directory(shared_tmp: Path):
    """Run as an unprivileged user when we are root (root ignores permission bits)."""
    tmp_path = shared_tmp
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o555)
    seeds = shutil.copytree(SEEDS, tmp_path / "seeds")  # the checkout itself may lie in a private folder
    cmd = [sys.executable, "-m", "fazhi_lib.cli", "ingest", str(seeds), "-o", str(out)]
    env = {**os.environ, "HOME": str(tmp_path)}
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if not setpriv:
            pytest.skip("running as root without setpriv: cannot make a directory read-only for us")
        for p in [tmp_path, *tmp_path.parents]:  # a TMPDIR in a private folder: let the user in
            if p != Path("/"):
                p.chmod(p.stat().st_mode | 0o005)
        cmd = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
        # a clone in a private folder such as /root cannot be entered by the unprivileged user: nothing to test there
        probe = subprocess.run([*cmd[:4], sys.executable, "-c", "import fazhi_lib.cli"], capture_output=True,
                               text=True, cwd=tmp_path, env=env)
        if probe.returncode != 0:
            pytest.skip(f"the unprivileged user cannot run this checkout's interpreter: {probe.stderr.strip()[-200:]}")
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, env=env)
    assert res.returncode == 2, res.stderr
    assert "cannot write to output directory" in res.stderr
    assert not list(out.iterdir())


def test_metadata_csv_overrides_inferred_fields(tmp_path: Path):
    d = tmp_path / "c"
    d.mkdir()
    untitled = REPORT.split("\n", 2)[2].replace("清溪镇", "我镇")
    (d / "untitled.txt").write_text(untitled, encoding="utf-8")
    (d / "metadata.csv").write_text("file_name,title,region\nuntitled.txt,石门乡2022年法治政府建设情况报告,某某县\n",
                                    encoding="utf-8-sig")
    corpus = fazhi_lib.ingest(d)
    doc = corpus.documents.iloc[0]
    assert (doc["title"], doc["jurisdiction"], doc["admin_level"], doc["region"]) == (
        "石门乡2022年法治政府建设情况报告", "石门乡", "乡", "某某县")
    assert (doc["year_start"], doc["year_end"]) == (2022, 2022)
    assert list(corpus.skipped["source"].map(lambda s: Path(s).name)) == ["metadata.csv"]


def test_broken_metadata_csv_is_reported_not_fatal(tmp_path: Path):
    d = tmp_path / "c"
    d.mkdir()
    (d / "a.txt").write_text(REPORT, encoding="utf-8")
    (d / "metadata.csv").write_text("name,title\na.txt,x\n", encoding="utf-8")
    corpus = fazhi_lib.ingest(d)
    assert corpus.documents.iloc[0]["status"] == "ok"
    assert corpus.skipped["reason"].str.contains("metadata table could not be read").any()


def test_seeds_ingest(tmp_path: Path):
    corpus = fazhi_lib.ingest(SEEDS)
    assert len(corpus.documents) == 5 and set(corpus.documents["status"]) == {"ok"}
    docs = corpus.documents.set_index("file_name")
    assert docs.loc["004_95cb7e948b64b50f.txt", "jurisdiction"] == "石壁镇"  # from seeds/metadata.csv
    assert docs.loc["000_9f755b4dfb0d80b7.txt", "year_start"] == 2022
    assert corpus.cleaning["reason"].isin(["spam or ad", "orphan line before the title (spam or ad)"]).any()


def test_parallel_ingest_gives_the_same_tables(corpus_dir: Path):
    one = fazhi_lib.ingest(corpus_dir, jobs=1)
    two = fazhi_lib.ingest(corpus_dir, jobs=2)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(one, name), getattr(two, name))


def test_same_input_same_ids(corpus_dir: Path):
    a = fazhi_lib.ingest(corpus_dir)
    b = fazhi_lib.ingest(corpus_dir)
    assert list(a.documents["doc_id"]) == list(b.documents["doc_id"])
    assert list(a.items["item_id"]) == list(b.items["item_id"])


def test_same_report_as_web_page_word_and_pdf(tmp_path: Path):
    """A gov web page with navigation, a .docx and a .pdf with a text layer all parse into the same parts."""
    from test_io import PDF_PARAS, build_docx, build_pdf, gov_page

    d = tmp_path / "formats"
    d.mkdir()
    (d / "page.html").write_bytes(gov_page("gb2312").encode("gbk"))
    build_docx(d / "report.docx")
    build_pdf(d / "report.pdf", PDF_PARAS)
    corpus = fazhi_lib.ingest(d)
    docs = corpus.documents.set_index("format")
    assert set(docs["status"]) == {"ok"}, docs["message"].tolist()
    for fmt in ("html", "docx", "pdf"):
        doc_id = docs.loc[fmt, "doc_id"]
        top = corpus.sections[(corpus.sections["doc_id"] == doc_id) & (corpus.sections["level"] == 1)]
        assert [p for p in top["part"] if p not in ("preamble", "closing")] == ["measures", "problems", "plans"], fmt
        items = corpus.items[corpus.items["doc_id"] == doc_id]
        assert list(items[items["part"] == "measures"]["title"][:2]) == ["健全工作机制", "压实主体责任"], fmt
        problems = items[items["part"] == "problems"]["text"]
        assert len(problems) == 1 and problems.iloc[0].startswith("部分乡镇(街道)行政执法人员法治意识不强"), fmt
        text = corpus.texts.set_index("doc_id").loc[doc_id, "text"]
        for junk in ("首页", "分享到", "打印本页", "版权所有", "- 1 -"):
            assert junk not in text, (fmt, junk)
    assert docs.loc["html", "year_start"] == 2023 and docs.loc["html", "admin_level"] == "区"


def test_a_report_in_the_official_template(tmp_path: Path):
    """A complete report written for this test in the official template, saved as GB18030 with web junk."""
    d = tmp_path / "tpl"
    d.mkdir()
    shutil.copy(ROOT / "tests" / "data" / "qingshi_2024_gb18030.txt", d)
    corpus = fazhi_lib.ingest(d)
    doc = corpus.documents.iloc[0]
    got = (doc["jurisdiction"], doc["admin_level"], doc["year_start"], doc["encoding"])
    assert got == ("青石镇", "镇", 2024, "gb18030")
    assert doc["parts"] == "measures,leader_duty,problems,plans,other"
    items = corpus.items
    assert list(items[items["part"] == "plans"]["title"]) == ["加强干部学法用法", "充实执法力量", "创新普法方式"]
    assert len(items[items["part"] == "problems"]) == 3
    text = corpus.texts["text"].iloc[0]
    assert text.startswith("青石镇人民政府关于2024年度") and "扫一扫" not in text and "浏览次数" not in text
    m = corpus.metrics.set_index("raw")
    assert m.loc["1.2万余件", "value"] == 12000 and m.loc["1.2万余件", "approx"]
    assert m.loc["5名", "target"] and m.loc["12次", "target"].any() and not m.loc["126次", "target"]
    planned = set(corpus.measures[corpus.measures["planned"]]["term"])
    done = set(corpus.measures[~corpus.measures["planned"]]["term"])
    assert {"首违不罚", "法律明白人", "谁执法谁普法"} <= done and "青石法治" in planned


def test_cache_skips_unchanged_files_and_reparses_changed_ones(tmp_path: Path, monkeypatch):
    d = tmp_path / "c"
    d.mkdir()
    (d / "a.txt").write_text(REPORT, encoding="utf-8")
    (d / "b.txt").write_text(REPORT.replace("清溪镇", "石门乡"), encoding="utf-8")
    cache = tmp_path / "cache"
    calls: list[str] = []
    real = runners.process_file
    monkeypatch.setattr(runners, "process_file", lambda p, *a, **k: calls.append(Path(p).name) or real(p, *a, **k))

    first = fazhi_lib.ingest(d, cache_dir=cache)
    assert sorted(calls) == ["a.txt", "b.txt"]
    calls.clear()
    second = fazhi_lib.ingest(d, cache_dir=cache)
    assert calls == []  # nothing changed: nothing parsed
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(first, name), getattr(second, name))

    (d / "b.txt").write_text(REPORT.replace("清溪镇", "青石镇"), encoding="utf-8")
    (d / "metadata.csv").write_text("file_name,region\na.txt,某某县\n", encoding="utf-8")
    third = fazhi_lib.ingest(d, cache_dir=cache)
    assert sorted(calls) == ["a.txt", "b.txt"]  # b's content and a's metadata changed
    assert set(third.documents["jurisdiction"]) == {"清溪镇", "青石镇"}

    calls.clear()
    monkeypatch.setattr(result_cache, "parser_version", lambda: "another-version")
    fazhi_lib.ingest(d, cache_dir=cache)
    assert sorted(calls) == ["a.txt", "b.txt"]  # a new parser version invalidates the cache
    with closing(sqlite3.connect(Path(cache) / "results.sqlite")) as db:  # and the old version's results are gone
        assert db.execute("SELECT DISTINCT version FROM results").fetchall() == [("another-version",)]


def test_cli_caches_under_the_output_directory(tmp_path: Path):
    d = tmp_path / "c"
    d.mkdir()
    (d / "a.txt").write_text(REPORT, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["ingest", str(d), "-o", str(out), "--quiet"]) == 0
    with closing(sqlite3.connect(out / ".cache" / "results.sqlite")) as db:
        assert db.execute("SELECT count(*) FROM results").fetchone()[0] == 1
    assert main(["ingest", str(d), "-o", str(tmp_path / "out2"), "--quiet", "--no-cache"]) == 0
    assert not (tmp_path / "out2" / ".cache").exists()


def test_dask_engine_gives_the_same_tables(corpus_dir: Path):
    pytest.importorskip("distributed")
    local = fazhi_lib.ingest(corpus_dir, jobs=1)
    dask = fazhi_lib.ingest(corpus_dir, jobs=2, engine="dask")  # a local 2-worker cluster
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(local, name), getattr(dask, name))


def test_cli_reuses_tables_when_nothing_changed(tmp_path: Path, capsys):
    d = tmp_path / "c"
    d.mkdir()
    (d / "a.txt").write_text(REPORT, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["ingest", str(d), "-o", str(out), "--quiet"]) == 0
    first = fazhi_lib.load(out)
    capsys.readouterr()
    assert main(["ingest", str(d), "-o", str(out), "--quiet"]) == 0
    assert "tables reused" in capsys.readouterr().out
    (d / "b.txt").write_text(REPORT.replace("清溪镇", "石门乡"), encoding="utf-8")
    assert main(["ingest", str(d), "-o", str(out), "--quiet"]) == 0
    assert "tables reused" not in capsys.readouterr().out
    second = fazhi_lib.load(out)
    assert len(second.documents) == len(first.documents) + 1
