"""The parser against the generator's ground truth: many numbering styles, encodings, web pages and noise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from synthetic.generate import main as generate

import fazhi_lib

LEVELS = {"subdistrict": "街道", "town": "镇", "township": "乡", "district": "区", "county": "县",
          "department": "部门"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[fazhi_lib.Corpus, list[dict]]:
    out = tmp_path_factory.mktemp("generated")
    generate(["--docs", "300", "--out", str(out), "--seed", "11"])
    truth = [json.loads(line) for line in (out / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    return fazhi_lib.ingest(out), truth


def _top_parts(corpus: fazhi_lib.Corpus, doc_id: str) -> list[str]:
    s = corpus.sections
    top = s[(s["doc_id"] == doc_id) & (s["level"] == 1)].sort_values("start")
    parts = [p for p in top["part"] if p not in ("preamble", "closing")]
    return [p for i, p in enumerate(parts) if i == 0 or p != parts[i - 1]]


def test_every_generated_report_parses_as_generated(generated):
    corpus, truth = generated
    docs = corpus.documents.set_index("file_name")
    wrong = []
    for t in truth:
        d = docs.loc[t["file"]]
        if t["duplicate_of"]:
            assert d["status"] == "duplicate"
            continue
        assert d["status"] == "ok", (t["file"], d["message"])
        items = corpus.items[corpus.items["doc_id"] == d["doc_id"]]
        got = {
            "parts": _top_parts(corpus, d["doc_id"]),
            "n_problem_items": int((items["part"] == "problems").sum()),
            "n_plan_items": int((items["part"] == "plans").sum()),
            "jurisdiction": d["jurisdiction"],
            "admin_level": d["admin_level"],
            "period": (d["year_start"], d["year_end"]),
        }
        want = {k: t[k] for k in ("parts", "n_problem_items", "n_plan_items", "jurisdiction")}
        want.update(admin_level=LEVELS[t["admin_level"]], period=(t["year_start"], t["year_end"]))
        if got != want:
            wrong.append((t["file"], {k: (got[k], want[k]) for k in want if got[k] != want[k]}))
    assert not wrong, wrong[:5]


def test_generated_noise_is_removed(generated):
    corpus, _ = generated
    text = "\n".join(corpus.texts["text"])
    for junk in ("扫一扫在手机打开当前页", "【打印本页】", "版权所有", "索引号", "首页>", "政务公开>"):
        assert junk not in text, junk
    assert (corpus.skipped["source"].map(lambda s: Path(s).name) == "truth.jsonl").all()
