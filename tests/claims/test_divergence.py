import os
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims import divergence
from claims.divergence import (
    CONTESTED,
    CORROBORATED,
    NO_DATA,
    SINGLE_SOURCE,
    Point,
    compare,
    current_estimates,
    evolution,
    evolution_line,
    revisions,
    summarise,
)
from claims.figures import parse_figure

OCT = date(2024, 10, 1)
ROOT = Path(__file__).resolve().parents[2]


def point(id, source, day, figure, document=None, origin=None, retracted=False):
    parsed = parse_figure(figure)
    return Point(
        id=id,
        source_id=source,
        stated_on=OCT.replace(day=day),
        kind=parsed.kind,
        low=parsed.low,
        high=parsed.high,
        value=parsed.value,
        figure=figure,
        document_id=document,
        origin_id=origin,
        is_retracted=retracted,
    )


HUR, NIS, KIRBY, DUTCH, US, PENTAGON = 1, 2, 3, 4, 5, 6
BRIEF, BROOKINGS = 100, 200
TROOPS = [
    point(1, HUR, 1, "several thousand", BROOKINGS),
    point(2, NIS, 18, "first batch of 1,500", BROOKINGS),
    point(3, KIRBY, 23, "at least 3,000", BROOKINGS),
    point(4, DUTCH, 25, "up to 1,500", BRIEF),
    point(5, HUR, 25, "up to 1,500", BRIEF),
    point(6, US, 25, "up to 1,500", BRIEF),
    point(7, NIS, 25, "up to 1,500", BRIEF),
    point(8, US, 28, "3,000", BRIEF),
    point(9, NIS, 28, "3,000", BRIEF),
    point(10, HUR, 28, "closer to 12,000", BRIEF),
    point(11, PENTAGON, 29, "10,000", BROOKINGS),
]


def test_troop_evolution_reads_as_the_seed_documents_tell_it():
    assert evolution_line(evolution(TROOPS)) == "1,500 → 3,000 → 10,000–12,000"


def test_evolution_as_of_a_date_stops_there():
    assert evolution_line(evolution(TROOPS, date(2024, 10, 24))) == "1,500 → 3,000"


def test_current_estimate_is_each_sources_latest():
    estimates = current_estimates(TROOPS, date(2024, 10, 28))

    assert {p.source_id: p.figure for p in estimates} == {
        HUR: "closer to 12,000",
        NIS: "3,000",
        KIRBY: "at least 3,000",
        DUTCH: "up to 1,500",
        US: "3,000",
    }


def test_spread_between_up_to_1500_and_closer_to_12000():
    summary = summarise(TROOPS, date(2024, 10, 28))

    assert summary.lowest.figure == "up to 1,500"
    assert summary.highest.figure == "closer to 12,000"
    assert summary.overlaps is False
    assert summary.spread_ratio == Decimal("7.20")  # 10,800 / 1,500
    assert (summary.envelope_low, summary.envelope_high) == (1500, 13200)
    assert summary.status == CONTESTED


def test_one_statement_credited_to_two_sources_counts_once():
    summary = summarise([p for p in TROOPS if p.id in (8, 9)])

    assert summary.source_count == 2
    assert summary.independent_groups == 1
    assert summary.status == SINGLE_SOURCE


def test_sources_of_one_organisation_are_not_independent():
    office, spokesperson = 10, 11
    points = [
        point(1, office, 2, "3,000"),
        point(2, spokesperson, 3, "about 3,000", origin=office),
    ]

    assert summarise(points).independent_groups == 1


def test_independent_agreeing_sources_corroborate():
    points = [point(1, HUR, 2, "3,000", BRIEF), point(2, NIS, 3, "about 3,100")]

    summary = summarise(points)

    assert summary.overlaps is True
    assert summary.spread_ratio is None
    assert summary.status == CORROBORATED


def test_open_bounds_do_not_make_a_conflict():
    points = [
        point(1, KIRBY, 2, "at least 3,000"),
        point(2, HUR, 3, "closer to 12,000"),
    ]

    assert summarise(points).overlaps is True


def test_retracted_points_never_count():
    points = [point(1, HUR, 2, "3,000"), point(2, NIS, 3, "12,000", retracted=True)]

    summary = summarise(points)

    assert summary.source_count == 1
    assert summary.spread_ratio is None
    assert evolution_line(evolution(points)) == "3,000"


def test_no_points_means_no_data():
    summary = summarise([])

    assert summary.status == NO_DATA
    assert summary.lowest is None


def test_a_source_changing_its_figure_is_a_revision_not_a_disagreement():
    found = revisions(TROOPS)

    hur = [
        (r.previous.figure, r.current.figure, r.direction)
        for r in found
        if r.source_id == HUR
    ]
    assert hur == [
        ("several thousand", "up to 1,500", "down"),
        ("up to 1,500", "closer to 12,000", "up"),
    ]
    assert summarise([TROOPS[0], TROOPS[4]]).source_count == 1


@pytest.mark.parametrize(
    ("figure", "others", "verdict", "agreeing"),
    [
        ("closer to 12,000", ["up to 1,500", "3,000"], "above", 0),
        ("up to 1,500", ["3,000", "at least 3,000"], "below", 0),
        ("3,000", ["at least 3,000", "closer to 3,100"], "within", 2),
        ("up to 1,500", ["up to 1,500", "up to 1,500", "at least 3,000"], "mixed", 2),
        ("3,000", [], "alone", 0),
    ],
)
def test_compare_with_other_sources(figure, others, verdict, agreeing):
    others = [point(i + 10, i + 10, 2, text) for i, text in enumerate(others)]

    comparison = compare(point(1, 1, 3, figure), others)

    assert (comparison.verdict, comparison.agreeing) == (verdict, agreeing)


