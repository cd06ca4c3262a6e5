"""Read-side assembly of what reader pages show. Nothing here writes.

Every query for readers goes through `Assertion.objects.published()` and
`Claim.objects.visible()`: drafts and retracted assertions never reach a page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Count, F, Q

from claims.domain import divergence, wording
from claims.models import Assertion, Claim, Discrepancy, Topic
from claims.presentation import chart
from claims.reader.linked_data import linked_data
from claims.selectors import (
    POINT_FIELDS,
    judgement_map,
    judgements_for,
    point_from_assertion,
    point_from_values,
    timeline_marks,
)
from sources.models import Source


@dataclass(frozen=True)
class EstimateRow:
    """A source's current estimate, and the one of its own it replaced."""

    assertion: Assertion
    previous: Assertion | None
    direction: str  # up, down, restated, or "" when there is no previous


@dataclass(frozen=True)
class ClaimPage:
    claim: Claim
    as_of: date | None
    scale: str
    summary: divergence.Summary
    evolution: str
    timeline: chart.Timeline
    estimates: list[EstimateRow]
    assertions: list[Assertion]
    revision_count: int
    discrepancy: Discrepancy | None = None  # the live one, when viewing today
    # The editors' standing judgements of other pairs, with their notes, today.
    judgements: list[Discrepancy] = field(default_factory=list)
    retracted: tuple[Assertion, ...] = ()  # struck through, with reason and date
    linked_data: dict | None = None  # schema.org JSON-LD for search engines

    @property
    def described(self) -> wording.Description:
        """Every sentence the page shows about the figures
        (claims/domain/wording.py)."""
        conflict, pending = self.summary.open_conflict, self.discrepancy
        queued = (
            self.as_of is None
            and conflict is not None
            and pending is not None
            and pending.is_pending
            and (pending.assertion_low_id, pending.assertion_high_id) == conflict.pair
        )
        return wording.describe(self.summary, queued=queued)

    @property
    def lowest(self) -> Assertion | None:
        return self._assertion(self.summary.lowest)

    @property
    def highest(self) -> Assertion | None:
        return self._assertion(self.summary.highest)

    def _assertion(self, point):
        if point is None:
            return None
        return next(a for a in self.assertions if a.pk == point.id)


def claim_page(
    claim: Claim,
    *,
    as_of: date | None = None,
    scale: str = chart.LINEAR,
    full_range: bool = False,
    site: str = "",
):
    """Return everything the claim page shows, as it stood on `as_of`; `site` is the
    absolute address the linked data's links start with."""
    everything = list(
        Assertion.objects.published().for_claim(claim).with_related().chronological()
    )
    shown = [a for a in everything if as_of is None or a.stated_on <= as_of]
    # Retracted figures stay on the page, struck through with their reason; they
    # count in no comparison and leave the chart.
    retracted = tuple(
        Assertion.objects.retracted()
        .for_claim(claim)
        .with_related()
        .filter(**({"stated_on__lte": as_of} if as_of else {}))
        .chronological()
    )
    points = [point_from_assertion(a) for a in shown]
    by_id = {a.pk: a for a in shown}
    on_record = list(Discrepancy.objects.live().with_pair().filter(claim=claim))
    summary = divergence.summarise(
        points,
        judged=judgement_map(on_record),
        as_of=as_of,
        threshold=claim.effective_discrepancy_ratio,
    )
    replaced = divergence.previous_estimates(points)
    estimates = []
    for point in reversed(summary.estimates):  # highest first
        before = replaced.get(point.source_id)
        direction = ""
        if before is not None:
            direction = divergence.Revision(point.source_id, before, point).direction
        estimates.append(
            EstimateRow(
                by_id[point.id], by_id[before.id] if before else None, direction
            )
        )
    discrepancy = None
    if as_of is None:
        # The one under review, else the judgement the claim's status shows.
        judged = summary.judged_conflict
        candidates = [d for d in on_record if d.is_pending] + [
            d
            for d in on_record
            if judged and (d.assertion_low_id, d.assertion_high_id) == judged.pair
        ]
        discrepancy = candidates[0] if candidates else None
    judgements = (
        [d for d in on_record if not d.is_pending and d is not discrepancy]
        if as_of is None
        else []
    )
    return ClaimPage(
        claim=claim,
        as_of=as_of,
        scale=scale,
        summary=summary,
        evolution=wording.evolution_line(summary.evolution),
        timeline=chart.layout_timeline(
            timeline_marks(shown),
            as_of=as_of,
            scale=scale,
            unit=claim.unit,
            full_range=full_range,
            highlight=_pair(discrepancy),
        ),
        estimates=estimates,
        assertions=shown,
        revision_count=len(summary.revisions),
        discrepancy=discrepancy,
        judgements=judgements,
        retracted=retracted,
        linked_data=linked_data(claim, shown, summary, site),
    )


