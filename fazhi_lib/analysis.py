"""The analyses ``fazhi analyze`` writes: problem topics and text shared across reports (``fazhi_lib.topics``), and
the year-over-year tables of jurisdictions with several reports (``panels``, ``followup``, ``trends``).

``analyze(corpus)`` returns every table by name (``ANALYSIS_TABLES``); ``year_over_year(corpus)`` only the
year-over-year ones:

- ``panel``: every readable report with the panel (jurisdiction across years) it belongs to and its position;
- ``promises``: each plan item of a report with the work-done item of the next report that carries it out;
- ``recurring_problems``: each problem of a report with the problem of the next report that states it again;
- ``copied_text``: each pair of consecutive reports with the share of the later one copied from the earlier;
- ``indicator_trends``: the canonical indicators of each panel over its reports.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from fazhi_lib import store, topics
from fazhi_lib.followup import DONE_PARTS, StatementMatcher, copied_text, promises, recurring_problems
from fazhi_lib.manifest import analysis_parameters, read_manifest, record_analysis
from fazhi_lib.panels import link_panels, report_pairs
from fazhi_lib.schema import ANALYSIS_TABLES, YEAR_OVER_YEAR_TABLES
from fazhi_lib.trends import indicator_trends
from fazhi_lib.vocabulary import Vocabulary, as_vocabulary, using

__all__ = ["ANALYSIS_TABLES", "PARAMETERS", "YEAR_OVER_YEAR_TABLES", "Analysis", "analyze", "analyze_to",
           "current_analysis", "year_over_year"]

#: The analysis parameters, by the names the notebooks and ``fazhi brief -p`` use, with their defaults.
PARAMETERS: dict[str, Any] = {"n_topics": "auto", "vectorizer": "words", "random_state": 0, "remedy_threshold": 0.08,
                              "min_similarity": 0.7}


def year_over_year(corpus, problem_topics: pd.DataFrame | None = None, matcher: StatementMatcher | None = None,
                   per_year: bool = True) -> dict[str, pd.DataFrame]:
    """The year-over-year tables of an ingested corpus (a ``fazhi_lib.Corpus``).

    Parameters
    ----------
    corpus
        The ingest tables.
    problem_topics
        The topics of the problem statements (``topics.problem_topics``), for ``recurring_problems.same_topic``.
    matcher
        A ``followup.StatementMatcher`` with the parameters wanted; fitted here, on the statements of the reports
        that have a previous or next report, unless it is fitted already.
    per_year
        Passed to ``trends.indicator_trends``.

    Returns
    -------
    dict
        The tables ``YEAR_OVER_YEAR_TABLES`` by name.
    """
    panel = link_panels(corpus.documents)
    pairs = report_pairs(panel)
    matcher = matcher or StatementMatcher()
    if not hasattr(matcher, "words_") and len(pairs):  # no pair of reports: nothing to compare, nothing to fit
        paired = set(pairs["doc_id"]) | set(pairs["next_doc_id"])
        items = corpus.items
        matcher.fit(items[items["doc_id"].isin(paired) & items["part"].isin(("plans", "problems", *DONE_PARTS))],
                    corpus.measures, corpus.metrics)
    return {
        "panel": panel,
        "promises": promises(pairs, corpus.items, corpus.measures, corpus.metrics, matcher),
        "recurring_problems": recurring_problems(pairs, corpus.items, problem_topics, corpus.measures,
                                                 corpus.metrics, matcher),
        "copied_text": copied_text(pairs, corpus.texts),
        "indicator_trends": indicator_trends(panel, corpus.metrics, corpus.documents, per_year=per_year),
    }


def analyze(corpus, *, n_topics: int | str = "auto", vectorizer: str = "words", random_state: int = 0,
            remedy_threshold: float = 0.08, min_similarity: float = 0.7,
            matcher: StatementMatcher | None = None, vocab: Vocabulary | str | Path | None = None
            ) -> dict[str, pd.DataFrame]:
    """Every analysis table of an ingested corpus, as ``fazhi analyze`` writes them (``ANALYSIS_TABLES``).

    Parameters
    ----------
    corpus : fazhi_lib.Corpus
        The ingest tables.
    n_topics, vectorizer, random_state, remedy_threshold, min_similarity
        The analysis parameters (``PARAMETERS``), passed to ``topics.analyze``.
    matcher : followup.StatementMatcher, optional
        Passed to ``year_over_year``.
    vocab : Vocabulary or folder, optional
        A researcher's vocabularies overlaid on the packaged ones (topic concepts, stopwords, indicators …).

    Returns
    -------
    Analysis
        The tables by name, with the parameters that made them and what the topic model learned.
    """
    model = topics.TopicModel(n_topics, random_state=random_state)
    with using(vocab):
        tables = topics.analyze(corpus, vectorizer=vectorizer, remedy_threshold=remedy_threshold,
                                min_similarity=min_similarity, model=model)
        tables.update(year_over_year(corpus, tables["problem_topics"], matcher))
    params = {"n_topics": n_topics, "vectorizer": vectorizer, "random_state": random_state,
              "remedy_threshold": remedy_threshold, "min_similarity": min_similarity}
    return Analysis(tables, params, False, learned=learned(model))


def learned(model: topics.TopicModel) -> dict[str, Any]:
    """What the topic model learned, as plain values for the manifest: the number of topics and, when it was
    chosen, the silhouette of every k tried."""
    fitted = hasattr(model, "n_topics_")
    return {"k_": int(model.k_) if fitted else 0, "n_topics_": int(model.n_topics_) if fitted else 0,
            "silhouettes_": model.silhouettes_.to_dict("records") if fitted else []}


def with_defaults(parameters: Mapping[str, Any] | None) -> dict[str, Any]:
    """Every analysis parameter: those given (the ones ``PARAMETERS`` names; others are not the analysis's), the
    rest at their defaults."""
    given = {k: v for k, v in (parameters or {}).items() if k in PARAMETERS}
    return {**PARAMETERS, **given}


class Analysis(dict):
    """The analysis tables by name, with ``parameters`` (those that made them), ``from_files`` (read from a tables
    folder, or computed now) and ``learned`` (``n_topics_``, the number of topics, and ``silhouettes_``, the mean
    silhouette of every k tried when it was chosen)."""

    def __init__(self, tables: Mapping[str, pd.DataFrame], parameters: Mapping[str, Any], from_files: bool,
                 learned: Mapping[str, Any] | None = None):
        super().__init__(tables)
        self.parameters = dict(parameters)
        self.from_files = from_files
        self.learned = dict(learned or {})

    def silhouettes(self) -> pd.DataFrame:
        """The mean silhouette of every number of topics tried (columns k, silhouette; empty when k was given)."""
        return pd.DataFrame(self.learned.get("silhouettes_", []), columns=["k", "silhouette"])

    def parameter_text(self) -> str:
        """The parameters as a reader sees them: ``n_topics='auto', vectorizer='words', …``."""
        return ", ".join(f"`{k}={v!r}`" for k, v in self.parameters.items())

    def describe(self) -> str:
        """One line saying where the tables come from and with which parameters."""
        where = "read from the tables folder" if self.from_files else "computed now (the tables folder holds none "\
            "made with these parameters from its current tables)"
        return f"analysis tables {where}; parameters: {self.parameter_text()}"


def current_analysis(folder: str | Path, parameters: Mapping[str, Any] | None = None,
                     vocab: Vocabulary | str | Path | None = None) -> Analysis | None:
    """The analysis tables of ``folder`` when they are current (computed from its ingest tables as they are, with
    ``vocab``) and, for the parameters given, were computed with those; None otherwise."""
    path = store.resolve_path(folder)
    recorded = analysis_parameters(path, as_vocabulary(vocab))
    if recorded is None:
        return None
    wanted = {**with_defaults(recorded), **{k: v for k, v in (parameters or {}).items() if k in PARAMETERS}}
    if with_defaults(recorded) != wanted:
        return None
    return Analysis(store.read(path, ANALYSIS_TABLES), with_defaults(recorded), True,
                    read_manifest(path)["analysis"].get("learned"))


def analyze_to(folder: str | Path, parameters: Mapping[str, Any] | None = None, *, csv: bool = False,
               vocab: Vocabulary | str | Path | None = None) -> Analysis:
    """Analyze the ingest tables of ``folder`` and write the analysis tables beside them, with the parameters in its
    manifest (``fazhi_lib.manifest.record_analysis``).

    Raises
    ------
    store.TablesNotFound
        When ``folder`` lacks an ingest table.
    """
    params = with_defaults(parameters)
    vocab = as_vocabulary(vocab)
    tables = analyze(store.load(folder), **params, vocab=vocab)
    store.write_tables(tables, store.resolve_path(folder), csv=csv)
    record_analysis(store.resolve_path(folder), params, vocab, learned=tables.learned)
    return tables
