import os
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims.domain import divergence, wording
from claims.domain.divergence import (
    CLOSE,
    CORROBORATED,
    DISMISSED,
    EXPLAINED,
    NO_DATA,
    SINGLE_SOURCE,
    UNDER_REVIEW,
    Judgement,
    Point,
    compare,
    current_estimates,
    evolution,
    overlap,
    pair_ratio,
    revisions,
    summarise,
)
from tests.support.divergence import conflicts, open_discrepancy
from tests.support.points import (
    A_FEW_THOUSAND,
    AERIAL,
    BLOG,
    BRIEF,
    DUTCH,
    EVOLUTION_EXAMPLE,
    HUR,
    KIRBY,
    MARCH,
    NEWSPAPER,
    NIS,
    OCT,
    ORGANISERS,
    RALLY,
    TROOPS,
    US,
    dismissed,
    make,
)

ROOT = Path(__file__).resolve().parents[2]
D = Decimal


# The conflict rule, as issue 14 defines it.
CONFLICT_TABLE = [
    # lower estimate, higher estimate, overlap, ratio, conflict at 1.5, vague
    (("between 20,000 and 25,000", "range", 20000, 25000),
     ("more than 50,000", "at_least", 50000), False, "2.0", True, False),
    (("between 20,000 and 25,000", "range", 20000, 25000),
     ("tens of thousands", "qualitative", 20000, 99999), True, None, False, False),
    (("around 35,000", "approximate", 35000),
     ("more than 50,000", "at_least", 50000), False, "1.30", False, False),
    (("1,500", "exact", 1500), ("3,000", "exact", 3000), False, "2.0", True, False),
    (("at least 3,000", "at_least", 3000), ("10,000", "exact", 10000), True, None,
     False, False),
    (("up to 1,500", "at_most", 1500), ("10,000", "exact", 10000), False, "6.67",
     True, False),
    (("10,000", "exact", 10000), ("closer to 12,000", "approximate", 12000), False,
     "1.08", False, False),
    (("1,500", "exact", 1500), ("several thousand", "qualitative", 3000, 9000), False,
     "2.0", True, True),
]  # fmt: skip


@pytest.mark.parametrize(
    ("lower", "higher", "overlaps", "ratio", "is_conflict", "is_vague"),
    CONFLICT_TABLE,
    ids=[f"{row[0][0]} vs {row[1][0]}" for row in CONFLICT_TABLE],
)
def test_conflict_is_decided_on_intervals(
    lower, higher, overlaps, ratio, is_conflict, is_vague
):
    low = make(1, 1, OCT, *lower)
    high = make(2, 2, OCT, *higher)

    found = open_discrepancy([low, high], threshold=D("1.5"))

    assert overlap(low, high) is overlaps
    assert pair_ratio(low, high) == (None if ratio is None else D(ratio))
    assert pair_ratio(high, low) == pair_ratio(low, high)
    assert (found is not None) is is_conflict
    if found is not None:
        assert (found.low, found.high, found.is_vague) == (low, high, is_vague)


def test_the_table_pair_of_a_vague_term_is_a_vague_conflict_not_a_plain_one():
    low = make(1, 1, OCT, "1,500", "exact", 1500)
    high = make(2, 2, OCT, "several thousand", "qualitative", 3000, 9000)

    (found,) = conflicts([low, high])

    assert found.is_vague


def test_rally_spread_is_named_by_stated_figures_and_their_ends():
    summary = summarise(RALLY)

    assert summary.lowest.figure == "between 20,000 and 25,000"
    assert summary.highest.figure == "more than 50,000"
    assert summary.overlaps is False
    assert summary.spread_ratio == D("2.00")  # 50,000 / 25,000


def test_a_summary_without_history_stands_where_the_full_one_does():
    full, light = summarise(RALLY), summarise(RALLY, history=False)

    assert (light.estimates, light.lowest, light.highest, light.status) == (
        full.estimates,
        full.lowest,
        full.highest,
        full.status,
    )
    assert (light.latest, light.spread_ratio) == (full.latest, full.spread_ratio)
    assert (light.evolution, light.revisions) == ((), ())


