"""An editor sets a figure aside for its whole claim, or counts it again, from the
figure's page in the review area (issue 24), outside any judgement: editors only,
CSRF-protected, without JavaScript, with history, the claim derived again."""

import pytest
from django.test import Client
from django.urls import reverse

from claims.models import Assertion, Claim, Discrepancy
from claims.pipeline import services
from tests.factories import SCRIPT, ClaimFactory, SourceFactory, stated
from tests.support.accounts import admin_form

pytestmark = pytest.mark.django_db

SCOPE = "The blogger counts one district only; the claim is the whole region."


@pytest.fixture
def flood():
    """Evacuees of a regional flood: three sources near 40,000, a blogger's 900."""
    claim = ClaimFactory(title="People evacuated from the Oder flood", unit="people")
    figures = {
        "Mayor": stated(claim, "at least 40,000", 2, SourceFactory(name="Mayor")),
        "Red Cross": stated(
            claim, "between 38,000 and 46,000", 3, SourceFactory(name="Red Cross")
        ),
        "Governor": stated(claim, "about 42,000", 4, SourceFactory(name="Governor")),
        "Blogger": stated(claim, "no more than 900", 5, SourceFactory(name="Blogger")),
    }
    return claim, figures


def page(figure) -> str:
    return reverse("review:figure", args=[figure.pk])


def set_aside(client, figure, reason=SCOPE):
    return client.post(
        page(figure), {"action": "set_aside", "set_aside_reason": reason}
    )


def test_the_outlier_is_in_conflict_before_it_is_set_aside(flood):
    claim, figures = flood

    pending = Discrepancy.objects.pending().get(claim=claim)

    assert figures["Blogger"].pk in (
        pending.assertion_low_id,
        pending.assertion_high_id,
    )


def test_an_editor_sets_a_figure_aside_and_the_claim_is_derived_again(
    flood, editor_client, editor
):
    claim, figures = flood

    response = set_aside(editor_client, figures["Blogger"])

    assert response.status_code == 302
    assert response["Location"] == page(figures["Blogger"])
    blogger = Assertion.objects.get(pk=figures["Blogger"].pk)
    assert (blogger.set_aside_reason, blogger.set_aside_by) == (SCOPE, editor)
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.spread_ratio is None  # 40,000 to 46,000 all overlap
    # The estimates run from 40,000 (the Mayor's bound) to 46,200 (the Governor's
    # "about 42,000"): the blogger's 900 is no longer their low end.
    assert (claim.current_low, claim.current_high) == (40_000, 46_200)
    assert not Discrepancy.objects.pending().filter(claim=claim).exists()
    shown = editor_client.get(page(figures["Blogger"])).content.decode()
    assert "is set aside for the claim" in shown
    assert "Count it again" in shown


def test_the_claim_page_lists_the_set_aside_figure_with_the_reason(
    flood, editor_client
):
    claim, figures = flood
    set_aside(editor_client, figures["Blogger"])

    text = Client().get(claim.get_absolute_url()).content.decode()

    assert "is set aside by the editors for this claim" in text
    assert "The blogger counts one district only" in text
    assert "no more than 900" in text


def test_counting_it_again_restores_the_conflict_and_keeps_both_steps(
    flood, editor_client, editor
):
    claim, figures = flood
    set_aside(editor_client, figures["Blogger"])

    response = editor_client.post(
        page(figures["Blogger"]),
        {"action": "restore", "reason": "The blogger now covers the region."},
    )

    assert response.status_code == 302
    blogger = Assertion.objects.get(pk=figures["Blogger"].pk)
    assert blogger.set_aside_at is None and blogger.set_aside_reason == ""
    assert Discrepancy.objects.pending().filter(claim=claim).exists()
    steps = list(
        blogger.history.order_by("history_date", "history_id").values_list(
            "history_change_reason", "history_user__username"
        )
    )
    assert steps[-2:] == [
        (f"Set aside: {SCOPE}"[:100], editor.username),
        ("Counted again: The blogger now covers the region.", editor.username),
    ]
    record = editor_client.get(page(figures["Blogger"])).content.decode()
    assert "Counted again: The blogger now covers the region." in record
    assert "Set aside: The blogger counts one district only" in record


@pytest.mark.parametrize("who", ["researcher_client", "client"])
def test_only_editors_may_set_aside_or_restore(flood, who, request):
    _, figures = flood
    client = request.getfixturevalue(who)

    refused = [
        set_aside(client, figures["Blogger"]),
        client.get(page(figures["Blogger"])),
    ]

    expected = 403 if who == "researcher_client" else 302
    assert [r.status_code for r in refused] == [expected, expected]
    assert Assertion.objects.get(pk=figures["Blogger"].pk).set_aside_at is None


def test_a_researcher_cannot_restore_a_figure_an_editor_set_aside(
    flood, editor, researcher_client
):
    _, figures = flood
    services.assertion_set_aside(
        assertion=figures["Blogger"], reason=SCOPE, user=editor
    )

    response = researcher_client.post(page(figures["Blogger"]), {"action": "restore"})

    assert response.status_code == 403
    assert Assertion.objects.get(pk=figures["Blogger"].pk).set_aside_reason == SCOPE


