"""Fixtures the claims tests share."""

import datetime

import pytest

from claims.models import Assertion
from tests.factories import ClaimFactory, SourceFactory, stated


def nov(claim, figure, day, name):
    assertion = stated(claim, figure, 1, SourceFactory(name=name))
    Assertion.objects.filter(pk=assertion.pk).update(
        stated_on=datetime.date(2024, 11, day)
    )
    return assertion


@pytest.fixture
def kursk():
    """The demo's troops claim late on: three sources near 11,000, Rybar at 500."""
    claim = ClaimFactory(title="North Korean troops in Kursk")
    figures = {
        "HUR": stated(claim, "closer to 12,000", 29, SourceFactory(name="HUR")),
        "Pentagon": nov(claim, "between 11,000 and 12,000", 4, "Pentagon"),
        "NIS": nov(claim, "more than 10,000", 5, "NIS"),
        "Rybar": nov(claim, "no more than 500", 5, "Rybar"),
    }
    from claims.pipeline import derive

    derive.apply(derive.Change.of(claims=[claim.pk]))
    return claim, figures
