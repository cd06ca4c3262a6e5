"""Every public page fits a phone (360 px) and a desktop (1,280 px) without scrolling
sideways (a failure saves a screenshot of each page for the CI artefacts)."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TROOPS = "/claims/north-korean-troops-in-russia/"
PAGES = {
    "home": "/",
    "list": "/claims/",
    "claim": TROOPS,
    "claim-as-of": TROOPS + "?as_of=2024-10-24",
    "claim-full-range": TROOPS + "?range=full",
    "sources": "/sources/",
    "source": "/sources/john-kirby/",
    "search": "/search/?q=HUR",
    "search-nothing": "/search/?q=Ukranian+inteligence",
    "methodology": "/methodology/",
}


@pytest.mark.parametrize("width", [360, 1280])
def test_no_public_page_scrolls_sideways(seeded_server, open_page, width):
    too_wide = {}
    for name, path in PAGES.items():
        page = open_page(seeded_server.url + path, width=width, height=800)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            too_wide[name] = scroll_width

    assert too_wide == {}
