from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from hypothesis import example, given
from hypothesis import strategies as st

from claims.figures import (
    APPROXIMATE,
    AT_LEAST,
    AT_MOST,
    EXACT,
    PLURAL_TERMS,
    QUALITATIVE,
    QUALITATIVE_TERMS,
    RANGE,
    describe_interval,
    format_number,
    parse_figure,
)

D = Decimal


@pytest.mark.parametrize(
    ("text", "kind", "low", "high"),
    [
        # exact
        ("1,500", EXACT, D(1500), D(1500)),
        ("1500", EXACT, D(1500), D(1500)),
        ("1.3 million", EXACT, D(1_300_000), D(1_300_000)),
        ("7.5 million", EXACT, D(7_500_000), D(7_500_000)),
        ("3k", EXACT, D(3000), D(3000)),
        ("$540m", EXACT, D(540_000_000), D(540_000_000)),
        ("€2.5bn", EXACT, D(2_500_000_000), D(2_500_000_000)),
        ("first batch of 1,500", EXACT, D(1500), D(1500)),
        ("a thousand", EXACT, D(1000), D(1000)),
        ("a dozen", EXACT, D(12), D(12)),
        ("0", EXACT, D(0), D(0)),
        ("2.5", EXACT, D("2.5"), D("2.5")),
        # approximate: the number ± 10 %
        ("about 1,000", APPROXIMATE, D(900), D(1100)),
        ("approximately $540 million", APPROXIMATE, D(486_000_000), D(594_000_000)),
        ("around 500", APPROXIMATE, D(450), D(550)),
        ("roughly 2,000", APPROXIMATE, D(1800), D(2200)),
        ("closer to 12,000", APPROXIMATE, D(10_800), D(13_200)),
        ("the figure is closer to 12,000 troops", APPROXIMATE, D(10_800), D(13_200)),
        ("~500", APPROXIMATE, D(450), D(550)),
        ("an estimated 600,000", APPROXIMATE, D(540_000), D(660_000)),
        # at least
        ("at least 3,000", AT_LEAST, D(3000), None),
        ("more than 10,000", AT_LEAST, D(10_000), None),
        ("over 200", AT_LEAST, D(200), None),
        ("12,000+", AT_LEAST, D(12_000), None),
        ("5,000 or more", AT_LEAST, D(5000), None),
        # at most
        ("up to 1,500", AT_MOST, None, D(1500)),
        ("fewer than 100", AT_MOST, None, D(100)),
        ("no more than 2,000", AT_MOST, None, D(2000)),
        ("as many as 40", AT_MOST, None, D(40)),
        # ranges
        ("10,000–12,000", RANGE, D(10_000), D(12_000)),
        ("10,000—12,000", RANGE, D(10_000), D(12_000)),
        ("10,000-12,000", RANGE, D(10_000), D(12_000)),
        ("10,000 - 12,000", RANGE, D(10_000), D(12_000)),
        ("10,000 to 12,000", RANGE, D(10_000), D(12_000)),
        ("between 10,000 and 12,000", RANGE, D(10_000), D(12_000)),
        ("between 10 and 12 thousand", RANGE, D(10_000), D(12_000)),
        ("10-12 thousand", RANGE, D(10_000), D(12_000)),
        ("$1-2 billion", RANGE, D(1_000_000_000), D(2_000_000_000)),
        ("500 to 1.2 million", RANGE, D(500), D(1_200_000)),
        ("8 to 10", RANGE, D(8), D(10)),
        # vague terms take their default intervals
        ("several thousand", QUALITATIVE, D(3000), D(9000)),
        ("a few hundred", QUALITATIVE, D(200), D(500)),
        ("dozens", QUALITATIVE, D(24), D(99)),
        ("hundreds", QUALITATIVE, D(200), D(999)),
        ("thousands of troops", QUALITATIVE, D(2000), D(9999)),
        ("tens of thousands", QUALITATIVE, D(20_000), D(99_999)),
        ("Several Thousand", QUALITATIVE, D(3000), D(9000)),
    ],
)
def test_figure_reads_as_interval(text, kind, low, high):
    figure = parse_figure(text)

    assert (figure.kind, figure.low, figure.high) == (kind, low, high)
    assert figure.text == text


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("many", "no recognisable figure"),
        ("a lot of troops", "no recognisable figure"),
        ("-5", "negative"),
        ("−1,500", "negative"),
        ("12,000–10,000", "reversed range: 12,000 is above 10,000"),
        ("between 5 and 3", "reversed range"),
        ("1, 2 and 3", "3 numbers"),
        ("3,000 and 5,000", "not a range"),
        ("10" + "0" * 25, "larger than the largest figure"),
        ("1.123456", "decimal places"),
    ],
)
def test_bad_figure_is_refused_with_a_reason(text, says):
    with pytest.raises(ValidationError) as raised:
        parse_figure(text)

    message = " ".join(raised.value.messages)
    assert says in message
    assert "Write" in message or text.strip() in message


