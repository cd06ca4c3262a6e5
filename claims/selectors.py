"""Reads shared by every audience: a claim's figures as divergence points, chart
marks and its state today. Nothing here writes.

Every query for readers goes through `Assertion.objects.published()` and
`Claim.objects.visible()`: drafts and retracted assertions never reach a page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import smart_split, unescape_string_literal

from claims.domain import divergence, merging, wording
from claims.models import Assertion, Claim, Discrepancy
from claims.presentation import chart
from sources import services as source_services
from sources.models import Document, Source
from sources.names import name_key

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


def point_from_values(row) -> divergence.Point:
    """Return the divergence Point of a published assertion's POINT_FIELDS values,
    read as a named row (`values_list(*POINT_FIELDS, named=True)`: a claim of
    thousands of figures makes no dict for each)."""
    return divergence.published_point(
        row.id,
        row.source_id,
        row.stated_on,
        row.kind,
        row.low,
        row.high,
        row.value,
        row.figure,
        row.source__parent_id,
        row.document_id,
        row.date_precision,
        row.source__name,
        _day(row.set_aside_at),
        row.set_aside_reason or "",
    )


def _day(moment):
    """Return the date of a stored time, in the site's time zone, or None."""
    return None if moment is None else timezone.localdate(moment)


@dataclass(frozen=True)
class ListRow:
    """What the claim list shows of a claim beside its stored summary: the stated
    figures bounding its current estimates, its latest report's date as precisely
    as known, and its sparkline's points."""

    range: str
    latest: str
    sparkline: str
    spread: str = ""  # wording.spread_label: the spread's word where no ratio is

    @property
    def stored(self) -> dict[str, str]:
        """Return the row as Claim.list_row holds it."""
        return {
            "range": self.range,
            "latest": self.latest,
            "sparkline": self.sparkline,
            "spread": self.spread,
        }


def list_row(points: list[divergence.Point], summary: divergence.Summary) -> ListRow:
    """Return the claim list's row of a claim from its published figures' points
    and their summary (no history needed): derive stores it on the claim, and the
    list computes it so for a claim not derived since."""
    latest = summary.latest
    return ListRow(
        range=wording.range_figures(summary),
        latest=wording.format_date(latest.stated_on, latest.precision)
        if latest
        else "",
        sparkline=chart.layout_sparkline(points),
        spread=wording.spread_label(summary),
    )


@dataclass(frozen=True)
class ClaimState:
    """Where a claim's published figures stand today: for the API."""

    summary: divergence.Summary
    evolution: str
    steps: list[divergence.Step]
    estimates: list[Assertion]  # each source's current figure, highest first
    # Current figures the editors set aside for the claim: listed, never compared.
    set_aside: list[Assertion] = field(default_factory=list)


def figures_counted(rows: list, figures, key: str, *, into: str) -> list:
    """Set on each of `rows` (a page of claims or sources) its count of `figures`
    (a queryset of assertions) whose `key` ("claim", "source") is that row, as the
    attribute `into`, from one query of the page's keys: a list's cost follows its
    page, not every row's figures (issue 28)."""
    totals = dict(
        figures.filter(**{f"{key}__in": [row.pk for row in rows]})
        .order_by()
        .values_list(key)
        .annotate(total=Count("pk"))
    )
    for row in rows:
        setattr(row, into, totals.get(row.pk, 0))
    return rows


def admin_terms(text: str) -> list[str]:
    """Return the terms of an admin search as Django's admin splits them: by
    spaces, a quoted phrase ("first batch") one term."""
    terms = []
    for bit in smart_split(text):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1] and len(bit) > 1:
            bit = unescape_string_literal(bit)
        if bit:
            terms.append(bit)
    return terms


