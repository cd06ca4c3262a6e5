"""Headers every response carries, and the throttling of failed logins."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def policy_of(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def test_pages_allow_scripts_styles_and_images_from_this_site_alone(client, seeded):
    response = client.get(reverse("claims:list"))

    policy = policy_of(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]


def test_pages_send_a_same_origin_referrer_policy_and_refuse_framing(client, seeded):
    response = client.get(reverse("home"))

    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def log_in(client, username, password):
    return client.post(
        reverse("admin:login"), {"username": username, "password": password}
    )


def test_five_failed_logins_lock_the_account_from_that_address(client, researcher):
    for _ in range(4):
        assert log_in(client, "rita", "guess").status_code == 200
    assert log_in(client, "rita", "guess").status_code == 429

    response = log_in(client, "rita", PASSWORD)

    assert response.status_code == 429
    assert "Too many failed logins" in response.text
    assert "15 minutes" in response.text
    assert client.get(reverse("admin:index")).status_code == 302


def test_failures_below_the_limit_do_not_lock_and_a_success_clears_them(
    client, researcher
):
    for _ in range(4):
        log_in(client, "rita", "guess")
    assert log_in(client, "rita", PASSWORD).status_code == 302
    client.logout()

    for _ in range(4):
        log_in(client, "rita", "guess")

    assert log_in(client, "rita", PASSWORD).status_code == 302


def test_a_locked_account_does_not_lock_out_other_people(client, researcher):
    UserFactory(username="eddie", is_staff=True)
    for _ in range(5):
        log_in(client, "rita", "guess")

    assert log_in(client, "eddie", PASSWORD).status_code == 302


def test_axes_reset_lifts_a_lockout(client, researcher):
    for _ in range(5):
        log_in(client, "rita", "guess")

    call_command("axes_reset", verbosity=0)

    assert log_in(client, "rita", PASSWORD).status_code == 302


def test_static_files_carry_the_content_security_policy(settings):
    headers = {}

    settings.WHITENOISE_ADD_HEADERS_FUNCTION(headers, "site.css", "/static/site.css")

    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "object-src 'none'" in headers["Content-Security-Policy"]


def test_a_static_file_served_by_whitenoise_carries_the_policy(client):
    response = client.get("/static/favicon.svg")

    assert response.status_code == 200
    assert "default-src 'self'" in response["Content-Security-Policy"]
