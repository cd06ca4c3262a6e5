"""The screen for logging figures from one document (claims/admin/figurelog.py)."""

import datetime
import re

import pytest
from django.urls import reverse

from claims.models import Assertion, Claim
from claims.pipeline import services
from sources import services as source_services
from sources.models import Document, Source
from tests.factories import (
    ClaimFactory,
    DocumentFactory,
    SourceAliasFactory,
    SourceFactory,
    TopicFactory,
)
from tests.support.figurelog import TEXT, rows

pytestmark = pytest.mark.django_db

URL = reverse("admin:claims_assertion_log")


@pytest.fixture
def document():
    return DocumentFactory(title="October update", text=TEXT)


def test_the_screen_shows_the_documents_text_beside_blank_figures(
    researcher_client, document
):
    response = researcher_client.get(URL, {"document": document.pk})

    page = response.content.decode()
    assert "the Pentagon’s estimate was 3,000" in page
    assert page.count('class="module figure-row"') == 4


def test_preview_shows_how_each_figure_reads_and_saves_nothing(
    researcher_client, document
):
    source = SourceFactory()
    data = rows(
        {"source": source.pk, "figure": "up to 1,500", "quote": "“up to 1,500”"},
        {"source": source.pk, "figure": "10,000-12,000", "quote": "10,000 and 12,000"},
        preview="Preview",
        new_title="North Korean troops in Kursk",
        new_unit="troops",
        new_topic=TopicFactory().pk,
    )

    response = researcher_client.post(f"{URL}?document={document.pk}", data)

    page = response.content.decode()
    assert "Reads as At most: at most 1,500" in page
    assert "Reads as Range: 10,000 to 12,000" in page
    assert not Assertion.objects.exists()
    assert not Claim.objects.filter(title="North Korean troops in Kursk").exists()


def test_saving_creates_the_claim_the_sources_and_the_figures_with_history(
    researcher_client, researcher, document
):
    topic = TopicFactory()
    pentagon = SourceFactory(name="Pentagon")
    data = rows(
        {
            "new_source": "Russian MoD",
            "new_source_kind": "military",
            "figure": "up to 1,500",
            "quote": '"up to 1,500" soldiers',
            "stated_on": "2024-10-18",
        },
        {
            "source": pentagon.pk,
            "figure": "3,000",
            "quote": "the Pentagon's estimate was 3,000",
            "stated_on": "2024-10-23",
        },
        {
            "new_source": "NIS (South Korea)",
            "new_source_kind": "intelligence",
            "figure": "between 10,000 and 12,000",
            "quote": "between 10,000 and 12,000",
        },
        {
            "new_source": "russian mod",
            "new_source_kind": "military",
            "figure": "no more than 1,500",
            "quote": "“up to 1,500” soldiers crossed on 18 October",
            "stated_on": "2024-10-19",
        },
        save="Save",
        new_title="North Korean troops in Kursk",
        new_unit="troops",
        new_topic=topic.pk,
    )

    response = researcher_client.post(
        f"{URL}?document={document.pk}", data, follow=True
    )

    claim = Claim.objects.get(title="North Korean troops in Kursk")
    assertions = Assertion.objects.filter(claim=claim, document=document)
    assert assertions.count() == 4
    assert Source.objects.filter(name__iexact="russian mod").count() == 1
    assert assertions.get(figure="3,000").quote == "the Pentagon’s estimate was 3,000"
    assert {a.history.first().history_user for a in assertions} == {researcher}
    assert "Logged 4 figures" in response.content.decode()


def test_a_refused_row_saves_nothing_and_shows_the_error_on_its_field(
    researcher_client, document
):
    source = SourceFactory()
    data = rows(
        {"source": source.pk, "figure": "up to 1,500", "quote": "up to 1,500"},
        {"source": source.pk, "figure": "up to 1,500", "quote": "up to 1,500"},
        save="Save",
        new_title="North Korean troops in Kursk",
        new_unit="troops",
        new_topic=TopicFactory().pk,
    )

    response = researcher_client.post(f"{URL}?document={document.pk}", data)

    assert response.status_code == 200
    assert "already recorded" in response.content.decode()
    assert not Assertion.objects.exists()
    assert not Claim.objects.filter(title="North Korean troops in Kursk").exists()


