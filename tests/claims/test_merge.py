"""Merging a duplicate source or claim (issue 25): through the services, from the
admin's action and its confirmation page, and as readers and the API then see it."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.urls import reverse

from claims.interchange import exports
from claims.interchange.imports import assertions_import
from claims.models import Assertion, Claim, Discrepancy
from claims.pipeline import services
from claims.review import services as review_services
from sources import services as source_services
from sources.models import Source, SourceAlias
from tests.factories import ClaimFactory, DocumentFactory, SourceFactory, UserFactory
from tests.support.imports import csv_of
from tests.support.imports import row as import_row

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 10, 1)


def figure(claim, source, figure="3,000", day=DAY, **fields):
    return services.assertion_create(
        claim=claim,
        source=source,
        stated_on=day,
        figure=figure,
        quote=f"{figure} troops",
        **fields,
    )


@pytest.fixture
def hur():
    return (
        Source.objects.create(
            name="Ukrainian military intelligence (HUR)",
            slug="hur-full",
            kind="intelligence",
        ),
        Source.objects.create(name="HUR", slug="hur", kind="intelligence"),
    )


def test_merging_a_source_moves_its_figures_documents_and_aliases(hur):
    into, duplicate = hur
    claim = ClaimFactory()
    moved = figure(claim, duplicate, "11,000")
    SourceAlias.objects.create(source=duplicate, name="GUR")
    document = DocumentFactory(publisher=duplicate)

    source_services.source_merge(source=duplicate, into=into, reason="Same agency.")

    moved.refresh_from_db()
    document.refresh_from_db()
    duplicate.refresh_from_db()
    assert moved.source == into
    assert document.publisher == into
    assert set(into.aliases.values_list("name", flat=True)) == {"GUR", "HUR"}
    assert duplicate.merged_into == into
    assert Claim.objects.get(pk=claim.pk).source_count == 1


def test_merging_sources_keeps_both_rows_and_their_history_names_who_and_why(hur):
    into, duplicate = hur
    user = UserFactory(username="rita")

    source_services.source_merge(
        source=duplicate, into=into, reason="HUR is its acronym.", user=user
    )

    for row in (duplicate, into):
        record = row.history.first()
        assert record.history_user == user
        assert "HUR is its acronym." in record.history_change_reason
        assert "Merged “HUR” into" in record.history_change_reason
    assert Source.objects.filter(pk=duplicate.pk).exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_merge_without_a_reason_is_refused(hur, reason):
    into, duplicate = hur

    with pytest.raises(ValidationError) as refused:
        source_services.source_merge(source=duplicate, into=into, reason=reason)

    assert "reason" in refused.value.message_dict
    assert Source.objects.get(pk=duplicate.pk).merged_into is None


def test_a_source_cannot_be_merged_into_itself(hur):
    into, _ = hur

    with pytest.raises(ValidationError, match="cannot be merged into itself"):
        source_services.source_merge(source=into, into=into, reason="Same.")


def test_a_merge_into_an_already_merged_source_is_refused_naming_both(hur):
    into, duplicate = hur
    third = SourceFactory(name="GUR")
    source_services.source_merge(source=duplicate, into=into, reason="Same.")

    with pytest.raises(ValidationError) as refused:
        source_services.source_merge(source=third, into=duplicate, reason="Same.")

    assert "“HUR” was already merged into “Ukrainian military intelligence (HUR)”" in (
        " ".join(refused.value.messages)
    )
    assert Source.objects.get(pk=third.pk).merged_into is None


def test_merging_twice_is_refused(hur):
    into, duplicate = hur
    source_services.source_merge(source=duplicate, into=into, reason="Same.")

    with pytest.raises(ValidationError, match="already merged"):
        source_services.source_merge(source=duplicate, into=into, reason="Same.")


def test_the_same_figure_under_both_names_is_retracted_once_naming_the_kept_one(hur):
    into, duplicate = hur
    claim = ClaimFactory()
    kept = figure(claim, into, "11,000")
    twin = figure(claim, duplicate, "11,000")

    source_services.source_merge(source=duplicate, into=into, reason="Same.")

    twin.refresh_from_db()
    assert twin.status == Assertion.Status.RETRACTED
    assert f"#{kept.pk}" in twin.retraction_reason
    assert Assertion.objects.published().filter(claim=claim).count() == 1


def test_a_figure_relayed_by_the_other_source_refuses_the_merge_naming_it(hur):
    into, duplicate = hur
    relayed = figure(ClaimFactory(), into, "9,000", relayed_by=duplicate)

    with pytest.raises(ValidationError, match=f"#{relayed.pk}"):
        source_services.source_merge(source=duplicate, into=into, reason="Same.")

    assert Source.objects.get(pk=duplicate.pk).merged_into is None


def test_a_source_that_belongs_to_the_other_cannot_be_merged_into_it(hur):
    into, duplicate = hur
    into.parent = duplicate
    into.save()

    with pytest.raises(ValidationError, match="belongs to"):
        source_services.source_merge(source=duplicate, into=into, reason="Same.")


def test_a_figure_for_a_merged_source_is_refused_naming_the_one_to_choose(hur):
    into, duplicate = hur
    source_services.source_merge(source=duplicate, into=into, reason="Same.")

    with pytest.raises(ValidationError) as refused:
        figure(ClaimFactory(), Source.objects.get(pk=duplicate.pk))

    assert "choose “Ukrainian military intelligence (HUR)”" in str(
        refused.value.message_dict["source"]
    )


def test_the_merged_name_finds_the_source_it_joined(hur):
    into, duplicate = hur
    source_services.source_merge(source=duplicate, into=into, reason="Same.")

    assert list(Source.objects.matching("hur")) == [into]


def test_a_merged_sources_page_and_api_detail_redirect_permanently(client, hur):
    into, duplicate = hur
    figure(ClaimFactory(), duplicate)
    source_services.source_merge(source=duplicate, into=into, reason="Same.")

    page = client.get(reverse("sources:detail", args=["hur"]))
    api = client.get(reverse("api:source-detail", args=["hur"]))

    assert page.status_code == 301
    assert page["Location"] == reverse("sources:detail", args=["hur-full"])
    assert api.status_code == 301
    assert api["Location"] == reverse("api:source-detail", args=["hur-full"])
    assert client.get(page["Location"]).status_code == 200


def test_a_merged_source_leaves_the_lists_search_and_api_list(client, hur):
    into, duplicate = hur
    duplicate.name = "HUR duplicate"
    duplicate.save()
    figure(ClaimFactory(), duplicate)
    source_services.source_merge(source=duplicate, into=into, reason="Same.")

    listed = client.get(reverse("sources:list")).content.decode()
    found = client.get(reverse("search"), {"q": "duplicate"}).content.decode()
    api = client.get(reverse("api:source-list")).json()

    assert reverse("sources:detail", args=["hur"]) not in listed
    assert reverse("sources:detail", args=["hur-full"]) in found
    assert reverse("sources:detail", args=["hur"]) not in found
    assert [row["slug"] for row in api["results"]] == ["hur-full"]


def test_merging_claims_moves_figures_and_the_judgement(client):
    into, duplicate = ClaimFactory(slug="troops"), ClaimFactory(slug="troops-2")
    low, high = SourceFactory(), SourceFactory()
    figure(duplicate, low, "1,000")
    figure(duplicate, high, "9,000")
    review_services.discrepancy_judge(
        discrepancy=Discrepancy.objects.pending().get(claim=duplicate),
        state="explained",
        note="Different scopes.",
        user=UserFactory(is_superuser=True),
    )

    services.claim_merge(claim=duplicate, into=into, reason="Same quantity.")

    into.refresh_from_db()
    assert into.assertion_count == 2
    judged = Discrepancy.objects.get(state="explained")
    assert judged.claim == into
    assert Claim.objects.get(pk=duplicate.pk).merged_into == into
    page = client.get(reverse("claims:detail", args=["troops-2"]))
    assert page.status_code == 301
    assert page["Location"] == reverse("claims:detail", args=["troops"])


def test_a_claim_merged_into_one_merged_later_leads_to_where_that_went(client):
    """A → B, then B → C: A now names C, with a history record, so that its old link,
    an import naming its old title and the logging screen all reach C at once."""
    kept = ClaimFactory(title="Troops in Kursk", slug="troops-in-kursk")
    middle, old = ClaimFactory(title="Kursk troops"), ClaimFactory(slug="old")
    services.claim_merge(claim=old, into=middle, reason="Same claim.")

    services.claim_merge(claim=middle, into=kept, reason="Same quantity.")

    old.refresh_from_db()
    assert old.merged_into == kept
    assert old.history.first().history_change_reason.startswith("Merged “Kursk")
    page = client.get(reverse("claims:detail", args=["old"]))
    assert page["Location"] == reverse("claims:detail", args=["troops-in-kursk"])
    summary = assertions_import(data=csv_of(import_row(claim=old.title)))
    assert summary.rows == 1
    assert Assertion.objects.get().claim == kept


def test_merging_claims_retracts_a_figure_then_stated_twice():
    into, duplicate = ClaimFactory(), ClaimFactory()
    source = SourceFactory()
    kept = figure(into, source, "5,000")
    twin = figure(duplicate, source, "5,000")

    services.claim_merge(claim=duplicate, into=into, reason="Same quantity.")

    twin.refresh_from_db()
    assert (twin.claim, twin.status) == (into, Assertion.Status.RETRACTED)
    assert f"#{kept.pk}" in twin.retraction_reason


def test_a_merged_claims_feed_chart_and_api_redirect_and_it_leaves_lists(client):
    into, duplicate = ClaimFactory(slug="troops"), ClaimFactory(slug="old-troops")
    figure(duplicate, SourceFactory())
    services.claim_merge(claim=duplicate, into=into, reason="Same quantity.")

    for name in ("feeds:claim", "claims:chart", "api:claim-detail"):
        answer = client.get(reverse(name, args=["old-troops"]))
        assert answer.status_code == 301, name
        assert answer["Location"] == reverse(name, args=["troops"])
    listed = client.get(reverse("claims:list")).content.decode()
    assert "old-troops" not in listed
    assert "/claims/troops/" in listed


def test_an_unknown_slug_is_still_not_found(client):
    assert client.get(reverse("claims:detail", args=["nothing"])).status_code == 404
    assert client.get(reverse("sources:detail", args=["nothing"])).status_code == 404


def _action(client, model, rows, **data):
    return client.post(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"),
        {
            "action": "merge_selected",
            ACTION_CHECKBOX_NAME: [r.pk for r in rows],
            **data,
        },
    )


def test_the_confirmation_page_shows_what_moves_before_anything_is_merged(
    researcher_client, hur
):
    into, duplicate = hur
    claim = ClaimFactory(title="North Korean troops in Russia")
    figure(claim, into, "11,000")
    figure(claim, duplicate, "11,000")
    DocumentFactory(publisher=duplicate, title="HUR briefing")

    page = _action(
        researcher_client, Source, hur, into=into.pk, reason="Same.", preview="1"
    )

    text = page.content.decode()
    assert page.status_code == 200
    assert "Figures that would appear twice (1)" in text
    assert "HUR briefing" in text
    assert "“HUR” becomes an alias" in text
    assert Source.objects.get(pk=duplicate.pk).merged_into is None


def test_the_action_merges_once_the_previewed_choice_is_confirmed(
    researcher_client, researcher, hur
):
    into, duplicate = hur

    _action(
        researcher_client,
        Source,
        hur,
        into=into.pk,
        reason="Same.",
        previewed=into.pk,
        merge="1",
    )

    duplicate.refresh_from_db()
    assert duplicate.merged_into == into
    assert duplicate.history.first().history_user == researcher


def test_a_merge_confirmed_for_another_choice_only_shows_the_new_plan(
    researcher_client, hur
):
    into, duplicate = hur

    page = _action(
        researcher_client,
        Source,
        hur,
        into=duplicate.pk,
        reason="Same.",
        previewed=into.pk,
        merge="1",
    )

    assert page.status_code == 200
    assert "Merging “Ukrainian military intelligence (HUR)” into “HUR”" in (
        page.content.decode()
    )
    assert not Source.objects.filter(merged_into__isnull=False).exists()


def test_an_editor_cannot_merge(editor_client, hur):
    into, duplicate = hur

    page = _action(
        editor_client,
        Source,
        hur,
        into=into.pk,
        reason="x",
        previewed=into.pk,
        merge="1",
    )

    # The action is not offered to them: no confirmation page, nothing merged.
    assert "Merging “" not in page.content.decode()
    assert Source.objects.get(pk=duplicate.pk).merged_into is None


def test_an_anonymous_post_is_sent_to_sign_in(client, hur):
    into, duplicate = hur

    page = _action(client, Source, hur, into=into.pk, reason="x", previewed=into.pk)

    assert page.status_code == 302
    assert Source.objects.get(pk=duplicate.pk).merged_into is None


def test_the_merge_action_needs_the_csrf_token(researcher, hur):
    from django.test import Client

    into, duplicate = hur
    client = Client(enforce_csrf_checks=True)
    client.force_login(researcher)

    page = _action(
        client, Source, hur, into=into.pk, reason="x", previewed=into.pk, merge="1"
    )

    assert page.status_code == 403
    assert Source.objects.get(pk=duplicate.pk).merged_into is None


def test_the_claim_merge_page_warns_of_different_units(researcher_client):
    rows = [ClaimFactory(unit="troops"), ClaimFactory(unit="soldiers")]

    page = _action(
        researcher_client, Claim, rows, into=rows[0].pk, reason="Same.", preview="1"
    )

    assert "They count different units" in page.content.decode()


def test_the_confirmation_page_queries_stay_bounded(
    researcher_client, hur, django_assert_max_num_queries
):
    into, duplicate = hur
    for n in range(8):
        claim = ClaimFactory()
        figure(claim, duplicate, f"{n + 1},000")
        figure(claim, into, f"{n + 1},000")
        DocumentFactory(publisher=duplicate)

    with django_assert_max_num_queries(40):
        page = _action(
            researcher_client, Source, hur, into=into.pk, reason="x", preview="1"
        )

    assert "Figures that would appear twice (8)" in page.content.decode()


def test_a_merged_source_is_read_not_edited_in_the_admin(researcher_client, hur):
    into, duplicate = hur
    source_services.source_merge(source=duplicate, into=into, reason="Same agency.")
    url = reverse("admin:sources_source_change", args=[duplicate.pk])

    page = researcher_client.get(url).content.decode()
    refused = researcher_client.post(url, {"name": "HUR, edited", "kind": "media"})

    assert 'name="name"' not in page  # its values shown as text
    assert "Ukrainian military intelligence (HUR)" in page  # what it joined
    assert refused.status_code == 403
    assert Source.objects.get(pk=duplicate.pk).name == "HUR"


def test_a_file_naming_a_merged_claim_and_the_claim_it_joined_imports_once():
    """Two rows of one statement, one under the merged claim's old title and one
    under the title of the claim it joined, are one figure: the second is skipped
    as repeated, in the preview as in the import (it was an IntegrityError)."""
    kept = ClaimFactory(title="North Korean troops in Russia", unit="troops")
    duplicate = ClaimFactory(title="NK troops in Russia (dup)", unit="troops")
    services.claim_merge(claim=duplicate, into=kept, reason="The same count.")
    data = csv_of(
        import_row(claim="NK troops in Russia (dup)", figure="7,777"),
        import_row(claim="North Korean troops in Russia", figure="7,777"),
    )

    preview = assertions_import(data=data, dry_run=True)
    summary = assertions_import(data=data)

    for result in (preview, summary):
        assert result.created["assertions"] == 1
        assert result.skipped["assertions"] == 1
    assert list(kept.assertions.values_list("figure", flat=True)) == ["7,777"]


def test_a_merged_claims_export_imports_again_as_already_present():
    """A merge retracts a figure the kept claim states too ("A duplicate of …"),
    beside the published one: the export of both imports again adding nothing
    (it was refused: "this figure is recorded as published")."""
    kept = ClaimFactory(title="Troops in Kursk", unit="troops")
    duplicate = ClaimFactory(title="Troops in Kursk oblast", unit="troops")
    source = SourceFactory()
    figure(kept, source, "11,000")
    figure(duplicate, source, "11,000")
    services.claim_merge(claim=duplicate, into=kept, reason="The same count.")
    assert kept.assertions.retracted().count() == 1
    before = Assertion.objects.count()
    text = "".join(exports.csv_text(exports.exported_assertions()))

    summary = assertions_import(data=text)

    assert summary.created["assertions"] == 0
    assert summary.skipped["assertions"] == 2
    assert Assertion.objects.count() == before
