"""sources/services.py: the bulk writers check each row as full_clean does, asking
the database once per foreign key rather than once per row."""

import pytest
from django.core.exceptions import ValidationError

from claims.models import Claim, Topic
from claims.pipeline import services
from sources import services as source_services
from sources.models import Source
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


def test_new_claims_naming_one_recorded_topic_ask_once_whether_it_exists(
    django_assert_max_num_queries,
):
    topic = ClaimFactory().topic
    claims = [
        Claim(title=f"Claim {n}", unit="troops", topic=topic, slug=f"claim-{n}")
        for n in range(50)
    ]

    with django_assert_max_num_queries(12):
        services.claims_bulk_create(claims=claims, reason="Imported")

    assert Claim.objects.filter(topic=topic).count() == 51
    assert Claim.history.filter(history_change_reason="Imported").count() == 50


def test_a_claim_whose_topic_is_not_recorded_is_refused_as_full_clean_refuses_it():
    missing = Topic(pk=987654, name="Gone", slug="gone")
    good = Claim(title="Good", unit="troops", topic=ClaimFactory().topic, slug="g")
    bad = Claim(title="Bad", unit="troops", topic=missing, slug="bad")

    with pytest.raises(ValidationError) as by_full_clean:
        bad.full_clean(validate_unique=False, validate_constraints=False)

    with pytest.raises(ValidationError) as refused:
        services.claims_bulk_create(claims=[good, bad], reason="Imported")

    assert refused.value.message_dict == by_full_clean.value.message_dict
    assert refused.value.message_dict == {
        "topic": ["topic instance with id 987654 is not a valid choice."]
    }
    assert not Claim.objects.filter(title__in=["Good", "Bad"]).exists()


def test_a_claim_refused_for_its_own_fields_names_them_beside_its_topic():
    missing = Topic(pk=987654, name="Gone", slug="gone")
    claim = Claim(title="", unit="troops", topic=missing, slug="blank")

    with pytest.raises(ValidationError) as refused:
        services.claims_bulk_create(claims=[claim], reason="Imported")

    assert set(refused.value.message_dict) == {"title", "topic"}


def test_a_source_named_as_another_in_another_case_is_refused(db):
    """The import finds sources by name whatever the case: a second source under
    one name in lower case (the demo data loader made one) took the first one's
    figures."""
    source_services.source_save(
        source=Source(name="Ukrainian military intelligence (HUR)", slug="hur",
                      kind="intelligence")
    )  # fmt: skip
    for name in ("ukrainian military intelligence (hur)", "UKRAINIAN MILITARY "
                 "INTELLIGENCE (HUR)"):  # fmt: skip
        with pytest.raises(ValidationError) as refused:
            source_services.source_save(
                source=Source(name=name, slug="hur-2", kind="intelligence")
            )
        assert "already has this name or alias" in str(refused.value)
    assert Source.objects.count() == 1


def test_a_source_named_as_another_in_another_alphabets_case_is_refused(db):
    """Cyrillic and accented capitals too, on SQLite as on PostgreSQL (SQLite's
    iexact folds ASCII letters only)."""
    for name, slug in (("Міноборони України", "mou"), ("Ministère des Armées", "ma")):
        source_services.source_save(
            source=Source(name=name, slug=slug, kind="government")
        )
        with pytest.raises(ValidationError, match="already has this name"):
            source_services.source_save(
                source=Source(name=name.upper(), slug=f"{slug}-2", kind="government")
            )
    assert Source.objects.count() == 2
