"""Reads shared by every audience: a claim's figures as divergence points, chart
marks and its state today. Nothing here writes.

Every query for readers goes through `Assertion.objects.published()` and
`Claim.objects.visible()`: drafts and retracted assertions never reach a page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from claims.domain import divergence, wording
from claims.models import Assertion, Claim, Discrepancy
from claims.presentation import chart

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
    "date_precision",
    "source__name",
    "set_aside_at",
    "set_aside_reason",
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
        precision=assertion.date_precision,
        source_name=assertion.source.name,
        set_aside_on=_day(assertion.set_aside_at),
        set_aside_reason=assertion.set_aside_reason,
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
        precision=row["date_precision"],
        source_name=row["source__name"],
        set_aside_on=_day(row.get("set_aside_at")),
        set_aside_reason=row.get("set_aside_reason") or "",
    )


def _day(moment):
    """Return the date of a stored time, in the site's time zone, or None."""
    return None if moment is None else timezone.localdate(moment)


@dataclass(frozen=True)
class ClaimState:
    """Where a claim's published figures stand today: for the API."""

    summary: divergence.Summary
    evolution: str
    steps: list[divergence.Step]
    estimates: list[Assertion]  # each source's current figure, highest first
    # Current figures the editors set aside for the claim: listed, never compared.
    set_aside: list[Assertion] = field(default_factory=list)


def judgements(claim: Claim) -> dict[tuple[int, int], divergence.Judgement]:
    """Return the editors' judgements of a claim's pairs, for divergence.summarise."""
    return judgements_for([claim.pk]).get(claim.pk, {})


def judgements_for(claim_ids) -> dict[int, dict]:
    """Return, per claim id, its judged discrepancies keyed by their pair of
    assertion ids (explained, resolved or dismissed: judged pairs are not reopened)."""
    rows = Discrepancy.objects.filter(
        claim_id__in=claim_ids, state__in=divergence.JUDGED
    ).select_related("judged_by")
    by_claim: dict[int, list[Discrepancy]] = defaultdict(list)
    for d in rows:
        by_claim[d.claim_id].append(d)
    return {claim_id: judgement_map(ds) for claim_id, ds in by_claim.items()}


def judgement_map(
    discrepancies, *, editors: bool = True
) -> dict[tuple[int, int], divergence.Judgement]:
    """Return the judged ones of `discrepancies` as divergence Judgements keyed by
    their pair of assertion ids; with `editors`, judged_by must be loaded."""
    found = {}
    judged = [d for d in discrepancies if d.state in divergence.JUDGED]
    for d in sorted(judged, key=lambda d: (d.judged_at, d.pk)):
        editor = ""
        if editors and d.judged_by is not None:
            editor = d.judged_by.get_full_name() or d.judged_by.get_username()
        found[(d.assertion_low_id, d.assertion_high_id)] = divergence.Judgement(
            state=d.state,
            intervals=None,
            note=d.note,
            editor=editor,
            judged_on=d.judged_at.date() if d.judged_at else None,
            favoured_id=d.favoured_id,
        )
    return found


def claim_state(claim: Claim) -> ClaimState:
    assertions = list(
        Assertion.objects.published().for_claim(claim).with_related().chronological()
    )
    points = [point_from_assertion(a) for a in assertions]
    by_id = {a.pk: a for a in assertions}
    summary = divergence.summarise(
        points,
        judged=judgements(claim),
        threshold=claim.effective_discrepancy_ratio,
    )
    steps = list(summary.evolution)
    return ClaimState(
        summary=summary,
        evolution=wording.evolution_line(steps),
        steps=steps,
        estimates=[by_id[p.id] for p in reversed(summary.estimates)],
        set_aside=[by_id[p.id] for p in summary.set_aside],
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
