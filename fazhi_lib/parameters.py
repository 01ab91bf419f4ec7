"""The parameters of the notebooks and the numeric options of the commands: their types, ranges and checks.

A notebook declares its parameters in its ``parameters`` cell (``n_topics = "auto"``); this module says what each
may be (``SPECS``: an integer from 1 to 500 or "auto", one of "words" and "chars" …). ``fazhi brief`` checks every
``-p NAME VALUE`` here before any notebook runs (``check_parameters``): a value out of range stops the command at once
with the allowed range, a name no notebook declares with the closest one that exists. A parameter of a notebook of
your own that is not listed here must have the type of its default value. ``fazhi analyze`` and ``fazhi ingest``
check their numeric options with the same specs (``argument``).
"""

from __future__ import annotations

import argparse
import ast
import difflib
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from fazhi_lib.compare import indicator_vocabulary
from fazhi_lib.diffusion import dimension_labels
from fazhi_lib.i18n import LANGS

__all__ = [
    "SPECS",
    "Choice",
    "Flag",
    "Integer",
    "Number",
    "ParameterError",
    "Spec",
    "Text",
    "TextList",
    "argument",
    "check_parameters",
    "parse_value",
    "spec_for",
]


class ParameterError(ValueError):
    """A parameter value out of its range or of the wrong type, or a parameter name no notebook declares."""


def parse_value(text: str) -> object:
    """A command-line parameter value, read as a Python literal or else taken as text.

    Parameters
    ----------
    text : str
        The value as written after ``-p NAME``.

    Returns
    -------
    object
        The literal (``3``, ``0.5``, ``None``, ``["a", "b"]``), or else ``text`` itself.
    """
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def _must(name: str, allowed: str, value: object) -> str:
    """The message for a bad value: ``n_topics must be an integer from 1 to 500, or 'auto', not -5`` (without the
    name when argparse names the option itself)."""
    return f"{name} must be {allowed}, not {value!r}" if name else f"must be {allowed}, not {value!r}"


@dataclass(frozen=True)
class Spec:
    """What a parameter may be.

    ``check`` returns the value (a whole float such as 5.0 as the int 5 where an integer is wanted) or raises
    ParameterError saying what is allowed. The fields of these dataclasses are also their constructor's parameters.

    Attributes
    ----------
    none : bool, default False
        Whether None is allowed (it means "all" or "none" there); keyword-only.
    """

    none: bool = field(default=False, kw_only=True)  # None is allowed (it means "all" or "none" there)

    def describe(self) -> str:  # pragma: no cover - every spec below says it
        """What the values allowed are, in words (``an integer from 1 to 500``).

        Returns
        -------
        str
            The description, for error messages.
        """
        raise NotImplementedError

    def _check(self, value: object) -> object:  # pragma: no cover
        raise NotImplementedError

    def full_description(self) -> str:
        """``describe``, with ``, or None`` when None is allowed.

        Returns
        -------
        str
            The description, for error messages.
        """
        return self.describe() + (", or None" if self.none else "")

    def check(self, name: str, value: object) -> object:
        """The value, checked.

        Parameters
        ----------
        name : str
            The parameter's name, for the message ("" when argparse names the option itself).
        value : object
            The value given.

        Returns
        -------
        object
            The value (a whole float such as 5.0 as the int 5 where an integer is wanted).

        Raises
        ------
        ParameterError
            When the value is not allowed, saying what is.
        """
        if value is None and self.none:
            return None
        try:
            return self._check(value)
        except (TypeError, ValueError):
            raise ParameterError(_must(name, self.full_description(), value)) from None


@dataclass(frozen=True)
class Integer(Spec):
    """A whole number from ``low`` to ``high`` (inclusive), or one of the words in ``words`` (such as "auto").

    Attributes
    ----------
    low : int, optional
        The smallest value allowed (default: no bound).
    high : int, optional
        The largest value allowed (default: no bound).
    words : tuple of str, optional
        Words allowed instead of a number.
    none : bool, default False
        Whether None is allowed; keyword-only.
    """

    low: int | None = None
    high: int | None = None
    words: tuple[str, ...] = ()

    def describe(self) -> str:
        """What the values allowed are: ``an integer from 1 to 500, or 'auto'``.

        Returns
        -------
        str
            The description, for error messages.
        """
        if self.low is not None and self.high is not None:
            text = f"an integer from {self.low} to {self.high}"
        elif self.low is not None:
            text = f"an integer of at least {self.low}"
        else:
            text = "an integer"
        return text + "".join(f", or {w!r}" for w in self.words)

    def _check(self, value: object) -> object:
        if isinstance(value, str) and value in self.words:
            return value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError
        if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            raise ValueError
        return value


