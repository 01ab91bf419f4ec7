"""Problems: topics of the problems reports admit, the plan item that answers each, and text shared across reports.

- ``problem_topics``: the leaf items of part ``problems`` are vectorised with TF-IDF (words from the project's
  tokenizer, or character n-grams) — the lead phrase weighted ``title_weight`` times, since it names the problem —
  and clustered by average-linkage agglomerative clustering on cosine distance. ``k`` is given, or chosen
  automatically as the k with the best silhouette (cosine) among 2..``max_k``. For large corpora the hierarchy is
  built on a sample of ``sample_size`` statements (drawn with ``random_state``) and every other statement joins the
  topic with the nearest centroid, so the cost grows linearly with the number of statements.
- ``match_remedies``: for each problem, the plan item of the same report with the highest cosine similarity in the
  same vector space; below ``threshold`` the problem counts as having no remedy.
- ``shared_sentences``: sentence segments (split at 。；，! ?, at least ``min_chars`` characters) that recur verbatim or
  nearly so in other reports, found with MinHash over character shingles and locality-sensitive hashing (no
  all-pairs comparison), then checked by exact Jaccard similarity.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize

from fazhi_lib.schema import REMEDY_COLUMNS, SHARED_COLUMNS, TOPIC_COLUMNS, TOPIC_TABLE_COLUMNS, readable_ids
from fazhi_lib.tokens import tokenize
from fazhi_lib.vocabulary import per_vocabulary, read_lines, read_rows


@dataclass
class ProblemSpace:
    """The fitted vector space of problem and plan statements (for notebooks: inspect ``vectorizer``).

    Attributes
    ----------
    vectorizer : sklearn.feature_extraction.text.TfidfVectorizer
        The fitted TF-IDF vectorizer (``get_feature_names_out()`` gives its terms).
    problems : pandas.DataFrame
        The problem items, in the order of the rows of ``X``.
    X : scipy.sparse.csr_matrix
        The problem statements as TF-IDF vectors, rows L2-normalised.
    """

    vectorizer: TfidfVectorizer
    problems: pd.DataFrame  # the problem items, in the order of the rows of X
    X: object  # sparse matrix of the problem statements, rows L2-normalised


def statement_text(title: str, text: str, title_weight: int = 3) -> str:
    """The text a statement is vectorised from: its lead phrase repeated ``title_weight`` times, then its text.

    Parameters
    ----------
    title : str
        The statement's lead phrase (the item's ``title``; None counts as empty).
    text : str
        The statement's text (None counts as empty).
    title_weight : int, default 3
        How many times the lead phrase is repeated: it names the problem, so its words weigh more.

    Returns
    -------
    str
        The lead phrases and the text, joined by 。.
    """
    title = title or ""
    return "。".join([title] * title_weight + [text or ""])


@per_vocabulary
def _concepts() -> dict[str, str]:
    return {w: r["concept"] for r in read_rows("concepts.csv") for w in r["words"].split("|") if w}


@per_vocabulary
def _topic_stopwords() -> frozenset[str]:
    return frozenset(read_lines("topic_stopwords.txt"))


def statement_words(text: str) -> list[str]:
    """Tokens of a problem or plan statement, as topics and remedies compare them.

    The project's tokenizer, minus words that only mark a statement as a problem or plan
    (``vocab/topic_stopwords.txt``), with synonyms mapped to one concept (``vocab/concepts.csv``).

    Parameters
    ----------
    text : str
        The statement.

    Returns
    -------
    list of str
        Its tokens in order.
    """
    concepts, drop = _concepts(), _topic_stopwords()
    return [concepts.get(w, w) for w in tokenize(text) if w not in drop]


def _words(text: str) -> list[str]:
    return statement_words(text)


def make_vectorizer(vectorizer: str = "words", min_df: int = 1) -> TfidfVectorizer:
    """TF-IDF on the project's tokens (``"words"``) or on character 2–3-grams (``"chars"``).

    Parameters
    ----------
    vectorizer : {"words", "chars"}, default "words"
        Tokens of ``statement_words``, or character 2–3-grams.
    min_df : int, default 1
        Terms found in fewer statements are left out.

    Returns
    -------
    sklearn.feature_extraction.text.TfidfVectorizer
        Unfitted, with sublinear term frequencies.

    Raises
    ------
    ValueError
        For another ``vectorizer``.
    """
    if vectorizer == "words":
        return TfidfVectorizer(analyzer=_words, sublinear_tf=True, min_df=min_df)
    if vectorizer == "chars":
        return TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True, min_df=min_df)
    raise ValueError(f"vectorizer must be 'words' or 'chars', not {vectorizer!r}")


def fit_space(items: pd.DataFrame, vectorizer: str = "words", title_weight: int = 3
              ) -> tuple[TfidfVectorizer, object, object]:
    """Fit TF-IDF on the problem and plan items of a corpus; returns (vectorizer, X_problems, X_plans).

    A corpus without problem and plan items gives an unfitted vectorizer and two empty 0 × 0 matrices, so that the
    views built on them come out empty rather than failing.

    Parameters
    ----------
    items : pandas.DataFrame
        The `items` table (part, title, text): its items of parts ``problems`` and ``plans`` are vectorised, each
        as ``statement_text``.
    vectorizer : {"words", "chars"}, default "words"
        See ``make_vectorizer``.
    title_weight : int, default 3
        See ``statement_text``.

    Returns
    -------
    vectorizer : sklearn.feature_extraction.text.TfidfVectorizer
        Fitted on the problem and plan statements together.
    X_problems : scipy.sparse.csr_matrix
        One row per problem item, in the table's order (TF-IDF rows, L2-normalised as the vectorizer makes them).
    X_plans : scipy.sparse.csr_matrix
        One row per plan item, in the table's order, likewise.
    """
    problems = items[items["part"] == "problems"]
    plans = items[items["part"] == "plans"]
    docs_p = [statement_text(t, x, title_weight) for t, x in zip(problems["title"], problems["text"], strict=True)]
    docs_q = [statement_text(t, x, title_weight) for t, x in zip(plans["title"], plans["text"], strict=True)]
    vec = make_vectorizer(vectorizer, min_df=1)
    if not docs_p and not docs_q:  # nothing to fit (TF-IDF cannot be fitted on no text)
        return vec, csr_matrix((0, 0)), csr_matrix((0, 0))
    X = vec.fit_transform(docs_p + docs_q)  # each statement tokenized once
    return vec, X[: len(docs_p)], X[len(docs_p):]


def _cosine_distances(X) -> np.ndarray:
    """Pairwise cosine distances of L2-normalised (sparse) rows, via one sparse product."""
    sim = X @ X.T
    sim = sim.toarray() if hasattr(sim, "toarray") else np.asarray(sim)
    dist = np.clip(1.0 - sim, 0.0, 2.0)
    np.fill_diagonal(dist, 0.0)
    return (dist + dist.T) / 2


def _tree(dist: np.ndarray) -> np.ndarray:
    """The average-linkage hierarchy of a distance matrix (built once, cut at any k)."""
    return linkage(squareform(dist, checks=False), method="average")


def _cut(tree: np.ndarray, k: int) -> np.ndarray:
    return fcluster(tree, t=k, criterion="maxclust") - 1


def choose_k(X, max_k: int = 30) -> tuple[int, pd.DataFrame]:
    """The number of topics with the best mean silhouette (cosine) among 2..max_k; also the table of scores.

    Parameters
    ----------
    X : scipy.sparse.csr_matrix
        Statements as L2-normalised TF-IDF rows.
    max_k : int, default 30
        The largest number of topics tried (at most one less than the number of statements).

    Returns
    -------
    k : int
        The best number of topics, the smallest among equals; 1 for fewer than three statements or when no k
        splits them.
    silhouettes : pandas.DataFrame
        Columns k, silhouette: one row per k tried.
    """
    n = X.shape[0]
    rows = []
    if n < 3:
        return 1, pd.DataFrame(columns=["k", "silhouette"])
    dist = _cosine_distances(X)
    tree = _tree(dist)
    for k in range(2, min(max_k, n - 1) + 1):
        labels = _cut(tree, k)
        if len(set(labels)) < 2:
            continue
        rows.append({"k": k, "silhouette": float(silhouette_score(dist, labels, metric="precomputed"))})
    table = pd.DataFrame(rows, columns=["k", "silhouette"])
    if table.empty:
        return 1, table
    best = table.sort_values(["silhouette", "k"], ascending=[False, True]).iloc[0]
    return int(best["k"]), table


class TopicModel:
    """Topics of problem statements, fitted scikit-learn style.

    Average-linkage clustering on cosine distance of a sample of the statements, k chosen by the best mean
    silhouette or given, the rest assigned to the nearest topic.

    Parameters
    ----------
    n_topics : int or "auto", default "auto"
        The number of topics, or "auto": the k among 2..``max_k`` with the best mean silhouette.
    max_k : int, default 30
        The largest k tried by "auto".
    sample_size : int, default 3000
        Statements clustered at most; beyond it a random sample is (the others go to the nearest topic).
    random_state : int, default 0
        Seed of the sample: the same topics for the same statements and seed.

    Attributes
    ----------
    labels_ : numpy.ndarray
        The topic of every row fitted, numbered by size (0 = largest), ties by first appearance.
    k_ : int
        The number of topics chosen by the silhouette, or the one asked (1 for fewer than three statements).
    n_topics_ : int
        The number of topics found (at most ``k_``, fewer when the statements make fewer).
    silhouettes_ : pandas.DataFrame
        Columns k, silhouette: the mean silhouette of every k tried by "auto" (empty when ``n_topics`` is given or
        there are fewer than three statements).
    sample_ : numpy.ndarray
        The rows clustered, in order.
    """

    def __init__(self, n_topics: int | str = "auto", *, max_k: int = 30, sample_size: int = 3000,
                 random_state: int = 0):
        self.n_topics = n_topics
        self.max_k = max_k
        self.sample_size = sample_size
        self.random_state = random_state

    def fit(self, X) -> TopicModel:
        """Fit the topics of the rows of ``X``.

        Parameters
        ----------
        X : scipy.sparse.csr_matrix
            Statements as L2-normalised TF-IDF rows (as ``fit_space`` gives them, after ``normalize``).

        Returns
        -------
        TopicModel
            Itself, with its learned attributes set.
        """
        n = X.shape[0]
        self.silhouettes_ = pd.DataFrame(columns=["k", "silhouette"])
        self.sample_ = np.arange(n)
        if n < 3:
            self.labels_, self.n_topics_, self.k_ = np.zeros(n, dtype=int), min(n, 1), 1
            return self
        rng = np.random.RandomState(self.random_state)
        if n > self.sample_size:
            self.sample_ = np.sort(rng.choice(n, size=self.sample_size, replace=False))
        Xs = X[self.sample_]
        k = self.n_topics
        if k == "auto":
            k, self.silhouettes_ = choose_k(Xs, max_k=self.max_k)
        self.k_ = int(k)
        k = max(1, min(int(k), len(self.sample_)))
        sample_labels = _cut(_tree(_cosine_distances(Xs)), k) if k > 1 else np.zeros(len(self.sample_), dtype=int)
        self.n_topics_ = len(set(sample_labels))
        if len(self.sample_) == n:
            self.labels_ = _renumber(sample_labels)
            return self
        centroids = normalize(np.vstack([np.asarray(Xs[sample_labels == c].mean(axis=0)).ravel()
                                         for c in sorted(set(sample_labels))]))
        labels = np.asarray((X @ centroids.T).argmax(axis=1)).ravel()
        labels[self.sample_] = sample_labels
        self.labels_ = _renumber(labels)
        return self

    def fit_predict(self, X) -> np.ndarray:
        """``fit(X)`` and return ``labels_``.

        Parameters
        ----------
        X : scipy.sparse.csr_matrix
            Statements as L2-normalised TF-IDF rows.

        Returns
        -------
        numpy.ndarray
            The topic of every row of ``X`` (``labels_``).
        """
        return self.fit(X).labels_


def cluster(X, k: int | str = "auto", *, max_k: int = 30, sample_size: int = 3000, random_state: int = 0
            ) -> tuple[np.ndarray, int]:
    """Topic labels for the rows of X and the number of topics found (``TopicModel`` fitted on X).

    Parameters
    ----------
    X : scipy.sparse.csr_matrix
        Statements as L2-normalised TF-IDF rows.
    k : int or "auto", default "auto"
        The number of topics, or "auto" (``TopicModel``'s ``n_topics``).
    max_k, sample_size, random_state : int, optional
        As for ``TopicModel`` (defaults 30, 3000 and 0); the same labels for the same ``random_state``.

    Returns
    -------
    labels : numpy.ndarray
        The topic of every row, numbered by size (0 = largest).
    n_topics : int
        The number of topics found (``TopicModel.n_topics_``).
    """
    model = TopicModel(k, max_k=max_k, sample_size=sample_size, random_state=random_state).fit(X)
    return model.labels_, model.n_topics_


def _renumber(labels: np.ndarray) -> np.ndarray:
    """Topics numbered by size (0 = largest), ties by first appearance, so numbers are stable."""
    counts = pd.Series(labels).value_counts()
    first = {lab: i for i, lab in reversed(list(enumerate(labels)))}
    order = sorted(counts.index, key=lambda lab: (-counts[lab], first[lab]))
    mapping = {old: new for new, old in enumerate(order)}
    return np.array([mapping[lab] for lab in labels], dtype=int)


def problem_topics(items: pd.DataFrame, k: int | str = "auto", *, vectorizer: str = "words", random_state: int = 0,
                   title_weight: int = 3, max_k: int = 30, sample_size: int = 3000, n_label_terms: int = 3,
                   space: tuple | None = None, model: TopicModel | None = None
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cluster the problem statements (items of part ``problems``) into topics.

    Parameters
    ----------
    items : pandas.DataFrame
        The `items` table (doc_id, item_id, part, title, text): its items of part ``problems`` are clustered.
    k : int or "auto", default "auto"
        The number of topics, or "auto": the one with the best mean silhouette among 2..``max_k``.
    vectorizer : {"words", "chars"}, default "words"
        What statements are compared by (``make_vectorizer``).
    random_state : int, default 0
        Seed of the sample clustered: the same topics for the same statements and seed.
    title_weight : int, default 3
        How many times a statement's lead phrase counts (``statement_text``).
    max_k : int, default 30
        The largest number of topics tried by "auto".
    sample_size : int, default 3000
        Statements clustered at most; the others join the nearest topic.
    n_label_terms : int, default 3
        Number of top terms in a topic's label.
    space : tuple, optional
        The result of ``fit_space`` on the same items, to reuse it.
    model : TopicModel, optional
        The topic model to fit (its learned attributes are then the caller's to read); by default one of ``k``,
        ``max_k``, ``sample_size`` and ``random_state``.

    Returns
    -------
    assignments : pandas.DataFrame
        One row per problem item, columns ``TOPIC_COLUMNS`` (doc_id, item_id, topic, topic_label, score): ``score``
        is the cosine similarity of the statement to its topic's centroid, how representative it is.
    topics : pandas.DataFrame
        One row per topic: topic, topic_label (its top terms joined by ·), size, n_reports (reports naming it),
        top_terms and examples (its three most representative statements).
    """
    problems = items[items["part"] == "problems"].reset_index(drop=True)
    if problems.empty:
        return pd.DataFrame(columns=TOPIC_COLUMNS), pd.DataFrame(columns=TOPIC_TABLE_COLUMNS)
    vec, Xp, _ = space or fit_space(items, vectorizer, title_weight)
    Xp = normalize(Xp)
    model = model or TopicModel(k, max_k=max_k, sample_size=sample_size, random_state=random_state)
    labels = model.fit_predict(Xp)
    terms = np.array(vec.get_feature_names_out())
    rows, topic_rows = [], []
    scores = np.zeros(len(problems))
    for t in sorted(set(labels)):
        idx = np.flatnonzero(labels == t)
        centroid = np.asarray(Xp[idx].mean(axis=0)).ravel()
        top = [terms[i] for i in centroid.argsort()[::-1][:n_label_terms] if centroid[i] > 0]
        norm = np.linalg.norm(centroid) or 1.0
        sims = np.asarray(Xp[idx] @ (centroid / norm)).ravel()
        scores[idx] = sims
        order = idx[np.argsort(-sims, kind="stable")]
        topic_rows.append({
            "topic": int(t), "topic_label": "·".join(top) or f"topic {t}", "size": len(idx),
            "n_reports": problems.loc[idx, "doc_id"].nunique(), "top_terms": ", ".join(top),
            "examples": [problems.loc[i, "title"] or problems.loc[i, "text"][:40] for i in order[:3]],
        })
    label_of = {r["topic"]: r["topic_label"] for r in topic_rows}
    for i, r in enumerate(problems.itertuples()):
        rows.append({"doc_id": r.doc_id, "item_id": r.item_id, "topic": int(labels[i]),
                     "topic_label": label_of[int(labels[i])], "score": round(float(scores[i]), 6)})
    return pd.DataFrame(rows, columns=TOPIC_COLUMNS), pd.DataFrame(topic_rows)


def match_remedies(items: pd.DataFrame, *, vectorizer: str = "words", threshold: float = 0.08,
                   title_weight: int = 3, space: tuple | None = None) -> pd.DataFrame:
    """For each problem item, the plan item of the same report most similar to it (cosine, same TF-IDF space).

    Parameters
    ----------
    items : pandas.DataFrame
        The `items` table (doc_id, item_id, part, title, text): its items of parts ``problems`` and ``plans``.
    vectorizer : {"words", "chars"}, default "words"
        What statements are compared by (``make_vectorizer``).
    threshold : float, default 0.08
        Lowest cosine similarity for the plan item to count as the problem's remedy.
    title_weight : int, default 3
        How many times a statement's lead phrase counts (``statement_text``).
    space : tuple, optional
        The result of ``fit_space`` on the same items, to reuse it.

    Returns
    -------
    pandas.DataFrame
        One row per problem item, columns ``REMEDY_COLUMNS``, sorted by doc_id and problem_item_id:
        ``plan_item_id`` is None when the report has no plan item, ``matched`` is False when the best similarity
        is below ``threshold`` (the problem is reported as having no remedy).
    """
    problems = items[items["part"] == "problems"].reset_index(drop=True)
    plans = items[items["part"] == "plans"].reset_index(drop=True)
    if problems.empty:
        return pd.DataFrame(columns=REMEDY_COLUMNS)
    if plans.empty:  # no report has a plans part: no problem has a remedy
        return pd.DataFrame([(d, i, None, 0.0, False) for d, i in zip(problems["doc_id"], problems["item_id"],
                                                                     strict=True)], columns=REMEDY_COLUMNS)
    _, Xp, Xq = space or fit_space(items, vectorizer, title_weight)
    Xp, Xq = normalize(Xp).tocsr(), normalize(Xq).tocsr()
    plan_rows = plans.groupby("doc_id").indices if len(plans) else {}
    problem_ids, plan_ids = problems["item_id"].to_numpy(), plans["item_id"].to_numpy()
    out = []
    for doc_id, idx in problems.groupby("doc_id").indices.items():
        q_idx = plan_rows.get(doc_id)
        if q_idx is None or len(q_idx) == 0:
            out.extend((doc_id, problem_ids[i], None, 0.0, False) for i in idx)
            continue
        sims = (Xp[idx] @ Xq[q_idx].T).toarray()  # one block product per report
        best = sims.argmax(axis=1)
        for row, i in enumerate(idx):
            sim = float(sims[row, best[row]])
            out.append((doc_id, problem_ids[i], plan_ids[q_idx[best[row]]], round(sim, 6), bool(sim >= threshold)))
    df = pd.DataFrame(out, columns=REMEDY_COLUMNS)
    return df.sort_values(["doc_id", "problem_item_id"], kind="stable").reset_index(drop=True)


def remedy_share(remedies: pd.DataFrame) -> pd.DataFrame:
    """Per report: number of problems, number with a remedy, and the share.

    Parameters
    ----------
    remedies : pandas.DataFrame
        The `remedies` table (``match_remedies``: doc_id, matched).

    Returns
    -------
    pandas.DataFrame
        Columns doc_id, problems, with_remedy, share: one row per report with a problem.
    """
    g = remedies.groupby("doc_id")["matched"]
    return pd.DataFrame({"problems": g.size(), "with_remedy": g.sum(), "share": g.mean()}).reset_index()


# -- shared sentences -------------------------------------------------------------------------------------------

_SEGMENT = re.compile(r"[^。;；,，!！?？\n]+")
_NON_WORD = re.compile(r"[\s\W_]+")
_PRIME = np.uint64((1 << 31) - 1)  # products of two values below it fit in 64 bits


def minhash(shingle_sets: list[set[int]], *, num_perm: int = 64, random_state: int = 0, chunk: int = 4000
            ) -> np.ndarray:
    """MinHash signatures (one row of ``num_perm`` values per set), computed in vectorised chunks.

    Parameters
    ----------
    shingle_sets : list of set of int
        The hashed shingles of each text.
    num_perm : int, default 64
        Number of hash permutations: the length of a signature.
    random_state : int, default 0
        Seed of the permutations: the same signatures for the same seed.
    chunk : int, default 4000
        Sets hashed at a time (bounds memory).

    Returns
    -------
    numpy.ndarray
        One row of ``num_perm`` uint64 values per set.
    """
    rng = np.random.RandomState(random_state)
    a = rng.randint(1, int(_PRIME), size=num_perm).astype(np.uint64)[:, None]
    b = rng.randint(0, int(_PRIME), size=num_perm).astype(np.uint64)[:, None]
    out = np.empty((len(shingle_sets), num_perm), dtype=np.uint64)
    for lo in range(0, len(shingle_sets), chunk):
        part = [sorted(s) or [0] for s in shingle_sets[lo:lo + chunk]]
        lens = np.array([len(s) for s in part])
        flat = np.fromiter((x for s in part for x in s), dtype=np.uint64, count=int(lens.sum())) % _PRIME
        hashed = (a * flat[None, :] + b) % _PRIME
        starts = np.concatenate([[0], np.cumsum(lens)[:-1]])
        out[lo:lo + len(part)] = np.minimum.reduceat(hashed, starts, axis=1).T
    return out


def segments(text: str, min_chars: int = 12) -> list[tuple[int, str]]:
    """(offset, segment) of the sentence segments of a text with at least ``min_chars`` characters.

    Segments are split at 。；，!? and line ends; characters are counted without spaces and punctuation.

    Parameters
    ----------
    text : str
        A report's text.
    min_chars : int, default 12
        Shortest segment kept.

    Returns
    -------
    list of tuple of (int, str)
        The character offset of each segment in ``text`` and the segment, stripped of white space, in order.
    """
    out = []
    for m in _SEGMENT.finditer(text):
        seg = m.group().strip()
        if len(_NON_WORD.sub("", seg)) >= min_chars:
            out.append((m.start() + m.group().index(seg[0]), seg))
    return out


def _shingles(s: str, n: int) -> set[int]:
    s = _NON_WORD.sub("", s)
    return {zlib.crc32(s[i:i + n].encode("utf-8")) for i in range(max(1, len(s) - n + 1))}


def shared_sentences(texts: pd.DataFrame, *, min_similarity: float = 0.7, min_chars: int = 12, shingle: int = 3,
                     num_perm: int = 64, bands: int = 16, random_state: int = 0) -> pd.DataFrame:
    """Sentence segments that recur verbatim or nearly so in two different reports.

    Segments equal but for spaces and punctuation are one segment; the distinct
    ones get MinHash signatures (``num_perm`` permutations) split into ``bands`` bands for locality-sensitive
    hashing: in each band, every segment is a candidate partner of the first segment sharing its band, and a pair is
    kept when the exact Jaccard similarity of their character ``shingle``-grams is at least ``min_similarity``. The
    kept pairs join segments into groups (connected components); each group is reported as pairs of its first
    occurrence (lowest doc_id, then offset) with the first occurrence in every other report — ``SHARED_COLUMNS``,
    with ``group`` naming the group and ``n_reports`` how many reports share it — so a boilerplate sentence found in
    n reports gives n-1 rows, not n². Work grows with the number of segments, never with their pairs.

    Parameters
    ----------
    texts : pandas.DataFrame
        The `texts` table (doc_id, text).
    min_similarity : float, default 0.7
        Lowest Jaccard similarity of the character shingles of two segments for them to count as shared.
    min_chars : int, default 12
        Shortest segment compared (``segments``).
    shingle : int, default 3
        Length of the character shingles.
    num_perm : int, default 64
        Number of MinHash permutations.
    bands : int, default 16
        Number of bands for locality-sensitive hashing: more bands find less similar pairs, at more cost.
    random_state : int, default 0
        Seed of the MinHash permutations.

    Returns
    -------
    pandas.DataFrame
        Columns ``SHARED_COLUMNS`` (doc_id_a, doc_id_b, text_a, text_b, similarity, start_a, start_b, group,
        n_reports): one row per report sharing a group's segment, other than the group's first, sorted by
        doc_id_a, doc_id_b, start_a and start_b.
    """
    occurrences, keys = _segment_occurrences(texts, min_chars)
    if occurrences.empty:
        return pd.DataFrame(columns=SHARED_COLUMNS)
    shingles = [_shingles(k, shingle) for k in keys]
    pairs = _candidate_pairs(minhash(shingles, num_perm=num_perm, random_state=random_state), bands, num_perm)

    def _jaccard(u: int, v: int) -> float:
        if u == v:
            return 1.0
        su, sv = shingles[u], shingles[v]
        return len(su & sv) / len(su | sv)

    kept = [(u, v) for u, v in pairs if _jaccard(u, v) >= min_similarity]
    n = len(keys)
    if kept:
        a, b = np.array(kept, dtype=np.int64).T
        graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
        _, component = connected_components(graph, directed=False)
    else:
        component = np.arange(n)
    occ = occurrences.assign(group=component[occurrences["uid"].to_numpy()])
    firsts = occ.sort_values(["group", "doc_id", "offset"], kind="stable").drop_duplicates(["group", "doc_id"])
    n_reports = firsts.groupby("group")["doc_id"].transform("size")
    firsts = firsts[n_reports >= 2].assign(n_reports=n_reports[n_reports >= 2])
    rep = firsts.drop_duplicates("group").set_index("group")
    others = firsts[firsts.duplicated("group")]
    r = rep.loc[others["group"]]
    sims: dict[tuple[int, int], float] = {}  # most rows pair copies of one segment: compute each pair once
    for pair in zip(r["uid"].tolist(), others["uid"].tolist(), strict=True):
        if pair not in sims:
            sims[pair] = round(_jaccard(*pair), 6)
    similarity = [sims[pair] for pair in zip(r["uid"].tolist(), others["uid"].tolist(), strict=True)]
    df = pd.DataFrame({
        "doc_id_a": r["doc_id"].to_numpy(), "doc_id_b": others["doc_id"].to_numpy(),
        "text_a": r["segment"].to_numpy(), "text_b": others["segment"].to_numpy(),
        "similarity": np.array(similarity, dtype=float),
        "start_a": r["offset"].to_numpy(), "start_b": others["offset"].to_numpy(),
        "group": (r["doc_id"] + ":" + r["offset"].astype(str)).to_numpy(),
        "n_reports": others["n_reports"].to_numpy(),
    }, columns=SHARED_COLUMNS)
    return df.sort_values(["doc_id_a", "doc_id_b", "start_a", "start_b"]).reset_index(drop=True)


def _segment_occurrences(texts: pd.DataFrame, min_chars: int) -> tuple[pd.DataFrame, list[str]]:
    """One row per sentence segment of every text (doc_id, offset, segment, uid), and the distinct segments
    (spaces and punctuation removed) that ``uid`` numbers, in order of first occurrence."""
    index: dict[str, int] = {}
    rows = []
    for doc_id, text in zip(texts["doc_id"], texts["text"], strict=True):
        for off, seg in segments(text or "", min_chars):
            rows.append((doc_id, off, seg, index.setdefault(_NON_WORD.sub("", seg), len(index))))
    return pd.DataFrame(rows, columns=["doc_id", "offset", "segment", "uid"]), list(index)


def _candidate_pairs(signatures: np.ndarray, bands: int, num_perm: int) -> list[tuple[int, int]]:
    """Pairs (first, other) of rows sharing one band of their signatures, ``first`` being the lowest row of that
    band's bucket; distinct pairs in ascending order."""
    n = len(signatures)
    rows_per_band = max(1, num_perm // bands)
    found = []
    for band in range(bands):
        block = np.ascontiguousarray(signatures[:, band * rows_per_band:(band + 1) * rows_per_band])
        keys = block.view(np.dtype((np.void, block.dtype.itemsize * block.shape[1]))).ravel() if block.size else (
            np.zeros(n, dtype=np.int8))
        _, first_of_bucket, bucket = np.unique(keys, return_index=True, return_inverse=True)
        first = first_of_bucket[bucket.ravel()]
        others = np.flatnonzero(first != np.arange(n))
        found.append(first[others] * n + others)
    codes = np.unique(np.concatenate(found)) if found else np.array([], dtype=np.int64)
    return list(zip((codes // n).tolist(), (codes % n).tolist(), strict=True))


def shared_share(texts: pd.DataFrame, shared: pd.DataFrame, min_chars: int = 12) -> pd.DataFrame:
    """Per report: its sentence segments, how many recur in another report, and the share.

    Parameters
    ----------
    texts : pandas.DataFrame
        The `texts` table (doc_id, text).
    shared : pandas.DataFrame
        The `shared_sentences` table (doc_id_a, start_a, doc_id_b, start_b).
    min_chars : int, default 12
        Shortest segment counted: the same as for ``shared_sentences``.

    Returns
    -------
    pandas.DataFrame
        Columns doc_id, segments, shared, share: one row per text.
    """
    n_seg = {d: len(segments(t or "", min_chars)) for d, t in zip(texts["doc_id"], texts["text"], strict=True)}
    spots = pd.concat([shared[["doc_id_a", "start_a"]].set_axis(["doc_id", "start"], axis=1),
                       shared[["doc_id_b", "start_b"]].set_axis(["doc_id", "start"], axis=1)]).drop_duplicates()
    found = spots.groupby("doc_id").size().to_dict() if len(spots) else {}
    rows = [{"doc_id": d, "segments": n, "shared": int(found.get(d, 0)),
             "share": (found.get(d, 0) / n) if n else 0.0} for d, n in n_seg.items()]
    return pd.DataFrame(rows, columns=["doc_id", "segments", "shared", "share"])


def analyze(corpus, *, k: int | str = "auto", vectorizer: str = "words", random_state: int = 0,
            remedy_threshold: float = 0.08, min_similarity: float = 0.7, model: TopicModel | None = None
            ) -> dict[str, pd.DataFrame]:
    """The topic and shared-text tables of an ingested corpus, as ``fazhi analyze`` writes them.

    Only readable reports count: the text a failed document keeps in ``texts`` is searched for no shared sentence.
    Topics and remedies are computed in one vector space (``fit_space``).

    Parameters
    ----------
    corpus : fazhi_lib.Corpus
        The ingest tables.
    k : int or "auto", default "auto"
        The number of problem topics, or "auto" (``problem_topics``).
    vectorizer : {"words", "chars"}, default "words"
        What statements are compared by (``make_vectorizer``).
    random_state : int, default 0
        Seed of the topic model's sample and of the MinHash of shared sentences.
    remedy_threshold : float, default 0.08
        ``match_remedies``'s ``threshold``.
    min_similarity : float, default 0.7
        ``shared_sentences``'s ``min_similarity``.
    model : TopicModel, optional
        The topic model to fit; by default one of ``k`` and ``random_state``.

    Returns
    -------
    dict of str to pandas.DataFrame
        The tables problem_topics, topics, remedies and shared_sentences by name.
    """
    texts = corpus.texts[corpus.texts["doc_id"].isin(readable_ids(corpus.documents))]
    space = fit_space(corpus.items, vectorizer)  # one vector space for topics and remedies
    model = model or TopicModel(k, random_state=random_state)
    assignments, topics = problem_topics(corpus.items, space=space, model=model)
    return {
        "problem_topics": assignments,
        "topics": topics,
        "remedies": match_remedies(corpus.items, threshold=remedy_threshold, space=space),
        "shared_sentences": shared_sentences(texts, min_similarity=min_similarity, random_state=random_state),
    }
