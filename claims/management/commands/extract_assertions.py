"""Print the figures the extraction assistant finds in a file (issue 27): each with
its reading, who stated it, when, its quote, the claim it likely belongs to and a
confidence. For scripts and tests; it writes nothing (researchers accept candidates
on the figure-logging screen).

    manage.py extract_assertions FILE [--published-on YYYY-MM-DD] [--json]

FILE may be plain text, HTML or PDF, read with the archive's own text extraction
(sources/archive.py). Known sources, aliases and claims come from the database."""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from claims import extraction
from claims.domain import figures


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(
            f"--published-on “{value}” is not a date; write YYYY-MM-DD."
        ) from error


def as_json(candidate) -> dict:
    """Return a candidate as the JSON object the command prints."""
    return {
        "figure": candidate.figure,
        "kind": candidate.kind,
        "low": figures.plain_number(candidate.low) or None,
        "high": figures.plain_number(candidate.high) or None,
        "source": candidate.source_label or None,
        "source_is_new": candidate.is_new_source,
        "source_reason": candidate.source_reason,
        "stated_on": candidate.stated_on.isoformat() if candidate.stated_on else None,
        "date_precision": candidate.date_precision,
        "date_reason": candidate.date_reason,
        "quote": candidate.quote,
        "claim": candidate.claim.title if candidate.claim else None,
        "claim_reason": candidate.claim_reason,
        "confidence": candidate.confidence,
        "confidence_reason": candidate.confidence_reason,
        "start": candidate.start,
        "end": candidate.end,
    }


class Command(BaseCommand):
    help = "Print the figures found in a text, HTML or PDF file, with who and when."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A plain-text, HTML or PDF file.")
        parser.add_argument(
            "--published-on",
            type=_date,
            help="The document's date (YYYY-MM-DD): relative dates resolve from it.",
        )
        parser.add_argument("--json", action="store_true", help="Print a JSON list.")

    def handle(self, *args, file, published_on=None, json=False, **options):
        try:
            text = extraction.read_file(file)
            found = extraction.candidates(text, published_on=published_on)
        except extraction.ExtractionError as error:
            raise CommandError(str(error)) from error
        rows = [as_json(candidate) for candidate in found]
        if json:
            self.stdout.write(_dumps(rows))
            return
        for row in rows:
            self.stdout.write(
                f"{row['figure']} ({row['kind']}: {row['low'] or '…'} to "
                f"{row['high'] or '…'})\n"
                f"  source: {row['source'] or '—'}"
                f"{' (new)' if row['source_is_new'] else ''}; {row['source_reason']}\n"
                f"  stated on: {row['stated_on'] or '—'} ({row['date_precision']}); "
                f"{row['date_reason']}\n"
                f"  claim: {row['claim'] or 'new claim'}; {row['claim_reason']}\n"
                f"  confidence: {row['confidence']:.2f}; {row['confidence_reason']}\n"
                f"  quote: {row['quote']}\n"
            )


def _dumps(rows) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2)
