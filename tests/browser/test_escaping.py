"""In Chromium, markup typed into the data shows as text: no element is made from it
and no script runs, on the reader pages."""

import pytest
from django.urls import reverse

from tests.factories import PAYLOAD, SCRIPT

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_markup_in_the_data_never_becomes_elements_or_runs(
    live_server, hostile, browser
):
    source = hostile.assertions.first().source
    paths = [
        reverse("home"),
        reverse("claims:list"),
        reverse("sources:list"),
        source.get_absolute_url(),
        hostile.get_absolute_url(),  # last: its heading is read below
    ]
    context = browser.new_context()
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    for path in paths:
        page.goto(live_server.url + path)
        assert page.locator("img[src='x']").count() == 0, path
        assert page.locator("script:not([src]):not([type])").count() == 0, path
    title = page.locator("h1").inner_text()
    context.close()

    assert dialogs == []
    assert title == hostile.title
    assert SCRIPT in title and PAYLOAD in title
