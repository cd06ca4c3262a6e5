"""One judgement per outlier (issue 24): resolving a conflict in favour of one figure
can set the other aside for the whole claim, with a reason readers see. A figure set
aside leaves detection, the headline spread and the evolution, stays listed with the
editors' reason, and can be counted again, with history."""

import datetime
import json
import re
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from claims.domain import divergence
from claims.models import Assertion, Discrepancy
from claims.pipeline import services
from claims.review import services as review_services
from claims.selectors import claim_state
from tests.support.zones import zone_of_another_day

pytestmark = pytest.mark.django_db

REASON = "Rybar counts only the units it says it saw; a different scope."


def test_the_outlier_opens_a_discrepancy_against_the_widest_pair(kursk):
    claim, figures = kursk

    pending = Discrepancy.objects.pending().get(claim=claim)

    assert {pending.assertion_low, pending.assertion_high} == {
        figures["Rybar"],
        figures["Pentagon"],
    }


def test_one_resolve_and_set_aside_leaves_no_chain_of_judgements(kursk, editor):
    claim, figures = kursk
    pending = Discrepancy.objects.pending().get(claim=claim)

    review_services.discrepancy_judge(
        discrepancy=pending,
        state="resolved",
        note="The Pentagon's count is the better sourced.",
        favoured=figures["Pentagon"],
        user=editor,
        set_aside_reason=REASON,
    )

    claim.refresh_from_db()
    rybar = Assertion.objects.get(pk=figures["Rybar"].pk)
    assert not Discrepancy.objects.pending().filter(claim=claim).exists()
    assert Discrepancy.objects.filter(claim=claim).count() == 1
    assert claim.spread_ratio is None  # the headline spread leaves the outlier out
    assert (rybar.set_aside_reason, rybar.set_aside_by) == (REASON, editor)
    state = claim_state(claim)
    assert [p.id for p in state.summary.set_aside] == [rybar.pk]
    assert rybar.pk not in {p.id for p in state.summary.estimates}
    assert "no more than 500" not in state.evolution


def test_setting_aside_can_be_undone_with_history(kursk, editor):
    claim, figures = kursk
    rybar = services.assertion_set_aside(
        assertion=figures["Rybar"], reason=REASON, user=editor
    )

    services.assertion_restore(
        assertion=rybar, user=editor, reason="Rybar published its method"
    )

    rybar.refresh_from_db()
    assert rybar.set_aside_at is None and rybar.set_aside_reason == ""
    reasons = list(
        rybar.history.order_by("history_date").values_list(
            "history_change_reason", flat=True
        )
    )
    assert reasons[-2:] == [
        f"Set aside: {REASON}"[:100],
        "Counted again: Rybar published its method",
    ]
    assert Discrepancy.objects.pending().filter(claim=claim).exists()


def test_only_editors_set_figures_aside(kursk, researcher):
    _, figures = kursk

    with pytest.raises(PermissionDenied):
        services.assertion_set_aside(
            assertion=figures["Rybar"], reason=REASON, user=researcher
        )


def test_setting_aside_needs_a_reason(kursk, editor):
    _, figures = kursk

    with pytest.raises(ValidationError) as raised:
        services.assertion_set_aside(
            assertion=figures["Rybar"], reason=" ", user=editor
        )

    assert "set_aside_reason" in raised.value.message_dict


def test_a_set_aside_without_its_reason_is_refused_by_the_database(kursk):
    _, figures = kursk

    with pytest.raises(IntegrityError), transaction.atomic():
        Assertion.objects.filter(pk=figures["Rybar"].pk).update(
            set_aside_at=datetime.datetime(2024, 11, 6, tzinfo=datetime.UTC)
        )


def test_the_as_of_view_counts_a_figure_set_aside_later():
    day = datetime.date(2024, 11, 5)
    points = [
        divergence.Point(1, 1, day, "at_most", None, D(500), D(500),
                         "no more than 500", set_aside_on=datetime.date(2024, 11, 6)),
        divergence.Point(2, 2, day, "range", D(11_000), D(12_000), None,
                         "11,000–12,000"),
    ]  # fmt: skip

    before = divergence.summarise(points, as_of=day)
    after = divergence.summarise(points)

    assert before.spread_ratio == 22 and not before.set_aside
    assert after.spread_ratio is None and [p.id for p in after.set_aside] == [1]


