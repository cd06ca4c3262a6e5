"""The limits every door applies (sources/validators.py): on the models, so on the
admin forms and the services, with the same rules the CSV import uses."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from claims.models import Claim, Topic
from sources import validators
from sources.models import Document, Source, SourceAlias

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text",
    [
        *("a\x00b", "tab\tin a name", "line\nbreak", "\x1b[31m", "\u202eevil"),
        *("x\u2069", "x\ufffe", "x\uffff"),
    ],
)
def test_names_refuse_control_and_direction_override_characters(text):
    assert f"U+{ord(next(c for c in text if c in validators.REFUSED)):04X}" in (
        validators.text_problem(text)
    )


@pytest.mark.parametrize("text", ["Plain", "\u200fمصدر\u200e", "Ünïcode – “ok”"])
def test_names_allow_ordinary_text_and_direction_marks(text):
    assert validators.text_problem(text) == ""


def test_multiline_text_allows_tab_and_newline_but_not_overrides():
    assert validators.text_problem("a\tb\nc\r\n", multiline=True) == ""
    assert validators.text_problem("a\u202eb", multiline=True)


@pytest.mark.parametrize(
    ("model", "fields", "field"),
    [
        (Source, {"name": "HUR\u202e", "slug": "hur", "kind": "media"}, "name"),
        (SourceAlias, {"name": "G\x00UR"}, "name"),
        (Topic, {"name": "Topic\u2066", "slug": "t"}, "name"),
        (Claim, {"title": "Troops\x07", "slug": "c", "unit": "troops"}, "title"),
        (Document, {"title": "Brief\u202b"}, "title"),
    ],
)
def test_models_refuse_hidden_characters_in_names(model, fields, field):
    with pytest.raises(ValidationError) as error:
        model(**fields).full_clean()

    assert "U+" in error.value.message_dict[field][0]


@pytest.mark.parametrize(
    ("model", "field"),
    [(Document, "url"), (Document, "archive_url"), (Source, "url")],
)
def test_urls_must_be_http_or_https(model, field):
    with pytest.raises(ValidationError) as error:
        model(**{field: "ftp://example.org/report"}).full_clean()

    assert "http:// or https://" in " ".join(error.value.message_dict[field])


@pytest.mark.parametrize("day", [date(9999, 12, 31), date(1, 1, 1), date(1799, 12, 31)])
def test_document_dates_lie_between_1800_and_today(day):
    document = Document(title="Brief", published_on=day, retrieved_on=day)

    with pytest.raises(ValidationError) as error:
        document.full_clean()

    for field in ("published_on", "retrieved_on"):
        assert "Give a date from 1 Jan 1800" in error.value.message_dict[field][0]


def test_the_document_admin_form_refuses_a_future_publication(superuser_client):
    response = superuser_client.post(
        "/admin/sources/document/add/",
        {"title": "Brief", "published_on": "9999-12-31", "url": "ftp://e.org/r"},
    )

    assert response.status_code == 200
    assert "Give a date from 1 Jan 1800" in response.text
    assert "http:// or https://" in response.text
    assert not Document.objects.exists()
