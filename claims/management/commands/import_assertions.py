"""Import assertions from a CSV file: all rows or none, every bad row named."""

from pathlib import Path

from django.core.checks import Tags
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from claims.interchange.imports import ImportBusy, ImportFailed, assertions_import
from claims.jobs import tasks as jobs
from claims.jobs.models import JobKind


class Command(BaseCommand):
    help = (
        "Import assertions from a UTF-8 CSV file "
        "(see docs/researchers.md, “Importing a CSV file”)."
    )
    # The checks of the models it writes, not of the whole site: the URL map's
    # check alone imported the API's schema views, 0.35 s of every import
    # (issue 26). `manage.py check` runs them all, as the servers do on start.
    requires_system_checks = [Tags.models]

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count; write nothing."
        )
        parser.add_argument(
            "--background",
            action="store_true",
            help="Copy the file to storage and run the import as a background job "
            "(a worker runs it: manage.py db_worker); print the job's number.",
        )

    def handle(self, *args, file: Path, dry_run=False, background=False, **options):
        if not file.is_file():
            raise CommandError(f"No file at {file}.")
        if background:
            kind = JobKind.IMPORT_PREVIEW if dry_run else JobKind.IMPORT
            with file.open("rb") as handle:
                job = jobs.job_start(
                    kind=kind, upload=File(handle, name=file.name), file_name=file.name
                )
            self.stdout.write(f"Job {job.pk} queued: {job}.")
            return
        try:
            with file.open("rb") as handle:  # parsed as it is read
                summary = assertions_import(data=handle, dry_run=dry_run)
        except ImportBusy as busy:
            raise CommandError(str(busy)) from busy
        except ImportFailed as failure:
            for error in failure.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"Nothing was imported: {len(failure.errors)} error(s) in {file}."
            ) from failure
        for line in summary.lines():
            self.stdout.write(line)
        verb = "Checked" if dry_run else "Imported"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} {summary.rows} rows from {file}.")
        )
