"""A reader following an old link to a source that researchers merged into another
(issue 25) lands on the source it joined, at 360 and 1,280 px: the figure stated
under the old name is there, the old name is listed as one of its names, and the
page fits the screen."""

import datetime

import pytest

from claims.models import Claim
from claims.pipeline import services
from sources import services as source_services
from sources.models import Source
from tests.factories import DocumentFactory, SourceFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def old_link(seeded_server):
    """A duplicate of HUR, made by an import under its Ukrainian acronym, with a
    figure of its own, merged into HUR: the duplicate's page address, and HUR."""
    hur = Source.objects.get(name__startswith="Ukrainian military intelligence")
    duplicate = SourceFactory(name="HUR MO Ukrainy (duplicate)")
    on = datetime.date(2024, 11, 2)
    services.assertion_create(
        claim=Claim.objects.get(slug="north-korean-troops-in-russia"),
        source=duplicate,
        stated_on=on,
        figure="about 11,000",
        quote="HUR said about 11,000 North Korean soldiers were in Kursk.",
        document=DocumentFactory(publisher=duplicate, published_on=on),
    )
    url = seeded_server.url + duplicate.get_absolute_url()
    source_services.source_merge(
        source=duplicate, into=hur, reason="The same agency, imported twice."
    )
    return url, hur


@pytest.mark.parametrize("width", [360, 1280])
def test_an_old_link_to_a_merged_source_lands_on_the_one_it_joined(
    old_link, open_page, width
):
    url, hur = old_link

    page = open_page(url, width=width)

    assert page.url.endswith(hur.get_absolute_url())
    assert page.locator("h1").inner_text().startswith("Ukrainian military")
    text = page.locator("main").inner_text()
    assert "HUR MO Ukrainy (duplicate)" in text  # one of its names now
    assert "about 11,000" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert not page.console_errors
