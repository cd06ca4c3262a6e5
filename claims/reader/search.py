"""The site's one search box: claims, sources (with their aliases), documents and
quotes, grouped by kind, with suggestions when nothing matches.

Cost is bounded whatever the input (docs/performance.md, "Uncached pages and
search"): at most MAX_TERMS terms of a query cut to MAX_CHARS characters; a quoted
phrase ("first batch" or “first batch”) is one term and matches as a phrase. Each
kind reads at most CANDIDATES matching rows, from its index alone
(from_the_indexes), ranks among them and shows PER_KIND.

On PostgreSQL every kind is read from its index alone: quotes (with their
translations), claims and documents by full-text search (`vector @@ query`, English
stemming, GIN expression indexes built by migration 0023 from the
same SearchVector expressions the queries use), sources and aliases by trigram
indexes on their names (any part of a name, "ukrainian" or "HUR"), suggestions by
trigram similarity. Nothing computes a vector for a row the index did not match.

SQLite has no such index: there every term must occur in the text (any case), and
quotes, translations and documents are looked for among the newest SQLITE_WINDOW
rows of each only, so a search reads a bounded number of rows. SQLite is the
small-site engine; a site past that many figures runs on PostgreSQL.

The same quote stated by several sources (a statement relayed word for word) is one
result naming each source: QUOTE_ROWS matching rows are read and grouped, the first
PER_KIND groups shown. When nothing matches, suggestions are the query with its
misspelled words replaced by the closest words of any published quote, then names
close to the words (as above). The words of quotes are recorded as quotes are
written (QuoteWord, by claims/pipeline/derive.py); one query reads a bounded number
of them near the typed words: by trigram distance on PostgreSQL, by first letter
and length on SQLite (docs/readers.md, "Search").
"""

from __future__ import annotations

import difflib
import re
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Length

from claims.domain import spelling
from claims.models import Assertion, Claim, QuoteWord, Translation
from sources.models import Document, Source, SourceAlias

MAX_TERMS = 10
MAX_CHARS = 200
PER_KIND = 10
CANDIDATES = 200  # index matches of one kind read and ranked, at most
FIRST_QUOTES = 500  # published figures read in order before the quote index
SQLITE_WINDOW = 20_000  # newest rows of a kind searched on SQLite
SUGGESTIONS = 5
QUOTE_ROWS = 4 * PER_KIND  # matching quote rows read, to group into PER_KIND
TYPED_WORDS = 10  # words of a query spell-checked, at most
NEAR_WORDS = 500  # recorded words read alike each typed word (PostgreSQL)
SQLITE_WORDS = 20_000  # recorded words read to spell-check a query (SQLite)
CONFIG = "english"

# The text vectors of each kind: the indexes are built from these same expressions.
VECTORS = {
    "assertion": ("quote", "figure"),
    "translation": ("text",),
    "claim": ("title", "scope"),
    "document": ("title", "authors"),
}
_PHRASE = re.compile(r'"([^"]*)"|“([^”]*)”|(\S+)')


@dataclass(frozen=True)
class Query:
    """A query as searched: its terms (a phrase is one term, spaces inside), and how
    much of what was typed was dropped."""

    text: str
    terms: tuple[str, ...]
    dropped_terms: int = 0
    was_cut: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.terms

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(t for t in self.terms if " " not in t)

    @property
    def phrases(self) -> tuple[str, ...]:
        return tuple(t for t in self.terms if " " in t)


def parse_query(raw: str) -> Query:
    """Return the terms of `raw`: at most MAX_TERMS, from at most MAX_CHARS; text in
    straight or curly double quotes is one term, a phrase. A NUL character
    separates words, as a space does: PostgreSQL's text holds none, and refused the
    whole search (a 500)."""
    raw = " ".join((raw or "").replace("\x00", " ").split())
    was_cut = len(raw) > MAX_CHARS
    found = []
    for match in _PHRASE.finditer(raw[:MAX_CHARS]):
        term = " ".join((match.group(1) or match.group(2) or match.group(3)).split())
        if term:
            found.append(term)
    unique = list(dict.fromkeys(found))
    terms = tuple(unique[:MAX_TERMS])
    return Query(
        text=" ".join(f"“{t}”" if " " in t else t for t in terms),
        terms=terms,
        dropped_terms=max(0, len(unique) - MAX_TERMS),
        was_cut=was_cut,
    )


