"""Precision and recall of the year-over-year tables on generated panels.

    python benchmarks/followup.py --docs 2000 [--seed 1] [--keep DIR]

Generates ``--docs`` reports in panels with :mod:`synthetic.generate_panels` (with their truth), ingests them, runs
``fazhi_lib.analysis.year_over_year`` (timed) and scores the ``panel``, ``promises`` and ``recurring_problems``
tables against the truth with :func:`synthetic.panel_truth.score_followup`: panel links, promises kept, problems
repeated word for word, problems repeated at all. Prints a summary and, as the last line, one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "tests", Path(__file__).resolve().parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from ingest import in_workdir, machine_description  # noqa: E402  (benchmarks/ingest.py)


def run(docs: int, seed: int, work: Path) -> dict:
    from synthetic import generate_panels
    from synthetic.panel_truth import score_followup

    import fazhi_lib
    from fazhi_lib.analysis import year_over_year

    corpus_dir = work / "corpus"
    truth = generate_panels.generate_panel_corpus(docs, corpus_dir, seed=seed)
    print(f"generated {docs} documents in {len({r['panel'] for r in truth})} panels; ingesting ...", flush=True)
    corpus = fazhi_lib.ingest(corpus_dir, jobs=2)
    t0 = time.perf_counter()
    tables = year_over_year(corpus)
    seconds = time.perf_counter() - t0
    scores = score_followup(truth, corpus.documents, corpus.items, tables["panel"], tables["promises"],
                            tables["recurring_problems"])
    for name, s in scores.items():
        print(f"{name:11}", ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in s.items()))
    print(f"year_over_year: {seconds:.1f} s; machine: {machine_description()}")
    flat = {f"{name}_{k}": (round(v, 4) if isinstance(v, float) else v)
            for name, s in scores.items() for k, v in s.items()}
    return {"docs": docs, "seed": seed, "seconds": round(seconds, 2), **flat}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=2000, help="number of generated documents (default 2000)")
    ap.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    ap.add_argument("--keep", metavar="DIR", help="keep the corpus in DIR")
    args = ap.parse_args(argv)
    result = in_workdir(ap, args.keep, ("corpus",), lambda work: run(args.docs, args.seed, work))
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