def test_rally_open_discrepancy_is_aerial_count_against_organisers():
    found = open_discrepancy(RALLY)

    assert (found.low.source_id, found.high.source_id, found.ratio) == (
        AERIAL,
        ORGANISERS,
        D("2.00"),
    )
    assert not found.is_vague


def test_rally_vague_term_overlapping_every_figure_makes_no_conflict():
    assert all(NEWSPAPER not in (c.low.source_id, c.high.source_id)
               for c in conflicts(RALLY, threshold=D("1.01")))  # fmt: skip


def test_a_wider_vague_conflict_never_hides_the_plain_one():
    points = [*RALLY, A_FEW_THOUSAND]

    found = open_discrepancy(points)

    assert conflicts(points)[0].is_vague  # "a few thousand" vs organisers: 10×
    assert (found.low.source_id, found.high.source_id) == (AERIAL, ORGANISERS)


def test_a_vague_conflict_opens_once_every_plain_one_is_judged():
    points = [*RALLY, A_FEW_THOUSAND]

    found = open_discrepancy(points, judged=dismissed(RALLY[3], RALLY[0]))

    assert found.is_vague
    assert (found.low.source_id, found.high.source_id) == (BLOG, ORGANISERS)


def test_dismissing_a_pair_moves_detection_to_the_next_widest_pair():
    # At 1.2: aerial–organisers 2.0, police–organisers 1.30, aerial–police 1.26.
    aerial, police, organisers = RALLY[3], RALLY[1], RALLY[0]
    threshold = D("1.2")

    first = open_discrepancy(RALLY, threshold=threshold)
    second = open_discrepancy(
        RALLY, threshold=threshold, judged=dismissed(aerial, organisers)
    )
    third = open_discrepancy(
        RALLY,
        threshold=threshold,
        judged=dismissed(aerial, organisers, police, organisers),
    )
    none_left = open_discrepancy(
        RALLY,
        threshold=threshold,
        judged=dismissed(aerial, organisers, police, organisers, aerial, police),
    )

    assert first.pair == (aerial.id, organisers.id)
    assert (second.pair, second.ratio) == ((police.id, organisers.id), D("1.30"))
    assert (third.pair, third.ratio) == ((aerial.id, police.id), D("1.26"))
    assert none_left is None


def test_a_judged_pair_reopens_when_one_of_its_figures_changes():
    judged = dismissed(RALLY[3], RALLY[0])
    corrected = make(
        4, AERIAL, MARCH, "between 20,000 and 24,000", "range", 20000, 24000
    )
    points = [*RALLY[:3], corrected]

    found = open_discrepancy(points, judged=judged)

    assert found.pair == (corrected.id, RALLY[0].id)


def test_a_judgement_filed_under_the_reversed_pair_still_applies():
    aerial, organisers = RALLY[3], RALLY[0]
    judged = {(organisers.id, aerial.id): Judgement(DISMISSED)}

    assert open_discrepancy(RALLY, judged=judged) is None


def test_open_and_under_review_states_are_not_judgements():
    judged = {(RALLY[3].id, RALLY[0].id): Judgement("under_review")}

    assert summarise(RALLY, judged=judged).status == UNDER_REVIEW


def test_a_dismissed_conflict_is_not_contested():
    summary = summarise(RALLY, judged=dismissed(RALLY[3], RALLY[0]))

    assert summary.status == DISMISSED
    assert summary.is_contested is False
    assert summary.open_conflict is None
    assert summary.judged_conflict.pair == (RALLY[3].id, RALLY[0].id)


def test_an_explained_conflict_keeps_the_editors_note():
    judged = dismissed(
        RALLY[3], RALLY[0], state=EXPLAINED, editor="Ana", judged_on=MARCH
    )

    summary = summarise(RALLY, judged=judged)

    assert summary.status == EXPLAINED
    assert (summary.judgement.note, summary.judgement.editor) == ("Checked.", "Ana")


def test_judgements_after_the_as_of_date_do_not_count():
    judged = dismissed(RALLY[3], RALLY[0], judged_on=MARCH + timedelta(days=5))

    summary = summarise(RALLY, judged=judged, as_of=MARCH + timedelta(days=2))

    assert summary.status == UNDER_REVIEW


