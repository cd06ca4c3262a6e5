"""Mark as failed the background jobs left "running" by a worker that stopped.

A worker writes each running job's heartbeat every second; a job whose heartbeat is
older than CLAIMTRACKER_JOB_STALE_MINUTES (or --minutes) belonged to a worker that
died. Its work was one transaction, so nothing of it was written; its page then says
so, and its task row is closed. Then the import lock is freed if its holder (a job's
worker or a command-line import) has died (claims/jobs/locks.py). Idempotent: a
second run finds nothing. Run it from cron every few minutes, or with --every to
keep sweeping (`make run` does).

It also deletes the files nobody needs any more, older than
CLAIMTRACKER_FILE_KEEP_DAYS (or --file-days): the uploads of finished import
jobs and previews, and any file under imports/ or exports/ that no job names (a
deleted job's export, an upload whose job never started). An export job's file is
kept as long as its job: delete the job in the admin, and the sweep deletes the
file once it is that old."""

import time
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import DatabaseError
from django.utils import timezone

from claims.jobs.models import Job, JobKind, JobStatus
from claims.jobs.tasks import jobs_sweep, locks_sweep

FOLDERS = ("imports", "exports")


def files_sweep(*, days: int, dry_run: bool = False) -> list[str]:
    """Delete the files of finished imports and the files no job names, last
    changed more than `days` days ago; return their names."""
    cutoff = timezone.now() - timedelta(days=days)
    swept = []
    finished = (
        Job.objects.filter(
            status__in=[JobStatus.SUCCEEDED, JobStatus.FAILED], finished_at__lt=cutoff
        )
        .exclude(kind=JobKind.EXPORT)
        .exclude(file="")
    )
    for job in finished:
        swept.append(job.file.name)
        if not dry_run:
            default_storage.delete(job.file.name)
            Job.objects.filter(pk=job.pk).update(file="")
    named = set(Job.objects.exclude(file="").values_list("file", flat=True))
    for folder in FOLDERS:
        try:
            _, names = default_storage.listdir(folder)
        except FileNotFoundError:
            continue
        for name in names:
            path = f"{folder}/{name}"
            if path in named or default_storage.get_modified_time(path) >= cutoff:
                continue
            swept.append(path)
            if not dry_run:
                default_storage.delete(path)
    return swept


class Command(BaseCommand):
    help = "Mark as failed the running jobs whose worker has stopped."

    def add_arguments(self, parser):
        parser.add_argument(
            "--minutes",
            type=int,
            help="Give up on a job after this many minutes without a heartbeat "
            "(default: CLAIMTRACKER_JOB_STALE_MINUTES).",
        )
        parser.add_argument(
            "--every",
            type=int,
            metavar="SECONDS",
            help="Keep sweeping, every SECONDS, until stopped.",
        )
        parser.add_argument(
            "--file-days",
            type=int,
            help="Delete finished imports' files and files no job names after this "
            "many days (default: CLAIMTRACKER_FILE_KEEP_DAYS).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List the jobs; change nothing."
        )

    def handle(
        self, *args, minutes=None, every=None, dry_run=False, file_days=None, **options
    ):
        days = settings.CLAIMTRACKER_FILE_KEEP_DAYS if file_days is None else file_days
        while True:
            try:
                self.sweep(minutes, dry_run, quiet=bool(every))
                self.sweep_files(days, dry_run, quiet=bool(every))
            except DatabaseError as error:
                if not every:
                    raise
                # SQLite busy with a long import: try again next time.
                self.stderr.write(f"Sweep skipped: {error}")
            if not every:
                return
            time.sleep(every)

    def sweep(self, minutes, dry_run, quiet=False):
        swept = jobs_sweep(minutes=minutes, dry_run=dry_run)
        verb = "Would mark" if dry_run else "Marked"
        for job in swept:
            self.stdout.write(
                f"{verb} failed: {job} (last heartbeat {job.heartbeat_at})"
            )
        if swept or not quiet:
            self.stdout.write(f"{verb} {len(swept)} stopped job(s) as failed.")
        cleared = locks_sweep(dry_run=dry_run)
        for lock in cleared:
            verb = "Would free" if dry_run else "Freed"
            self.stdout.write(f"{verb} the lock of a dead import: {lock}")

    def sweep_files(self, days, dry_run, quiet=False):
        swept = files_sweep(days=days, dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        if swept or not quiet:
            self.stdout.write(f"{verb} {len(swept)} file(s) older than {days} days.")
