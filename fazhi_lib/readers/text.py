"""Decoding bytes of unknown encoding into text, and tidying plain text.

The encodings are those of Chinese report files: GBK, GB18030, Big5, UTF-8 with or without BOM, UTF-16 ….
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterable

from fazhi_lib.textrules import CJK, CJK_SUPPLEMENTARY

# --------------------------------------------------------------------------------------------------
# decoding
# --------------------------------------------------------------------------------------------------

# The ~600 most frequent characters of jieba's dictionary (weighted by word frequency) plus their
# traditional forms (OpenCC s2t).  Real Chinese text has most of its characters in this set; text made
# by decoding bytes with the wrong Chinese codec has few of them.
_COMMON_CHARS = frozenset(
    "一是人了不在有大中国國和为爲这這上他个個地年来來我会會以到时時要出的生学學说說道民家子也成行下们們于"
    "於后後就发發自之对對得主长長可过過天作分方用多你着部能市等业業全里裏工公经經本都而高政法面门門动動日"
    "进進区區事代那去心小同北定开開产產前其军軍还還然起种種所如现現理机機体體表力好外与與文当當两兩实實重"
    "新三么麼只山水关關明从從化平建又制南内內西没沒此将將员員名手最东東头頭者月间間无無安看见見各城十相但"
    "已些正口通想度加第她合院物性战戰由位常点點海意场場武使次二向治因立数數样樣身情入原问問把路被并並利石"
    "老教万萬知级級量任江及应應省资資委务務元美特期世湖回系比气氣汉漢总總展电電科金先声聲提品设設或义義王"
    "社很统統处處四首共马馬形己儿兒司太目基领領队隊直计計别別女权權话話少流命至报報米给給打变變果书書清活"
    "几幾州华華解议議更称稱程今决決张張导導术術府才保交放管结結师師便走达達族反再题題色五京河接条條规規式"
    "县縣白它改风風光运運信受什组組听聽布百济濟党黨指论論强強做取技黄黃神选選记記斯真却卻职職号號界件花类"
    "類何眼兵传傳带帶空干幹农農边邊据據集联聯古广廣完质質阳陽难難增历歷史专專官每住商即步认認车車台臺林必"
    "死游遊举舉线線言皇土团團收考求德叫近备備研争爭非具李众衆连連调調感转轉笑革该該持始英克士尔爾让讓拉思"
    "根格造较較际際亲親单單朝红紅型价價校约約器字段周亚亞深候则則功属屬积積快图圖火千准準究往极極育装裝许"
    "許参參半令吃喫观觀鱼魚精办辦像帝八复復影告远遠群羣包整构構料随隨划劃算象容示投势勢热熱值夫网網望源息"
    "语語股铁鐵断斷派速怎需片爱愛律纪紀支早况況病境证證编編越局推满滿且列觉覺服双雙未居除乐樂企引标標确確"
    "织織初青志率项項飞飛球节節察龙龍响響药藥站施均消客失轻輕存低甚般击擊曾防请請离離落显顯罗羅营營足素视"
    "視护護副食创創余餘照兴興占佔巴虽雖洲村费費易试試星木黑左宝寶置跟央识識维維采採六底宫宮房音环環案批切"
    "斗鬥富乡鄉另倒若按查故突责責严嚴"
)
_CJK_PUNCT = set("，。、；：！？（）《》〈〉「」『』【】〔〕“”‘’…—－·．％～　")
_SCORE_SAMPLE = 30_000  # characters scored per candidate: plenty to decide, cheap for large files
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # must precede UTF-16 LE: FF FE 00 00 starts with FF FE
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FA1F


_CJK_RE = re.compile(f"[{CJK}{CJK_SUPPLEMENTARY}]")
_NON_CJK_RE = re.compile(f"[^{CJK}{CJK_SUPPLEMENTARY}]+")


def _cjk_count(text: str | None) -> int:
    # deleting the runs of other characters is about twice as fast as listing the CJK ones
    return len(_NON_CJK_RE.sub("", text)) if text else 0


def _is_bad_char(ch: str) -> bool:
    """Characters that do not occur in real report text: controls, private use, unassigned, U+FFFD."""
    if ch in "\t\n\r\f":
        return False
    if ch == "\ufffd":
        return True
    return unicodedata.category(ch) in ("Cc", "Co", "Cn", "Cs")


def _text_score(text: str) -> float:
    """Plausibility of ``text`` as Chinese (or ASCII) prose, roughly in [-3, 1]; higher is better.

    Frequent Chinese characters count 1, other CJK ideographs 0.3, ASCII printable/whitespace and CJK
    punctuation 0.5, control/private-use/unassigned characters and U+FFFD -3, anything else 0.
    """
    sample = text[:_SCORE_SAMPLE]
    if not sample:
        return 0.0
    total = 0.0
    for ch in sample:
        if ch in _COMMON_CHARS:
            total += 1.0
        elif _is_cjk(ch):
            total += 0.3
        elif ch.isascii():
            total += 0.5 if (ch.isprintable() or ch in "\t\n\r\f") else -3.0
        elif ch in _CJK_PUNCT or 0xFF01 <= ord(ch) <= 0xFF5E:
            total += 0.5
        elif _is_bad_char(ch):
            total -= 3.0
    return total / len(sample)


def _utf16_without_bom(data: bytes) -> str | None:
    """Decode BOM-less UTF-16 recognised by NUL bytes that sit (mostly) at one parity; None if not UTF-16.

    ASCII characters (newlines, digits) in UTF-16 have a NUL high byte: at odd offsets in LE, even in BE.
    The decoded text must also look like text, which rejects binary files that merely contain NULs.
    """
    if len(data) < 4 or len(data) % 2:
        return None
    nul_even, nul_odd = data[0::2].count(0), data[1::2].count(0)
    if nul_even + nul_odd == 0:
        return None
    best: tuple[float, str] | None = None
    for enc, nuls, other in (("utf-16-le", nul_odd, nul_even), ("utf-16-be", nul_even, nul_odd)):
        if nuls < 2 or other > nuls:
            continue
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        score = _text_score(text)
        if score >= 0.45 and (best is None or score > best[0]):
            best = (score, enc)
    if best is None:
        return None
    return best[1]


def _count_replacements(text: str) -> int:
    return text.count("\ufffd")


def _replacement_warning(n_replaced: int, n_chars: int) -> str:
    return f"undecodable bytes replaced ({n_replaced} of {n_chars} characters)"


def _charset_normalizer_pick(data: bytes, encodings: list[str]) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - charset-normalizer is a dependency
        return None
    try:
        best = from_bytes(data[: _SCORE_SAMPLE * 2], cp_isolation=encodings).best()
    except Exception:  # detection is advisory only
        return None
    if best is None:
        return None
    name = codecs.lookup(best.encoding).name
    for enc in encodings:
        if codecs.lookup(enc).name == name:
            return enc
    return None


def decode_bytes(data: bytes) -> tuple[str, str, str]:
    """Decode the bytes of a text file of unknown encoding.

    Order: byte-order marks (UTF-32, UTF-8 "utf-8-sig", UTF-16 "utf-16"); BOM-less UTF-16 recognised by
    NUL bytes at one parity ("utf-16-le"/"utf-16-be"); strict UTF-8 ("utf-8", also for pure ASCII); then
    the Chinese legacy encodings gb18030 (a superset of GBK/GB2312), big5/cp950 and BOM-less UTF-16, among
    those that decode strictly the one whose text scores best on character frequency wins (charset-normalizer
    breaks ties).  Big5 bytes usually also decode as GB18030 into rare characters, which this ranking
    rejects.  Last resort: the best of gb18030/big5/utf-8 with ``errors="replace"`` and a warning such as
    "undecodable bytes replaced (12 of 40000 characters)".

    Parameters
    ----------
    data : bytes
        The file's bytes.

    Returns
    -------
    text : str
        The text as decoded (BOM removed, newlines untouched).
    encoding : str
        The encoding used ("utf-8", "utf-8-sig", "gb18030", "big5", "utf-16-le" …).
    warning : str
        "" when the decoding was clean.
    """
    if not data:
        return "", "utf-8", ""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc, ""
            except UnicodeDecodeError:
                text = data.decode(enc, errors="replace")
                return text, enc, _replacement_warning(_count_replacements(text), len(text))
    if b"\x00" in data:
        enc16 = _utf16_without_bom(data)
        if enc16 is not None:
            return data.decode(enc16), enc16, ""
    try:
        return data.decode("utf-8"), "utf-8", ""
    except UnicodeDecodeError:
        pass

    candidates: list[tuple[str, str, int]] = []  # (encoding, text, replaced characters)
    for enc in ("gb18030", "big5", "cp950", "utf-8", "utf-16-le", "utf-16-be"):
        if enc == "cp950" and any(c[0] == "big5" for c in candidates):
            continue
        if enc.startswith("utf-16") and len(data) % 2:
            continue
        try:
            candidates.append((enc, data.decode(enc), 0))
        except UnicodeDecodeError:
            if enc in ("gb18030", "big5", "utf-8"):
                # a few bad bytes (truncated or spliced file) must not hand the win to a wrong codec
                text = data.decode(enc, errors="replace")
                n_bad = _count_replacements(text)
                if n_bad <= max(2, len(text) // 500):
                    candidates.append((enc, text, n_bad))
    if not candidates:
        # last resort: nothing decodes cleanly; prefer gb18030 unless another codec loses clearly less
        candidates = [
            (enc, text, _count_replacements(text))
            for enc, text in ((e, data.decode(e, errors="replace")) for e in ("gb18030", "big5", "utf-8"))
        ]
    scored = [(_text_score(text), enc, text, n_bad) for enc, text, n_bad in candidates]
    top = max(s for s, *_ in scored)
    tied = [c for c in scored if top - c[0] < 0.02]
    strict_tied = [c for c in tied if c[3] == 0]
    if strict_tied:
        tied = strict_tied
    choice = tied[0]
    if len(tied) > 1:
        picked = _charset_normalizer_pick(data, [c[1] for c in tied])
        choice = next((c for c in tied if c[1] == picked), tied[0])
    _, enc, text, n_bad = choice
    return text, enc, _replacement_warning(n_bad, len(text)) if n_bad else ""


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")


def _tidy_plain_text(text: str) -> str:
    """Plain-text layout tidy: unify newlines, strip trailing spaces, collapse blank-line runs to one."""
    text = _normalize_newlines(text).replace("\f", "\n").lstrip("\ufeff")
    out: list[str] = []
    blank = False
    for line in text.split("\n"):
        line = line.rstrip()
        if not line.strip():
            blank = bool(out)
            continue
        if blank:
            out.append("")
            blank = False
        out.append(line)
    return "\n".join(out)


def _join_lines(lines: Iterable[str]) -> str:
    """Strip each line (ASCII spaces, NBSP, ideographic space), drop empty ones, join with newlines."""
    out = []
    for line in lines:
        line = _SPACES_RE.sub(" ", line.replace("\xa0", " ")).strip(" \t\u3000")
        if line:
            out.append(line)
    return "\n".join(out)


_SPACES_RE = re.compile(r"[ \t]{2,}")
