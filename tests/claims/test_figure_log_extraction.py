"""The extraction assistant on the logging screen (claims/admin/figurelog.py,
issue 27): Find figures fills the rows, writes nothing; saving the kept rows records
their provenance."""

import datetime

import pytest
from django.urls import reverse

from claims.models import Assertion, Claim
from sources.models import Document, Source
from tests.factories import (
    ClaimFactory,
    DocumentFactory,
    SourceAliasFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("admin:claims_assertion_log")
TEXT = (
    "WASHINGTON, Oct 28 (Reuters) - The Pentagon said on Monday that 10,000 North "
    "Korean troops were in Russia. Ukraine's military intelligence agency said "
    "12,000 soldiers had arrived. South Korea's National Intelligence Service "
    "estimated at least 3,000 troops had been sent. Officials in Kyiv said 500 had "
    "been killed."
)


@pytest.fixture
def claim():
    return ClaimFactory(title="North Korean troops in Russia", unit="troops")


@pytest.fixture
def pentagon():
    source = SourceFactory(name="US Department of Defense")
    SourceAliasFactory(source=source, name="Pentagon")
    return source


def _document(**fields):
    wire = SourceFactory(name="Reuters", kind=Source.Kind.MEDIA)
    fields = {
        "title": "Wire report",
        "publisher": wire,
        "published_on": datetime.date(2024, 10, 29),
        **fields,
    }
    return DocumentFactory(**fields)


def posted(response, **extra) -> dict:
    """Return what the browser would post back from the page: the claim form and
    every row as rendered, plus `extra`."""
    data = {}
    formset = response.context["formset"]
    for form in [response.context["claim_form"], formset.management_form, *formset]:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = "on" if value is True else str(value)
    if response.context.get("extracted"):
        data["extracted"] = "1"
    if response.context.get("pasted"):
        data["extraction_text"] = response.context["extraction_text"]
    data.update(extra)
    return data


def find(client, document, **extra):
    page = client.get(URL, {"document": document.pk})
    return client.post(
        f"{URL}?document={document.pk}", posted(page, find="Find figures", **extra)
    )


def test_find_figures_fills_the_rows_marks_the_text_and_writes_nothing(
    researcher_client, claim, pentagon
):
    document = _document(text=TEXT)
    before = Assertion.history.count()

    response = find(researcher_client, document)

    page = response.content.decode()
    formset = response.context["formset"]
    assert [form.initial["figure"] for form in formset] == [
        "10,000",
        "12,000",
        "at least 3,000",
        "500",
    ]
    first = formset[0].initial
    assert first["source"] == str(pentagon.pk)
    assert first["stated_on"] == datetime.date(2024, 10, 28)
    assert first["claim"] == str(claim.pk)
    assert formset[1].initial["new_source"] == "Ukraine's military intelligence agency"
    assert response.context["claim_form"].initial["claim"] == str(claim.pk)
    start = TEXT.index("10,000")
    assert f'<mark id="found-{start}">10,000</mark>' in page
    assert f'href="#found-{start}"' in page
    assert "confidence 0.90: a known source" in page
    assert not Assertion.objects.exists()
    assert Assertion.history.count() == before


def test_found_rows_keep_the_searchable_source_box(researcher_client, pentagon):
    response = find(researcher_client, _document(text=TEXT))

    assert "admin/js/autocomplete.js" in response.content.decode()


def test_kept_rows_are_saved_with_provenance_and_shown_on_the_claim_page(
    researcher_client, claim, pentagon
):
    document = _document(text=TEXT)
    found = find(researcher_client, document)
    data = posted(
        found,
        save="Save figures",
        **{
            # Row 0 kept as proposed. Row 1 edited: its source named differently.
            "form-1-new_source": "Ukrainian military intelligence (HUR)",
            "form-1-new_source_kind": "intelligence",
            # Row 2 kept as proposed (a new source needs its kind: not a change).
            "form-2-new_source_kind": "intelligence",
        },
    )
    del data["form-3-accept"]  # row 3 dropped

    response = researcher_client.post(
        f"{URL}?document={document.pk}", data, follow=True
    )

    assert "Logged 3 figures" in response.content.decode()
    saved = {a.figure: a for a in Assertion.objects.filter(document=document)}
    assert set(saved) == {"10,000", "12,000", "at least 3,000"}
    assert saved["10,000"].source == pentagon
    assert saved["10,000"].claim == claim
    assert str(saved["10,000"].extraction_confidence) == "0.90"
    assert saved["10,000"].extraction_edited is False
    assert saved["12,000"].extraction_edited is True
    assert saved["12,000"].source.name == "Ukrainian military intelligence (HUR)"
    assert saved["at least 3,000"].extraction_edited is False
    assert saved["10,000"].history.first().history_user.username == "rita"
    claim_page = researcher_client.get(claim.get_absolute_url()).content.decode()
    for figure in ("10,000", "12,000", "at least 3,000"):
        assert figure in claim_page


def test_a_figure_logged_by_hand_records_no_provenance(researcher_client, claim):
    document = _document(text=TEXT)
    source = SourceFactory()
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "50",
        "claim": claim.pk,
        "form-0-source": source.pk,
        "form-0-stated_on": "2024-10-28",
        "form-0-date_precision": "day",
        "form-0-figure": "500",
        "form-0-quote": "Officials in Kyiv said 500 had been killed.",
        "save": "Save figures",
    }

    researcher_client.post(f"{URL}?document={document.pk}", data)

    assertion = Assertion.objects.get()
    assert assertion.extraction_confidence is None
    assert assertion.extraction_edited is None


def test_pasted_text_is_found_in_and_kept_as_the_documents_text_on_save(
    researcher_client, claim, pentagon
):
    document = _document(text="")
    found = find(researcher_client, document, extraction_text=TEXT)
    assert found.context["formset"][0].initial["figure"] == "10,000"
    assert Document.objects.get(pk=document.pk).text == ""

    data = posted(found, save="Save figures", extraction_text=TEXT)
    for n in (1, 2, 3):
        del data[f"form-{n}-accept"]
    researcher_client.post(f"{URL}?document={document.pk}", data)

    assert Document.objects.get(pk=document.pk).text == TEXT
    assert Assertion.objects.get().figure == "10,000"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The text is empty."),
        ("   \n ", "The text is empty."),
        ("The ministry said nothing of note.", "No figures were found"),
        ("\x00\x01\x02 3,000 \xff\xfe", "binary data"),
        ("<script>alert(1)</script><b onmouseover=x>3,000</b>", None),
    ],
    ids=["empty", "blank", "no-figures", "binary", "markup"],
)
def test_bad_text_gets_a_clear_answer_and_writes_nothing(
    researcher_client, text, message
):
    document = _document(text="")

    response = find(researcher_client, document, extraction_text=text)

    assert response.status_code == 200
    page = response.content.decode()
    if message:
        assert message in page
    assert "<script>alert(1)" not in page
    assert "<b onmouseover" not in page
    assert not Assertion.objects.exists()
    assert Document.objects.get(pk=document.pk).text == ""
    assert not Claim.objects.exclude(pk__in=[]).filter(title__contains="<").exists()


def test_ten_megabytes_of_stored_text_gets_a_clear_answer(researcher_client):
    document = _document(text="The army said 3,000 troops. " * 360_000)

    response = find(researcher_client, document)

    assert "at most 5,000,000 are read" in response.content.decode()
    assert not Assertion.objects.exists()
