"""Numbers as written in Chinese government reports: ``"903"``, ``"26,000"``, ``"2.5万"``, ``"两万"``, ``"二〇二四"``.

``parse_number(s)`` gives the value of one number string, or None when ``s`` is not a number; ``is_number_text(s)``
is a cheap pre-check (every string ``parse_number`` accepts passes it). Both are pure, keep no state and take no
locale: the caller finds candidates (e.g. with the ``NUMBER`` pattern below), strips approximations such as
余/多/几/近 and units such as 件/人/% first, and decides whether a candidate inside a name (三资, 四议两公开,
十九届六中全会, 一村一法律顾问) is a count at all.

What is read:

* Arabic digits, ASCII or full-width (``１２３``), with thousands separators in groups of three (``26,000``,
  ``26，000``; ``26,00`` is not a number) and a decimal point (``99.1``, ``3．2``).
* Chinese numerals with 〇零一二两三四五六七八九 and the units 十百千万亿, in 大写 too (壹贰叁肆伍陆柒捌玖拾佰仟)
  and with the traditional 兩萬億: ``十`` → 10, ``十二`` → 12, ``一百零五`` → 105, ``三万亿`` → 3e12. A bare unit
  other than 十 is no number (``万``, ``百``, ``千万`` → None: 千万 is usually the adverb). The colloquial
  abbreviation after a unit of 百 or more is read as people read it: ``三千五`` → 3500, ``两万五`` → 25000
  (but ``一万零五`` → 10005).
* Digit-by-digit strings of two or more Chinese digits (no 两): ``二〇二四`` → 2024, ``一九九八`` → 1998.
* Arabic numbers with multipliers, also several groups: ``2.5万`` → 25000, ``1.2亿`` → 1.2e8, ``3千`` → 3000,
  ``1亿2000万`` → 1.2e8. Decimals are scaled exactly (``8.3万`` is 83000.0, not 83000.00000000001).
* A Chinese decimal with 点: ``三点五`` → 3.5, ``十二点五万`` → 125000 (点 is not in ``CHINESE``: in text it is far
  more often 重点/试点/要点 than a decimal point).

Not numbers: ``""``, ``"是"``, ``"年"``, ``"abc"``, ``"一是"`` (the caller strips 是), ``"十一五"`` (a plan's name),
``"1e5"``, ``"nan"``, ``" 3"`` (no whitespace, signs or exponents).

Measured (``python benchmarks/numerals.py``: 62 number strings from report sentences + 8 non-numbers, Python 3.11,
2-core EPYC; cn2an 0.5.24 ``cn2an(s, "smart")``, jionlp 1.5.31 ``parse_money(s)["num"]``)::

    parser               correct   median us/call   903   2.5万   三    两万  (us)
    fazhi_lib.numerals   70 / 70        0.75        0.26  1.5    0.31  0.57
    cn2an smart          64 / 70        9.4         3.3   4.4    9.6   10.5
    jionlp parse_money   59 / 70        8.8         8.0   9.9    7.3   8.7

cn2an rejects thousands separators (26,000 and 26，000) and 十二点五万; jionlp reads 二〇二四 as 8, 两万五 as 20005,
1亿2000万 as 2.2e8, and takes the non-numbers 万, 百, 千万 and 十一五 for numbers. Both are about 12 times slower at the
median (3-30 times on the typical inputs), so this module keeps its own parser and the project depends on
neither. ``cn2an.transform`` cannot be run over whole sentences either: it rewrites names (三资 → 3资,
四议两公开 → 4议两公开, 十九届六中全会 → 19届6中全会, 一村一法律顾问 → 1村1法律顾问, 一是 → 1是).
"""

from __future__ import annotations

import re

ARABIC = r"(?:[0-9０-９]{1,3}(?:[,，][0-9０-９]{3})+(?![0-9０-９])|[0-9０-９]+)(?:[.．][0-9０-９]+)?"
"""Regex (a string) for one Arabic number: ASCII or full-width digits, thousands separators ``,``/``，`` only in
groups of three, an optional decimal part after ``.``/``．``. ``"2023，2024"`` gives two matches, not one."""

