import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from claims.concurrency import EditConflict
from claims.models import CLAIM_SUMMARY_FIELDS, Assertion, Claim, Discrepancy
from claims.pipeline import derive, services
from claims.review import services as review_services
from tests.factories import ClaimFactory, SourceFactory, UserFactory, stated

pytestmark = pytest.mark.django_db

TROOPS = "north-korean-troops-in-russia"


def live(claim):
    return Discrepancy.objects.live().get(claim=claim)


@pytest.fixture
def conflict():
    """A claim whose two sources are nine times apart."""
    claim = ClaimFactory()
    low = stated(claim, "1,000", 2)
    high = stated(claim, "9,000", 3)
    return claim, low, high


# Detection


def test_seed_troop_claim_raises_the_conflict_of_28_october(seeded):
    discrepancy = live(Claim.objects.get(slug=TROOPS))

    assert discrepancy.assertion_low.figure == "up to 1,500"
    assert discrepancy.assertion_low.source.slug == "dutch-intelligence-services"
    assert discrepancy.assertion_high.figure == "closer to 12,000"
    assert discrepancy.arose_on == datetime.date(2024, 10, 28)
    assert discrepancy.spread_ratio == Decimal("7.20")
    assert discrepancy.state == "open"


def test_command_opens_the_troop_conflict_and_a_second_run_changes_nothing(
    seeded, capsys
):
    Discrepancy.objects.all().delete()  # as a database from before detection existed

    call_command("detect_discrepancies")
    first = capsys.readouterr().out
    call_command("detect_discrepancies")
    second = capsys.readouterr().out

    assert "opened: North Korean troops in Russia: “up to 1,500”" in first
    assert "created 1, updated 0, closed 0." in first
    assert "created 0, updated 0, closed 0." in second
    assert Discrepancy.objects.count() == 1


def test_command_dry_run_writes_nothing(seeded, capsys):
    Discrepancy.objects.all().delete()

    call_command("detect_discrepancies", "--dry-run")

    assert "Would have opened" in capsys.readouterr().out
    assert not Discrepancy.objects.exists()


def test_command_refuses_an_unknown_claim(db):
    with pytest.raises(Exception, match="No claim with the slug “nope”"):
        call_command("detect_discrepancies", "--claim", "nope")


@pytest.mark.parametrize(
    "claims_a_batch, figures_a_batch",
    [(2, 10_000), (500, 3)],
    ids=["bounded-by-claims", "bounded-by-figures"],
)
def test_a_full_detection_over_many_batches_repairs_each_claim_as_alone(
    monkeypatch, claims_a_batch, figures_a_batch
):
    claims = [ClaimFactory() for _ in range(5)]
    for n, claim in enumerate(claims):
        stated(claim, f"{1_000 + n}", 2)
        stated(claim, f"{9_000 + n}", 3)
        stated(claim, "about 4,000", 4)
    fields = ["pk", "updated_at", *CLAIM_SUMMARY_FIELDS]
    alone = list(Claim.objects.order_by("pk").values_list(*fields[2:]))
    # A database whose summaries and discrepancies fell behind its figures.
    Claim.objects.update(source_count=0, current_low=None, spread_ratio=None)
    Discrepancy.objects.all().delete()
    before = dict(Claim.objects.values_list("pk", "updated_at"))
    # Three batches of two claims, or five of one (each holds three figures).
    monkeypatch.setattr(derive, "REFRESH_BATCH", claims_a_batch)
    monkeypatch.setattr(derive, "REFRESH_ROWS", figures_a_batch)
    monkeypatch.setattr(derive, "REFRESH_SMALL", 0)

    call_command("detect_discrepancies")

    after = list(Claim.objects.order_by("pk").values_list(*fields))
    assert [row[2:] for row in after] == alone
    assert all(updated > before[pk] for pk, updated, *_ in after)
    pairs = Discrepancy.objects.order_by("claim").values_list(
        "claim", "assertion_low__figure", "assertion_high__figure"
    )
    assert list(pairs) == [
        (claim.pk, f"{1_000 + n}", f"{9_000 + n}") for n, claim in enumerate(claims)
    ]