def figures_searched(figures, text: str):
    """Return the `figures` (a queryset of assertions) that the admin's search
    `text` finds: each term in the figure or its quote, or in the name of its
    source or of one of the source's aliases, or in its claim's title (any case,
    any part), as the admin's search_fields would.

    The names and titles are looked up in their own tables, and the figures by
    their source's and claim's keys: the admin joins every figure to its source,
    its claim and each of the source's aliases, then drops the copies the aliases
    make with DISTINCT, which took 4.7 s at 1.2 million figures for one word
    (count and page); read this way, one pass over the figures with no join and
    no DISTINCT (docs/researchers.md, "Logging figures")."""
    for term in admin_terms(text):
        named = Source.objects.filter(
            Q(name__icontains=term) | Q(aliases__name__icontains=term)
        ).values("pk")
        titled = Claim.objects.filter(title__icontains=term).values("pk")
        figures = figures.filter(
            Q(figure__icontains=term)
            | Q(quote__icontains=term)
            | Q(source__in=named)
            | Q(claim__in=titled)
        )
    return figures


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
            judged_on=_day(d.judged_at),
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


def marks_from_values(
    rows: list, points: list[divergence.Point] | None = None
) -> list[chart.Mark]:
    """Return the chart marks of published assertions' POINT_FIELDS and quote
    values (named rows), in the order given: the chart of a claim of thousands of
    figures without a row object for each. `points`, the rows' points when already
    made (point_from_values), are not made again."""
    if points is None:
        points = [point_from_values(row) for row in rows]
    # Made positionally, in Mark's field order: a dense claim makes thousands.
    return [
        chart.Mark(point, row.source__name, row.date_precision, row.quote)
        for row, point in zip(rows, points, strict=True)
    ]


@dataclass
class MergePlan:
    """What merging the duplicate `row` (a source or a claim) into `into` moves, for
    its confirmation page: the figures (those that would then be duplicates, as
    (retracted, kept) pairs), the discrepancies their judgements are part of, and
    for a source its aliases, documents and the sources that belong to it.
    `problems` refuse the merge; `warnings` are for the researcher to weigh."""

    row: Source | Claim
    into: Source | Claim
    figures: list[Assertion]
    duplicates: list[tuple[Assertion, Assertion]]
    discrepancies: list[Discrepancy]
    problems: list[str]
    warnings: list[str] = field(default_factory=list)
    relays: int = 0
    aliases: list[str] = field(default_factory=list)
    new_alias: str = ""
    documents: list[Document] = field(default_factory=list)
    children: list[Source] = field(default_factory=list)


def merge_figures(figures, key) -> list[merging.Figure]:
    """Return assertions as a merge compares them (claims/domain/merging.py)."""
    return [
        merging.Figure(
            id=a.pk, key=key(a), is_published=a.status == Assertion.Status.PUBLISHED
        )
        for a in figures
        if a.status != Assertion.Status.RETRACTED
    ]


def merge_duplicates(moving, staying, key) -> list[tuple[Assertion, Assertion]]:
    """Return the (retracted, kept) pairs of assertions a merge makes duplicates."""
    rows = {a.pk: a for a in (*moving, *staying)}
    pairs = merging.duplicates(merge_figures(moving, key), merge_figures(staying, key))
    return [(rows[retracted], rows[kept]) for retracted, kept in pairs]


def source_figure_key(assertion: Assertion) -> tuple:
    """What makes two figures of one source the same statement."""
    return (assertion.claim_id, assertion.stated_on, assertion.figure)


def claim_figure_key(assertion: Assertion) -> tuple:
    """What makes two figures of one claim the same statement."""
    return (assertion.source_id, assertion.stated_on, assertion.figure)


def relay_conflicts(*, source: Source, into: Source) -> list[str]:
    """Return a message naming the figures one of the two sources states and the
    other relays: once merged, a source would relay itself."""
    rows = list(
        Assertion.objects.filter(
            Q(source=source, relayed_by=into) | Q(source=into, relayed_by=source)
        )
        .select_related("claim", "source")
        .order_by("pk")[:11]
    )
    if not rows:
        return []
    named = "; ".join(f"“{a}” for “{a.claim}” (#{a.pk})" for a in rows[:10])
    more = " and more" if len(rows) > 10 else ""
    return [
        f"These figures are stated by one of the two sources and relayed by the "
        f"other, so the merged source would relay itself: {named}{more}. Clear "
        "their “relayed by” first."
    ]


