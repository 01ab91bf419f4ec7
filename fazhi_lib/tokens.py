"""The one tokenizer of the project: jieba's cut with the project's user dictionary and stopword list.

Every word-level analysis (term frequencies, topics, keyword search) goes through ``tokenize``, so that all of them
cut the reports into the same words::

    >>> from fazhi_lib.tokens import tokenize
    >>> tokenize("2024年，我镇深入贯彻落实习近平法治思想，全面推行“四议两公开”工作法，培育法律明白人120名")
    ['习近平', '法治', '思想', '全面推行', '四议两公开', '工作法', '培育', '法律明白人']

- **jieba, its own instance.** ``tokenizer()`` is a ``jieba.Tokenizer`` built for this project, never jieba's global
  default ``jieba.dt`` (which other code may change), holding jieba's standard dictionary plus
  1. every term and variant of the mechanism lexicon ``vocab/mechanisms.csv``, so that 法律明白人, 四议两公开,
     枫桥经验, 一村一法律顾问, 首违不罚 stay one token, with the full form of terms ending in 制 or 证
     (积分制度 = 积分制, 执法证件 = 执法证). Variants with brackets or 、 (一村(社区)一法律顾问) cannot be one jieba
     token — jieba always cuts at punctuation — and are left out;
  2. the canonical indicators of ``vocab/indicators.csv`` that reports write as they are named (rates and scores:
     调解成功率, 法治知晓率, 群众安全感; not constructed names such as 受理矛盾纠纷数);
  3. when jieba does not know them, the kinds of mechanisms.csv (工作法) and the multi-character phrases of
     ``vocab/stopwords.txt`` (深入贯彻落实, 扎实推进 …), so that a phrase goes as a whole and not half of it.
  Lexicon terms and indicators get a frequency (``USER_WORD_FREQ``) high enough to stay whole inside any sentence,
  not only on their own. The dictionary is loaded once per process (about 0.6 s, from jieba's own cache file in the
  temporary directory); jieba's log messages are silenced (``jieba.setLogLevel``).
- **HMM off by default.** jieba's HMM guesses words missing from the dictionary from character statistics, and
  glues names and numbers together differently from one report to the next. With ``hmm=False`` a word is either in
  the dictionary or cut into dictionary words and single characters, the same way everywhere.
- **What is dropped.** White space, punctuation and symbols (tokens without a letter or digit); numbers, alone or
  with their measure word (2022, 99.1%, 三, 两, 三次, 万份, 120名: the ``metrics`` table holds the numbers); and,
  unless ``stopwords=False``, the words of ``vocab/stopwords.txt`` (function words and official boilerplate; that
  file says what belongs there and why 加强, 完善, 推进 do not). Latin words are lower-cased (APP = app).
- **Boilerplate adverbs come off.** jieba knows many adverb + verb compounds (不断加强, 扎实推进, 充分发挥). The
  adverbs marked with * in ``stopwords.txt`` are cut off the front of such a word when the rest is a dictionary word
  of two or more characters, whether or not stopwords are dropped: 不断加强 → 不断 | 加强, but 积极性 stays whole.

- **Two backends, the same tokens.** ``rjieba`` (Python binding of jieba-rs, the Rust port of jieba, with the same
  standard dictionary) cuts about 20 times faster than jieba and gives the same tokens with HMM off. ``tokenize`` uses
  it when it is installed (``backend="auto"``), else jieba; ``backend="jieba"`` or ``"rjieba"`` chooses one. The
  rjieba instance (``rjieba_tokenizer()``, its own ``rjieba.Jieba``) gets the same user words with the same
  frequencies as the jieba one; the frequencies of words already in the standard dictionary are read from jieba's
  ``dict.txt`` (rjieba does not expose them), so jieba stays a dependency. With ``hmm=True`` the backends may differ.

The tokenizer is deterministic: the same text gives the same tokens in every process.
"""

from __future__ import annotations

import importlib.util
import logging
import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from fazhi_lib.vocabulary import Vocabulary, active, per_vocabulary, read_lines, read_rows

if TYPE_CHECKING:
    import jieba
    import rjieba

__all__ = ["STOPWORDS_FILE", "Backend", "backend_name", "is_number", "rjieba_tokenizer", "stopwords", "tokenize",
           "tokenizer", "user_words"]