def _pair(discrepancy) -> frozenset[int]:
    if discrepancy is None or not discrepancy.is_pending:
        return frozenset()
    return frozenset({discrepancy.assertion_low_id, discrepancy.assertion_high_id})


def claim_chart(
    claim: Claim,
    *,
    as_of: date | None = None,
    scale: str = chart.LINEAR,
    full_range: bool = False,
) -> chart.Timeline:
    """Return the claim's chart alone (the SVG download)."""
    shown = list(
        Assertion.objects.published()
        .for_claim(claim)
        .with_related()
        .chronological()
        .filter(**({"stated_on__lte": as_of} if as_of else {}))
    )
    return chart.layout_timeline(
        timeline_marks(shown),
        as_of=as_of,
        scale=scale,
        unit=claim.unit,
        full_range=full_range,
    )


def _points_by_claim(claims: list[Claim]) -> dict[int, list[divergence.Point]]:
    by_claim: dict[int, list[divergence.Point]] = defaultdict(list)
    rows = (
        Assertion.objects.published()
        .filter(claim__in=claims)
        .order_by()
        .values(*POINT_FIELDS)
    )
    for row in rows:
        by_claim[row["claim_id"]].append(point_from_values(row))
    return by_claim


def sparklines(claims: list[Claim]) -> dict[int, str]:
    """Return the sparkline of each claim, from one query."""
    by_claim = _points_by_claim(claims)
    return {claim.pk: chart.layout_sparkline(by_claim[claim.pk]) for claim in claims}


@dataclass(frozen=True)
class ClaimRow:
    """A claim in a list: its range as stated figures, and its sparkline."""

    claim: Claim
    range: str  # wording.range_figures of its summary
    spark: object
    latest: str = ""  # the latest report's date as precisely as known
    summary: divergence.Summary | None = None


def claim_rows(
    claims: list[Claim], *, spark: bool = True, judged: dict | None = None
) -> list[ClaimRow]:
    """Return each claim with the stated figures bounding its current estimates
    (divergence.summarise, as the claim page), its latest report's date at its
    precision and its sparkline, from one query; `judged` (judgements by claim id)
    gives each summary the editors' judgements."""
    by_claim = _points_by_claim(claims)
    rows = []
    for claim in claims:
        summary = divergence.summarise(
            by_claim[claim.pk],
            judged=(judged or {}).get(claim.pk),
            threshold=claim.effective_discrepancy_ratio,
        )
        latest = summary.latest
        rows.append(
            ClaimRow(
                claim=claim,
                range=wording.range_figures(summary),
                spark=chart.layout_sparkline(by_claim[claim.pk]) if spark else None,
                latest=(
                    wording.format_date(latest.stated_on, latest.precision)
                    if latest
                    else ""
                ),
                summary=summary,
            )
        )
    return rows


@dataclass(frozen=True)
class SourceRow:
    """One assertion by a source, against the other sources' estimates at the time."""

    assertion: Assertion
    comparison: divergence.Comparison
    verdict: str  # wording.comparison_words: "below", "agrees with 1 of", ...
    others: str  # "the 6 other estimates"
    others_range: str  # the stated figures bounding them, qualifiers kept
    # The editors' words when they set this figure aside for its claim: it is then
    # compared with nothing (issue 24).
    set_aside: str = ""

    @property
    def is_alarm(self) -> bool:
        return self.comparison.verdict in wording.ALARMING_VERDICTS


