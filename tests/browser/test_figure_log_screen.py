"""The figure-logging screen in Chromium (issue 25): every problem listed at the top
with links to the rows, the searchable source box, and the return from adding a
document with it chosen."""

import datetime

import pytest
from django.contrib.auth.models import Group

from tests.factories import DocumentFactory, SourceFactory, UserFactory
from tests.support.browser import PASSWORD, choose, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TEXT = "By 23 October the Pentagon’s estimate was 3,000 soldiers in Kursk."
WIDTHS = [360, 1280]
# The page does not scroll sideways.
FITS = "document.documentElement.scrollWidth <= window.innerWidth"
LONG = "Main Intelligence Directorate of the Ministry of Defence of Ukraine (HUR)"


@pytest.fixture
def screen(transactional_db, live_server):
    user = UserFactory(username="rita", is_staff=True)
    assert user.check_password(PASSWORD)
    user.groups.add(Group.objects.get(name="Researchers"))
    SourceFactory(name=LONG)
    document = DocumentFactory(
        title="October update", text=TEXT, published_on=datetime.date(2024, 10, 30)
    )
    return live_server.url + "/admin/claims/assertion/log/", document


@pytest.mark.parametrize("width", WIDTHS)
def test_every_problem_is_listed_at_the_top_linking_to_its_row(
    screen, open_page, screenshot, width
):
    url, document = screen
    page = open_page(f"{url}?document={document.pk}", width=width)
    sign_in(page, "rita")
    page.get_by_label("New claim: title").fill("Troops in Kursk")
    for n, (figure, quote, day) in enumerate(
        [("3,000", "estimate was 4,000", "2024-10-23"), ("3,000", TEXT, "2024-11-05")]
    ):
        choose(page, f"form-{n}-source", LONG, typed="HUR")
        page.locator(f'[name="form-{n}-figure"]').fill(figure)
        page.locator(f'[name="form-{n}-quote"]').fill(quote)
        page.locator(f'[name="form-{n}-stated_on"]').fill(day)

    page.get_by_role("button", name="Save figures").click()
    problems = page.locator("#problems")
    links = problems.locator("a")
    links.first.wait_for()  # the answer to the save, not the page before it
    hrefs = {links.nth(i).get_attribute("href") for i in range(links.count())}
    screenshot(page, f"figure-log-problems-{width}")
    links.filter(has_text="Figure 2").first.click()

    assert {"#figure-claim", "#figure-1", "#figure-2"} <= hrefs
    assert "published on 30 Oct 2024" in problems.inner_text()
    assert page.evaluate("location.hash") == "#figure-2"
    assert page.locator('[name="form-1-stated_on"]').input_value() == "2024-11-05"
    assert LONG in page.locator("#figure-1 .select2-selection").inner_text()
    assert page.console_errors == []
    assert page.evaluate(FITS)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_document_added_from_the_screen_comes_back_chosen(screen, open_page, width):
    url, _ = screen
    page = open_page(url, width=width)
    sign_in(page, "rita")

    page.get_by_role("link", name="Add the document").click()
    page.get_by_label("Title").fill("Briefing of 31 October")
    page.locator('[name="text"]').fill(TEXT)
    page.get_by_role("button", name="Save", exact=True).click()

    assert page.locator("#document-title").inner_text() == "Briefing of 31 October"
    assert page.locator("fieldset.figure-row").count() == 4
    assert page.evaluate(FITS)
