"""Read-side assembly of what reader pages show. Nothing here writes.

Every query for readers goes through `Assertion.objects.published()` and
`Claim.objects.visible()`: drafts and retracted assertions never reach a page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q

from claims.domain import divergence, wording
from claims.models import Assertion, Claim, Discrepancy, Topic, Translation
from claims.pagination import page_number
from claims.presentation import chart
from claims.reader import search
from claims.reader.linked_data import linked_data
from claims.selectors import (
    POINT_FIELDS,
    judgement_map,
    judgements_for,
    list_row,
    marks_from_values,
    point_from_assertion,
    point_from_values,
)
from sources.models import DocumentFile, Source

# Figures in one page of the claim page's every-figure list.
FIGURES_PER_PAGE = 100
# Figures in one page of the claim page's retracted list: a claim whose mistaken
# import was retracted keeps thousands of them, which every view of its page would
# otherwise list (issue 28).
RETRACTED_PER_PAGE = 20
# Sources in one page of the claim page's table of each source's latest estimate,
# highest first: a claim of hundreds of sources (an outlet each) listed them all,
# and its page weighed a megabyte (issue 28).
ESTIMATES_PER_PAGE = 20


@dataclass(frozen=True)
class EstimateRow:
    """A source's current estimate, and the one of its own it replaced."""

    assertion: Assertion
    previous: Assertion | None
    direction: str  # up, down, revised, restated, or "" when there is no previous


@dataclass(frozen=True)
class ClaimPage:
    claim: Claim
    as_of: date | None
    scale: str
    summary: divergence.Summary
    evolution: str
    timeline: chart.Timeline
    # The page of the sources' latest estimates shown, highest first, as EstimateRows.
    estimates: Page
    figures: Page  # the page of the every-figure list shown, as assertions
    figure_count: int  # every figure stated by `as_of`
    shown: dict[int, Assertion]  # the assertions read as rows, by id
    revision_count: int
    discrepancy: Discrepancy | None = None  # the live one, when viewing today
    # The editors' standing judgements of other pairs, with their notes, today.
    judgements: list[Discrepancy] = field(default_factory=list)
    # A page of the retracted list, the latest by default (as `figures`), struck
    # through with reason and date; None when no figure stated by `as_of` was.
    retracted: Page | None = None
    linked_data: dict | None = None  # schema.org JSON-LD for search engines

    @cached_property  # the page reads it three times
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


def claim_page(
    claim: Claim,
    *,
    as_of: date | None = None,
    scale: str = chart.LINEAR,
    full_range: bool = False,
    site: str = "",
    figures: object = None,
    retracted: object = None,
    sources: object = None,
):
    """Return everything the claim page shows, as it stood on `as_of`; `site` is the
    absolute address the linked data's links start with, `figures` the page of the
    every-figure list asked for (the latest when absent or not a number),
    `retracted` the page of the retracted list, the same way, and `sources` the
    page of the sources' latest estimates (the highest first, by default).

    The comparison and the chart read every figure's values (POINT_FIELDS and its
    quote), not rows with their related rows: only the figures a reader sees (the
    page of the list, each source's latest figure and the one it replaced) are read
    as rows, in one query, so a claim of thousands of figures costs what its points
    cost, not thousands of objects (issue 28)."""
    # Every statement joined by keys, one row at a time (_point_rows, and the rows
    # shown as source_page's): the planner, expecting more rows than a claim or
    # a page has, read every source into hashes. Set once for the page's
    # statements, two round trips rather than four; the others read by key.
    with search.planned_without("enable_hashjoin", "enable_mergejoin"):
        return _claim_page(
            claim,
            as_of=as_of,
            scale=scale,
            full_range=full_range,
            site=site,
            figures=figures,
            retracted=retracted,
            sources=sources,
        )