def test_a_quote_not_in_the_document_is_refused_with_the_nearest_passage(
    researcher_client, document
):
    data = rows(
        {
            "source": SourceFactory().pk,
            "figure": "3,000",
            "quote": "the Pentagon's estimate was 4,000",
        },
        preview="Preview",
        new_title="Troops",
        new_unit="troops",
        new_topic=TopicFactory().pk,
    )

    response = researcher_client.post(f"{URL}?document={document.pk}", data)

    assert "differs at “3,000" in response.content.decode()


def test_the_live_preview_answers_how_a_figure_reads(researcher_client):
    url = reverse("admin:claims_assertion_reading")

    good = researcher_client.get(url, {"figure": "at least 3,000"}).json()
    bad = researcher_client.get(url, {"figure": "twelve-ish"}).json()

    assert good["reading"] == "At least: at least 3,000"
    assert bad["error"]


def test_editors_may_not_log_figures(editor_client, document):
    response = editor_client.get(URL, {"document": document.pk})

    assert response.status_code == 403


def test_a_new_source_named_by_an_existing_alias_is_the_existing_source(
    researcher_client, document
):
    pentagon = SourceAliasFactory(name="Pentagon").source
    data = rows(
        {
            "new_source": "pentagon",
            "new_source_kind": "military",
            "figure": "3,000",
            "quote": "the Pentagon’s estimate was 3,000",
        },
        save="Save",
        new_title="Troops",
        new_unit="troops",
        new_topic=TopicFactory().pk,
    )

    researcher_client.post(f"{URL}?document={document.pk}", data)

    assert Assertion.objects.get().source == pentagon


def test_a_merged_claims_old_title_and_source_name_log_to_what_they_joined(
    researcher_client, document
):
    # A → X → Y: a duplicate merged into a claim that was merged in its turn.
    kept, middle, old = (
        ClaimFactory(title=t) for t in ("Troops in Kursk", "Kursk troops", "Old")
    )
    services.claim_merge(claim=old, into=middle, reason="Same claim.")
    services.claim_merge(claim=middle, into=kept, reason="Same claim.")
    hur, duplicate = SourceFactory(name="HUR"), SourceFactory(name="GUR")
    source_services.source_merge(source=duplicate, into=hur, reason="Same agency.")
    data = rows(
        {
            "new_source": "gur",
            "new_source_kind": "military",
            "figure": "3,000",
            "quote": "the Pentagon’s estimate was 3,000",
        },
        save="Save",
        new_title="old",
        new_unit="troops",
        new_topic=TopicFactory().pk,
    )

    researcher_client.post(f"{URL}?document={document.pk}", data)

    figure = Assertion.objects.get()
    assert (figure.claim, figure.source) == (kept, hur)
    assert Claim.objects.count() == 3
    assert Source.objects.filter(name__iexact="gur").count() == 1


def test_two_more_rows_keep_what_was_typed(researcher_client, document):
    data = rows(
        {"source": SourceFactory().pk, "figure": "3,000", "quote": "3,000"},
        more="Two more rows",
    )

    response = researcher_client.post(f"{URL}?document={document.pk}", data)

    page = response.content.decode()
    assert page.count('class="module figure-row"') == 6
    assert 'value="3,000"' in page
    assert not Assertion.objects.exists()


@pytest.mark.parametrize("button", ["more", "preview", "save"])
@pytest.mark.parametrize("total", ["abc", "-3", "100000000"])
def test_a_tampered_row_count_is_refused_on_the_page_with_at_most_50_rows(
    researcher_client, document, total, button
):
    data = {**rows(), "form-TOTAL_FORMS": total, button: "1"}

    response = researcher_client.post(f"{URL}?document={document.pk}", data)

    assert response.status_code == 200
    assert response.content.decode().count('class="module figure-row"') <= 50
    assert not Assertion.objects.exists()


