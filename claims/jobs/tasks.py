"""Long work as background jobs: start one, run it in a worker, show how it goes.

A Job row (claims/models.py) is what people see; the task queue (Django's tasks API
through the django-tasks backport, stored by django-tasks-db) only carries the job's
id to a worker (`manage.py db_worker`). A job is enqueued when the transaction that
created it commits, so a worker never looks for a row that is not there yet.

Progress and the heartbeat are written by a thread of the job's own, on a database
connection of its own, once a second: outside the work's transaction, so that other
connections see them while the work runs. On PostgreSQL that shows every phase and
row count as it happens. SQLite has one writer at a time, and the import's write
transaction holds that lock, so there progress shows up to the write phase and
again after it (docs/jobs.md).

The work itself stays one transaction: a job that fails, or whose worker dies, leaves
nothing half-written. `jobs_sweep` marks as failed the running jobs whose heartbeat
has stopped and closes their task rows; `locks_sweep` frees the import locks of
dead holders.

A queued or running job can be cancelled (`job_cancel`): a queued one ends at once;
a running one is asked to stop, and its progress thread, which reads the request
once a second, makes the next progress call (between batches of rows) raise
JobCancelled, so the work's transaction rolls back.
"""

from __future__ import annotations

import ctypes
import gc
import io
import logging
import tempfile
import threading
import uuid
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import DatabaseError, connections, transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from claims.interchange import exports, imports, preview
from claims.jobs import locks
from claims.jobs.models import Job, JobKind, JobStatus
from claims.pipeline import derive

logger = logging.getLogger(__name__)

# The most errors a job keeps on its row; the total is kept apart.
ERRORS_KEPT = 1000
# The most lines of a job's detailed result (detection, re-reading) kept on its row.
LINES_KEPT = 500
NOTHING_WRITTEN = "Nothing was written: the work is one transaction."


# Starting jobs (services: the only writers of Job rows besides the worker).


def job_start(
    *, kind: str, user=None, upload=None, file_name: str = "", preview=None
) -> Job:
    """Create a job and enqueue it when the transaction commits. `upload` (a Django
    File) is streamed to storage under imports/, under a name of our own."""
    with transaction.atomic():
        job = Job(kind=kind, created_by=user, preview=preview, file_name=file_name)
        if upload is not None:
            job.file_name = file_name or getattr(upload, "name", "") or ""
            job.file.save(f"{uuid.uuid4().hex}.csv", upload, save=False)
        elif preview is not None:
            job.file = preview.file.name
            job.file_name = preview.file_name
        job.full_clean()
        job.save()
        transaction.on_commit(partial(_enqueue, job.pk))
    return job


def import_from_preview_start(*, preview: Job, user) -> Job:
    """Start the import of a file whose preview succeeded; raise ValidationError if
    it did not, or if its import has been started already."""
    if preview.kind != JobKind.IMPORT_PREVIEW or preview.status != JobStatus.SUCCEEDED:
        raise ValidationError("Only a file whose preview succeeded can be imported.")
    with transaction.atomic():
        # One import per preview, even if the button is pressed twice; after a
        # failed one (another import was running, the worker died) it may be retried.
        Job.objects.select_for_update().filter(pk=preview.pk).get()
        started = preview.imports.exclude(status=JobStatus.FAILED).first()
        if started is not None:
            raise ValidationError(
                f"This file's import has been started already (job #{started.pk})."
            )
        return job_start(kind=JobKind.IMPORT, user=user, preview=preview)


class JobCancelled(Exception):
    """Someone cancelled the running job; its work rolls back."""

    def __init__(self, by: str):
        self.by = by
        super().__init__(f"Cancelled by {by}")


def job_cancel(*, job: Job, user) -> Job:
    """Cancel a queued job at once, or ask a running one to stop (it stops between
    batches of rows and rolls back); raise ValidationError if it has ended."""
    now = timezone.now()
    who = str(user) if user is not None else "the command line"
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.is_done:
            raise ValidationError(
                "This job has ended already; there is nothing to stop."
            )
        fields = {"cancel_requested_at": now, "cancel_requested_by": user}
        if job.status == JobStatus.QUEUED:
            failure = f"Cancelled by {who} before it started. Nothing was written."
            fields |= {
                "status": JobStatus.FAILED,
                "failure": failure,
                "finished_at": now,
                "phase": "cancelled",
            }
            _task_close(job, failure)
        else:
            fields["phase"] = f"stopping: cancelled by {who}"
        Job.objects.filter(pk=job.pk).update(**fields)
    job.refresh_from_db()
    return job


def _task_close(job: Job, reason: str) -> None:
    """Close the queue's row of a job that ended without its task: it must not stay
    "running", nor run later."""
    if not job.task_id:
        return
    DBTaskResult.objects.filter(
        pk=job.task_id,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    ).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path="claims.jobs.tasks.JobEnded",
        traceback=reason,
    )


