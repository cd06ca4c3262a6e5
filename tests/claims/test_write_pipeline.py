"""Every write path, end to end: right after the write, the claim's stored summary,
its open discrepancy and the reader's cached claim page all show the change
(claims/pipeline/services.py, claims/pipeline/derive.py, claims/reader/caching.py;
issue 12).

Each test opens the claim page as an anonymous reader before the write, so the page
sits in the cache, and opens it again after: the second page proves the change
stamp moved, not merely that a fresh render is right.
"""

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from claims.admin.forms import AssertionForm
from claims.interchange import csvformat
from claims.interchange.imports import assertions_import
from claims.models import Assertion, Claim, Discrepancy
from claims.pipeline import services
from claims.review import services as review_services
from tests.factories import ClaimFactory, SourceFactory, stated
from tests.support.accounts import admin_form, member

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:claims_assertion_add")
CHANGELIST_URL = reverse("admin:claims_assertion_changelist")
LOW_VS_HIGH = "“1,234” (Ukrainian intelligence) against “9,876” (Pentagon)"


@pytest.fixture
def claim():
    """A claim whose two sources are far apart: 1,234 on 10 Oct against 9,876 on 20
    Oct, so it has an open discrepancy."""
    claim = ClaimFactory(title="North Korean troops in Russia")
    stated(claim, "1,234", 10, source=SourceFactory(name="Ukrainian intelligence"))
    stated(claim, "9,876", 20, source=SourceFactory(name="Pentagon"))
    return claim


def figure(claim, text) -> Assertion:
    return Assertion.objects.get(claim=claim, figure=text)