def _claim_page(
    claim, *, as_of, scale, full_range, site, figures, retracted, sources
) -> ClaimPage:
    rows = list(_point_query(claim, as_of))
    points = [point_from_values(row) for row in rows]
    # Joined to what the page shows of them only: their claim is this one, the
    # pair's documents are not shown, and as of a date no pair is shown, only the
    # judgements' editors are read. Planning the twelve-table join of with_pair
    # cost five times running it (issue 28).
    shown_of_pair = ("assertion_low__source", "assertion_high__source", "favoured")
    on_record = list(
        Discrepancy.objects.live()
        .filter(claim=claim)
        .select_related("judged_by", *(() if as_of else shown_of_pair))
    )
    for discrepancy in on_record:
        discrepancy.claim = claim
    summary = divergence.summarise(
        points,
        judged=judgement_map(on_record),
        as_of=as_of,
        threshold=claim.effective_discrepancy_ratio,
    )
    replaced = divergence.previous_estimates(points)
    # The sources' latest estimates a page at a time, highest first; the figures
    # set aside that the summary words. Only those are read as rows and linked.
    estimated = Paginator(list(reversed(summary.estimates)), ESTIMATES_PER_PAGE)
    estimated = estimated.get_page(page_number(sources) or 1)
    current = [
        *estimated.object_list,
        *summary.set_aside[: wording.SET_ASIDE_WORDED],
    ]
    dated = sorted(current, key=lambda p: (p.stated_on, p.id))
    listed = Paginator([row.id for row in rows], FIGURES_PER_PAGE)
    page = listed.get_page(page_number(figures) or listed.num_pages)
    needed = {
        *page.object_list,
        *(p.id for p in current),
        *(replaced[p.source_id].id for p in current if p.source_id in replaced),
    }
    # Retracted figures stay on the page, struck through with their reason; they
    # count in no comparison and leave the chart. A page of them is shown, as of
    # the figures: their keys in date order (one query), and the page's rows in
    # the same query as the figures read as rows.
    struck = Paginator(
        list(
            Assertion.objects.retracted()
            .for_claim(claim)
            .filter(**({"stated_on__lte": as_of} if as_of else {}))
            .chronological()
            .values_list("pk", flat=True)
        ),
        RETRACTED_PER_PAGE,
    )
    struck_page = (
        struck.get_page(page_number(retracted) or struck.num_pages)
        if struck.count
        else None
    )
    if struck_page is not None:
        needed.update(struck_page.object_list)
    by_id = {}
    # Every row is the claim's: it is set on them here, not joined to each.
    rows_shown = (
        Assertion.objects.filter(pk__in=needed)
        .select_related("source", "document__publisher", "relayed_by")
        .order_by()
    )
    for row in rows_shown:
        row.claim = claim
        by_id[row.pk] = row
    if struck_page is not None:
        struck_page.object_list = [by_id[pk] for pk in struck_page.object_list]
    page.object_list = [by_id[pk] for pk in page.object_list]
    _load_evidence(page.object_list)
    estimates = []
    for point in estimated.object_list:  # highest first
        before = replaced.get(point.source_id)
        direction = ""
        if before is not None:
            direction = divergence.Revision(point.source_id, before, point).direction
        estimates.append(
            EstimateRow(
                by_id[point.id], by_id[before.id] if before else None, direction
            )
        )
    estimated.object_list = estimates
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
            marks_from_values(rows, points),
            as_of=as_of,
            scale=scale,
            unit=claim.unit,
            full_range=full_range,
            highlight=_pair(discrepancy),
        ),
        estimates=estimated,
        figures=page,
        figure_count=len(rows),
        shown=by_id,
        revision_count=len(summary.revisions),
        discrepancy=discrepancy,
        judgements=judgements,
        retracted=struck_page,
        linked_data=linked_data(claim, [by_id[p.id] for p in dated], summary, site),
    )