def test_the_form_needs_the_csrf_token(flood, editor):
    _, figures = flood
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)

    response = set_aside(client, figures["Blogger"])

    assert response.status_code == 403
    assert Assertion.objects.get(pk=figures["Blogger"].pk).set_aside_at is None


def test_the_page_works_without_javascript(flood, editor_client):
    _, figures = flood

    html = editor_client.get(page(figures["Blogger"])).content.decode()

    start = html.index('<form method="post" action="/review/')
    form = html[start : html.index("</form>", start)]
    assert f'action="{page(figures["Blogger"])}"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert 'name="action" value="set_aside"' in form
    assert 'type="submit"' in form


def test_an_empty_reason_is_refused_naming_the_field(flood, editor_client):
    _, figures = flood

    response = set_aside(editor_client, figures["Blogger"], reason="   ")

    assert response.status_code == 400
    assert "Why this figure does not count for the claim" in response.content.decode()
    assert "This field is required." in response.content.decode()
    assert Assertion.objects.get(pk=figures["Blogger"].pk).set_aside_at is None


def test_a_stale_page_cannot_set_aside_twice(flood, editor_client, editor):
    _, figures = flood
    services.assertion_set_aside(
        assertion=figures["Blogger"], reason=SCOPE, user=editor
    )

    response = set_aside(editor_client, figures["Blogger"], reason="Another reason.")

    assert response.status_code == 400
    assert "is already set aside" in response.content.decode()
    assert Assertion.objects.get(pk=figures["Blogger"].pk).set_aside_reason == SCOPE


def test_a_stale_page_cannot_restore_a_figure_that_counts(flood, editor_client):
    _, figures = flood

    response = editor_client.post(page(figures["Blogger"]), {"action": "restore"})

    assert response.status_code == 400
    assert "“no more than 900” is not set aside." in response.content.decode()


def test_a_retracted_figure_is_not_set_aside(flood, editor_client, researcher):
    _, figures = flood
    services.assertion_retract(
        assertion=figures["Blogger"], reason="Deleted by its author.", user=researcher
    )

    shown = editor_client.get(page(figures["Blogger"])).content.decode()
    response = set_aside(editor_client, figures["Blogger"])

    assert "Retracted" in shown and 'value="set_aside"' not in shown
    assert response.status_code == 400
    assert "is retracted: only a published figure is set aside" in (
        response.content.decode()
    )


def test_a_hostile_reason_is_shown_as_text(flood, editor_client):
    claim, figures = flood

    set_aside(editor_client, figures["Blogger"], reason=f"Scope. {SCRIPT}")

    for url in (claim.get_absolute_url(), page(figures["Blogger"])):
        html = editor_client.get(url).content.decode()
        assert SCRIPT not in html and "&lt;script&gt;" in html


def test_the_discrepancy_page_links_each_figure_to_its_page(flood, editor_client):
    claim, figures = flood
    pending = Discrepancy.objects.pending().get(claim=claim)

    html = editor_client.get(pending.get_absolute_url()).content.decode()

    assert f'href="{page(figures["Blogger"])}"' in html
    assert "Set this figure aside for the whole claim" in html


def test_the_figure_page_reads_in_a_few_queries(
    flood, editor_client, editor, django_assert_max_num_queries
):
    _, figures = flood
    for name in ("Blogger", "Mayor"):
        services.assertion_set_aside(assertion=figures[name], reason=SCOPE, user=editor)
        services.assertion_restore(assertion=figures[name], user=editor)
    services.assertion_set_aside(
        assertion=figures["Blogger"], reason=SCOPE, user=editor
    )

    with django_assert_max_num_queries(14):
        response = editor_client.get(page(figures["Blogger"]))

    assert response.status_code == 200


def test_reverting_a_figure_in_the_admin_keeps_the_editors_set_aside(
    flood, editor, researcher_client
):
    _, figures = flood
    blogger = figures["Blogger"]
    before = blogger.history.earliest("history_date")
    services.assertion_set_aside(assertion=blogger, reason=SCOPE, user=editor)
    url = reverse(
        "admin:claims_assertion_simple_history", args=[blogger.pk, before.history_id]
    )

    response = researcher_client.post(url, admin_form(researcher_client.get(url)))

    assert response.status_code == 302
    assert Assertion.objects.get(pk=blogger.pk).set_aside_reason == SCOPE


def test_reverting_a_retracted_figure_in_the_admin_keeps_its_retraction(
    flood, researcher, researcher_client
):
    _, figures = flood
    blogger = figures["Blogger"]
    before = blogger.history.earliest("history_date")
    services.assertion_retract(
        assertion=blogger, reason="The blogger deleted the post.", user=researcher
    )
    url = reverse(
        "admin:claims_assertion_simple_history", args=[blogger.pk, before.history_id]
    )

    researcher_client.post(url, admin_form(researcher_client.get(url)))

    blogger.refresh_from_db()
    assert blogger.status == Assertion.Status.RETRACTED
    assert blogger.retraction_reason == "The blogger deleted the post."
    claim_page = Client().get(blogger.claim.get_absolute_url()).content.decode()
    assert "The blogger deleted the post." in claim_page
