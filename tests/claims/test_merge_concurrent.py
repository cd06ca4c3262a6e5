"""Merges at the same moment as each other, and as a figure written for the row
being merged, over real database connections (issue 25): whatever order the
database gives them, one merge wins, the other is refused, and no figure is left on
a merged row.

PostgreSQL serialises them on the sources' and claims' rows; SQLite queues writers
with IMMEDIATE transactions on a file test database (settings)."""

import datetime

import pytest

from claims.models import Assertion, Claim
from claims.pipeline import services
from sources import services as source_services
from sources.models import Source
from tests.factories import ClaimFactory, SourceFactory
from tests.support.concurrency import together

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROUNDS = 4


def test_two_opposite_merges_of_two_sources_at_once_leave_one_merged():
    claim = ClaimFactory()
    for round_ in range(ROUNDS):
        a, b = SourceFactory(), SourceFactory()
        for n, source in enumerate((a, b)):
            services.assertion_create(
                claim=claim,
                source=source,
                stated_on=datetime.date(2024, 10, 1 + round_),
                figure=f"{n + 1},000",
                quote=f"{n + 1},000",
            )

        def merge(source, into):
            source_services.source_merge(
                source=Source.objects.get(pk=source.pk),
                into=Source.objects.get(pk=into.pk),
                reason="Same agency.",
            )

        outcomes = together(lambda a=a, b=b: merge(a, b), lambda a=a, b=b: merge(b, a))

        assert sorted(outcomes) == ["ok", "refused"]
        merged = Source.objects.filter(pk__in=[a.pk, b.pk], merged_into__isnull=False)
        assert merged.count() == 1
        assert not Assertion.objects.filter(source=merged.get()).exists()


def test_a_figure_written_while_its_source_is_merged_is_never_stranded():
    claim = ClaimFactory()
    for round_ in range(ROUNDS):
        into, duplicate = SourceFactory(), SourceFactory()

        def merge(into=into, duplicate=duplicate):
            source_services.source_merge(
                source=Source.objects.get(pk=duplicate.pk),
                into=Source.objects.get(pk=into.pk),
                reason="Same agency.",
            )

        def write(duplicate=duplicate, round_=round_):
            services.assertion_create(
                claim=Claim.objects.get(pk=claim.pk),
                source=Source.objects.get(pk=duplicate.pk),
                stated_on=datetime.date(2024, 10, 1 + round_),
                figure="7,000",
                quote="7,000",
            )

        outcomes = together(merge, write)

        assert outcomes.count("ok") >= 1
        assert not Assertion.objects.filter(source=duplicate).exists()
        assert Source.objects.get(pk=duplicate.pk).merged_into_id == into.pk


def test_two_merges_of_the_same_claims_at_once_leave_one_merged():
    source = SourceFactory()
    for round_ in range(ROUNDS):
        a, b = ClaimFactory(), ClaimFactory()
        for claim in (a, b):
            services.assertion_create(
                claim=claim,
                source=source,
                stated_on=datetime.date(2024, 10, 1 + round_),
                figure="5,000",
                quote="5,000",
            )

        def merge(claim, into):
            services.claim_merge(
                claim=Claim.objects.get(pk=claim.pk),
                into=Claim.objects.get(pk=into.pk),
                reason="Same quantity.",
            )

        outcomes = together(lambda a=a, b=b: merge(a, b), lambda a=a, b=b: merge(b, a))

        assert sorted(outcomes) == ["ok", "refused"]
        survivor = Claim.objects.get(pk__in=[a.pk, b.pk], merged_into__isnull=True)
        assert survivor.assertion_count == 1
        assert Assertion.objects.not_retracted().filter(claim=survivor).count() == 1