def test_figures_apart_by_less_than_the_threshold_are_close_not_contested():
    points = [
        make(1, 1, OCT, "10,000", "exact", 10000),
        make(2, 2, OCT, "closer to 12,000", "approximate", 12000),
    ]

    summary = summarise(points)

    assert (summary.status, summary.spread_ratio) == (CLOSE, D("1.08"))
    assert summary.is_contested is False


# The worked example of the methodology page (templates/pages/methodology.html).


def test_troop_evolution_steps_as_the_seed_documents_tell_it():
    steps = evolution(TROOPS)

    assert [[p.figure for p in step.figures] for step in steps] == [
        ["several thousand"],  # the first report, in words
        ["first batch of 1,500"],
        ["up to 1,500", "at least 3,000"],  # Dutch 1,500 is current: never dropped
        ["3,000", "closer to 12,000"],
        ["up to 1,500", "closer to 12,000"],  # ends at the current range
    ]


def test_the_methodology_page_states_the_evolution_rule_with_its_worked_example():
    page = (ROOT / "templates/pages/methodology.html").read_text()

    assert wording.evolution_line(evolution(TROOPS)) == EVOLUTION_EXAMPLE
    assert EVOLUTION_EXAMPLE in page
    assert "a restatement that stands is never dropped" in page


def test_evolution_ends_at_the_summarys_current_range():
    summary = summarise(TROOPS)

    end = summary.evolution[-1]

    assert end.figures == (summary.lowest, summary.highest)


def test_a_figure_set_aside_is_never_the_end_of_the_evolution():
    rybar = make(20, 99, date(2024, 11, 5), "no more than 500", "at_most", 500,
                 set_aside_on=date(2024, 11, 6), source_name="Rybar")  # fmt: skip

    steps = evolution([*TROOPS, rybar])

    assert all(p.id != 20 for step in steps for p in step.points)
    assert "no more than 500" not in wording.evolution_line(steps)


def test_evolution_as_of_a_date_stops_there():
    steps = evolution(TROOPS, date(2024, 10, 24))

    assert [p.figure for step in steps for p in step.figures] == [
        "several thousand",
        "first batch of 1,500",
        "at least 3,000",
        "first batch of 1,500",  # the range known that day: 1,500 to at least 3,000
        "at least 3,000",
    ]


def test_figures_of_one_source_days_apart_are_a_revision_not_a_spread():
    points = [
        make(1, HUR, OCT, "3,000", "exact", 3000),
        make(2, HUR, OCT + timedelta(days=1), "12,000", "exact", 12000),
    ]

    assert [len(step.figures) for step in evolution(points)] == [1, 1]


def test_rally_within_two_days_is_one_spread_not_a_trend():
    (step,) = evolution(RALLY)

    assert [p.figure for p in step.figures] == [
        "between 20,000 and 25,000",
        "more than 50,000",
    ]


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
    summary = summarise(TROOPS, as_of=date(2024, 10, 28))

    assert summary.lowest.figure == "up to 1,500"
    assert summary.highest.figure == "closer to 12,000"
    assert summary.overlaps is False
    assert summary.spread_ratio == D("7.20")  # 10,800 / 1,500
    assert summary.status == UNDER_REVIEW


def test_troop_claim_as_of_24_october_names_stated_figures_only():
    summary = summarise(TROOPS, as_of=date(2024, 10, 24))

    assert (summary.lowest.figure, summary.highest.figure) == (
        "first batch of 1,500",
        "at least 3,000",
    )
    assert summary.open_conflict.pair == (2, 3)
    assert summary.first_reported.figure == "several thousand"
    assert summary.first_reported.precision == "month"


def test_one_statement_credited_to_two_sources_counts_once():
    summary = summarise([p for p in TROOPS if p.id in (8, 9)])

    assert summary.source_count == 2
    assert summary.independent_groups == 1
    assert summary.status == SINGLE_SOURCE


def test_sources_of_one_organisation_are_not_independent():
    office, spokesperson = 10, 11
    points = [
        make(1, office, OCT, "3,000", "exact", 3000),
        make(2, spokesperson, OCT, "about 3,000", "approximate", 3000, origin_id=10),
    ]

    assert summarise(points).independent_groups == 1


def test_independent_agreeing_sources_corroborate():
    points = [
        make(1, HUR, OCT, "3,000", "exact", 3000, document_id=BRIEF),
        make(2, NIS, OCT, "about 3,100", "approximate", 3100),
    ]

    summary = summarise(points)

    assert summary.overlaps is True
    assert summary.spread_ratio is None
    assert summary.status == CORROBORATED