def test_the_as_of_view_tells_the_evolution_with_a_figure_set_aside_later():
    """As of a date before the setting aside, the figure counts: the evolution ends
    at the range of estimates the summary gives, the set-aside one included."""
    points = [
        divergence.Point(1, 1, datetime.date(2024, 11, 5), "at_most", None, D(500),
                         D(500), "no more than 500",
                         set_aside_on=datetime.date(2024, 11, 6)),
        divergence.Point(2, 2, datetime.date(2024, 11, 1), "range", D(11_000),
                         D(12_000), None, "11,000–12,000"),
    ]  # fmt: skip

    before = divergence.summarise(points, as_of=datetime.date(2024, 11, 5))

    told = [p.figure for step in before.evolution for p in step.points]
    assert "no more than 500" in told
    assert before.evolution[-1].figures == (before.lowest, before.highest)


# Every surface marks a set-aside figure rather than present it as an estimate.


@pytest.fixture
def rybar_set_aside(kursk, editor):
    claim, figures = kursk
    rybar = services.assertion_set_aside(
        assertion=figures["Rybar"], reason=REASON, user=editor
    )
    return claim, figures, rybar


def test_the_api_lists_a_set_aside_figure_apart_with_the_reason(
    client, rybar_set_aside
):
    claim, _, rybar = rybar_set_aside

    data = client.get(f"/api/claims/{claim.slug}/").json()
    one = client.get(f"/api/assertions/{rybar.pk}/").json()

    assert rybar.pk not in {e["id"] for e in data["current_estimates"]}
    assert [(e["id"], e["set_aside_reason"]) for e in data["set_aside"]] == [
        (rybar.pk, REASON)
    ]
    assert (one["status"], one["is_set_aside"], one["set_aside_reason"]) == (
        "published",
        True,
        REASON,
    )
    assert one["set_aside_at"].startswith(str(datetime.date.today().year))


def test_the_feed_titles_a_set_aside_figure_so_with_the_reason(client, rybar_set_aside):
    claim, _, _ = rybar_set_aside

    feed = client.get(reverse("feeds:claim", args=[claim.slug])).content.decode()

    assert "<title>Set aside: Rybar: no more than 500" in feed
    assert "Set aside by the editors for this claim on" in feed
    assert "Rybar counts only the units it says it saw" in feed
    assert '<category term="set-aside"/>' in feed


def test_the_feed_dates_a_set_aside_on_the_sites_day(client, rybar_set_aside):
    claim, _, rybar = rybar_set_aside
    at = rybar.set_aside_at
    with override_settings(TIME_ZONE=zone_of_another_day(at)):
        day = timezone.localdate(at)
        feed = client.get(reverse("feeds:claim", args=[claim.slug])).content.decode()

    assert day != at.date()
    assert f"for this claim on {day.day} {day:%b %Y}:" in feed


def test_the_linked_data_marks_a_set_aside_figure(client, rybar_set_aside):
    claim, _, _ = rybar_set_aside

    page = client.get(claim.get_absolute_url()).content.decode()
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    parts = {p["about"]["description"]: p for p in json.loads(found[1])["hasPart"]}

    rybar = parts["no more than 500"]
    assert rybar["creativeWorkStatus"] == "set aside by the editors"
    assert rybar["correction"]["text"] == REASON
    assert "creativeWorkStatus" not in parts["between 11,000 and 12,000"]


def test_the_linked_data_dates_a_set_aside_on_the_sites_day(client, rybar_set_aside):
    """The correction's date is the day the figure was set aside where the site is
    (TIME_ZONE), as the page and the as-of view count it."""
    claim, _, rybar = rybar_set_aside
    at = rybar.set_aside_at
    zone = zone_of_another_day(at)
    with override_settings(TIME_ZONE=zone):
        page = client.get(claim.get_absolute_url()).content.decode()
        day = timezone.localdate(at)
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    parts = {p["about"]["description"]: p for p in json.loads(found[1])["hasPart"]}

    assert day != at.date()
    assert parts["no more than 500"]["correction"]["datePublished"] == day.isoformat()


