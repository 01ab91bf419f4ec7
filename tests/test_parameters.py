"""Parameters and options are checked before anything runs: `fazhi brief -p`, `fazhi analyze`, `fazhi ingest`."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from texts import REPORT

import fazhi_lib.briefs as briefs
from fazhi_lib.briefs import notebook_parameters
from fazhi_lib.cli import main
from fazhi_lib.parameters import SPECS, ParameterError, check_parameters, spec_for

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
DECLARED = {nb.name: notebook_parameters(nb) for nb in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_notebook_parameter_has_a_spec_its_default_meets(path: Path):
    for name, default in DECLARED[path.name].items():
        assert name in SPECS, f"{path.name}: parameter {name} has no spec in fazhi_lib.parameters.SPECS"
        assert SPECS[name].check(name, default) == default


@pytest.mark.parametrize(("value", "allowed"), [(-5, "from 1 to 500"), (0, "from 1 to 500"),
                                                (1000, "from 1 to 500"), ("abc", "'auto'"), (2.5, "integer")])
def test_out_of_range_values_say_what_is_allowed(value, allowed):
    with pytest.raises(ParameterError, match=allowed) as err:
        check_parameters({"n_topics": value}, DECLARED)
    assert "n_topics" in str(err.value)


def test_values_of_the_right_type_pass():
    ok = {"n_topics": 5, "vectorizer": "chars", "min_similarity": 0.8, "max_shared_reports": None, "top_n": 10.0,
          "dimension": "行政执法", "indicators": ["调解成功率"], "per_year": False}
    assert check_parameters(ok, DECLARED) == {**ok, "top_n": 10}
    assert check_parameters({"n_topics": "auto"}, DECLARED) == {"n_topics": "auto"}


@pytest.mark.parametrize(("params", "message"), [
    ({"n_topicz": 4}, "'n_topics'"), ({"vectorizer": "word"}, "'words'"), ({"dimension": "执法"}, "'行政执法'"),
    ({"indicators": ["调解成功"]}, "'调解成功率'"), ({"indicators": "调解成功率"}, "a list"),
    ({"per_year": "false"}, "True or False"), ({"min_similarity": 0}, "above 0"),
])
def test_unknown_names_and_words_name_the_closest(params, message):
    with pytest.raises(ParameterError, match=message):
        check_parameters(params, DECLARED)


def test_a_parameter_of_ones_own_notebook_takes_the_type_of_its_default():
    declared = {"mine.ipynb": {"label": "x", "limit": 3, "share": 0.5, "flag": True, "anything": None}}
    assert check_parameters({"label": "y", "limit": 4, "share": 1, "flag": False, "anything": [1]}, declared)
    for bad in ({"label": 3}, {"limit": "3"}, {"share": "x"}, {"flag": 1}):
        with pytest.raises(ParameterError):
            check_parameters(bad, declared)
    assert spec_for("n_topics", 3) is SPECS["n_topics"]


# ---- on the command line ----------------------------------------------------------------------------------------


def _notebook(path: Path, params_src: str, body: str = "pass") -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    cell = nbformat.v4.new_code_cell(params_src)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Topics"), cell, nbformat.v4.new_code_cell(body)]
    nbformat.write(nb, str(path))


@pytest.fixture
def small(tmp_path, monkeypatch):
    """A one-report corpus and a notebooks folder with one quick notebook declaring n_topics."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "r.txt").write_text(REPORT, encoding="utf-8")
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    _notebook(nbs / "topics.ipynb", 'tables_dir = "x"\nn_topics = "auto"\n', "print(n_topics)")
    monkeypatch.setattr(briefs, "DEFAULT_NOTEBOOKS", nbs)
    return tmp_path


@pytest.mark.parametrize(("name", "value", "said"), [
    ("n_topics", "-5", "from 1 to 500"), ("n_topics", "0", "from 1 to 500"), ("n_topics", "1000", "from 1 to 500"),
    ("n_topics", "abc", "not 'abc'"), ("n_topicz", "4", "did you mean 'n_topics'"),
])
def test_brief_stops_at_once_on_a_bad_parameter(small, capsys, name, value, said):
    out = small / "out"
    code = main(["brief", str(small / "corpus"), "--out", str(out), "--tables", str(small / "tables"),
                 "-p", name, value, "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 2 and said in err and "Traceback" not in err
    assert not out.exists() and not (small / "tables").exists()  # nothing ran, nothing was written


@pytest.mark.parametrize("argv", [
    ["analyze", "{t}", "--topics", "abc"], ["analyze", "{t}", "--topics", "0"],
    ["analyze", "{t}", "--random-state", "-1"], ["ingest", "{c}", "-o", "{t}", "--jobs", "0"],
    ["ingest", "{c}", "-o", "{t}", "--max-mb", "-5"], ["brief", "{c}", "--jobs", "x"],
])
def test_bad_options_exit_2_with_a_message_and_no_traceback(small, capsys, argv):
    args = [a.format(t=small / "tables", c=small / "corpus") for a in argv]
    with pytest.raises(SystemExit) as exc:
        main(args)
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "must be" in err and "Traceback" not in err
