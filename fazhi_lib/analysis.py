"""The analyses ``fazhi analyze`` writes: problem topics, text shared across reports and year-over-year tables.

Problem topics and text shared across reports come from ``fazhi_lib.topics``; the year-over-year tables of
jurisdictions with several reports from ``panels``, ``followup`` and ``trends``.

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


def year_over_year(corpus, problem_topics: pd.DataFrame | None = None, *, matcher: StatementMatcher | None = None,
                   per_year: bool = True) -> dict[str, pd.DataFrame]:
    """The year-over-year tables of an ingested corpus (a ``fazhi_lib.Corpus``).

    Parameters
    ----------
    corpus : fazhi_lib.Corpus
        The ingest tables.
    problem_topics : pandas.DataFrame, optional
        The topics of the problem statements (``topics.problem_topics``), for ``recurring_problems.same_topic``.
    matcher : followup.StatementMatcher, optional
        A matcher with the parameters wanted; fitted here, on the statements of the reports that have a previous
        or next report, unless it is fitted already. By default one with the default parameters.
    per_year : bool, default True
        Divide counts and money of multi-year reports by their number of years (``trends.indicator_trends``).

    Returns
    -------
    dict of str to pandas.DataFrame
        The tables ``YEAR_OVER_YEAR_TABLES`` by name: panel, promises, recurring_problems, copied_text and
        indicator_trends.
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
        "promises": promises(pairs, corpus.items, measures=corpus.measures, metrics=corpus.metrics, matcher=matcher),
        "recurring_problems": recurring_problems(pairs, corpus.items, problem_topics=problem_topics,
                                                 measures=corpus.measures, metrics=corpus.metrics, matcher=matcher),
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
    n_topics : int or "auto", default "auto"
        The number of problem topics, or "auto": the one with the best mean silhouette (``topics.TopicModel``).
    vectorizer : {"words", "chars"}, default "words"
        What problem and plan statements are compared by: the project's tokens or character 2–3-grams.
    random_state : int, default 0
        Seed of the topic model's sample and of the MinHash of shared sentences: the same tables for the same seed.
    remedy_threshold : float, default 0.08
        Lowest similarity of a problem and a plan item for the plan to count as its remedy
        (``topics.match_remedies``).
    min_similarity : float, default 0.7
        Lowest similarity of two sentence segments for them to count as shared (``topics.shared_sentences``).
    matcher : followup.StatementMatcher, optional
        Passed to ``year_over_year``.
    vocab : Vocabulary or str or pathlib.Path, optional
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
        tables.update(year_over_year(corpus, tables["problem_topics"], matcher=matcher))
    params = {"n_topics": n_topics, "vectorizer": vectorizer, "random_state": random_state,
              "remedy_threshold": remedy_threshold, "min_similarity": min_similarity}
    return Analysis(tables, params, from_files=False, learned=learned(model))


def learned(model: topics.TopicModel) -> dict[str, Any]:
    """What the topic model learned, as plain values for the manifest.

    Parameters
    ----------
    model : topics.TopicModel
        The topic model of an analysis, fitted or not.

    Returns
    -------
    dict
        ``k_`` (the number of topics chosen or asked), ``n_topics_`` (the number found) and ``silhouettes_`` (the
        mean silhouette of every k tried when it was chosen, as records of k and silhouette); zeros and an empty
        list for a model that was never fitted.
    """
    fitted = hasattr(model, "n_topics_")
    return {"k_": int(model.k_) if fitted else 0, "n_topics_": int(model.n_topics_) if fitted else 0,
            "silhouettes_": model.silhouettes_.to_dict("records") if fitted else []}


def with_defaults(parameters: Mapping[str, Any] | None) -> dict[str, Any]:
    """Every analysis parameter: those given, the rest at their defaults.

    Parameters
    ----------
    parameters : mapping of str to object, optional
        Parameters by name; only those ``PARAMETERS`` names are kept (others are not the analysis's).

    Returns
    -------
    dict
        Every parameter of ``PARAMETERS`` by name.
    """
    given = {k: v for k, v in (parameters or {}).items() if k in PARAMETERS}
    return {**PARAMETERS, **given}