def test_every_rows_problems_are_listed_at_the_top_with_links_and_input_kept(
    researcher_client,
):
    document = DocumentFactory(text=TEXT, published_on=datetime.date(2024, 10, 30))
    source = SourceFactory()
    data = rows(
        {"source": source.pk, "figure": "3,000", "quote": "estimate was 4,000"},
        {"source": source.pk, "figure": "up to 1,500", "quote": "“up to 1,500”"},
        {
            "source": source.pk,
            "figure": "3,000",
            "quote": "estimate was 3,000",
            "stated_on": "2024-11-05",
        },
        save="Save",
        new_title="Troops",
        new_unit="troops",
        new_topic=TopicFactory().pk,
    )

    response = researcher_client.post(f"{URL}?document={document.pk}", data)

    page = response.content.decode()
    top = page[page.index('id="problems"') : page.index('id="figure-claim"')]
    assert "the 2 problems below" in top
    assert '<a href="#figure-1">Figure 1, quote</a>' in top
    assert '<a href="#figure-3">Figure 3, stated on</a>' in top
    assert "published on 30 Oct 2024" in top
    assert 'id="figure-3"' in page
    assert 'value="2024-11-05"' in page and "estimate was 4,000" in page
    assert not Assertion.objects.exists()


def test_a_date_typed_once_is_carried_to_the_next_rows(researcher_client, document):
    source = SourceFactory()
    data = rows(
        {"source": source.pk, "figure": "up to 1,500", "quote": "“up to 1,500”"},
        {"source": source.pk, "figure": "3,000", "quote": "estimate was 3,000"},
        save="Save",
        new_title="Troops",
        new_unit="troops",
        new_topic=TopicFactory().pk,
    )
    data["form-0-date_precision"] = "month"
    data["form-1-stated_on"] = ""

    researcher_client.post(f"{URL}?document={document.pk}", data)

    carried = Assertion.objects.get(figure="3,000")
    assert (carried.stated_on, carried.date_precision) == (
        datetime.date(2024, 10, 1),
        "month",
    )


def document_form(client, **fields):
    """Return the document add form's POST data: `fields` and its inlines, empty."""
    page = client.get(reverse("admin:sources_document_add")).content.decode()
    data = {
        name: "0" if kind == "TOTAL" else value
        for name, kind, value in re.findall(
            r'name="([^"]+-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)" value="(\d*)"', page
        )
    }
    return {"kind": "article", "text": TEXT, **data, **fields}


def test_a_document_added_from_the_screen_returns_to_it_chosen(researcher_client):
    add = reverse("admin:sources_document_add")
    chooser = researcher_client.get(URL).content.decode()
    assert f"{add}?next=/admin/claims/assertion/log/" in chooser

    response = researcher_client.post(
        f"{add}?next={URL}",
        document_form(researcher_client, title="Briefing of 30 October"),
        follow=True,
    )

    document = Document.objects.get(title="Briefing of 30 October")
    assert response.redirect_chain[-1][0] == f"{URL}?document={document.pk}"
    assert "Briefing of 30 October" in response.content.decode()
    assert 'class="module figure-row"' in response.content.decode()


def test_the_return_address_must_be_on_this_site(researcher_client):
    add = reverse("admin:sources_document_add")

    response = researcher_client.post(
        f"{add}?next=https://evil.example/",
        document_form(researcher_client, title="Briefing"),
    )

    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_the_source_box_searches_names_and_aliases(researcher_client, document):
    page = researcher_client.get(URL, {"document": document.pk}).content.decode()

    assert 'data-ajax--url="/admin/autocomplete/"' in page
    assert 'data-field-name="source"' in page
    assert "admin/js/autocomplete.js" in page


def test_a_figure_its_quote_does_not_state_is_refused_on_the_screen(
    researcher_client, document
):
    data = rows(
        {"source": SourceFactory().pk, "figure": "5,000", "quote": "up to 1,500"},
        save="Save",
        new_title="North Korean troops in Kursk",
        new_unit="troops",
        new_topic=TopicFactory().pk,
    )

    response = researcher_client.post(f"{URL}?document={document.pk}", data)

    assert "the figure says 5,000; the quote says up to 1,500" in (
        response.content.decode()
    )
    assert not Assertion.objects.exists()


def test_a_match_confirmed_by_hand_on_the_screen_is_saved_with_its_reason(
    researcher_client, document
):
    data = rows(
        {
            "source": SourceFactory().pk,
            "figure": "1,500",
            "quote": "up to 1,500",
            "quote_match_confirmed": "The ministry's table gives 1,500 exactly.",
        },
        save="Save",
        new_title="North Korean troops in Kursk",
        new_unit="troops",
        new_topic=TopicFactory().pk,
    )

    researcher_client.post(f"{URL}?document={document.pk}", data)

    assertion = Assertion.objects.get()
    assert assertion.quote_match_confirmed == (
        "The ministry's table gives 1,500 exactly."
    )
