"""Names that display alike are one source (issue 28, low item): a zero-width
space, a no-break space or a Cyrillic letter inside a Latin word neither creates a
second source nor hides the first."""

import pytest
from django.core.exceptions import ValidationError

from sources import names
from sources.models import Source
from tests.factories import SourceFactory

LOOKALIKES = {
    "zero-width space": "Pen\u200btagon",
    "no-break space": "US\u00a0Army",
    "cyrillic e": "P\u0435ntagon",
}


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("Pen\u200btagon", "Pentagon"),
        ("US\u00a0Army", "US Army"),
        ("P\u0435ntagon", "Pentagon"),
        ("\uff30entagon", "Pentagon"),  # a full-width P
        ("Міноборони України", "Міноборони України"),  # all Cyrillic: kept
        ("وزارت\u200cدفاع", "وزارت\u200cدفاع"),  # Persian needs its non-joiner
    ],
)
def test_names_that_display_alike_have_one_key(typed, plain):
    assert names.name_key(typed) == names.name_key(plain)
    assert names.match_name(typed) == plain


@pytest.mark.django_db
@pytest.mark.parametrize("typed", LOOKALIKES.values(), ids=LOOKALIKES)
def test_a_lookalike_name_finds_the_recorded_source(typed):
    source = SourceFactory(name=names.match_name(typed))

    assert list(Source.objects.matching(typed)) == [source]


@pytest.mark.django_db
@pytest.mark.parametrize("typed", LOOKALIKES.values(), ids=LOOKALIKES)
def test_a_lookalike_name_is_refused_for_a_new_source_saying_why(typed):
    source = SourceFactory.build(name=typed)

    with pytest.raises(ValidationError) as raised:
        source.full_clean()

    assert "name" in raised.value.message_dict
