"""Two of issue 25's screens in Chromium, at 360 and 1,280 px: a quoted phrase, typed
with straight or curly quotation marks, is searched as a phrase; a refused import file
says "Refused", lists its problems and offers the upload again, and the corrected
file's preview follows from that page."""

import pytest
from django.urls import reverse

from claims.jobs import tasks as jobs
from claims.jobs.models import Job
from tests.support.browser import sign_in
from tests.support.jobs import BAD, GOOD, IMPORT_URL

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WIDTHS = [360, 1280]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("typed", ['"first batch"', "“first batch”"])
def test_a_quoted_phrase_finds_the_quote_that_holds_it(
    seeded_server, open_page, width, typed
):
    page = open_page(seeded_server.url + reverse("search"), width=width)
    page.locator("#search-q").fill(typed)
    page.locator("#search-q").press("Enter")

    results = page.locator("main").inner_text()
    assert "first batch of 1,500" in results
    assert "National Intelligence Service" in results
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert not page.console_errors


def run_latest_job() -> Job:
    """Run the job the page just queued, as the worker would (tests/test_jobs_worker.py
    runs real workers), and return it."""
    job = Job.objects.latest("pk")
    jobs.job_execute(job_id=job.pk)
    return job


@pytest.mark.parametrize("width", WIDTHS)
def test_a_refused_file_says_so_and_its_corrected_copy_can_be_uploaded_from_there(
    researcher_account, seeded_server, open_page, tmp_path, width
):
    bad, good = tmp_path / "figures.csv", tmp_path / "figures-corrected.csv"
    bad.write_text(BAD)
    good.write_text(GOOD)
    page = open_page(seeded_server.url + IMPORT_URL, width=width)
    sign_in(page, researcher_account.username)

    page.set_input_files('input[name="file"]', str(bad))
    page.get_by_role("button", name="Preview").click()
    job = run_latest_job()
    page.reload()

    assert page.locator("#job-status").inner_text() == "Refused"
    assert "stated_on" in page.locator("main, #content").first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.set_input_files('#upload-again input[name="file"]', str(good))
    page.get_by_role("button", name="Upload and preview").click()
    corrected = run_latest_job()
    page.reload()

    assert corrected.pk != job.pk
    assert page.locator("#job-status").inner_text() != "Refused"
    assert page.get_by_role("button", name="Import 1 assertion").is_visible()
    assert not page.console_errors
