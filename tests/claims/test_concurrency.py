"""Two people editing the same row: the second save is refused, names what changed,
and keeps the second person's input for a deliberate retry (claims/concurrency.py)."""

import pytest
from django.urls import reverse

from claims import concurrency
from claims.concurrency import EditConflict
from claims.models import Assertion, Claim, Discrepancy
from tests.factories import ClaimFactory, stated
from tests.support.accounts import admin_form, signed_in
from tests.support.accounts import member as staff_member

pytestmark = pytest.mark.django_db


def member(username, group):
    return signed_in(staff_member(username, group))


@pytest.fixture
def two_researchers():
    return member("rita", "Researchers"), member("ralph", "Researchers")


@pytest.fixture
def two_editors():
    return member("eddie", "Editors"), member("edna", "Editors")


def both_open_an_assertion(first, second):
    """Return an assertion, its admin page, and the form as each client opened it."""
    # The quote states both figures the researchers will write (issue 24's rule).
    quote = "They said 1,500 at first, then up to 1,500."
    assertion = stated(ClaimFactory(), "1,500", 18, quote=quote)
    url = reverse("admin:claims_assertion_change", args=[assertion.pk])
    return assertion, url, admin_form(first.get(url)), admin_form(second.get(url))


def test_second_researcher_saving_an_assertion_is_refused_with_the_change_named(
    two_researchers,
):
    rita, ralph = two_researchers
    assertion, url, ritas, ralphs = both_open_an_assertion(rita, ralph)

    first = rita.post(url, {**ritas, "figure": "up to 1,500"})
    second = ralph.post(url, {**ralphs, "notes": "Checked against the NIS briefing."})

    assert first.status_code == 302
    assert second.status_code == 200
    page = second.content.decode()
    assert "rita saved this assertion" in page
    assert "Figure: “1,500” → “up to 1,500”" in page
    assertion.refresh_from_db()
    assert (assertion.figure, assertion.notes) == ("up to 1,500", "")


def test_refused_researcher_keeps_their_input_and_can_save_it_knowingly(
    two_researchers,
):
    rita, ralph = two_researchers
    assertion, url, ritas, ralphs = both_open_an_assertion(rita, ralph)
    rita.post(url, {**ritas, "figure": "up to 1,500"})
    refused = ralph.post(url, {**ralphs, "notes": "Checked against the briefing."})

    retry = ralph.post(url, admin_form(refused))

    assert admin_form(refused)["notes"] == "Checked against the briefing."
    assert retry.status_code == 302
    assertion.refresh_from_db()
    assert assertion.notes == "Checked against the briefing."
    assert assertion.history.count() == 3


def test_second_researcher_saving_a_claim_is_refused(two_researchers):
    rita, ralph = two_researchers
    claim = ClaimFactory(title="North Korean troops in Russia")
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    inline_management = {
        f"{prefix}-{key}": "0"
        for prefix in ("assertions", "assertions-2")
        for key in ("TOTAL_FORMS", "INITIAL_FORMS")
    }
    ritas, ralphs = admin_form(rita.get(url)), admin_form(ralph.get(url))

    rita.post(url, {**ritas, **inline_management, "scope": "Deployed in Kursk."})
    second = ralph.post(url, {**ralphs, **inline_management, "unit": "soldiers"})

    assert second.status_code == 200
    assert "Scope: (empty) → “Deployed in Kursk.”" in second.content.decode()
    claim.refresh_from_db()
    assert (claim.scope, claim.unit) == ("Deployed in Kursk.", "troops")


def test_saving_from_a_stale_copy_raises_and_changes_nothing():
    assertion = stated(ClaimFactory(), "1,500", 18)
    mine, theirs = (Assertion.objects.get(pk=assertion.pk) for _ in range(2))
    theirs.notes = "theirs"
    theirs.save()

    mine.notes = "mine"
    with pytest.raises(EditConflict):
        mine.save()

    assertion.refresh_from_db()
    assert (assertion.notes, assertion.version) == ("theirs", 2)


def test_derived_updates_do_not_count_as_edits():
    claim = ClaimFactory()
    version = Claim.objects.get(pk=claim.pk).version

    stated(claim, "1,000", 2)  # refreshes the claim's summary fields

    assert Claim.objects.get(pk=claim.pk).version == version


@pytest.fixture
def conflict():
    claim = ClaimFactory()
    stated(claim, "1,000", 2)
    stated(claim, "9,000", 3)
    return Discrepancy.objects.live().get(claim=claim)


def test_second_editor_judging_a_discrepancy_is_refused(conflict, two_editors):
    eddie, edna = two_editors
    url = conflict.get_absolute_url()
    seen = edna.get(url).context["form"]["version"].value()
    eddie.post(
        url,
        {"state": "explained", "note": "Different units.", "version": seen},
    )

    second = edna.post(
        url, {"state": "dismissed", "note": "Not a conflict.", "version": seen}
    )

    page = second.content.decode()
    assert second.status_code == 400
    assert "eddie saved this discrepancy" in page
    assert "State: “Open” → “Explained (different scope, date or definition)”" in page
    assert "Note: (empty) → “Different units.”" in page
    assert "Not a conflict." in page  # edna's note is still in the form
    conflict.refresh_from_db()
    assert (conflict.state, conflict.note) == ("explained", "Different units.")


def test_second_editor_assigning_a_discrepancy_is_refused(conflict, two_editors):
    eddie, edna = two_editors
    seen = edna.get(conflict.get_absolute_url()).context["assign_form"]
    seen = seen["version"].value()
    url = reverse("review:assign", args=[conflict.pk])
    eddie.post(url, {"to_me": "1", "version": seen})

    response = edna.post(url, {"to_me": "1", "version": seen}, follow=True)

    assert "eddie saved this discrepancy" in response.content.decode()
    conflict.refresh_from_db()
    assert conflict.assigned_to.username == "eddie"


def test_conflict_message_lists_who_and_what():
    lines = concurrency.describe(
        thing="assertion",
        editors=["rita", "ralph"],
        when="at 14:05 on 23 Nov 2026 (UTC)",
        changes=[concurrency.Change("Figure", "“1,500”", "“3,000”")],
    )

    assert lines[0].startswith("rita and ralph saved this assertion at 14:05")
    assert lines[1] == "They changed: Figure: “1,500” → “3,000”."
    assert "Save again" in lines[2]


def test_conflict_message_without_a_known_editor_still_refuses_clearly():
    lines = concurrency.describe(thing="claim", editors=[], when="now", changes=[])

    assert lines[0].startswith("Someone else saved this claim")
    assert len(lines) == 2
