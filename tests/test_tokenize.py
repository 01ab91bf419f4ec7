"""fazhi_lib.tokens: the project's jieba tokenizer, its user dictionary and its stopwords."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import jieba
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fazhi_lib import tokens as tok
from fazhi_lib.tokens import is_number, stopwords, tokenize, tokenizer, user_words
from fazhi_lib.vocabulary import read_rows, vocab_path

# ---- lexicon terms stay one token ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("sentence", "term"), [
    ("全面推行“四议两公开”工作法，重大事项均经村民代表会议决议", "四议两公开"),
    ("村级重大事项严格执行四议两公开制度", "四议两公开制度"),
    ("培育法律明白人120名，覆盖所有行政村", "法律明白人"),
    ("各村选优配强法律明白人队伍", "法律明白人队伍"),
    ("坚持和发展新时代枫桥经验，矛盾不上交", "新时代枫桥经验"),
    ("学习推广枫桥经验", "枫桥经验"),
    ("深化一村一法律顾问制度，为村民提供法律咨询", "一村一法律顾问"),
    ("对轻微违法行为落实首违不罚清单", "首违不罚清单"),
    ("推行说理式执法，执法文书释法说理", "说理式执法"),
    ("落实谁执法谁普法责任制", "谁执法谁普法责任制"),
    ("党政主要负责人切实履行第一责任人职责", "第一责任人职责"),
    ("建立健全容错纠错机制", "容错纠错机制"),
    ("健全法律顾问+司法所机制", "法律顾问+司法所"),
    ("推行法治积分制度", "法治积分制度"),
    ("全体执法人员取得行政执法证件", "执法证件"),
    ("全年调解成功率达99.1%", "调解成功率"),
])
def test_lexicon_terms_stay_one_token(sentence: str, term: str):
    tokens = tokenize(sentence, stopwords=False)
    assert term in tokens, tokens


def test_every_lexicon_term_that_can_be_a_token_is_one_in_a_sentence():
    """Each term and variant of mechanisms.csv, written between ordinary words, comes out whole."""
    for row in read_rows("mechanisms.csv"):
        for surface in [row["term"], *(v for v in row.get("variants", "").split("|") if v)]:
            if surface not in user_words():
                assert re.search(r"[^\w+]", surface), f"{surface} is missing from the user dictionary"
                continue
            tokens = tokenize(f"我们积极推行{surface}并取得成效", stopwords=False)
            assert surface in tokens, (surface, tokens)


def test_user_dictionary_holds_lexicon_terms_and_leaves_out_what_jieba_cannot_hold():
    words = set(user_words())
    assert {"法律明白人", "四议两公开", "枫桥经验", "一村一法律顾问", "调解成功率"} <= words
    assert "一村(社区)一法律顾问" not in words  # brackets: jieba always cuts there
    assert "受理矛盾纠纷数" not in words  # an indicator name reports do not write
    assert all(len(w) >= 2 for w in words)


def test_ordinary_words_around_terms_are_not_broken():
    assert tokenize("陈述法律事实", stopwords=False) == ["陈述", "法律", "事实"]
    assert tokenize("完善公共法律服务网络", stopwords=False) == ["完善", "公共法律服务", "网络"]


# ---- what is dropped -----------------------------------------------------------------------------------------------


def test_stopwords_are_removed_and_kept_on_request():
    sentence = "我镇深入贯彻落实上级要求，扎实推进法治政府建设工作，不断加强队伍建设，取得了一定成效"
    tokens = tokenize(sentence)
    assert tokens == ["上级", "推进", "法治", "政府", "建设", "加强", "队伍", "建设"]
    kept = tokenize(sentence, stopwords=False)
    assert {"深入贯彻落实", "扎实", "工作", "不断", "取得了一定成效"} <= set(kept)
    assert not set(tokens) & stopwords()


@pytest.mark.parametrize(("word", "expected"), [
    ("不断加强", ["不断", "加强"]), ("扎实推进", ["扎实", "推进"]), ("充分发挥", ["充分", "发挥"]),
    ("进一步完善", ["进一步", "完善"]), ("积极性", ["积极性"]), ("有效性", ["有效性"]),
])
def test_boilerplate_adverbs_come_off_the_verb(word: str, expected: list[str]):
    assert tokenize(word, stopwords=False) == expected
    assert tokenize(word) == [w for w in expected if w not in stopwords()]


def test_stopword_file_is_well_formed_and_keeps_action_verbs():
    words = stopwords()
    assert {"的", "深入贯彻", "进一步", "切实", "扎实", "不断", "全面", "认真", "积极", "有效", "工作", "开展"} <= words
    # kept on purpose (see the header of stopwords.txt): verbs of action and the subject matter
    assert not words & {"加强", "建立", "完善", "健全", "推进", "法治", "普法", "调解", "问题", "下一步"}
    lines = [ln.strip() for ln in vocab_path("stopwords.txt").read_text(encoding="utf-8").splitlines()]
    entries = [ln for ln in lines if ln and not ln.startswith("#")]
    assert len(entries) == len(set(entries)), "a stopword is listed twice"
    assert all(" " not in w and "," not in w and "*" not in w.rstrip("*") for w in entries)
    lexicon = {r["term"] for r in read_rows("mechanisms.csv")}
    assert not words & lexicon, "a lexicon term is a stopword"


def test_numbers_punctuation_and_white_space_are_dropped():
    text = "2024年，受理纠纷903件、调解成功率99.1%；发放资料2.5万份（三次）。\n\t  APP  上线！"
    tokens = tokenize(text, stopwords=False)
    assert tokens == ["受理", "纠纷", "调解成功率", "发放", "资料", "app", "上线"]


@pytest.mark.parametrize("token", ["2022", "２０２２", "2.5", "95%", "三", "十二", "两", "三千万", "三次", "万份",
                                   "120名", "3800余人次"])
def test_numbers(token: str):
    assert is_number(token)


@pytest.mark.parametrize("token", ["一村", "两委", "三治融合", "千家万户", "百姓", "人", "法治", "app"])
def test_not_numbers(token: str):
    assert not is_number(token)


def test_empty_text():
    assert tokenize("") == []
    assert tokenize("，。！ 2024 \n") == []


# ---- the tokenizer instance ----------------------------------------------------------------------------------------


def test_tokenizer_is_built_once_and_is_not_jiebas_global_default():
    assert tokenizer() is tokenizer()
    assert tokenizer() is not jieba.dt
    assert "法律明白人" not in jieba.dt.FREQ or not jieba.dt.FREQ["法律明白人"]


def test_hmm_is_off_by_default_and_can_be_turned_on():
    text = "金龙坪街道推行屋场恳谈会"
    assert tokenize(text) == tokenize(text, hmm=False)
    assert isinstance(tokenize(text, hmm=True), list)


def test_deterministic_across_processes():
    text = "我镇推行“四议两公开”工作法，法律明白人参与调解矛盾纠纷31件，新时代枫桥经验落地见效。"
    code = f"from fazhi_lib.tokens import tokenize; print('|'.join(tokenize({text!r})))"
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
            for _ in range(2)}
    assert runs == {"|".join(tokenize(text)) + "\n"}


def test_jieba_is_quiet(capfd):
    tok.tokenizer.cache_clear()
    tokenizer()
    assert "Building prefix dict" not in capfd.readouterr().err


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="法治政府建设年度报告调解纠纷一二三两0123456789，。、“”（）％% \n明白人四议公开枫桥经验",
               max_size=60))
def test_tokens_are_clean_and_repeatable(text: str):
    tokens = tokenize(text)
    assert tokens == tokenize(text)
    for t in tokens:
        assert t and t == t.strip() and not is_number(t) and t not in stopwords()
        assert any(ch.isalnum() for ch in t)


# ---- the two backends: rjieba (jieba-rs) and jieba give the same tokens --------------------------------------------

SEEDS = sorted((Path(__file__).resolve().parents[1] / "seeds").glob("*.txt"))
SENTENCES = [
    "2024年，我镇深入贯彻落实习近平法治思想，全面推行“四议两公开”工作法，培育法律明白人120名",
    "我镇深入贯彻落实上级要求，扎实推进法治政府建设工作，不断加强队伍建设，取得了一定成效",
    "2024年，受理纠纷903件、调解成功率99.1%；发放资料2.5万份（三次）。\n\t  APP  上线！",
    "坚持和发展新时代枫桥经验，深化一村一法律顾问制度，落实谁执法谁普法责任制，推行法治积分制度",
    "对轻微违法行为落实首违不罚清单，全体执法人员取得行政执法证件，健全法律顾问+司法所机制",
]


@pytest.fixture(scope="module")
def rjieba_installed():
    pytest.importorskip("rjieba", reason="rjieba (jieba-rs) is not installed: only the jieba backend can be tested")


def test_backend_choice():
    assert tok.backend_name("jieba") == "jieba"
    assert tok.backend_name() == ("rjieba" if importlib.util.find_spec("rjieba") else "jieba")
    with pytest.raises(ValueError, match="backend"):
        tokenize("法治", backend="spacy")  # type: ignore[arg-type]
    assert tokenize("培育法律明白人120名", backend="jieba") == ["培育", "法律明白人"]


def test_rjieba_backend_missing_is_an_import_error(monkeypatch):
    monkeypatch.setattr(tok, "_rjieba_installed", lambda: False)
    assert tok.backend_name() == "jieba"
    with pytest.raises(ImportError, match="rjieba"):
        tokenize("法治", backend="rjieba")


@pytest.mark.usefixtures("rjieba_installed")
def test_rjieba_tokenizer_is_built_once_with_the_user_dictionary():
    tk = tok.rjieba_tokenizer()
    assert tk is tok.rjieba_tokenizer()
    assert all(tk.has_word(w) for w in user_words())
    assert all(tk.has_word(w) for w in tok._phrases())


@pytest.mark.usefixtures("rjieba_installed")
@pytest.mark.parametrize("seed", SEEDS, ids=[p.name[:3] for p in SEEDS])
def test_rjieba_and_jieba_give_the_same_tokens_on_the_seeds(seed: Path):
    text = seed.read_text(encoding="utf-8")
    assert tok.rjieba_tokenizer().cut(text, False) == tokenizer().lcut(text, HMM=False)  # the raw cut too
    for drop in (True, False):
        assert tokenize(text, stopwords=drop, backend="rjieba") == tokenize(text, stopwords=drop, backend="jieba")


@pytest.mark.usefixtures("rjieba_installed")
def test_rjieba_and_jieba_give_the_same_tokens_on_lexicon_terms():
    sentences = list(SENTENCES)
    for row in read_rows("mechanisms.csv"):
        for surface in [row["term"], *(v for v in (row.get("variants") or "").split("|") if v)]:
            sentences += [f"我们积极推行{surface}并取得成效", surface, f"不断加强{surface}工作"]
    for sentence in sentences:
        for drop in (True, False):
            jieba_tokens = tokenize(sentence, stopwords=drop, backend="jieba")
            assert tokenize(sentence, stopwords=drop, backend="rjieba") == jieba_tokens, sentence
    assert "法律明白人" in tokenize(SENTENCES[0], backend="rjieba")


@pytest.mark.usefixtures("rjieba_installed")
@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="法治政府建设年度报告调解纠纷一二三两0123456789，。、“”（）％% \n\t\u3000"
                        "APPab._-+#明白人四议公开枫桥经验不断加强", max_size=60))
def test_rjieba_and_jieba_agree_on_any_text(text: str):
    assert tokenize(text, stopwords=False, backend="rjieba") == tokenize(text, stopwords=False, backend="jieba")
