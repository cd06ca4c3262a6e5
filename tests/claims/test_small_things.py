"""Small things people notice (issue 25): one way to write dates, numbers as people
write them, no doubled summary, the unit after each figure, a confirmed password, a
read-only history for those who may not edit, the API linked from every page."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from claims.models import Assertion
from claims.pipeline import services
from tests.factories import AssertionFactory, ClaimFactory, DocumentFactory, stated

pytestmark = pytest.mark.django_db


def test_a_claim_page_counts_revisions_in_plain_words(client):
    claim = ClaimFactory()
    first = stated(claim, "1,500", 18)
    stated(claim, "3,000", 23, source=first.source)
    again = stated(claim, "2,000", 20)
    stated(claim, "2,500", 25, source=again.source)

    page = client.get(claim.get_absolute_url()).content.decode()

    assert "4 figures, 2 of them sources revising their own figures." in page


def test_messages_write_a_day_without_a_leading_zero():
    document = DocumentFactory(published_on=datetime.date(2024, 11, 5), text="")
    assertion = Assertion(
        claim=ClaimFactory(),
        source=AssertionFactory().source,
        stated_on=datetime.date(2024, 11, 9),
        figure="3,000",
        quote="They said 3,000.",
        document=document,
    )

    with pytest.raises(Exception) as refused:
        services.assertion_save(assertion=assertion)

    assert "published on 5 Nov 2024," in str(refused.value)
    assert "(5 Nov 2024)" in str(document)


def test_staff_see_one_date_and_time_format():
    moment = timezone.make_aware(datetime.datetime(2026, 12, 1, 21, 22, 50))

    shown = Template("{{ moment }}").render(Context({"moment": moment}))

    assert shown == "1 Dec 2026, 21:22 UTC"


def test_the_history_list_shows_no_none_and_bounds_as_written(researcher_client):
    assertion = AssertionFactory(figure="500")
    assertion.figure, assertion.quote = "600", "They said 600."
    services.assertion_save(assertion=assertion)
    url = reverse("admin:claims_assertion_history", args=[assertion.pk])

    page = researcher_client.get(url).content.decode()

    changes = " ".join(page.split())
    assert "500 &nbsp;&rarr;&nbsp;&nbsp;600" in changes
    assert "500.0000" not in page
    assert ">None<" not in page.replace(" ", "").replace("\n", "")


def test_the_assertion_form_shows_bounds_as_written(researcher_client):
    assertion = AssertionFactory(figure="500")

    page = researcher_client.get(
        reverse("admin:claims_assertion_change", args=[assertion.pk])
    ).content.decode()

    assert assertion.low == Decimal("500")
    assert "500.0000" not in page


def test_the_home_page_gives_each_figure_its_unit(client):
    claim = ClaimFactory(unit="years of service")
    stated(claim, "8 to 10", 20)

    page = client.get("/").content.decode()

    assert '<strong>8 to 10</strong> <span class="small">years of service</span>' in (
        page
    )


def test_create_account_asks_for_the_password_twice(monkeypatch):
    monkeypatch.delenv("DJANGO_ACCOUNT_PASSWORD", raising=False)
    terminal = io.StringIO("")
    terminal.isatty = lambda: True
    monkeypatch.setattr("sys.stdin", terminal)
    answers = iter(["a long passphrase for rita", "a long passphrase for ritA"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))

    with pytest.raises(CommandError, match="two passwords differ"):
        call_command("create_account", "rita", "--role", "researcher")

    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="rita").exists()


def test_a_view_only_editor_sees_a_past_version_as_text(editor_client):
    assertion = AssertionFactory(figure="3,000")
    record = assertion.history.first()
    url = reverse(
        "admin:claims_assertion_simple_history", args=[assertion.pk, record.pk]
    )

    page = editor_client.get(url).content.decode()

    assert 'name="figure"' not in page
    assert "3,000" in page


def test_every_public_page_links_to_the_api_and_its_docs(client):
    page = client.get("/").content.decode()

    assert f'href="{reverse("api:api-root")}"' in page
    assert f'href="{reverse("api:docs")}"' in page


def test_a_claim_under_review_says_so_once(client):
    claim = ClaimFactory()
    stated(claim, "1,500", 18)
    stated(claim, "10,000", 20)

    page = client.get(claim.get_absolute_url()).content.decode()
    summary = page[page.index('class="summary"') : page.index("How we compare")]

    assert "Discrepancy under review" in summary
    assert summary.lower().count("under review") == 1
    assert "The editors are looking into it." in summary
