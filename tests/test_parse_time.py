"""Parsing time grows linearly with a report's length: a 4 MB report costs at most six times a 1 MB one.

A ratio of the same machine's times, with a generous margin (linear is about 4); ``benchmarks/parse_time.py``
prints the figures up to 20 MB.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from synthetic.generate import LONG_SHAPES, long_report

from fazhi_lib.parsing import process_file

MB = 2**20


def _seconds(path: Path, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        result = process_file(path)
        best = min(best, time.process_time() - t0)
    assert result.document["status"] in ("ok", "warning"), result.document["message"]
    return best


@pytest.mark.parametrize("shape", LONG_SHAPES)
def test_four_megabytes_cost_at_most_six_times_one(tmp_path: Path, shape: str):
    small, large = tmp_path / "one.txt", tmp_path / "four.txt"
    small.write_text(long_report(shape, MB), encoding="utf-8")
    large.write_text(long_report(shape, 4 * MB), encoding="utf-8")
    t1 = _seconds(small, repeat=2)
    t4 = _seconds(large, repeat=1)
    assert t4 <= 6 * t1, f"{shape}: 1 MB {t1:.2f} s, 4 MB {t4:.2f} s ({t4 / t1:.1f} times)"
