"""What the editors' review page reads."""

from __future__ import annotations

from dataclasses import dataclass

from claims import chart
from claims.models import Assertion, Discrepancy
from claims.selectors import timeline_marks


@dataclass(frozen=True)
class ReviewPage:
    discrepancy: Discrepancy
    timeline: chart.Timeline
    history: list

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
