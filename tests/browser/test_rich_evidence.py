"""Every public page fits a phone (360 px) and a desktop (1,280 px) with real
evidence: an archived file's SHA-256, translations, long source names and 20
figures (tests/support/rich_evidence.py), not only the demo data (issue 25)."""

import pytest

from tests.support import rich_evidence

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CLAIM = f"/claims/{rich_evidence.SLUG}/"


@pytest.fixture
def rich_server(transactional_db, live_server):
    claim, sources, document = rich_evidence.build()
    pages = {
        "home": "/",
        "list": "/claims/",
        "list-filtered": "/claims/?q=korean",
        "claim": CLAIM,
        "claim-as-of": CLAIM + "?as_of=2024-10-20",
        "sources": "/sources/",
        "source": sources[0].get_absolute_url(),
        "search": "/search/?q=intelligence",
        "methodology": "/methodology/",
    }
    return live_server, pages


@pytest.mark.parametrize("width", [360, 1280])
def test_no_public_page_scrolls_sideways_with_rich_evidence(
    rich_server, open_page, screenshot, width
):
    server, pages = rich_server
    too_wide = {}
    for name, path in pages.items():
        page = open_page(server.url + path, width=width, height=800)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            too_wide[name] = scroll_width
        screenshot(page, f"rich-{name}-{width}")

    assert too_wide == {}


def test_on_a_phone_the_filters_fold_and_wide_tables_say_they_scroll(
    rich_server, open_page
):
    server, _ = rich_server

    listing = open_page(server.url + "/claims/", width=360, height=800)
    folded = listing.locator("details.filter-fold").get_attribute("open") is None
    filters_hidden = not listing.locator("form.filters").is_visible()
    listing.locator("details.filter-fold > summary").click()
    filters_shown = listing.locator("form.filters").is_visible()
    claim = open_page(server.url + CLAIM, width=360, height=800)
    cue = claim.evaluate(
        "getComputedStyle(document.querySelector('.table-scroll.wide'), '::before')"
        ".content"
    )
    first_column = claim.evaluate(
        "getComputedStyle(document.querySelector('.table-scroll.wide th')).position"
    )

    assert folded
    assert filters_hidden and filters_shown
    assert "Scroll sideways" in cue
    assert first_column == "sticky"


def test_the_current_estimates_key_keeps_marker_name_and_colon_on_one_line(
    rich_server, open_page
):
    server, _ = rich_server
    page = open_page(server.url + CLAIM, width=360, height=800)

    boxes = page.evaluate(
        """[...document.querySelectorAll('.chart-current li')].map(li => {
            const swatch = li.querySelector('svg').getBoundingClientRect();
            const name = li.querySelector('a').getClientRects()[0];
            return Math.abs(swatch.top - name.top) < name.height;
        })"""
    )

    assert boxes and all(boxes)