def test_an_imports_new_claims_are_derived_in_batches_bounded_by_their_figures(
    monkeypatch,
):
    """An import's new claims hold no stored count until derived: batched by that
    count, 500 of them made one batch (a 200 MB file's 100,000 figures and their
    quotes held at once, 750 MB). They are batched by their figures."""
    from claims.interchange.imports import assertions_import
    from tests.support.imports import csv_of, row

    monkeypatch.setattr(derive, "REFRESH_ROWS", 6)
    monkeypatch.setattr(derive, "REFRESH_SMALL", 0)
    sizes = []
    refresh = derive._refresh_batch

    def counted(claim_ids):
        sizes.append(
            Assertion.objects.published().filter(claim_id__in=claim_ids).count()
        )
        return refresh(claim_ids)

    monkeypatch.setattr(derive, "_refresh_batch", counted)
    rows = [
        row(claim=f"Claim {c}", source=f"Source {s}", figure=f"{s},000")
        for c in range(4)
        for s in range(1, 4)
    ]

    summary = assertions_import(data=csv_of(*rows))

    assert summary.created["assertions"] == 12
    assert sizes and max(sizes) <= 6  # two claims of three figures a batch
    assert sum(sizes) == 12
    assert set(Claim.objects.values_list("assertion_count", flat=True)) == {3}


def test_saving_an_assertion_detects_at_once(conflict):
    claim, low, high = conflict

    discrepancy = live(claim)

    assert (discrepancy.assertion_low, discrepancy.assertion_high) == (low, high)
    assert discrepancy.spread_ratio == 9


def test_a_source_revising_its_own_figure_is_no_discrepancy():
    claim, source = ClaimFactory(), SourceFactory()
    stated(claim, "1,000", 2, source=source)
    stated(claim, "9,000", 3, source=source)

    assert not Discrepancy.objects.filter(claim=claim).exists()


def test_figures_within_the_threshold_are_no_discrepancy():
    claim = ClaimFactory()
    stated(claim, "3,000", 2)
    stated(claim, "3,100", 3)

    assert not Discrepancy.objects.filter(claim=claim).exists()


def test_a_claim_can_set_its_own_threshold(conflict):
    claim, _, _ = conflict
    claim.refresh_from_db()
    claim.discrepancy_ratio = Decimal("10")

    services.claim_save(claim=claim)

    assert not Discrepancy.objects.live().filter(claim=claim).exists()
    closed = Discrepancy.objects.get(claim=claim)
    assert closed.superseded_reason == (
        "The current figures are no longer far enough apart."
    )


def test_drafts_never_make_a_discrepancy():
    claim = ClaimFactory()
    stated(claim, "1,000", 2)
    stated(claim, "9,000", 3, status="draft")

    assert not Discrepancy.objects.filter(claim=claim).exists()


def test_retracting_one_side_supersedes_and_the_history_says_why(conflict):
    claim, low, high = conflict
    discrepancy = live(claim)

    services.assertion_retract(assertion=high, reason="Misquoted by the outlet")

    discrepancy.refresh_from_db()
    assert discrepancy.state == "superseded"
    assert "“9,000”" in discrepancy.superseded_reason
    assert "was retracted: Misquoted by the outlet" in discrepancy.superseded_reason
    assert discrepancy.history.latest().history_change_reason.startswith("Superseded: ")
    assert Discrepancy.objects.filter(pk=discrepancy.pk).exists()


def test_a_revision_that_ends_the_conflict_supersedes_it(conflict):
    claim, low, high = conflict

    stated(claim, "1,100", 9, source=high.source)

    discrepancy = Discrepancy.objects.get(claim=claim)
    assert discrepancy.state == "superseded"
    assert f"{high.source} revised its figure to “1,100” on 9 Oct 2024" in (
        discrepancy.superseded_reason
    )


def test_a_wider_conflict_supersedes_the_old_and_opens_a_new_one(conflict):
    claim, low, high = conflict

    wider = stated(claim, "50,000", 9)

    old = Discrepancy.objects.get(claim=claim, state="superseded")
    new = live(claim)
    assert old.superseded_reason.startswith("The widest conflict is now “1,000”")
    assert (new.assertion_low, new.assertion_high) == (low, wider)