def _enqueue(job_id: int) -> None:
    result = job_run.enqueue(job_id)
    Job.objects.filter(pk=job_id).update(task_id=str(result.id))


# Running them, in a worker.


@task()
def job_run(job_id: int) -> str:
    """The queue's task: run the job `job_id` and return its final status."""
    return job_execute(job_id=job_id)


def job_execute(*, job_id: int) -> str:
    """Run a queued job to its end and record how it went; return its status."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, phase="starting"
    )
    if not claimed:  # run already, or never committed
        return Job.objects.filter(pk=job_id).values_list("status", flat=True).first()
    job = Job.objects.select_related("created_by").get(pk=job_id)
    reporter = Reporter(job.pk)
    end: dict = {}
    try:
        with reporter:
            end = {"status": JobStatus.SUCCEEDED, **RUNNERS[job.kind](job, reporter)}
    except imports.ImportFailed as failure:
        end = _failed(
            f"The file was refused: {len(failure.errors):,} problem(s), listed by "
            f"line. {NOTHING_WRITTEN}",
            errors=[
                {"line": e.line, "column": e.column, "message": e.message}
                for e in failure.errors[:ERRORS_KEPT]
            ],
            errors_total=len(failure.errors),
        )
    except imports.ImportBusy as busy:
        end = _failed(str(busy))
    except JobCancelled as cancelled:
        end = _failed(
            f"Cancelled by {cancelled.by} at {timezone.now():%H:%M:%S} UTC. "
            f"{NOTHING_WRITTEN}"
        )
    except Exception as error:
        logger.exception("Job %s failed", job_id)
        end = _failed(f"The job stopped on an error: {error!r}. {NOTHING_WRITTEN}")
    except BaseException:
        # The worker is being stopped (a second Ctrl+C or SIGTERM): say so, then go.
        _finish(job_id, reporter, _failed(f"The worker was stopped. {NOTHING_WRITTEN}"))
        raise
    _finish(job_id, reporter, end)
    _memory_release()
    return end["status"]


def _memory_release() -> None:
    """Hand the memory a job freed back to the system, so that an idle worker
    returns near its starting size: Python keeps freed memory for reuse, and glibc's
    malloc keeps freed blocks until asked (malloc_trim; a no-op elsewhere)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: its allocator decides alone
        pass


def _failed(failure: str, **fields) -> dict:
    return {"status": JobStatus.FAILED, "failure": failure, **fields}


def _finish(job_id: int, reporter: Reporter, end: dict) -> None:
    fields = {**reporter.fields, **end}
    if end["status"] == JobStatus.FAILED:
        fields["phase"] = f"stopped while {reporter.fields.get('phase', 'starting')}"
    else:
        fields["phase"] = "done"
    now = timezone.now()
    # A job the sweep gave up on that did finish after all says how it ended.
    Job.objects.filter(pk=job_id).update(**fields, finished_at=now, heartbeat_at=now)


