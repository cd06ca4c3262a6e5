"""Read every stored figure again with the current parser (claims/domain/figures.py),
and
list, or apply, the readings that change: old → new.

Figures set by hand are never touched. Figures the parser now refuses are listed,
left as they are and flagged for researchers ("needs attention" in the admin's
assertion list) to rewrite. Changes are saved through the
services, so summaries and discrepancy detection follow. Idempotent: a second run
finds nothing to change."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from claims.domain import figures, rules
from claims.management.dryrun import atomic_unless_dry_run
from claims.models import Assertion
from claims.pipeline import services

REASON = "Figure read again by the current parser"


def reading(kind, low, high) -> str:
    return f"{kind} {figures.describe_interval(kind, low, high)}"


class Command(BaseCommand):
    help = "Read stored figures again with the current parser; list or apply changes."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List the changes; write nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        changed, refused = 0, 0
        rows = (
            Assertion.objects.exclude(status=Assertion.Status.RETRACTED)
            .filter(is_overridden=False)
            .select_related("claim", "source")
            .order_by("pk")
        )
        with atomic_unless_dry_run(dry_run):
            for assertion in rows.iterator(chunk_size=2000):
                values, problems = rules.normalise_assertion(
                    figure=assertion.figure,
                    is_overridden=False,
                    stated_on=None,
                    date_precision="",
                    quote="",
                )
                if problems:
                    refused += 1
                    self._flag(
                        assertion,
                        f"The current parser refuses this figure: {problems['figure']}",
                    )
                    continue
                old = (assertion.kind, assertion.low, assertion.high, assertion.value)
                new = tuple(values[k] for k in ("kind", "low", "high", "value"))
                if old == new:
                    continue
                self.stdout.write(
                    f"#{assertion.pk} “{assertion.figure}” ({assertion.claim}): "
                    f"{reading(*old[:3])} → {reading(*new[:3])}"
                )
                try:
                    services.assertion_save(assertion=assertion, reason=REASON)
                except ValidationError as error:
                    # Another rule refuses the row as it stands (its document
                    # changed since): flag it for researchers and go on.
                    refused += 1
                    self._flag(
                        assertion,
                        "Read again, this row breaks a rule: "
                        + "; ".join(error.messages),
                    )
                    continue
                changed += 1
        verb = "would change" if dry_run else "changed"
        self.stdout.write(
            self.style.SUCCESS(
                f"{changed} reading(s) {verb}; {refused} figure(s) refused and left "
                "for researchers."
            )
        )

    def _flag(self, assertion, attention: str) -> None:
        self.stdout.write(
            f"Refused, left unchanged: #{assertion.pk} “{assertion.figure}” "
            f"({assertion.claim}): {attention}"
        )
        assertion.refresh_from_db()
        services.assertion_flag(assertion=assertion, attention=attention)
