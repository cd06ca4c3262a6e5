"""Read every stored figure again with the current parser (claims/domain/figures.py),
and
list, or apply, the readings that change: old → new.

Figures set by hand are never read again. Figures the parser now refuses, and
figures that are not what their quote says (claims/domain/rules.py,
figure_quote_problem; set by hand or not), are listed, left as they are and
flagged for researchers ("needs attention" in the admin's assertion list) to
rewrite; a figure whose reading changes is saved with its new reading and flagged,
so that a researcher checks it against its quote. Changes are saved through the
services, so summaries and discrepancy detection follow. Idempotent: a second run
finds nothing to change."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from claims.domain import figures, rules
from claims.management.dryrun import atomic_unless_dry_run
from claims.models import Assertion
from claims.pipeline import services

REASON = "Figure read again by the current parser"
QUOTE_RULE = "This figure is not what its quote says: "


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
            .select_related("claim", "source")
            .prefetch_related("translations")
            .order_by("pk")
        )
        with atomic_unless_dry_run(dry_run):
            for assertion in rows.iterator(chunk_size=2000):
                if assertion.is_overridden:
                    refused += self._check_quote(assertion)
                    continue
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
                if self._check_quote(assertion):
                    refused += 1
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
                self._flag(
                    assertion,
                    f"Read again: {reading(*old[:3])} → {reading(*new[:3])}. "
                    "Check the new reading against the quote.",
                    verb="Saved and flagged",
                )
        verb = "would change" if dry_run else "changed"
        self.stdout.write(
            self.style.SUCCESS(
                f"{changed} reading(s) {verb}; {refused} figure(s) refused and left "
                "for researchers."
            )
        )

    def _check_quote(self, assertion) -> int:
        """Flag the figure if it is not what its quote says; return 1 if so."""
        problem = rules.figure_quote_problem(
            assertion.figure,
            assertion.quote,
            translations=assertion._translated_quotes(),
            confirmed=assertion.quote_match_confirmed,
        )
        if not problem:
            return 0
        if assertion.attention != (QUOTE_RULE + problem)[:500]:  # once, not each run
            self._flag(assertion, QUOTE_RULE + problem)
        return 1

    def _flag(
        self, assertion, attention: str, verb: str = "Refused, left unchanged"
    ) -> None:
        self.stdout.write(
            f"{verb}: #{assertion.pk} “{assertion.figure}” "
            f"({assertion.claim}): {attention}"
        )
        assertion.refresh_from_db()
        services.assertion_flag(assertion=assertion, attention=attention)