class Reporter:
    """Carry a job's progress to its row, from a thread with its own database
    connection: call it with the fields to set (phase, rows_checked, rows_written,
    rows_total); every CLAIMTRACKER_JOB_PROGRESS_SECONDS (1) the latest are written,
    with the heartbeat."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.interval = settings.CLAIMTRACKER_JOB_PROGRESS_SECONDS
        self.fields: dict = {}
        # Who cancelled the job, once its thread has read the request.
        self.cancelled_by: str | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._loop, name=f"job-{job_id}-progress", daemon=True
        )

    def __call__(self, **fields) -> None:
        if self.cancelled_by is not None:
            raise JobCancelled(self.cancelled_by)
        with self._lock:
            new_phase = fields.get("phase", self.fields.get("phase"))
            changed = new_phase != self.fields.get("phase")
            self.fields.update(fields)
        if changed and not connections["default"].in_atomic_block:
            # A new phase outside the work's transaction shows at once.
            self._write(in_thread=False)

    def __enter__(self) -> Reporter:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                self._write(in_thread=True)
                self._read_cancel()
        finally:
            connections.close_all()  # this thread's own connections

    def _write(self, *, in_thread: bool) -> None:
        with self._lock:
            fields = dict(self.fields)
        try:
            connection = connections["default"]
            if in_thread and connection.vendor == "sqlite":
                # While an import's write transaction holds SQLite's only write
                # lock, give up quickly and try again in a second.
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA busy_timeout = 500")
            Job.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(
                **fields, heartbeat_at=timezone.now()
            )
        except DatabaseError as error:
            logger.debug("Job %s: progress not written (%s)", self.job_id, error)

    def _read_cancel(self) -> None:
        try:
            asked = (
                Job.objects.filter(pk=self.job_id, cancel_requested_at__isnull=False)
                .values("cancel_requested_by__username")
                .first()
            )
        except DatabaseError as error:
            logger.debug("Job %s: cancel not read (%s)", self.job_id, error)
            return
        if asked is not None:
            self.cancelled_by = asked["cancel_requested_by__username"] or "someone"


def _import(job: Job, reporter: Reporter, *, dry_run: bool) -> dict:
    reporter(phase="reading the file")
    # The file is parsed as it is read, never held whole in the worker's memory.
    with job.file.open("rb") as handle:
        # With several workers, imports queued together take turns: each waits for
        # the one before it rather than failing (docs/jobs.md).
        summary = imports.assertions_import(
            data=handle,
            user=job.created_by,
            dry_run=dry_run,
            progress=reporter,
            job_id=job.pk,
            wait=timedelta(minutes=settings.CLAIMTRACKER_IMPORT_WAIT_MINUTES),
        )
    result = {
        "rows": summary.rows,
        "assertions": summary.created["assertions"],
        "lines": summary.lines(),
    }
    if dry_run:
        result |= {
            "readings": preview.readings(summary),
            "new_names": preview.new_names(summary),
        }
    return {
        "result": result,
        "rows_written": 0 if dry_run else summary.created["assertions"],
    }


def _detect(job: Job, reporter: Reporter) -> dict:
    reporter(phase="detecting discrepancies on every claim")
    with transaction.atomic():
        detection = derive.discrepancies_detect_all()
    lines = [
        f"{verb}: {line}"
        for verb, found in (
            ("opened", detection.created),
            ("updated", detection.updated),
            ("superseded", detection.closed),
        )
        for line in found
    ]
    summary = (
        f"opened {len(detection.created)}, updated {len(detection.updated)}, "
        f"superseded {len(detection.closed)}"
    )
    return {"result": {"lines": [summary, *lines[:LINES_KEPT]]}}


def _reparse(job: Job, reporter: Reporter) -> dict:
    reporter(phase="reading every stored figure again")
    output = io.StringIO()
    call_command("reparse_figures", stdout=output, no_color=True)
    lines = output.getvalue().splitlines()
    return {"result": {"lines": [lines[-1], *lines[:-1][:LINES_KEPT]]}}


def _export(job: Job, reporter: Reporter) -> dict:
    reporter(phase="writing every published figure to a CSV file")
    written = 0

    def counted(assertions):
        nonlocal written
        for written, assertion in enumerate(assertions, start=1):
            if written % 1000 == 0:
                reporter(rows_written=written)
            yield assertion

    assertions = exports.exported_assertions().iterator(chunk_size=2000)
    with tempfile.TemporaryFile("w+b") as scratch:
        text = io.TextIOWrapper(scratch, encoding="utf-8", newline="")
        text.writelines(exports.csv_text(counted(assertions)))
        text.flush()
        scratch.seek(0)
        name = default_storage.save(
            f"exports/claimtracker-{timezone.now():%Y%m%d-%H%M%S}.csv", File(scratch)
        )
        text.detach()
    return {
        "file": name,
        "rows_written": written,
        "result": {"lines": [f"{written:,} published figures written to the file"]},
    }


RUNNERS = {
    JobKind.IMPORT_PREVIEW: partial(_import, dry_run=True),
    JobKind.IMPORT: partial(_import, dry_run=False),
    JobKind.DETECT: _detect,
    JobKind.REPARSE: _reparse,
    JobKind.EXPORT: _export,
}


# The sweep.


def jobs_sweep(*, minutes: int | None = None, dry_run: bool = False) -> list[Job]:
    """Mark as failed the running jobs whose worker has not written a heartbeat for
    `minutes` (CLAIMTRACKER_JOB_STALE_MINUTES) and close their task rows; return
    them. `sweep_jobs` then calls `locks_sweep`, which frees the import lock of such
    a job, now ended, and of any other dead holder."""
    if minutes is None:
        minutes = settings.CLAIMTRACKER_JOB_STALE_MINUTES
    now = timezone.now()
    cutoff = now - timedelta(minutes=minutes)
    stale = list(
        Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff)
        .select_related("created_by")
        .order_by("pk")
    )
    if dry_run:
        return stale
    swept = []
    for job in stale:
        failure = (
            f"The worker stopped: no sign of life since "
            f"{job.heartbeat_at:%Y-%m-%d %H:%M:%S} UTC (the sweep gives up after "
            f"{minutes} minutes). "
            f"{NOTHING_WRITTEN} Start it again."
        )
        with transaction.atomic():
            gone = Job.objects.filter(
                pk=job.pk, status=JobStatus.RUNNING, heartbeat_at__lt=cutoff
            ).update(
                status=JobStatus.FAILED,
                failure=failure,
                finished_at=now,
                phase=f"stopped while {job.phase}",
            )
            if gone:
                _task_close(job, failure)
        if gone:
            swept.append(job)
    return swept


def locks_sweep(*, dry_run: bool = False) -> list[str]:
    """Free the import locks whose holders have died; return what each was."""
    return locks.locks_sweep(dry_run=dry_run)
