"""Spelling suggestions from the words of quotes (claims/domain/spelling.py)."""

import pytest

from claims.domain import spelling


@pytest.mark.parametrize(
    "text, words",
    [
        ("The first batch of 1,500 troops.", {"the", "first", "batch", "troops"}),
        ("HUR's_estimate: 3k", {"hur", "estimate"}),
        ("a" * 41 + " ok", set()),
        ("Розвідка повідомила", {"розвідка", "повідомила"}),
    ],
)
def test_the_words_of_a_quote(text, words):
    assert spelling.words_of(text) == words


def test_each_unknown_word_is_replaced_by_the_closest_and_a_phrase_stays_one():
    near = {"frist": {"first", "frost"}, "batch": {"batch", "match"}}

    assert spelling.respelled(["frist batch"], near) == "“first batch”"
    assert spelling.respelled(["frist", "batch"], near) == "first batch"


def test_nothing_is_suggested_when_every_word_is_known_or_has_nothing_close():
    assert spelling.respelled(["batch"], {"batch": {"batch"}}) is None
    assert spelling.respelled(["zzyzx"], {"zzyzx": {"batch"}}) is None


def test_among_equally_close_words_the_first_in_alphabetical_order():
    assert spelling.closest("cart", ["cast", "card"]) == "card"


@pytest.mark.parametrize(
    "texts",
    [
        [],
        [""],
        ["Row 12 says about 3,000.", "Troops crossed", "crossed the border"],
        ["ends in wor", "ds here", "İstanbul ŞEHİR straße", "x_y", "ab", "abc"],
        ["a" * 41, "b" * 40 + "\nthen", "tab\tseparated\rcarriage"],
    ],
)
def test_the_words_of_many_texts_are_the_words_of_each(texts):
    assert spelling.words_of_all(texts) == set().union(*map(spelling.words_of, texts))


def test_the_words_of_texts_longer_than_one_pass_are_the_words_of_each(monkeypatch):
    """Read a bounded number of characters at a time (a 200 MB import's quotes
    were read in one pass: 1.6 GB), and still no word runs from one text into the
    next across a pass's end."""
    monkeypatch.setattr(spelling, "WORDS_PASS", 10)
    texts = ["ends in wor", "ds here", "crossed the border", "Ab", "cd", "troops"] * 3

    assert spelling.words_of_all(texts) == set().union(*map(spelling.words_of, texts))
    assert "words" not in spelling.words_of_all(texts)
