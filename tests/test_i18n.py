"""fazhi_lib.i18n: the message catalogue of the rendered briefs (vocab/messages.csv)."""

from __future__ import annotations

import re

import pytest

from fazhi_lib import i18n
from fazhi_lib import overview as ov
from fazhi_lib.diffusion import dimension_labels


def test_catalogue_mirrors_the_owners_of_chinese_names():
    cat = i18n.catalogue()
    for part, zh in ov.PART_LABELS.items():
        assert cat[f"part.{part}"]["zh"] == zh
    for status, zh in ov.STATUS_LABELS.items():
        assert cat[f"status.{status}"]["zh"] == zh
    for dim, zh in dimension_labels().items():
        assert cat[f"dimension.{dim}"]["zh"] == zh
    for key, texts in cat.items():  # placeholders agree across languages
        assert set(re.findall(r"{(\w+)}", texts["en"])) == set(re.findall(r"{(\w+)}", texts["zh"])), key


def test_lookups_and_clear_errors():
    assert i18n.t("problems.ratio", "zh", ok=3, n=5) == "3 / 5"
    assert i18n.label("part", "plans", "zh") == "下一步打算" and i18n.label("part", "plans", "en") == "Plans"
    assert i18n.label("part", "my_own_part", "en") == "my_own_part"  # a value the catalogue does not know
    assert i18n.html_lang("zh") == "zh-CN"
    with pytest.raises(KeyError, match="no key 'nope'"):
        i18n.t("nope", "en")
    with pytest.raises(ValueError, match="unknown language 'fr'; choose one of en, zh"):
        i18n.t("yes", "fr")


def test_a_broken_catalogue_is_refused(tmp_path, monkeypatch):
    rows = {"missing": 'key,en,zh\nyes,yes\n', "unquoted comma": 'key,en,zh\nyes,yes, really,是\n',
            "twice": 'key,en,zh\nyes,yes,是\nyes,yes,是\n', "header": 'key,zh,en\nyes,是,yes\n'}
    for problem, text in rows.items():
        (tmp_path / "messages.csv").write_text(f"# comment\n{text}", encoding="utf-8")
        monkeypatch.setattr(i18n, "vocab_path", lambda _name: tmp_path / "messages.csv")
        i18n.catalogue.cache_clear()
        try:
            with pytest.raises(ValueError, match=r"messages\.csv"):
                i18n.catalogue()
                pytest.fail(f"a catalogue with a {problem} was accepted")
        finally:
            i18n.catalogue.cache_clear()
    monkeypatch.undo()
    assert i18n.catalogue()["yes"]["zh"] == "是"
