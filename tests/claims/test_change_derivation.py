"""Issue 22: every write hands derive a description of what it touched, and derive
alone decides what follows. Each test reproduces one of the defects the issue found
when derive ran only after assertion and claim saves."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from claims.interchange import csvformat
from claims.interchange.imports import assertions_import
from claims.models import Assertion, Claim, Discrepancy, Topic
from claims.pipeline import services
from claims.review import services as review_services
from sources import services as source_services
from sources.models import Document, Source
from tests.factories import ClaimFactory, DocumentFactory, SourceFactory, stated

pytestmark = pytest.mark.django_db


def pending_pair(claim) -> tuple[str, str] | None:
    """Return the figures of the claim's discrepancy in the editors' queue."""
    pending = Discrepancy.objects.pending().filter(claim=claim).with_pair().first()
    if pending is None:
        return None
    return pending.assertion_low.figure, pending.assertion_high.figure


def test_a_judgement_puts_the_next_conflict_in_the_queue_at_once(editor, editor_client):
    claim = ClaimFactory()
    for figure, day, name in (
        ("1,000", 10, "Rybar"),
        ("2,000", 12, "NIS"),
        ("5,000", 14, "Pentagon"),
    ):
        stated(claim, figure, day, source=SourceFactory(name=name))
    assert pending_pair(claim) == ("1,000", "5,000")

    review_services.discrepancy_judge(
        discrepancy=Discrepancy.objects.pending().get(claim=claim),
        state="dismissed",
        note="Rybar's count is of one district only.",
        user=editor,
    )

    # The page and the queue tell the same story at the same moment.
    assert pending_pair(claim) == ("2,000", "5,000")
    page = Client().get(claim.get_absolute_url()).content.decode()
    assert "2,000" in page and "5,000" in page
    queue = editor_client.get(reverse("review:queue")).content.decode()
    assert claim.title in queue


def test_reopening_a_judged_pair_takes_the_queue_back_from_its_successor(editor):
    claim = ClaimFactory()
    for figure, day in (("1,000", 10), ("2,000", 12), ("5,000", 14)):
        stated(claim, figure, day)
    first = Discrepancy.objects.pending().get(claim=claim)
    review_services.discrepancy_judge(
        discrepancy=first, state="dismissed", note="One district.", user=editor
    )
    successor = Discrepancy.objects.pending().get(claim=claim)

    review_services.discrepancy_judge(
        discrepancy=first, state="open", note="", user=editor
    )

    assert pending_pair(claim) == ("1,000", "5,000")
    successor.refresh_from_db()
    assert successor.state == Discrepancy.State.SUPERSEDED
    assert f"#{first.pk}" in successor.superseded_reason


def test_the_vague_term_flag_follows_a_kind_override():
    claim = ClaimFactory()
    stated(claim, "1,000", 10)
    vague = stated(claim, "several thousand", 12)
    discrepancy = Discrepancy.objects.pending().get(claim=claim)
    assert discrepancy.involves_vague_term

    # The same bounds as the vague term's, now a range set by hand.
    vague.is_overridden, vague.kind = True, "range"
    services.assertion_save(assertion=vague, reason="Read as a range")

    discrepancy.refresh_from_db()
    assert discrepancy.state == Discrepancy.State.OPEN  # the same pair, still open
    assert not discrepancy.involves_vague_term


@pytest.fixture
def quoted_article():
    document = DocumentFactory(
        kind="article",
        title="Kyiv Independent, 28 Oct",
        text="Officials said 3,000 troops and then 10,000 troops had arrived.",
        published_on=datetime.date(2024, 10, 28),
    )
    claim = ClaimFactory()
    for figure, day, name in (("3,000", 20, "HUR"), ("10,000", 25, "Pentagon")):
        stated(
            claim,
            figure,
            day,
            source=SourceFactory(name=name),
            document=document,
            quote=f"{figure} troops",
        )
    return document


def test_a_document_kind_that_would_strand_its_figures_is_refused(quoted_article):
    document = Document.objects.get(pk=quoted_article.pk)
    document.kind = "dataset"

    with pytest.raises(ValidationError) as refused:
        source_services.document_save(document=document)

    message = refused.value.message_dict["kind"][0]
    assert "This document has 2 figures (2 quoted)" in message
    assert "needs a locator" in message
    assert "“3,000” (HUR, 20 Oct 2024)" in message
    assert "“10,000” (Pentagon, 25 Oct 2024)" in message
    assert Document.objects.get(pk=document.pk).kind == "article"  # nothing written
    # Its figures can still be retracted, as before the attempt.
    services.assertion_retract(
        assertion=Assertion.objects.get(figure="3,000"), reason="Misattributed."
    )


def test_the_document_form_shows_the_refusal_and_keeps_the_document(
    quoted_article, superuser_client
):
    url = reverse("admin:sources_document_change", args=[quoted_article.pk])
    page = superuser_client.get(url)
    form = page.context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields
    }
    data |= {
        "kind": "dataset",
        "published_on": "2024-10-28",
        "publisher": "",
        "files-TOTAL_FORMS": "0",
        "files-INITIAL_FORMS": "0",
    }
    for prefix in ("assertions", "assertions-2"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}

    response = superuser_client.post(url, data)

    assert response.status_code == 200
    assert "This document has 2 figures (2 quoted)" in response.content.decode()
    assert Document.objects.get(pk=quoted_article.pk).kind == "article"


def test_a_document_change_that_breaks_nothing_goes_through(quoted_article):
    quoted_article.title = "Kyiv Independent, 28 October 2024"
    source_services.document_save(document=quoted_article)

    assert Document.objects.get(pk=quoted_article.pk).title.endswith("2024")


def test_a_date_after_its_figures_is_refused_naming_them(quoted_article):
    quoted_article.published_on = datetime.date(2024, 10, 22)

    with pytest.raises(ValidationError) as refused:
        source_services.document_save(document=quoted_article)

    message = refused.value.message_dict["published_on"][0]
    assert message.startswith("1 of this document's 2 figures")
    assert "“10,000” (Pentagon, 25 Oct 2024)" in message


def csv_file(rows) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=csvformat.COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({name: row.get(name, "") for name in csvformat.COLUMNS})
    return out.getvalue().encode()


IMPORTED = {
    "topic": "Russia's war in Ukraine",
    "claim": "North Korean troops in Kursk",
    "unit": "troops",
    "source": "Ukrainian military intelligence (HUR)",
    "source_kind": "government",
    "stated_on": "2024-11-04",
    "figure": "11,000",
    "document_title": "HUR statement, 4 Nov",
    "document_published_on": "2024-11-04",
    "quote": "11,000 North Korean soldiers are in Kursk region.",
}


def test_the_imports_parent_rows_carry_history_with_the_importer(researcher):
    assertions_import(data=csv_file([IMPORTED]), user=researcher)

    for row in (
        Topic.objects.get(name=IMPORTED["topic"]),
        Claim.objects.get(title=IMPORTED["claim"]),
        Source.objects.get(name=IMPORTED["source"]),
        Document.objects.get(title=IMPORTED["document_title"]),
        Assertion.objects.get(figure="11,000"),
    ):
        record = row.history.get()
        assert record.history_user == researcher, type(row).__name__
        assert record.history_change_reason == "Imported from CSV"


def test_the_bulk_services_validate_every_row_and_write_none_on_a_refusal(
    researcher,
):
    good = Source(name="Rybar", slug="rybar", kind="media")
    bad = Source(name="Agency\u202e", slug="agency", kind="no-such-kind")

    with pytest.raises(ValidationError) as refused:
        source_services.sources_bulk_create(
            sources=[good, bad], user=researcher, reason="Imported from CSV"
        )

    assert {"name", "kind"} <= set(refused.value.message_dict)
    assert not Source.objects.filter(slug__in=["rybar", "agency"]).exists()


def test_reparse_flags_a_stranded_figure_and_goes_on():
    """A row a rule refuses as it stands (written before documents were checked)
    is flagged for researchers; the run reads the rest."""
    from io import StringIO

    from django.core.management import call_command

    claim = ClaimFactory()
    dataset = DocumentFactory(kind="dataset")
    first = stated(claim, "3,000", 10)
    second = stated(claim, "4,000", 11)
    # Stranded the way the issue found them: an old reading, no locator, a data set.
    Assertion.objects.filter(pk__in=[first.pk, second.pk]).update(
        kind="approximate", document=dataset
    )
    Assertion.objects.filter(pk=second.pk).update(locator="row 4")

    out = StringIO()
    call_command("reparse_figures", stdout=out)

    first.refresh_from_db()
    second.refresh_from_db()
    assert "needs a locator" in first.attention
    assert second.kind == "exact"
    # A reading that changes is saved, and flagged to be checked against its quote.
    assert second.attention.startswith("Read again: approximate")
