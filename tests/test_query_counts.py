"""Every page's query count, at two data sizes: an N+1 anywhere fails here.

The cache is cleared before each measured request, so the full render is counted."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from claims.models import Discrepancy
from tests.factories import ClaimFactory, SourceFactory, stated

pytestmark = pytest.mark.django_db


def grow(size: int, source) -> None:
    """Add `size` claims, each with figures from `source` and two other sources."""
    for _ in range(size):
        claim = ClaimFactory()
        stated(claim, "1,000", 2, source=source)
        stated(claim, "1,200", 3)
        stated(claim, "9,000", 4)


PAGES = [
    ("home", lambda ctx: reverse("home"), 6),
    ("claim list", lambda ctx: reverse("claims:list") + "?sort=spread", 7),
    # The sixth reads its retracted figures, shown struck through.
    ("claim page", lambda ctx: ctx["claim"].get_absolute_url(), 6),
    ("source list", lambda ctx: reverse("sources:list"), 6),
    ("source page", lambda ctx: ctx["source"].get_absolute_url(), 7),
    ("feed", lambda ctx: reverse("feeds:all"), 3),
    ("API claims", lambda ctx: "/api/claims/", 4),
    ("API assertions", lambda ctx: "/api/assertions/", 3),
    ("API sources", lambda ctx: "/api/sources/", 5),
    ("download", lambda ctx: reverse("claims:list-export", args=["csv"]), 4),
]


@pytest.mark.parametrize(("name", "url", "most"), PAGES, ids=[p[0] for p in PAGES])
def test_reader_page_queries_do_not_grow(
    client, django_assert_max_num_queries, name, url, most
):
    source = SourceFactory()
    for size in (2, 12):
        grow(size, source)
        ctx = {"claim": source.assertions.first().claim, "source": source}
        cache.clear()
        with django_assert_max_num_queries(most):
            response = client.get(url(ctx))
        assert response.status_code == 200


@pytest.mark.parametrize(
    ("name", "url", "most"),
    [
        ("review queue", lambda: reverse("review:queue"), 12),
        ("review page", lambda: Discrepancy.objects.first().get_absolute_url(), 14),
    ],
)
def test_review_page_queries_do_not_grow(
    editor_client, django_assert_max_num_queries, name, url, most
):
    source = SourceFactory()
    for size in (2, 12):
        grow(size, source)
        with django_assert_max_num_queries(most):
            assert editor_client.get(url()).status_code == 200
