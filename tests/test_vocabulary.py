"""The vocabulary helpers: a word list as one regular expression."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from fazhi_lib.vocabulary import words_pattern

# a small alphabet, so that words share prefixes and overlap in the texts
_CHARS = st.sampled_from(list("共同体享机制+.a"))
_WORDS = st.lists(st.text(_CHARS, min_size=1, max_size=5), min_size=1, max_size=12)


def _longest_first(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def test_words_pattern_is_a_trie():
    assert words_pattern(["共同体", "共享", "共"]) == "共(?:(?:享|同体))?"


def test_words_pattern_prefers_the_longest_word():
    assert re.findall(words_pattern(["机制", "机制建设", "制"]), "机制建设机制制") == ["机制建设", "机制", "制"]


def test_special_characters_are_literal():
    assert re.fullmatch(words_pattern(["a+b", "1.5"]), "a+b")
    assert not re.fullmatch(words_pattern(["a+b", "1.5"]), "aab")
    assert not re.search(words_pattern(["1.5"]), "125")


@given(_WORDS, st.text(_CHARS, max_size=40))
def test_same_matches_as_a_longest_first_alternation(words, text):
    trie = re.compile(words_pattern(words))
    plain = re.compile(_longest_first(words))
    assert [m.span() for m in trie.finditer(text)] == [m.span() for m in plain.finditer(text)]
