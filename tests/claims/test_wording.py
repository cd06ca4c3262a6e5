import re
from dataclasses import astuple
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims.domain import wording
from claims.domain.divergence import (
    DISMISSED,
    EXPLAINED,
    Judgement,
    evolution,
    overlap,
    summarise,
)
from tests.support.points import (
    A_FEW_THOUSAND,
    EVOLUTION_EXAMPLE,
    OCT,
    RALLY,
    TROOPS,
    dismissed,
    make,
)

D = Decimal
MIDPOINTS = ("22,500", "22500", "59,999.5", "59999.5", "6,000", "6000")


def sentences(summary):
    return [text for text in astuple(wording.describe(summary)) if text]


@pytest.mark.parametrize(
    ("day", "precision", "text"),
    [
        (date(2024, 10, 18), "day", "18 Oct 2024"),
        (date(2024, 10, 1), "month", "October 2024"),
        (date(2024, 1, 1), "year", "2024"),
    ],
)
def test_a_date_is_written_no_more_precisely_than_known(day, precision, text):
    assert wording.format_date(day, precision) == text


@pytest.mark.parametrize(
    ("ratio", "text"),
    [("2.00", "2.0"), ("1.30", "1.3"), ("6.67", "6.67"), ("1.08", "1.08")],
)
def test_ratio_keeps_two_places_or_one(ratio, text):
    assert wording.format_ratio(D(ratio)) == text


@pytest.mark.parametrize(
    ("days", "precisions", "text"),
    [
        ((28, 29), ("day", "day"), "28–29 Oct 2024"),
        ((28, 28), ("day", "day"), "28 Oct 2024"),
        ((1, 3), ("month", "day"), "October 2024"),
    ],
)
def test_a_span_of_dates_is_as_precise_as_its_least_precise_date(
    days, precisions, text
):
    points = [
        make(i, i, OCT.replace(day=day), "1", "exact", 1, precision=precision)
        for i, (day, precision) in enumerate(zip(days, precisions, strict=True))
    ]

    assert wording.format_span(points) == text


def test_a_span_across_months():
    points = [
        make(1, 1, date(2024, 10, 30), "1", "exact", 1),
        make(2, 2, date(2024, 11, 1), "1", "exact", 1),
    ]

    assert wording.format_span(points, year=False) == "30 Oct–1 Nov"


def test_troop_evolution_tells_the_rise_and_the_disagreement_apart():
    line = wording.evolution_line(evolution(TROOPS))

    assert line == EVOLUTION_EXAMPLE


def test_troop_claim_as_of_24_october():
    summary = summarise(TROOPS, as_of=date(2024, 10, 24))

    described = wording.describe(summary)

    assert described.evolution == (
        "several thousand (Ukrainian intelligence, October) → "
        "first batch of 1,500 (South Korea's NIS, 18 Oct) → "
        "at least 3,000 (White House, 23 Oct) → "
        "first batch of 1,500 (South Korea's NIS) to at least 3,000 (White House), "
        "October"
    )
    assert described.range == (
        "As of 24 Oct 2024, the current estimates of 3 sources range from "
        "“first batch of 1,500” (South Korea's NIS) to “at least 3,000” (White House)."
    )


def test_troop_claim_as_of_24_october_never_shows_6000_for_several_thousand():
    summary = summarise(TROOPS, as_of=date(2024, 10, 24))

    for text in sentences(summary):
        assert not any(number in text for number in MIDPOINTS), text


def test_troop_claim_first_reported_in_the_month_it_is_known_by():
    described = wording.describe(summarise(TROOPS))

    assert described.reported == (
        "First reported October 2024 (Ukrainian intelligence); "
        "latest figure 29 Oct 2024 (Pentagon)."
    )


def test_rally_range_names_the_stated_figures_that_bound_it():
    described = wording.describe(summarise(RALLY))

    assert described.range == (
        "The current estimates of 4 sources range from “between 20,000 and 25,000” "
        "(aerial count) to “more than 50,000” (organisers)."
    )


def test_rally_overlap_sentence_names_the_ends_it_divides():
    described = wording.describe(summarise(RALLY))

    assert described.overlap == (
        "“between 20,000 and 25,000” (aerial count) and “more than 50,000” "
        "(organisers) do not overlap: the highest estimate's lower end, 50,000, is "
        "2.0 times the lowest estimate's upper end, 25,000."
    )


def test_rally_sentences_show_no_midpoint():
    for points in (RALLY, [*RALLY, A_FEW_THOUSAND]):
        for text in sentences(summarise(points)):
            assert not any(number in text for number in MIDPOINTS), text


def test_rally_discrepancy_is_the_real_conflict_even_beside_a_vague_one():
    described = wording.describe(summarise([*RALLY, A_FEW_THOUSAND]))

    assert described.discrepancy.startswith(
        "“between 20,000 and 25,000” (aerial count) and “more than 50,000” "
        "(organisers) do not overlap"
    )
    assert described.status_label == "Under review"