def test_open_bounds_do_not_make_a_conflict():
    points = [
        make(1, KIRBY, OCT, "at least 3,000", "at_least", 3000),
        make(2, HUR, OCT, "closer to 12,000", "approximate", 12000),
    ]

    assert summarise(points).overlaps is True


def test_retracted_points_never_count():
    points = [
        make(1, HUR, OCT, "3,000", "exact", 3000),
        make(2, NIS, OCT, "12,000", "exact", 12000, is_retracted=True),
    ]

    summary = summarise(points)

    assert summary.source_count == 1
    assert summary.spread_ratio is None
    assert [p.figure for s in summary.evolution for p in s.figures] == ["3,000"]


def test_no_points_means_no_data():
    summary = summarise([])

    assert summary.status == NO_DATA
    assert summary.lowest is None
    assert summary.first_reported is None


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


def test_a_month_precise_figure_counts_from_the_first_of_its_month():
    assert summarise(TROOPS, as_of=OCT).first_reported.figure == "several thousand"


COMPARED = {
    "closer to 12,000": ("approximate", 12000),
    "up to 1,500": ("at_most", 1500),
    "3,000": ("exact", 3000),
    "at least 3,000": ("at_least", 3000),
    "closer to 3,100": ("approximate", 3100),
}


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
    others = [
        make(i + 10, i + 10, OCT, text, *COMPARED[text])
        for i, text in enumerate(others)
    ]

    comparison = compare(make(1, 1, OCT, figure, *COMPARED[figure]), others)

    assert (comparison.verdict, comparison.agreeing) == (verdict, agreeing)


def test_pure_modules_import_nothing_from_django():
    code = (
        "import sys, claims.domain.divergence, claims.domain.wording; "
        "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}

    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True
    )

    assert result.returncode == 0, result.stderr


# Properties, on random claims.

# Small numbers too, so that ties in ratio and date are common.
magnitudes = st.one_of(st.integers(1, 12), st.integers(1, 10**6))
KINDS = ["exact", "approximate", "at_least", "at_most", "range", "qualitative"]


@st.composite
def random_points(draw, *, count=None, sources=None, kinds=KINDS):
    points = []
    for i in range(draw(st.integers(0, 25) if count is None else count)):
        kind = draw(st.sampled_from(kinds))
        first = draw(magnitudes)
        second = first + draw(st.one_of(st.integers(0, 12), st.integers(0, 10**6)))
        numbers = (first, second) if kind in ("range", "qualitative") else (first,)
        source = i + 1 if sources is None else draw(sources)
        points.append(
            make(
                i + 1,
                source,
                OCT + timedelta(days=draw(st.integers(0, 60) | st.just(0))),
                f"figure {i + 1}",
                kind,
                *numbers,
                is_retracted=draw(st.booleans()) if sources is not None else False,
            )
        )
    return points


claims_ = random_points(sources=st.integers(1, 6))
many_sources = random_points(count=st.integers(25, 60))


@given(claims_)
def test_at_most_one_current_estimate_per_source_and_none_retracted(points):
    estimates = current_estimates(points)

    assert len({p.source_id for p in estimates}) == len(estimates)
    assert not any(p.is_retracted for p in estimates)


@given(claims_)
def test_spread_exists_exactly_when_estimates_do_not_overlap(points):
    summary = summarise(points)

    assert (summary.spread_ratio is not None) == (not summary.overlaps)
    if summary.spread_ratio is not None:
        assert summary.spread_ratio >= 1
        assert summary.spread_ratio == pair_ratio(summary.lowest, summary.highest)


@given(claims_)
def test_overlap_is_claimed_exactly_when_some_number_lies_in_every_estimate(points):
    summary = summarise(points)

    lows = [p.low for p in summary.estimates if p.low is not None]
    highs = [p.high for p in summary.estimates if p.high is not None]
    common = not lows or not highs or max(lows) <= min(highs)
    assert summary.overlaps is common
    assert summary.overlaps is all(
        overlap(a, b) for a in summary.estimates for b in summary.estimates
    )