@dataclass(frozen=True)
class Number(Spec):
    """A number from ``low`` to ``high`` (inclusive; ``above`` makes ``low`` itself not allowed).

    Attributes
    ----------
    low : float, optional
        The smallest value allowed (default: no bound).
    high : float, optional
        The largest value allowed (default: no bound).
    above : bool, default False
        Whether ``low`` itself is not allowed (a value must be above it).
    none : bool, default False
        Whether None is allowed; keyword-only.
    """

    low: float | None = None
    high: float | None = None
    above: bool = False

    def describe(self) -> str:
        """What the values allowed are: ``a number from 0.0 to 1.0 (above 0.0)``.

        Returns
        -------
        str
            The description, for error messages.
        """
        if self.low is not None and self.high is not None:
            return f"a number from {self.low} to {self.high}" + (f" (above {self.low})" if self.above else "")
        if self.low is not None:
            return f"a number {'above' if self.above else 'of at least'} {self.low}"
        return "a number"

    def _check(self, value: object) -> object:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise TypeError
        if self.low is not None and (value < self.low or (self.above and value == self.low)):
            raise ValueError
        if self.high is not None and value > self.high:
            raise ValueError
        return value


@dataclass(frozen=True)
class Flag(Spec):
    """True or False.

    Attributes
    ----------
    none : bool, default False
        Whether None is allowed; keyword-only.
    """

    def describe(self) -> str:
        """What the values allowed are: ``True or False``.

        Returns
        -------
        str
            The description, for error messages.
        """
        return "True or False"

    def _check(self, value: object) -> object:
        if not isinstance(value, bool):
            raise TypeError
        return value


@dataclass(frozen=True)
class Text(Spec):
    """Any text (a path, an id).

    Attributes
    ----------
    none : bool, default False
        Whether None is allowed; keyword-only.
    """

    def describe(self) -> str:
        """What the values allowed are: ``a text``.

        Returns
        -------
        str
            The description, for error messages.
        """
        return "a text"

    def _check(self, value: object) -> object:
        if not isinstance(value, str):
            raise TypeError
        return value


@dataclass(frozen=True)
class Choice(Spec):
    """One of a fixed list of words, or of the words ``options()`` gives (read from a vocabulary when needed).

    Attributes
    ----------
    values : tuple of str, optional
        The words allowed.
    options : callable, optional
        Gives further words allowed, read when a value is checked (the dimensions of ``vocab/dimensions.csv``).
    none : bool, default False
        Whether None is allowed; keyword-only.
    """

    values: tuple[str, ...] = ()
    options: Callable[[], Iterable[str]] | None = field(default=None, compare=False)

    def allowed(self) -> list[str]:
        """The words allowed.

        Returns
        -------
        list of str
            ``values``, then the words ``options()`` gives.
        """
        return [*self.values, *(self.options() if self.options else ())]

    def describe(self) -> str:
        """What the values allowed are: ``one of 'words', 'chars'``.

        Returns
        -------
        str
            The description, for error messages.
        """
        return "one of " + ", ".join(repr(v) for v in self.allowed())

    def check(self, name: str, value: object) -> object:
        """The value, checked: one of the words allowed (a near miss is named in the message).

        Parameters
        ----------
        name : str
            The parameter's name, for the message ("" when argparse names the option itself).
        value : object
            The value given.

        Returns
        -------
        object
            The value.

        Raises
        ------
        ParameterError
            When the value is not one of the words allowed, naming the closest one.
        """
        if value is None and self.none:
            return None
        allowed = self.allowed()
        if isinstance(value, str) and value in allowed:
            return value
        close = difflib.get_close_matches(str(value), allowed, n=1, cutoff=0.5)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ParameterError(_must(name, self.full_description(), value) + hint)


@dataclass(frozen=True)
class TextList(Spec):
    """A list of words, each one of those ``options()`` gives (e.g. canonical indicators).

    Attributes
    ----------
    options : callable, optional
        Gives the words allowed, read when a value is checked (default: any word).
    what : str, default "words"
        What the words are, for messages (``canonical indicators (vocab/indicators.csv)``).
    none : bool, default False
        Whether None is allowed; keyword-only.
    """

    options: Callable[[], Iterable[str]] | None = field(default=None, compare=False)
    what: str = "words"

    def describe(self) -> str:
        """What the values allowed are: ``a list of <what>, e.g. ['<first word>']``.

        Returns
        -------
        str
            The description, for error messages.
        """
        example = next(iter(self.options()), None) if self.options else None
        return f"a list of {self.what}" + (f", e.g. [{example!r}]" if example else "")

    def check(self, name: str, value: object) -> object:
        """The value, checked: a non-empty list of words, each one of those allowed.

        Parameters
        ----------
        name : str
            The parameter's name, for the message.
        value : object
            The value given.

        Returns
        -------
        object
            The words as a list.

        Raises
        ------
        ParameterError
            When the value is no list of words, or a word is not allowed (naming the closest one).
        """
        if value is None and self.none:
            return None
        if not isinstance(value, list | tuple) or not value or not all(isinstance(v, str) for v in value):
            raise ParameterError(_must(name, self.full_description(), value))
        allowed = list(self.options()) if self.options else None
        for v in value if allowed is not None else ():
            if v not in allowed:
                close = difflib.get_close_matches(v, allowed, n=1, cutoff=0.4)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise ParameterError(f"{name}: {v!r} is not one of the {self.what}{hint}")
        return list(value)


