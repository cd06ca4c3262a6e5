"""Readers get claim pages from the cache, and never a stale one after an edit."""

import pytest
from django.urls import reverse

from claims.models import Assertion, Discrepancy
from claims.pipeline import services
from claims.review import services as review_services
from sources import services as source_services
from tests.factories import ClaimFactory, SourceAliasFactory, SourceFactory, stated

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim():
    claim = ClaimFactory()
    stated(claim, "1,000", 2, source=SourceFactory(name="Old Name Agency"))
    stated(claim, "9,000", 3)
    return claim


def page(client, claim, **params) -> str:
    return client.get(claim.get_absolute_url(), params).content.decode()


def test_a_second_visit_is_served_from_the_cache(
    client, claim, django_assert_max_num_queries
):
    first = page(client, claim)

    with django_assert_max_num_queries(1):  # the claim, for its last change
        second = page(client, claim)

    assert second == first


def test_a_new_figure_shows_at_once(client, claim):
    page(client, claim)

    stated(claim, "4,321", 9)

    assert "4,321" in page(client, claim)


def test_a_retraction_shows_at_once(client, claim):
    page(client, claim)
    retracted = Assertion.objects.get(figure="9,000")

    services.assertion_retract(assertion=retracted, reason="Misquoted")

    # Shown struck through with its reason (issue 24), no longer as a figure.
    shown = page(client, claim)
    assert "<del>9,000</del>" in shown and "Misquoted" in shown
    assert shown.count("9,000") == shown.count("<del>9,000</del>") + shown.count(
        "<del>They said 9,000.</del>"
    )


def test_an_editors_judgement_shows_at_once(client, claim, editor):
    assert "under review" in page(client, claim)

    review_services.discrepancy_judge(
        discrepancy=Discrepancy.objects.get(claim=claim),
        state="dismissed",
        note="Both count different things.",
        user=editor,
    )

    assert "Both count different things." in page(client, claim)


def test_renaming_a_source_in_the_admin_shows_at_once(client, claim, superuser_client):
    page(client, claim)
    source = Assertion.objects.get(figure="1,000").source
    form = {
        "name": "New Name Agency", "slug": source.slug, "kind": source.kind,
        "country": source.country, "reliability": "B",
        "aliases-TOTAL_FORMS": "0", "aliases-INITIAL_FORMS": "0",
    }  # fmt: skip

    response = superuser_client.post(
        reverse("admin:sources_source_change", args=[source.pk]), form
    )
    assert response.status_code == 302
    client.logout()

    assert "New Name Agency" in page(client, claim)


def test_each_as_of_date_and_scale_is_its_own_page(client, claim):
    assert "9,000" in page(client, claim)

    assert "9,000" not in page(client, claim, as_of="2024-10-02")
    assert "<strong>logarithmic</strong>" in page(client, claim, scale="log")


def test_logged_in_staff_get_a_fresh_page_with_their_navigation(client, claim, editor):
    page(client, claim)
    client.force_login(editor)

    assert reverse("review:queue") in page(client, claim)


def test_unknown_parameters_and_fake_cookies_share_the_cached_page(
    client, claim, django_assert_max_num_queries
):
    """Issue 28: every made-up parameter value was a new cache entry (100 requests
    added 37.6 MB to Redis), and a made-up session cookie skipped the cache."""
    from django.core.cache import cache
    from django.test import Client

    first = page(client, claim, scale="log")
    entries = len(cache._cache)

    for n in range(5):
        visitor = Client()
        visitor.cookies["sessionid"] = f"made-up-{n}"
        visitor.cookies["messages"] = "forged"
        with django_assert_max_num_queries(2):  # the claim's stamp, the session
            again = page(visitor, claim, scale=" log ", junk=f"x{n}", utm="y" * 500)
        assert again == first and "junk" not in again

    assert len(cache._cache) == entries


def test_the_first_visitors_made_up_parameters_are_not_in_the_cached_page(
    client, claim
):
    """The page's own address (og:url) is built from the query string: the first
    visitor's made-up parameters would have been kept in the page everyone then got."""
    first = page(client, claim, scale="log", utm_source="newsletter", ref="<b>x</b>")

    assert "utm_source" not in first and "newsletter" not in first
    assert "scale=log" in first  # a parameter the page reads stays in its address


def test_the_scheme_comes_from_a_trusted_proxy_only(client, claim, settings):
    """Issue 28: `X-Forwarded-Proto: https` from anyone primed https links in the
    page served to http readers. With no trusted proxy (the default) it is
    ignored; behind one, http and https pages are cached apart."""
    from django.test import RequestFactory

    from claims.http_cache import address_hash

    forged = RequestFactory().get("/", headers={"x-forwarded-proto": "https"})
    plain = RequestFactory().get("/")
    assert settings.SECURE_PROXY_SSL_HEADER is None
    assert forged.scheme == "http"
    assert address_hash(forged) == address_hash(plain)

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert address_hash(forged) != address_hash(plain)
    secure = client.get(
        claim.get_absolute_url(), headers={"x-forwarded-proto": "https"}
    )
    assert "https://testserver" in secure.content.decode()
    assert "https://testserver" not in page(client, claim)


def test_a_source_page_shows_its_aliases_parent_and_parts_at_once(client, claim):
    """A source with no figures moves no claim's stamp: its page is kept under its
    own edits, those of its aliases, its parent and its parts (any it ever had)."""
    parent = SourceFactory(name="Ministry of Defence")
    part = SourceFactory(name="Press service of the Southern group")

    def shows(source, text):
        response = client.get(source.get_absolute_url())
        assert response.status_code == 200
        return text in response.content.decode()

    assert not shows(parent, "Press service") and not shows(part, "Part of")
    SourceAliasFactory(source=part, name="Southern press")
    assert shows(part, "Southern press")
    part.parent = parent
    source_services.source_save(source=part, reason="Part of the ministry.")
    assert shows(parent, "Press service") and shows(part, "Ministry of Defence")
    parent.name = "Ministry of Defence of Ukraine"
    source_services.source_save(source=parent, reason="Its full name.")
    assert shows(part, "Ministry of Defence of Ukraine")
    part.parent = None
    source_services.source_save(source=part, reason="Independent now.")
    assert not shows(parent, "Press service")


def test_an_alias_moved_to_another_source_leaves_both_pages_at_once(client, claim):
    """An alias given to another source moves off the first source's page and onto
    the second's, neither kept from before the move."""
    ministry = SourceFactory(name="Ministry of Defence")
    staff = SourceFactory(name="General Staff")
    alias = SourceAliasFactory(source=ministry, name="MoD press office")

    def shows(source, text):
        response = client.get(source.get_absolute_url())
        assert response.status_code == 200
        return text in response.content.decode()

    assert shows(ministry, "MoD press office") and not shows(staff, "MoD press")
    alias.source = staff
    source_services.alias_save(alias=alias)

    assert not shows(ministry, "MoD press office")
    assert shows(staff, "MoD press office")
