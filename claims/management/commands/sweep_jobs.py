"""Mark as failed the background jobs left "running" by a worker that stopped.

A worker writes each running job's heartbeat every second; a job whose heartbeat is
older than CLAIMTRACKER_JOB_STALE_MINUTES (or --minutes) belonged to a worker that
died. Its work was one transaction, so nothing of it was written; its page then says
so, and its task row is closed. Then the import lock is freed if its holder (a job's
worker or a command-line import) has died (claims/jobs/locks.py). Idempotent: a
second run finds nothing. Run it from cron every few minutes, or with --every to
keep sweeping (`make run` does)."""

import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from claims.jobs.tasks import jobs_sweep, locks_sweep


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
            "--dry-run", action="store_true", help="List the jobs; change nothing."
        )

    def handle(self, *args, minutes=None, every=None, dry_run=False, **options):
        while True:
            try:
                self.sweep(minutes, dry_run, quiet=bool(every))
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
