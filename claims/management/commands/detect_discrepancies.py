"""Detect discrepancies on every claim: open new ones, update spreads, supersede those
whose conflict is gone. Idempotent: a second run changes nothing."""

from django.core.management.base import BaseCommand, CommandError

from claims.management.dryrun import atomic_unless_dry_run
from claims.models import Claim
from claims.pipeline import derive


class Command(BaseCommand):
    help = "Open, update and supersede discrepancies to match the current figures."

    def add_arguments(self, parser):
        parser.add_argument("--claim", help="Only the claim with this slug.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report the changes; write nothing."
        )

    def handle(self, *args, claim=None, dry_run=False, **options):
        claims = None
        if claim:
            claims = Claim.objects.filter(slug=claim)
            if not claims.exists():
                raise CommandError(f"No claim with the slug “{claim}”.")
        with atomic_unless_dry_run(dry_run):
            result = derive.discrepancies_detect_all(claims=claims)
        prefix = "Would have " if dry_run else ""
        for verb, lines in (
            ("opened", result.created),
            ("updated", result.updated),
            ("superseded", result.closed),
        ):
            for line in lines:
                self.stdout.write(f"{prefix}{verb}: {line}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}created {len(result.created)}, "
                f"updated {len(result.updated)}, closed {len(result.closed)}."
            )
        )
