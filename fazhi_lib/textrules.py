"""Text rules shared by the readers and the parsers: the CJK ranges, sentence ends, and spans of names.

The spans are those a number or a name inside of which is not what it seems (quotes, titles of documents, bracketed
document numbers). Each rule is written once here; the modules that need it import it instead of writing their own
copy.
"""

from __future__ import annotations

import functools
import re

__all__ = [
    "BOOK_TITLE",
    "BRACKET_PAIRS",
    "CJK",
    "CJK_SUPPLEMENTARY",
    "LINE_SENTENCE_END",
    "NAME_SPANS",
    "SENTENCE_END",
    "mask_brackets",
]

#: The CJK ideographs of the Basic Multilingual Plane, as a regex class body: extension A, the unified ideographs,
#: the compatibility ideographs.
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: The CJK ideographs beyond the Basic Multilingual Plane (extensions B to F and the compatibility supplement).
CJK_SUPPLEMENTARY = "\U00020000-\U0002fa1f"

#: Where a sentence ends within a paragraph.
SENTENCE_END = re.compile(r"[。!?！？]")
#: Where a sentence ends in running text, where a line break ends one too.
LINE_SENTENCE_END = re.compile(r"[。!?！？\n]")

#: The title of a law or document, 《…》, on one line.
BOOK_TITLE = re.compile(r"《[^》\n]{0,80}》")
#: Spans whose numbers are names, titles, slogans or document numbers, never quantities: quotes, titles, bracketed
#: document numbers and headings.
NAME_SPANS = re.compile(r"“[^”\n]{0,40}”|\"[^\"\n]{0,40}\"|《[^》\n]{0,80}》|〔[^〕\n]{0,12}〕|\[[^\]\n]{0,12}\]"
                        r"|【[^】\n]{0,30}】"
                        r"|‘[^’\n]{0,20}’|「[^」\n]{0,30}」")

#: The brackets and quotes ``mask_brackets`` blanks out by default.
BRACKET_PAIRS = (("《", "》"), ("〈", "〉"), ("<", ">"), ("(", ")"), ("[", "]"), ("【", "】"), ("〔", "〕"),
                 ("「", "」"), ("“", "”"))


@functools.lru_cache(maxsize=16)
def _bracket_re(pairs: tuple[tuple[str, str], ...]) -> re.Pattern[str]:
    alts = []
    for o, c in pairs:
        limit = 40 if o == "“" else 120
        alts.append(f"{re.escape(o)}[^{re.escape(o + c)}\n]{{0,{limit}}}{re.escape(c)}")
    return re.compile("|".join(alts))


def mask_brackets(s: str, pairs: tuple[tuple[str, str], ...] = BRACKET_PAIRS) -> str:
    """``s`` with its bracketed and quoted spans blanked out as □, so that every position keeps its offset.

    Innermost spans go first, so nesting is handled (up to six levels).

    Parameters
    ----------
    s : str
        A line or a sentence.
    pairs : tuple of (str, str), default BRACKET_PAIRS
        The opening and closing brackets or quotes to blank out.

    Returns
    -------
    str
        ``s``, as long as before, with each bracketed span (brackets included) made of □.
    """
    pat = _bracket_re(pairs)
    for _ in range(6):
        new = pat.sub(lambda m: "□" * len(m.group(0)), s)
        if new == s:
            break
        s = new
    return s
