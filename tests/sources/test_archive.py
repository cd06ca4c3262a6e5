"""The document archive (issue 19): files checked by content, stored once under their
SHA-256, their text extracted and the document's quotes checked against it; hostile
files refused with nothing stored; files served only as downloads."""

import gzip
import io
import zipfile
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from claims.pipeline import services
from sources import archive
from sources import services as source_services
from sources.models import DocumentFile
from tests.factories import AssertionFactory, DocumentFactory
from tests.support.documents import SENTENCE, pdf_of

pytestmark = pytest.mark.django_db


def html_of(text: str) -> bytes:
    return (
        "<!DOCTYPE html><html><head><title>Update</title>"
        "<script>document.write('INJECTED')</script></head><body>"
        f"<nav>Home</nav><article><h1>Update</h1><p>{text}</p>"
        "<p onclick=\"alert('x')\">More later.</p></article>"
        "<script>alert('SCRIPTED')</script></body></html>"
    ).encode()


def warc_of(html: bytes) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    headers = StatusAndHeaders(
        "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
    )
    writer.write_record(
        writer.create_warc_record(
            "https://example.org/update",
            "response",
            payload=io.BytesIO(html),
            http_headers=headers,
        )
    )
    return out.getvalue()


def stored_names(settings) -> list[str]:
    root = settings.STORAGES["archive"]["OPTIONS"]["location"]
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (pdf_of(SENTENCE), "application/pdf"),
        (html_of(SENTENCE), "text/html"),
        (warc_of(html_of(SENTENCE)), "application/warc"),
    ],
    ids=["pdf", "html", "warc"],
)
def test_a_file_is_archived_its_text_extracted_and_a_quote_verified(
    data, content_type, settings
):
    document = DocumentFactory(text="")
    AssertionFactory(document=document, figure="about 11,000", quote=SENTENCE)

    result = services.document_archive(document=document, data=data, filename="f")

    row = result.archived.file
    assert row.content_type == content_type
    assert row.storage_name == f"archive/{row.sha256[:2]}/{row.sha256}"
    assert stored_names(settings) == [row.storage_name]
    assert SENTENCE in row.extracted_text
    assert result.archived.text_used
    document.refresh_from_db()
    assert SENTENCE in document.text
    assert result.unmatched == []


def test_html_is_stored_but_its_text_has_no_script():
    document = DocumentFactory(text="")

    result = services.document_archive(document=document, data=html_of(SENTENCE))

    text = result.archived.file.extracted_text
    assert SENTENCE in text
    assert "INJECTED" not in text
    assert "SCRIPTED" not in text


def test_the_same_file_twice_is_stored_once(settings):
    document = DocumentFactory(text="")
    data = pdf_of(SENTENCE)

    first = services.document_archive(document=document, data=data)
    second = services.document_archive(document=document, data=data)

    assert (first.archived.stored, second.archived.stored) == (True, False)
    assert DocumentFile.objects.count() == 1
    assert len(stored_names(settings)) == 1


def test_archiving_again_lists_quotes_that_no_longer_match_and_changes_none():
    document = DocumentFactory(text="")
    assertion = AssertionFactory(
        document=document, figure="about 11,000", quote=SENTENCE
    )
    services.document_archive(document=document, data=pdf_of(SENTENCE))

    changed = SENTENCE.replace("11,000", "12,000")
    result = services.document_archive(
        document=document, data=pdf_of(changed), filename="v2.pdf"
    )

    assert [a.pk for a, _ in result.unmatched] == [assertion.pk]
    assert "does not occur" in result.unmatched[0][1]
    assertion.refresh_from_db()
    assert assertion.quote == SENTENCE
    document.refresh_from_db()
    assert document.text.strip() == SENTENCE  # typed-in text is kept unless chosen


def test_a_researcher_may_choose_the_file_text_over_the_typed_text():
    document = DocumentFactory(text="Typed by hand.")

    result = services.document_archive(
        document=document, data=pdf_of(SENTENCE), use_text=True
    )

    document.refresh_from_db()
    assert result.archived.text_used
    assert document.text.strip() == SENTENCE