def test_refusal_says_what_is_accepted():
    with pytest.raises(ValidationError) as raised:
        parse_figure("unknown")

    assert "at least" in raised.value.messages[0]
    assert "10,000–12,000" in raised.value.messages[0]


def test_currency_sign_is_recorded():
    assert parse_figure("approximately $540 million").currency == "USD"


def test_every_vague_term_has_an_ordered_positive_interval():
    for term, (low, high) in QUALITATIVE_TERMS.items():
        assert 0 < low < high, term
        assert parse_figure(term).kind == QUALITATIVE


numbers = st.integers(min_value=0, max_value=10**15)


@given(numbers)
def test_any_whole_number_with_separators_is_exact(n):
    figure = parse_figure(f"{n:,}")

    assert (figure.kind, figure.low, figure.high) == (EXACT, D(n), D(n))


@given(numbers, numbers)
def test_two_numbers_with_a_dash_are_a_range_or_refused_when_reversed(a, b):
    text = f"{a:,}–{b:,}"
    if a <= b:
        figure = parse_figure(text)
        assert (figure.kind, figure.low, figure.high) == (RANGE, D(a), D(b))
    else:
        with pytest.raises(ValidationError, match="reversed range"):
            parse_figure(text)


@given(numbers, st.sampled_from(["at least", "more than", "over"]))
def test_at_least_leaves_the_upper_bound_open(n, qualifier):
    figure = parse_figure(f"{qualifier} {n:,}")

    assert (figure.kind, figure.low, figure.high) == (AT_LEAST, D(n), None)


@given(numbers, st.sampled_from(["up to", "fewer than", "no more than"]))
def test_at_most_leaves_the_lower_bound_open(n, qualifier):
    figure = parse_figure(f"{qualifier} {n:,}")

    assert (figure.kind, figure.low, figure.high) == (AT_MOST, None, D(n))


@given(
    st.integers(min_value=1, max_value=999),
    st.sampled_from([("thousand", 10**3), ("million", 10**6), ("billion", 10**9)]),
)
def test_magnitude_words_multiply(n, magnitude):
    word, size = magnitude

    assert parse_figure(f"{n} {word}").low == D(n * size)


@given(st.integers(min_value=1, max_value=10**12))
def test_approximate_interval_contains_the_stated_number(n):
    figure = parse_figure(f"about {n:,}")

    assert figure.low < figure.value < figure.high


@given(st.text(max_size=60))
@example("10,000–")
@example("–10,000")
@example("$")
@example("1e10")
def test_any_text_parses_to_an_ordered_interval_or_a_validation_error(text):
    try:
        figure = parse_figure(text)
    except ValidationError:
        return
    assert figure.low is not None or figure.high is not None
    assert figure.low is None or figure.low >= 0
    if figure.low is not None and figure.high is not None:
        assert figure.low <= figure.high


@pytest.mark.parametrize(
    ("value", "text"),
    [(D(1500), "1,500"), (D("10800.0000"), "10,800"), (D("0.5"), "0.5"), (None, "")],
)
def test_format_number(value, text):
    assert format_number(value) == text


@pytest.mark.parametrize(
    ("low", "high", "text"),
    [
        (D(10_000), D(12_000), "10,000 to 12,000"),
        (D(3000), None, "at least 3,000"),
        (None, D(1500), "at most 1,500"),
        (D(5), D(5), "5"),
    ],
)
def test_describe_interval(low, high, text):
    assert describe_interval(RANGE, low, high) == text


def test_readme_lists_every_default_interval():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()

    for term, (low, high) in PLURAL_TERMS.items():
        assert f"| {term} | {format_number(low)} | {format_number(high)} |" in readme