@dataclass
class QuoteGroup:
    """One quote as found, with every published figure that states it word for word
    (several sources relaying one statement), newest first."""

    assertions: list

    @property
    def first(self):
        return self.assertions[0]

    @property
    def quote(self) -> str:
        return self.first.quote

    @property
    def sources(self) -> list:
        return list({a.source_id: a.source for a in self.assertions}.values())


def group_quotes(assertions, limit: int = PER_KIND) -> list[QuoteGroup]:
    """Return `assertions` grouped by their quote (spacing and case aside), in the
    order each quote is first found, `limit` groups at most. A figure with no quote
    (a data set's locator) stands alone."""
    groups: dict[object, QuoteGroup] = {}
    for a in assertions:
        key = " ".join(a.quote.casefold().split()) or ("row", a.pk)
        if key in groups:
            groups[key].assertions.append(a)
        elif len(groups) < limit:
            groups[key] = QuoteGroup([a])
    return list(groups.values())


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


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


# PostgreSQL: full text, from the GIN indexes.

# The planner's settings inside from_the_indexes: no sequential scan, no ordered
# index scan, so what is left is a bitmap scan of the indexes the condition names.
INDEX_READ = ("enable_seqscan", "enable_indexscan")


def from_the_indexes():
    """Plan the statements run inside from the search indexes alone (PostgreSQL).

    Given words each common but never together ("drones people"), the planner
    expects an early match and reads the table in order to its end: 4.2 s at 1.2
    million figures, where the index answers in 20 ms; and it reads every claim
    title for a trigram match (200 ms) where the index takes 10 ms. An index read
    is bounded by the index (docs/performance.md, "Uncached pages and search")."""
    return planned_without(*INDEX_READ)


# pg_trgm's similarity (`%`) is costed as one operator (cpu_operator_cost, 0.0025)
# but takes about 3 µs a name: the planner read all 12,000 sources' names for three
# candidates (70 ms) where their trigram index answers in 8. Costed a hundred times
# more, as in from_the_name_indexes, the index's estimate wins.
TRIGRAM_OPERATOR_COST = "0.25"


def from_the_name_indexes():
    """Plan the statements run inside from the trigram indexes of names alone
    (PostgreSQL): from_the_indexes, with each operator costed as a similarity, and
    so with neither workers nor compiled expressions (JIT), which that cost would
    otherwise call for."""
    return planned_with(
        **{name: "off" for name in INDEX_READ},
        cpu_operator_cost=TRIGRAM_OPERATOR_COST,
        max_parallel_workers_per_gather="0",
        jit="off",
    )


def planned_without(*names: str):
    """Plan the statements run inside without the planner's ways `names` (such as
    "enable_hashjoin"), on PostgreSQL; elsewhere, as usual."""
    return planned_with(**{name: "off" for name in names})


@contextmanager
def planned_with(**settings: str):
    """Plan the statements run inside under the planner's `settings` (such as
    enable_hashjoin="off"), on PostgreSQL; elsewhere, as usual. The settings are
    the session's, set and reset on the raw connection (not counted as the page's
    queries)."""
    if not _postgresql():
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    # What an enclosing planned_with set, restored on the way out rather than
    # reset: a block inside another that sets the same name would otherwise end
    # the outer one's setting early.
    active: dict[str, str] = getattr(raw, "claimtracker_planner", {})
    outer = {name: active.get(name) for name in settings}
    # One round trip each way: statements without parameters may share one.
    raw.execute("; ".join(f"SET {name} = {value}" for name, value in settings.items()))
    raw.claimtracker_planner = {**active, **settings}
    try:
        yield
    finally:
        raw.claimtracker_planner = active
        try:
            raw.execute(
                "; ".join(
                    f"RESET {name}" if value is None else f"SET {name} = {value}"
                    for name, value in outer.items()
                )
            )
        except Exception:  # psycopg's own errors: the raw connection
            # In a transaction that failed, its rollback undoes the settings;
            # otherwise the connection cannot be trusted: a new one next time.
            if not connection.in_atomic_block:
                connection.close()