def _load_evidence(figures: list[Assertion]) -> None:
    """Give each of `figures` its translations (`translation_list`) and its
    document its archived files, newest first (`file_list`), in two queries: the
    evidence of the page's figures only. Read as lists, not through related
    managers or prefetch_related_objects, whose machinery cost more than the
    queries for a page of figures (issue 28)."""
    translations: dict[int, list[Translation]] = defaultdict(list)
    if figures:
        for translation in Translation.objects.filter(
            assertion_id__in=[a.pk for a in figures]
        ):
            translations[translation.assertion_id].append(translation)
    documents = [a.document for a in figures if a.document is not None]
    files: dict[int, list[DocumentFile]] = defaultdict(list)
    if documents:
        for file in DocumentFile.objects.filter(
            document_id__in={d.pk for d in documents}
        ):
            files[file.document_id].append(file)
    for figure in figures:
        figure.translation_list = translations[figure.pk]
    for document in documents:
        document.file_list = files[document.pk]


def _point_rows(claim: Claim, as_of: date | None) -> list:
    """Return the values of the claim's published figures stated by `as_of`, in
    date order, as named rows: what the comparison and the chart read (POINT_FIELDS
    and quote)."""
    # Each figure's source joined by its key: a claim's figures come from a few
    # dozen sources, and hashing all of them (12,000 at 1.2 million figures) took
    # three times the rest of the statement (issue 28).
    with search.planned_without("enable_hashjoin", "enable_mergejoin"):
        return list(_point_query(claim, as_of))


