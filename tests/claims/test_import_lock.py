"""The import lock belongs to a live process (claims/jobs/locks.py), a preview takes
none, the sweep frees a dead holder's lock and closes a swept job's task row, and a
job can be cancelled from its page. tests/test_jobs_worker.py kills a real
import."""

import os
import subprocess
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from claims.interchange import csvformat
from claims.interchange.imports import ImportBusy, ImportFailed, assertions_import
from claims.jobs import locks
from claims.jobs import tasks as jobs
from claims.jobs.models import ImportLock, Job, JobKind, JobStatus
from claims.models import Assertion
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GOOD = (
    ",".join(csvformat.REQUIRED)
    + '\nTanks lost,tanks,War,Oryx,osint,2024-10-01,"3,000",Oryx counts 3000.,,,\n'
)


def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def held(**fields) -> ImportLock:
    now = timezone.now()
    defaults = {
        "holder": "rita",
        "started_at": now,
        "heartbeat_at": now,
        "pid": os.getpid(),
        "hostname": locks.this_host(),
    }
    return ImportLock.objects.create(**(defaults | fields))


def test_a_lock_whose_process_died_on_this_host_is_cleared_by_the_next_import():
    held(pid=dead_pid())  # heartbeat fresh: the pid decides on its own host

    assertions_import(data=GOOD)

    assert Assertion.objects.count() == 1
    assert not ImportLock.objects.exists()


def test_a_live_import_is_never_taken_over_however_long_it_runs():
    long_ago = timezone.now() - timedelta(hours=5)
    held(started_at=long_ago, heartbeat_at=long_ago)  # this process: alive

    with pytest.raises(ImportBusy, match="rita is importing a file"):
        assertions_import(data=GOOD)

    assert ImportLock.objects.count() == 1
    assert not Assertion.objects.exists()


@pytest.mark.parametrize(
    ("age", "busy"), [(timedelta(seconds=30), True), (timedelta(minutes=3), False)]
)
def test_a_holder_on_another_host_is_judged_by_its_heartbeat(age, busy):
    held(hostname="elsewhere", pid=1, heartbeat_at=timezone.now() - age)

    if busy:
        with pytest.raises(ImportBusy):
            assertions_import(data=GOOD)
    else:
        assertions_import(data=GOOD)
        assert Assertion.objects.count() == 1


def test_a_lock_held_for_a_job_that_ended_is_free():
    job = Job.objects.create(
        kind=JobKind.IMPORT,
        status=JobStatus.FAILED,
        failure="The worker stopped",
        finished_at=timezone.now(),
    )
    held(job=job)  # pid alive (this process), but its job is over

    assert not locks.holder_alive(ImportLock.objects.get())


def test_the_lock_records_its_holder_and_goes_when_the_import_ends(researcher):
    with locks.import_turn(researcher, job_id=None) as lock:
        assert lock.pid == os.getpid()
        assert lock.hostname == locks.this_host()
        assert lock.holder == str(researcher)
    assert not ImportLock.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_heartbeat_is_renewed_while_the_import_runs(monkeypatch):
    monkeypatch.setattr(locks, "HEARTBEAT", 0.05)
    with locks.import_turn(None) as lock:
        first = lock.heartbeat_at
        deadline = timezone.now() + timedelta(seconds=10)
        while ImportLock.objects.get().heartbeat_at == first:
            assert timezone.now() < deadline, "the heartbeat was never renewed"


def test_a_preview_runs_while_an_import_holds_the_lock(researcher):
    held()

    summary = assertions_import(data=GOOD, user=researcher, dry_run=True)

    assert summary.created["assertions"] == 1
    assert not Assertion.objects.exists()
    assert ImportLock.objects.get().holder == "rita"  # untouched


def test_a_preview_job_runs_while_an_import_holds_the_lock(researcher):
    held()
    preview = jobs.job_start(
        kind=JobKind.IMPORT_PREVIEW,
        user=researcher,
        upload=ContentFile(GOOD.encode(), name="f.csv"),
    )

    assert jobs.job_execute(job_id=preview.pk) == JobStatus.SUCCEEDED


def test_the_sweep_frees_a_dead_holders_lock_and_leaves_a_live_one():
    held(pid=dead_pid())

    out = call_command_output("sweep_jobs")

    assert "Freed the lock of a dead import: import by rita" in out
    assert not ImportLock.objects.exists()

    held()
    call_command_output("sweep_jobs")
    assert ImportLock.objects.count() == 1


def call_command_output(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def task_row(status=TaskResultStatus.RUNNING) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [0], "kwargs": {}},
        task_path="claims.jobs.tasks.job_run",
        backend_name="default",
        run_after=timezone.now(),
    )


def test_a_swept_jobs_task_row_is_closed(settings):
    settings.CLAIMTRACKER_JOB_STALE_MINUTES = 10
    task = task_row()
    beat = timezone.now() - timedelta(minutes=11)
    job = Job.objects.create(
        kind=JobKind.EXPORT,
        status=JobStatus.RUNNING,
        started_at=beat,
        heartbeat_at=beat,
        task_id=str(task.pk),
    )

    call_command_output("sweep_jobs")

    job.refresh_from_db()
    task.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert task.status == TaskResultStatus.FAILED
    assert task.finished_at is not None
    assert "The worker stopped" in task.traceback


# Cancelling from the job's page.


def job_of(kind, status=JobStatus.QUEUED, **fields) -> Job:
    now = timezone.now()
    if status == JobStatus.RUNNING:
        fields |= {"started_at": now, "heartbeat_at": now}
    return Job.objects.create(kind=kind, status=status, **fields)