@given(claims_)
def test_spread_ratio_is_the_widest_pairs_ratio(points):
    summary = summarise(points)

    widest = max((c.ratio for c in conflicts(points, threshold=D(1))), default=None)

    assert summary.spread_ratio == widest


@given(claims_)
def test_evolution_steps_are_stated_figures_in_order_of_first_report(points):
    steps = evolution(points)
    stated = {p.id: p for p in points if not p.is_retracted}
    body = steps[:-1]  # the last step is the current range of estimates

    assert [s.first_stated_on for s in body] == sorted(s.first_stated_on for s in body)
    if steps:
        lowest, highest = divergence.named_ends(current_estimates(points))
        assert {p.id for p in steps[-1].figures} == {lowest.id, highest.id}
    for index, step in enumerate(body):
        assert all(stated[p.id] == p for p in step.figures)
        if index:  # only the first report may be vague
            assert not any(p.is_vague for p in step.points)
        if step.is_spread:
            assert len({p.source_id for p in step.points}) == len(step.points)
            span = step.last_stated_on - step.first_stated_on
            assert span.days <= divergence.SPREAD_WINDOW_DAYS


@given(claims_, st.integers(0, 60))
def test_as_of_ignores_everything_stated_later(points, days):
    as_of = OCT + timedelta(days=days)

    later_removed = [p for p in points if p.stated_on <= as_of]

    assert summarise(points, as_of=as_of) == summarise(later_removed, as_of=as_of)


@given(claims_)
def test_overlap_is_symmetric_and_within_means_agreeing_with_all(points):
    for a in points:
        for b in points:
            assert overlap(a, b) == overlap(b, a)
        comparison = compare(a, points)
        assert (comparison.verdict == "within") == (
            comparison.total > 0 and comparison.agreeing == comparison.total
        )


def open_by_comparing_every_pair(points, judged, threshold):
    """Return the open discrepancy as the rule defines it, comparing every pair."""
    estimates = current_estimates(points)
    found = []
    for i, a in enumerate(estimates):
        for b in estimates[i + 1 :]:
            ratio = pair_ratio(a, b)
            if ratio is None or ratio < threshold:
                continue
            low, high = (a, b) if a.high is not None and a.high < b.low else (b, a)
            conflict = divergence.Conflict(low, high, ratio)
            if divergence.judgement_for(judged, conflict) is None:
                found.append(conflict)
    for vague in (False, True):
        candidates = [c for c in found if c.is_vague is vague]
        if candidates:
            return max(
                candidates,
                key=lambda c: (
                    c.high.low / c.low.high,  # the widest,
                    c.arose_on,  # then the latest to arise,
                    -min(c.pair),  # then the lowest ids
                    -max(c.pair),
                ),
            )
    return None


@st.composite
def judged_claims(draw, points=claims_):
    points = draw(points)
    every = conflicts(points, threshold=D("1.01"))
    chosen = draw(st.lists(st.sampled_from(every), unique=True)) if every else []
    judged = {
        c.pair: Judgement(
            draw(st.sampled_from(["dismissed", "explained", "resolved", "open"])),
            intervals=draw(
                st.sampled_from(
                    [(c.low.interval, c.high.interval), ((D(1), D(2)), (D(3), None))]
                )
            ),
        )
        for c in chosen
    }
    return points, judged, draw(st.sampled_from([D("1.01"), D("1.5"), D(3)]))


@given(judged_claims())
def test_open_discrepancy_is_exact_against_comparing_every_pair(claim):
    points, judged, threshold = claim

    found = open_discrepancy(points, judged=judged, threshold=threshold)

    assert found == open_by_comparing_every_pair(points, judged, threshold)


@given(judged_claims(many_sources))
def test_open_discrepancy_among_many_sources_is_exact(claim):
    points, judged, threshold = claim

    found = open_discrepancy(points, judged=judged, threshold=threshold)

    assert found == open_by_comparing_every_pair(points, judged, threshold)


@given(judged_claims())
def test_a_plain_conflict_left_open_is_never_hidden_by_a_vague_one(claim):
    points, judged, threshold = claim

    found = open_discrepancy(points, judged=judged, threshold=threshold)

    plain_open = [
        c
        for c in conflicts(points, threshold=threshold)
        if not c.is_vague and divergence.judgement_for(judged, c) is None
    ]
    if plain_open:
        assert not found.is_vague