def vector(kind: str):
    from django.contrib.postgres.search import SearchVector

    return SearchVector(*VECTORS[kind], config=CONFIG)


def text_query(query: Query):
    """Every word (stemmed) and every phrase, in order, as one tsquery."""
    from django.contrib.postgres.search import SearchQuery

    parts = [SearchQuery(w, search_type="plain", config=CONFIG) for w in query.words]
    parts += [
        SearchQuery(p, search_type="phrase", config=CONFIG) for p in query.phrases
    ]
    combined = parts[0]
    for part in parts[1:]:
        combined &= part
    return combined


def _matches(queryset: QuerySet, kind: str, query: Query, also: Q | None = None):
    """The rows of `queryset` the index of `kind` matches (or `also`, an indexed
    condition), CANDIDATES at most, in no order: a bitmap scan of the indexes."""
    matched = Q(search_vector=text_query(query))
    return (
        queryset.annotate(search_vector=vector(kind))
        .filter(matched | also if also is not None else matched)
        .order_by()
        .values("pk")[:CANDIDATES]
    )


def _found(candidates) -> list[int]:
    """The ids of `candidates` (_matches), read from the indexes alone."""
    with from_the_indexes():
        return list(candidates.values_list("pk", flat=True))


def _first_quotes(published: QuerySet, query: Query, also: Q | None) -> list[int]:
    """The ids of the quotes `query` matches (or `also`) among the first FIRST_QUOTES
    published figures, CANDIDATES at most, in id order: read in order of the
    primary key, the vector computed for each row read (PostgreSQL).

    A word in most quotes ("source said") is a bitmap of every figure when read
    from the index (1.2 million entries, 96 ms) before the first CANDIDATES are
    taken; the first rows hold them (1 ms), the same rows the index's read returns
    first on a table written in id order. When they hold fewer, the index is read
    (_matches): a rarer word's bitmap is small. At most FIRST_QUOTES rows are read
    here, whatever the words (2.6 ms)."""
    last = published.order_by("pk").values("pk")[FIRST_QUOTES - 1 : FIRST_QUOTES]
    matched = Q(search_vector=text_query(query))
    first = (
        published.filter(pk__lte=Coalesce(Subquery(last), Value(2**62)))
        .annotate(search_vector=vector("assertion"))
        .filter(matched | also if also is not None else matched)
        .order_by("pk")
        .values_list("pk", flat=True)[:CANDIDATES]
    )
    # In order of the key, bounded by it: never a bitmap of the search index.
    # Expecting a third of the table, the planner would also start two workers and
    # compile the filter (JIT: 170 ms): neither, for FIRST_QUOTES rows.
    with planned_with(
        enable_seqscan="off",
        enable_bitmapscan="off",
        max_parallel_workers_per_gather="0",
        jit="off",
    ):
        return list(first)


def _ranked(queryset: QuerySet, kind: str, query: Query, ids: list[int]) -> QuerySet:
    """The candidates (`ids`) ranked; the vector is computed for them alone. The
    candidates are read first, as ids: given a subquery, the planner may join the
    whole table before it applies the candidates' limit."""
    from django.contrib.postgres.search import SearchRank

    if not ids:
        return queryset.none()
    return (
        queryset.filter(pk__in=ids)
        .annotate(rank=SearchRank(vector(kind), text_query(query)))
        .order_by("-rank", "-pk")
    )


# SQLite: every term somewhere in the text, among the newest rows.


def _newest(model) -> Q:
    """The newest SQLITE_WINDOW rows of `model`, as a condition on its primary key
    (a subquery: no query of its own)."""
    oldest = model.objects.order_by("-pk").values("pk")[
        SQLITE_WINDOW - 1 : SQLITE_WINDOW
    ]
    return Q(pk__gte=Coalesce(Subquery(oldest), Value(0)))


