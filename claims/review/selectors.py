"""What the editors' review page reads."""

from __future__ import annotations

from dataclasses import dataclass

from claims.domain import divergence, wording
from claims.models import QUEUE_FIGURE_FIELDS, Assertion, Discrepancy
from claims.presentation import chart
from claims.selectors import claim_state, point_from_assertion, timeline_marks


def with_figures(discrepancies) -> list[Discrepancy]:
    """Return a page of the queue's discrepancies with both figures of each and
    their sources loaded (what the queue shows of them: QUEUE_FIGURE_FIELDS), read
    in one query for the page: a prefetch for each side was two, and its
    machinery a sixth of the queue's time."""
    rows = list(discrepancies)
    wanted = {pk for d in rows for pk in (d.assertion_low_id, d.assertion_high_id)}
    figures = (
        Assertion.objects.select_related("source")
        .only(*QUEUE_FIGURE_FIELDS)
        .in_bulk(wanted)
    )
    for discrepancy in rows:
        discrepancy.assertion_low = figures[discrepancy.assertion_low_id]
        discrepancy.assertion_high = figures[discrepancy.assertion_high_id]
    return rows


@dataclass(frozen=True)
class ReviewPage:
    discrepancy: Discrepancy
    timeline: chart.Timeline
    history: list

    @property
    def sentence(self) -> str:
        """The pair in the words of the claim page (claims/domain/wording.py)."""
        d = self.discrepancy
        low = point_from_assertion(d.assertion_low)
        high = point_from_assertion(d.assertion_high)
        ratio = divergence.pair_ratio(low, high)
        if ratio is None:
            return (
                f"{wording.quoted(low)} and {wording.quoted(high)} now overlap: "
                "some number lies within both."
            )
        below = low.high is not None and high.low is not None and low.high < high.low
        if not below:  # the stored "lower" side lies above: name them in order
            low, high = high, low
        return wording.conflict_sentence(divergence.Conflict(low, high, ratio))

    @property
    def pair(self) -> list[tuple[str, Assertion]]:
        return [
            ("Lower", self.discrepancy.assertion_low),
            ("Higher", self.discrepancy.assertion_high),
        ]


def review_page(discrepancy: Discrepancy) -> ReviewPage:
    """Return the discrepancy, its claim's chart marking the pair, its record."""
    assertions = list(
        Assertion.objects.published()
        .for_claim(discrepancy.claim)
        .with_related()
        .chronological()
    )
    pair = frozenset({discrepancy.assertion_low_id, discrepancy.assertion_high_id})
    return ReviewPage(
        discrepancy=discrepancy,
        timeline=chart.layout_timeline(
            timeline_marks(assertions), highlight=pair, unit=discrepancy.claim.unit
        ),
        history=list(
            discrepancy.history.select_related("history_user").order_by("-history_date")
        ),
    )


@dataclass(frozen=True)
class FigurePage:
    """A figure for the editors: its claim's sentence, its set-aside record."""

    assertion: Assertion
    described: wording.Description
    history: list  # the figure's set-aside and count-again steps, newest first


SET_ASIDE_STEPS = ("Set aside", "Counted again")


def figure_page(assertion: Assertion) -> FigurePage:
    """Return what the editors' page of one figure shows."""
    state = claim_state(assertion.claim)
    history = [
        record
        for record in assertion.history.select_related("history_user").order_by(
            "-history_date", "-history_id"
        )
        if (record.history_change_reason or "").startswith(SET_ASIDE_STEPS)
    ]
    return FigurePage(
        assertion=assertion,
        described=wording.describe(state.summary),
        history=history,
    )