def test_rally_evolution_is_one_spread_not_a_trend():
    line = wording.evolution_line(evolution(RALLY))

    assert line == (
        "between 20,000 and 25,000 (aerial count) to more than 50,000 (organisers), "
        "8–9 Mar"
    )


def test_a_vague_conflict_says_so_and_how_the_term_is_read():
    judged = dismissed(RALLY[3], RALLY[0])

    described = wording.describe(summarise([*RALLY, A_FEW_THOUSAND], judged=judged))

    assert described.discrepancy == (
        "“a few thousand” (a blog) and “more than 50,000” (organisers) do not "
        "overlap: the higher one's lower end, 50,000, is 10.0 times the lower one's "
        "upper end, 5,000. “a few thousand” is a vague term, read as 2,000 to 5,000. "
        "This conflict involves a vague term."
    )


def test_an_approximate_figure_says_how_it_is_read():
    points = [
        make(1, 1, OCT, "10,000", "exact", 10000, source_name="Pentagon"),
        make(2, 2, OCT, "closer to 12,000", "approximate", 12000, source_name="HUR"),
    ]

    described = wording.describe(summarise(points))

    assert described.overlap.endswith(
        "“closer to 12,000” is read as 10,800 to 13,200 (10 % either side). That is "
        "less than the 1.5 times this claim treats as a conflict."
    )
    assert described.status_label == "Close, not overlapping"


def test_a_dismissed_conflict_shows_the_editors_note_and_no_contested_badge():
    judged = dismissed(RALLY[3], RALLY[0], editor="Ana Lima", judged_on=OCT)

    described = wording.describe(summarise(RALLY, judged=judged))

    assert described.status_label == "Not a real conflict"
    assert described.status == (
        "The editors judged that “between 20,000 and 25,000” (aerial count) and "
        "“more than 50,000” (organisers) are not a real conflict: Checked. "
        "(Ana Lima, 1 Oct 2024)"
    )
    assert described.discrepancy == ""


def test_an_explained_conflict_shows_the_editors_note():
    judged = {
        (4, 1): Judgement(EXPLAINED, note="Different days of the rally", editor="Bo")
    }

    described = wording.describe(summarise(RALLY, judged=judged))

    assert described.status_label == "Explained by editors"
    assert described.status.endswith(": Different days of the rally. (Bo)")


def test_queue_and_page_use_the_same_words_for_a_state():
    assert wording.DISCREPANCY_LABELS["open"] == wording.STATUS_LABELS["under_review"]
    assert wording.DISCREPANCY_LABELS[DISMISSED] == wording.STATUS_LABELS[DISMISSED]


def test_one_source_and_no_source():
    one = summarise([make(1, 1, OCT, "18", "exact", 18, source_name="HUR")])

    assert wording.describe(one).range == (
        "The one source's current estimate is “18” (HUR)."
    )
    assert (
        wording.describe(one).reported
        == "One figure so far, reported 1 Oct 2024 (HUR)."
    )
    assert wording.describe(summarise([])).range == "No figure has been published yet."


# Properties: every sentence is true of random claims.

LETTERS = "abcdefghijklmnopqrstuvwxyz"
KINDS = ["exact", "approximate", "at_least", "at_most", "range", "qualitative"]
small_or_large = st.one_of(st.integers(1, 30), st.integers(1, 10**7))


@st.composite
def claims(draw):
    points = []
    for i in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(KINDS))
        first = draw(small_or_large)
        numbers = (first, first + draw(small_or_large))
        precision = draw(st.sampled_from(["day", "month", "year"]))
        day = date(2024, 1, 1) + timedelta(days=draw(st.integers(0, 700)))
        if precision == "month":
            day = day.replace(day=1)
        elif precision == "year":
            day = day.replace(month=1, day=1)
        source = draw(st.integers(0, 5))
        points.append(
            make(
                i + 1,
                source,
                day,
                f"figure {LETTERS[i]}",  # no digits: a number in a sentence is ours
                kind,
                *(numbers if kind in ("range", "qualitative") else numbers[:1]),
                precision=precision,
                source_name=f"source {LETTERS[source]}",
                is_retracted=draw(st.booleans()),
            )
        )
    as_of = draw(st.none() | st.dates(date(2024, 1, 1), date(2026, 1, 1)))
    return points, as_of


NUMBER = r"(-?[\d,]+(?:\.\d+)?)"
APART = re.compile(
    r"“(figure \w)” \(source \w\) and “(figure \w)” \(source \w\) do not overlap: "
    rf"the \w+ (?:one|estimate)'s lower end, {NUMBER}, is {NUMBER} times the \w+ "
    rf"(?:one|estimate)'s upper end, {NUMBER}\."
)
DATES = {
    "day": re.compile(r"^\d{1,2} [A-Z][a-z]{2} \d{4}$"),
    "month": re.compile(r"^[A-Z][a-z]+ \d{4}$"),
    "year": re.compile(r"^\d{4}$"),
}


def number(text):
    return D(text.replace(",", ""))


