"""The researchers' and editors' admin screens in Chromium at 1,280 px: logging a
document's figures, the quote check, the import preview, and the editor's landing."""

import pytest

from claims.models import Assertion, Claim
from sources.models import Document
from tests.support.browser import choose, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BROOKINGS = "What do North Korean troop deployments to Russia mean for geopolitics?"
CLAIM = "North Korean soldiers in Russia (one document)"


@pytest.fixture
def brookings(seeded_server):
    return Document.objects.get(title=BROOKINGS).pk


def fill_row(page, n, *, figure, quote, stated_on, source=None, new_source=None):
    row = page.locator("fieldset.figure-row").nth(n)
    if source and not row.locator(".select2").count():  # without JavaScript
        row.locator(f'[name="form-{n}-source"]').select_option(label=source)
    elif source:
        choose(page, f"form-{n}-source", source)
    else:
        name, kind = new_source
        row.locator(f'[name="form-{n}-new_source"]').fill(name)
        row.locator(f'[name="form-{n}-new_source_kind"]').select_option(kind)
    row.locator(f'[name="form-{n}-stated_on"]').fill(stated_on)
    row.locator(f'[name="form-{n}-figure"]').fill(figure)
    row.locator(f'[name="form-{n}-quote"]').fill(quote)
    return row


def test_researcher_logs_the_four_figures_of_a_new_claim_from_one_document(
    seeded_server, researcher_account, open_page
):
    page = open_page(seeded_server.url + "/admin/claims/assertion/log/")
    pages_loaded = []
    page.on(
        "framenavigated",
        lambda f: f.parent_frame is None and pages_loaded.append(f.url),
    )
    popups = []
    page.context.on("page", lambda popup: popups.append(popup))
    sign_in(page, "rita")
    choose(page, "document", f"{BROOKINGS} (29 Oct 2024)", typed="geopolitics")
    page.get_by_role("button", name="Open the document").click()

    page.get_by_label("New claim: title").fill(CLAIM)
    page.get_by_label("unit").fill("troops")
    page.get_by_label("topic").select_option(
        label="North Korea–Russia military cooperation"
    )
    first = fill_row(
        page,
        0,
        source="Ukrainian military intelligence (HUR)",
        stated_on="2024-10-01",
        figure="several thousand",
        quote="Ukrainian intelligence reported that several thousand North Korean "
        "soldiers were undergoing training in Russia",
    )
    page.locator('[name="form-0-date_precision"]').select_option("month")
    fill_row(
        page,
        1,
        source="South Korea National Intelligence Service (NIS)",
        stated_on="2024-10-18",
        figure="1,500",
        quote="the first batch of 1,500 North Korean special forces to Russia's "
        "Far East",
    )
    fill_row(
        page,
        2,
        new_source=("White House spokesperson (browser test)", "government"),
        stated_on="2024-10-23",
        figure="at least 3,000",
        quote="confirmed the presence of at least 3,000 soldiers",
    )
    last = fill_row(
        page,
        3,
        source="US Department of Defense (Pentagon)",
        stated_on="2024-10-28",
        figure="10,000",
        quote="The Pentagon now believes that 10,000 North Korean troops are in Russia",
    )
    # The live preview, while typing: no page is loaded for it.
    first.locator(".reading").filter(has_text="Reads as Vague term").wait_for()
    last.locator(".reading").filter(has_text="Reads as Exact: 10,000").wait_for()
    page.evaluate("window.scrollTo(0, 0)")
    page.get_by_role("button", name="Save figures").click()

    assert "Logged 4 figures" in page.locator(".messagelist").inner_text()
    assert popups == []
    assert len(pages_loaded) <= 4  # sign-in, the document, the save: under one a figure
    assert page.console_errors == []
    claim = Claim.objects.get(title=CLAIM)
    assertions = Assertion.objects.filter(claim=claim).order_by("stated_on")
    assert [a.figure for a in assertions] == [
        "several thousand",
        "1,500",
        "at least 3,000",
        "10,000",
    ]


