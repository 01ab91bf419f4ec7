"""Benchmark ``fazhi ingest`` on a generated corpus.

    python benchmarks/ingest.py --docs 10000 [--jobs 1] [--seed 0] [--keep DIR]

1. Generates ``--docs`` synthetic reports with :mod:`synthetic.generate` (not timed).
2. Times ``fazhi_lib.cli.main(["ingest", corpus, "-o", out, "--jobs", jobs])`` in this process.
3. Reads peak memory (``ru_maxrss`` of this process and of its largest child process).
4. Times ``jieba.lcut`` over the same texts (``texts.parquet`` column ``text`` from the ingest
   output, or the generated files themselves when there is no such file), as a yardstick:
   ``jieba_ratio = ingest seconds / jieba seconds``.

Prints a human-readable summary and, as the very last line, one JSON object with the keys
docs, seconds, docs_per_s, mb_per_s, peak_mb, jieba_seconds, jieba_ratio, jobs, python, machine.
MB are 10**6 bytes of input files on disk; peak_mb is in MiB (max of this process and its
largest child).
"""

from __future__ import annotations

import argparse
import html
import json
import logging
import os
import platform
import re
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "tests"):  # a checkout without `pip install -e .`; the generator lives in tests/synthetic
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))


def maxrss_mib(who: int) -> float:
    """Peak resident set size in MiB (Linux reports KiB, macOS bytes)."""
    rss = resource.getrusage(who).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 2**10


def machine_description() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, {cpu}"


def _strip_html(text: str) -> str:
    text = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", text)
    return html.unescape(re.sub(r"<[^>]+>", "\n", text))


def texts_for_jieba(out_dir: Path, corpus_dir: Path, truth: list[dict]) -> tuple[list[str], str]:
    parquet = out_dir / "texts.parquet"
    if parquet.exists():
        import pandas as pd

        texts = pd.read_parquet(parquet, columns=["text"])["text"].dropna().astype(str).tolist()
        return texts, str(parquet.name)
    texts = []
    for row in truth:
        text = (corpus_dir / row["file"]).read_bytes().decode(row["encoding"])
        texts.append(_strip_html(text) if row["format"] == "html" else text)
    return texts, "generated files (no texts.parquet in the output)"


def time_jieba(texts: list[str]) -> float:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()  # loading the dictionary is not part of the yardstick
    t0 = time.perf_counter()
    for text in texts:
        jieba.lcut(text)
    return time.perf_counter() - t0


def run(docs: int, jobs: int, seed: int, work: Path) -> dict:
    from synthetic import generate

    corpus_dir, out_dir = work / "corpus", work / "out"
    t0 = time.perf_counter()
    truth = generate.generate_corpus(docs, corpus_dir, seed=seed)
    gen_seconds = time.perf_counter() - t0
    input_bytes = sum((corpus_dir / r["file"]).stat().st_size for r in truth)
    input_mb = input_bytes / 1e6
    print(f"generated {docs} documents ({input_mb:.1f} MB) in {gen_seconds:.1f} s -> {corpus_dir}")

    t0 = time.perf_counter()
    from fazhi_lib import cli

    import_seconds = time.perf_counter() - t0
    rss_before = maxrss_mib(resource.RUSAGE_SELF)
    argv = ["ingest", str(corpus_dir), "-o", str(out_dir), "--jobs", str(jobs)]
    print(f"timing fazhi_lib.cli.main({argv!r}) ...", flush=True)
    t0 = time.perf_counter()
    code = cli.main(argv)
    seconds = time.perf_counter() - t0
    peak_self = maxrss_mib(resource.RUSAGE_SELF)
    peak_children = maxrss_mib(resource.RUSAGE_CHILDREN)
    if code not in (0, None):
        raise SystemExit(f"ingest failed with exit code {code}")

    texts, source = texts_for_jieba(out_dir, corpus_dir, truth)
    print(f"timing jieba.lcut over {len(texts)} texts from {source} ...", flush=True)
    jieba_seconds = time_jieba(texts)

    result = {
        "docs": docs,
        "seconds": round(seconds, 3),
        "docs_per_s": round(docs / seconds, 1) if seconds else None,
        "mb_per_s": round(input_mb / seconds, 3) if seconds else None,
        "peak_mb": round(max(peak_self, peak_children), 1),
        "jieba_seconds": round(jieba_seconds, 3),
        "jieba_ratio": round(seconds / jieba_seconds, 3) if jieba_seconds else None,
        "jobs": jobs,
        "python": platform.python_version(),
        "machine": machine_description(),
    }
    print()
    print(f"ingest:       {docs} docs, {input_mb:.1f} MB in {seconds:.2f} s "
          f"({result['docs_per_s']} docs/s, {result['mb_per_s']} MB/s), jobs={jobs}")
    print(f"              (importing fazhi_lib.cli took {import_seconds:.2f} s, not counted)")
    print(f"peak memory:  this process {peak_self:.0f} MiB (before ingest {rss_before:.0f} MiB), "
          f"largest child {peak_children:.0f} MiB")
    print(f"jieba.lcut:   {jieba_seconds:.2f} s over the same texts; ingest/jieba = {result['jieba_ratio']}")
    print(f"machine:      {result['machine']}, Python {result['python']}")
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=1000, help="number of generated documents (default 1000)")
    ap.add_argument("--jobs", type=int, default=1, help="passed to `fazhi ingest --jobs` (default 1)")
    ap.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    ap.add_argument("--keep", metavar="DIR", help="keep corpus and output in DIR/corpus and DIR/out")
    args = ap.parse_args(argv)
    result = in_workdir(ap, args.keep, ("corpus", "out"), lambda work: run(args.docs, args.jobs, args.seed, work))
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


def in_workdir(ap: argparse.ArgumentParser, keep: str | None, subdirs: tuple[str, ...],
               run_in: Callable[[Path], dict]) -> dict:
    """``run_in(work)`` in the ``--keep`` directory (its ``subdirs`` must be empty or absent), else in a temporary
    directory removed afterwards; returns its result."""
    if keep:
        work = Path(keep)
        for sub in subdirs:
            if (work / sub).exists() and any((work / sub).iterdir()):
                ap.error(f"{work / sub} exists and is not empty; remove it or pick another --keep DIR")
        work.mkdir(parents=True, exist_ok=True)
        return run_in(work)
    with tempfile.TemporaryDirectory(prefix="fazhi-bench-") as tmp:
        return run_in(Path(tmp))


if __name__ == "__main__":
    raise SystemExit(main())