#: ``tokenize``'s choice of cutter: rjieba when installed, else jieba (``"auto"``), or one of them.
Backend = Literal["auto", "rjieba", "jieba"]

STOPWORDS_FILE = "stopwords.txt"
#: Frequency given to user words (jieba's dictionary counts 60 million words; 的 is 318,825, 法律 24,213, 调解 711).
#: On 2,000 generated reports every lexicon match is one token from 1,000 on; 5,000 leaves a margin while staying
#: far below the common words around a term. Words already more frequent in jieba's dictionary keep their frequency.
USER_WORD_FREQ = 5_000
#: Frequency of stopword phrases and kinds missing from jieba's dictionary (深入贯彻, 工作法): enough to go whole.
PHRASE_FREQ = 1_000
#: A jieba token can only hold these characters (jieba's ``re_han_default``): other user words cannot be tokens.
_TOKEN_CHARS = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+")
_FULL_FORM = {"制": "度", "证": "件"}
_NUMERAL = r"(?:[+\-]?(?:\d[\d,]*(?:\.\d+)?|\.\d+)[%‰]?|[〇零一二两三四五六七八九十百千万亿]+)"
_MEASURE_WORD = (r"(?:[个次件名人位场份项起家条处期批支所户元年月日天周万千百亿余多]"
                 r"|人次|场次|余人|余次|余件|余场|余份|多人|多次)")
_NUMBER = re.compile(rf"{_NUMERAL}+{_MEASURE_WORD}{{0,2}}")
_INSIDE_NUMBER = frozenset({"", ".", ",", "%", "‰", "．", "％"})
_MEASURE_ONLY = re.compile(rf"{_MEASURE_WORD}{{1,2}}")
#: Canonical indicators ending like this are written in reports as they are named (调解成功率, 群众安全感 …).
_WRITTEN_INDICATOR = re.compile(r"(率|感|满意度|办件量)$")


def is_number(token: str) -> bool:
    """Whether a token is a number, alone or with its measure word.

    2022, 2.5, 1,200, 95%, 三, 十二, 两, 三千万, 三次, 万份, 5个 are numbers (full-width digits too). Words that only
    start with a numeral stay words: 一村, 两委, 三治融合.

    Parameters
    ----------
    token : str
        One token of ``tokenize``'s cut.

    Returns
    -------
    bool
        True for a number, with or without its measure word.
    """
    return bool(_NUMBER.fullmatch(unicodedata.normalize("NFKC", token)))


_WORD, _NUMBER_TOKEN, _INSIDE, _OTHER = 0, 1, 2, 3


@per_vocabulary(maxsize=1 << 18)
def _cleaned(token: str, backend: str) -> tuple[tuple[str, ...], int]:
    """The words ``tokenize`` makes of one jieba token, before stopwords are dropped, and what the token is
    (``backend``, "jieba" or "rjieba": whose dictionary says what is a word).

    () for white space, punctuation, symbols (no letter or digit) and numbers; (adverb, rest) when the token starts
    with a stopword marked * and the rest is a dictionary word of two or more characters (不断加强 → 不断, 加强);
    else (token,), stripped, Latin lower-cased. The kind: ``_NUMBER_TOKEN``; ``_INSIDE`` for what may stand inside
    a number jieba cut apart (. , % and white space: 99.1%, 1,200); ``_WORD`` for a measure word or other word that
    may follow a number; ``_OTHER``."""
    token = token.strip()
    if token in _INSIDE_NUMBER:
        return (), _INSIDE
    if is_number(token):
        return (), _NUMBER_TOKEN
    if not any(unicodedata.category(ch)[0] in "LN" for ch in token):
        return (), _OTHER
    if _MEASURE_ONLY.fullmatch(token):
        return (token,), _WORD
    if token.isascii():
        return (token.lower(),), _OTHER
    if token not in stopwords() and token not in _user_word_set():
        for prefix in _split_prefixes():
            rest = token[len(prefix):]
            if token.startswith(prefix) and len(rest) >= 2 and _knows(rest, backend):
                return (prefix, rest), _OTHER
    return (token,), _OTHER


