"""No internal error on any input: real report texts mangled the way copying and scraping mangle pages, and what
happens if the parser still fails on one."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from layouts import MANGLERS, report_texts
from texts import REPORT

import fazhi_lib
from fazhi_lib import parsing, schema
from fazhi_lib.clean import clean_text
from fazhi_lib.parsing import process_file

TEXTS = report_texts()  # the seeds, and the real openings when ../shared is there
# an index-number block of a government page, one field per line (some with a value cleaning does not keep)
FIELDS_ONE_PER_LINE = ("索引号\n:\n11500112MB1234567X/2025-00012\n发布机构\n:\n某某镇人民政府\n效力状态：现行有效\n"
                       "发文字号\n:\n")


def _check_result(result) -> None:
    doc = result.document
    assert doc["status"] in ("ok", "warning", "failed"), doc
    assert "internal error" not in (doc["message"] or ""), doc["message"]
    if doc["status"] != "ok":
        assert doc["message"], doc  # every problem says what it is
    text = result.text
    for table in ("sections", "items", "metrics", "measures"):
        for row in getattr(result, table):
            assert 0 <= row["start"] <= row["end"] <= len(text), (table, row)
    for item in result.items:
        assert item["text"] in text[item["start"]: item["end"]]


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(name=st.sampled_from(sorted(TEXTS)),
       mangling=st.lists(st.sampled_from(sorted(MANGLERS)), min_size=1, max_size=4),
       fields_first=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_mangled_real_reports_never_raise_an_internal_error(tmp_path_factory, name, mangling, fields_first, seed):
    rng = random.Random(seed)
    text = (FIELDS_ONE_PER_LINE if fields_first else "") + TEXTS[name]
    for how in mangling:
        text = MANGLERS[how](text, rng)
    path = tmp_path_factory.mktemp("mangled") / "report.txt"
    path.write_text(text, encoding="utf-8")
    _check_result(process_file(path))
    # the parser itself, past the reader (which may call a text with NUL bytes binary)
    doc = dict.fromkeys(schema.DOCUMENT_COLUMNS)
    doc["message"] = ""
    _check_result(parsing._process_text(text, doc, {}, None))


@pytest.mark.parametrize("line", ["效力状态：现行有效", "服务对象分类：公众", "统一编号：123"])
def test_index_fields_whose_value_cleaning_does_not_keep_are_removed_without_error(line):
    text = f"某某镇2024年法治政府建设情况报告\n{line}\n一、主要工作\n（一）加强领导。召开会议3次。"
    cleaned = clean_text(text)
    assert line[:2] not in cleaned.text and "召开会议3次" in cleaned.text


@pytest.mark.parametrize("step, target", [("cleaning", "clean_text"), ("structure", "parse_rows"),
                                          ("metrics", "extract_metrics"), ("measures", "extract_measures")])
def test_an_internal_error_keeps_the_text_and_names_its_step(tmp_path: Path, monkeypatch, step, target):
    (tmp_path / "report.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "other.txt").write_text(REPORT.replace("某某镇", "某甲镇"), encoding="utf-8")
    real = getattr(parsing, target)

    def broken(text, *args, **kwargs):
        if "某某镇" in text:
            raise KeyError("a parser bug")
        return real(text, *args, **kwargs)

    monkeypatch.setattr(parsing, target, broken)
    corpus = fazhi_lib.ingest(tmp_path)
    docs = corpus.documents.set_index("file_name")
    bad = docs.loc["report.txt"]
    assert bad["status"] == "failed"
    assert f"internal error in the {step} step (KeyError: 'a parser bug')" in bad["message"]
    kept = corpus.texts.set_index("doc_id").loc[bad["doc_id"], "text"]
    assert "2024年，某某镇深入学习贯彻习近平法治思想" in kept.replace(",", "，")
    for table in ("sections", "items", "metrics", "measures"):
        assert bad["doc_id"] not in set(getattr(corpus, table)["doc_id"]), table
    # the other report of the corpus is parsed as ever
    assert docs.loc["other.txt", "status"] == "ok"
    assert docs.loc["other.txt", "doc_id"] in set(corpus.items["doc_id"])