def reader_page(claim) -> str:
    """Return the claim page as an anonymous reader gets it, through the cache."""
    response = Client().get(claim.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def stored_summary(claim) -> tuple:
    """Return the claim's stored count, current low and current high."""
    claim.refresh_from_db()
    return claim.assertion_count, claim.current_low, claim.current_high


def open_pair(claim) -> tuple[str, str] | None:
    """Return the figures of the claim's one live discrepancy, or None."""
    live = list(
        Discrepancy.objects.live()
        .filter(claim=claim)
        .select_related("assertion_low", "assertion_high")
    )
    assert len(live) <= 1, "a claim has at most one live discrepancy"
    if not live:
        return None
    return live[0].assertion_low.figure, live[0].assertion_high.figure


def assertion_data(assertion, **changes) -> dict:
    """Return the assertion's admin form as filled in now, with `changes`."""
    fields = model_to_dict(assertion, fields=AssertionForm._meta.fields)
    data = {name: value for name, value in fields.items() if value is not None}
    return {**data, "seen_version": assertion.version, **changes}


def history_url(row, record) -> str:
    name = f"admin:claims_{row._meta.model_name}_simple_history"
    return reverse(name, args=[row.pk, record.history_id])


# The cache itself: without a write through the pipeline the page stays as it was.


def test_claim_page_stays_cached_when_a_write_bypasses_the_pipeline(claim):
    reader_page(claim)

    Assertion.objects.filter(figure="9,876").update(figure="5,555")
    page = reader_page(claim)

    assert "9,876" in page
    assert "5,555" not in page


# Admin: the assertion's own form, deletion and the retract action.


def test_assertion_added_in_admin_shows_at_once(claim, researcher_client):
    reader_page(claim)
    data = {
        "claim": claim.pk,
        "source": SourceFactory(name="South Korea NIS").pk,
        "stated_on": "2024-10-25",
        "date_precision": "day",
        "figure": "34,567",
        "quote": "The NIS said 34,567 troops were there.",
        "credibility": "6",
        "status": "published",
    }

    response = researcher_client.post(ADD_URL, data)

    assert response.status_code == 302
    assert stored_summary(claim) == (3, 1234, 34567)
    assert open_pair(claim) == ("1,234", "34,567")
    page = reader_page(claim)
    assert "34,567" in page
    assert "“1,234” (Ukrainian intelligence) against “34,567” (South Korea NIS)" in page


def test_assertion_changed_in_admin_shows_at_once(claim, researcher_client):
    reader_page(claim)
    url = reverse("admin:claims_assertion_change", args=[figure(claim, "9,876").pk])
    data = {
        **admin_form(researcher_client.get(url)),
        "figure": "23,456",
        "quote": "They said 23,456.",
    }

    response = researcher_client.post(url, data)

    assert response.status_code == 302
    assert stored_summary(claim) == (2, 1234, 23456)
    assert open_pair(claim) == ("1,234", "23,456")
    page = reader_page(claim)
    assert "9,876" not in page
    assert "“1,234” (Ukrainian intelligence) against “23,456” (Pentagon)" in page


def test_assertion_deleted_by_superuser_leaves_summary_and_page(
    claim, superuser_client
):
    # Only a figure outside the conflict can go: discrepancies protect their two.
    middle = stated(claim, "4,321", 15, source=SourceFactory(name="Brookings"))
    reader_page(claim)
    url = reverse("admin:claims_assertion_delete", args=[middle.pk])

    response = superuser_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Assertion.objects.filter(pk=middle.pk).exists()
    assert stored_summary(claim) == (2, 1234, 9876)
    assert open_pair(claim) == ("1,234", "9,876")
    page = reader_page(claim)
    assert "4,321" not in page
    assert "Brookings" not in page
    assert LOW_VS_HIGH in page


def test_assertion_retracted_with_the_admin_action_leaves_summary_and_page(
    claim, researcher_client
):
    reader_page(claim)
    data = {
        "action": "retract_selected",
        "_selected_action": [figure(claim, "9,876").pk],
        "apply": "1",
        "reason": "Misattributed: the Pentagon never said it.",
    }

    response = researcher_client.post(CHANGELIST_URL, data)

    assert response.status_code == 302
    assert figure(claim, "9,876").status == Assertion.Status.RETRACTED
    assert stored_summary(claim) == (1, 1234, 1234)
    assert open_pair(claim) is None
    page = reader_page(claim)
    # Struck through with its reason (issue 24), in no comparison.
    assert "<del>9,876</del>" in page and "Misattributed" in page
    assert page.count("9,876") == page.count("<del>9,876</del>") + page.count(
        "<del>They said 9,876.</del>"
    )
    assert 'id="discrepancy"' not in page


# Admin: the claim's form, its threshold and its inline assertions.


def test_claim_threshold_raised_in_admin_closes_the_discrepancy(
    claim, researcher_client
):
    reader_page(claim)
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    data = {**admin_form(researcher_client.get(url)), "discrepancy_ratio": "10"}

    response = researcher_client.post(url, data)

    assert response.status_code == 302
    assert stored_summary(claim) == (2, 1234, 9876)
    assert open_pair(claim) is None
    assert 'id="discrepancy"' not in reader_page(claim)


def test_claim_threshold_lowered_in_admin_opens_a_discrepancy(researcher_client):
    claim = ClaimFactory()
    stated(claim, "1,234", 10, source=SourceFactory(name="Ukrainian intelligence"))
    stated(claim, "1,600", 20, source=SourceFactory(name="Pentagon"))
    assert open_pair(claim) is None  # 1.3 apart, under the default threshold
    reader_page(claim)
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    data = {**admin_form(researcher_client.get(url)), "discrepancy_ratio": "1.2"}

    response = researcher_client.post(url, data)

    assert response.status_code == 302
    assert open_pair(claim) == ("1,234", "1,600")
    assert "“1,234” (Ukrainian intelligence) against “1,600” (Pentagon)" in (
        reader_page(claim)
    )


def test_assertion_added_inline_on_the_claim_form_shows_at_once(
    claim, researcher_client
):
    reader_page(claim)
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    data = admin_form(researcher_client.get(url))
    data.update(
        {
            "assertions-2-0-source": SourceFactory(name="South Korea NIS").pk,
            "assertions-2-0-stated_on": "2024-10-25",
            "assertions-2-0-date_precision": "day",
            "assertions-2-0-figure": "567",
            "assertions-2-0-quote": "The NIS said 567 troops were there.",
            "assertions-2-0-status": "published",
        }
    )

    response = researcher_client.post(url, data)

    assert response.status_code == 302
    assert stored_summary(claim) == (3, 567, 9876)
    assert open_pair(claim) == ("567", "9,876")
    assert "“567” (South Korea NIS) against “9,876” (Pentagon)" in reader_page(claim)


# History: reverting to an older version.


def test_assertion_reverted_to_an_older_version_shows_at_once(
    claim, researcher, researcher_client
):
    assertion = figure(claim, "9,876")
    original = assertion.history.get()
    assertion.figure, assertion.quote = "23,456", "They said 23,456."
    services.assertion_save(assertion=assertion, user=researcher)
    assertion.notes = "Checked against the briefing."
    services.assertion_save(assertion=assertion, user=researcher)
    reader_page(claim)
    url = history_url(assertion, original)
    data = admin_form(researcher_client.get(url))

    response = researcher_client.post(url, data)

    assert response.status_code == 302
    assertion.refresh_from_db()
    assert (assertion.figure, assertion.notes) == ("9,876", "")
    assert stored_summary(claim) == (2, 1234, 9876)
    assert open_pair(claim) == ("1,234", "9,876")
    page = reader_page(claim)
    assert "23,456" not in page
    assert LOW_VS_HIGH in page


def test_claim_reverted_to_an_older_version_shows_at_once(
    claim, researcher, researcher_client
):
    original = claim.history.earliest("history_date")
    claim.refresh_from_db()
    claim.title, claim.discrepancy_ratio = "Troops in Kursk", 10
    services.claim_save(claim=claim, user=researcher)
    assert open_pair(claim) is None
    reader_page(claim)
    url = history_url(claim, original)
    data = admin_form(researcher_client.get(url))

    response = researcher_client.post(url, data)

    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.title, claim.discrepancy_ratio) == (
        "North Korean troops in Russia",
        None,
    )
    assert stored_summary(claim) == (2, 1234, 9876)
    assert open_pair(claim) == ("1,234", "9,876")
    page = reader_page(claim)
    assert "Troops in Kursk" not in page
    assert LOW_VS_HIGH in page


