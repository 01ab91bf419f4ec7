"""Follow-up across consecutive reports of one jurisdiction: plans carried out, problems that come back, copied text.

Were last year's plans carried out, do the same problems come back, how much text is copied from one year to the
next?

The reports of a panel (``fazhi_lib.panels``) are read in pairs, each report with the next one
(``panels.report_pairs``):

- ``promises``: each plan item (part ``plans``) against the work-done items of the next report (parts ``DONE_PARTS``:
  measures, effects, leader_duty). The best match carries the plan out when its score reaches the matcher's
  ``kept_threshold`` — unless the plan is restated as next year's plan (the same text, up to punctuation and numbers),
  which says it is still to be done.
- ``recurring_problems``: each problem item against the next report's problem items: the same problem again when the
  score reaches ``recurring_threshold`` or the texts are the same up to punctuation and numbers (``verbatim``).
- ``copied_text``: the share of the next report's sentence segments that stand in the earlier report, up to
  punctuation and numbers.

``StatementMatcher`` holds how statements are compared, in scikit-learn style: its parameters are set when it is
made, ``fit`` learns the vocabularies and weights from a corpus's statements, and its methods score pairs of
statements. The score of a pair is a weighted sum of four similarities, each between 0 and 1:

1. **words**: cosine of TF-IDF vectors of the project's tokens (``topics.statement_words``: jieba with the mechanism
   lexicon, without boilerplate and problem/plan marker words, synonyms mapped to one concept), after the phrasings
   of one piece of work in ``vocab/followup_phrases.csv`` are read as one (拉网式 and 地毯式 排查, 送法下乡 and
   法律进村入户), so that a plan carried out in other words still shares its words;
2. **characters**: cosine of TF-IDF vectors of character 3-grams of the text without punctuation and numbers,
   which catches phrases the tokenizer cuts differently;
3. **mechanisms**: the share of the plan's named mechanisms (the ``measures`` table: 一岗双责, 法律明白人 …) that the
   other item names too, each weighted by its inverse document frequency (a mechanism every report names says
   little);
4. **indicators**: the same share for the canonical indicators of the items' numbers (the ``metrics`` table).

The defaults were set on the synthetic panels of ``synthetic.generate`` and checked on hand-written next-year
reports of real seed reports (``tests/data/followup/``); ``benchmarks/followup.py`` prints precision and
recall. Everything here except the matcher's ``fit`` is a pure function of DataFrames.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.preprocessing import normalize

from fazhi_lib.schema import COPIED_COLUMNS, PROMISE_COLUMNS, RECURRING_COLUMNS
from fazhi_lib.topics import segments, statement_words
from fazhi_lib.vocabulary import per_vocabulary, read_rows

__all__ = [
    "COPIED_COLUMNS",
    "DONE_PARTS",
    "PROMISE_COLUMNS",
    "RECURRING_COLUMNS",
    "StatementMatcher",
    "copied_text",
    "normalized",
    "promises",
    "recurring_problems",
    "same_sentence",
    "same_work",
]

#: Parts of a report that tell what was done in its period: where last year's plans are looked for.
DONE_PARTS = ("measures", "effects", "leader_duty")

#: What "up to punctuation and numbers" leaves out: punctuation, symbols, white space, digits and Chinese numerals.
_NOT_COMPARED = re.compile(r"[\W_\d〇零一二三四五六七八九十百千万亿两]+")


def normalized(text: object) -> str:
    """The text as compared "up to punctuation and numbers".

    Punctuation, symbols, white space, digits and Chinese numerals are left out, so 2024年受理纠纷903件。 and
    2025年,受理纠纷1,021件 are the same.

    Parameters
    ----------
    text : object
        A statement or sentence; anything that is not a string (None, NaN) counts as the empty text.

    Returns
    -------
    str
        The text without punctuation, symbols, white space, digits and Chinese numerals.
    """
    return _NOT_COMPARED.sub("", text if isinstance(text, str) else "")


@per_vocabulary
def _phrases() -> tuple[re.Pattern[str], dict[str, str]]:
    """The pattern of every phrase of ``vocab/followup_phrases.csv`` (longest first) and the canonical of each."""
    canonical = {}
    for row in read_rows("followup_phrases.csv"):
        for phrase in [row["canonical"], *(row.get("variants") or "").split("|")]:
            if phrase.strip():
                canonical.setdefault(phrase.strip(), row["canonical"])
    return re.compile("|".join(map(re.escape, sorted(canonical, key=len, reverse=True)))), canonical


def same_work(text: str) -> str:
    """``text`` with each phrasing of ``vocab/followup_phrases.csv`` read as its canonical phrase.

    So that a piece of work said in other words still shares its words: 地毯式排查 → 全面排查排查, 法律进村入户 →
    送法下乡. Longer phrasings are replaced first.

    Parameters
    ----------
    text : str
        A statement.

    Returns
    -------
    str
        The statement with every phrasing replaced by its canonical phrase.
    """
    pattern, canonical = _phrases()
    return pattern.sub(lambda m: canonical[m.group()], text)


def _work_words(text: str) -> list[str]:
    """The tokens a statement is compared by (``topics.statement_words`` of ``same_work(text)``)."""
    return statement_words(same_work(text))


def _trigrams(text: str) -> list[str]:
    s = normalized(text)
    return [s[i:i + 3] for i in range(len(s) - 2)] or ([s] if s else [])


def _sentences(text: str, min_chars: int) -> list[str]:
    """The sentence segments of ``text`` as compared "up to punctuation and numbers", those of at least
    ``min_chars`` characters."""
    return [n for n in (normalized(seg) for _, seg in segments(text, min_chars)) if len(n) >= min_chars]


def same_sentence(a: str, b: str, *, threshold: float = 0.85, min_length_ratio: float = 0.6) -> bool:
    """Whether two sentence segments say the same up to a few words.

    They do when the characters they share in order (``difflib``'s matching blocks) make up ``threshold`` of the
    shorter one, and the shorter is at least ``min_length_ratio`` of the longer (a short phrase inside a long
    sentence is not the sentence).

    Parameters
    ----------
    a, b : str
        The two segments, as compared "up to punctuation and numbers" (``normalized``).
    threshold : float, default 0.85
        Share of the shorter segment's characters that must stand, in order, in the other.
    min_length_ratio : float, default 0.6
        Shortest length of the shorter segment, as a share of the longer one's.

    Returns
    -------
    bool
        True when the two segments are the same sentence up to a few words.
    """
    short, long_ = sorted((a, b), key=len)
    if not short or len(short) < min_length_ratio * len(long_):
        return False
    matcher = difflib.SequenceMatcher(None, short, long_, autojunk=False)
    if matcher.quick_ratio() * (len(short) + len(long_)) < 2 * threshold * len(short):  # an upper bound
        return False
    return sum(block.size for block in matcher.get_matching_blocks()) >= threshold * len(short)


class _Memo:
    """An analyzer that remembers its last texts' tokens: ``fit`` and ``transform`` of the same statements tokenize
    them once. Cleared by ``StatementMatcher.transform``."""

    def __init__(self, analyzer):
        self.analyzer = analyzer
        self.memo: dict[str, list[str]] = {}

    def __call__(self, text: str) -> list[str]:
        tokens = self.memo.get(text)
        if tokens is None:
            tokens = self.memo[text] = self.analyzer(text)
        return tokens

    def clear(self) -> None:
        self.memo.clear()


def _dense(m: sparse.csr_matrix, cols: np.ndarray) -> np.ndarray:
    """The rows of ``m`` as a dense array over the columns ``cols`` only (sorted; every non-zero of ``m`` in it)."""
    out = np.zeros((m.shape[0], len(cols)))
    rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
    out[rows, np.searchsorted(cols, m.indices)] = m.data
    return out


def _products(a: sparse.csr_matrix, b: sparse.csr_matrix) -> np.ndarray:
    """``a @ b.T`` for a few rows each, computed densely over the columns they use: a sparse product would convert
    ``b`` over the whole vocabulary (hundreds of thousands of columns) for every pair of reports."""
    cols = np.union1d(a.indices, b.indices)
    return _dense(a, cols) @ _dense(b, cols).T


@dataclass
class _Vectors:
    """The statements of an items table as the matcher sees them (rows in the table's order)."""

    item_ids: np.ndarray
    words: sparse.csr_matrix  # L2-normalised TF-IDF of tokens
    chars: sparse.csr_matrix  # L2-normalised TF-IDF of character 3-grams
    shingles: sparse.csr_matrix  # binary character 3-grams of the normalized text (those seen in fit)
    n_shingles: np.ndarray  # number of distinct 3-grams of each statement (seen in fit or not)
    mechanisms: sparse.csr_matrix  # mechanism terms, weighted by idf
    indicators: sparse.csr_matrix  # canonical indicators, weighted by idf

    def rows(self, idx: slice | np.ndarray) -> _Vectors:
        return _Vectors(self.item_ids[idx], self.words[idx], self.chars[idx], self.shingles[idx],
                        self.n_shingles[idx], self.mechanisms[idx], self.indicators[idx])


class StatementMatcher:
    """Scores how closely a statement of one report is taken up by a statement of the next report.

    Parameters
    ----------
    word_weight, char_weight, mechanism_weight, indicator_weight : float, optional
        Weights of the four similarities in the score (see the module docstring); they need not sum to 1
        (defaults 0.75, 0.25, 0.15 and 0.05).
    kept_threshold : float, default 0.14
        Lowest score of a plan item and a work-done item of the next report for the plan to count as carried out.
    recurring_threshold : float, default 0.45
        Lowest score of two problem items for the problem to count as the same problem again.
    verbatim_threshold : float, default 0.9
        Share of the shorter statement's character 3-grams (without punctuation and numbers) found in the other
        from which two statements are the same text (a problem repeated word for word).
    restated_threshold : float, default 0.7
        Jaccard similarity of the character 3-grams from which a plan counts as restated as next year's plan.
    sentence_threshold : float, default 0.85
        A problem also comes back when one of its sentence segments stands again in a problem of the next report,
        up to a few words: when the characters the two segments have in common, in order, make up
        ``sentence_threshold`` of the shorter one, and neither is much longer than the other (see
        ``same_sentence``). Reports often keep one sentence of a shortcoming and rewrite the rest, so that the whole
        items score low.
    min_sentence_chars : int, default 12
        Shortest sentence segment compared so, in characters without punctuation and numbers.

    Attributes
    ----------
    words_ : TfidfVectorizer
        The fitted word vectorizer (inspect ``get_feature_names_out()``).
    trigrams_, chars_ : CountVectorizer, TfidfTransformer
        The character 3-grams seen in fit and their TF-IDF weights.
    mechanism_idf_, indicator_idf_ : dict
        Inverse document frequency of each mechanism and canonical indicator in the fitted corpus.
    """

    def __init__(self, *, word_weight: float = 0.75, char_weight: float = 0.25, mechanism_weight: float = 0.15,
                 indicator_weight: float = 0.05, kept_threshold: float = 0.14, recurring_threshold: float = 0.45,
                 verbatim_threshold: float = 0.9, restated_threshold: float = 0.7, sentence_threshold: float = 0.85,
                 min_sentence_chars: int = 12):
        self.word_weight = word_weight
        self.char_weight = char_weight
        self.mechanism_weight = mechanism_weight
        self.indicator_weight = indicator_weight
        self.kept_threshold = kept_threshold
        self.recurring_threshold = recurring_threshold
        self.verbatim_threshold = verbatim_threshold
        self.restated_threshold = restated_threshold
        self.sentence_threshold = sentence_threshold
        self.min_sentence_chars = min_sentence_chars

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not k.endswith("_"))
        return f"StatementMatcher({params})"

    # ---- learning ---------------------------------------------------------------------------------------------

    def fit(self, items: pd.DataFrame, measures: pd.DataFrame | None = None,
            metrics: pd.DataFrame | None = None) -> StatementMatcher:
        """Learn the vocabularies and weights from a corpus's statements.

        Parameters
        ----------
        items : pandas.DataFrame
            The `items` table (doc_id, item_id, text): the statements whose words and mechanisms are weighted; one
            word found in every statement weighs little.
        measures, metrics : pandas.DataFrame, optional
            The corpus's `measures` table (doc_id, item_id, term) and `metrics` table (doc_id, item_id,
            canonical_indicator): mechanisms and canonical indicators are weighted by the number of reports naming
            them. Without them the mechanism and indicator similarities are 0.

        Returns
        -------
        StatementMatcher
            ``self``, fitted.
        """
        texts = items["text"].fillna("").astype(str).tolist() or [""]
        self.words_ = TfidfVectorizer(analyzer=_Memo(_work_words), sublinear_tf=True).fit(texts)
        self.trigrams_ = CountVectorizer(analyzer=_Memo(_trigrams), dtype=np.float64)
        self.chars_ = TfidfTransformer(sublinear_tf=True).fit(self.trigrams_.fit_transform(texts))
        n_docs = max(items["doc_id"].nunique(), 1)
        self.mechanism_idf_ = _idf(measures, "term", n_docs)
        self.indicator_idf_ = _idf(metrics, "canonical_indicator", n_docs)
        return self

    def transform(self, items: pd.DataFrame, measures: pd.DataFrame | None = None,
                  metrics: pd.DataFrame | None = None) -> _Vectors:
        """The statements of ``items`` (rows in order) as vectors, with their mechanisms and indicators.

        Parameters
        ----------
        items : pandas.DataFrame
            Rows of the `items` table (doc_id, item_id, text): the statements to compare.
        measures, metrics : pandas.DataFrame, optional
            The corpus's `measures` and `metrics` tables, for the mechanisms and canonical indicators each item
            names (those not seen in ``fit`` are left out).

        Returns
        -------
        _Vectors
            The vectors of the statements, one row per row of ``items``, for ``scores`` and ``shared_terms``.

        Raises
        ------
        ValueError
            When the matcher is not fitted yet.
        """
        self._check_fitted()
        texts = items["text"].fillna("").astype(str).tolist()
        ids = items["item_id"].to_numpy()
        counts = self.trigrams_.transform(texts).tocsr()
        vectors = _Vectors(ids, normalize(self.words_.transform(texts)).tocsr(),
                           normalize(self.chars_.transform(counts)).tocsr(), (counts > 0).astype(np.float64),
                           np.array([len(set(self.trigrams_.analyzer(t))) for t in texts], dtype=np.float64),
                           _weighted_sets(ids, measures, "term", self.mechanism_idf_),
                           _weighted_sets(ids, metrics, "canonical_indicator", self.indicator_idf_))
        for memo in (self.words_.analyzer, self.trigrams_.analyzer):
            memo.clear()  # the tokens were kept from fit for this transform only
        return vectors

    def _check_fitted(self) -> None:
        if not hasattr(self, "words_"):
            raise ValueError("this StatementMatcher is not fitted yet: call fit(items, measures, metrics) first")

    # ---- scoring ----------------------------------------------------------------------------------------------

    def scores(self, a: _Vectors, b: _Vectors) -> dict[str, np.ndarray]:
        """Similarities of every statement of ``a`` (rows) to every statement of ``b`` (columns).

        Parameters
        ----------
        a, b : _Vectors
            Statements as ``transform`` gives them.

        Returns
        -------
        dict of str to numpy.ndarray
            Matrices of ``len(a)`` rows and ``len(b)`` columns, by name: words, chars, mechanisms, indicators
            (shares of ``a``'s mechanisms and indicators found in ``b``), score (their weighted sum), containment
            (share of the shorter statement's 3-grams found in the other) and jaccard (of the 3-grams).
        """
        words = _products(a.words, b.words)
        chars = _products(a.chars, b.chars)
        mech = _coverage(a.mechanisms, b.mechanisms)
        ind = _coverage(a.indicators, b.indicators)
        inter = _products(a.shingles, b.shingles)
        size_a, size_b = a.n_shingles[:, None], b.n_shingles[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            containment = np.nan_to_num(inter / np.minimum(size_a, size_b))
            jaccard = np.nan_to_num(inter / (size_a + size_b - inter))
        score = (self.word_weight * words + self.char_weight * chars + self.mechanism_weight * mech
                 + self.indicator_weight * ind)
        return {"words": words, "chars": chars, "mechanisms": mech, "indicators": ind, "score": score,
                "containment": containment, "jaccard": jaccard}

    def sentence_again(self, a_texts: list[str], b_texts: list[str]) -> np.ndarray:
        """Whether statement ``i`` of ``a_texts`` (rows) and ``j`` of ``b_texts`` (columns) share a sentence segment.

        Segments are compared up to punctuation, numbers and a few words (see ``sentence_threshold`` and
        ``same_sentence``); only those of at least ``min_sentence_chars`` characters count.

        Parameters
        ----------
        a_texts, b_texts : list of str
            The texts of the statements of two reports.

        Returns
        -------
        numpy.ndarray
            Booleans, one row per text of ``a_texts`` and one column per text of ``b_texts``.
        """
        a_segs = [_sentences(t, self.min_sentence_chars) for t in a_texts]
        b_segs = [_sentences(t, self.min_sentence_chars) for t in b_texts]
        out = np.zeros((len(a_segs), len(b_segs)), dtype=bool)
        for i, sa in enumerate(a_segs):
            for j, sb in enumerate(b_segs):
                out[i, j] = any(same_sentence(x, y, threshold=self.sentence_threshold) for x in sa for y in sb)
        return out

    def shared_terms(self, a: _Vectors, i: int, b: _Vectors, j: int, *, n_words: int = 6) -> str:
        """The evidence that statement ``i`` of ``a`` and ``j`` of ``b`` say the same.

        Parameters
        ----------
        a : _Vectors
            Statements as ``transform`` gives them.
        i : int
            The row of one statement in ``a``.
        b : _Vectors
            Statements as ``transform`` gives them.
        j : int
            The row of the other statement in ``b``.
        n_words : int, default 6
            The most words given (single characters are never given: they say little).

        Returns
        -------
        str
            The mechanisms (机制：…) and canonical indicators (指标：…) both name and the words (词语：…) that weigh
            most in both, joined by ；; empty when they share nothing.
        """
        parts, named = [], set()
        for label, x, y, vocab in (("机制", a.mechanisms, b.mechanisms, sorted(self.mechanism_idf_)),
                                   ("指标", a.indicators, b.indicators, sorted(self.indicator_idf_))):
            cols, weight = _shared(x, i, y, j)
            if len(cols):
                names = [vocab[c] for c in cols[np.argsort(-weight, kind="stable")]]
                named.update(names)
                parts.append(f"{label}：" + "、".join(names))
        cols, weight = _shared(a.words, i, b.words, j)
        if len(cols):
            terms = self._terms()
            words = [t for t in (terms[c] for c in cols[np.argsort(-weight, kind="stable")])
                     if len(t) > 1 and t not in named]  # a single character says little
            if words:
                parts.append("词语：" + "、".join(words[:n_words]))
        return "；".join(parts)

    def _terms(self) -> np.ndarray:
        if getattr(self, "_term_names", None) is None:
            self._term_names = self.words_.get_feature_names_out()
        return self._term_names


def _idf(table: pd.DataFrame | None, column: str, n_docs: int) -> dict[str, float]:
    """Smoothed inverse document frequency of each value of ``column`` (as TfidfVectorizer computes it)."""
    if table is None or table.empty or column not in table.columns:
        return {}
    df = table.dropna(subset=[column]).groupby(column)["doc_id"].nunique()
    return {str(k): float(np.log((1 + n_docs) / (1 + v)) + 1) for k, v in sorted(df.items())}


def _weighted_sets(item_ids: np.ndarray, table: pd.DataFrame | None, column: str,
                   idf: dict[str, float]) -> sparse.csr_matrix:
    """One row per item: the idf of each value of ``column`` the item names (terms in sorted order of ``idf``)."""
    vocab = {t: k for k, t in enumerate(sorted(idf))}
    shape = (len(item_ids), max(len(vocab), 1))
    if table is None or table.empty or not vocab:
        return sparse.csr_matrix(shape)
    row_of = {item: r for r, item in enumerate(item_ids)}
    table = table[table["item_id"].isin(row_of)]
    pairs = {(row_of[i], vocab[t]) for i, t in zip(table["item_id"], table[column], strict=True)
             if isinstance(t, str) and t in vocab}
    if not pairs:
        return sparse.csr_matrix(shape)
    rows, cols = zip(*sorted(pairs), strict=True)
    names = sorted(idf)
    data = [idf[names[c]] for c in cols]
    return sparse.csr_matrix((data, (rows, cols)), shape=shape)


def _shared(a: sparse.csr_matrix, i: int, b: sparse.csr_matrix, j: int) -> tuple[np.ndarray, np.ndarray]:
    """The columns row ``i`` of ``a`` and row ``j`` of ``b`` both hold, and the product of their weights."""
    ca, da = a.indices[a.indptr[i]:a.indptr[i + 1]], a.data[a.indptr[i]:a.indptr[i + 1]]
    cb, db = b.indices[b.indptr[j]:b.indptr[j + 1]], b.data[b.indptr[j]:b.indptr[j + 1]]
    cols, ia, ib = np.intersect1d(ca, cb, assume_unique=True, return_indices=True)
    return cols, da[ia] * db[ib]


def _coverage(a: sparse.csr_matrix, b: sparse.csr_matrix) -> np.ndarray:
    """Share of each row of ``a``'s weight that the rows of ``b`` also hold (0 for a row of ``a`` without any)."""
    if not a.nnz or not b.nnz:
        return np.zeros((a.shape[0], b.shape[0]))
    shared = _products(a, (b > 0).astype(np.float64))
    total = np.asarray(a.sum(axis=1)).ravel()[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.nan_to_num(shared / total)


# ---- the tables -------------------------------------------------------------------------------------------------


def _statements(items: pd.DataFrame, doc_ids: Iterable[str], parts: tuple[str, ...]) -> pd.DataFrame:
    """The items of ``parts`` of the given reports, those of one report and kind (``_kind``: plans, done or
    problems) next to each other, in their order in the report."""
    wanted = set(doc_ids)
    out = items[items["doc_id"].isin(wanted) & items["part"].isin(parts)].copy()
    out["_kind"] = np.where(out["part"].isin(DONE_PARTS), "done", out["part"])
    out["_order"] = np.arange(len(out))
    return out.sort_values(["doc_id", "_kind", "_order"], kind="stable").reset_index(drop=True)


def _blocks(stmts: pd.DataFrame) -> dict[tuple[str, str], slice]:
    """The rows of each (report, kind) of ``_statements``, as slices (cheap to cut out of a sparse matrix)."""
    keys = list(zip(stmts["doc_id"], stmts["_kind"], strict=True))
    out: dict[tuple[str, str], slice] = {}
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            out[keys[start]] = slice(start, i)
            start = i
    return out


def _fitted(matcher: StatementMatcher | None, items: pd.DataFrame, measures: pd.DataFrame | None,
            metrics: pd.DataFrame | None) -> StatementMatcher:
    matcher = matcher or StatementMatcher()
    if not hasattr(matcher, "words_"):
        matcher.fit(items, measures, metrics)
    return matcher


def promises(pairs: pd.DataFrame, items: pd.DataFrame, *, measures: pd.DataFrame | None = None,
             metrics: pd.DataFrame | None = None, matcher: StatementMatcher | None = None) -> pd.DataFrame:
    """Each plan item of a report, with the work-done item of the next report that carries it out.

    Parameters
    ----------
    pairs : pandas.DataFrame
        Consecutive reports (``panels.report_pairs``: doc_id, next_doc_id).
    items : pandas.DataFrame
        The `items` table (doc_id, item_id, part, text): the plan items and the work-done items (parts
        ``DONE_PARTS``) of the paired reports.
    measures, metrics : pandas.DataFrame, optional
        The corpus's `measures` and `metrics` tables: without them only wording counts.
    matcher : StatementMatcher, optional
        Fitted here on the statements of the paired reports when it is not fitted yet; by default one with the
        default parameters.

    Returns
    -------
    pandas.DataFrame
        One row per plan item of a report that has a next report, columns ``PROMISE_COLUMNS``: the best work-done
        item of the next report (``next_item_id``, None when the next report has none or the best scores below
        ``kept_threshold``) and its ``similarity`` (score); ``kept``; ``evidence`` (the shared mechanisms,
        indicators and words, or the restatement); ``restated_item_id``, the plan item of the next report that
        restates it (None when none).
    """
    if pairs.empty:
        return _typed(pd.DataFrame(columns=PROMISE_COLUMNS), {"similarity": "float64", "kept": "bool"})
    docs = set(pairs["doc_id"]) | set(pairs["next_doc_id"])
    stmts = _statements(items, docs, ("plans", *DONE_PARTS))
    matcher = _fitted(matcher, stmts, measures, metrics)
    vec = matcher.transform(stmts, measures, metrics)
    of_doc = _blocks(stmts)  # positions in stmts, as in vec
    rows = []
    for doc, nxt in zip(pairs["doc_id"], pairs["next_doc_id"], strict=True):
        plan_idx = of_doc.get((doc, "plans"))
        if plan_idx is None:
            continue
        rows.extend(_promise_rows(matcher, vec, plan_idx, of_doc.get((nxt, "done")), of_doc.get((nxt, "plans")),
                                  doc, nxt))
    out = pd.DataFrame(rows, columns=PROMISE_COLUMNS)
    return _typed(out, {"similarity": "float64", "kept": "bool"})


def _promise_rows(matcher: StatementMatcher, vec: _Vectors, plan_idx: slice, done_idx: slice | None,
                  next_plan_idx: slice | None, doc: str, nxt: str) -> list[tuple]:
    plans = vec.rows(plan_idx)
    n = len(plans.item_ids)
    restated = np.full(n, -1)
    if next_plan_idx is not None:
        next_plans = vec.rows(next_plan_idx)
        again = matcher.scores(plans, next_plans)["jaccard"]
        best = again.argmax(axis=1)
        hit = again[np.arange(n), best] >= matcher.restated_threshold
        restated = np.where(hit, best, -1)
    if done_idx is not None:
        done = vec.rows(done_idx)
        score = matcher.scores(plans, done)["score"]
        best = score.argmax(axis=1)
    rows = []
    for r in range(n):
        again_id = next_plans.item_ids[restated[r]] if restated[r] >= 0 else None
        if done_idx is None:
            rows.append((doc, plans.item_ids[r], nxt, None, 0.0, False, "", again_id))
            continue
        sim = float(score[r, best[r]])
        found = sim >= matcher.kept_threshold
        evidence = matcher.shared_terms(plans, r, done, best[r]) if found else ""
        if again_id is not None:
            evidence = "原样列为下一年度计划" + (f"；{evidence}" if evidence else "")
        rows.append((doc, plans.item_ids[r], nxt, done.item_ids[best[r]] if found else None, round(sim, 6),
                     bool(found and again_id is None), evidence, again_id))
    return rows


def recurring_problems(pairs: pd.DataFrame, items: pd.DataFrame, *, problem_topics: pd.DataFrame | None = None,
                       measures: pd.DataFrame | None = None, metrics: pd.DataFrame | None = None,
                       matcher: StatementMatcher | None = None) -> pd.DataFrame:
    """Each problem a report names, with the problem of the next report that states it again.

    Parameters
    ----------
    pairs : pandas.DataFrame
        Consecutive reports (``panels.report_pairs``: doc_id, next_doc_id).
    items : pandas.DataFrame
        The `items` table (doc_id, item_id, part, text): the problem items of the paired reports.
    problem_topics : pandas.DataFrame, optional
        The topic of each problem statement (``topics.problem_topics``: item_id, topic), for ``same_topic``;
        without it ``same_topic`` is False.
    measures, metrics : pandas.DataFrame, optional
        The corpus's `measures` and `metrics` tables: without them only wording counts.
    matcher : StatementMatcher, optional
        Fitted here on the paired reports' problem statements when it is not fitted yet; by default one with the
        default parameters.

    Returns
    -------
    pandas.DataFrame
        One row per problem item of a report that has a next report, columns ``RECURRING_COLUMNS``:
        ``next_item_id`` is the problem of the next report that states it again (None when none does: no score
        reaches ``recurring_threshold`` and no text is the same), each problem of the next report taken once, the
        most similar pairs first; ``similarity`` the score of the best pair; ``verbatim`` whether the two are the
        same text up to punctuation and numbers; ``same_topic`` whether the next report names a problem of the
        same topic.
    """
    if pairs.empty:
        return _typed(pd.DataFrame(columns=RECURRING_COLUMNS),
                      {"similarity": "float64", "verbatim": "bool", "same_topic": "bool"})
    docs = set(pairs["doc_id"]) | set(pairs["next_doc_id"])
    stmts = _statements(items, docs, ("problems",))
    matcher = _fitted(matcher, stmts, measures, metrics)
    vec = matcher.transform(stmts, measures, metrics)
    texts = stmts["text"].fillna("").astype(str).to_numpy()
    of_doc = {doc: rows for (doc, _), rows in _blocks(stmts).items()}
    topic = {} if problem_topics is None else dict(zip(problem_topics["item_id"], problem_topics["topic"],
                                                       strict=True))
    rows = []
    for doc, nxt in zip(pairs["doc_id"], pairs["next_doc_id"], strict=True):
        old_idx = of_doc.get(doc)
        if old_idx is None:
            continue
        new_idx = of_doc.get(nxt)
        if new_idx is None:
            rows.extend((doc, item, nxt, None, 0.0, False, False) for item in vec.item_ids[old_idx])
            continue
        again = matcher.sentence_again(texts[old_idx], texts[new_idx])
        rows.extend(_recurring_rows(matcher, vec.rows(old_idx), vec.rows(new_idx), again, doc, nxt, topic))
    out = pd.DataFrame(rows, columns=RECURRING_COLUMNS)
    return _typed(out, {"similarity": "float64", "verbatim": "bool", "same_topic": "bool"})


def _recurring_rows(matcher: StatementMatcher, old: _Vectors, new: _Vectors, again: np.ndarray, doc: str, nxt: str,
                    topic: dict) -> list[tuple]:
    s = matcher.scores(old, new)
    verbatim = s["containment"] >= matcher.verbatim_threshold
    score = s["score"]
    # greedy one-to-one: word-for-word repeats first, then problems sharing a sentence, then the highest scores
    order = sorted((not verbatim[i, j], not again[i, j], -score[i, j], i, j) for i in range(score.shape[0])
                   for j in range(score.shape[1]))
    match: dict[int, int] = {}
    taken: set[int] = set()
    for not_verbatim, not_again, neg, i, j in order:
        if i in match or j in taken or (not_verbatim and not_again and -neg < matcher.recurring_threshold):
            continue
        match[i] = j
        taken.add(j)
    next_topics = {topic.get(x) for x in new.item_ids} - {None}
    rows = []
    for i, item in enumerate(old.item_ids):
        j = match.get(i)
        best = float(score[i].max()) if j is None else float(score[i, j])
        rows.append((doc, item, nxt, None if j is None else new.item_ids[j], round(best, 6),
                     bool(j is not None and verbatim[i, j]), topic.get(item) in next_topics))
    return rows


def copied_text(pairs: pd.DataFrame, texts: pd.DataFrame, min_chars: int = 12) -> pd.DataFrame:
    """How much of each report is copied from the jurisdiction's previous report.

    Parameters
    ----------
    pairs : pandas.DataFrame
        Consecutive reports (``panels.report_pairs``: panel_id, doc_id, next_doc_id, year_end, next_year_end).
    texts : pandas.DataFrame
        The `texts` table (doc_id, text).
    min_chars : int, default 12
        Shortest sentence segment counted (as ``topics.segments``).

    Returns
    -------
    pandas.DataFrame
        One row per pair, columns ``COPIED_COLUMNS``: the next report's number of sentence segments, how many of
        them stand in the earlier report up to punctuation and numbers, and that share.
    """
    wanted = set(pairs["doc_id"]) | set(pairs["next_doc_id"])
    segs = {d: [normalized(s) for _, s in segments(t or "", min_chars)]
            for d, t in zip(texts["doc_id"], texts["text"], strict=True) if d in wanted}
    rows = []
    for r in pairs.itertuples():
        before = set(segs.get(r.doc_id, ()))
        after = segs.get(r.next_doc_id, [])
        copied = sum(1 for s in after if s in before)
        rows.append((r.panel_id, r.doc_id, r.next_doc_id, r.year_end, r.next_year_end, len(after), copied,
                     copied / len(after) if after else 0.0))
    out = pd.DataFrame(rows, columns=COPIED_COLUMNS)
    return _typed(out, {"year_end": "int64", "next_year_end": "int64", "segments": "int64", "copied": "int64",
                        "share": "float64"})


def _typed(frame: pd.DataFrame, dtypes: dict[str, str]) -> pd.DataFrame:
    return frame.astype(dtypes).reset_index(drop=True)