CHINESE_DIGITS = "〇零一二两三四五六七八九壹贰叁肆伍陆柒捌玖兩貳參陸"
"""Chinese digit characters (0-9, with 两/兩 = 2 and the 大写 forms)."""

CHINESE_UNITS = "十百千万亿拾佰仟萬億"
"""Chinese unit characters (10, 100, 1000, 10^4, 10^8, also 大写 and traditional)."""

CHINESE = CHINESE_DIGITS + CHINESE_UNITS
"""Every Chinese numeral character ``parse_number`` reads (without 点): use as a regex class ``f"[{CHINESE}]"``."""

NUMBER = rf"(?:{ARABIC}|[{CHINESE}])+"
"""Regex (a string) for a number candidate: a run of Arabic numbers and Chinese numeral characters, e.g. ``2.5万``,
``1亿2000万``, ``三千五百``. It also matches inside names (三资 → ``三``); check each match with ``parse_number``."""

_DIGIT: dict[str, int] = {
    "〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
    "九": 9, "壹": 1, "贰": 2, "貳": 2, "叁": 3, "參": 3, "肆": 4, "伍": 5, "陆": 6, "陸": 6, "柒": 7, "捌": 8,
    "玖": 9,
}  # fmt: skip
_UNIT: dict[str, int] = {
    "十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000,
    "万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000,
}  # fmt: skip
_ARABIC_START = frozenset("0123456789０１２３４５６７８９")
_ARABIC_AT = re.compile(ARABIC)
# Digit-by-digit strings: Chinese digits to ASCII (两 is left out on purpose: 两两 is no number).
_DIGIT_TABLE = {ord(ch): ord(str(v)) for ch, v in _DIGIT.items() if ch not in "两兩"}
_DIGIT_STRING_CHARS = "".join(_DIGIT).replace("两", "").replace("兩", "")
_TO_ASCII = str.maketrans("０１２３４５６７８９，．", "0123456789,.")
_ALL_CHARS = "0123456789０１２３４５６７８９,，.．点" + CHINESE
_NOT_DIGIT_CHARS = ",，.．点" + CHINESE_UNITS.replace("十", "").replace("拾", "")


def is_number_text(s: str) -> bool:
    """Whether ``s`` is made only of characters of numbers and has a digit (or 十): a cheap pre-check.

    Parameters
    ----------
    s : str
        A number candidate.

    Returns
    -------
    bool
        True for every string that ``parse_number`` reads; also True for some it rejects (``"十十"``, ``"1,2"``).
    """
    return bool(s) and not s.strip(_ALL_CHARS) and bool(s.strip(_NOT_DIGIT_CHARS))


def _scaled(num: int | float, den: int, unit: int) -> int | float:
    """``num / den * unit`` exactly as an int when it is whole, else correctly rounded."""
    if den == 1:
        return num * unit
    v = num * unit
    return v // den if v % den == 0 else v / den


def _digit_string(s: str) -> float | None:
    """``二〇二四`` → 2024.0: a string of Chinese digits read digit by digit, else None."""
    if s.strip(_DIGIT_STRING_CHARS):
        return None
    return float(s.translate(_DIGIT_TABLE))


def _arabic(token: str) -> tuple[int, int]:
    """An ``ARABIC`` match as (numerator, denominator): ``"2.5"`` → (25, 10), ``"26,000"`` → (26000, 1)."""
    if not token.isascii():
        token = token.translate(_TO_ASCII)
    token = token.replace(",", "")
    whole, _, frac = token.partition(".")
    if not frac:
        return int(whole), 1
    return int(whole + frac), 10 ** len(frac)


