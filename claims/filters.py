"""Filter sets for the claim list; the JSON API will use the same ones."""

import django_filters
from django import forms
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q

from claims.models import Assertion, Claim, Discrepancy, Topic
from claims.widgets import QuickSelect
from sources.models import Source, SourceAlias, SourceKind
from sources.validators import SEARCH_CUT, search_terms

SPREAD_CHOICES = [
    ("1", "any gap between estimates"),
    ("1.5", "highest at least 1.5 × lowest"),
    ("2", "highest at least 2 × lowest"),
    ("5", "highest at least 5 × lowest"),
]
SORTS = {
    "latest": (F("latest_stated_on").desc(nulls_last=True), "title"),
    "spread": (F("spread_ratio").desc(nulls_last=True), "title"),
    "sources": ("-source_count", "title"),
    "title": ("title",),
}
SORT_CHOICES = [
    ("latest", "latest report"),
    ("spread", "largest spread"),
    ("sources", "most sources"),
    ("title", "title"),
]


def _visible_units() -> list[tuple[str, str]]:
    """The units readers can filter by; a callable, so each use reads them afresh.

    Read from the index of units one unit at a time (a recursive query: the
    next unit above the last found), so the cost follows the few distinct
    units, not the tens of thousands of claims a DISTINCT reads (issue 28)."""
    table = connection.ops.quote_name(Claim._meta.db_table)
    # Claim.objects.visible(), written out: not merged, with a published figure.
    sql = f"""
        WITH RECURSIVE units(unit) AS (
            SELECT MIN(unit) FROM {table}
            WHERE merged_into_id IS NULL AND assertion_count > 0
            UNION ALL
            SELECT (
                SELECT MIN(c.unit) FROM {table} c
                WHERE c.unit > units.unit
                AND c.merged_into_id IS NULL AND c.assertion_count > 0
            )
            FROM units WHERE units.unit IS NOT NULL
        )
        SELECT unit FROM units WHERE unit IS NOT NULL ORDER BY unit
    """
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [(unit, unit) for (unit,) in cursor.fetchall()]


# Sources named by a filter's value that are looked for by their ids, at most, and
# their claims, at most.
NAMED_IDS, NAMED_CLAIMS = 100, 1_000


def sources_named(value: str):
    """Return the sources a reader means by `value`: a slug, or part of a name or
    an alias, in any case ("ukrainian" finds "Ukrainian military intelligence"),
    for `source__in`: their ids when there are NAMED_IDS or fewer, else a query.

    Each name is matched in its own table: a join of every source with its aliases
    and merged sources read all three whole (30 ms at 12,000 sources, twice a
    page: the count and the rows). A few sources are read first, as ids, so the
    list's query knows which it looks for: as a subquery of ORs, the planner
    expected 9,000 and probed every claim's figures for one source (issue 28). A
    value in thousands of names stays a subquery: their ids would make the
    query's text, and most claims match."""
    value = value.strip()
    # A merged source's old slug finds the source it was merged into.
    merged = Source.objects.filter(slug=value).values("merged_into_id")
    aliased = SourceAlias.objects.filter(name__icontains=value).values("source_id")
    named = (
        Source.objects.current()
        .filter(
            Q(slug=value)
            | Q(pk__in=merged)
            | Q(name__icontains=value)
            | Q(pk__in=aliased)
        )
        .values("pk")
    )
    ids = list(named.values_list("pk", flat=True)[: NAMED_IDS + 1])
    return ids if len(ids) <= NAMED_IDS else named


def _published_where(**conditions):
    return Exists(
        Assertion.objects.published().filter(claim=OuterRef("pk"), **conditions)
    )


class ClaimFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="filter_text")
    # Only topics with a claim a reader can see, as on the home page: a topic with
    # none would find nothing, and no claim's stamp moves when one is added or
    # deleted, so a cached list would not offer it anyway (claims/pipeline/derive.py).
    topic = django_filters.ModelChoiceFilter(
        # EXISTS, not a join and DISTINCT: a probe of each topic's claims, not a
        # read of every claim.
        queryset=Topic.objects.filter(
            Exists(Claim.objects.filter(topic=OuterRef("pk"), assertion_count__gt=0))
        ),
        to_field_name="slug",
        empty_label="any topic",
        widget=QuickSelect,  # every topic with a claim: hundreds of options
    )
    source = django_filters.CharFilter(
        label="Source (name, alias or slug)", method="filter_source"
    )
    source_kind = django_filters.ChoiceFilter(
        label="Source kind",
        choices=SourceKind.choices,
        method="filter_source_kind",
        empty_label="any kind",
    )
    unit = django_filters.ChoiceFilter(choices=_visible_units, empty_label="any unit")
    stated_after = django_filters.DateFilter(
        label="Reported from",
        method="filter_stated_after",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    stated_before = django_filters.DateFilter(
        label="Reported until",
        method="filter_stated_before",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    disagree = django_filters.ChoiceFilter(
        label="Sources disagree",
        choices=SPREAD_CHOICES,
        method="filter_disagree",
        empty_label="whether or not",
    )
    under_review = django_filters.BooleanFilter(
        label="Discrepancy under review",
        method="filter_under_review",
        widget=forms.CheckboxInput,
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by", choices=SORT_CHOICES, method="filter_sort", empty_label=None
    )

    class Meta:
        model = Claim
        fields = ["q", "topic", "source", "source_kind", "unit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["sort"].required = False

    @property
    def qs(self):
        queryset = super().qs
        if not self.form.is_valid() or not self.form.cleaned_data.get("sort"):
            queryset = queryset.order_by(*SORTS["latest"])
        return queryset

    @property
    def search_note(self) -> str:
        """Say so when the search was too long and words were dropped."""
        return SEARCH_CUT if search_terms(self.data.get("q", ""))[1] else ""

    def filter_text(self, queryset, name, value):
        # At most SEARCH_MAX_TERMS words: each adds conditions to the query.
        for word in search_terms(value)[0]:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(scope__icontains=word)
                | Q(topic__name__icontains=word)
            )
        return queryset

    def filter_source(self, queryset, name, value):
        named = sources_named(value)
        if isinstance(named, list):
            # A few sources: their figures' claims, read as ids from the figures'
            # index of sources. As a probe of each claim's figures, the planner
            # walked every claim in the list's order for one source's 37 (48,000
            # probes, 150 to 320 ms; issue 28).
            claims = list(
                Assertion.objects.published()
                .filter(source__in=named)
                .order_by()
                .values_list("claim_id", flat=True)
                .distinct()[: NAMED_CLAIMS + 1]
            )
            if len(claims) <= NAMED_CLAIMS:
                return queryset.filter(pk__in=claims)
        return queryset.filter(_published_where(source__in=named))

    def filter_source_kind(self, queryset, name, value):
        return queryset.filter(_published_where(source__kind=value))

    # A claim has a figure stated on or after a date when its latest figure is,
    # and on or before it when its first is: the stored summary's dates (derive
    # keeps them those of its published figures), read in the claim's own row
    # rather than by a probe of its figures per claim (issue 28).
    def filter_stated_after(self, queryset, name, value):
        return queryset.filter(latest_stated_on__gte=value)

    def filter_stated_before(self, queryset, name, value):
        return queryset.filter(first_stated_on__lte=value)

    def filter_under_review(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Exists(Discrepancy.objects.pending().filter(claim=OuterRef("pk")))
        )

    def filter_disagree(self, queryset, name, value):
        # A zero against higher figures has no ratio, and is as far apart as any.
        return queryset.filter(Q(spread_ratio__gte=value) | Q(apart=True))

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, SORTS["latest"]))


class AssertionFilter(django_filters.FilterSet):
    """The API's assertion list: by claim, source, topic, kind and dates."""

    # Slugs in text fields: a select of every claim would be thousands of options.
    claim = django_filters.CharFilter(field_name="claim__slug", label="Claim (slug)")
    source = django_filters.CharFilter(field_name="source__slug", label="Source (slug)")
    topic = django_filters.CharFilter(
        field_name="claim__topic__slug", label="Topic (slug)"
    )
    kind = django_filters.ChoiceFilter(choices=Assertion.Kind.choices)
    stated_after = django_filters.DateFilter(field_name="stated_on", lookup_expr="gte")
    stated_before = django_filters.DateFilter(field_name="stated_on", lookup_expr="lte")

    class Meta:
        model = Assertion
        fields = ["claim", "source", "topic", "kind", "date_precision"]