levels = st.integers(min_value=1, max_value=10**9)


@st.composite
def point_lists(draw):
    count = draw(st.integers(min_value=0, max_value=25))
    points = []
    for i in range(count):
        low = draw(levels)
        high = low + draw(st.integers(min_value=0, max_value=10**6))
        kind = draw(st.sampled_from(["exact", "range", "at_least", "at_most"]))
        low_, high_ = {
            "exact": (low, low),
            "range": (low, high),
            "at_least": (low, None),
            "at_most": (None, high),
        }[kind]
        points.append(
            Point(
                id=i,
                source_id=draw(st.integers(min_value=1, max_value=5)),
                stated_on=OCT + timedelta(days=draw(st.integers(0, 60))),
                kind=kind,
                low=None if low_ is None else Decimal(low_),
                high=None if high_ is None else Decimal(high_),
                value=Decimal(low) if kind == "exact" else None,
                is_retracted=draw(st.booleans()),
            )
        )
    return points


@given(point_lists())
def test_at_most_one_current_estimate_per_source_and_none_retracted(points):
    estimates = current_estimates(points)

    assert len({p.source_id for p in estimates}) == len(estimates)
    assert not any(p.is_retracted for p in estimates)


@given(point_lists())
def test_spread_exists_exactly_when_estimates_do_not_overlap(points):
    summary = summarise(points)

    assert (summary.spread_ratio is not None) == (not summary.overlaps)
    if summary.spread_ratio is not None:
        assert summary.spread_ratio >= 1
        assert summary.status == CONTESTED


@given(point_lists())
def test_envelope_holds_every_finite_bound(points):
    summary = summarise(points)

    for p in summary.estimates:
        for bound in (p.low, p.high):
            if bound is not None:
                assert summary.envelope_low <= bound <= summary.envelope_high


@given(point_lists())
def test_evolution_steps_are_in_order_of_first_report(points):
    steps = evolution(points)

    assert [s.first_stated_on for s in steps] == sorted(
        s.first_stated_on for s in steps
    )
    assert all(s.low <= s.high for s in steps)


@given(point_lists(), st.integers(0, 60))
def test_as_of_ignores_everything_stated_later(points, days):
    as_of = OCT + timedelta(days=days)

    later_removed = [p for p in points if p.stated_on <= as_of]

    assert summarise(points, as_of).estimates == summarise(later_removed).estimates


def test_pure_modules_load_without_django_settings():
    code = (
        "import sys, claims.divergence, claims.figures; "
        "sys.exit('django.db' in sys.modules or 'django.conf' in sys.modules)"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}

    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True
    )

    assert result.returncode == 0, result.stderr


def test_range_of_figures_keeps_both_ends_of_a_range():
    summary = summarise([point(1, HUR, 2, "8 to 10")])

    assert (summary.range_low, summary.range_high) == (8, 10)


def test_range_of_figures_for_the_troop_claim():
    summary = summarise(TROOPS)

    assert (summary.range_low, summary.range_high) == (1500, 12000)


@given(point_lists())
def test_overlap_is_symmetric_and_within_means_agreeing_with_all(points):
    for a in points:
        for b in points:
            assert divergence.overlap(a, b) == divergence.overlap(b, a)
        comparison = compare(a, points)
        assert (comparison.verdict == "within") == (
            comparison.total > 0 and comparison.agreeing == comparison.total
        )


def widest_by_comparing_every_pair(points, threshold=Decimal("1.5")):
    estimates = current_estimates(points)
    ratios = [
        divergence.pair_ratio(a, b)
        for i, a in enumerate(estimates)
        for b in estimates[i + 1 :]
    ]
    widest = max((r for r in ratios if r is not None), default=None)
    return widest if widest is not None and widest >= threshold else None


@given(point_lists())
def test_widest_conflict_is_the_widest_pair_of_current_estimates(points):
    widest = widest_by_comparing_every_pair(points)

    conflict = divergence.widest_conflict(points, threshold=Decimal("1.5"))

    if widest is None:
        assert conflict is None
    else:
        assert conflict.ratio == widest
        assert conflict.low.source_id != conflict.high.source_id


@st.composite
def many_sources(draw):
    points = []
    for i in range(draw(st.integers(25, 60))):
        low = draw(levels)
        kind = draw(st.sampled_from(["exact", "range", "at_least", "at_most"]))
        high = low + draw(st.integers(0, 10**6))
        low_, high_ = {
            "exact": (low, low),
            "range": (low, high),
            "at_least": (low, None),
            "at_most": (None, high),
        }[kind]
        points.append(
            Point(
                id=i,
                source_id=i,
                stated_on=OCT,
                kind=kind,
                low=None if low_ is None else Decimal(low_),
                high=None if high_ is None else Decimal(high_),
                value=Decimal(low) if kind == "exact" else None,
            )
        )
    return points


@given(many_sources())
def test_widest_conflict_among_many_sources_matches_comparing_every_pair(points):
    conflict = divergence.widest_conflict(points, threshold=Decimal("1.5"))

    assert (conflict.ratio if conflict else None) == widest_by_comparing_every_pair(
        points
    )
