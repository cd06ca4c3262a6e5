"""Load the demo data set: every sourced figure of the two seed documents.

Idempotent: rows already present are left as they are, so a second run changes nothing.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from claims.interchange import seed
from claims.management.dryrun import atomic_unless_dry_run


class Command(BaseCommand):
    help = (
        "Load the demo data set: sources, documents, claims, assertions. Re-runnable."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would be created; write nothing.",
        )
        parser.add_argument(
            "--file",
            type=Path,
            default=seed.DEMO_DATA,
            help="A data set in the same JSON format (default: the demo data set).",
        )

    def handle(self, *args, dry_run=False, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"No data set at {file}.")
        try:
            with atomic_unless_dry_run(dry_run):
                counts = seed.demo_data_load(path=file)
        except seed.SeedError as error:
            raise CommandError(f"Nothing was loaded: {error}") from error
        verb = "Would create" if dry_run else "Created"
        for section, count in counts.items():
            self.stdout.write(
                f"{section}: {verb.lower()} {count['created']}, "
                f"already present {count['existing']}"
            )
        total = sum(count["created"] for count in counts.values())
        self.stdout.write(self.style.SUCCESS(f"{verb} {total} rows."))