def test_a_straight_quoted_copy_matches_the_documents_curly_quote(
    seeded_server, researcher_account, brookings, open_page
):
    url = f"{seeded_server.url}/admin/claims/assertion/log/?document={brookings}"
    page = open_page(url, javascript=False)
    sign_in(page, "rita")
    page.get_by_label("Existing claim").select_option(
        label="North Korean troops in Russia"
    )
    fill_row(
        page,
        0,
        source="South Korea National Intelligence Service (NIS)",
        stated_on="2024-10-21",
        figure="1,500",
        # Straight apostrophes where the document has curly ones; the quote states
        # the figure, as every quote must (issue 24).
        quote="South Korea's National Intelligence Service (NIS) later corroborated "
        "Ukraine's assertions, sharing satellite images of Russian vessels "
        "transporting the first batch of 1,500 North Korean special forces",
    )
    page.get_by_role("button", name="Preview").click()
    assert "Reads as Exact: 1,500" in page.locator(".figure-row").first.inner_text()
    page.get_by_role("button", name="Save figures").click()

    assert "Logged 1 figure" in page.locator(".messagelist").inner_text()
    assertion = Assertion.objects.get(stated_on="2024-10-21")
    assert assertion.quote.startswith("South Korea’s National Intelligence Service")
    assert "Ukraine’s assertions" in assertion.quote


def test_a_near_miss_quote_shows_where_it_differs(
    seeded_server, researcher_account, brookings, open_page
):
    url = f"{seeded_server.url}/admin/claims/assertion/log/?document={brookings}"
    page = open_page(url, javascript=False)
    sign_in(page, "rita")
    page.get_by_label("Existing claim").select_option(
        label="North Korean troops in Russia"
    )
    fill_row(
        page,
        0,
        source="US Department of Defense (Pentagon)",
        stated_on="2024-10-28",
        figure="12,000",
        quote="The Pentagon now believes that 12,000 North Korean troops are in Russia",
    )
    page.get_by_role("button", name="Preview").click()

    error = page.locator(".figure-row").first.locator(".errorlist").inner_text()
    assert "Nearest passage: “The Pentagon now believes that 10,000" in error
    assert "differs at “10,000 North”" in error


def test_the_import_preview_suggests_the_existing_source(
    seeded_server, researcher_account, open_page, tmp_path
):
    path = tmp_path / "figures.csv"
    path.write_text(
        "claim,unit,topic,source,source_kind,stated_on,figure,quote,"
        "document_title,document_url,document_published_on\n"
        "North Korean troops in Russia,troops,North Korea–Russia military cooperation,"
        "Ukranian military inteligence,intelligence,2024-11-04,11000,"
        "11000 troops are in Kursk.,,,\n"
    )
    page = open_page(seeded_server.url + "/admin/claims/assertion/import/")
    sign_in(page, "rita")
    page.get_by_label("CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Preview").click()
    # The preview is a background job: do the worker's part, then the page (which
    # refreshes itself) shows it.
    from claims.jobs import tasks as jobs
    from claims.jobs.models import Job

    jobs.job_execute(job_id=Job.objects.latest("pk").pk)
    page.reload()

    text = page.locator("#content").inner_text()
    assert "did you mean “Ukrainian military intelligence (HUR)”?" in text
    assert "Exact: 11,000" in text


def test_an_editor_signs_in_and_lands_on_the_queue(
    seeded_server, editor_account, open_page
):
    page = open_page(seeded_server.url + "/admin/login/")
    sign_in(page, "eddie")

    page.wait_for_url("**/review/")
    assert page.url == seeded_server.url + "/review/"


def test_the_assertion_list_fits_1280_pixels(
    seeded_server, researcher_account, open_page
):
    page = open_page(seeded_server.url + "/admin/claims/assertion/")
    sign_in(page, "rita")

    results = page.locator("#changelist .results")
    assert results.evaluate("el => el.scrollWidth <= el.clientWidth")
    filters = page.locator("#changelist-filter").inner_text()
    assert "By source kind" in filters and "By figure kind" in filters


@pytest.mark.parametrize(
    "path, name",
    [
        ("/admin/claims/claim/add/", "claim-add"),
        ("/admin/sources/document/add/", "document-add"),
    ],
)
def test_the_claim_and_document_forms_fit_1280_pixels(
    seeded_server, researcher_account, open_page, path, name
):
    page = open_page(seeded_server.url + path)
    sign_in(page, "rita")

    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
