"""Readers get claim pages from the cache, and never a stale one after an edit."""

import pytest
from django.urls import reverse

from claims.models import Assertion, Discrepancy
from claims.pipeline import services
from claims.review import services as review_services
from tests.factories import ClaimFactory, SourceFactory, stated

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

    assert "9,000" not in page(client, claim)


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