def _live_discrepancies(figure_ids) -> list[Discrepancy]:
    return list(
        Discrepancy.objects.live()
        .filter(Q(assertion_low__in=figure_ids) | Q(assertion_high__in=figure_ids))
        .with_pair()
        .order_by("pk")
    )


def source_merge_plan(*, source: Source, into: Source) -> MergePlan:
    """Return what merging the duplicate `source` into `into` would do."""
    figures = list(
        Assertion.objects.filter(source=source)
        .select_related("claim", "source")
        .order_by("claim__title", "stated_on", "pk")
    )
    staying = list(
        Assertion.objects.not_retracted()
        .filter(source=into, claim__in={a.claim_id for a in figures})
        .select_related("claim", "source")
    )
    aliases = [alias.name for alias in source.aliases.all()]
    known = {name_key(name) for name in (into.name, *aliases)} | {
        name_key(alias.name) for alias in into.aliases.all()
    }
    return MergePlan(
        row=source,
        into=into,
        figures=figures,
        duplicates=merge_duplicates(figures, staying, source_figure_key),
        discrepancies=_live_discrepancies([a.pk for a in figures]),
        problems=source_services.source_merge_problems(source=source, into=into),
        relays=Assertion.objects.filter(relayed_by=source).count(),
        aliases=aliases,
        new_alias="" if name_key(source.name) in known else source.name,
        documents=list(Document.objects.filter(publisher=source).order_by("title")),
        children=list(Source.objects.filter(parent=source).order_by("name")),
    )


def claim_merge_problems(*, claim: Claim, into: Claim) -> list[str]:
    """Return why the duplicate `claim` cannot be merged into `into`, naming them
    (empty when it can): itself, or a claim already merged."""
    if claim.pk == into.pk:
        return [f"“{claim}” cannot be merged into itself."]
    problems = []
    for row in (claim, into):
        if row.merged_into_id is not None:
            target = Claim.objects.get(pk=row.merged_into_id)
            problems.append(
                f"“{row}” was already merged into “{target}”"
                + ("." if row is claim else f"; merge into “{target}” instead.")
            )
    return problems


def claim_merge_plan(*, claim: Claim, into: Claim) -> MergePlan:
    """Return what merging the duplicate `claim` into `into` would do."""
    figures = list(
        Assertion.objects.filter(claim=claim)
        .select_related("claim", "source")
        .order_by("stated_on", "pk")
    )
    staying = list(
        Assertion.objects.not_retracted()
        .filter(claim=into)
        .select_related("claim", "source")
    )
    warnings = []
    if claim.unit.strip().lower() != into.unit.strip().lower():
        warnings.append(
            f"They count different units: “{claim.unit}” and “{into.unit}”. The "
            f"figures will be compared as “{into.unit}”."
        )
    if claim.topic_id != into.topic_id:
        warnings.append(
            f"They are in different topics; the figures will be in “{into.topic}”."
        )
    return MergePlan(
        row=claim,
        into=into,
        figures=figures,
        duplicates=merge_duplicates(figures, staying, claim_figure_key),
        discrepancies=list(
            Discrepancy.objects.live().filter(claim=claim).with_pair().order_by("pk")
        ),
        problems=claim_merge_problems(claim=claim, into=into),
        warnings=warnings,
    )


def merged_url(request, model) -> str | None:
    """Return the address of the same page (the same view and query) for the row
    the request's slug names when that row was merged into another, of that other
    row; None when no merged row has the slug."""
    match = request.resolver_match
    slug = match.kwargs.get("slug")
    merged = (
        model.objects.filter(slug=slug, merged_into__isnull=False)
        .values_list("merged_into__slug", flat=True)
        .first()
    )
    if merged is None:
        return None
    url = reverse(match.view_name, kwargs={**match.kwargs, "slug": merged})
    query = request.META.get("QUERY_STRING", "")
    return f"{url}?{query}" if query else url