def test_editor_reverting_a_discrepancy_to_an_older_judgement_is_recorded_as_judge(
    claim, editor, editor_client
):
    discrepancy = Discrepancy.objects.live().get(claim=claim)
    for state, note, username in [
        ("explained", "Counted at different dates.", "edna"),
        ("dismissed", "Not a real conflict.", "ed"),
    ]:
        review_services.discrepancy_judge(
            discrepancy=discrepancy,
            state=state,
            note=note,
            user=member(username, "Editors"),
        )
    explained = discrepancy.history.filter(state="explained").get()
    reader_page(claim)

    response = editor_client.post(history_url(discrepancy, explained), {})

    assert response.status_code == 302
    discrepancy.refresh_from_db()
    assert (discrepancy.state, discrepancy.note, discrepancy.judged_by) == (
        "explained",
        "Counted at different dates.",
        editor,
    )
    assert stored_summary(claim) == (2, 1234, 9876)
    assert open_pair(claim) == ("1,234", "9,876")
    page = reader_page(claim)
    assert "Discrepancy explained" in page
    assert "Counted at different dates." in page
    assert "Not a real conflict." not in page


# Imports, the seed loader and edits shown on claim pages.


def test_csv_import_shows_at_once(claim, researcher):
    reader_page(claim)
    row = {
        "claim": "North Korean troops in Russia",
        "unit": "troops",
        "topic": claim.topic.name,
        "source": "South Korea NIS",
        "source_kind": "intelligence",
        "stated_on": "2024-10-25",
        "figure": "34,567",
        "quote": "The NIS said 34,567 troops were there.",
        "document_title": "NIS briefing",
        "document_url": "https://example.org/nis",
        "document_published_on": "2024-10-26",
    }
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=csvformat.REQUIRED)
    writer.writeheader()
    writer.writerow(row)

    assertions_import(data=buffer.getvalue(), user=researcher)

    assert stored_summary(claim) == (3, 1234, 34567)
    assert open_pair(claim) == ("1,234", "34,567")
    page = reader_page(claim)
    assert "“1,234” (Ukrainian intelligence) against “34,567” (South Korea NIS)" in page


# Through the services on purpose: the loader is a writer like the others, and what
# follows its writes (summaries, detection, the page cache) must follow here too.
def test_seed_loader_adds_to_an_existing_claim_and_shows_at_once():
    claim = ClaimFactory(
        slug="north-korean-troops-in-russia", title="North Korean troops in Russia"
    )
    stated(claim, "1,234", 5, source=SourceFactory(name="Early desk"))
    reader_page(claim)

    call_command("load_seed", stdout=io.StringIO())

    # 11 seed figures + 1; the stored ends are sort keys: the lowest estimate's low
    # end and the highest's high end ("closer to 12,000" is read up to 13,200).
    assert stored_summary(claim) == (12, 1234, 13200)
    assert open_pair(claim) == ("1,234", "closer to 12,000")
    page = reader_page(claim)
    assert "closer to 12,000" in page
    assert "“1,234” (Early desk) against “closer to 12,000”" in page


def test_source_renamed_in_admin_shows_at_once(claim, researcher_client):
    reader_page(claim)
    source = figure(claim, "9,876").source
    url = reverse("admin:sources_source_change", args=[source.pk])
    data = {**admin_form(researcher_client.get(url)), "name": "US Department of War"}

    response = researcher_client.post(url, data)

    assert response.status_code == 302
    assert stored_summary(claim) == (2, 1234, 9876)
    assert open_pair(claim) == ("1,234", "9,876")
    page = reader_page(claim)
    assert "(US Department of War)" in page
    assert "(Pentagon)" not in page