def parse_number(s: str) -> float | None:
    """The value of a number as written in a Chinese report, or None if ``s`` is not a number.

    Arabic digits, also full-width (１２３), with thousands separators (26,000 / 26，000) and decimals (99.1, 3.2);
    Chinese numerals with 〇零一二两三四五六七八九十百千万亿 (三 → 3, 十 → 10, 十二 → 12, 二十 → 20, 一百零五 → 105,
    两万 → 20000, 三千五百 → 3500, 二〇二四 → 2024 digit-by-digit; 十余 is handled by the caller, which strips
    余/多/几 first); mixed Arabic + 万/亿/千/百 multipliers (2.5万 → 25000, 318万 → 3180000, 1.2亿 → 120000000,
    3千 → 3000); 大写 digits 壹贰叁肆伍陆柒捌玖拾佰仟 too. See the module docstring for the exact rules.

    Parameters
    ----------
    s : str
        One number string, without approximations (余/多/几/近) and units.

    Returns
    -------
    float or None
        The value (callers may int() whole values), or None when ``s`` is not a number.
    """
    if s.isascii() and s.isdigit():  # the common case: "903"
        return float(s)
    n = len(s)
    total: int | float = 0  # groups closed by 万 or 亿
    section: int | float = 0  # the current group below 万: 三千五百
    num: int | float | None = None  # the pending number, not yet multiplied by a unit
    den = 1  # num is num / den (a decimal from Arabic digits or 点)
    single = False  # num is one Chinese digit (for 三千五 → 3500)
    last_small = 10_000  # units 十百千 must decrease within a group
    last_unit = 1  # the last unit read (for 三千五)
    zero = False  # a 零 since the last unit (一万零五 → 10005, not 15000)
    seen_wan = seen_yi = False
    i = 0
    while i < n:
        ch = s[i]
        d = _DIGIT.get(ch)
        if d is not None:
            if num is not None:  # two digits in a row: only a digit-by-digit string is a number
                return _digit_string(s)
            if d == 0:
                zero = True
            else:
                num, den, single = d, 1, True
            i += 1
            continue
        u = _UNIT.get(ch)
        if u is not None:
            if u < 10_000:  # 十 百 千
                if u >= last_small:
                    return None
                if num is None:
                    if u != 10:  # a bare 百 or 千 (百姓, 千万) is no number; a bare 十 is 10
                        return None
                    num = 1
                section += _scaled(num, den, u)
                last_small = u
            elif u == 10_000:
                if seen_wan or (num is None and section == 0):
                    return None
                total += section * u + (0 if num is None else _scaled(num, den, u))
                seen_wan = True
                section, last_small = 0, 10_000
            else:  # 亿 multiplies all before it: 三万亿 = 3e12
                if seen_yi or (num is None and section == 0 and not seen_wan):
                    return None
                total = (total + section) * u + (0 if num is None else _scaled(num, den, u))
                seen_yi, seen_wan = True, False
                section, last_small = 0, 10_000
            num, den, single, zero, last_unit = None, 1, False, False, u
            i += 1
            continue
        if ch in _ARABIC_START:
            if num is not None:
                return None
            m = _ARABIC_AT.match(s, i)
            assert m is not None  # ARABIC matches at any digit
            num, den = _arabic(m.group())
            single = False
            i = m.end()
            continue
        if ch == "点":  # 十二点五: everything of the current group before 点 is the whole part
            if num is None and section == 0 and not zero:
                return None
            whole = section + (0 if num is None else num)
            if den != 1 or isinstance(whole, float):
                return None  # 1.5点3
            j = i + 1
            while j < n and s[j] in _DIGIT and s[j] not in "两兩":
                j += 1
            frac = s[i + 1 : j].translate(_DIGIT_TABLE)
            if not frac:
                return None
            den = 10 ** len(frac)
            num, section, single, zero, last_small = whole * den + int(frac), 0, False, False, 10_000
            i = j
            continue
        return None
    if num is not None:
        if single and not zero and last_unit >= 100:  # 三千五 → 3500, 两万五 → 25000
            section += num * last_unit // 10
        else:
            section += num if den == 1 else num / den
    elif n == 0:
        return None
    return float(total + section)


