"""HTTP caching a CDN can use: validators from the change stamp, 304s without
rendering, public answers for anonymous readers, private ones for staff, gzip."""

import gzip

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from claims.http_cache import claim_stamp, page_cache_key
from claims.models import Claim
from claims.pipeline import services
from sources.models import Source
from tests.factories import SourceFactory, stated

pytestmark = pytest.mark.django_db

TROOPS = "north-korean-troops-in-russia"


def troops():
    return Claim.objects.get(slug=TROOPS)


def reader_urls():
    """Every kind of response an anonymous reader gets, from the seed data."""
    source = Source.objects.filter(assertions__isnull=False).first()
    topic = troops().topic
    return [
        reverse("home"),
        reverse("claims:list"),
        reverse("claims:list") + "?q=troops",
        reverse("claims:detail", args=[TROOPS]),
        reverse("claims:chart", args=[TROOPS]),
        reverse("sources:list"),
        reverse("sources:detail", args=[source.slug]),
        reverse("feeds:all"),
        reverse("feeds:claim", args=[TROOPS]),
        reverse("feeds:topic", args=[topic.slug]),
        reverse("claims:export", args=[TROOPS, "csv"]),
        reverse("claims:export", args=[TROOPS, "json"]),
        reverse("claims:list-export", args=["csv"]),
        "/api/claims/",
        f"/api/claims/{TROOPS}/",
        "/api/assertions/",
        "/api/sources/",
        "/api/discrepancies/",
    ]


def vary(response) -> list[str]:
    return [v.strip().lower() for v in response.get("Vary", "").split(",")]


def test_anonymous_answers_do_not_vary_on_cookie_and_are_public(client, seeded):
    for url in reader_urls():
        response = client.get(url)

        assert response.status_code == 200, url
        assert "cookie" not in vary(response), url
        assert response["Cache-Control"] == (
            "public, max-age=60, stale-while-revalidate=300"
        ), url
        assert response["ETag"].startswith('W/"'), url
        assert "Last-Modified" in response, url


def test_cache_lifetimes_are_settings(client, seeded, settings):
    settings.CLAIMTRACKER_HTTP_MAX_AGE = 5
    settings.CLAIMTRACKER_HTTP_STALE_WHILE_REVALIDATE = 30

    response = client.get(reverse("home"))

    assert response["Cache-Control"] == "public, max-age=5, stale-while-revalidate=30"


def test_signed_in_staff_get_a_private_page_with_their_links(seeded, superuser_client):
    response = superuser_client.get(reverse("claims:detail", args=[TROOPS]))

    assert response["Cache-Control"] == "private, no-cache"
    assert "cookie" in vary(response)
    assert reverse("review:queue") in response.content.decode()
    assert reverse("admin:index") in response.content.decode()


def test_anonymous_pages_show_no_staff_links(client, seeded):
    page = client.get(reverse("claims:detail", args=[TROOPS])).content.decode()

    assert reverse("review:queue") not in page
    assert reverse("admin:index") not in page


def test_signed_in_staff_see_their_messages(seeded, superuser_client):
    source = Source.objects.get(slug=troops().assertions.first().source.slug)
    form = {
        "name": source.name, "slug": source.slug, "kind": source.kind,
        "country": source.country, "reliability": "B", "notes": "Checked.",
        "aliases-TOTAL_FORMS": "0", "aliases-INITIAL_FORMS": "0",
    }  # fmt: skip
    saved = superuser_client.post(
        reverse("admin:sources_source_change", args=[source.pk]), form
    )
    assert saved.status_code == 302

    page = superuser_client.get(reverse("home")).content.decode()

    assert "was changed successfully" in page


@pytest.mark.parametrize("index", range(18))
def test_a_matching_if_none_match_gets_304(client, seeded, index):
    url = reader_urls()[index]
    first = client.get(url)

    again = client.get(url, headers={"if-none-match": first["ETag"]})

    assert again.status_code == 304, url
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"].startswith("public")


def test_a_matching_if_modified_since_gets_304(client, seeded):
    url = reverse("claims:detail", args=[TROOPS])
    first = client.get(url)

    again = client.get(url, headers={"if-modified-since": first["Last-Modified"]})

    assert again.status_code == 304


def test_each_query_string_has_its_own_etag(client, seeded):
    url = reverse("claims:detail", args=[TROOPS])

    assert client.get(url)["ETag"] != client.get(url, {"scale": "log"})["ETag"]


def test_a_new_figure_makes_the_next_conditional_get_answer_200(client, seeded):
    url = reverse("claims:detail", args=[TROOPS])
    first = client.get(url)

    stated(troops(), "54,321", 30)
    again = client.get(
        url,
        headers={
            "if-none-match": first["ETag"],
            "if-modified-since": first["Last-Modified"],
        },
    )

    assert again.status_code == 200
    assert "54,321" in again.content.decode()
    assert again["ETag"] != first["ETag"]


@pytest.mark.parametrize(
    "url",
    [reverse("feeds:all"), reverse("claims:list"), "/api/assertions/"],
)
def test_a_new_figure_refreshes_lists_feeds_and_the_api(client, seeded, url):
    first = client.get(url)

    stated(troops(), "54,321", 30)
    again = client.get(url, headers={"if-none-match": first["ETag"]})

    assert again.status_code == 200
    assert "54,321" in again.content.decode()


