"""Background jobs' own rows: the Job people watch while a worker runs it, and the
one-at-a-time lock of CSV imports. They moved here from claims/models.py (issue 22)
and keep their tables (`claims_job`, `claims_importlock`) and rows."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ImportLock(models.Model):
    """The one CSV import running now, if any: imports run one at a time site-wide,
    and the next one is told who is importing and since when. The row exists only
    while an import runs (claims/interchange/imports.py). It belongs to a process
    (pid on hostname; and a job, when the import runs as one) that renews its
    heartbeat while it lives; a dead holder's row is freed (claims/jobs/locks.py)."""

    name = models.CharField(max_length=20, unique=True, default="import")
    holder = models.CharField(max_length=150)
    started_at = models.DateTimeField(default=timezone.now)
    pid = models.PositiveIntegerField(
        null=True, blank=True, help_text="The holding process's id, on hostname."
    )
    hostname = models.CharField(max_length=255, blank=True)
    job = models.ForeignKey(
        "Job",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The job that holds the lock, when the import runs as one.",
    )
    heartbeat_at = models.DateTimeField(
        default=timezone.now, help_text="When the holder last said it was alive."
    )

    class Meta:
        db_table = "claims_importlock"
        verbose_name = "running import"

    def __str__(self):
        return f"import by {self.holder} since {self.started_at:%H:%M:%S}"


class JobKind(models.TextChoices):
    """The long pieces of work that run in a background worker (issue 18)."""

    IMPORT_PREVIEW = "import_preview", "CSV import preview (dry run)"
    IMPORT = "import", "CSV import"
    DETECT = "detect", "discrepancy detection over all claims"
    REPARSE = "reparse", "re-reading of stored figures"
    EXPORT = "export", "export of every published figure (CSV)"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "waiting for a worker"
    RUNNING = "running", "running"
    SUCCEEDED = "succeeded", "finished"
    FAILED = "failed", "failed"


class Job(models.Model):
    """One piece of long work run by a background worker (claims/jobs/tasks.py): what it
    is, who started it, how far it has come, and how it ended. The task queue
    (django-tasks-db) only runs it; this row is what people see. Progress is written
    outside the work's own transaction, so others see it while the work runs."""

    kind = models.CharField(max_length=20, choices=JobKind)
    status = models.CharField(
        max_length=20, choices=JobStatus, default=JobStatus.QUEUED
    )
    phase = models.CharField(
        max_length=100, blank=True, help_text="What the job is doing now."
    )
    rows_checked = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many rows there are, once known."
    )
    errors = models.JSONField(
        default=list,
        blank=True,
        help_text="The problems that stopped the job: {line, column, message} each.",
    )
    errors_total = models.PositiveIntegerField(default=0)
    result = models.JSONField(
        default=dict, blank=True, help_text="What the job did, when it succeeded."
    )
    failure = models.TextField(blank=True, help_text="Why the job failed.")
    file = models.FileField(
        upload_to="imports/",
        blank=True,
        max_length=300,
        help_text="The uploaded file (imports/) or the file written (exports/).",
    )
    file_name = models.CharField(
        max_length=255, blank=True, help_text="The uploaded file's own name."
    )
    preview = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="imports",
        help_text="The preview this import was started from.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="jobs",
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="When the worker last said it was alive."
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    cancel_requested_at = models.DateTimeField(
        null=True, blank=True, help_text="When someone asked the job to stop."
    )
    cancel_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        db_table = "claims_job"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["status", "heartbeat_at"], name="claims_job_status_3324c5_idx"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=JobKind.values),
                name="job_kind_valid",
                violation_error_message="Unknown kind of job.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=JobStatus.values),
                name="job_status_valid",
                violation_error_message="Unknown job status.",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[JobStatus.SUCCEEDED, JobStatus.FAILED],
                    finished_at__isnull=False,
                )
                | Q(
                    status__in=[JobStatus.QUEUED, JobStatus.RUNNING],
                    finished_at__isnull=True,
                ),
                name="job_finished_when_ended",
                violation_error_message="A job has a finishing time exactly when it "
                "has succeeded or failed.",
            ),
            models.CheckConstraint(
                condition=~Q(status=JobStatus.FAILED) | ~Q(failure=""),
                name="job_failure_explained",
                violation_error_message="A failed job says why it failed.",
            ),
        ]

    def __str__(self):
        who = f" by {self.created_by}" if self.created_by_id else ""
        name = f" of {self.file_name}" if self.file_name else ""
        return f"{self.get_kind_display()}{name}{who} (#{self.pk})"

    @property
    def is_done(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)
