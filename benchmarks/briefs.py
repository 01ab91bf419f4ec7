"""Benchmark ``fazhi brief`` as a scheduled run meets it: the notebooks plus the brief of every report.

    python benchmarks/briefs.py --docs 100 [--jobs 2] [--lang en] [--seed 0] [--seeds] [--keep DIR]

1. ``--seeds``: the seeds briefed from scratch (ingest, analyze, every notebook, every report's brief), as
   ``make run`` does.
2. Generates ``--docs`` synthetic reports with :mod:`synthetic.generate`, ingests and analyzes them once (not
   timed), then times two runs of ``run_briefs`` on those tables: without the per-report briefs
   (``per_report=False``: the notebooks, the per-report notebook once) and with them (``per_report=True``).
   ``per_report_extra`` is what the briefs of every report add; the issue's bar is that it stays below the time of
   the run without them (100 reports), and that 1,000 reports' briefs take under two minutes.

Prints a human-readable summary and, as the very last line, one JSON object with the keys docs, jobs, lang,
seeds_seconds, seeds_cpu, without_seconds, with_seconds, per_report_extra, the same three in CPU seconds
(without_cpu, with_cpu, per_report_extra_cpu), report_briefs, failed, python, machine.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# a checkout without `pip install -e .`; the generator in tests/synthetic; ingest.py and report_pages.py beside
for path in (ROOT, ROOT / "tests", Path(__file__).resolve().parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from ingest import in_workdir, machine_description  # noqa: E402  (benchmarks/ingest.py)
from report_pages import cpu_seconds, generated_tables  # noqa: E402  (benchmarks/report_pages.py)

from fazhi_lib.briefs import run_briefs  # noqa: E402


def _timed_run(corpus: Path, out: Path, tables: Path, jobs: int, lang: str, per_report: bool | None) -> dict:
    t0, c0 = time.perf_counter(), cpu_seconds()
    manifest = run_briefs([corpus], out=out, tables_dir=tables, jobs=jobs, lang=lang, per_report=per_report,
                          log=None)
    seconds, cpu = time.perf_counter() - t0, cpu_seconds() - c0
    reports = manifest.get("reports", [])
    for failed in [*manifest.get("notebooks", []), *reports]:
        if failed.get("status") != "ok":
            print(f"  failed: {failed.get('name') or failed.get('file')}: {failed.get('error')}", flush=True)
    return {"seconds": round(seconds, 1), "cpu": round(cpu, 1), "failed": manifest["failed"],
            "report_briefs": sum(1 for r in reports if r.get("status") == "ok")}


def run(docs: int, seed: int, jobs: int, lang: str, seeds: bool, work: Path) -> dict:
    result: dict = {"docs": docs, "jobs": jobs, "lang": lang}
    if seeds:
        print("briefing the seeds from scratch ...", flush=True)
        seeds_run = _timed_run(ROOT / "seeds", work / "seeds_out", work / "seeds_tables", jobs, lang, None)
        result["seeds_seconds"] = seeds_run["seconds"]
        print(f"  seeds: {seeds_run['seconds']:.1f} s ({seeds_run['cpu']:.1f} s of CPU), "
              f"{seeds_run['report_briefs']} report briefs", flush=True)
        result["seeds_cpu"] = seeds_run["cpu"]
    corpus, tables = work / "corpus", work / "tables"
    generated_tables(docs, seed, corpus, tables)
    print("fazhi brief without the per-report briefs ...", flush=True)
    without = _timed_run(corpus, work / "out", tables, jobs, lang, False)
    print(f"  {without['seconds']:.1f} s ({without['cpu']:.1f} s of CPU)", flush=True)
    print("fazhi brief with the brief of every report ...", flush=True)
    with_pages = _timed_run(corpus, work / "out", tables, jobs, lang, True)
    print(f"  {with_pages['seconds']:.1f} s ({with_pages['cpu']:.1f} s of CPU), {with_pages['report_briefs']} report "
          "briefs", flush=True)
    result.update(without_seconds=without["seconds"], with_seconds=with_pages["seconds"],
                  per_report_extra=round(with_pages["seconds"] - without["seconds"], 1),
                  without_cpu=without["cpu"], with_cpu=with_pages["cpu"],
                  per_report_extra_cpu=round(with_pages["cpu"] - without["cpu"], 1),
                  report_briefs=with_pages["report_briefs"], failed=without["failed"] + with_pages["failed"],
                  python=platform.python_version(), machine=machine_description())
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=100, help="generated reports (default 100)")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--lang", default="en", choices=("en", "zh"))
    ap.add_argument("--seed", type=int, default=0, help="generator seed")
    ap.add_argument("--seeds", action="store_true", help="also brief the seeds from scratch first")
    ap.add_argument("--keep", metavar="DIR", help="work in DIR and keep it (default: a temporary directory)")
    args = ap.parse_args(argv)
    result = in_workdir(ap, args.keep, ("corpus", "tables", "out", "seeds_out", "seeds_tables"),
                        lambda work: run(args.docs, args.seed, args.jobs, args.lang, args.seeds, work))
    print(f"per-report briefs add {result['per_report_extra']:.1f} s to a run of {result['without_seconds']:.1f} s "
          f"({result['report_briefs']} report briefs, {result['failed']} failed)")
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
