import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction

from sources.models import Source, SourceAlias
from tests.factories import SourceAliasFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_source_is_found_by_any_alias_ignoring_case():
    hur = SourceFactory(name="Ukrainian military intelligence (HUR)")
    for alias in ("HUR", "GUR", "Ukrainian military intelligence"):
        SourceAliasFactory(source=hur, name=alias)

    for name in (
        "hur",
        "GUR",
        "ukrainian military intelligence",
        "Ukrainian military intelligence (HUR)",
    ):
        assert list(Source.objects.matching(name)) == [hur]


def test_alias_cannot_be_taken_twice_in_another_case():
    SourceAliasFactory(name="NIS")

    with pytest.raises(ValidationError, match="already uses this alias"):
        SourceAlias(source=SourceFactory(), name="nis").full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceAlias.objects.create(source=SourceFactory(), name="nis")


@pytest.mark.parametrize("country", ["ua", "UKR", "U1"])
def test_country_must_be_a_two_letter_code_both_ways(country):
    source = SourceFactory()

    with pytest.raises(ValidationError) as raised:
        source.country = country
        source.full_clean()
    assert "country" in raised.value.message_dict
    # PostgreSQL refuses "UKR" for its length (DataError) before the CHECK runs.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Source.objects.filter(pk=source.pk).update(country=country)


def test_unknown_kind_and_grade_are_refused_both_ways():
    source = SourceFactory()

    for field, value in (("kind", "oracle"), ("reliability", "Z")):
        with pytest.raises(IntegrityError), transaction.atomic():
            Source.objects.filter(pk=source.pk).update(**{field: value})
        with pytest.raises(ValidationError) as raised:
            Source(
                **{**{"name": "X", "slug": "x", "kind": "media"}, field: value}
            ).full_clean()
        assert field in raised.value.message_dict


def test_reliability_defaults_to_cannot_be_judged():
    assert (
        SourceFactory().get_reliability_display() == "F: reliability cannot be judged"
    )


def test_source_cannot_belong_to_itself_or_its_own_part():
    office = SourceFactory()
    spokesperson = SourceFactory(parent=office)

    office.parent = spokesperson
    with pytest.raises(ValidationError, match="cannot belong to itself"):
        office.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Source.objects.filter(pk=office.pk).update(parent=office)


def test_two_documents_cannot_share_a_url_but_many_can_have_none():
    from sources.models import Document
    from tests.factories import DocumentFactory

    first = DocumentFactory()
    DocumentFactory(url="")
    DocumentFactory(url="")

    with pytest.raises(ValidationError, match="already recorded"):
        Document(title="Copy", url=first.url).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.create(title="Copy", url=first.url)
