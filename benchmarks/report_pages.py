"""Benchmark the kernel-free report briefs (``fazhi_lib.report_page``): a thousand pages in one run, and one long
report.

    python benchmarks/report_pages.py --docs 1000 [--jobs 1] [--lang zh] [--long-chars 20000] [--seed 0] [--keep DIR]

1. Generates ``--docs`` synthetic reports with :mod:`synthetic.generate`, ingests and analyzes them (not timed).
2. Times ``render_reports(TABLES, OUT, lang, jobs)``: reading the tables, what every page compares against, and
   every page rendered and written (wall time, in this process and ``--jobs`` - 1 more).
3. Times one page of a report of ``--long-chars`` characters (median of 15 renders after one warm-up): the texts
   of consecutive generated reports laid end to end as one report, with all their sections, items, numbers,
   mechanism mentions and problems moved to the new offsets — the density of extractions of the generated reports
   at the length of a long county or city report.

Prints a human-readable summary and, as the very last line, one JSON object with the keys docs, pages, failed,
seconds, ms_per_page, cpu_seconds (this process and its workers: a figure a busy machine inflates less than the wall
time), load_seconds, mb_written, long_chars, long_marks, long_ms, long_cpu_ms, long_kb, lang, jobs, python,
machine.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# a checkout without `pip install -e .`; the generator in tests/synthetic; ingest.py beside
for path in (ROOT, ROOT / "tests", Path(__file__).resolve().parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from ingest import in_workdir, machine_description  # noqa: E402  (benchmarks/ingest.py)

ROW_TABLES = ("sections", "items", "metrics", "measures")


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the ``--jobs`` workers), user and system."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def long_report(loaded, n_chars: int) -> dict:
    """The tables of one report of at least ``n_chars`` characters made of consecutive reports of ``loaded`` (a
    ``BriefTables``), doc_id ``long``: their texts joined by line breaks, their rows' offsets moved."""
    import pandas as pd

    texts, frames, offset = [], {n: [] for n in ROW_TABLES}, 0
    for rows in loaded.rows.values():
        if offset >= n_chars:
            break
        text = rows["texts"]["text"].iat[0]
        for name in ROW_TABLES:
            if name in rows:
                moved = rows[name].assign(doc_id="long", start=rows[name]["start"] + offset,
                                          end=rows[name]["end"] + offset)
                frames[name].append(moved)
        texts.append(text)
        offset += len(text) + 1
    docs = loaded.context.documents
    first = docs[docs["status"].eq("ok")].iloc[[0]].assign(doc_id="long", n_chars=offset - 1)
    return {"documents": pd.concat([docs, first], ignore_index=True),
            "texts": pd.DataFrame({"doc_id": ["long"], "text": ["\n".join(texts)]}),
            **{n: pd.concat(f, ignore_index=True) for n, f in frames.items()}}


def time_long_page(tables_dir: Path, n_chars: int, lang: str) -> dict:
    import pandas as pd

    from fazhi_lib import report_page as rp

    loaded = rp.load_brief_tables(tables_dir)
    long = long_report(loaded, n_chars)
    corpus = {n: pd.concat([pd.read_parquet(tables_dir / f"{n}.parquet"), long[n]], ignore_index=True)
              for n in ("texts", "items", "metrics", "measures")}
    analysis = {n: pd.read_parquet(tables_dir / f"{n}.parquet") for n in ("problem_topics", "remedies",
                                                                            "shared_sentences")}
    context = rp.corpus_context(long["documents"], corpus["texts"], corpus["items"], corpus["metrics"],
                                corpus["measures"], **analysis)
    own = {n: long[n] for n in ("texts", *ROW_TABLES)}
    page = rp.report_page("long", long["documents"], lang=lang, context=context, **own)  # warm-up
    times, cpu = [], []
    for _ in range(15):
        t0, c0 = time.perf_counter(), time.process_time()
        rp.report_page("long", long["documents"], lang=lang, context=context, **own)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return {"long_chars": len(long["texts"]["text"].iat[0]), "long_marks": page.count("data-kind="),
            "long_ms": round(statistics.median(times) * 1000, 1),
            "long_cpu_ms": round(statistics.median(cpu) * 1000, 1), "long_kb": round(len(page.encode()) / 1024, 1)}


def generated_tables(docs: int, seed: int, corpus: Path, tables: Path) -> None:
    """``docs`` synthetic reports written to ``corpus``, ingested and analyzed into ``tables`` (not timed)."""
    from synthetic import generate

    from fazhi_lib import cli

    generate.generate_corpus(docs, corpus, seed=seed)
    print(f"generated {docs} documents -> {corpus}; ingesting and analyzing (not timed) ...", flush=True)
    if cli.main(["ingest", str(corpus), "-o", str(tables), "--quiet"]) not in (0, None):
        raise SystemExit("ingest failed")
    if cli.main(["analyze", str(tables)]) not in (0, None):
        raise SystemExit("analyze failed")


def run(docs: int, seed: int, jobs: int, lang: str, long_chars: int, work: Path) -> dict:
    from fazhi_lib.report_page import render_reports

    corpus, tables, out = work / "corpus", work / "tables", work / "pages"
    generated_tables(docs, seed, corpus, tables)

    print(f"timing render_reports (lang {lang}, jobs {jobs}) ...", flush=True)
    t0, c0 = time.perf_counter(), cpu_seconds()
    results = render_reports(tables, out, lang=lang, jobs=jobs)
    seconds, cpu = time.perf_counter() - t0, cpu_seconds() - c0
    t1 = time.perf_counter()
    from fazhi_lib.report_page import load_brief_tables

    load_brief_tables(tables)
    load_seconds = time.perf_counter() - t1
    written = sum((out / r["file"]).stat().st_size for r in results if r["status"] == "ok")
    print(f"timing one page of a {long_chars:,}-character report ...", flush=True)
    long = time_long_page(tables, long_chars, lang)
    return {"docs": docs, "pages": len(results), "failed": sum(r["status"] != "ok" for r in results),
            "seconds": round(seconds, 2), "ms_per_page": round(seconds / max(1, len(results)) * 1000, 1),
            "cpu_seconds": round(cpu, 2),
            "load_seconds": round(load_seconds, 2), "mb_written": round(written / 1e6, 1), **long,
            "lang": lang, "jobs": jobs}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=1000, help="number of generated reports (default 1000)")
    ap.add_argument("--jobs", type=int, default=1, help="processes rendering pages (default 1)")
    ap.add_argument("--lang", choices=("en", "zh"), default="zh")
    ap.add_argument("--long-chars", type=int, default=20000, help="length of the long report (default 20000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--keep", metavar="DIR", help="work in DIR (kept) instead of a temporary directory")
    args = ap.parse_args(argv)
    result = in_workdir(ap, args.keep, ("corpus", "tables", "pages"),
                        lambda work: run(args.docs, args.seed, args.jobs, args.lang, args.long_chars, work))
    result.update(python=platform.python_version(), machine=machine_description())
    print(f"{result['pages']} pages ({result['failed']} failed) in {result['seconds']} s "
          f"({result['cpu_seconds']} s of CPU): {result['ms_per_page']} ms a page including reading the tables "
          f"({result['load_seconds']} s); {result['mb_written']} MB written")
    print(f"one page of a {result['long_chars']:,}-character report ({result['long_marks']:,} marks, "
          f"{result['long_kb']} KB): {result['long_ms']} ms ({result['long_cpu_ms']} ms of CPU)")
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