@pytest.mark.parametrize(
    ("name", "args", "queries"),
    [
        ("claims:detail", [TROOPS], 1),  # the claim's stamp
        ("home", [], 1),  # the site's stamp
        ("claims:list", [], 1),
        ("feeds:all", [], 1),
        # The site's stamp, the sources' and the aliases' last edits.
        ("sources:list", [], 3),
    ],
)
def test_a_304_costs_a_query_or_two(
    client, seeded, django_assert_max_num_queries, name, args, queries
):
    url = reverse(name, args=args)
    tag = client.get(url)["ETag"]

    with django_assert_max_num_queries(queries):
        assert client.get(url, headers={"if-none-match": tag}).status_code == 304


@pytest.mark.parametrize(
    "url",
    [
        reverse("claims:list"),
        "/api/assertions/",
        reverse("feeds:all"),
    ],
)
def test_gzip_is_offered_and_decompresses_to_the_page(client, seeded, url):
    plain = client.get(url).content

    packed = client.get(url, headers={"accept-encoding": "gzip"})

    assert packed["Content-Encoding"] == "gzip"
    assert "accept-encoding" in vary(packed)
    assert gzip.decompress(packed.content) == plain


def test_downloads_are_gzipped_as_they_stream(client, seeded):
    url = reverse("claims:export", args=[TROOPS, "csv"])
    plain = b"".join(client.get(url).streaming_content)

    packed = client.get(url, headers={"accept-encoding": "gzip"})

    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(b"".join(packed.streaming_content)) == plain


def test_the_claim_page_gzipped_is_the_page(client, seeded):
    url = reverse("claims:detail", args=[TROOPS])
    plain = client.get(url).content

    packed = client.get(url, headers={"accept-encoding": "gzip"})

    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain


def test_a_new_source_shows_on_the_cached_source_list_at_once(client, seeded):
    first = client.get(reverse("sources:list"))

    SourceFactory(name="Brand New Agency")
    again = client.get(
        reverse("sources:list"), headers={"if-none-match": first["ETag"]}
    )

    assert again.status_code == 200
    assert "Brand New Agency" in again.content.decode()


def test_a_cached_chart_is_still_an_svg_download(client, seeded):
    url = reverse("claims:chart", args=[TROOPS])
    client.get(url)

    cached = client.get(url)

    assert cached["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert cached["Content-Disposition"].startswith("attachment;")


@pytest.mark.django_db
def test_the_stamps_read_as_the_orm_reads_them():
    """The stamps are compiled to SQL once and run with each request's slug
    (http_cache.Prepared): they answer what the querysets they stand for answer, as
    aware moments, on both engines, for every kind of claim a reader may ask for."""
    from django.db.models import Max

    from claims.http_cache import claim_stamp, site_stamp
    from tests.factories import AssertionFactory, ClaimFactory

    assert site_stamp().key == "site:empty"
    shown = AssertionFactory().claim
    empty = ClaimFactory(slug="no-figures-yet")
    shown.refresh_from_db()
    empty.refresh_from_db()

    newest = Claim.objects.aggregate(newest=Max("updated_at"))["newest"]
    assert site_stamp().changed_at == newest
    assert site_stamp().changed_at.utcoffset() is not None
    assert claim_stamp(shown.slug).changed_at == shown.updated_at
    assert claim_stamp(empty.slug) is None  # no figure: no page
    duplicate = AssertionFactory(source=SourceFactory(name="Pentagon")).claim
    services.claim_merge(claim=duplicate, into=shown, reason="The same count")
    assert claim_stamp(duplicate.slug) is None  # merged: its address redirects
    assert claim_stamp("no-such-claim") is None
    assert claim_stamp("'; DROP TABLE claims_claim; --") is None
    assert claim_stamp(shown.slug.upper()) is None  # addresses are exact


def test_a_cached_page_is_compressed_once_and_served_as_kept(client, seeded):
    """The cache keeps a reader page gzipped: browsers get that copy (the same
    bytes each time, where compressing each answer pads it anew), and a client
    that does not accept gzip gets the page unpacked; both vary by
    Accept-Encoding, so a shared cache in front keeps them apart."""
    url = reverse("claims:detail", args=[TROOPS])
    plain = client.get(url).content  # rendered and kept

    first = client.get(url, headers={"accept-encoding": "gzip, deflate, br"})
    second = client.get(url, headers={"accept-encoding": "gzip"})
    again = client.get(url)

    assert first["Content-Encoding"] == second["Content-Encoding"] == "gzip"
    assert first.content == second.content
    assert gzip.decompress(first.content) == plain
    assert again.content == plain and not again.has_header("Content-Encoding")
    for answer in (first, again):
        assert "accept-encoding" in vary(answer)
        assert answer["ETag"] == first["ETag"]


def test_a_page_kept_before_pages_were_gzipped_is_not_served(client, seeded):
    """After an upgrade the cache still holds pages kept unpacked, for a day: they
    are under other keys, so no reader gets HTML marked as gzip."""
    url = reverse("claims:detail", args=[TROOPS])
    request = RequestFactory().get(url)
    stamp = claim_stamp(TROOPS)
    cache.set(
        page_cache_key("reader-page", stamp.key, request),
        (b"<p>kept before</p>", {"Content-Type": "text/html; charset=utf-8"}),
    )

    answer = client.get(url, headers={"accept-encoding": "gzip"})

    assert b"kept before" not in gzip.decompress(answer.content)
