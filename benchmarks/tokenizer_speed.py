"""Throughput of ``fazhi_lib.tokens.tokenize`` with its two backends, rjieba (jieba-rs) and jieba.

    python benchmarks/tokenizer_speed.py [--mb 5] [--repeat 3]

The texts are the five seed reports (``seeds/*.txt``), repeated until they hold about ``--mb`` MB of UTF-8; each
copy is one ``tokenize`` call, as for one report. Building each backend's dictionary is done (and timed) first,
outside the measurement. For each backend it times ``tokenize(text, backend=...)`` (the project's tokens: cut,
numbers, punctuation and stopwords dropped) and the raw cut alone (``rjieba.Jieba.cut`` / ``jieba.Tokenizer.lcut``,
HMM off), best of ``--repeat`` runs, and checks that both backends give the same tokens. rjieba is skipped when it is
not installed. The last line of stdout is one JSON line::

    {"mb": 5.0, "docs": 1160, "jieba_mb_per_s": ..., "rjieba_mb_per_s": ..., "speedup": ..., "same_tokens": true, ...}
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# This file is named like the standard library's ``tokenize`` module: keep its directory off the import path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
if str(ROOT) not in sys.path:  # run from a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

from fazhi_lib import tokens as tok  # noqa: E402


def corpus(mb: float) -> list[str]:
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    if not seeds:
        sys.exit("no seeds/*.txt")
    docs: list[str] = []
    size = 0
    while size < mb * 1e6:
        for text in seeds:
            docs.append(text)
            size += len(text.encode("utf-8"))
    return docs


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=5.0, help="MB of UTF-8 text to tokenize (default 5)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best counts (default 3)")
    args = parser.parse_args(argv)

    docs = corpus(args.mb)
    mb = sum(len(d.encode("utf-8")) for d in docs) / 1e6
    print(f"{len(docs)} documents, {mb:.2f} MB (seeds repeated), best of {args.repeat} runs")
    backends = ["jieba"] + (["rjieba"] if importlib.util.find_spec("rjieba") else [])
    if len(backends) == 1:
        print("rjieba is not installed: only jieba is measured")

    result: dict[str, object] = {"mb": round(mb, 3), "docs": len(docs)}
    tokens: dict[str, list[list[str]]] = {}
    for name in backends:
        start = time.perf_counter()
        cutter = tok.rjieba_tokenizer() if name == "rjieba" else tok.tokenizer()
        tok.tokenize("预热：法律明白人", backend=name)  # type: ignore[arg-type]
        init = time.perf_counter() - start
        if name == "rjieba":
            def raw(c=cutter):
                return [c.cut(d, False) for d in docs]
        else:
            def raw(c=cutter):
                return [c.lcut(d, HMM=False) for d in docs]
        raw_s = best(raw, args.repeat)
        full_s = best(lambda n=name: tokens.__setitem__(n, [tok.tokenize(d, backend=n) for d in docs]), args.repeat)
        print(f"{name:>6}: dictionary {init:5.2f} s | tokenize {mb / full_s:6.2f} MB/s ({full_s:.2f} s)"
              f" | raw cut {mb / raw_s:6.2f} MB/s ({raw_s:.2f} s)")
        result |= {f"{name}_mb_per_s": round(mb / full_s, 3), f"{name}_cut_mb_per_s": round(mb / raw_s, 3),
                   f"{name}_init_s": round(init, 3)}
    if "rjieba" in tokens:
        same = tokens["rjieba"] == tokens["jieba"]
        speedup = result["rjieba_mb_per_s"] / result["jieba_mb_per_s"]  # type: ignore[operator]
        cut_speedup = result["rjieba_cut_mb_per_s"] / result["jieba_cut_mb_per_s"]  # type: ignore[operator]
        print(f"speed-up of rjieba: tokenize {speedup:.1f}x, raw cut {cut_speedup:.1f}x; same tokens: {same}")
        result |= {"speedup": round(speedup, 2), "cut_speedup": round(cut_speedup, 2), "same_tokens": same}
    result |= {"python": platform.python_version(), "machine": f"{platform.system()} {platform.machine()}"}
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
