"""The canonical indicators of reported numbers: ``vocab/indicators.csv`` and ``canonical_indicator``.

The vocabulary gives a canonical name, the kind and units a number must have, and the phrasings that name it;
``canonical_indicator`` names the number a report states with it. The parsing layer (``fazhi_lib.metrics``) gives
every metric its canonical indicator with it; the views that compare reports (``fazhi_lib.compare``) read the same
vocabulary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from fazhi_lib.vocabulary import per_vocabulary, read_rows

__all__ = ["CLAUSE_BREAKS", "RATE_KINDS", "IndicatorRule", "canonical_indicator", "indicator_rules",
           "indicator_vocabulary"]

RATE_KINDS = frozenset({"percent"})
CLAUSE_BREAKS = "，,；;。！!？?：:\n、"


# ---- the indicator vocabulary ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorRule:
    """One row of ``vocab/indicators.csv``: a canonical indicator and one group of its phrasings."""

    canonical: str
    unit_kind: str  # "" = any kind
    measure: str  # flow / stock / rate
    units: re.Pattern[str] | None  # the unit must match in full; None = any unit
    pattern: re.Pattern[str]
    note: str

    def fits(self, unit_kind: str | None, unit: str | None) -> bool:
        """Whether a number of this kind and unit can be this indicator (unknown kind or unit: yes).

        Parameters
        ----------
        unit_kind : str or None
            The number's kind of unit (count, percent, money …), or None when unknown.
        unit : str or None
            The number's unit (件, 人次, % …), or None when unknown.

        Returns
        -------
        bool
            False when the rule's kind or units say otherwise.
        """
        if unit_kind and self.unit_kind and unit_kind != self.unit_kind:
            return False
        return not (unit and self.units is not None and not self.units.fullmatch(unit))


@per_vocabulary
def indicator_rules() -> tuple[IndicatorRule, ...]:
    """The rows of ``vocab/indicators.csv`` with compiled expressions, in file order (parsed once per process).

    Returns
    -------
    tuple of IndicatorRule
        One rule per row of the active vocabulary.

    Raises
    ------
    ValueError
        Naming the row, when a regular expression does not compile.
    """
    rules = []
    for row in read_rows("indicators.csv"):
        try:
            pattern = re.compile(row["pattern"])
            units = re.compile(row["units"]) if row.get("units") else None
        except (re.error, KeyError) as exc:
            raise ValueError(f"indicators.csv: bad row for {row.get('canonical')!r}: {exc}") from exc
        measure = row.get("measure") or ("rate" if row.get("unit_kind") in RATE_KINDS else "flow")
        rules.append(IndicatorRule(row["canonical"], row.get("unit_kind", ""), measure, units, pattern,
                                   row.get("note", "")))
    return tuple(rules)


def indicator_vocabulary() -> pd.DataFrame:
    """The indicator vocabulary as a DataFrame, in file order.

    Returns
    -------
    pandas.DataFrame
        One row per row of ``vocab/indicators.csv``: canonical, unit_kind, measure, units, note, pattern (the
        expressions as written).
    """
    return pd.DataFrame([
        {"canonical": r.canonical, "unit_kind": r.unit_kind, "measure": r.measure,
         "units": r.units.pattern if r.units is not None else "", "note": r.note, "pattern": r.pattern.pattern}
        for r in indicator_rules()
    ])


def _norm(text: object) -> str:
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    return "".join(str(text).split())


def _opt(value: object) -> str | None:
    s = _norm(value)
    return s or None


@per_vocabulary(maxsize=1 << 16)
def _canonical(texts: tuple[str, ...], unit_kind: str | None, unit: str | None) -> str | None:
    rules = [r for r in indicator_rules() if r.fits(unit_kind, unit)]
    for text in dict.fromkeys(texts):
        if text:
            for rule in rules:
                if rule.pattern.search(text):
                    return rule.canonical
    return None


@lru_cache(maxsize=8)
def _breaks_re(breaks: str) -> re.Pattern[str]:
    return re.compile(f"[{re.escape(breaks)}]")


def _clause_at(text: str, i: int, j: int, breaks: str = CLAUSE_BREAKS) -> str:
    """The part of ``text`` around ``text[i:j]`` between the nearest ``breaks`` characters on either side."""
    rx = _breaks_re(breaks)
    lo = 0
    for m in rx.finditer(text, 0, i):
        lo = m.end()
    end = rx.search(text, j)
    return text[lo:end.start() if end else len(text)]


def _focus(context: str, indicator: str) -> tuple[str, str]:
    """The clause of ``context`` where the indicator phrase stands (found whole, else by its longest tail of two or
    more characters), split at ，；：、。 and split only at ，；：。; the whole context twice when the phrase is not
    in it."""
    if context and indicator:
        for k in range(len(indicator), 1, -1):
            i = context.rfind(indicator[-k:])
            if i >= 0:
                return _clause_at(context, i, i + k), _clause_at(context, i, i + k, CLAUSE_BREAKS.replace("、", ""))
    return context, context


def canonical_indicator(indicator: str, context: str = "", *, unit_kind: str | None = None,
                        unit: str | None = None) -> str | None:
    """The canonical indicator of a reported number, or None when no vocabulary row matches.

    The patterns are tried on the indicator phrase first; only when none matches, on the clause of ``context`` that
    holds the phrase (split at ，；：、。), then on that clause split only at ，；：。 — never on a whole sentence, so
    that a word of a neighbouring clause cannot name the number. Cached: cheap to call for every row.

    Parameters
    ----------
    indicator : str
        The phrase the number measures (调解成功率, 发放法治宣传资料).
    context : str, optional
        The sentence (or clause) the number stands in.
    unit_kind : str, optional
        The number's kind of unit (count, percent, money …), when known.
    unit : str, optional
        The number's unit (份, 人次, % …), when known. Pass both: the unit tells sessions 场/次 from persons 人/名.

    Returns
    -------
    str or None
        The ``canonical`` name of the first row of ``vocab/indicators.csv`` whose pattern matches and whose
        unit_kind and units fit (rows with an empty unit_kind or units fit anything); None when none does.

    Examples
    --------
    >>> canonical_indicator
("调解成功率", unit_kind="percent")
    '调解成功率'
    >>> canonical_indicator("成功调解", unit_kind="count", unit="件")
    '调解矛盾纠纷数'
    """
    ind = _norm(indicator)
    return _canonical((ind, *_focus(_norm(context), ind)), _opt(unit_kind), _opt(unit))


def _rule_of(canonical: str) -> IndicatorRule | None:
    return _rules_by_name().get(canonical)


@per_vocabulary
def _rules_by_name() -> dict[str, IndicatorRule]:
    out: dict[str, IndicatorRule] = {}
    for r in indicator_rules():
        out.setdefault(r.canonical, r)
    return out


@per_vocabulary
def _vocab_kinds() -> dict[str, tuple[str, ...]]:
    kinds: dict[str, list[str]] = {}
    for r in indicator_rules():
        lst = kinds.setdefault(r.canonical, [])
        if r.unit_kind and r.unit_kind not in lst:
            lst.append(r.unit_kind)
    return {k: tuple(v) for k, v in kinds.items()}