def test_open_discrepancy_of_1600_figures_reads_few_pairs():
    points = [
        make(i, i, OCT, f"figure {i}", "exact", 1000 + i * 10) for i in range(1600)
    ]

    summary = summarise(points)

    assert summary.open_conflict.pair == (0, 1599)


@pytest.mark.parametrize(
    "kind, low, high, value",
    [
        ("exact", D(3000), D(3000), D(3000)),
        ("approximate", D(2700), D(3300), D(3000)),
        ("range", D(10000), D(12000), None),
        ("qualitative", D(2000), D(9999), None),
        ("at_least", D(3000), None, None),
        ("at_most", None, D(1500), None),
    ],
)
def test_a_published_point_made_from_its_values_is_the_point_of_its_fields(
    kind, low, high, value
):
    fields = {
        "id": 7,
        "source_id": 2,
        "stated_on": date(2024, 10, 28),
        "kind": kind,
        "low": low,
        "high": high,
        "value": value,
        "figure": "as stated",
        "origin_id": None,
        "document_id": 4,
        "precision": "month",
        "source_name": "NIS",
        "set_aside_on": date(2024, 11, 2),
        "set_aside_reason": "Another scope.",
    }
    made = divergence.published_point(*fields.values())
    point = divergence.Point(**fields)
    assert made == point
    assert hash(made) == hash(point)
    assert made.sort_key == point.sort_key
    assert made.is_set_aside(date(2024, 11, 2)) and not made.is_retracted


def test_a_reading_set_by_hand_has_no_value_and_moves_by_its_ends():
    """ "several thousand" read by hand as about 2,000 to 5,000 has no stated
    value: the next figure's direction comes from the ends (it was a TypeError,
    a 500 on the claim page)."""
    by_hand = Point(id=1, source_id=HUR, stated_on=OCT, kind="approximate",
                    low=Decimal(2000), high=Decimal(5000), value=None,
                    figure="several thousand")  # fmt: skip
    later = make(2, HUR, OCT + timedelta(days=3), "4,000", "exact", 4000)
    higher = make(3, HUR, OCT + timedelta(days=6), "about 6,000", "approximate", 6000)

    assert divergence.Revision(HUR, by_hand, later).direction == "revised"
    assert divergence.Revision(HUR, by_hand, higher).direction == "up"


@pytest.mark.parametrize(
    ("before", "after", "direction"),
    [
        # A range narrowed to one number inside it: neither up nor down.
        (("between 1,000 and 9,000", "range", 1000, 9000), ("5,000", "exact", 5000),
         "revised"),
        # A bound that overlaps the old figure, widened both ways.
        (("about 450", "approximate", 450), ("at least 400", "at_least", 400),
         "revised"),
        (("between 500 and 700", "range", 500, 700), ("up to 1,000", "at_most", 1000),
         "revised"),
        # Both ends moved one way, the intervals overlapping: from 400 or more to
        # 1,000 or fewer (it was "up", by a middle no source stated).
        (("at least 400", "at_least", 400), ("up to 1,000", "at_most", 1000),
         "down"),
        (("about 10,000", "approximate", 10000), ("about 12,000", "approximate", 12000),
         "up"),
        (("between 500 and 700", "range", 500, 700),
         ("between 450 and 650", "range", 450, 650), "down"),
        (("at least 3,000", "at_least", 3000), ("at least 5,000", "at_least", 5000),
         "up"),
        # Two stated numbers: the one inside the other's margin still moved.
        (("about 10,000", "approximate", 10000), ("10,500", "exact", 10500), "up"),
        (("about 450", "approximate", 450), ("450", "exact", 450), "revised"),
        # Apart, and the same.
        (("up to 1,500", "at_most", 1500), ("closer to 12,000", "approximate", 12000),
         "up"),
        (("10,000", "exact", 10000), ("10,000 troops", "exact", 10000), "restated"),
    ],
)  # fmt: skip
def test_a_revision_is_up_or_down_only_where_the_figure_moved_that_way(
    before, after, direction
):
    old = make(1, HUR, OCT, before[0], before[1], *before[2:])
    new = make(2, HUR, OCT + timedelta(days=3), after[0], after[1], *after[2:])

    assert divergence.Revision(HUR, old, new).direction == direction
