"""Every page's query count, on the demo data and then at two more data sizes: an
N+1 anywhere fails here. Every address a reader or a client of the API can open is
listed (a 304's cost is in tests/claims/test_http_cache.py; the admin and the jobs
pages have theirs beside their other tests, as search has its harder queries).

The cache is cleared before each measured request, so the full render is counted."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Claim, Discrepancy
from claims.pipeline import services
from claims.review import services as review_services
from tests.factories import ClaimFactory, SourceFactory, stated
from tests.support.accounts import member

TROOPS = "north-korean-troops-in-russia"


def grow(size: int, source, busy) -> None:
    """Add `size` claims, each with figures from `source` and two other sources, and
    `size` figures of new sources to the `busy` claim."""
    for n in range(size):
        claim = ClaimFactory()
        stated(claim, "1,000", 2, source=source)
        stated(claim, "1,200", 3)
        stated(claim, "9,000", 4)
        stated(busy, f"{n + 1},500", n % 27 + 1, source=SourceFactory())


@pytest.fixture
def busy(seeded):
    """A claim in conflict (1,000 against 9,000), to which `grow` adds figures."""
    claim = ClaimFactory()
    stated(claim, "1,000", 2)
    stated(claim, "9,000", 3)
    return claim


def troops(ctx) -> str:
    return Claim.objects.get(slug=TROOPS).get_absolute_url()


PAGES = [
    # The fifth reads the figures of the claims shown, to name the stated ends; the
    # sixth the editors' judgements, to leave out what they found no conflict.
    ("home", lambda ctx: reverse("home"), 6),
    # The claims' rows are kept on them (Claim.list_row): their figures are not read.
    ("claim list", lambda ctx: reverse("claims:list") + "?sort=spread", 6),
    ("claim list, default order", lambda ctx: reverse("claims:list"), 6),
    # The evidence of the page's figures (translations, files) included. Its
    # figures are read as values for the comparison and the chart, its retracted
    # figures' keys, then as rows those the page shows, with a page of the
    # retracted (shown struck through).
    ("claim page", lambda ctx: ctx["busy"].get_absolute_url(), 7),
    ("claim page of the seed", troops, 9),
    (
        "claim page as of a date",
        lambda ctx: ctx["busy"].get_absolute_url() + "?as_of=2024-10-15",
        7,
    ),
    # Three of them the change stamp (sources_stamp: claims, sources, aliases).
    ("source list", lambda ctx: reverse("sources:list"), 7),
    # A page of the source's figures: their count, the page's ids, then its rows.
    ("source page", lambda ctx: ctx["source"].get_absolute_url(), 10),
    # The change stamp, the newest figures' keys, then their rows.
    ("feed", lambda ctx: reverse("feeds:all"), 3),
    ("API claims", lambda ctx: "/api/claims/", 3),
    # Two of them the evidence: translations, files.
    ("API assertions", lambda ctx: "/api/assertions/", 4),
    # Three of them the change stamp (sources_stamp).
    ("API sources", lambda ctx: "/api/sources/", 6),
    # Two of them the estimates' evidence.
    ("API claim", lambda ctx: f"/api/claims/{TROOPS}/", 6),
    ("download", lambda ctx: reverse("claims:list-export", args=["csv"]), 4),
    # Every other address a reader or a client of the API can open.
    ("chart", lambda ctx: reverse("claims:chart", args=[ctx["busy"].slug]), 3),
    ("claim feed", lambda ctx: reverse("feeds:claim", args=[ctx["busy"].slug]), 4),
    (
        "topic feed",
        lambda ctx: reverse("feeds:topic", args=[ctx["busy"].topic.slug]),
        5,
    ),
    (
        "claim download",
        lambda ctx: reverse("claims:export", args=[ctx["busy"].slug, "csv"]),
        5,
    ),
    (
        "claim download, JSON",
        lambda ctx: reverse("claims:export", args=[ctx["busy"].slug, "json"]),
        5,
    ),
    ("API source", lambda ctx: f"/api/sources/{ctx['source'].slug}/", 5),
    ("API assertion", lambda ctx: f"/api/assertions/{ctx['latest'].pk}/", 3),
    # None judged here: test_api_discrepancies_queries_do_not_grow judges them.
    ("API discrepancies", lambda ctx: "/api/discrepancies/", 2),
    # PostgreSQL's search sets its planner for the statements on the indexes.
    (
        "search",
        lambda ctx: reverse("search") + "?q=They+said",
        {"sqlite": 6, "postgresql": 9},
    ),
]


@pytest.mark.parametrize(("name", "url", "most"), PAGES, ids=[p[0] for p in PAGES])
def test_reader_page_queries_do_not_grow(
    client, busy, django_assert_max_num_queries, name, url, most
):
    source = SourceFactory()
    for size in (0, 2, 6):
        grow(size, source, busy)
        latest = busy.assertions.order_by("-pk").first()
        ctx = {"busy": busy, "source": source, "latest": latest}
        address = url(ctx)
        cache.clear()
        budget = most[connection.vendor] if isinstance(most, dict) else most
        with django_assert_max_num_queries(budget):
            response = client.get(address)
        assert response.status_code == 200


@pytest.mark.parametrize(
    ("name", "url", "most"),
    [
        ("review queue", lambda busy: reverse("review:queue"), 8),
        ("review page", lambda busy: busy_discrepancy(busy).get_absolute_url(), 14),
    ],
)
def test_review_page_queries_do_not_grow(
    editor_client, busy, django_assert_max_num_queries, name, url, most
):
    source = SourceFactory()
    for size in (0, 2, 6):
        grow(size, source, busy)
        address = url(busy)
        cache.clear()
        with django_assert_max_num_queries(most):
            assert editor_client.get(address).status_code == 200


def busy_discrepancy(claim):
    return Discrepancy.objects.live().get(claim=claim)


def test_review_queue_reads_what_it_shows_in_eight_queries(
    editor, editor_client, django_assert_max_num_queries
):
    """The queue loads only the columns it shows (QUEUE_FIELDS), and a page's
    figures in one query: every row's claim, topic, figures, sources and assignee
    come without a query of their own."""
    others = [member(f"editor{n}", "Editors") for n in range(3)]
    for n in range(6):
        claim = ClaimFactory(title=f"Conflicted claim {n}")
        stated(claim, "1,000", 2, source=SourceFactory(name=f"Low agency {n}"))
        stated(claim, "9,000", 3, source=SourceFactory(name=f"High agency {n}"))
        if n % 2:
            review_services.discrepancy_assign(
                discrepancy=busy_discrepancy(claim),
                assignee=others[n % 3],
                user=editor,
            )
    cache.clear()
    with django_assert_max_num_queries(8):
        page = editor_client.get(reverse("review:queue")).content.decode()
    for n in range(6):
        assert f"Conflicted claim {n}" in page
        assert f"Low agency {n}" in page and f"High agency {n}" in page
    assert all(other.username in page for other in others)
    assert page.count("“1,000”") == 6 and page.count("“9,000”") == 6


WHY = "the lower count is the better sourced."


def test_api_discrepancies_queries_do_not_grow(client, editor):
    """The API's judged discrepancies: each with both figures in full and their
    evidence, in seven queries for six as for one (they were 45 for one and 235
    for six, a figure's every column read one query at a time)."""
    counts = []
    for n in range(6):
        claim = ClaimFactory(title=f"Judged claim {n}")
        low = stated(claim, "1,000", 2, source=SourceFactory(name=f"Low office {n}"))
        stated(claim, "9,000", 3, source=SourceFactory(name=f"High office {n}"))
        review_services.discrepancy_judge(
            discrepancy=busy_discrepancy(claim),
            state="resolved",
            note=f"Judged {n}: {WHY}",
            favoured=low,
            user=editor,
        )
        if n in (0, 5):
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                answer = client.get("/api/discrepancies/")
            assert answer.status_code == 200
            counts.append(len(queries))
            rows = answer.json()["results"]
            assert len(rows) == n + 1
            notes = {row["note"] for row in rows}
            assert notes == {f"Judged {k}: {WHY}" for k in range(n + 1)}
            assert all(row["lower"]["quote"] == "They said 1,000." for row in rows)
    assert counts == [7, 7]


def test_api_claim_reads_set_aside_figures_evidence_in_fixed_queries(
    client, busy, django_assert_max_num_queries
):
    """The API's claim lists the figures the editors set aside with their evidence
    as it lists the estimates: two queries for all of them, not one each."""
    editor = member("eddie", "Editors")
    set_aside = 0
    for count in (2, 6):
        for n in range(count):
            figure = stated(busy, f"{n + 3},000", n % 27 + 1, source=SourceFactory())
            services.assertion_set_aside(
                assertion=figure, reason="Counts another region", user=editor
            )
            set_aside += 1
        cache.clear()
        with django_assert_max_num_queries(6):
            answer = client.get(f"/api/claims/{busy.slug}/")
        assert len(answer.json()["set_aside"]) == set_aside