def _knows(word: str, backend: str) -> bool:
    """Whether ``word`` is in the backend's dictionary with a frequency above 0 (jieba's FREQ also holds prefixes
    at 0; rjieba's ``has_word`` only words, and jieba's ``dict.txt`` has no word at 0)."""
    if backend == "rjieba":
        return rjieba_tokenizer().has_word(word)
    return bool(tokenizer().FREQ.get(word))


def _stopword_lines() -> tuple[str, ...]:
    return read_lines(STOPWORDS_FILE)


@per_vocabulary
def stopwords() -> frozenset[str]:
    """The words of ``vocab/stopwords.txt``: function words and official boilerplate (read once per process).

    Returns
    -------
    frozenset of str
        The stopwords of the active vocabulary, without the * that marks the adverbs cut off longer words.
    """
    return frozenset(w.rstrip("*") for w in _stopword_lines())


@per_vocabulary
def _split_prefixes() -> tuple[str, ...]:
    """Stopwords marked with a trailing * (adverbs of emphasis), cut off the front of longer words; longest first."""
    return tuple(sorted((w.rstrip("*") for w in _stopword_lines() if w.endswith("*")), key=len, reverse=True))


@per_vocabulary
def user_words() -> tuple[str, ...]:
    """The words added to jieba's dictionary with a high frequency, in file order without repeats.

    They are the terms and variants of ``vocab/mechanisms.csv`` (with the full form of those ending in 制 or 证) and
    the canonical indicators written as named (调解成功率). Words jieba cannot hold as one token (with brackets, 、 or
    spaces) are left out.

    Returns
    -------
    tuple of str
        The user words of the active vocabulary, each of two or more characters.
    """
    words: list[str] = []
    for row in read_rows("mechanisms.csv"):
        words.append(row["term"])
        words.extend(v.strip() for v in (row.get("variants") or "").split("|"))
    # the full form of a word ending in 制 or 证 is the same term: 积分制度 = 积分制, 执法证件 = 执法证
    words.extend(w + _FULL_FORM[w[-1]] for w in list(words) if w and w[-1] in _FULL_FORM)
    words.extend(r["canonical"] for r in read_rows("indicators.csv") if _WRITTEN_INDICATOR.search(r["canonical"]))
    return tuple(w for w in dict.fromkeys(words) if len(w) >= 2 and _TOKEN_CHARS.fullmatch(w))


def _phrases() -> tuple[str, ...]:
    """Words added to the dictionary only when missing from it: the kinds of mechanisms.csv (工作法 after
    “四议两公开”) and the multi-character stopwords (深入贯彻), so that they go as a whole."""
    kinds = [r.get("kind") or "" for r in read_rows("mechanisms.csv")]
    words = [*kinds, *stopwords()]
    return tuple(sorted(w for w in set(words) if len(w) >= 2 and _TOKEN_CHARS.fullmatch(w)))


@per_vocabulary
def _user_word_set() -> frozenset[str]:
    return frozenset(user_words())


@per_vocabulary
def tokenizer() -> jieba.Tokenizer:
    """The project's jieba tokenizer: its own ``jieba.Tokenizer``, not jieba's global default.

    It holds the standard dictionary, ``user_words()`` and the stopword phrases. Built once per process and
    vocabulary; later calls return the same instance.

    Returns
    -------
    jieba.Tokenizer
        The tokenizer, initialized.
    """
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    for word in user_words():
        tk.add_word(word, freq=max(tk.FREQ.get(word) or 0, USER_WORD_FREQ))
    for word in _phrases():
        if not tk.FREQ.get(word):  # words jieba knows keep their frequency
            tk.add_word(word, freq=PHRASE_FREQ)
    return tk