# ---- the small numbers of headings and spans, years written digit by digit, and writing numbers in Chinese ----

#: Numbers written in one character, as word processors and some sites write them: ㈠ = （一）, ⑴ = （1）, ⒈ = 1.
ENCLOSED: dict[str, int] = {**{chr(0x3220 + i): i + 1 for i in range(10)},
                            **{chr(0x2474 + i): i + 1 for i in range(20)},
                            **{chr(0x2488 + i): i + 1 for i in range(20)}}
_HEADING_VALUE = {c: i + 1 for i, c in enumerate("一二三四五六七八九十")}
_SPAN_VALUE = {**_HEADING_VALUE, "两": 2}
_YEAR_DIGITS = {"〇": 0, "零": 0, "○": 0, "O": 0, "0": 0, **{c: i + 1 for i, c in enumerate("一二三四五六七八九")}}
_WRITTEN_DIGITS = "零一二三四五六七八九"


def heading_number(s: str) -> int:
    """The number of a heading's marker.

    Parameters
    ----------
    s : str
        The marker's numeral: a Chinese numeral up to 九十九 (一 → 1, 十二 → 12, 二十 → 20), Arabic digits, a circled
        or enclosed number (③, ㈢, ⑶, ⒊).

    Returns
    -------
    int
        Its value; 0 when it is none of them.
    """
    if s.isascii() and s.isdigit():
        return int(s)
    if s in "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳" and len(s) == 1:
        return ord(s) - ord("①") + 1
    if s in ENCLOSED:
        return ENCLOSED[s]
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (_HEADING_VALUE.get(tens, 1) if tens else 1) * 10 + (_HEADING_VALUE.get(ones, 0) if ones else 0)
    return _HEADING_VALUE.get(s, 0)


def span_number(s: str) -> int | None:
    """A number of years or times as a span is written (三年来, 近两年, 十二年间).

    Parameters
    ----------
    s : str
        Arabic digits or a Chinese numeral up to 九十九, with 两.

    Returns
    -------
    int or None
        Its value; None when ``s`` is not one.
    """
    if s.isdigit():
        return int(s)
    if s == "十":
        return 10
    if len(s) == 1:
        return _SPAN_VALUE.get(s)
    if s.startswith("十"):
        return 10 + _SPAN_VALUE.get(s[1], 0)
    if s.endswith("十"):
        return _SPAN_VALUE.get(s[0], 0) * 10
    if len(s) == 3 and s[1] == "十":
        return _SPAN_VALUE.get(s[0], 0) * 10 + _SPAN_VALUE.get(s[2], 0)
    return None


def year_number(s: str) -> int | None:
    """A year in Arabic digits or written digit by digit in Chinese (二〇二四, 二○二四, 二零二四 → 2024).

    Parameters
    ----------
    s : str
        The year as written.

    Returns
    -------
    int or None
        The year; None when a character is no digit.
    """
    if s.isdigit():
        return int(s)
    try:
        return int("".join(str(_YEAR_DIGITS[c]) for c in s))
    except KeyError:
        return None


def chinese_numeral(n: int) -> str:
    """``n`` written in Chinese as Word's chineseCounting numbering writes it.

    Parameters
    ----------
    n : int
        The number to write.

    Returns
    -------
    str
        1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五; Arabic digits from 10000 on and for 0 and below.
    """
    if n <= 0 or n >= 10000:
        return str(n)
    out = ""
    rest = n
    zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十")):
        d, rest = divmod(rest, value)
        if d:
            if zero:
                out += "零"
                zero = False
            if not (value == 10 and d == 1 and not out):
                out += _WRITTEN_DIGITS[d]
            out += unit
        elif out:
            zero = True
    if rest:
        if zero:
            out += "零"
        out += _WRITTEN_DIGITS[rest]
    return out
