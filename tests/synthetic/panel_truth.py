"""How well the year-over-year tables recover the truth of a generated panel corpus (``synthetic.generate_panels``).

``score_followup`` compares the ``panel``, ``promises`` and ``recurring_problems`` tables of ``fazhi analyze`` with
``truth.jsonl``: panel links (pairs of reports put in one panel), promises kept, problems repeated word for word and
problems repeated at all, as counts, precision and recall. Points of the truth are found among the parsed items by
their key (``generate_panels.point_key``: the first characters of their text without punctuation and numbers).
"""

from __future__ import annotations

from itertools import combinations

import pandas as pd

from fazhi_lib.followup import normalized

__all__ = ["precision_recall", "score_followup"]


def precision_recall(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    """Counts with precision and recall (1.0 when there is nothing to find or nothing found)."""
    return {"tp": tp, "fp": fp, "fn": fn, "precision": tp / (tp + fp) if tp + fp else 1.0,
            "recall": tp / (tp + fn) if tp + fn else 1.0}


def _finder(items: pd.DataFrame):
    """A function (doc_id, parts, key) -> item_id of the first item of those parts whose text holds the key."""
    texts = {}
    for r in items.itertuples():
        texts.setdefault(r.doc_id, []).append((r.part, r.item_id, normalized(r.text)))

    def find(doc_id: str | None, parts: tuple[str, ...], key: str | None) -> str | None:
        if doc_id is None or not key:
            return None
        return next((i for p, i, t in texts.get(doc_id, ()) if p in parts and key in t), None)

    return find


def score_followup(truth: list[dict], documents: pd.DataFrame, items: pd.DataFrame, panel: pd.DataFrame,
                   promises: pd.DataFrame, recurring: pd.DataFrame) -> dict[str, dict]:
    """Scores of the year-over-year tables against the truth of a generated panel corpus.

    Parameters
    ----------
    truth
        The rows of ``truth.jsonl``.
    documents, items
        The ingest tables of the corpus.
    panel, promises, recurring
        The ``panel``, ``promises`` and ``recurring_problems`` tables of ``fazhi analyze``.

    Returns
    -------
    dict
        ``links``: pairs of reports in one panel (precision, recall) and ``mixed_regions``, the number of
        panels holding reports of different true jurisdictions; ``kept``: plan points carried out; ``verbatim``:
        problems repeated word for word; ``recurring``: problems repeated at all (word for word or not);
        ``right_item``: of the plans rightly found kept, how many point at the right item. ``missing`` counts truth
        points not found among the parsed items.
    """
    docs = documents[documents["status"].isin(["ok", "warning"])]
    doc_of = dict(zip(docs["file_name"], docs["doc_id"], strict=True))
    rows = [r for r in truth if r["file"] in doc_of]
    find = _finder(items)
    by_pos = {(r["panel"], r["position"]): doc_of[r["file"]] for r in rows}
    out = {"links": _links(rows, doc_of, panel)}
    kept_pred = {(r.doc_id, r.plan_item_id): (bool(r.kept), r.next_item_id) for r in promises.itertuples()}
    rec_pred = {(r.doc_id, r.item_id): (r.next_item_id if pd.notna(r.next_item_id) else None, bool(r.verbatim))
                for r in recurring.itertuples()}
    counts = {k: [0, 0, 0] for k in ("kept", "verbatim", "recurring")}
    right, missing = [0, 0], 0
    for r in rows:
        prev = by_pos.get((r["panel"], r["position"] - 1))
        here = doc_of[r["file"]]
        for e in r.get("promises", []):
            plan = find(prev, ("plans",), e["plan"])
            if plan is None:
                missing += 1
                continue
            kept, item = kept_pred.get((prev, plan), (False, None))
            _count(counts["kept"], e["kept"], kept)
            if e["kept"] and kept:
                right[0] += 1
                right[1] += item is not None and item == find(here, ("measures", "effects", "leader_duty"), e["done"])
        for e in r.get("problems", []):
            problem = find(prev, ("problems",), e["problem"])
            if problem is None:
                missing += 1
                continue
            nxt, verbatim = rec_pred.get((prev, problem), (None, False))
            _count(counts["verbatim"], e["verbatim"], verbatim)
            _count(counts["recurring"], e["next"] is not None, nxt is not None)
    out.update({k: precision_recall(*v) for k, v in counts.items()})
    out["right_item"] = {"kept_found": right[0], "right_item": right[1]}
    out["missing"] = {"points": missing}
    return out


def _count(c: list[int], truth: bool, predicted: bool) -> None:
    c[0] += truth and predicted
    c[1] += predicted and not truth
    c[2] += truth and not predicted


def _links(rows: list[dict], doc_of: dict[str, str], panel: pd.DataFrame) -> dict[str, float | int]:
    true_panel = {doc_of[r["file"]]: r["panel"] for r in rows}
    predicted = panel[panel["doc_id"].isin(true_panel)].groupby("panel_id")["doc_id"].apply(list)
    pred_pairs = {frozenset(p) for docs in predicted for p in combinations(sorted(docs), 2)}
    by_truth: dict[str, list[str]] = {}
    for d, p in true_panel.items():
        by_truth.setdefault(p, []).append(d)
    true_pairs = {frozenset(p) for docs in by_truth.values() for p in combinations(sorted(docs), 2)}
    scores = precision_recall(len(pred_pairs & true_pairs), len(pred_pairs - true_pairs), len(true_pairs - pred_pairs))
    scores["mixed_regions"] = int(sum(len({true_panel[d] for d in docs}) > 1 for docs in predicted))
    return scores
