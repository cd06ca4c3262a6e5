"""The figure finder (claims/domain/figures/finder.py): the figures a quote states,
each with its span and reading, and the numbers that are not counts skipped. Pure:
no database."""

import ast
import importlib
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims.domain import rules
from claims.domain.figures import (
    APPROXIMATE,
    AT_LEAST,
    AT_MOST,
    EXACT,
    QUALITATIVE,
    RANGE,
    finder,
)
from claims.domain.figures.finder import find_figures

D = Decimal


def readings(text):
    return [
        (found.text, found.figure.kind, found.figure.low, found.figure.high)
        for found in find_figures(text)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "around 11,000 North Korean soldiers were stationed in Kursk",
            [("around 11,000", APPROXIMATE, D(9_900), D(12_100))],
        ),
        (
            "On 25/10/2024, the Dutch services confirmed that up to 1,500 North "
            "Korean troops have been sent",
            [("up to 1,500", AT_MOST, None, D(1_500))],
        ),
        (
            "the Pentagon said between 11,000 and 12,000 troops were in Kursk",
            [("between 11,000 and 12,000", RANGE, D(11_000), D(12_000))],
        ),
        (
            "Rybar said there were no more than 500 of them.",
            [("no more than 500", AT_MOST, None, D(500))],
        ),
        (
            "several thousand North Korean soldiers were undergoing training",
            [("several thousand", QUALITATIVE, D(3_000), D(9_000))],
        ),
        (
            "North Korea has 1.3 million active soldiers and 7.5 million on reserve",
            [
                ("1.3 million", EXACT, D(1_300_000), D(1_300_000)),
                ("7.5 million", EXACT, D(7_500_000), D(7_500_000)),
            ],
        ),
        (
            "at least 1,500 and as many as 3,000 had arrived",
            [("at least 1,500 and as many as 3,000", RANGE, D(1_500), D(3_000))],
        ),
        (
            "more than 10,000 troops (NIS)",
            [("more than 10,000", AT_LEAST, D(10_000), None)],
        ),
        (
            "several thousand soldiers and dozens of tanks, up to 1,500 more",
            [
                ("several thousand", QUALITATIVE, D(3_000), D(9_000)),
                ("dozens", QUALITATIVE, D(24), D(99)),
                ("up to 1,500", AT_MOST, None, D(1_500)),
            ],
        ),
        (
            "U.S. and South Korean intelligence claimed there are 3,000 troops.",
            [("3,000", EXACT, D(3_000), D(3_000))],
        ),
        (
            "a brigade 3,000 strong and Unit 29155",
            [("3,000", EXACT, D(3_000), D(3_000))],
        ),
    ],
)
def test_figures_are_found_with_the_words_that_set_their_kind(text, expected):
    assert readings(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "On 5 November 2024 the ministry spoke.",
        "On November 5, 2024 the ministry spoke.",
        "Since August 2023, nothing changed.",
        "The report of 28.10.2024 and of 2024-10-28.",
        "The briefing began at 10:30 and ended at 3 pm.",
        "The soldiers, aged 18 to 25, and a 19-year-old were 20 years old.",
        "In 2022 the war began; during 2023 it went on.",
        "Losses rose 40% or 12 per cent.",
        "See p. 4, section 3 and § 12.",
        "Call +44 20 7946 0958 or (202) 555-0123.",
        "Hwasong-19 missiles, F-16 jets, T-90M tanks and Patriot PAC-3 batteries.",
        "The 3rd Army and the 25th brigade.",
        "It fired Hwasong-19 missiles and F-16 jets at 10:30 on 25/10/2024.",
        "In 2022, 5% of the 34-year-old men, see page 12, called +44 20 7946 0958.",
        "Kim (34) wrote footnote [12] over 2022-2024 and 2023–24.",
        "Contact room 12, flight 370, Unit 29155, brigade 155 and Decree 11.",
        "Tel. 0800 123 456.",
    ],
)
def test_numbers_that_are_not_counts_are_skipped(text):
    assert readings(text) == []


def test_a_span_is_the_figure_as_written_in_the_text():
    text = "Officials said “about 12,000 troops” had arrived."

    (found,) = find_figures(text)

    assert text[found.start : found.end] == found.text == "about 12,000"


def test_a_span_keeps_the_currency_and_scale_of_its_figure():
    text = "Officials said approximately $540 million was paid."

    (found,) = find_figures(text)

    assert text[found.start : found.end] == "approximately $540 million"
    assert found.figure.low == D("486000000")


def test_counts_beside_names_are_found_and_the_names_skipped():
    assert readings("around 100 T-90M tanks and two Patriot PAC-3 batteries") == [
        ("around 100", APPROXIMATE, D(90), D(110)),
        ("two", EXACT, D(2), D(2)),
    ]


@given(st.text(max_size=120))
def test_any_text_is_searched_without_error(text):
    for found in find_figures(text):
        assert text[found.start : found.end] == found.text


def test_a_counter_glued_to_digits_in_another_script_leaves_the_number():
    text = "북한군 약 10,000명이 러시아에 파병되었다"

    (found,) = find_figures(text)

    assert (found.text, found.figure.low) == ("10,000", D(10_000))


def test_a_line_break_from_a_legacy_encoding_reads_as_a_space():
    # U+0085 (NEL) is the line break of text decoded from EBCDIC or a mislabelled
    # Latin-1 file: the qualifier before it still belongs to the figure after it.
    quote = "Officials said up to\x853,000 troops had crossed."

    (found,) = find_figures(quote)

    assert (found.text, found.figure.kind) == ("up to\x853,000", AT_MOST)
    assert rules.figure_quote_problem("up to 3,000", quote) == ""
    assert rules.figure_quote_problem("3,000", quote) != ""


ROOT = Path(__file__).resolve().parents[2]


def _finders() -> list[str]:
    """Return the modules of the app that define a function named find_figures."""
    return sorted(
        str(path.relative_to(ROOT))
        for folder in ("claims", "sources", "bench")
        for path in (ROOT / folder).rglob("*.py")
        if any(
            isinstance(node, ast.FunctionDef) and node.name == "find_figures"
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        )
    )


def test_one_finder_serves_the_quote_rule_and_the_extraction_assistant():
    # Issue 24: "One figure finder serves this rule and the extraction assistant."
    assert _finders() == ["claims/domain/figures/finder.py"]
    assert rules.find_figures is finder.find_figures
    extract = importlib.import_module("claims.domain.extraction.extract")
    assert extract.find_figures is finder.find_figures