class Analysis(dict):
    """The analysis tables by name, with the parameters that made them and what the topic model learned.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        The analysis tables by name (``ANALYSIS_TABLES``).
    parameters : mapping of str to object
        The analysis parameters that made them.
    from_files : bool
        Whether the tables were read from a tables folder (True) or computed now (False).
    learned : mapping of str to object, optional
        What the topic model learned (``learned``).

    Attributes
    ----------
    parameters : dict
        The parameters that made the tables.
    from_files : bool
        Read from a tables folder, or computed now.
    learned : dict
        ``n_topics_``, the number of topics, and ``silhouettes_``, the mean silhouette of every k tried when it was
        chosen.
    """

    def __init__(self, tables: Mapping[str, pd.DataFrame], parameters: Mapping[str, Any], *, from_files: bool,
                 learned: Mapping[str, Any] | None = None):
        super().__init__(tables)
        self.parameters = dict(parameters)
        self.from_files = from_files
        self.learned = dict(learned or {})

    def silhouettes(self) -> pd.DataFrame:
        """The mean silhouette of every number of topics tried.

        Returns
        -------
        pandas.DataFrame
            Columns k, silhouette: one row per number of topics tried; empty when the number was given.
        """
        return pd.DataFrame(self.learned.get("silhouettes_", []), columns=["k", "silhouette"])

    def parameter_text(self) -> str:
        """The parameters as a reader sees them.

        Returns
        -------
        str
            Each parameter as code, comma-separated: ```n_topics='auto'`, `vectorizer='words'`, …``.
        """
        return ", ".join(f"`{k}={v!r}`" for k, v in self.parameters.items())

    def describe(self) -> str:
        """One line saying where the tables come from and with which parameters.

        Returns
        -------
        str
            The line, e.g. "analysis tables read from the tables folder; parameters: …".
        """
        where = "read from the tables folder" if self.from_files else "computed now (the tables folder holds none "\
            "made with these parameters from its current tables)"
        return f"analysis tables {where}; parameters: {self.parameter_text()}"


def current_analysis(folder: str | Path, parameters: Mapping[str, Any] | None = None,
                     vocab: Vocabulary | str | Path | None = None) -> Analysis | None:
    """The analysis tables of ``folder`` when they are current and were computed with the parameters given.

    Current means computed from its ingest tables as they are, with ``vocab`` (``manifest.analysis_parameters``).

    Parameters
    ----------
    folder : str or pathlib.Path
        A tables folder; a relative path resolves with ``store.resolve_path``.
    parameters : mapping of str to object, optional
        The analysis parameters wanted (those ``PARAMETERS`` names); the others may be any.
    vocab : Vocabulary or str or pathlib.Path, optional
        The researcher's vocabularies the tables must have been computed with.

    Returns
    -------
    Analysis or None
        The tables read from ``folder``, with the parameters and what was learned as recorded; None when they are
        missing, stale or of other parameters.
    """
    path = store.resolve_path(folder)
    recorded = analysis_parameters(path, as_vocabulary(vocab))
    if recorded is None:
        return None
    wanted = {**with_defaults(recorded), **{k: v for k, v in (parameters or {}).items() if k in PARAMETERS}}
    if with_defaults(recorded) != wanted:
        return None
    return Analysis(store.read(path, ANALYSIS_TABLES), with_defaults(recorded), from_files=True,
                    learned=read_manifest(path)["analysis"].get("learned"))


def analyze_to(folder: str | Path, parameters: Mapping[str, Any] | None = None, *, csv: bool = False,
               vocab: Vocabulary | str | Path | None = None) -> Analysis:
    """Analyze the ingest tables of ``folder`` and write the analysis tables beside them.

    The parameters and what was learned are recorded in its manifest (``fazhi_lib.manifest.record_analysis``).

    Parameters
    ----------
    folder : str or pathlib.Path
        A tables folder written by ``fazhi ingest``.
    parameters : mapping of str to object, optional
        The analysis parameters (``PARAMETERS``); those not given at their defaults.
    csv : bool, default False
        Also write each table as CSV.
    vocab : Vocabulary or str or pathlib.Path, optional
        A researcher's vocabularies overlaid on the packaged ones.

    Returns
    -------
    Analysis
        The tables written, with their parameters and what the topic model learned.

    Raises
    ------
    store.TablesNotFound
        When ``folder`` lacks an ingest table.
    """
    params = with_defaults(parameters)
    vocab = as_vocabulary(vocab)
    tables = analyze(store.load(folder), **params, vocab=vocab)
    store.write_tables(tables, store.resolve_path(folder), csv=csv)
    record_analysis(store.resolve_path(folder), params, vocab=vocab, learned=tables.learned)
    return tables
