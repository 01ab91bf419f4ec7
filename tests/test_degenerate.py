"""Every notebook renders on corpora that lack what it shows: no problems part, no plans, no numbers, no mechanisms,
a single report, only files that could not be read; in each language. Marked ``notebook`` (each corpus runs all
the notebooks)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from texts import REPORT

from fazhi_lib.briefs import run_briefs

pytest.importorskip("papermill")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))

PROBLEMS = "二、存在的不足\n一是法治宣传形式单一。二是执法人员专业能力有待提升。\n"
NUMBERS = {"召开专题会议4次": "召开专题会议研究部署",
           "全年开展行政执法检查12次，受理矛盾纠纷58件，调解成功率达98%": "开展行政执法检查，及时调解矛盾纠纷"}
MECHANISM = "一是落实党政主要负责人履行推进法治建设第一责任人职责。二是召开专题会议4次。"


def _without_numbers(text: str) -> str:
    for old, new in NUMBERS.items():
        text = text.replace(old, new)
    return text


def _two(text: str) -> list[str]:
    """Two reports of the same shape (two, so that the comparisons have something to compare)."""
    return [text, text.replace("某某镇", "另一镇").replace("形式单一", "阵地不足")]


CORPORA = {
    "no_problems_part": _two(REPORT.replace(PROBLEMS, "").replace("三、下一步", "二、下一步")),
    "no_plans": _two(REPORT.split("三、下一步")[0]),
    "no_metrics": _two(_without_numbers(REPORT)),
    "no_mechanisms": _two(REPORT.replace(MECHANISM, "召开专题会议4次。")),
}


def _write(name: str, d: Path) -> None:
    d.mkdir()
    if name in CORPORA:
        for i, text in enumerate(CORPORA[name]):
            (d / f"r{i}.txt").write_text(text, encoding="utf-8")
    elif name == "single_report":  # the seed that has neither a problems nor a plans part, alone
        src = next((ROOT / "seeds").glob("003_*.txt"))
        (d / src.name).write_bytes(src.read_bytes())
    elif name == "only_failed_files":
        (d / "empty.txt").write_bytes(b"")
        (d / "binary.txt").write_bytes(bytes(range(256)) * 40)
        (d / "broken.docx").write_bytes(b"PK\x03\x04 not a zip")


def test_the_corpora_lack_what_they_say(tmp_path: Path):
    from fazhi_lib import ingest

    for name in [*CORPORA, "single_report", "only_failed_files"]:
        _write(name, tmp_path / name)
        c = ingest(tmp_path / name)
        parts = set(c.items["part"])
        assert {"no_problems_part": "problems" not in parts, "no_plans": "plans" not in parts,
                "no_metrics": c.metrics.empty, "no_mechanisms": c.measures.empty,
                "single_report": len(c.documents) == 1 and not parts & {"problems", "plans"},
                "only_failed_files": set(c.documents["status"]) == {"failed"}}[name], name
        if name in CORPORA:
            assert len(c.documents) == 2 and set(c.documents["status"]) <= {"ok", "warning"}, name


@pytest.mark.notebook
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", [*CORPORA, "single_report", "only_failed_files"])
def test_every_notebook_renders(name: str, lang: str, tmp_path: Path):
    corpus = tmp_path / "corpus"
    _write(name, corpus)
    m = run_briefs([corpus], out=tmp_path / "out", tables_dir=tmp_path / "tables", jobs=2, per_report=False,
                   log=lambda *a: None, lang=lang)
    assert m["failed"] == 0, [(n["name"], n["error"]) for n in m["notebooks"] if n["status"] != "ok"]
    assert sorted(n["notebook"] for n in m["notebooks"]) == NOTEBOOKS  # each ran (the per-report one once)
    assert m["corpus"]["analyzed"], m["corpus"]["analyze_error"]
    for n in m["notebooks"]:
        assert (Path(m["path"]) / n["html"]).stat().st_size > 10_000
    if name == "only_failed_files":
        assert len(m["corpus"]["failed_documents"]) == 3
        assert pd.read_parquet(tmp_path / "tables" / "documents.parquet")["status"].eq("failed").all()
