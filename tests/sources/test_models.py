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


def test_reliability_defaults_to_not_graded_yet_distinct_from_f():
    source = SourceFactory()

    assert source.reliability is None
    source.reliability = "F"
    source.full_clean()


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


def test_a_new_source_is_not_graded_yet_and_pages_say_so(client):
    from django.urls import reverse

    from tests.factories import ClaimFactory, stated

    source = SourceFactory(name="Newly found outlet")
    claim = ClaimFactory()
    stated(claim, "1,500", 18, source=source)

    assert source.reliability is None
    for url in (
        claim.get_absolute_url(),
        reverse("sources:list"),
        source.get_absolute_url(),
    ):
        assert "not graded yet" in client.get(url).content.decode()


def test_never_changed_default_grades_become_not_graded_yet_in_the_migration():
    import importlib

    from django.apps import apps

    from sources.models import Source

    migration = importlib.import_module(
        "sources.migrations.0005_reliability_not_graded_yet"
    )
    untouched = SourceFactory(name="Untouched")
    judged = SourceFactory(name="Judged", reliability="B")
    Source.objects.filter(pk__in=[untouched.pk]).update(reliability="F")
    judged.reliability = "F"
    judged.save()  # B, then F: a judgement, on record in the history
    untouched.history.update(reliability="F")

    migration.ungraded_defaults(apps, None)

    untouched.refresh_from_db()
    judged.refresh_from_db()
    assert (untouched.reliability, judged.reliability) == (None, "F")
