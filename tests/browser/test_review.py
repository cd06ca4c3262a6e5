import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "correct horse battery staple"


def test_editor_judges_the_troop_conflict_and_readers_see_the_note(
    seeded_server, editor_account, open_page
):
    page = open_page(seeded_server.url + "/review/", javascript=False)

    page.get_by_label("Username").fill("eddie")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="North Korean troops in Russia").first.click()
    highlighted = page.locator("svg.chart-plot g.marker.highlight")
    highlighted.first.wait_for()  # the claim's page, not the queue it was opened from
    assert highlighted.count() == 2
    page.get_by_label("Judgement", exact=True).select_option("explained")
    page.get_by_label("Note for readers").fill(
        "The Dutch figure counts only special forces sent by 25 October."
    )
    page.get_by_role("button", name="Record judgement").click()

    assert "Judgement recorded." in page.locator(".messages").inner_text()
    reader = open_page(seeded_server.url + "/claims/north-korean-troops-in-russia/")
    # The judged pair keeps its note; the next conflict is under review at once
    # (issue 22), and the editors' queue holds it.
    judged = reader.locator(".discrepancy-note.judged").inner_text()
    assert "Discrepancy explained" in judged
    assert "counts only special forces" in judged
    assert "under review" in reader.locator("#discrepancy").inner_text()


def test_editor_on_a_phone_sets_a_figure_aside_without_javascript_and_back(
    seeded_server, editor_account, open_page
):
    page = open_page(seeded_server.url + "/review/", width=360, javascript=False)
    page.get_by_label("Username").fill("eddie")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="North Korean troops in Russia").first.click()

    page.get_by_role(
        "link", name="Set this figure aside for the whole claim"
    ).first.click()
    page.get_by_label("Why this figure does not count for the claim").fill(
        "It counts special forces only: a different scope."
    )
    page.get_by_role("button", name="Set aside").click()

    assert "is set aside for the claim" in page.locator(".messages").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    reader = open_page(seeded_server.url + "/claims/north-korean-troops-in-russia/")
    assert (
        "special forces only: a different scope" in reader.locator("main").inner_text()
    )
    page.get_by_role("button", name="Count it again").click()
    assert "counts again" in page.locator(".messages").inner_text()
