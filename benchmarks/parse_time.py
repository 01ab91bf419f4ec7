"""Time the per-document step (read, clean, metadata, structure, metrics, measures) on very long reports.

    python benchmarks/parse_time.py [--sizes 1 2 4 8 16 20] [--shapes lines one_line short_lines]

For each shape of ``synthetic.generate.long_report`` (a report with a paragraph per line, the same with no line
break at all, a page of short lines) and each size in MB (2**20 bytes of UTF-8), writes the text to a temporary
file and times ``fazhi_lib.parsing.process_file`` on it (CPU time of this process, the best of ``--repeat`` runs).
Prints seconds, MB/s and ``per_mb_ratio`` (seconds per MB divided by that of the smallest size: about 1 when the
time is linear in the length, growing with the size when it is not) and, as the very last line, one JSON object
with every figure.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "tests"):  # a checkout without `pip install -e .`; the generator lives in tests/synthetic
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from synthetic.generate import LONG_SHAPES, long_report  # noqa: E402

from fazhi_lib.parsing import process_file  # noqa: E402

MB = 2**20


def time_file(path: Path, repeat: int) -> tuple[float, dict]:
    """Best CPU seconds of ``repeat`` runs of the per-document step on ``path``, and the last documents row."""
    best, doc = float("inf"), {}
    for _ in range(repeat):
        t0 = time.process_time()
        result = process_file(path, max_mb=path.stat().st_size / MB + 1)
        best = min(best, time.process_time() - t0)
        doc = result.document
    return best, doc


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=float, nargs="+", default=[1, 2, 4, 8, 16, 20], help="sizes in MB")
    ap.add_argument("--shapes", nargs="+", default=list(LONG_SHAPES), choices=LONG_SHAPES)
    ap.add_argument("--repeat", type=int, default=1, help="runs per file; the best is kept")
    args = ap.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for shape in args.shapes:
            first_per_mb = None
            for size in sorted(args.sizes):
                path = Path(tmp) / f"{shape}_{size:g}MB.txt"
                path.write_text(long_report(shape, int(size * MB)), encoding="utf-8")
                seconds, doc = time_file(path, args.repeat)
                path.unlink()
                per_mb = seconds / size
                first_per_mb = first_per_mb or per_mb
                row = dict(shape=shape, mb=size, seconds=round(seconds, 3), mb_per_s=round(size / seconds, 3),
                           per_mb_ratio=round(per_mb / first_per_mb, 2), status=doc.get("status"),
                           sections=doc.get("n_sections"), items=doc.get("n_items"))
                results.append(row)
                print(f"{shape:12} {size:6g} MB {seconds:8.2f} s {row['mb_per_s']:7.2f} MB/s "
                      f"per-MB ratio {row['per_mb_ratio']:5.2f}  ({row['status']}, {row['sections']} sections, "
                      f"{row['items']} items)", flush=True)
    print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
