import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from claims.models import Assertion
from tests.factories import (
    AssertionFactory,
    ClaimFactory,
    DocumentFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def raw_update_fails(assertion, **fields):
    """Return True when the database itself refuses `fields` on `assertion`."""
    try:
        with transaction.atomic():
            Assertion.objects.filter(pk=assertion.pk).update(**fields)
    except IntegrityError:
        return True
    return False


def clean_error(assertion, **fields):
    for name, value in fields.items():
        setattr(assertion, name, value)
    with pytest.raises(ValidationError) as raised:
        assertion.normalise()
        assertion.full_clean()
    return raised.value


def test_saving_parses_the_figure_into_kind_and_bounds():
    assertion = AssertionFactory(figure="between 10,000 and 12,000")

    assertion.refresh_from_db()
    assert (assertion.kind, assertion.low, assertion.high) == ("range", 10_000, 12_000)
    assert assertion.interpretation == "Range: 10,000 to 12,000"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "range", "low": Decimal(5), "high": Decimal(3)}, "lower bound"),
        ({"kind": "exact", "low": Decimal(-1), "high": Decimal(-1)}, "zero or more"),
        (
            {"kind": "at_least", "low": Decimal(3), "high": Decimal(5)},
            "do not fit the kind",
        ),
        (
            {"kind": "exact", "low": Decimal(3), "high": Decimal(4)},
            "do not fit the kind",
        ),
        ({"kind": "guess"}, "is not a valid choice"),
        ({"status": "hidden"}, "is not a valid choice"),
        ({"date_precision": "week"}, "is not a valid choice"),
        ({"credibility": 9}, "is not a valid choice"),
        ({"status": "retracted"}, "needs a reason"),
    ],
)
def test_invalid_rows_are_refused_by_the_database_and_by_full_clean(fields, message):
    assertion = AssertionFactory()

    assert raw_update_fails(assertion, **fields)
    error = clean_error(assertion, is_overridden=True, **fields)
    assert message in str(error)


def test_relay_by_the_source_itself_is_refused_both_ways():
    assertion = AssertionFactory()

    assert raw_update_fails(assertion, relayed_by=assertion.source)
    assert "relay" in str(clean_error(assertion, relayed_by=assertion.source))


def test_the_same_statement_cannot_be_recorded_twice():
    first = AssertionFactory()
    twin = Assertion(
        claim=first.claim,
        source=first.source,
        stated_on=first.stated_on,
        figure=first.figure,
        quote=f"Again, {first.figure}.",
    )

    assert "already recorded" in str(clean_error(twin))
    twin.normalise()
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_a_retracted_statement_may_be_recorded_again():
    first = AssertionFactory(
        status="retracted", retraction_reason="Misquoted", retracted_at=timezone.now()
    )

    again = AssertionFactory(
        claim=first.claim,
        source=first.source,
        stated_on=first.stated_on,
        figure=first.figure,
    )

    assert again.pk != first.pk


def test_bad_figure_is_a_field_error_on_figure():
    assertion = AssertionFactory.build(
        claim=ClaimFactory(), source=SourceFactory(), figure="12,000-10,000"
    )

    error = clean_error(assertion)

    assert "reversed range" in " ".join(error.message_dict["figure"])


def test_hand_set_interpretation_is_kept_over_the_figure():
    assertion = AssertionFactory.build(
        claim=ClaimFactory(),
        source=SourceFactory(),
        figure="several thousand",
        is_overridden=True,
        kind="range",
        low=Decimal(5000),
        high=Decimal(8000),
    )

    assertion.normalise()
    assertion.full_clean()

    assert (assertion.low, assertion.high) == (5000, 8000)


def test_clean_validates_and_does_not_rewrite_fields():
    """Issue 22: normalising is the services' and forms' step; clean() refuses a
    row whose stored reading or date is not what its figure and precision say."""
    assertion = AssertionFactory.build(
        claim=ClaimFactory(),
        source=SourceFactory(),
        figure="at least 3,000",
        kind="exact",
        low=3000,
        high=3000,
        stated_on=datetime.date(2024, 10, 9),
        date_precision="month",
    )

    with pytest.raises(ValidationError) as raised:
        assertion.full_clean()

    assert set(raised.value.message_dict) == {"kind", "stated_on"}
    stored = (assertion.kind, assertion.stated_on)
    assert stored == ("exact", datetime.date(2024, 10, 9))


def test_month_precision_keeps_the_first_of_the_month():
    assertion = AssertionFactory.build(
        claim=ClaimFactory(),
        source=SourceFactory(),
        stated_on=datetime.date(2024, 10, 9),
        date_precision="month",
    )

    assertion.normalise()
    assertion.full_clean()

    assert assertion.stated_on == datetime.date(2024, 10, 1)


def test_quote_must_occur_in_the_documents_text():
    document = DocumentFactory(
        text="The Pentagon now believes that 10,000 troops are there."
    )
    assertion = AssertionFactory.build(
        claim=ClaimFactory(),
        source=SourceFactory(),
        document=document,
        stated_on=datetime.date(2024, 10, 28),
        figure="10,000",
        quote="The Pentagon believes 10,000 troops are there.",
    )

    error = clean_error(assertion)

    assert "does not occur in the document" in " ".join(error.message_dict["quote"])


def test_a_quote_differing_only_in_typography_is_stored_as_the_documents_text():
    document = DocumentFactory(
        text="The Pentagon’s estimate — “10,000 troops” — is  higher."
    )
    assertion = AssertionFactory(
        document=document,
        figure="10,000",
        quote='The Pentagon\'s estimate - "10,000 troops" - is higher.',
    )

    assertion.refresh_from_db()
    assert assertion.quote == "The Pentagon’s estimate — “10,000 troops” — is  higher."


def test_statement_cannot_postdate_the_document_reporting_it():
    document = DocumentFactory(published_on=datetime.date(2024, 10, 1))
    assertion = AssertionFactory.build(
        claim=ClaimFactory(),
        source=SourceFactory(),
        document=document,
        stated_on=datetime.date(2024, 10, 28),
    )

    error = clean_error(assertion)

    assert "published on 1 Oct 2024" in " ".join(error.message_dict["stated_on"])


def test_published_hides_drafts_and_retractions():
    shown = AssertionFactory()
    AssertionFactory(claim=shown.claim, status="draft", figure="4,000")
    AssertionFactory(
        claim=shown.claim,
        figure="5,000",
        status="retracted",
        retraction_reason="Withdrawn",
        retracted_at=timezone.now(),
    )

    assert list(Assertion.objects.published()) == [shown]
    assert Assertion.objects.not_retracted().count() == 2
    assert Assertion.objects.count() == 3


def test_a_figure_is_parsed_once_per_save(monkeypatch):
    from claims.domain import figures
    from claims.pipeline import services

    calls = []
    real = figures.parse_figure

    def counting(text):
        calls.append(text)
        return real(text)

    monkeypatch.setattr(figures, "parse_figure", counting)
    claim = ClaimFactory()

    services.assertion_create(
        claim=claim,
        source=SourceFactory(),
        stated_on=datetime.date(2024, 10, 28),
        figure="closer to 12,000",
        quote="They said closer to 12,000.",
    )

    assert calls == ["closer to 12,000"]
