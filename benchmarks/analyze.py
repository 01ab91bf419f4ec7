"""Benchmark ``fazhi analyze`` (and, with ``--notebooks``, ``fazhi brief``) on a generated corpus.

    python benchmarks/analyze.py --docs 10000 [--notebooks] [--seed 0] [--keep DIR]

1. Generates ``--docs`` synthetic reports with :mod:`synthetic.generate` and ingests them with all cores
   (neither is timed).
2. Times ``fazhi analyze OUT`` (problem topics, remedies, shared sentences) in a child process and reads that
   process's peak memory (``os.wait4``: the child alone, not this process).
3. With ``--notebooks``: times ``fazhi brief CORPUS --tables OUT`` (tables reused, every notebook executed with
   papermill and rendered to HTML) the same way, and lists each notebook's duration from its manifest.

Prints a human-readable summary and, as the very last line, one JSON object with the keys docs, problems,
shared_rows, analyze_seconds, analyze_peak_mb (and brief_seconds, brief_peak_mb, notebooks with --notebooks),
python, machine. peak memory is in MiB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# a checkout without `pip install -e .`; the generator in tests/synthetic; ingest.py beside
for path in (ROOT, ROOT / "tests", Path(__file__).resolve().parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from ingest import in_workdir, machine_description  # noqa: E402  (benchmarks/ingest.py)

FAZHI = [sys.executable, "-c", "import sys; from fazhi_lib.cli import main; sys.exit(main())"]


def timed_child(args: list[str]) -> tuple[float, float, str]:
    """Run ``fazhi ARGS`` in a child process: (seconds, peak MiB of the child and its children, stdout)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    t0 = time.perf_counter()
    proc = subprocess.Popen([*FAZHI, *args], stdout=subprocess.PIPE, text=True, env=env)
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"fazhi {' '.join(args)} failed with exit code {proc.returncode}:\n{out[-2000:]}")
    peak = usage.ru_maxrss / (2**20 if sys.platform == "darwin" else 2**10)
    return seconds, peak, out


def run(docs: int, seed: int, notebooks: bool, work: Path) -> dict:
    import pandas as pd
    from synthetic import generate

    from fazhi_lib import cli

    corpus, out = work / "corpus", work / "out"
    generate.generate_corpus(docs, corpus, seed=seed)
    print(f"generated {docs} documents -> {corpus}; ingesting (not timed) ...", flush=True)
    if cli.main(["ingest", str(corpus), "-o", str(out), "--quiet"]) not in (0, None):
        raise SystemExit("ingest failed")

    print("timing fazhi analyze ...", flush=True)
    seconds, peak, printed = timed_child(["analyze", str(out)])
    print(printed.strip())
    result = {
        "docs": docs,
        "problems": len(pd.read_parquet(out / "problem_topics.parquet", columns=["item_id"])),
        "shared_rows": len(pd.read_parquet(out / "shared_sentences.parquet", columns=["group"])),
        "analyze_seconds": round(seconds, 2),
        "analyze_peak_mb": round(peak, 1),
    }
    if notebooks:
        print("timing fazhi brief (tables reused, every notebook) ...", flush=True)
        seconds, peak, printed = timed_child(["brief", str(corpus), "--tables", str(out), "--out",
                                              str(work / "briefs")])
        print(printed.strip())
        manifest = json.loads((work / "briefs" / "latest" / "manifest.json").read_text(encoding="utf-8"))
        result.update(brief_seconds=round(seconds, 2), brief_peak_mb=round(peak, 1),
                      notebooks={n["name"]: n["duration"] for n in manifest["notebooks"]},
                      failed_notebooks=manifest["failed"])
    result.update(python=platform.python_version(), machine=machine_description())
    print()
    print(f"analyze:      {docs} docs, {result['problems']} problem statements, {result['shared_rows']} shared "
          f"sentence rows in {result['analyze_seconds']} s, peak {result['analyze_peak_mb']:.0f} MiB")
    if notebooks:
        print(f"brief:        {result['brief_seconds']} s, peak {result['brief_peak_mb']:.0f} MiB; "
              + ", ".join(f"{k} {v:.1f} s" for k, v in result["notebooks"].items()))
    print(f"machine:      {result['machine']}, Python {result['python']}")
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=1000, help="number of generated documents (default 1000)")
    ap.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    ap.add_argument("--notebooks", action="store_true", help="also time fazhi brief (every notebook) on the tables")
    ap.add_argument("--keep", metavar="DIR", help="keep corpus, tables and briefs in DIR")
    args = ap.parse_args(argv)
    result = in_workdir(ap, args.keep, ("corpus", "out", "briefs"),
                        lambda work: run(args.docs, args.seed, args.notebooks, work))
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
