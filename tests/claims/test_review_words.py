"""What readers and editors are told about the editors is true (issue 24): "Under
review" only while a discrepancy is pending in the queue, neutral words in the as-of
view, a queue whose states and filters agree, and judgements that name the favoured
figure and change it without reopening."""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from claims.domain import divergence, wording
from claims.models import Discrepancy
from claims.review import services as review_services
from claims.review.forms import JudgementForm
from tests.support.points import TROOP_NAMES, TROOPS
from tests.support.zones import zone_of_another_day

ON_29_OCT = date(2024, 10, 29)


def test_the_as_of_view_tells_an_unjudged_conflict_in_neutral_words():
    summary = divergence.summarise(TROOPS, as_of=ON_29_OCT)

    sentence = wording.status_sentence(summary, TROOP_NAMES)

    assert sentence.startswith("In conflict: “up to 1,500” (Dutch intelligence)")
    assert "times apart" in sentence
    assert "review" not in sentence and "editors" not in sentence


def test_the_as_of_view_shows_no_judgement_made_after_its_date():
    summary = divergence.summarise(TROOPS)
    pair = summary.open_conflict.pair
    judged = {
        pair: divergence.Judgement(
            "resolved", note="Later.", judged_on=date(2024, 11, 20)
        )
    }

    before = divergence.summarise(TROOPS, judged=judged, as_of=ON_29_OCT)

    assert before.judgement is None
    assert "editors" not in wording.status_sentence(before, TROOP_NAMES)


def test_under_review_is_said_only_of_a_conflict_in_the_queue():
    summary = divergence.summarise(TROOPS)

    queued = wording.status_sentence(summary, TROOP_NAMES, queued=True)
    not_queued = wording.status_sentence(summary, TROOP_NAMES, queued=False)

    assert queued.startswith("Under review:")
    assert not_queued.startswith("In conflict:")


@pytest.mark.django_db
def test_the_page_after_a_judgement_names_the_pair_now_in_the_queue(
    kursk,  # noqa: F811
    editor,
    client,
):
    claim, figures = kursk
    review_services.discrepancy_judge(
        discrepancy=Discrepancy.objects.pending().get(claim=claim),
        state="resolved",
        note="The Pentagon's count is the better sourced.",
        favoured=figures["Pentagon"],
        user=editor,
    )
    pending = Discrepancy.objects.pending().get(claim=claim)

    page = client.get(claim.get_absolute_url()).content.decode()

    low, high = pending.assertion_low, pending.assertion_high
    # Said once, in the discrepancy's box (issue 25), of the pair now in the queue.
    assert (
        f"Discrepancy under review:</strong> “{low.figure}” ({low.source}) against "
        f"“{high.figure}” ({high.source})"
    ) in page.replace("&quot;", '"')
    assert "“no more than 500”" in page


@pytest.mark.django_db
def test_the_queue_shows_the_states_its_filter_finds(kursk, editor_client):  # noqa: F811
    claim, _ = kursk
    pending = Discrepancy.objects.pending().get(claim=claim)
    queue = reverse("review:queue")

    page = editor_client.get(queue).content.decode()
    found = editor_client.get(queue, {"state": pending.state}).content.decode()

    assert f"<td>{pending.get_state_display()}</td>" in page
    assert pending.get_absolute_url() in found


@pytest.mark.django_db
def test_a_resolved_judgement_changes_its_favoured_figure_without_reopening(
    kursk,  # noqa: F811
    editor,
):
    claim, figures = kursk
    discrepancy = review_services.discrepancy_judge(
        discrepancy=Discrepancy.objects.pending().get(claim=claim),
        state="resolved",
        note="Rybar's count is of what it saw.",
        favoured=figures["Rybar"],
        user=editor,
    )

    form = JudgementForm(initial={"version": 1}, discrepancy=discrepancy)
    changed = review_services.discrepancy_judge(
        discrepancy=discrepancy,
        state="resolved",
        note=form.initial["note"],
        favoured=figures["Pentagon"],
        user=editor,
    )

    assert form.initial["note"] == "Rybar's count is of what it saw."
    assert form.initial["state"] == "resolved"
    assert (changed.state, changed.favoured) == ("resolved", figures["Pentagon"])
    reasons = list(
        changed.history.order_by("history_date").values_list(
            "history_change_reason", flat=True
        )
    )
    assert reasons[-2].startswith("Resolved in favour of “no more than 500” (Rybar")
    assert reasons[-1].startswith(
        "Resolved in favour of “between 11,000 and 12,000” (Pentagon"
    )


@pytest.mark.django_db
def test_resolving_again_for_the_same_figure_is_refused(kursk, editor):  # noqa: F811
    claim, figures = kursk
    discrepancy = review_services.discrepancy_judge(
        discrepancy=Discrepancy.objects.pending().get(claim=claim),
        state="resolved",
        note="Pentagon.",
        favoured=figures["Pentagon"],
        user=editor,
    )

    with pytest.raises(ValidationError) as raised:
        review_services.discrepancy_judge(
            discrepancy=discrepancy,
            state="resolved",
            note="Pentagon.",
            favoured=figures["Pentagon"],
            user=editor,
        )

    assert "already resolved in favour of this estimate" in str(raised.value)


@pytest.mark.django_db
def test_the_as_of_view_counts_a_judgement_from_its_day_where_the_site_is(
    kursk,  # noqa: F811
    editor,
    client,
):
    """A judgement's day is the site's (TIME_ZONE), as a set-aside's is: the as-of
    view of that day shows it, the day before does not."""
    claim, figures = kursk
    note = "The Pentagon's count is the better sourced."
    judged = review_services.discrepancy_judge(
        discrepancy=Discrepancy.objects.pending().get(claim=claim),
        state="resolved",
        note=note,
        favoured=figures["Pentagon"],
        user=editor,
    )
    at = judged.judged_at
    zone = zone_of_another_day(at)
    with override_settings(TIME_ZONE=zone):
        day = timezone.localdate(at)
        before, on = (
            client.get(f"{claim.get_absolute_url()}?as_of={d:%Y-%m-%d}").content
            for d in (day - timedelta(days=1), day)
        )

    def status(page: bytes) -> str:
        return re.search(r'<p class="status[^>]*>(.*?)</p>', page.decode(), re.S)[1]

    assert day != at.date()
    # Before its day the judged pair is still the widest conflict; from its day the
    # judgement counts, and the status names the next pair.
    assert "(Pentagon) are 22.0 times apart" in status(before)
    assert "(Pentagon)" not in status(on)
    assert "“closer to 12,000” (HUR)" in status(on)
