"""Writes to claims: every change to an assertion goes through these functions, so the
admin, management commands and (later) imports and the API apply the same rules."""

import json
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from claims import divergence
from claims.models import Assertion, Claim, Topic
from claims.selectors import point_from_assertion
from sources.models import Document, Source, SourceAlias


@transaction.atomic
def assertion_save(*, assertion: Assertion, user=None, reason: str = "") -> Assertion:
    """Validate and save `assertion`, new or changed, with `user` and `reason` in
    its history."""
    assertion.full_clean()
    if assertion._state.adding and assertion.created_by_id is None and user is not None:
        assertion.created_by = user
    if user is not None:
        assertion._history_user = user
    if reason:
        assertion._change_reason = reason
    moved_from = None
    if not assertion._state.adding:
        moved_from = (
            Assertion.objects.filter(pk=assertion.pk)
            .exclude(claim_id=assertion.claim_id)
            .values_list("claim_id", flat=True)
            .first()
        )
    assertion.save()
    claim_summary_refresh(claim_id=assertion.claim_id)
    if moved_from is not None:
        claim_summary_refresh(claim_id=moved_from)
    return assertion


def claim_summary_refresh(*, claim_id: int) -> None:
    """Recompute the claim's summary fields from its published assertions."""
    rows = (
        Assertion.objects.published().filter(claim_id=claim_id).select_related("source")
    )
    points = [point_from_assertion(row) for row in rows]
    summary = divergence.summarise(points)
    Claim.objects.filter(pk=claim_id).update(
        assertion_count=len(points),
        source_count=summary.source_count,
        first_stated_on=summary.first_stated_on,
        latest_stated_on=summary.latest_stated_on,
        current_low=summary.range_low,
        current_high=summary.range_high,
        spread_ratio=summary.spread_ratio,
    )


def assertion_create(*, user=None, **fields) -> Assertion:
    """Create an assertion from its fields; the figure is parsed unless overridden."""
    return assertion_save(assertion=Assertion(**fields), user=user)


@transaction.atomic
def assertion_retract(*, assertion: Assertion, reason: str, user=None) -> Assertion:
    """Retract `assertion` with `reason`: it stays on record but no longer counts."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"retraction_reason": "Give a reason for the retraction."}
        )
    if assertion.status == Assertion.Status.RETRACTED:
        raise ValidationError(f"“{assertion}” is already retracted.")
    assertion.status = Assertion.Status.RETRACTED
    assertion.retraction_reason = reason
    assertion.retracted_at = timezone.now()
    return assertion_save(assertion=assertion, user=user, reason=f"Retracted: {reason}")


DEMO_DATA = Path(__file__).resolve().parent / "seed" / "demo.json"


class SeedError(Exception):
    """A row of a data set that cannot be loaded, named by section and number."""


@transaction.atomic
def demo_data_load(*, path: Path = DEMO_DATA) -> dict[str, Counter]:
    """Load the data set at `path`; return what was created and what existed.

    Rows are matched on their slugs (documents on their titles, assertions on claim,
    source, date and figure), so a second run creates nothing and changes nothing.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    counts: dict[str, Counter] = defaultdict(Counter)
    reason = "Loaded from the demo data set"

    def keep(section: str, number: int, model, lookup: dict, defaults: dict):
        found = model.objects.filter(**lookup).first()
        if found is not None:
            counts[section]["existing"] += 1
            return found
        row = model(**lookup, **defaults)
        row._change_reason = reason
        try:
            row.full_clean()
        except ValidationError as error:
            raise SeedError(
                f"{section} row {number} ({lookup}): {_describe(error)}"
            ) from error
        row.save()
        counts[section]["created"] += 1
        return row

    topics = {}
    for n, row in enumerate(data["topics"], 1):
        defaults = {"name": row["name"], "description": row.get("description", "")}
        topics[row["slug"]] = keep("topics", n, Topic, {"slug": row["slug"]}, defaults)
    sources: dict[str, Source] = {}
    for n, row in enumerate(data["sources"], 1):
        parent = sources[row["parent"]] if row.get("parent") else None
        defaults = {
            "name": row["name"],
            "kind": row["kind"],
            "country": row.get("country", ""),
            "parent": parent,
            "notes": row.get("notes", ""),
        }
        source = keep("sources", n, Source, {"slug": row["slug"]}, defaults)
        sources[row["slug"]] = source
        for alias in row.get("aliases", []):
            if SourceAlias.objects.filter(name__iexact=alias).exists():
                counts["source aliases"]["existing"] += 1
            else:
                SourceAlias.objects.create(source=source, name=alias)
                counts["source aliases"]["created"] += 1
    documents = {}
    for n, row in enumerate(data["documents"], 1):
        defaults = {
            "publisher": sources.get(row.get("publisher", "")),
            "authors": row["authors"],
            "published_on": date.fromisoformat(row["published_on"]),
            "text": (path.parent / row["text_file"]).read_text(encoding="utf-8"),
            "notes": row.get("notes", ""),
        }
        documents[row["key"]] = keep(
            "documents", n, Document, {"title": row["title"]}, defaults
        )
    claims = {
        row["slug"]: keep(
            "claims",
            n,
            Claim,
            {"slug": row["slug"]},
            {
                "title": row["title"],
                "topic": topics[row["topic"]],
                "unit": row["unit"],
                "description": row.get("description", ""),
                "scope": row.get("scope", ""),
            },
        )
        for n, row in enumerate(data["claims"], 1)
    }
    for n, row in enumerate(data["assertions"], 1):
        fields = {
            "claim": claims[row["claim"]],
            "source": sources[row["source"]],
            "stated_on": date.fromisoformat(row["stated_on"]),
            "figure": row["figure"],
        }
        if Assertion.objects.current().filter(**fields).exists():
            counts["assertions"]["existing"] += 1
            continue
        assertion = Assertion(
            **fields,
            date_precision=row["date_precision"],
            document=documents[row["document"]],
            quote=row["quote"],
            notes=row.get("notes", ""),
        )
        try:
            assertion_save(assertion=assertion, reason=reason)
        except ValidationError as error:
            raise SeedError(
                f"assertions row {n} ({row['claim']}, {row['source']}, "
                f"“{row['figure']}”): {_describe(error)}"
            ) from error
        counts["assertions"]["created"] += 1
    return dict(counts)


def _describe(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}"
            for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)