def search(query: Query) -> Results:
    """Return what `query` finds, PER_KIND at most of each kind."""
    results = Results(query=query)
    if query.is_empty:
        return results
    # The candidates' rows joined by their keys: the planner would hash every
    # source (twice, for the relay) to join 200 quotes (15 ms, against 5).
    with planned_without("enable_hashjoin", "enable_mergejoin"):
        for name, queryset in _queries(query).items():
            if name == "quotes":
                results.quotes = group_quotes(queryset[:QUOTE_ROWS])
            elif name == "sources" and all(len(t) >= 3 for t in query.terms):
                # A trigram index finds terms of three characters or more; a
                # shorter one ("w1") would have it return every name.
                with from_the_name_indexes():
                    results.sources = list(queryset[:PER_KIND])
            else:
                setattr(results, name, list(queryset[:PER_KIND]))
    if not results.total:
        results.suggestions = suggest(query)
    return results


def _queries(query: Query) -> dict[str, QuerySet]:
    """The query set of each kind (also for the benchmark's query plans)."""
    published = Assertion.objects.published()
    has_figure = Exists(published.filter(document=OuterRef("pk")))
    quotes = published.with_related().prefetch_related("translations")
    claims = Claim.objects.visible().with_related()
    documents = Document.objects.filter(has_figure).select_related("publisher")
    if _postgresql():
        # Quotes found through a translation: usually none; ids, so that the quote
        # candidates are one bitmap scan of two indexes (an OR of subqueries is not).
        with from_the_indexes():
            translated = list(
                _matches(Translation.objects.all(), "translation", query).values_list(
                    "assertion_id", flat=True
                )
            )
        also = Q(pk__in=translated) if translated else None
        quote_ids = _first_quotes(published, query, also)
        if len(quote_ids) < CANDIDATES:
            quote_ids = _found(_matches(published, "assertion", query, also=also))
        found = {
            "claims": _ranked(
                claims,
                "claim",
                query,
                _found(_matches(Claim.objects.visible(), "claim", query)),
            ),
            "documents": _ranked(
                documents,
                "document",
                query,
                _found(_matches(Document.objects.all(), "document", query)),
            ),
            "quotes": _ranked(quotes, "assertion", query, quote_ids),
        }
    else:
        translated = Translation.objects.filter(
            _newest(Translation), _all_terms(query.terms, "text")
        ).values("assertion_id")
        found = {
            "claims": claims.filter(_all_terms(query.terms, "title", "scope")),
            "documents": documents.filter(
                _newest(Document), _all_terms(query.terms, "title", "authors")
            ).order_by("-published_on", "title"),
            "quotes": quotes.filter(
                Q(_newest(Assertion), _all_terms(query.terms, "quote", "figure"))
                | Q(pk__in=translated)
            ),
        }
    found["sources"] = _sources(query)
    return found


def _sources(query: Query) -> QuerySet:
    """Sources whose name, or one of whose other names, holds every term (any case,
    any part: the trigram indexes serve it), or whose slug is the term.

    On PostgreSQL the aliases' sources are an array (`id = ANY(ARRAY(…))`), which
    the primary key serves: each term is then one bitmap of three indexes (read
    from_the_name_indexes), where `id IN (…)` left the planner to read every
    source's name in order (6 to 10 ms at 12,000 sources, against 0.2)."""
    condition = Q()
    for term in query.terms:
        aliases = SourceAlias.objects.filter(name__icontains=term).values("source_id")
        if _postgresql():
            sql, params = aliases.query.sql_with_params()
            aliased = Q(
                RawSQL(
                    f'"sources_source"."id" = ANY(ARRAY({sql}))', params, BooleanField()
                )
            )
        else:
            aliased = Q(pk__in=aliases)
        condition &= Q(name__icontains=term) | aliased | Q(slug=term)
    return (
        Source.objects.current()
        .filter(condition)
        .prefetch_related("aliases")
        .order_by("name")
    )


def suggest(query: Query) -> list[str]:
    """Return the query with its misspelled words corrected from the words of
    quotes, then names close to its words: claim titles, sources, aliases."""
    corrected = _respelled(query)
    return [*corrected, *_close_names(query)][:SUGGESTIONS]


def _respelled(query: Query) -> list[str]:
    """Return the query with each word no quote uses replaced by the closest word
    that a quote uses, when there is one; nothing when no word changes. The words
    of every published quote are recorded (QuoteWord); one query reads those near
    the query's words."""
    words = (w for term in query.terms for w in sorted(spelling.words_of(term)))
    typed = list(dict.fromkeys(words))[:TYPED_WORDS]
    if not typed:
        return []
    near = _near_words(typed) if _postgresql() else _words_alike(typed)
    corrected = spelling.respelled(query.terms, near)
    return [corrected] if corrected else []


