"""One definition of "current": tables are reused only when everything that made them is unchanged, and analysis
tables are never shown with ingest tables they were not computed from."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from fazhi_lib import store
from fazhi_lib.analysis import current_analysis
from fazhi_lib.briefs import prepare_tables
from fazhi_lib.cli import main
from fazhi_lib.manifest import read_manifest
from fazhi_lib.schema import ANALYSIS_TABLES, readable_ids
from fazhi_lib.vocabulary import Vocabulary, VocabularyError, using

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    d = tmp_path / "reports"
    shutil.copytree(ROOT / "seeds", d)
    return d


def _prepare(reports: Path, tables: Path, **analysis) -> dict:
    return prepare_tables([reports], tables, log=lambda *_: None, analysis=analysis)


def test_metadata_csv_added_after_the_first_run_reaches_documents(reports: Path, tmp_path: Path):
    tables = tmp_path / "tables"
    _prepare(reports, tables)
    first = sorted(reports.glob("*.txt"))[0]
    (reports / "metadata.csv").write_text(f"file_name,jurisdiction\n{first.name},某某县\n", encoding="utf-8")
    info = _prepare(reports, tables)
    assert not info["reused"]
    docs = store.read(tables, ["documents"])["documents"]
    assert docs.loc[docs["file_name"] == first.name, "jurisdiction"].tolist() == ["某某县"]


def test_renamed_report_reaches_the_tables_under_its_new_name(reports: Path, tmp_path: Path):
    tables = tmp_path / "tables"
    _prepare(reports, tables)
    old = sorted(reports.glob("*.txt"))[0]
    old.rename(reports / "renamed.txt")
    _prepare(reports, tables)
    names = set(store.read(tables, ["documents"])["documents"]["file_name"])
    assert "renamed.txt" in names and old.name not in names


def test_deleted_report_leaves_no_analysis_rows(reports: Path, tmp_path: Path):
    tables = tmp_path / "tables"
    assert main(["ingest", str(reports), "-o", str(tables), "--quiet"]) == 0
    assert main(["analyze", str(tables)]) == 0
    before = store.read(tables, ["problem_topics"])["problem_topics"]
    gone = store.read(tables, ["documents"])["documents"].set_index("doc_id").loc[before["doc_id"].iloc[0]]
    Path(gone["source"]).unlink()
    assert main(["ingest", str(reports), "-o", str(tables), "--quiet"]) == 0
    assert current_analysis(tables) is None  # the old analysis is not current any more: removed, never shown
    assert not any((tables / f"{n}.parquet").exists() for n in ANALYSIS_TABLES)
    _prepare(reports, tables)  # fazhi brief on the same folder: analyzed again
    docs = store.read(tables, ["documents"])["documents"]
    topics = store.read(tables, ["problem_topics"])["problem_topics"]
    assert set(topics["doc_id"]) <= readable_ids(docs) and gone.name not in set(topics["doc_id"])


def test_analysis_parameters_of_the_run_make_the_tables(reports: Path, tmp_path: Path):
    tables = tmp_path / "tables"
    info = _prepare(reports, tables, n_topics=3)
    assert info["analyzed"] and store.read(tables, ["topics"])["topics"]["topic"].nunique() == 3
    assert read_manifest(tables)["analysis"]["parameters"]["n_topics"] == 3
    info = _prepare(reports, tables, n_topics=3)
    assert info["reused"] and not info["analyzed"]  # nothing changed: nothing computed again
    info = _prepare(reports, tables, n_topics=2)
    assert info["analyzed"] and store.read(tables, ["topics"])["topics"]["topic"].nunique() == 2


def test_load_of_a_missing_or_empty_folder_names_it(tmp_path: Path):
    with pytest.raises(store.TablesNotFound, match="does not exist") as missing:
        store.load(tmp_path / "nowhere")
    assert str(tmp_path / "nowhere") in str(missing.value)
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="holds no table"):
        store.load(tmp_path / "empty")


def test_shared_sentences_count_readable_reports_only(reports: Path):
    """A document whose parsing failed keeps its text in ``texts``; no analysis reads it."""
    import fazhi_lib
    from fazhi_lib.topics import analyze

    corpus = fazhi_lib.ingest(reports)
    first = corpus.texts.iloc[0]
    failed = pd.DataFrame([{"doc_id": "broken", "text": first["text"]}])
    corpus.texts = pd.concat([corpus.texts, failed], ignore_index=True)
    row = corpus.documents.iloc[[0]].assign(doc_id="broken", status="failed")
    corpus.documents = pd.concat([corpus.documents, row], ignore_index=True)
    shared = analyze(corpus)["shared_sentences"]
    assert "broken" not in set(shared["doc_id_a"]) | set(shared["doc_id_b"])


# ---- researchers' vocabularies ---------------------------------------------------------------------------------


def _vocab(tmp_path: Path, text: str, name: str = "mechanisms.csv") -> Path:
    folder = tmp_path / "my_vocab"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_researchers_mechanism_reaches_measures_through_brief_on_reused_tables(reports: Path, tmp_path: Path):
    tables = tmp_path / "tables"
    _prepare(reports, tables)
    assert "网格员" not in set(store.read(tables, ["measures"])["measures"]["term"])
    folder = _vocab(tmp_path, "term,kind,dimension,variants\n网格员,队伍,dispute_resolution,\n")
    info = prepare_tables([reports], tables, log=lambda *_: None, vocab=Vocabulary(folder))
    assert not info["reused"]  # the tables were made without that vocabulary: not current
    measures = store.read(tables, ["measures"])["measures"]
    assert set(measures.loc[measures["term"] == "网格员", "dimension"]) == {"dispute_resolution"}


def test_vocab_reaches_worker_processes_and_the_command(reports: Path, tmp_path: Path):
    folder = _vocab(tmp_path, "term,kind,dimension,variants\n网格员,队伍,dispute_resolution,\n")
    out = tmp_path / "tables"
    assert main(["ingest", str(reports), "-o", str(out), "--quiet", "--jobs", "2", "--vocab", str(folder)]) == 0
    assert "网格员" in set(store.read(out, ["measures"])["measures"]["term"])


def test_a_row_with_a_packaged_key_replaces_it_and_patterns_are_cached_per_vocabulary(reports: Path, tmp_path: Path):
    import fazhi_lib
    from fazhi_lib.measures import dimension_of

    folder = _vocab(tmp_path, "term,kind,dimension,variants\n法律明白人,队伍,dispute_resolution,\n")
    mine = fazhi_lib.ingest(reports, vocab=folder)
    packaged = fazhi_lib.ingest(reports)  # after the other vocabulary, in the same process
    dims = {name: set(c.measures.loc[c.measures["term"] == "法律明白人", "dimension"])
            for name, c in (("mine", mine), ("packaged", packaged))}
    assert dims == {"mine": {"dispute_resolution"}, "packaged": {"legal_publicity"}}
    with using(folder):
        assert dimension_of("法律明白人") == "dispute_resolution"
    assert dimension_of("法律明白人") == "legal_publicity"
    rows = Vocabulary(folder).rows("mechanisms.csv")
    assert [r["term"] for r in rows].count("法律明白人") == 1  # replaced in place, not added


@pytest.mark.parametrize(("text", "message"), [
    ("term,kind,dimension,colour\n网格员,队伍,dispute_resolution,red\n",
     r"mechanisms\.csv, line 1: unknown column colour"),
    ("term,kind,dimension\n网格员,队伍,no_such_dimension\n", r"mechanisms.csv, line 2: unknown dimension"),
    ("# mine\nterm,kind,dimension\n网格员,队伍,oversight\n网格员,队伍,oversight\n", r"mechanisms.csv, line 4: .*twice"),
])
def test_a_bad_vocabulary_file_names_the_file_and_line(tmp_path: Path, text: str, message: str):
    folder = _vocab(tmp_path, text)
    with pytest.raises(VocabularyError, match=message):
        Vocabulary(folder)
    out = tmp_path / "out"
    assert main(["ingest", str(ROOT / "seeds"), "-o", str(out), "--vocab", str(folder)]) == 2
    assert not out.exists()  # nothing written


def test_unknown_vocabulary_file_is_an_error(tmp_path: Path):
    folder = _vocab(tmp_path, "x\n", name="mechanism.csv")
    with pytest.raises(VocabularyError, match=r"mechanism\.csv"):
        Vocabulary(folder)


def test_one_vocabulary_reader_overlays_the_metadata_vocabularies_too(tmp_path: Path):
    """metadata read its CSV files its own way, so a researcher's places.csv was never seen."""
    from fazhi_lib.metadata import infer_metadata

    text = "星火示范区2023年法治政府建设工作报告\n\n2023年，星火示范区坚持依法行政。"
    folder = _vocab(tmp_path, "name,admin_level,province,note\n星火示范区,区,,a place of our own\n", name="places.csv")
    with using(folder):
        assert Vocabulary(folder).rows("places.csv")[-1]["name"] == "星火示范区"
        mine = infer_metadata(text, title=text.splitlines()[0])
    packaged = infer_metadata(text, title=text.splitlines()[0])
    assert (mine["jurisdiction"], mine["admin_level"]) == ("星火示范区", "区")
    assert packaged["admin_level"] is None  # the packaged vocabulary does not know the place


