"""The site's one search box: claims, sources (with their aliases), documents and
quotes, grouped by kind, with suggestions when nothing matches.

Cost is bounded whatever the input: at most MAX_TERMS terms of a query cut to
MAX_CHARS characters, and at most PER_KIND results of each kind. On PostgreSQL,
quotes and claims are also matched by full-text search (English stemming, GIN
indexes from migration 0014) and ranked by it, and names by trigram indexes; on
SQLite every term must occur in the text, in any case. Both engines find every
result whose text contains all the terms; PostgreSQL may find more (stemmed
forms) and ranks differently.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q, QuerySet

from claims.models import Assertion, Claim, Translation
from sources.models import Document, Source, SourceAlias

MAX_TERMS = 10
MAX_CHARS = 200
PER_KIND = 10
SUGGESTIONS = 5


@dataclass(frozen=True)
class Query:
    """A query as searched: its terms, and how much of what was typed was dropped."""

    text: str
    terms: tuple[str, ...]
    dropped_terms: int = 0
    was_cut: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.terms


def parse_query(raw: str) -> Query:
    """Return the terms of `raw`: at most MAX_TERMS, from at most MAX_CHARS."""
    raw = " ".join((raw or "").split())
    was_cut = len(raw) > MAX_CHARS
    words = raw[:MAX_CHARS].split()
    terms = tuple(dict.fromkeys(w for w in words if w))[:MAX_TERMS]
    return Query(
        text=" ".join(terms),
        terms=terms,
        dropped_terms=max(0, len(dict.fromkeys(words)) - MAX_TERMS),
        was_cut=was_cut,
    )


@dataclass
class Results:
    query: Query
    claims: list = field(default_factory=list)
    sources: list = field(default_factory=list)
    documents: list = field(default_factory=list)
    quotes: list = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return (
            len(self.claims)
            + len(self.sources)
            + len(self.documents)
            + len(self.quotes)
        )


def _all_terms(terms, *fields) -> Q:
    """Every term occurs in one of `fields` (any case)."""
    condition = Q()
    for term in terms:
        either = Q()
        for name in fields:
            either |= Q(**{f"{name}__icontains": term})
        condition &= either
    return condition


def _ranked(
    queryset: QuerySet, query: Query, *fields: str, also: Q | None = None
) -> QuerySet:
    """On PostgreSQL, match by full text too and rank; elsewhere, as it is. `also`
    adds rows matched otherwise (ranked last)."""
    also = also if also is not None else Q(pk__in=[])
    if connection.vendor != "postgresql":
        return queryset.filter(_all_terms(query.terms, *fields) | also)
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = SearchVector(*fields, config="english")
    text = SearchQuery(query.text, search_type="websearch", config="english")
    return (
        queryset.annotate(rank=SearchRank(vector, text))
        .filter(Q(rank__gt=0) | _all_terms(query.terms, *fields) | also)
        .order_by("-rank")
    )


def search(query: Query) -> Results:
    """Return what `query` finds, PER_KIND at most of each kind."""
    results = Results(query=query)
    if query.is_empty:
        return results
    results.claims = list(
        _ranked(Claim.objects.visible().with_related(), query, "title", "scope")[
            :PER_KIND
        ]
    )
    results.sources = list(
        Source.objects.filter(_all_terms(query.terms, "name", "aliases__name", "slug"))
        .distinct()
        .prefetch_related("aliases")
        .order_by("name")[:PER_KIND]
    )
    published = Assertion.objects.published()
    results.documents = list(
        Document.objects.filter(pk__in=published.values("document_id"))
        .filter(_all_terms(query.terms, "title", "authors"))
        .select_related("publisher")
        .order_by("-published_on", "title")[:PER_KIND]
    )
    # A quote is found by its own words or by those of a translation of it.
    translated = Translation.objects.filter(_all_terms(query.terms, "text")).values(
        "assertion_id"
    )
    results.quotes = list(
        _ranked(
            published.with_related().prefetch_related("translations"),
            query,
            "quote",
            "figure",
            also=Q(pk__in=translated),
        )[:PER_KIND]
    )
    if not results.total:
        results.suggestions = suggest(query)
    return results


def suggest(query: Query) -> list[str]:
    """Return names close to the query's words: claim titles, sources, aliases."""
    names = list(Claim.objects.visible().values_list("title", flat=True)[:5000])
    names += list(Source.objects.values_list("name", flat=True)[:5000])
    names += list(SourceAlias.objects.values_list("name", flat=True)[:5000])
    lowered = {name.lower(): name for name in names}
    found: list[str] = []
    for candidate in (query.text, *query.terms):
        for match in difflib.get_close_matches(
            candidate.lower(), lowered, n=SUGGESTIONS, cutoff=0.6
        ):
            if lowered[match] not in found:
                found.append(lowered[match])
    return found[:SUGGESTIONS]
