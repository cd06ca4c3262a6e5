"""The quote check of claims/domain/rules.py: forgiving of typography, and explaining
itself
when a quote is not in the document. Pure: no database."""

import datetime
import time

import pytest

from claims.domain import rules

DOCUMENT = (
    "Officials said on Tuesday that “at least 3,000 troops” had arrived — the "
    "Pentagon’s estimate  was\nhigher.\n\nBy Friday the figure had risen to 10,000."
)


@pytest.mark.parametrize(
    "quote, passage",
    [
        (
            '"at least 3,000 troops" had arrived',
            "“at least 3,000 troops” had arrived",
        ),
        ("the Pentagon's estimate was higher", "the Pentagon’s estimate  was\nhigher"),
        ("arrived - the", "arrived — the"),
        ("arrived – the", "arrived — the"),
        ("arrived − the", "arrived — the"),
        ("  By Friday  the figure ", "By Friday the figure"),
        ("risen to 10,000.", "risen to 10,000."),
    ],
)
def test_typography_is_forgiven_and_the_documents_own_passage_is_returned(
    quote, passage
):
    assert rules.quote_passage(quote, DOCUMENT) == passage


@pytest.mark.parametrize(
    "quote",
    ["at least 3,000 soldiers", "risen to 12,000", "Invented words.", ""],
)
def test_different_words_do_not_match(quote):
    assert rules.quote_passage(quote, DOCUMENT) is None


def test_a_near_miss_names_the_nearest_passage_and_where_it_differs():
    problem = rules.quote_problem("the Pentagon said its estimate was higher", DOCUMENT)

    assert problem.startswith(rules.MESSAGES["quote_missing"])
    assert "Nearest passage: “the Pentagon’s estimate was higher”" in problem
    assert "differs at “Pentagon’s estimate”" in problem
    assert "the quote has “Pentagon said its estimate”" in problem


def test_a_quote_sharing_nothing_close_gets_the_plain_message():
    assert (
        rules.quote_problem("Invented words.", DOCUMENT)
        == (rules.MESSAGES["quote_missing"])
    )


def test_a_quote_that_occurs_has_no_problem():
    assert rules.quote_problem("“at least 3,000 troops”", DOCUMENT) == ""


def test_the_rules_report_the_nearest_passage_on_the_quote_field():
    problems = rules.assertion_problems(
        stated_on=None,
        published_on=None,
        quote="By Friday the figure had risen to 12,000.",
        document_text=DOCUMENT,
        source_id=None,
        relayed_by_id=None,
        today=datetime.date(2026, 1, 1),
    )

    assert "differs at “10,000.”" in problems["quote"]


def test_a_near_miss_in_a_one_megabyte_document_is_found_in_linear_time():
    filler = "The ministry gave no figure for the week in question. " * 20_000
    document = filler[: 1_000_000 - len(DOCUMENT)] + DOCUMENT

    started = time.perf_counter()
    problem = rules.quote_problem("By Friday the figure had risen to 12,000.", document)
    elapsed = time.perf_counter() - started

    assert "differs at “10,000.”" in problem
    assert elapsed < 2.0  # about 0.3 s on the CI's cores; a quadratic scan takes hours


def test_an_over_long_quote_is_refused_at_once_saying_the_limit():
    quote = "The figure rose again. " * 500  # 11,500 characters: 26 s before
    document = "Nothing of it here. " * 5_000  # 100 KB

    started = time.perf_counter()
    problem = rules.quote_problem(quote, document)

    assert time.perf_counter() - started < 0.5
    assert "at most 2,000" in problem


@pytest.mark.parametrize("length", [rules.NEAREST_MAX_QUOTE, rules.QUOTE_MAX_LENGTH])
def test_a_missing_quote_up_to_the_limit_is_checked_in_bounded_time(length):
    words = [f"word{n} of the ministry's count" for n in range(400)]
    document = " ".join(words * 10)[:1_000_000]
    quote = " ".join(reversed(words))[:length]

    started = time.perf_counter()
    problem = rules.quote_problem(quote, document)

    assert problem.startswith(rules.MESSAGES["quote_missing"])
    assert time.perf_counter() - started < 1.5