def _near_words(typed: list[str]) -> dict[str, set[str]]:
    """On PostgreSQL: the recorded words alike each typed word by trigrams, the
    NEAR_WORDS closest of each (migration 0028's function, through the GIN trigram
    index): a bounded read however many words and quotes there are."""
    found: dict[str, set[str]] = {word: set() for word in typed}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT typed, word FROM claims_quote_words_near(%s::text[], %s)",
            [typed, NEAR_WORDS],
        )
        for word, candidate in cursor.fetchall():
            found[word].add(candidate)
    return found


def _words_alike(typed: list[str]) -> dict[str, set[str]]:
    """On SQLite (no trigram index): the recorded words that begin with the same
    letter as a typed word and are at most two letters longer or shorter, read by
    ranges of the word index, SQLITE_WORDS at most in all. A typo in a word's
    first letter gets no suggestion there."""
    condition = Q()
    for word in typed:
        condition |= Q(
            word__gte=word[0],
            word__lt=chr(ord(word[0]) + 1),
            length__gte=len(word) - 2,
            length__lte=len(word) + 2,
        )
    recorded = set(
        QuoteWord.objects.annotate(length=Length("word"))
        .filter(condition)
        .values_list("word", flat=True)[:SQLITE_WORDS]
    )
    return {
        word: {w for w in recorded if w[0] == word[0] and abs(len(w) - len(word)) <= 2}
        for word in typed
    }


def _close_names(query: Query) -> list[str]:
    """Return names close to the query's words: claim titles, sources, aliases."""
    candidates = (" ".join(query.terms), *query.terms)
    if _postgresql():
        return _similar_names(candidates)
    names = list(Claim.objects.visible().values_list("title", flat=True)[:5000])
    names += list(Source.objects.current().values_list("name", flat=True)[:5000])
    names += list(SourceAlias.objects.values_list("name", flat=True)[:5000])
    lowered = {name.lower(): name for name in names}
    found: list[str] = []
    for candidate in candidates:
        for match in difflib.get_close_matches(
            candidate.lower(), lowered, n=SUGGESTIONS, cutoff=0.6
        ):
            if lowered[match] not in found:
                found.append(lowered[match])
    return found[:SUGGESTIONS]


def _similar_names(candidates) -> list[str]:
    """On PostgreSQL: names similar by trigrams (pg_trgm's `%`, from the indexes),
    one query per kind of name, the closest first among the first CANDIDATES the
    index finds, as each kind of the search ranks among its candidates: a text
    alike every name ("claim s1-42" and 48,000 claim titles) had the similarity of
    each computed (120 ms)."""
    # At most three, of 3 to 40 characters: a long text shares trigrams with every
    # name, and each candidate is one more index scan.
    candidates = list(
        dict.fromkeys(c.upper() for c in candidates if 3 <= len(c) <= 40)
    )[:3]
    if not candidates:
        return []
    found: list[str] = []
    closest = "GREATEST({}) DESC".format(
        ", ".join("similarity(UPPER(name::text), %s)" for _ in candidates)
    )
    for queryset, column in (
        (Source.objects.current(), "name"),
        (SourceAlias.objects.all(), "name"),
        (Claim.objects.visible(), "title"),
    ):
        expression = f'UPPER("{queryset.model._meta.db_table}"."{column}"::text)'
        close = Q()
        for candidate in candidates:
            close |= Q(RawSQL(f"{expression} %% %s", [candidate], BooleanField()))
        sql, params = (
            queryset.filter(close)
            .order_by()
            .values_list(column, flat=True)[:CANDIDATES]
            .query.sql_with_params()
        )
        with from_the_name_indexes(), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT name FROM ({sql}) AS matches (name) ORDER BY {closest} "
                "LIMIT %s",
                [*params, *candidates, SUGGESTIONS],
            )
            found += [name for (name,) in cursor.fetchall() if name not in found]
    return found[:SUGGESTIONS]
