"""What an archived file's name and kind may be (sources/archive.py check_file), and
when archiving says a quote is "no longer" in the text (issue 25)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from claims.pipeline import services
from sources import archive
from sources.models import DocumentFile
from tests.factories import AssertionFactory, DocumentFactory
from tests.support.documents import SENTENCE, pdf_of

pytestmark = pytest.mark.django_db

SCRIPT = b"#!/bin/sh\nrm -rf ~\n"


@pytest.mark.parametrize(
    ("data", "filename", "reason"),
    [
        (SCRIPT, "evil.pdf", "a script"),
        (SCRIPT, "notes.txt", "a script"),
        (b"\xef\xbb\xbf#!/usr/bin/env python\nprint(1)\n", "data", "a script"),
        (b"\x7fELF" + bytes(60), "report.txt", "a program"),
        (b"Plain words about 11,000 troops.\n", "update.pdf", "named as a PDF"),
        (b"Plain words about 11,000 troops.\n", "run.sh", "named as a program"),
        (pdf_of(SENTENCE), "update.png", "named as a PNG image"),
    ],
)
def test_a_program_or_a_file_named_as_another_kind_is_refused(data, filename, reason):
    document = DocumentFactory(text="")

    with pytest.raises(ValidationError) as refused:
        services.document_archive(document=document, data=data, filename=filename)

    assert reason in refused.value.message_dict["file"][0]
    assert not DocumentFile.objects.exists()


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (pdf_of(SENTENCE), "update.PDF"),
        (b"Plain words about 11,000 troops.\n", "update.txt"),
        (b"a,b\n1,2\n", "figures.csv"),
        (b"a,b\n1,2\n", "figures.txt"),
        (b'{"troops": 11000}', "figures.json"),
        (b"Plain words about 11,000 troops.\n", ""),
        (b"Plain words about 11,000 troops.\n", "capture.unknown"),
    ],
)
def test_a_file_named_as_what_it_is_is_accepted(data, filename):
    document = DocumentFactory(text="")

    services.document_archive(document=document, data=data, filename=filename)

    assert DocumentFile.objects.get().original_name == filename


def test_the_form_says_why_a_script_named_pdf_is_refused(researcher_client):
    document = DocumentFactory(text="")
    upload = io.BytesIO(SCRIPT)
    upload.name = "evil.pdf"

    response = researcher_client.post(
        reverse("admin:sources_document_change", args=[document.pk]),
        {"title": document.title, "kind": "article", "archive_file": upload},
    )

    assert "never accepts programs or scripts" in response.content.decode()
    assert not DocumentFile.objects.exists()


def test_check_file_reads_only_the_name_and_the_first_bytes():
    archive.check_file(b"%PDF-1.4", "a/b/report.pdf", archive.PDF)

    with pytest.raises(archive.ArchiveError, match="MZ|Windows program"):
        archive.check_file(b"MZ\x90\x00", "report.pdf", archive.PDF)


def test_a_quote_is_no_longer_held_only_when_the_previous_copy_held_it():
    document = DocumentFactory(text="")
    held = AssertionFactory(document=document, figure="about 11,000", quote=SENTENCE)
    services.document_archive(document=document, data=pdf_of(SENTENCE))

    result = services.document_archive(
        document=document, data=pdf_of("Nothing about troops."), filename="v2.pdf"
    )

    assert [a.pk for a, _ in result.lost] == [held.pk]


def test_a_quote_never_checked_against_a_copy_is_not_said_to_be_lost():
    document = DocumentFactory(text=SENTENCE)
    AssertionFactory(document=document, figure="about 11,000", quote=SENTENCE)

    result = services.document_archive(
        document=document, data=pdf_of("Nothing about troops."), filename="v1.pdf"
    )

    assert len(result.unmatched) == 1
    assert result.lost == []