def _point_query(claim: Claim, as_of: date | None):
    """Return the query of _point_rows, to run planned as it says."""
    return (
        Assertion.objects.published()
        .for_claim(claim)
        .filter(**({"stated_on__lte": as_of} if as_of else {}))
        .chronological()
        .values_list(*POINT_FIELDS, "quote", named=True)
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
    return chart.layout_timeline(
        marks_from_values(_point_rows(claim, as_of)),
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
        .values_list(*POINT_FIELDS, named=True)
    )
    for row in rows:
        by_claim[row.claim_id].append(point_from_values(row))
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
    # The spread's word where it has no ratio (wording.spread_label); None in a
    # row stored before it was kept, which the template words from the claim.
    spread: str | None = None


def claim_rows(
    claims: list[Claim], *, spark: bool = True, judged: dict | None = None
) -> list[ClaimRow]:
    """Return each claim with the stated figures bounding its current estimates
    (divergence.summarise, as the claim page), its latest report's date at its
    precision and its sparkline, from one query; `judged` (judgements by claim id)
    gives each summary the editors' judgements."""
    by_claim = _points_by_claim(claims) if claims else {}
    rows = []
    for claim in claims:
        summary = divergence.summarise(
            by_claim[claim.pk],
            judged=(judged or {}).get(claim.pk),
            threshold=claim.effective_discrepancy_ratio,
            history=False,
        )
        row = list_row(by_claim[claim.pk], summary)
        rows.append(
            ClaimRow(
                claim=claim,
                range=row.range,
                spark=row.sparkline if spark else None,
                latest=row.latest,
                summary=summary,
                spread=row.spread,
            )
        )
    return rows


def claim_list_rows(claims: list[Claim]) -> list[ClaimRow]:
    """Return the claim list's rows: each claim's row as derive stored it with its
    summary (Claim.list_row), with no query; a claim not derived since it came
    (null) has its row computed from its figures, as claim_rows does (issue 28)."""
    computed = {
        row.claim.pk: row
        for row in claim_rows([c for c in claims if c.list_row is None])
    }
    return [
        computed.get(claim.pk)
        or ClaimRow(
            claim=claim,
            range=claim.list_row["range"],
            spark=claim.list_row["sparkline"],
            latest=claim.list_row["latest"],
            spread=claim.list_row.get("spread"),
        )
        for claim in claims
    ]


def assertions_shown(ids: list[int]) -> list[Assertion]:
    """Return the assertions of `ids`, in that order, with what a page shows of
    them, joined by their keys one row at a time: the planner, expecting more rows
    than a page has, would read every claim, source and document into hashes (26 ms
    where the keys take 3 ms at 48,000 claims)."""
    with search.planned_without("enable_hashjoin", "enable_mergejoin"):
        by_id = Assertion.objects.with_related().in_bulk(ids)
    return [by_id[pk] for pk in ids]


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


@dataclass(frozen=True)
class SourcePage:
    """A page of a source's figures, grouped by claim, each compared."""

    groups: list[tuple[Claim, list[SourceRow]]]
    figures: Page  # the page of the source's figures: its numbers and links


def source_page(source: Source, *, figures: object = None) -> SourcePage:
    """Return a page of the source's published assertions (FIGURES_PER_PAGE, by
    claim title then date; the first page when `figures` is absent or names no
    page, pagination.page_number), grouped by claim, each compared with what the
    other sources' current estimates were on that date.

    Only the page's figures are compared, and only the other sources' figures of
    their claims up to the page's last date are read: the work follows the page a
    reader sees, not the source's whole record (issue 28). One date-ordered sweep
    per claim keeps each other source's latest figure."""
    # The page's ids first, then its rows with what they show: sorting the
    # source's every row joined to all it shows read every document (70 ms).
    own = (
        Assertion.objects.published()
        .filter(source=source)
        .order_by("claim__title", "stated_on", "pk")
        .values_list("pk", flat=True)
    )
    page = Paginator(own, FIGURES_PER_PAGE).get_page(page_number(figures) or 1)
    # The page's ids from the source's own rows, sorted. Not by walking every claim
    # in title order looking for the source's figures, which the planner, expecting
    # them spread evenly, would do (an incremental sort): the dense source's 1,631
    # figures are on one claim, which that walk reached after 11,000 claims
    # (212 ms; 1.4 ms sorted). One process: starting a parallel worker costs more
    # than the sort.
    with search.planned_with(
        enable_hashjoin="off",
        enable_mergejoin="off",
        enable_incremental_sort="off",
        max_parallel_workers_per_gather="0",
    ):
        ids = list(page.object_list)
    shown = assertions_shown(ids)
    page.object_list = shown
    others: dict[int, list[divergence.Point]] = defaultdict(list)
    if shown:
        rows = (
            Assertion.objects.published()
            .filter(
                claim_id__in={a.claim_id for a in shown},
                stated_on__lte=max(a.stated_on for a in shown),
            )
            .exclude(source=source)
            .order_by("claim_id", "stated_on", "id")
            .values_list(*POINT_FIELDS, named=True)
        )
        for row in rows:
            others[row.claim_id].append(point_from_values(row))
    groups: dict[int, tuple[Claim, list[SourceRow]]] = {}
    sweep: dict[int, tuple[int, dict]] = {}  # claim: (next index, latest by source)
    for assertion in shown:
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
    return SourcePage(groups=list(groups.values()), figures=page)


# Home lists this many claims where sources disagree most.
HOME_DISAGREEMENTS = 5


def disagreements(limit: int = HOME_DISAGREEMENTS) -> list[ClaimRow]:
    """Return the claims where sources disagree most, widest first: real
    disagreements only. A claim counts while a conflict stands (under review,
    explained or resolved): not when the editors judged every conflict not real,
    nor when its spread stays below its own threshold."""
    default = settings.CLAIMTRACKER_DISCREPANCY_RATIO
    reaching = (
        Q(discrepancy_ratio__isnull=True, spread_ratio__gte=default)
        | Q(discrepancy_ratio__isnull=False, spread_ratio__gte=F("discrepancy_ratio"))
        | Q(apart=True)  # a zero against higher figures: no ratio, the widest
    )
    found: list[ClaimRow] = []
    candidates = (
        Claim.objects.visible()
        .with_related()
        .filter(reaching)
        .order_by(F("apart").desc(nulls_last=True), "-spread_ratio", "title", "pk")
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