def _jieba_dict_freqs(words: frozenset[str]) -> dict[str, int]:
    """The frequencies of ``words`` in jieba's standard dictionary (``dict.txt`` of the jieba package, read without
    importing jieba): the ones rjieba's ``Jieba()`` holds too, which it does not tell."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("jieba is needed for the frequencies of its dictionary")
    freqs: dict[str, int] = {}
    path = Path(next(iter(spec.submodule_search_locations))) / "dict.txt"
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            word, freq = line.split(" ", 2)[:2]
            if word in words:
                freqs[word] = int(freq)
    return freqs


@per_vocabulary
def rjieba_tokenizer() -> rjieba.Jieba:
    """The project's rjieba tokenizer: its own ``rjieba.Jieba`` with the same words as ``tokenizer()``.

    It holds the standard dictionary and the same user words and frequencies as ``tokenizer()`` (words already more
    frequent keep their frequency, phrases are added only when missing). Built once per process and vocabulary.

    Returns
    -------
    rjieba.Jieba
        The tokenizer.

    Raises
    ------
    ImportError
        When rjieba is not installed.
    """
    import rjieba

    tk = rjieba.Jieba()
    known = _jieba_dict_freqs(frozenset(user_words()))
    for word in user_words():
        if known.get(word, 0) < USER_WORD_FREQ:  # rjieba's add_word sets the frequency, as jieba's does
            tk.add_word(word, USER_WORD_FREQ, None)
    for word in _phrases():
        if not tk.has_word(word):
            tk.add_word(word, PHRASE_FREQ, None)
    return tk


@cache
def _rjieba_installed() -> bool:
    return importlib.util.find_spec("rjieba") is not None


def backend_name(backend: Backend = "auto") -> Literal["rjieba", "jieba"]:
    """The backend ``tokenize(..., backend=backend)`` uses.

    Parameters
    ----------
    backend : {"auto", "rjieba", "jieba"}, default "auto"
        The backend asked for: "auto" is "rjieba" when rjieba is installed, else "jieba".

    Returns
    -------
    str
        "rjieba" or "jieba".

    Raises
    ------
    ValueError
        For another name.
    ImportError
        For "rjieba" when it is not installed.
    """
    if backend == "auto":
        return "rjieba" if _rjieba_installed() else "jieba"
    if backend == "rjieba" and not _rjieba_installed():
        raise ImportError("rjieba is not installed (pip install rjieba)")
    if backend not in ("rjieba", "jieba"):
        raise ValueError(f"backend must be 'auto', 'rjieba' or 'jieba', not {backend!r}")
    return backend


#: Per vocabulary and backend, what ``_cleaned`` made of each token seen (a plain dict is faster than ``_cleaned``'s
#: cache in ``tokenize``'s loop); emptied when it holds more than ``_MEMO_SIZE`` tokens.
_MEMO: dict[tuple[Vocabulary, str], dict[str, tuple[tuple[str, ...], int]]] = {}
_MEMO_SIZE = 1 << 18


def tokenize(text: str, *, stopwords: bool = True, hmm: bool = False, backend: Backend = "auto") -> list[str]:
    """The words of ``text``, in order.

    Parameters
    ----------
    text : str
        Any text: a report, a sentence, an item.
    stopwords : bool, default True
        Drop the words of ``vocab/stopwords.txt``.
    hmm : bool, default False
        Let jieba guess words missing from the dictionary (off: the same cut everywhere).
    backend : {"auto", "rjieba", "jieba"}, default "auto"
        Who cuts: "rjieba" (when installed, with "auto") or "jieba"; the same tokens with ``hmm`` off.

    Returns
    -------
    list of str
        The words jieba cuts (``lcut`` with the project dictionary, see the module docstring) without white space,
        punctuation, symbols and numbers (with their measure word: 三次, 120名); Latin letters lower-cased.
    """
    name = backend_name(backend)
    if not text:
        return []
    drop = _stopword_set() if stopwords else frozenset()
    cut = rjieba_tokenizer().cut(text, hmm) if name == "rjieba" else tokenizer().lcut(text, HMM=hmm)
    memo = _MEMO.setdefault((active(), name), {})
    if len(memo) > _MEMO_SIZE:
        memo.clear()
    out: list[str] = []
    after_number = False
    for token in cut:
        cleaned = memo.get(token)
        if cleaned is None:
            cleaned = memo[token] = _cleaned(token, name)
        words, kind = cleaned
        if kind == _NUMBER_TOKEN:
            after_number = True
        elif kind == _INSIDE:
            pass  # 99.1%, 1,200, 903 件: the number goes on
        elif kind == _WORD and after_number:  # 903件, 2024年: jieba cuts 903 | 件, and the measure word goes too
            after_number = False
        else:
            after_number = False
            for w in words:
                if w not in drop:
                    out.append(w)
    return out


def _stopword_set() -> frozenset[str]:  # ``tokenize``'s argument ``stopwords`` hides the function of that name
    return stopwords()