# ---- one analysis per run ----------------------------------------------------------------------------------------


def _outputs(ipynb: Path) -> str:
    """Everything a run notebook displayed, as text."""
    nb = json.loads(ipynb.read_text(encoding="utf-8"))
    out = []
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            out.append("".join(o.get("text", "")))
            for value in o.get("data", {}).values():
                out.append("".join(value) if isinstance(value, list) else str(value))
    return "\n".join(out)


@pytest.mark.notebook
def test_brief_with_n_topics_gives_every_brief_of_the_run_the_same_topics(reports: Path, tmp_path: Path):
    from fazhi_lib.briefs import run_briefs

    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    for name in ("10_problem_topics.ipynb", "40_report_brief.ipynb"):
        shutil.copy(ROOT / "notebooks" / name, nbs / name)
    tables = tmp_path / "tables"
    manifest = run_briefs([reports], out=tmp_path / "out", params={"n_topics": 3}, tables_dir=tables,
                          notebooks_dir=nbs, log=None)
    assert manifest["failed"] == 0, [n.get("error") for n in manifest["notebooks"]]
    topics = store.read(tables, ["topics"])["topics"]
    assert topics["topic"].nunique() == 3  # the one analysis of the run had the run's parameter
    run = Path(manifest["path"])
    shown = _outputs(run / "10_problem_topics.ipynb")
    assert "**3 topics**" in shown and "the analysis tables of `tables_dir`" in shown  # read, not computed again
    labels = set(topics["topic_label"])
    with_problems = set(store.read(tables, ["problem_topics"])["problem_topics"]["doc_id"])
    pages = [run / r["file"] for r in manifest["reports"] if r["doc_id"] in with_problems]
    assert pages and all(any(label in p.read_text(encoding="utf-8") for label in labels) for p in pages)


@pytest.mark.notebook
def test_notebook_with_other_parameters_computes_again_and_says_so(reports: Path, tmp_path: Path):
    papermill = pytest.importorskip("papermill")
    tables = tmp_path / "tables"
    _prepare(reports, tables, n_topics=3)
    out = tmp_path / "10.ipynb"
    nb = ROOT / "notebooks" / "10_problem_topics.ipynb"
    papermill.execute_notebook(str(nb), str(out), parameters={"tables_dir": str(tables), "n_topics": 2},
                               cwd=str(nb.parent), kernel_name="python3", progress_bar=False)
    shown = _outputs(out)
    assert "**computed here**" in shown and "**2 topics**" in shown
    assert store.read(tables, ["topics"])["topics"]["topic"].nunique() == 3  # the run's tables are left as they are
