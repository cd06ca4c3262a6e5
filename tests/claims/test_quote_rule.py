"""A figure must be what its quote says, at every door (issue 24): the services (so
the admin, the figure-logging screen and the seed loader) and the import."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from claims.interchange import csvformat
from claims.interchange.imports import ImportFailed, assertions_import
from claims.models import Assertion
from claims.pipeline import services
from tests.factories import ClaimFactory, SourceFactory
from tests.support.imports import GOOD, csv_of, row

pytestmark = pytest.mark.django_db

ELEVEN = "around 11,000 North Korean soldiers were stationed in Kursk."


def create(**fields):
    fields.setdefault("claim", ClaimFactory())
    fields.setdefault("source", SourceFactory())
    fields.setdefault("stated_on", datetime.date(2024, 11, 4))
    return services.assertion_create(**fields)


def test_a_figure_its_quote_does_not_state_is_refused_naming_both():
    with pytest.raises(ValidationError) as raised:
        create(figure="5,000", quote=ELEVEN)

    assert "the figure says 5,000; the quote says around 11,000" in str(
        raised.value.message_dict["figure"]
    )
    assert not Assertion.objects.exists()


def test_a_reading_set_by_hand_does_not_lift_the_rule():
    with pytest.raises(ValidationError) as raised:
        create(
            figure="5,000",
            quote=ELEVEN,
            is_overridden=True,
            kind="range",
            low=4_000,
            high=6_000,
        )

    assert "the quote says around 11,000" in str(raised.value)


def test_a_match_confirmed_by_hand_is_kept_with_its_reason_in_history():
    assertion = create(
        figure="about 11,000",
        quote="близько одинадцяти тисяч військових",
        quote_language="uk",
        quote_match_confirmed="одинадцяти тисяч is eleven thousand",
    )

    assert assertion.history.get().quote_match_confirmed == (
        "одинадцяти тисяч is eleven thousand"
    )


def test_the_import_refuses_a_figure_its_quote_does_not_state():
    errors = refused(csv_of(row(figure="5,000", quote=ELEVEN)))

    assert any(
        error.startswith("line 2, column figure:")
        and "the figure says 5,000; the quote says around 11,000" in error
        for error in errors
    )


def test_the_import_checks_a_foreign_quote_against_its_translation():
    header = ",".join((*csvformat.REQUIRED, "quote_language", "translation",
                       "translation_language"))  # fmt: skip
    line = row(figure="about 11,000", quote="близько одинадцяти тисяч військових")
    data = csv_of(f"{line},uk,about eleven thousand soldiers,en", header=header)

    assertions_import(data=data)

    assert Assertion.objects.get().figure == "about 11,000"


def test_the_good_row_still_imports():
    assertions_import(data=csv_of(GOOD))

    assert Assertion.objects.count() == 1


def refused(data) -> list[str]:
    with pytest.raises(ImportFailed) as raised:
        assertions_import(data=data)
    return [str(error) for error in raised.value.errors]