def test_judgement_on_the_review_page_shows_at_once(claim, editor, editor_client):
    discrepancy = Discrepancy.objects.live().get(claim=claim)
    reader_page(claim)
    url = reverse("review:detail", args=[discrepancy.pk])
    version = editor_client.get(url).context["form"]["version"].value()

    response = editor_client.post(
        url,
        {
            "state": "explained",
            "note": "Counted at different dates.",
            "version": version,
        },
    )

    assert response.status_code == 302
    discrepancy.refresh_from_db()
    assert (discrepancy.state, discrepancy.judged_by) == ("explained", editor)
    assert open_pair(claim) == ("1,234", "9,876")
    page = reader_page(claim)
    assert "Discrepancy explained" in page
    assert "Counted at different dates." in page


# Who may revert: change permission on the model, or the editors' workflow.


def test_editor_with_view_only_access_cannot_revert_an_assertion(claim, editor_client):
    assertion = figure(claim, "9,876")
    url = history_url(assertion, assertion.history.get())

    response = editor_client.post(url, assertion_data(assertion, figure="99,999"))

    assert response.status_code == 403
    assertion.refresh_from_db()
    assert (assertion.figure, assertion.version) == ("9,876", 1)
    assert stored_summary(claim) == (2, 1234, 9876)


def test_researcher_cannot_rewrite_a_judgement_through_its_history(
    claim, editor, researcher, researcher_client
):
    discrepancy = Discrepancy.objects.live().get(claim=claim)
    review_services.discrepancy_judge(
        discrepancy=discrepancy,
        state="explained",
        note="Counted at different dates.",
        user=editor,
    )
    url = history_url(discrepancy, discrepancy.history.latest("history_date"))

    response = researcher_client.post(
        url,
        {"state": "dismissed", "note": "Rewritten.", "judged_by": researcher.pk},
    )

    assert response.status_code == 403
    discrepancy.refresh_from_db()
    assert (discrepancy.note, discrepancy.judged_by) == (
        "Counted at different dates.",
        editor,
    )


@pytest.mark.parametrize("model", [Assertion, Discrepancy])
def test_anonymous_revert_is_sent_to_log_in(claim, client, model):
    row = model.objects.filter(claim=claim).latest("pk")
    url = history_url(row, row.history.latest("history_date"))

    response = client.post(url, {"figure": "99,999", "note": "Rewritten."})

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    row.refresh_from_db()
    assert row.version == 1
    assert Claim.objects.get(pk=claim.pk).current_high == 9876


def test_a_bulk_insert_in_batches_writes_each_row_once_with_its_history(researcher):
    claim = ClaimFactory()
    source = SourceFactory()
    rows = []
    for day in range(1, 6):
        row = Assertion(
            claim=claim,
            source=source,
            stated_on=datetime.date(2024, 10, day),
            figure=f"{day},000",
            quote=f"They said {day},000.",
        )
        row.normalise()
        rows.append(row)

    written = services.assertions_bulk_create(
        assertions=rows, user=researcher, reason="Bulk test", batch_size=2
    )

    assert written == 5
    stored = Assertion.objects.filter(claim=claim).order_by("stated_on")
    assert [a.pk for a in stored] == [row.pk for row in rows]
    assert [a.high for a in stored] == [1000, 2000, 3000, 4000, 5000]
    assert all(a.created_at and a.updated_at for a in stored)
    history = Assertion.history.filter(id__in=[row.pk for row in rows])
    assert sorted(history.values_list("id", "history_type")) == sorted(
        (row.pk, "+") for row in rows
    )
    assert set(history.values_list("history_user", "history_change_reason")) == {
        (researcher.pk, "Bulk test")
    }
    # The summary is derived, and the next row saved alone takes a free key.
    claim.refresh_from_db()
    assert (claim.assertion_count, claim.latest_stated_on) == (
        5,
        datetime.date(2024, 10, 5),
    )
    later = stated(claim, "6,000", 6, source=source)
    assert later.pk > max(row.pk for row in rows)


def test_batches_of_assertions_must_name_the_claims_they_touch():
    claim = ClaimFactory()
    row = Assertion(
        claim=claim,
        source=SourceFactory(),
        stated_on=datetime.date(2024, 10, 1),
        figure="1,000",
        quote="They said 1,000.",
    )
    row.normalise()

    with pytest.raises(ValueError, match="not named to be locked"):
        services.assertions_bulk_create(
            assertions=iter([[row]]), claim_ids={claim.pk + 1}, reason="x"
        )
    assert not Assertion.objects.filter(claim=claim).exists()
