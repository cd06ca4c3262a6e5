"""Reads shared by every audience: a claim's figures as divergence points, chart
marks and its state today. Nothing here writes.

Every query for readers goes through `Assertion.objects.published()` and
`Claim.objects.visible()`: drafts and retracted assertions never reach a page.
"""

from __future__ import annotations

from dataclasses import dataclass

from claims import chart, divergence
from claims.models import Assertion, Claim

# The columns a divergence Point needs, for values() queries.
POINT_FIELDS = (
    "id",
    "claim_id",
    "source_id",
    "source__parent_id",
    "document_id",
    "stated_on",
    "kind",
    "low",
    "high",
    "value",
    "figure",
)


def point_from_assertion(assertion: Assertion) -> divergence.Point:
    """Return the divergence Point of an assertion (its source must be loaded)."""
    return divergence.Point(
        id=assertion.pk,
        source_id=assertion.source_id,
        stated_on=assertion.stated_on,
        kind=assertion.kind,
        low=assertion.low,
        high=assertion.high,
        value=assertion.value,
        figure=assertion.figure,
        origin_id=assertion.source.parent_id,
        document_id=assertion.document_id,
        is_retracted=assertion.status == Assertion.Status.RETRACTED,
    )


def point_from_values(row: dict) -> divergence.Point:
    """Return the divergence Point of a published assertion's POINT_FIELDS values."""
    return divergence.Point(
        id=row["id"],
        source_id=row["source_id"],
        stated_on=row["stated_on"],
        kind=row["kind"],
        low=row["low"],
        high=row["high"],
        value=row["value"],
        figure=row["figure"],
        origin_id=row["source__parent_id"],
        document_id=row["document_id"],
    )


@dataclass(frozen=True)
class ClaimState:
    """Where a claim's published figures stand today: for the API."""

    summary: divergence.Summary
    evolution: str
    steps: list[divergence.Step]
    estimates: list[Assertion]  # each source's current figure, highest first


def claim_state(claim: Claim) -> ClaimState:
    assertions = list(
        Assertion.objects.published().for_claim(claim).with_related().chronological()
    )
    points = [point_from_assertion(a) for a in assertions]
    by_id = {a.pk: a for a in assertions}
    summary = divergence.summarise(points)
    steps = divergence.evolution(points)
    return ClaimState(
        summary=summary,
        evolution=divergence.evolution_line(steps),
        steps=steps,
        estimates=[by_id[p.id] for p in reversed(summary.estimates)],
    )


def timeline_marks(assertions: list[Assertion]) -> list[chart.Mark]:
    """Return the chart marks of assertions (sources loaded), oldest first."""
    return [
        chart.Mark(
            point=point_from_assertion(a),
            source_name=a.source.name,
            precision=a.date_precision,
            quote=a.quote,
        )
        for a in assertions
    ]
