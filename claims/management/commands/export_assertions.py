"""Export published assertions as CSV (the import format) or JSON."""

from django.core.management.base import BaseCommand, CommandError

from claims.interchange import exports
from claims.models import Claim


class Command(BaseCommand):
    help = "Write published assertions as CSV (the import format) or JSON."

    def add_arguments(self, parser):
        parser.add_argument("--claim", help="Only the claim with this slug.")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument(
            "--output", help="A file to write (default: standard output)."
        )

    def handle(self, *args, claim=None, format="csv", output=None, **options):
        claims = None
        if claim:
            claims = Claim.objects.filter(slug=claim)
            if not claims.exists():
                raise CommandError(f"No claim with the slug “{claim}”.")
        assertions = exports.exported_assertions(claims).iterator(chunk_size=2000)
        chunks = (exports.csv_text if format == "csv" else exports.json_text)(
            assertions
        )
        if not output:
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
            return
        with open(output, "w", encoding="utf-8", newline="") as stream:
            stream.writelines(chunks)