def test_a_superseded_discrepancy_takes_the_next_version_and_one_history_row(
    conflict,
):
    claim, low, high = conflict
    before = live(claim)
    rows = before.history.count()

    stated(claim, "50,000", 9)

    after = Discrepancy.objects.get(pk=before.pk)
    assert after.version == before.version + 1
    assert after.updated_at > before.updated_at
    assert after.history.count() == rows + 1
    latest = after.history.latest()
    assert (latest.state, latest.version) == ("superseded", after.version)
    assert latest.superseded_reason == after.superseded_reason
    assert latest.history_change_reason == f"Superseded: {after.superseded_reason}"


def test_detection_does_not_overwrite_a_discrepancy_saved_since_it_was_read(
    conflict,
):
    claim, low, high = conflict
    read = live(claim)
    Discrepancy.objects.filter(pk=read.pk).update(note="Saved meanwhile", version=5)
    read.state = Discrepancy.State.SUPERSEDED

    with pytest.raises(EditConflict), transaction.atomic():
        Discrepancy.save_changed([read])

    stored = Discrepancy.objects.get(pk=read.pk)
    assert (stored.state, stored.note, stored.version) == ("open", "Saved meanwhile", 5)


def test_one_pending_discrepancy_per_claim_in_the_database(conflict):
    claim, low, high = conflict

    with pytest.raises(IntegrityError), transaction.atomic():
        Discrepancy.objects.create(
            claim=claim,
            assertion_low=low,
            assertion_high=high,
            spread_ratio=9,
            arose_on=datetime.date(2024, 10, 3),
        )


# Judging


def test_editor_judges_and_readers_see_the_note(conflict, editor, client):
    claim, low, high = conflict
    discrepancy = live(claim)

    review_services.discrepancy_judge(
        discrepancy=discrepancy,
        state="explained",
        note="The lower figure counts only troops already at the front.",
        user=editor,
    )

    page = client.get(claim.get_absolute_url()).content.decode()
    assert "Discrepancy explained" in page
    assert "counts only troops already at the front" in page


def test_open_discrepancies_show_to_readers_as_under_review(conflict, client):
    claim, _, _ = conflict

    page = client.get(claim.get_absolute_url()).content.decode()

    assert "Discrepancy under review" in page


def test_a_pending_note_is_not_published(conflict, editor, client):
    claim, _, _ = conflict
    review_services.discrepancy_judge(
        discrepancy=live(claim),
        state="under_review",
        note="Draft thinking: asking the outlet.",
        user=editor,
    )

    page = client.get(claim.get_absolute_url()).content.decode()

    assert "Draft thinking" not in page


def test_resolving_records_the_favoured_estimate(conflict, editor, client):
    claim, low, high = conflict

    review_services.discrepancy_judge(
        discrepancy=live(claim),
        state="resolved",
        note="The later count is the better sourced.",
        favoured=high,
        user=editor,
    )

    discrepancy = live(claim)
    assert (discrepancy.state, discrepancy.favoured) == ("resolved", high)
    assert (discrepancy.judged_by, discrepancy.judged_at is not None) == (editor, True)
    assert (
        "They favour “9,000”" in client.get(claim.get_absolute_url()).content.decode()
    )


def test_favouring_a_figure_outside_the_pair_is_refused(conflict, editor):
    claim, _, _ = conflict
    outsider = stated(ClaimFactory(), "5", 2)

    with pytest.raises(ValidationError) as raised:
        review_services.discrepancy_judge(
            discrepancy=live(claim),
            state="resolved",
            note="x",
            favoured=outsider,
            user=editor,
        )
    assert "favoured" in raised.value.message_dict


def test_reopening_keeps_the_record(conflict, editor):
    claim, _, _ = conflict
    discrepancy = live(claim)
    review_services.discrepancy_judge(
        discrepancy=discrepancy, state="dismissed", note="Same figure.", user=editor
    )

    review_services.discrepancy_judge(
        discrepancy=discrepancy, state="open", user=editor
    )

    reasons = [
        r.history_change_reason for r in discrepancy.history.order_by("history_date")
    ]
    assert reasons == ["Detected", "Dismissed: Same figure.", "Open"]
    assert live(claim).state == "open"


def test_researcher_cannot_judge(conflict, researcher):
    claim, _, _ = conflict

    with pytest.raises(PermissionDenied):
        review_services.discrepancy_judge(
            discrepancy=live(claim), state="dismissed", note="x", user=researcher
        )

    assert live(claim).state == "open"


# The review pages


def queue_url():
    return reverse("review:queue")