def zip_bomb() -> bytes:
    """A WACZ-shaped ZIP whose WARC is 20 MB of zeros: a thousandfold growth."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as wacz:
        wacz.writestr("datapackage.json", "{}")
        wacz.writestr("archive/data.warc", b"WARC/1.1\r\n" + bytes(20 * 2**20))
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"MZ\x90\x00\x03" + bytes(200), "is a program"),
        (bytes(range(256)) * 4, "not a kind the archive accepts"),
        (b"a" * (archive.MAX_SIZE + 1), "at most 50 MB"),
        (zip_bomb(), "zip bomb"),
        (gzip.compress(b"WARC/1.1\r\n" + bytes(20 * 2**20)), "zip bomb"),
    ],
    ids=["exe-named-pdf", "binary", "too-big", "wacz-bomb", "gzip-bomb"],
)
def test_a_hostile_file_is_refused_with_nothing_stored(data, message, settings):
    document = DocumentFactory(text="")

    with pytest.raises(ValidationError, match=message):
        services.document_archive(document=document, data=data, filename="r.pdf")

    assert not DocumentFile.objects.exists()
    assert stored_names(settings) == []
    document.refresh_from_db()
    assert document.text == ""


def test_a_wacz_capture_gives_its_main_page_text():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as wacz:
        wacz.writestr("datapackage.json", "{}")
        wacz.writestr("archive/data.warc.gz", warc_of(html_of(SENTENCE)))

    examined = archive.examine(out.getvalue())

    assert examined.content_type == archive.WACZ
    assert SENTENCE in examined.text


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b"date,tank\n2022-03-01,211\n2022-03-02,215\n", archive.CSV),
        (b'{"date": "2022-03-01", "tank": 211}', archive.JSON),
        (b"Just a line of text.\n", archive.TEXT),
        (b"\x89PNG\r\n\x1a\n" + bytes(40), archive.PNG),
    ],
)
def test_the_type_is_read_from_the_content(data, content_type):
    assert archive.detect(data) == content_type


def test_a_file_of_one_document_is_not_archived_for_another():
    data = pdf_of(SENTENCE)
    services.document_archive(document=DocumentFactory(), data=data)

    with pytest.raises(ValidationError, match="already archived"):
        services.document_archive(document=DocumentFactory(), data=data)


# Serving.


def archived(*, public: bool, data: bytes | None = None):
    document = DocumentFactory(text="", files_public=public)
    return source_services.document_file_archive(
        document=document, data=data or html_of(SENTENCE), filename="page.html"
    ).file


def test_a_file_is_served_as_a_sandboxed_download_never_as_a_page(client):
    row = archived(public=True)

    response = client.get(reverse("sources:file", args=[row.sha256]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == html_of(SENTENCE)


def test_a_private_file_is_for_staff_only(researcher_client):
    row = archived(public=False)
    url = reverse("sources:file", args=[row.sha256])

    assert Client().get(url).status_code == 302
    assert researcher_client.get(url).status_code == 200


def test_an_unknown_hash_answers_as_a_private_file_does(researcher_client):
    """Issue 28: a private file's hash answered 302 and an unknown one 404, so anyone
    could tell which files exist. Only staff who may see them learn it."""
    from tests.factories import UserFactory

    private = reverse("sources:file", args=[archived(public=False).sha256])
    unknown = reverse("sources:file", args=["0" * 64])
    reader = Client()
    reader.force_login(UserFactory())

    for visitor in (Client(), reader):
        answers = [visitor.get(url) for url in (private, unknown)]
        assert answers[0].status_code == answers[1].status_code in (302, 403)
        assert [a.get("Location", "").split("?")[0] for a in answers] == [
            a.get("Location", "").split("?")[0] for a in answers[:1] * 2
        ]
    assert researcher_client.get(unknown).status_code == 404


def test_the_upload_on_the_document_page_archives_through_the_service(
    researcher_client,
):
    document = DocumentFactory(text="", published_on=date(2024, 10, 1))
    url = reverse("admin:sources_document_change", args=[document.pk])
    form = researcher_client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("publisher",)
    }
    data.update(
        {
            "publisher": document.publisher_id,
            "published_on": "2024-10-01",
            "files-TOTAL_FORMS": "0",
            "files-INITIAL_FORMS": "0",
            "assertions-TOTAL_FORMS": "0",
            "assertions-INITIAL_FORMS": "0",
            "assertions-2-TOTAL_FORMS": "0",
            "assertions-2-INITIAL_FORMS": "0",
            "archive_file": io.BytesIO(pdf_of(SENTENCE)),
        }
    )
    data["archive_file"].name = "update.pdf"

    response = researcher_client.post(url, data, follow=True)

    assert response.status_code == 200
    row = DocumentFile.objects.get()
    assert row.original_name == "update.pdf"
    assert row.sha256 in response.content.decode()


def test_the_upload_refuses_a_renamed_program_on_the_form(researcher_client):
    document = DocumentFactory(text="")
    url = reverse("admin:sources_document_change", args=[document.pk])
    upload = io.BytesIO(b"MZ" + bytes(100))
    upload.name = "report.pdf"

    response = researcher_client.post(
        url, {"title": document.title, "kind": "article", "archive_file": upload}
    )

    assert "is a program" in response.content.decode()
    assert not DocumentFile.objects.exists()