def _dimensions() -> list[str]:
    labels = dimension_labels()
    return [*labels, *labels.values()]


def _indicators() -> list[str]:
    return list(dict.fromkeys(indicator_vocabulary()["canonical"]))


#: What each notebook parameter of the project may be (the parameters cells say what each means).
SPECS: dict[str, Spec] = {
    "tables_dir": Text(),
    "input_dir": Text(none=True),
    "doc_id": Text(none=True),
    "n_topics": Integer(1, 500, words=("auto",)),
    "vectorizer": Choice(("words", "chars")),
    "random_state": Integer(0, 2**32 - 1),
    "min_similarity": Number(0.0, 1.0, above=True),
    "remedy_threshold": Number(0.0, 1.0),
    "max_rows": Integer(1, 100_000),
    "max_bars": Integer(1, 1_000),
    "max_shared_reports": Integer(2, 10_000_000, none=True),
    "top_n": Integer(1, 1_000),
    "min_reports": Integer(1, 10_000_000),
    "dimension": Choice(options=_dimensions, none=True),
    "indicators": TextList(options=_indicators, what="canonical indicators (vocab/indicators.csv)", none=True),
    "per_year": Flag(),
    "max_jurisdictions": Integer(1, 10_000),
    "top_indicators": Integer(1, 1_000),
    "lang": Choice(LANGS),
}

#: The commands' numeric options, checked by argparse (``argument``).
OPTIONS: dict[str, Spec] = {
    "jobs": Integer(1, 1_024),
    "max_mb": Number(0.0, 100_000.0, above=True),
}


def spec_for(name: str, default: object = None) -> Spec:
    """What a parameter may be.

    Parameters
    ----------
    name : str
        The parameter's name.
    default : object, optional
        Its default in the notebook's parameters cell.

    Returns
    -------
    Spec
        ``SPECS[name]``; for a parameter of a notebook of one's own, the type of its default value (anything when
        the default is None).
    """
    if name in SPECS:
        return SPECS[name]
    if isinstance(default, bool):
        return Flag()
    if isinstance(default, int):
        return Integer()
    if isinstance(default, float):
        return Number()
    if isinstance(default, str):
        return Text()
    if isinstance(default, list | tuple):
        return TextList(none=True) if all(isinstance(v, str) for v in default) else _Anything()
    return _Anything()


@dataclass(frozen=True)
class _Anything(Spec):
    def describe(self) -> str:
        return "any value"

    def _check(self, value: object) -> object:
        return value


def check_parameters(params: Mapping[str, object], declared: Mapping[str, Mapping[str, object]]) -> dict:
    """Check parameters against those the notebooks declare, before any notebook runs.

    Parameters
    ----------
    params : mapping
        Name → value, as given with ``-p NAME VALUE`` (see ``parse_value``).
    declared : mapping
        Each notebook's parameters and their defaults (``briefs.notebook_parameters``).

    Returns
    -------
    dict
        The checked values (a whole float given for an integer as an int).

    Raises
    ------
    ParameterError
        For a name no notebook declares (naming the closest one that does) and for a value its spec does not allow
        (saying what is allowed).
    """
    defaults: dict[str, object] = {}
    for params_of_notebook in declared.values():
        for name, default in params_of_notebook.items():
            defaults.setdefault(name, default)
    out = {}
    for name, value in params.items():
        if name not in defaults:
            close = difflib.get_close_matches(name, list(defaults), n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(sorted(defaults))})"
            raise ParameterError(f"no notebook has a parameter {name!r}{hint}")
        out[name] = spec_for(name, defaults[name]).check(name, value)
    return out


def argument(name: str) -> Callable[[str], object]:
    """An argparse ``type`` for a command-line option.

    Parameters
    ----------
    name : str
        The parameter or option it reads (a key of ``SPECS`` or ``OPTIONS``).

    Returns
    -------
    callable
        Reads the option's text as a value and checks it; a bad value is an argparse error (exit status 2, a
        message saying what is allowed, no traceback).
    """
    spec = SPECS.get(name) or OPTIONS[name]

    def _convert(text: str) -> object:
        try:
            return spec.check("", parse_value(text))
        except ParameterError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    _convert.__name__ = name  # argparse names the type in some messages
    return _convert
