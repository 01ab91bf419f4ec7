"""parse_number and is_number_text on numbers as written in reports, and round trips through a reference formatter."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fazhi_lib.numerals import (
    ARABIC,
    CHINESE,
    NUMBER,
    chinese_numeral,
    heading_number,
    is_number_text,
    parse_number,
    span_number,
    year_number,
)

CASES = [
    # Arabic
    ("903", 903), ("0", 0), ("007", 7), ("2023", 2023), ("99.1", 99.1), ("3.2", 3.2), ("0.5", 0.5),
    ("26,000", 26_000), ("26，000", 26_000), ("1,234,567", 1_234_567), ("12,345.6", 12_345.6),
    ("１２３", 123), ("２０２３", 2023), ("９９．１", 99.1), ("３.２", 3.2), ("２６，０００", 26_000),
    # Chinese
    ("〇", 0), ("零", 0), ("一", 1), ("两", 2), ("三", 3), ("九", 9), ("十", 10), ("十二", 12), ("一十二", 12),
    ("二十", 20), ("二十三", 23), ("一百", 100), ("一百零五", 105), ("一百一十", 110), ("一百十", 110),
    ("三百六十五", 365), ("一千", 1000), ("一千零五", 1005), ("一千零五十", 1050), ("一千零一十", 1010),
    ("两千", 2000), ("两百", 200), ("三千五百", 3500), ("一万", 10_000), ("两万", 20_000), ("十万", 100_000),
    ("三万五千", 35_000), ("一万零五", 10_005), ("二十万零五", 200_005), ("一百万", 1_000_000),
    ("一千零五万", 10_050_000), ("一亿", 100_000_000), ("一亿零五十万", 100_500_000), ("三万亿", 3 * 10**12),
    ("一亿二千万", 120_000_000),
    # colloquial abbreviation after 百 and above
    ("三千五", 3500), ("两万五", 25_000), ("一百五", 150), ("一亿五", 150_000_000), ("三千二百五", 3250),
    # digit by digit
    ("二〇二四", 2024), ("二零二四", 2024), ("一九九八", 1998), ("〇五", 5), ("五〇", 50), ("一二三", 123),
    # 大写 and traditional
    ("壹仟贰佰", 1200), ("叁拾", 30), ("伍佰零陆", 506), ("玖萬", 90_000), ("貳億", 200_000_000), ("兩萬", 20_000),
    # Arabic with multipliers
    ("2.5万", 25_000), ("318万", 3_180_000), ("8.3万", 83_000), ("1.2亿", 120_000_000), ("3千", 3000),
    ("2百", 200), ("0.3万", 3000), ("1.05万", 10_500), ("12,345.6万", 123_456_000), ("1亿2000万", 120_000_000),
    ("3万5千", 35_000), ("1.5万亿", 1_500_000_000_000), ("２.５万", 25_000), ("2.5千万", 25_000_000),
    # Chinese decimals
    ("三点五", 3.5), ("零点五", 0.5), ("十二点五", 12.5), ("十二点五万", 125_000), ("三点一四", 3.14),
]  # fmt: skip

NOT_NUMBERS = [
    "", "万", "亿", "百", "千", "千万", "百万", "年", "abc", "是", "一是", "十一五", "十三五", "十十", "百千",
    "一万万", "一亿亿", "一亿万", "两两", "3五", "五3", "26,00", "26,0000", "1,2", "1,,000", ".5", "5.", "1.2.3",
    "1e5", "nan", "inf", "-3", "+3", " 3", "3 ", "3%", "二十余", "十多", "点", "点五", "三点", "1.5点3", "٣",
    "²", "三资", "3资",
]  # fmt: skip

DIGITS = "零一二三四五六七八九"
DAXIE = str.maketrans("一二三四五六七八九十百千", "壹贰叁肆伍陆柒捌玖拾佰仟")


def chinese(n: int, *, liang: bool = False, yi_shi: bool = False) -> str:
    """Reference formatter for 0 <= n < 10**8: 12 → 十二, 10005 → 一万零五, 2000 → 二千 (两千 with liang=True).

    yi_shi=True writes a leading 一十 in full (一十二 instead of 十二)."""

    def section(x: int) -> str:  # 0 < x < 10**4, with 零 for inner gaps
        out, gap = "", False
        for unit, p in (("千", 1000), ("百", 100), ("十", 10), ("", 1)):
            d = x // p % 10
            if d == 0:
                gap = gap or bool(out)
                continue
            if gap:
                out, gap = out + "零", False
            digit = "两" if liang and d == 2 and unit in ("千", "百") else DIGITS[d]
            out += digit + unit
        return out

    if n == 0:
        return "零"
    high, low = divmod(n, 10_000)
    s = ""
    if high:
        s = section(high) + "万"
        if liang and s.startswith("二万"):
            s = "两" + s[1:]
    if low:
        s += ("零" if high and low < 1000 else "") + section(low)
    if not yi_shi and s.startswith("一十"):
        s = s[1:]
    return s


def test_reference_formatter() -> None:
    assert [chinese(n) for n in (0, 10, 12, 105, 1010, 10_005, 20_000, 100_010, 10_050_000)] == [
        "零", "十", "十二", "一百零五", "一千零一十", "一万零五", "二万", "十万零一十", "一千零五万",
    ]  # fmt: skip
    assert chinese(22_222, liang=True) == "两万两千两百二十二"


@pytest.mark.parametrize(("text", "value"), CASES)
def test_cases(text: str, value: float) -> None:
    got = parse_number(text)
    assert isinstance(got, float)
    assert got == value
    assert is_number_text(text)


@pytest.mark.parametrize("text", NOT_NUMBERS)
def test_not_numbers(text: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize("text", ["", "万", "年", "abc", "是", "一是", "三资", " 3", "3%", "点"])
def test_is_number_text_rejects(text: str) -> None:
    assert not is_number_text(text)


@settings(max_examples=1000)
@given(st.integers(0, 99_999_999), st.booleans(), st.booleans(), st.booleans())
def test_chinese_round_trip(n: int, liang: bool, yi_shi: bool, daxie: bool) -> None:
    s = chinese(n, liang=liang, yi_shi=yi_shi)
    if daxie:
        s = s.translate(DAXIE)
    assert parse_number(s) == n, s
    assert is_number_text(s)


@pytest.mark.parametrize("n", [0, 1, 9, 10, 11, 19, 20, 99, 100, 101, 110, 999, 1000, 1001, 1010, 1100, 9999, 10_000,
                               10_001, 10_010, 10_100, 11_000, 100_000, 100_001, 1_000_000, 10_000_000, 10_001_000,
                               99_999_999])  # fmt: skip
def test_chinese_round_trip_edges(n: int) -> None:
    assert parse_number(chinese(n)) == n
    assert parse_number(chinese(n, liang=True, yi_shi=True)) == n


@given(st.integers(0, 10**12), st.sampled_from([",", "，"]), st.booleans())
def test_arabic_separators(n: int, sep: str, full_width: bool) -> None:
    s = f"{n:,}".replace(",", sep)
    if full_width:
        s = s.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert parse_number(s) == n
    assert parse_number(str(n)) == n


@given(st.integers(0, 10**9), st.integers(1, 6), st.sampled_from(["", "万", "亿", "千", "百"]))
def test_arabic_decimals_with_multiplier(digits: int, k: int, unit: str) -> None:
    text = str(digits).rjust(k + 1, "0")
    text = f"{text[:-k]}.{text[-k:]}"
    multiplier = {"": 1, "万": 10**4, "亿": 10**8, "千": 1000, "百": 100}[unit]
    # exact: the value is digits * multiplier / 10**k, correctly rounded (float(text) for no unit)
    assert parse_number(text + unit) == digits * multiplier / 10**k
    if not unit:
        assert parse_number(text) == float(text)


@given(st.text(alphabet="0123456789,，.．点" + CHINESE + "是年余%ab ", max_size=10))
def test_total_and_precheck(s: str) -> None:
    got = parse_number(s)  # never raises
    assert got is None or isinstance(got, float)
    if got is not None:
        assert is_number_text(s)


@given(st.text(max_size=10))
def test_any_text(s: str) -> None:
    got = parse_number(s)
    assert got is None or isinstance(got, float)


def test_patterns_find_candidates() -> None:
    text = "全年发放宣传资料2.5万份，办理案件903件，覆盖26,000人，召开会议十二次，涉案1亿2000万元，2023，2024年。"
    assert re.findall(NUMBER, text) == ["2.5万", "903", "26,000", "十二", "1亿2000万", "2023", "2024"]
    assert re.findall(ARABIC, "２６，０００人、99.1%、3．2个") == ["２６，０００", "99.1", "3．2"]
    assert [parse_number(m) for m in re.findall(NUMBER, text)] == [25_000, 903, 26_000, 12, 120_000_000, 2023, 2024]


# ---- the one module that reads and writes Chinese numerals -----------------------------------------------------


@given(st.integers(min_value=1, max_value=9999))
def test_chinese_numerals_written_are_read_back(n: int):
    assert parse_number(chinese_numeral(n)) == n


def test_small_numbers_of_headings_spans_and_years():
    written = [chinese_numeral(n) for n in (1, 10, 12, 20, 105, 1010)]
    assert written == ["一", "十", "十二", "二十", "一百零五", "一千零一十"]
    headings = ("一", "十二", "二十", "3", "③", "㈢", "⑶", "⒊", "甲")
    assert [heading_number(s) for s in headings] == [1, 12, 20, 3, 3, 3, 3, 3, 0]
    spans = ("两", "十", "十二", "三十", "二十五", "5", "一二三")
    assert [span_number(s) for s in spans] == [2, 10, 12, 30, 25, 5, None]
    years = ("二〇二四", "二○二三", "二零二二", "2021", "二〇二X")
    assert [year_number(s) for s in years] == [2024, 2023, 2022, 2021, None]
