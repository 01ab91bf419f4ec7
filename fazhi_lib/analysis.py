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

import pandas as pd

from fazhi_lib import topics
from fazhi_lib.followup import DONE_PARTS, StatementMatcher, copied_text, promises, recurring_problems
from fazhi_lib.panels import link_panels, report_pairs
from fazhi_lib.trends import indicator_trends

__all__ = ["ANALYSIS_TABLES", "YEAR_OVER_YEAR_TABLES", "analyze", "year_over_year"]

YEAR_OVER_YEAR_TABLES = ("panel", "promises", "recurring_problems", "copied_text", "indicator_trends")
#: The tables ``fazhi analyze`` writes beside the ingest tables.
ANALYSIS_TABLES = ("problem_topics", "topics", "remedies", "shared_sentences", *YEAR_OVER_YEAR_TABLES)


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


def analyze(corpus, k: int | str = "auto", vectorizer: str = "words", random_state: int = 0,
            remedy_threshold: float = 0.08, min_similarity: float = 0.7,
            matcher: StatementMatcher | None = None) -> dict[str, pd.DataFrame]:
    """Every analysis table of an ingested corpus, as ``fazhi analyze`` writes them (``ANALYSIS_TABLES``).

    The arguments up to ``min_similarity`` go to ``topics.analyze``; ``matcher`` to ``year_over_year``."""
    tables = topics.analyze(corpus, k=k, vectorizer=vectorizer, random_state=random_state,
                            remedy_threshold=remedy_threshold, min_similarity=min_similarity)
    tables.update(year_over_year(corpus, tables["problem_topics"], matcher))
    return tables
