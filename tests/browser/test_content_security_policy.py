"""Every kind of page works under the Content Security Policy: Chromium reports a
violation as a console error, so a page that needs inline script or style, or a file
from elsewhere, fails here."""

import pytest
from django.urls import reverse

from claims.models import Assertion, Claim, Discrepancy
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "correct horse battery staple"


@pytest.fixture
def pages(seeded_server):
    """Each kind of page, as paths: reader pages, review, admin, API and its docs."""
    UserFactory(username="root", is_staff=True, is_superuser=True)
    claim = Claim.objects.get(slug="north-korean-troops-in-russia")
    return [
        reverse("home"),
        reverse("claims:list"),
        claim.get_absolute_url(),
        reverse("sources:list"),
        Assertion.objects.first().source.get_absolute_url(),
        reverse("review:queue"),
        Discrepancy.objects.live().first().get_absolute_url(),
        reverse("admin:index"),
        reverse("admin:claims_assertion_changelist"),
        reverse("admin:claims_assertion_change", args=[Assertion.objects.first().pk]),
        reverse("admin:claims_claim_change", args=[claim.pk]),
        reverse("admin:claims_assertion_import"),
        reverse("api:claim-list"),
        reverse("api:docs"),
    ]


def test_every_kind_of_page_runs_under_the_policy_without_violations(
    seeded_server, pages, open_page
):
    page = open_page(seeded_server.url + reverse("admin:login"))
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    for path in pages:
        response = page.goto(seeded_server.url + path)
        page.wait_for_load_state("networkidle")
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert page.console_errors == [], path


def test_api_docs_render_from_this_site_alone(seeded_server, open_page):
    page = open_page(seeded_server.url + reverse("api:docs"))

    page.wait_for_selector(".swagger-ui .info .title")

    assert "Claimtracker API" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".opblock-tag").count() >= 4
    assert page.console_errors == []