def test_anonymous_is_sent_to_log_in(conflict, client):
    claim, _, _ = conflict
    for url in (queue_url(), live(claim).get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]


def test_researcher_gets_403_and_their_post_changes_nothing(
    conflict, researcher_client
):
    claim, _, _ = conflict
    discrepancy = live(claim)

    assert researcher_client.get(queue_url()).status_code == 403
    response = researcher_client.post(
        discrepancy.get_absolute_url(), {"state": "dismissed", "note": "No."}
    )
    assign = researcher_client.post(
        reverse("review:assign", args=[discrepancy.pk]), {"to_me": "1"}
    )

    assert (response.status_code, assign.status_code) == (403, 403)
    discrepancy.refresh_from_db()
    assert (discrepancy.state, discrepancy.assigned_to) == ("open", None)


def test_user_in_no_group_gets_403(conflict, client):
    client.force_login(UserFactory(is_staff=True))

    assert client.get(queue_url()).status_code == 403


def test_editor_sees_the_queue_worst_first(editor_client):
    calm, stormy = ClaimFactory(title="Calm"), ClaimFactory(title="Stormy")
    stated(calm, "1,000", 2)
    stated(calm, "2,000", 3)
    stated(stormy, "1,000", 2)
    stated(stormy, "50,000", 3)

    response = editor_client.get(queue_url())

    assert [d.claim.title for d in response.context["object_list"]] == [
        "Stormy",
        "Calm",
    ]


def test_editor_opens_the_pair_side_by_side(conflict, editor_client):
    claim, low, high = conflict

    response = editor_client.get(live(claim).get_absolute_url())

    page = response.content.decode()
    assert response.status_code == 200
    assert "Lower: 1,000" in page and "Higher: 9,000" in page
    assert "They said 1,000." in page and "They said 9,000." in page
    assert page.count('class="marker marker-dot highlight"') == 2


def test_editor_records_a_judgement_through_the_form(conflict, editor_client, editor):
    claim, _, _ = conflict
    discrepancy = live(claim)

    response = editor_client.post(
        discrepancy.get_absolute_url(),
        {
            "state": "explained",
            "note": "They count different units.",
            "version": discrepancy.version,
        },
        follow=True,
    )

    discrepancy.refresh_from_db()
    assert (discrepancy.state, discrepancy.judged_by) == ("explained", editor)
    assert "Judgement recorded." in response.content.decode()


def test_invalid_judgement_is_refused_with_a_clear_message(conflict, editor_client):
    claim, low, _ = conflict
    discrepancy = live(claim)

    response = editor_client.post(
        discrepancy.get_absolute_url(),
        {"state": "resolved", "note": "", "version": discrepancy.version},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Write the note readers will see" in page
    discrepancy.refresh_from_db()
    assert discrepancy.state == "open"


def test_a_move_the_state_does_not_allow_is_refused(conflict, editor_client):
    claim, _, _ = conflict
    discrepancy = live(claim)

    response = editor_client.post(
        discrepancy.get_absolute_url(), {"state": "open", "version": 1}
    )

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_judgement_form_needs_the_csrf_token(conflict, editor):
    claim, _, _ = conflict
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)

    response = client.post(
        live(claim).get_absolute_url(), {"state": "dismissed", "note": "x"}
    )

    assert response.status_code == 403
    assert live(claim).state == "open"


def test_assign_to_me_and_my_queue(conflict, editor_client, editor):
    claim, _, _ = conflict
    other = ClaimFactory()
    stated(other, "1", 2)
    stated(other, "100", 3)
    discrepancy = live(claim)

    editor_client.post(
        reverse("review:assign", args=[discrepancy.pk]),
        {"to_me": "1", "version": discrepancy.version},
    )
    response = editor_client.get(queue_url(), {"mine": "on"})

    discrepancy.refresh_from_db()
    assert discrepancy.assigned_to == editor
    assert [d.pk for d in response.context["object_list"]] == [discrepancy.pk]


def test_assigning_to_a_non_editor_is_refused(conflict, editor_client, researcher):
    claim, _, _ = conflict
    discrepancy = live(claim)

    response = editor_client.post(
        reverse("review:assign", args=[discrepancy.pk]),
        {"assigned_to": researcher.pk, "version": discrepancy.version},
        follow=True,
    )

    assert "Choose an editor" in response.content.decode()
    discrepancy.refresh_from_db()
    assert discrepancy.assigned_to is None