def cancel_url(job) -> str:
    return reverse("admin:jobs_job_cancel", args=[job.pk])


def test_a_queued_job_is_cancelled_from_its_page(researcher_client, researcher):
    task = task_row(TaskResultStatus.READY)
    job = job_of(JobKind.IMPORT, created_by=researcher, task_id=str(task.pk))

    page = researcher_client.get(reverse("admin:jobs_job_change", args=[job.pk]))
    assert b'id="job-cancel"' in page.content
    answer = researcher_client.post(cancel_url(job), follow=True)

    job.refresh_from_db()
    task.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.failure.startswith(f"Cancelled by {researcher} before it started")
    assert job.cancel_requested_by == researcher
    assert task.status == TaskResultStatus.FAILED  # the worker will not run it
    assert f"Cancelled by {researcher}".encode() in answer.content
    assert jobs.job_execute(job_id=job.pk) == JobStatus.FAILED  # not run


def test_a_running_job_is_asked_to_stop_from_its_page(researcher_client, researcher):
    job = job_of(JobKind.DETECT, JobStatus.RUNNING)

    answer = researcher_client.post(cancel_url(job), follow=True)

    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING  # until its next batch
    assert job.cancel_requested_by == researcher
    assert job.phase == f"stopping: cancelled by {researcher}"
    assert b"asked to stop" in answer.content
    assert b'id="job-cancel-requested"' in answer.content


def test_the_time_a_stop_was_asked_for_is_labelled_with_the_sites_zone(
    researcher_client, settings
):
    """The page writes the time in the site's zone (TIME_ZONE): it said "UTC"
    after a time written in another."""
    settings.TIME_ZONE = "Asia/Tokyo"
    job = job_of(JobKind.DETECT, JobStatus.RUNNING)

    answer = researcher_client.post(cancel_url(job), follow=True)

    job.refresh_from_db()
    tokyo = job.cancel_requested_at.astimezone(ZoneInfo("Asia/Tokyo"))
    assert f"at {tokyo:%H:%M:%S} JST:" in answer.content.decode()


def test_only_who_may_start_a_job_may_cancel_it(editor_client):
    job = job_of(JobKind.IMPORT)

    page = editor_client.get(reverse("admin:jobs_job_change", args=[job.pk]))
    answer = editor_client.post(cancel_url(job))

    assert b'id="job-cancel"' not in page.content
    assert answer.status_code == 403
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED


def test_an_ended_job_cannot_be_cancelled(researcher_client):
    job = job_of(
        JobKind.DETECT,
        JobStatus.SUCCEEDED,
        finished_at=timezone.now(),
    )

    answer = researcher_client.post(cancel_url(job), follow=True)

    assert b"ended already" in answer.content
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED


def test_a_running_import_that_is_cancelled_stops_and_writes_nothing(
    monkeypatch, researcher
):
    """The progress thread read the request; the next progress call stops it."""
    boss = UserFactory(username="boss")
    entered = jobs.Reporter.__enter__

    def cancelled_at_once(reporter):
        reporter.cancelled_by = str(boss)
        return entered(reporter)

    monkeypatch.setattr(jobs.Reporter, "__enter__", cancelled_at_once)
    job = jobs.job_start(
        kind=JobKind.IMPORT,
        user=researcher,
        upload=ContentFile(GOOD.encode(), name="f.csv"),
    )

    assert jobs.job_execute(job_id=job.pk) == JobStatus.FAILED

    job.refresh_from_db()
    assert job.failure.startswith("Cancelled by boss at ")
    assert "Nothing was written" in job.failure
    assert not Assertion.objects.exists()
    assert not ImportLock.objects.exists()


@pytest.mark.sqlite
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_another_import_writes_to_is_busy_not_an_error(monkeypatch):
    """SQLite has one writer: while another connection's write holds it past the
    site's timeout, the command line says the database is busy (an import holding
    the lock would be named), and a job waits its turn and then takes it (both
    ended on "database is locked")."""
    import sqlite3
    import threading

    from django.db import connection

    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 0.2)
    connection.close()
    holder = sqlite3.connect(
        connection.settings_dict["NAME"], isolation_level=None, check_same_thread=False
    )
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(ImportBusy) as busy:
            with locks.import_turn(None):
                pass
        assert str(busy.value).startswith("The database is busy with another write")

        threading.Timer(1.0, holder.execute, ["ROLLBACK"]).start()
        with locks.import_turn(None, wait=timedelta(seconds=30)) as lock:
            assert ImportLock.objects.get().pk == lock.pk
    finally:
        holder.close()
    assert not ImportLock.objects.exists()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_name_saved_by_another_writer_during_the_check_fails_the_import_cleanly():
    """PostgreSQL: another connection saves a source under a name the file creates,
    after the check found none and before the write: the import writes nothing and
    says so (it ended on a UniqueViolation)."""
    import threading

    from django.db import connection

    from sources import services as source_services
    from sources.models import Source
    from tests.support.imports import csv_of, row

    def progress(**fields):
        if fields.get("phase", "").startswith("writing topics"):

            def other_writer():
                try:
                    source_services.source_save(
                        source=Source(name="Pentagon", slug="pentagon-x", kind="media")
                    )
                finally:
                    connection.close()

            thread = threading.Thread(target=other_writer)
            thread.start()
            thread.join()

    with pytest.raises(ImportFailed) as failed:
        assertions_import(data=csv_of(row(figure="1,001")), progress=progress)

    assert "under a name this file creates" in str(failed.value.errors[0])
    assert list(Source.objects.values_list("name", flat=True)) == ["Pentagon"]
    assert not Assertion.objects.exists()
    assert not ImportLock.objects.exists()
