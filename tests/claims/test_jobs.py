"""Background jobs (claims/jobs/tasks.py), run in the test process: the worker's part is
called directly here; tests/test_jobs_worker.py runs a real worker."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from claims.interchange import csvformat
from claims.jobs import locks
from claims.jobs import tasks as jobs
from claims.jobs.models import ImportLock, Job, JobKind, JobStatus
from claims.models import Assertion, Claim
from tests.factories import UserFactory
from tests.support.jobs import BAD, GOOD, IMPORT_URL, started

pytestmark = pytest.mark.django_db


def test_a_job_is_queued_when_its_transaction_commits(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = started(GOOD)
        assert not DBTaskResult.objects.exists()

    for callback in callbacks:
        callback()

    job.refresh_from_db()
    task = DBTaskResult.objects.get()
    assert task.task_path == "claims.jobs.tasks.job_run"
    assert task.args_kwargs == {"args": [job.pk], "kwargs": {}}
    assert job.task_id == str(task.id)


def test_the_uploaded_file_goes_to_private_storage_not_the_session(settings):
    job = started(GOOD)

    assert job.file.name.startswith("imports/")
    assert (settings.MEDIA_ROOT / job.file.name).read_text() == GOOD
    assert job.file_name == "figures.csv"


def test_a_preview_job_counts_and_writes_nothing(researcher):
    job = started(GOOD, user=researcher)

    assert jobs.job_execute(job_id=job.pk) == JobStatus.SUCCEEDED

    job.refresh_from_db()
    assert "assertions: would create 1, already present 0" in job.result["lines"]
    assert (job.rows_checked, job.rows_total, job.phase) == (1, 1, "done")
    assert job.finished_at is not None
    assert not Claim.objects.exists()


def test_an_import_started_from_its_preview_writes_the_rows(researcher):
    preview = started(GOOD, user=researcher)
    jobs.job_execute(job_id=preview.pk)
    preview.refresh_from_db()

    job = jobs.import_from_preview_start(preview=preview, user=researcher)
    jobs.job_execute(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.rows_written == 1
    assert job.file.name == preview.file.name
    assertion = Assertion.objects.get()
    assert (assertion.claim.title, assertion.created_by) == ("Tanks lost", researcher)


def test_a_preview_is_imported_once(researcher):
    preview = started(GOOD, user=researcher)
    jobs.job_execute(job_id=preview.pk)
    preview.refresh_from_db()
    jobs.import_from_preview_start(preview=preview, user=researcher)

    with pytest.raises(ValidationError, match="started already"):
        jobs.import_from_preview_start(preview=preview, user=researcher)


def test_an_import_that_failed_may_be_started_again_from_its_preview(
    researcher, settings
):
    settings.CLAIMTRACKER_IMPORT_WAIT_MINUTES = 0  # fail at once, not in an hour
    preview = started(GOOD, user=researcher)
    jobs.job_execute(job_id=preview.pk)
    preview.refresh_from_db()
    ImportLock.objects.create(holder="someone else")
    first = jobs.import_from_preview_start(preview=preview, user=researcher)
    jobs.job_execute(job_id=first.pk)
    ImportLock.objects.all().delete()

    again = jobs.import_from_preview_start(preview=preview, user=researcher)
    jobs.job_execute(job_id=again.pk)

    again.refresh_from_db()
    assert again.status == JobStatus.SUCCEEDED
    assert Assertion.objects.count() == 1


def test_a_failed_preview_cannot_be_imported(researcher):
    preview = started(BAD, user=researcher)
    jobs.job_execute(job_id=preview.pk)
    preview.refresh_from_db()

    with pytest.raises(ValidationError, match="preview succeeded"):
        jobs.import_from_preview_start(preview=preview, user=researcher)


def test_a_bad_row_fails_the_import_names_its_line_and_writes_nothing():
    job = started(BAD, kind=JobKind.IMPORT)

    assert jobs.job_execute(job_id=job.pk) == JobStatus.FAILED

    job.refresh_from_db()
    assert job.errors == [
        {
            "line": 3,
            "column": "stated_on",
            "message": job.errors[0]["message"],
        }
    ]
    assert "“soon”" in job.errors[0]["message"]
    assert "Nothing was written" in job.failure
    assert job.phase.startswith("stopped while")
    assert not Claim.objects.exists()


def test_an_import_waiting_past_its_limit_for_another_fails_and_says_who(
    settings, monkeypatch
):
    settings.CLAIMTRACKER_IMPORT_WAIT_MINUTES = 1
    clock = iter(range(0, 1000, 20))  # each look at the lock 20 s after the last
    monkeypatch.setattr(locks.time, "monotonic", lambda: next(clock))
    monkeypatch.setattr(locks.time, "sleep", lambda seconds: None)
    ImportLock.objects.create(holder="rita")
    job = started(GOOD, kind=JobKind.IMPORT)

    jobs.job_execute(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "rita is importing a file" in job.failure
    assert next(clock) == 80  # deadline 0 + 60; looked again at 20, 40 and 60


def test_an_import_waits_for_the_one_before_it_to_end(settings, monkeypatch):
    settings.CLAIMTRACKER_IMPORT_WAIT_MINUTES = 1
    lock = ImportLock.objects.create(holder="rita")

    def rita_finishes(seconds):
        lock.delete()

    monkeypatch.setattr(locks.time, "sleep", rita_finishes)
    job = started(GOOD, kind=JobKind.IMPORT)

    jobs.job_execute(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.failure


def test_a_job_runs_once():
    job = started(GOOD, kind=JobKind.IMPORT)
    jobs.job_execute(job_id=job.pk)

    assert jobs.job_execute(job_id=job.pk) == JobStatus.SUCCEEDED
    assert Assertion.objects.count() == 1


def test_detection_runs_as_a_job(seeded):
    job = jobs.job_start(kind=JobKind.DETECT)

    jobs.job_execute(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.result["lines"][0].startswith("opened ")


def test_rereading_figures_runs_as_a_job(seeded):
    job = jobs.job_start(kind=JobKind.REPARSE)

    jobs.job_execute(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert "reading(s) changed" in job.result["lines"][0]


def test_an_export_job_writes_every_published_figure_to_a_file(
    seeded, researcher_client
):
    job = jobs.job_start(kind=JobKind.EXPORT)

    jobs.job_execute(job_id=job.pk)
    job.refresh_from_db()
    download = researcher_client.get(reverse("admin:jobs_job_download", args=[job.pk]))

    published = Assertion.objects.published().count()
    assert job.status == JobStatus.SUCCEEDED
    assert job.rows_written == published
    assert job.file.name.startswith("exports/claimtracker-")
    lines = b"".join(download.streaming_content).decode().splitlines()
    assert lines[0] == ",".join(csvformat.COLUMNS)
    assert len(lines) == published + 1


def running(heartbeat_minutes_ago: int, **fields) -> Job:
    now = timezone.now()
    beat = now - timedelta(minutes=heartbeat_minutes_ago)
    return Job.objects.create(
        kind=JobKind.IMPORT,
        status=JobStatus.RUNNING,
        phase="writing assertions",
        started_at=beat - timedelta(minutes=1),
        heartbeat_at=beat,
        **fields,
    )


def test_the_sweep_fails_a_job_whose_worker_stopped_and_frees_its_lock(settings):
    settings.CLAIMTRACKER_JOB_STALE_MINUTES = 10
    user = UserFactory(username="rita")
    stale = running(11, created_by=user)
    ImportLock.objects.create(holder="rita", started_at=stale.started_at, job=stale)
    alive = running(1)

    call_command("sweep_jobs", verbosity=0)

    stale.refresh_from_db()
    alive.refresh_from_db()
    assert stale.status == JobStatus.FAILED
    assert "The worker stopped" in stale.failure
    assert stale.phase == "stopped while writing assertions"
    assert alive.status == JobStatus.RUNNING
    assert not ImportLock.objects.exists()


def test_the_sweep_dry_run_changes_nothing():
    stale = running(60)

    call_command("sweep_jobs", "--dry-run", verbosity=0)

    stale.refresh_from_db()
    assert stale.status == JobStatus.RUNNING


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "mystery"},
        {"status": "paused"},
        {"status": JobStatus.SUCCEEDED},  # no finishing time
        {"status": JobStatus.RUNNING, "finished_at": timezone.now()},
        {"status": JobStatus.FAILED, "finished_at": timezone.now()},  # no reason
    ],
)
def test_job_constraints_hold_in_the_database_and_in_full_clean(fields):
    job = Job(**{"kind": JobKind.DETECT, **fields})

    with pytest.raises(ValidationError):
        job.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        job.save()


# The admin


def upload(text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("figures.csv", text.encode(), content_type="text/csv")


def test_an_upload_starts_a_preview_job_and_shows_its_page(
    researcher_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = researcher_client.post(IMPORT_URL, {"file": upload(GOOD)})

    job = Job.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:jobs_job_change", args=[job.pk])
    assert job.kind == JobKind.IMPORT_PREVIEW
    assert DBTaskResult.objects.count() == 1
    assert "claims:import-preview" not in researcher_client.session
    page = researcher_client.get(response.url).content.decode()
    assert "Waiting for a worker" in page
    assert 'http-equiv="refresh"' in page


def test_the_preview_page_offers_the_import_and_the_button_starts_it(
    researcher_client, researcher
):
    preview = started(GOOD, user=researcher)
    jobs.job_execute(job_id=preview.pk)
    page_url = reverse("admin:jobs_job_change", args=[preview.pk])

    page = researcher_client.get(page_url).content.decode()
    response = researcher_client.post(
        reverse("admin:jobs_job_import", args=[preview.pk])
    )

    assert "Preview: nothing has been written yet" in page
    assert "Import 1 assertion" in page
    job = Job.objects.get(kind=JobKind.IMPORT)
    assert response.url == reverse("admin:jobs_job_change", args=[job.pk])
    assert not Assertion.objects.exists()  # until a worker runs it


def test_a_failed_job_page_lists_errors_by_line(researcher_client):
    job = started(BAD, kind=JobKind.IMPORT)
    jobs.job_execute(job_id=job.pk)

    page = researcher_client.get(
        reverse("admin:jobs_job_change", args=[job.pk])
    ).content.decode()

    assert "The file was refused: 1 problem(s)" in page
    assert "<td>3</td><td>stated_on</td>" in page
    assert 'http-equiv="refresh"' not in page


def test_job_pages_are_for_researchers_and_editors(editor_client, researcher):
    job = started(GOOD, user=researcher)
    url = reverse("admin:jobs_job_change", args=[job.pk])

    assert Client().get(url).status_code == 302
    assert editor_client.get(url).status_code == 200
    assert (
        editor_client.post(reverse("admin:jobs_job_import", args=[job.pk]))
    ).status_code == 403
    assert (
        editor_client.post(reverse("admin:jobs_job_start", args=["detect"]))
    ).status_code == 403


def test_a_researcher_starts_detection_from_the_jobs_list(researcher_client):
    jobs_list = researcher_client.get(reverse("admin:jobs_job_changelist"))
    response = researcher_client.post(reverse("admin:jobs_job_start", args=["detect"]))

    assert "Start discrepancy detection over all claims" in jobs_list.content.decode()
    job = Job.objects.get()
    assert (job.kind, job.status) == (JobKind.DETECT, JobStatus.QUEUED)
    assert response.url == reverse("admin:jobs_job_change", args=[job.pk])


def test_the_jobs_list_costs_the_same_queries_for_many_jobs(
    researcher_client, researcher, django_assert_max_num_queries
):
    for _ in range(5):
        started(GOOD, user=UserFactory())

    with django_assert_max_num_queries(12):
        response = researcher_client.get(reverse("admin:jobs_job_changelist"))

    assert response.status_code == 200


def job_page(client, job) -> str:
    return client.get(reverse("admin:jobs_job_change", args=[job.pk])).content.decode()


def test_a_running_import_shows_a_percentage_and_a_bar_once_its_total_is_known(
    researcher_client,
):
    job = started(GOOD, kind=JobKind.IMPORT)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        phase="writing assertions",
        rows_checked=100_000,
        rows_total=100_000,
        rows_written=25_000,
    )

    page = job_page(researcher_client, job)

    # Every row checked, a quarter written: half the bar for each pass.
    assert '<progress id="job-progress" max="100" value="62">' in page
    assert '<span id="job-percent">62 %</span>' in page
    assert "100,000 of 100,000 checked, 25,000 written" in page


def test_an_import_still_checking_its_rows_moves_its_bar(researcher_client):
    job = started(GOOD, kind=JobKind.IMPORT)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        phase="checking each row's figure against its quote, and its names",
        rows_checked=40_000,
        rows_total=100_000,
        rows_written=0,
    )

    page = job_page(researcher_client, job)

    assert '<span id="job-percent">20 %</span>' in page
    assert "40,000 of 100,000 checked, 0 written" in page


def test_before_its_total_is_known_a_job_shows_a_row_count_and_no_bar(
    researcher_client,
):
    job = started(GOOD)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        phase="checking each row's values",
        rows_checked=12_345,
    )

    page = job_page(researcher_client, job)

    assert "12,345 checked" in page
    assert "<progress" not in page


def test_a_finished_preview_counts_its_rows_with_thousands_separators(
    researcher_client, researcher
):
    preview = started(GOOD, user=researcher)
    jobs.job_execute(job_id=preview.pk)
    Job.objects.filter(pk=preview.pk).update(
        result={**Job.objects.get(pk=preview.pk).result, "assertions": 12_000}
    )

    page = job_page(researcher_client, preview)

    assert "Import 12,000 assertions" in page
    assert 'value="100"' in page