def test_the_claim_page_marks_the_figure_and_leaves_it_off_the_chart(
    client, rybar_set_aside
):
    claim, _, rybar = rybar_set_aside

    page = client.get(claim.get_absolute_url()).content.decode()
    chart = page[page.index('<svg class="chart-plot"') : page.index("</figure>")]
    row = page[page.index(f'id="assertion-{rybar.pk}"') :]

    assert f'href="#assertion-{rybar.pk}"' not in chart
    assert "no more than 500" not in chart
    assert row.index("Set aside by the editors for this claim on") < row.index("</li>")


def test_the_as_of_view_marks_a_figure_set_aside_from_that_day_where_the_site_is(
    client, rybar_set_aside
):
    """The day a figure was set aside is the site's (TIME_ZONE), as the comparison
    counts it: the mark shows from that day on, never the day before."""
    claim, _, rybar = rybar_set_aside
    at = rybar.set_aside_at
    zone = zone_of_another_day(at)
    with override_settings(TIME_ZONE=zone):
        day = timezone.localdate(at)
        before, on = (
            client.get(f"{claim.get_absolute_url()}?as_of={d:%Y-%m-%d}").content
            for d in (day - datetime.timedelta(days=1), day)
        )

    assert day != at.date()
    assert b"Set aside by the editors" not in before
    assert b"Set aside by the editors for this claim on" in on


def test_the_as_of_view_before_the_set_aside_shows_no_mark(client, rybar_set_aside):
    claim, _, _ = rybar_set_aside

    page = client.get(claim.get_absolute_url() + "?as_of=2024-11-05").content.decode()

    assert "Set aside by the editors" not in page
    assert "is set aside by the editors" not in page


def test_source_pages_compare_nothing_with_a_set_aside_figure(client, rybar_set_aside):
    _, figures, rybar = rybar_set_aside

    rybar_page = client.get(rybar.source.get_absolute_url()).content.decode()
    nis_page = client.get(figures["NIS"].source.get_absolute_url()).content.decode()

    assert "is set aside by the editors for this claim" in rybar_page
    assert "verdict" not in rybar_page.split("<tbody>")[1].split("</tbody>")[0]
    assert "no more than 500" not in nis_page


def test_home_and_search_mark_a_set_aside_figure(client, rybar_set_aside):
    """The latest figures on the home page and the quotes search finds say the
    figure is set aside, as the claim page, source page, feed and API do."""
    _, _, rybar = rybar_set_aside
    mark = "(set aside by the editors: not compared)"

    home = client.get(reverse("home")).content.decode()
    found = client.get(reverse("search"), {"q": rybar.quote[:40]}).content.decode()

    for page in (home, found):
        lines = [li for li in page.split("<li") if "<strong>no more than 500" in li]
        assert lines and all(mark in line for line in lines)
    latest = home[home.index('class="latest"') :]
    assert latest.count(mark) == 1 and "gave" in latest.split(mark)[1]


def test_a_reason_without_a_full_stop_does_not_run_into_the_next_sentence(
    client, kursk, editor
):
    claim, figures = kursk
    services.assertion_set_aside(
        assertion=figures["Rybar"], reason="Counts only the units it saw", user=editor
    )
    page = client.get(claim.get_absolute_url()).content.decode()
    feed = client.get(reverse("feeds:claim", args=[claim.slug])).content.decode()

    assert "Counts only the units it saw. Not compared" in page
    assert "Counts only the units it saw. It is not compared" in page
    assert "Counts only the units it saw. It is not compared" in feed


def test_a_draft_is_not_retracted_so_its_claim_stays_closed(client, editor):
    """A retraction is public: a draft's made a never-published claim's page open
    (review), through the admin's action as through the service."""
    from tests.factories import ClaimFactory, SourceFactory

    claim = ClaimFactory(title="Never published")
    draft = services.assertion_create(
        claim=claim,
        source=SourceFactory(),
        stated_on=datetime.date(2024, 10, 2),
        figure="7",
        quote="They said 7.",
        status=Assertion.Status.DRAFT,
    )

    with pytest.raises(ValidationError, match="is a draft, never published"):
        services.assertion_retract(assertion=draft, reason="Never mind")

    assert client.get(claim.get_absolute_url()).status_code == 404
    draft.refresh_from_db()
    assert draft.status == Assertion.Status.DRAFT
