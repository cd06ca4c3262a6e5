"""Find figures end to end in Chromium (issue 27), as a researcher: sign in, choose a
document with text on the logging screen, press Find figures, check the proposed
rows against the marked text, keep two, edit one, drop one, save, and read the kept
figures with their verbatim quotes on the claim page. Once with JavaScript and once
without: the screen is plain forms, so both must work."""

import datetime

import pytest
from django.contrib.auth.models import Group

from claims.models import Assertion
from sources.models import Source
from tests.factories import (
    ClaimFactory,
    DocumentFactory,
    SourceAliasFactory,
    SourceFactory,
    UserFactory,
)
from tests.support.browser import choose, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

QUOTES = (
    "WASHINGTON, Oct 28 (Reuters) - The Pentagon said on Monday that 10,000 North "
    "Korean troops were in Russia.",
    "Ukraine's military intelligence agency said 12,000 soldiers had arrived.",
    "South Korea's National Intelligence Service estimated at least 3,000 troops "
    "had been sent.",
    "Officials in Kyiv said 500 had been killed.",
)
TEXT = " ".join(QUOTES)
FIGURES = ["10,000", "12,000", "at least 3,000", "500"]
HUR = "Ukrainian military intelligence (HUR)"


@pytest.fixture
def newsroom(transactional_db, live_server):
    """A researcher, the claim, the Pentagon (known by its alias) and a wire report
    whose text states four figures."""
    user = UserFactory(username="rita", is_staff=True)
    user.groups.add(Group.objects.get(name="Researchers"))
    claim = ClaimFactory(title="North Korean troops in Russia", unit="troops")
    pentagon = SourceFactory(name="US Department of Defense")
    SourceAliasFactory(source=pentagon, name="Pentagon")
    document = DocumentFactory(
        title="Wire report on Kursk",
        text=TEXT,
        publisher=SourceFactory(name="Reuters", kind=Source.Kind.MEDIA),
        published_on=datetime.date(2024, 10, 29),
    )
    return live_server.url, claim, document


def _choose_document(page, title, *, javascript):
    if javascript:
        choose(page, "document", title, typed="Wire")
    else:  # a plain menu of every document
        option = page.locator('select[name="document"] option', has_text=title)
        page.locator('select[name="document"]').select_option(
            option.get_attribute("value")
        )
    page.get_by_role("button", name="Open the document").click()


def _source_shown(row, n, *, javascript):
    """Return what the row's source box shows: the searchable box with JavaScript,
    the plain menu's choice without."""
    if javascript:
        return row.locator(".select2-selection__rendered").inner_text()
    return row.locator(f'[name="form-{n}-source"] option:checked').inner_text()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_researcher_finds_keeps_edits_drops_and_saves_figures_the_claim_page_shows(
    newsroom, open_page, javascript
):
    url, claim, document = newsroom
    page = open_page(url + "/admin/claims/assertion/log/", javascript=javascript)
    sign_in(page, "rita")
    _choose_document(page, document.title, javascript=javascript)

    page.get_by_role("button", name="Find figures").click()

    # The rows hold the candidates, each figure marked in the text beside them.
    rows = page.locator("fieldset.figure-row")
    rows.first.wait_for()  # the answer to the click, not the page before it
    assert rows.count() == 4
    assert [
        rows.nth(n).locator(f'[name="form-{n}-figure"]').input_value() for n in range(4)
    ] == FIGURES
    assert [
        rows.nth(n).locator(f'[name="form-{n}-quote"]').input_value() for n in range(4)
    ] == list(QUOTES)
    marks = page.locator(".document-marked mark")
    assert marks.all_inner_texts() == FIGURES
    assert marks.first.evaluate("m => getComputedStyle(m).backgroundColor") not in (
        "rgba(0, 0, 0, 0)",
        "transparent",
    )
    assert "US Department of Defense" in _source_shown(
        rows.nth(0), 0, javascript=javascript
    )
    assert rows.nth(0).locator('[name="form-0-stated_on"]').input_value() == (
        "2024-10-28"
    )
    assert "confidence 0.90: a known source" in rows.nth(0).inner_text()
    assert rows.nth(1).locator('[name="form-1-new_source"]').input_value() == (
        "Ukraine's military intelligence agency"
    )
    rows.nth(2).get_by_role("link", name="Found in the text").click()
    assert page.locator(":target").inner_text() == "at least 3,000"
    assert not Assertion.objects.exists()  # nothing written before saving

    # Keep 10,000 and "at least 3,000" as proposed (a new source needs its kind),
    # edit the source of 12,000, drop 500.
    rows.nth(1).locator('[name="form-1-new_source"]').fill(HUR)
    rows.nth(1).locator('[name="form-1-new_source_kind"]').select_option("intelligence")
    rows.nth(2).locator('[name="form-2-new_source_kind"]').select_option("intelligence")
    rows.nth(3).get_by_label("Keep").uncheck()
    page.get_by_role("button", name="Save figures").click()

    assert "Logged 3 figures" in page.locator(".messagelist").inner_text()
    saved = {a.figure: a for a in Assertion.objects.select_related("source")}
    assert set(saved) == {"10,000", "12,000", "at least 3,000"}
    assert saved["12,000"].source.name == HUR
    assert [saved[f].extraction_edited for f in ("10,000", "12,000")] == [False, True]

    reader = open_page(url + claim.get_absolute_url(), javascript=javascript)
    shown = reader.locator("main").inner_text()
    for figure, quote in zip(FIGURES[:3], QUOTES[:3], strict=True):
        assert figure in shown
        assert f"“{quote}”" in shown
    assert "Officials in Kyiv said 500" not in shown
    assert HUR in shown and "US Department of Defense" in shown
    assert page.console_errors == [] and reader.console_errors == []