def check_apart(text, by_figure):
    """Check a "do not overlap" sentence: the two named estimates do not overlap,
    and its ratio divides the two ends it names."""
    match = APART.search(text)
    assert match, text
    low, high = by_figure[match[1]], by_figure[match[2]]
    upper_of_low, ratio, lower_of_high = (number(match[i]) for i in (5, 4, 3))
    assert not overlap(low, high)
    assert (lower_of_high, upper_of_low) == (high.low, low.high)
    exact = lower_of_high / upper_of_low
    assert ratio == exact.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def check_date(text, point):
    assert DATES[point.precision].match(text), (text, point.precision)
    assert str(point.stated_on.year) in text


@given(claims(), st.sampled_from([D("1.01"), D("1.5"), D(4)]))
def test_every_sentence_is_true_of_the_data(claim, threshold):
    points, as_of = claim
    summary = summarise(points, as_of=as_of, threshold=threshold)
    by_figure = {p.figure: p for p in points}

    described = wording.describe(summary)

    estimates = summary.estimates
    if "do not overlap" in described.overlap:
        check_apart(described.overlap, by_figure)
    elif described.overlap:
        assert all(overlap(a, b) for a in estimates for b in estimates)
    if described.discrepancy:
        check_apart(described.discrepancy, by_figure)
    quoted = re.findall(r"“(figure \w)”", described.range)
    assert all(by_figure[f] in estimates for f in quoted)
    outside = re.sub(r"“[^”]*”", "", described.range)
    if as_of:
        outside = outside.replace(wording.format_date(as_of), "")
    without_count = re.sub(rf"\b{len(estimates)}\b", "", outside)
    assert not re.search(r"\d", without_count), described.range
    if summary.first_reported:
        first, latest = summary.first_reported, summary.latest
        dates = re.findall(
            r"(?:reported|latest figure) ([^()]+?) \(source", described.reported
        )
        check_date(dates[0], first)
        if first != latest:
            check_date(dates[1], latest)
    for step in summary.evolution:
        span = wording.format_span(step.points)
        if any(p.precision != "day" for p in step.points):
            assert not re.search(r"\d{1,2} [A-Z][a-z]{2}", span), span
        if any(p.precision == "year" for p in step.points):
            assert re.fullmatch(r"\d{4}(–\d{4})?", span), span


@pytest.mark.parametrize(
    ("kind", "low", "high", "unit", "words"),
    [
        ("exact", "540000000", "540000000", "USD", "$540 million"),
        ("range", "8", "10", "years", "8 to 10 years"),
        ("at_least", "3000", None, "troops", "at least 3,000 troops"),
        ("at_most", None, "1500", "troops", "at most 1,500 troops"),
        ("exact", "1300000", "1300000", "soldiers", "1.3 million soldiers"),
        ("range", "500000000", "600000000", "USD", "$500 million to $600 million"),
        ("exact", "2500000000", "2500000000", "EUR", "€2.5 billion"),
    ],
)
def test_readings_carry_their_unit_as_people_write_it(kind, low, high, unit, words):
    from decimal import Decimal

    from claims.domain.wording import reading_with_unit

    def number(text):
        return None if text is None else Decimal(text)

    assert reading_with_unit(kind, number(low), number(high), unit) == words


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("Counts all regions", "Counts all regions."),
        ("Counts all regions.", "Counts all regions."),
        ("  Is this the same count?  ", "Is this the same count?"),
        ("The ministry called it “final.”", "The ministry called it “final.”"),
        ("A different scope (units seen only)", "A different scope (units seen only)."),
        ("Stated twice…", "Stated twice…"),
        ("", ""),
    ],
)
def test_a_note_or_reason_ends_as_a_sentence(text, sentence):
    assert wording.as_sentence(text) == sentence


@pytest.mark.parametrize(
    ("ratio", "text"),
    [("2", "2.0"), ("1.30", "1.3"), ("6.67", "6.67"), ("10526.32", "10,526.32"),
     ("1000", "1,000.0")],
)  # fmt: skip
def test_a_ratio_has_thousands_separators_as_every_number_does(ratio, text):
    assert wording.format_ratio(Decimal(ratio)) == text


@pytest.mark.parametrize(
    ("count", "last"),
    [
        (10, None),
        (11, "1 more figure is set aside by the editors for this claim, each marked "
         "with the reason in the list of every figure."),
        (1_210, "1,200 more figures are set aside by the editors for this claim, "
         "each marked with the reason in the list of every figure."),
    ],
)  # fmt: skip
def test_the_summary_words_ten_figures_set_aside_and_counts_the_rest(count, last):
    set_aside = [
        make(n, n, OCT, f"{n + 1},000", "exact", n + 1000,
             set_aside_on=OCT + timedelta(days=1),
             set_aside_reason="Counts another region")
        for n in range(count)
    ]  # fmt: skip

    sentences = wording.set_aside_sentences(set_aside)

    worded = [s for s in sentences if "Counts another region." in s]
    assert len(worded) == 10
    assert (sentences[-1] if len(sentences) == 11 else None) == last
