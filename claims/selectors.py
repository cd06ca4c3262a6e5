"""Read-side assembly of what reader pages show. Nothing here writes.

Every query for readers goes through `Assertion.objects.published()` and
`Claim.objects.visible()`: drafts and retracted assertions never reach a page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.urls import reverse

from claims import chart, divergence
from claims.models import Assertion, Claim, Discrepancy, Topic
from sources.models import Source

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
    linked_data: dict | None = None  # schema.org JSON-LD for search engines

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


def _timeline_marks(assertions: list[Assertion]) -> list[chart.Mark]:
    return [
        chart.Mark(
            point=point_from_assertion(a),
            source_name=a.source.name,
            precision=a.date_precision,
            quote=a.quote,
        )
        for a in assertions
    ]


def claim_page(
    claim: Claim,
    *,
    as_of: date | None = None,
    scale: str = chart.LINEAR,
    site: str = "",
):
    """Return everything the claim page shows, as it stood on `as_of`; `site` is the
    absolute address the linked data's links start with."""
    everything = list(
        Assertion.objects.published().for_claim(claim).with_related().chronological()
    )
    shown = [a for a in everything if as_of is None or a.stated_on <= as_of]
    points = [point_from_assertion(a) for a in shown]
    by_id = {a.pk: a for a in shown}
    summary = divergence.summarise(points)
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
        discrepancy = Discrepancy.objects.live().with_pair().filter(claim=claim).first()
    return ClaimPage(
        claim=claim,
        as_of=as_of,
        scale=scale,
        summary=summary,
        evolution=divergence.evolution_line(divergence.evolution(points)),
        timeline=chart.layout_timeline(
            _timeline_marks(shown), as_of=as_of, scale=scale
        ),
        estimates=estimates,
        assertions=shown,
        revision_count=len(divergence.revisions(points)),
        discrepancy=discrepancy,
        linked_data=linked_data(claim, shown, summary, site),
    )


def sparklines(claims: list[Claim]) -> dict[int, str]:
    """Return the sparkline of each claim, from one query."""
    by_claim: dict[int, list[divergence.Point]] = defaultdict(list)
    rows = (
        Assertion.objects.published()
        .filter(claim__in=claims)
        .order_by()
        .values(*POINT_FIELDS)
    )
    for row in rows:
        by_claim[row["claim_id"]].append(point_from_values(row))
    return {claim.pk: chart.layout_sparkline(by_claim[claim.pk]) for claim in claims}


@dataclass(frozen=True)
class SourceRow:
    """One assertion by a source, against the other sources' estimates at the time."""

    assertion: Assertion
    comparison: divergence.Comparison
    others_low: object
    others_high: object
    others_count: int


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
        estimates = list(latest.values())
        levels = [p.level for p in estimates if p.level is not None]
        groups.setdefault(assertion.claim_id, (assertion.claim, []))[1].append(
            SourceRow(
                assertion=assertion,
                comparison=divergence.compare(
                    point_from_assertion(assertion), estimates
                ),
                others_low=min(levels, default=None),
                others_high=max(levels, default=None),
                others_count=len(estimates),
            )
        )
    return list(groups.values())


def home_page() -> dict:
    """Return the topics, the claims where sources disagree most, the latest figures."""
    return {
        "topics": Topic.objects.annotate(
            claim_total=Count("claims", filter=Q(claims__assertion_count__gt=0))
        ).filter(claim_total__gt=0),
        "disagreements": list(
            Claim.objects.visible()
            .with_related()
            .filter(spread_ratio__isnull=False)
            .order_by("-spread_ratio", "title")[:5]
        ),
        "latest": list(
            Assertion.objects.published()
            .with_related()
            .order_by("-stated_on", "-pk")[:10]
        ),
    }


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
        timeline=chart.layout_timeline(_timeline_marks(assertions), highlight=pair),
        history=list(
            discrepancy.history.select_related("history_user").order_by("-history_date")
        ),
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


def _without_nulls(data):
    """Return `data` without the members that are None: JSON-LD states what is known."""
    if isinstance(data, dict):
        return {k: _without_nulls(v) for k, v in data.items() if v is not None}
    if isinstance(data, list):
        return [_without_nulls(item) for item in data]
    return data


def _number(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def linked_data(claim: Claim, assertions, summary, site: str) -> dict:
    """Return the claim as schema.org JSON-LD: a Dataset whose parts are the sourced
    figures, each a schema.org Claim with its author, appearance and bounds."""

    def agent(source):
        kind = "Person" if source.kind == "individual" else "Organization"
        return {
            "@type": kind,
            "name": source.name,
            "url": site + source.get_absolute_url(),
        }

    parts = []
    for a in assertions:
        part = {
            "@type": "Claim",
            "text": a.quote,
            "author": agent(a.source),
            "dateCreated": a.stated_on.isoformat(),
            "about": {
                "@type": "QuantitativeValue",
                "description": a.figure,
                "minValue": _number(a.low),
                "maxValue": _number(a.high),
                "value": _number(a.value),
                "unitText": claim.unit,
            },
        }
        if a.document:
            part["appearance"] = {
                "@type": "CreativeWork",
                "name": a.document.title,
                "url": a.document.url or None,
                "datePublished": (
                    a.document.published_on.isoformat()
                    if a.document.published_on
                    else None
                ),
                "publisher": agent(a.document.publisher)
                if a.document.publisher
                else None,
            }
        parts.append(part)
    first, last = summary.first_stated_on, summary.latest_stated_on
    return _without_nulls(
        {
            "@context": "https://schema.org",
            "@type": "Dataset",
            "name": claim.title,
            "description": claim.description or claim.scope or claim.title,
            "url": site + claim.get_absolute_url(),
            "isAccessibleForFree": True,
            "temporalCoverage": f"{first.isoformat()}/{last.isoformat()}"
            if first
            else None,
            "variableMeasured": {
                "@type": "PropertyValue",
                "name": claim.title,
                "unitText": claim.unit,
                "minValue": _number(summary.range_low),
                "maxValue": _number(summary.range_high),
            },
            "distribution": [
                {
                    "@type": "DataDownload",
                    "encodingFormat": kind,
                    "contentUrl": site
                    + reverse("claims:export", args=[claim.slug, ext]),
                }
                for ext, kind in (("csv", "text/csv"), ("json", "application/json"))
            ],
            "hasPart": parts,
        }
    )
