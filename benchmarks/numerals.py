"""Compare ``fazhi_lib.numerals.parse_number`` with cn2an and jionlp on number strings from report sentences.

    python benchmarks/numerals.py [--repeat 2000]

Libraries are used only when installed (they are not dependencies of the project); to measure them, install them
into a throwaway environment and run this script with its interpreter::

    python3 -m venv /tmp/numvenv && /tmp/numvenv/bin/pip install cn2an jionlp
    /tmp/numvenv/bin/python benchmarks/numerals.py

Each parser gets every string of ``CASES`` (62 numbers as they stand in reports, with the value a reader takes
from them) and ``NOT_NUMBERS`` (strings a candidate regex also finds, which must give None). A parser is right on
a number when its value equals the expected one within 1e-9 (relative), and right on a non-number when it returns
None or raises. Time per call is the median over all strings of the best of 5 runs of ``--repeat`` calls each.
Finally it shows what ``cn2an.transform`` does to whole sentences with names in them.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import sys
import timeit
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT))

from fazhi_lib.numerals import parse_number  # noqa: E402

# (string as found in a report, value; comment: the sentence it comes from)
CASES: list[tuple[str, float]] = [
    ("903", 903),  # 全年办理行政复议案件903件
    ("99.1", 99.1),  # 群众满意度达99.1%
    ("2.5万", 25_000),  # 发放普法资料2.5万份
    ("318万", 3_180_000),  # 挽回经济损失318万元
    ("8.3万", 83_000),  # 受众8.3万人次
    ("1.2亿", 120_000_000),  # 涉案金额1.2亿元
    ("三", 3),  # 召开专题会议三次
    ("十", 10),  # 开展培训十场
    ("十二", 12),  # 会前学法十二次
    ("两万", 20_000),  # 发放宣传册两万余份 (余 stripped)
    ("二十", 20),  # 二十余 → 二十
    ("一百零五", 105),  # 一百零五件
    ("26,000", 26_000),  # 覆盖26,000人
    ("26，000", 26_000),  # 覆盖26，000人 (full-width comma)
    ("１２３", 123),  # 受理１２３件 (full-width digits)
    ("3千", 3_000),  # 3千余人
    ("三千五百", 3_500),  # 三千五百份
    ("〇", 0),  # 败诉率为〇
    ("二〇二四", 2024),  # 二〇二四年
    ("壹仟贰佰", 1_200),  # 大写 amount
    ("12", 12),  # 12个乡镇
    ("2023", 2023),  # 2023年
    ("100", 100),  # 100%
    ("0", 0),  # 败诉0件
    ("3.2", 3.2),  # 同比下降3.2个百分点
    ("0.5", 0.5),  # 0.5个百分点
    ("1,234", 1_234),  # 1,234件
    ("12,345.6", 12_345.6),  # 12,345.6万元 (before 万)
    ("1,000,000", 1_000_000),  # 1,000,000元
    ("２０２３", 2023),  # ２０２３年 (full-width)
    ("９９．１", 99.1),  # ９９．１% (full-width point)
    ("5万", 50_000),  # 5万元
    ("12.8万", 128_000),  # 12.8万人次
    ("0.3万", 3_000),  # 0.3万
    ("3.5亿", 350_000_000),  # 3.5亿元
    ("1000万", 10_000_000),  # 1000万元
    ("1.05万", 10_500),  # 1.05万件
    ("2百", 200),  # 2百余人
    ("1亿2000万", 120_000_000),  # 1亿2000万元
    ("四", 4),  # 四个方面
    ("五", 5),  # 五项制度
    ("两", 2),  # 两个平台
    ("十五", 15),  # 十五个部门
    ("十九", 19),  # 十九届
    ("二十三", 23),  # 二十三个村
    ("三十", 30),  # 三十余次
    ("一百", 100),  # 一百件
    ("一百二十", 120),  # 一百二十人
    ("三百六十五", 365),  # 三百六十五天
    ("一千", 1_000),  # 一千余份
    ("一千零一十", 1_010),  # 一千零一十件
    ("两千", 2_000),  # 两千余人
    ("一万", 10_000),  # 一万余份
    ("十万", 100_000),  # 十万余人次
    ("三万五千", 35_000),  # 三万五千份
    ("二十万零五", 200_005),  # 二十万零五元
    ("一亿", 100_000_000),  # 一亿元
    ("两万五", 25_000),  # 两万五 (colloquial)
    ("三点五", 3.5),  # 三点五个百分点
    ("十二点五万", 125_000),  # 十二点五万
    ("一九九八", 1998),  # 一九九八年
    ("零", 0),  # 零投诉
]

TYPICAL = ["903", "2.5万", "三", "两万"]

NOT_NUMBERS: list[str] = ["", "万", "年", "abc", "是", "十一五", "百", "千万"]

SENTENCES = [
    "深入推进农村“三资”管理，全面落实“四议两公开”工作法。",
    "认真学习贯彻党的十九届六中全会精神，实现一村一法律顾问全覆盖。",
    "全年开展普法活动三十余场，发放宣传资料2.5万份，办理行政复议案件903件。",
    "一是加强组织领导，二是健全制度机制，三是强化监督考核。",
]


def _ours(s: str) -> float | None:
    return parse_number(s)


def _parsers() -> dict[str, Callable[[str], float | None]]:
    """The parsers to compare: ours and each library that is installed."""
    parsers: dict[str, Callable[[str], float | None]] = {"fazhi_lib.numerals": _ours}
    try:
        import cn2an  # type: ignore[import-not-found]
    except ImportError:
        print("cn2an not installed: skipped")
    else:

        def _cn2an(s: str) -> float | None:
            try:
                return float(cn2an.cn2an(s, "smart"))
            except Exception:
                return None

        parsers[f"cn2an {cn2an.__version__} cn2an(s, 'smart')"] = _cn2an
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # jionlp prints a banner on import
            import jionlp  # type: ignore[import-not-found]
    except ImportError:
        print("jionlp not installed: skipped")
    else:

        def _jionlp(s: str) -> float | None:
            try:
                return float(jionlp.parse_money(s)["num"])
            except Exception:
                return None

        parsers[f"jionlp {jionlp.__version__} parse_money(s)['num']"] = _jionlp
    return parsers


def _right(got: float | None, want: float | None) -> bool:
    if want is None or got is None:
        return got is want
    return abs(got - want) <= 1e-9 * max(1.0, abs(want))


def _us_per_call(fn: Callable[[str], float | None], s: str, repeat: int) -> float:
    return min(timeit.repeat(lambda: fn(s), number=repeat, repeat=5)) / repeat * 1e6


def main(argv: list[str] | None = None) -> int:
    """Print the correctness table, the wrong answers of each parser and what cn2an.transform does."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=2000, help="calls per timing run (default 2000)")
    args = ap.parse_args(argv)
    parsers = _parsers()
    expected: list[tuple[str, float | None]] = [*CASES, *((s, None) for s in NOT_NUMBERS)]
    rows = []
    wrong: dict[str, list[str]] = {}
    for name, fn in parsers.items():
        bad = []
        for s, want in expected:
            got = fn(s)
            if not _right(got, want):
                bad.append(f"{s!r}: {got} (want {want})")
        times = [_us_per_call(fn, s, args.repeat) for s, _ in expected]
        rows.append((name, len(expected) - len(bad), statistics.median(times), max(times)))
        wrong[name] = bad
    print(f"\n{len(CASES)} numbers + {len(NOT_NUMBERS)} non-numbers, Python {sys.version.split()[0]}\n")
    width = max(len(r[0]) for r in rows)
    print(f"{'parser':<{width}}  {'correct':>9}  {'median us':>9}  {'max us':>7}")
    for name, ok, med, worst in rows:
        print(f"{name:<{width}}  {ok:>4} / {len(expected):<2}  {med:>9.2f}  {worst:>7.2f}")
    print(f"\nus per call on typical inputs:\n{'parser':<{width}}  " + "  ".join(f"{s:>7}" for s in TYPICAL))
    for name, fn in parsers.items():
        cells = "  ".join(f"{_us_per_call(fn, s, args.repeat):>7.2f}" for s in TYPICAL)
        print(f"{name:<{width}}  {cells}")
    for name, bad in wrong.items():
        if bad:
            print(f"\nwrong in {name}:")
            for line in bad:
                print("   ", line)
    try:
        import cn2an
    except ImportError:
        return 0
    print("\ncn2an.transform(sentence, 'cn2an') on whole sentences:")
    for sentence in SENTENCES:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # cn2an warns about a bare 万 it cannot convert
            out = cn2an.transform(sentence, "cn2an")
        print("   ", sentence)
        print(" → ", out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