def source_page(source: Source) -> list[tuple[Claim, list[SourceRow]]]:
    """Return the source's published assertions grouped by claim, each compared with
    what the other sources' current estimates were on that date.

    One date-ordered sweep per claim keeps each other source's latest figure, so the
    work grows with the number of figures, not figures times claim size."""
    own = list(
        Assertion.objects.published()
        .filter(source=source)
        .with_related()
        .order_by("claim__title", "stated_on", "pk")
    )
    others: dict[int, list[divergence.Point]] = defaultdict(list)
    rows = (
        Assertion.objects.published()
        .filter(claim_id__in={a.claim_id for a in own})
        .exclude(source=source)
        .order_by("claim_id", "stated_on", "id")
        .values(*POINT_FIELDS)
    )
    for row in rows:
        others[row["claim_id"]].append(point_from_values(row))
    groups: dict[int, tuple[Claim, list[SourceRow]]] = {}
    sweep: dict[int, tuple[int, dict]] = {}  # claim: (next index, latest by source)
    for assertion in own:
        claim_points = others[assertion.claim_id]
        index, latest = sweep.get(assertion.claim_id, (0, {}))
        while (
            index < len(claim_points)
            and claim_points[index].stated_on <= assertion.stated_on
        ):
            latest[claim_points[index].source_id] = claim_points[index]
            index += 1
        sweep[assertion.claim_id] = (index, latest)
        # A figure the editors set aside counts in no comparison, theirs or ours.
        estimates = [p for p in latest.values() if not p.is_set_aside()]
        point = point_from_assertion(assertion)
        comparison = divergence.compare(point, estimates)
        verdict, others_words = wording.comparison_words(comparison)
        set_aside = wording.set_aside_sentence(point) if point.is_set_aside() else ""
        row = SourceRow(
            assertion=assertion,
            comparison=comparison,
            verdict="" if set_aside else verdict,
            others="" if set_aside else others_words,
            others_range="" if set_aside else wording.estimates_range(estimates),
            set_aside=set_aside,
        )
        groups.setdefault(assertion.claim_id, (assertion.claim, []))[1].append(row)
    return list(groups.values())


# Home lists this many claims where sources disagree most.
HOME_DISAGREEMENTS = 5


def disagreements(limit: int = HOME_DISAGREEMENTS) -> list[ClaimRow]:
    """Return the claims where sources disagree most, widest first: real
    disagreements only. A claim counts while a conflict stands (under review,
    explained or resolved): not when the editors judged every conflict not real,
    nor when its spread stays below its own threshold."""
    default = settings.CLAIMTRACKER_DISCREPANCY_RATIO
    reaching = Q(discrepancy_ratio__isnull=True, spread_ratio__gte=default) | Q(
        discrepancy_ratio__isnull=False, spread_ratio__gte=F("discrepancy_ratio")
    )
    found: list[ClaimRow] = []
    candidates = (
        Claim.objects.visible()
        .with_related()
        .filter(reaching)
        .order_by("-spread_ratio", "title")
    )
    # Read in batches: a dismissed claim is rare, so the first batch nearly always
    # fills the list.
    batch, start = limit * 4, 0
    while len(found) < limit:
        claims = list(candidates[start : start + batch])
        if not claims:
            break
        judged = judgements_for([c.pk for c in claims])
        found += [
            row
            for row in claim_rows(claims, spark=False, judged=judged)
            if row.summary.is_contested
        ]
        if len(claims) < batch:
            break
        start += batch
    return found[:limit]


def home_page() -> dict:
    """Return the topics, the claims where sources disagree most, the latest figures."""
    return {
        "topics": Topic.objects.annotate(
            claim_total=Count("claims", filter=Q(claims__assertion_count__gt=0))
        ).filter(claim_total__gt=0),
        "disagreements": disagreements(),
        "latest": list(
            Assertion.objects.published()
            .with_related()
            .order_by("-stated_on", "-pk")[:10]
        ),
    }