def test_queue_filters_by_state_and_source(conflict, editor_client):
    claim, low, _ = conflict

    by_source = editor_client.get(queue_url(), {"source": low.source.slug})
    superseded = editor_client.get(queue_url(), {"state": "superseded"})

    assert len(by_source.context["object_list"]) == 1
    assert len(superseded.context["object_list"]) == 0


def test_claim_list_filters_claims_with_a_discrepancy_under_review(conflict, client):
    claim, _, _ = conflict
    calm = ClaimFactory()
    stated(calm, "5", 2)

    response = client.get(reverse("claims:list"), {"under_review": "on"})

    assert [row.claim.pk for row in response.context["rows"]] == [claim.pk]


def test_researchers_can_read_discrepancies_in_admin_but_not_change(
    conflict, researcher_client
):
    claim, _, _ = conflict
    discrepancy = live(claim)

    listing = researcher_client.get(reverse("admin:claims_discrepancy_changelist"))
    change = researcher_client.post(
        reverse("admin:claims_discrepancy_change", args=[discrepancy.pk]),
        {"state": "dismissed"},
    )

    assert listing.status_code == 200
    assert change.status_code == 403
    discrepancy.refresh_from_db()
    assert discrepancy.state == "open"


def test_long_reasons_are_kept_whole_in_the_history(conflict):
    claim, low, high = conflict
    reason = "The outlet corrected its report: " + "the figure was misread. " * 12

    services.assertion_retract(assertion=high, reason=reason)

    assert high.history.latest().history_change_reason == f"Retracted: {reason.strip()}"
    superseded = Discrepancy.objects.get(claim=claim, state="superseded")
    assert reason.strip() in superseded.history.latest().history_change_reason


def test_queue_shows_vague_term_conflicts_apart_after_figures(editor_client):
    vague, plain = ClaimFactory(title="Vague"), ClaimFactory(title="Plain")
    stated(vague, "1,500", 2)
    stated(vague, "hundreds of thousands", 3)  # 133× apart, but a vague term
    stated(plain, "1,000", 2)
    stated(plain, "2,000", 3)

    response = editor_client.get(queue_url())

    page = response.content.decode()
    assert [d.claim.title for d in response.context["object_list"]] == [
        "Plain",
        "Vague",
    ]
    assert page.index("Conflicts between figures") < page.index(
        "Conflicts involving a vague term"
    )


def test_queue_dates_a_conflict_as_precisely_as_its_figure(editor_client):
    claim = ClaimFactory()
    stated(claim, "1,000", 2, date_precision="year")  # known only as 2024
    stated(claim, "5,000", 20, date_precision="month")  # known only as October

    page = editor_client.get(queue_url()).content.decode()

    assert "October 2024" in page
    assert "1 Oct 2024" not in page


def test_the_queue_past_the_count_cap_says_more_than_it_and_pages_on(
    editor_client, settings
):
    settings.CLAIMTRACKER_LIST_COUNT_CAP = 2
    for n in range(4):
        claim = ClaimFactory(title=f"Front {n}")
        stated(claim, "1,000", 2)
        stated(claim, f"{5 + n},000", 3)

    first = editor_client.get(queue_url())

    page = " ".join(first.content.decode().split())
    assert "More than 2 discrepancies" in page
    assert len(first.context["object_list"]) == 4  # a page holds thirty


def test_the_queue_filters_by_topic_and_refuses_an_unknown_one(editor_client):
    kursk = ClaimFactory(title="Troops in Kursk", topic__name="Kursk")
    other = ClaimFactory(title="Shells fired", topic__name="Artillery")
    for claim in (kursk, other):
        stated(claim, "1,000", 2)
        stated(claim, "9,000", 3)

    chosen = editor_client.get(queue_url(), {"topic": kursk.topic.slug})
    unknown = editor_client.get(queue_url(), {"topic": "no-such-topic"})

    assert [d.claim for d in chosen.context["object_list"]] == [kursk]
    assert f'<option value="{kursk.topic.slug}" selected>Kursk</option>' in (
        chosen.content.decode()
    )
    assert unknown.status_code == 200
    assert list(unknown.context["object_list"]) == []
    assert "Select a valid choice" in unknown.content.decode()
