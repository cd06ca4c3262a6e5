"""Writes to claims: every change to an assertion goes through these functions, so the
admin, management commands and (later) imports and the API apply the same rules."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from claims import divergence, review, selectors
from claims.concurrency import EditConflict
from claims.models import CLAIM_SUMMARY_FIELDS, Assertion, Claim, Discrepancy, Topic
from sources.models import Document, Source, SourceAlias


@transaction.atomic
def assertion_save(
    *, assertion: Assertion, user=None, reason: str = "", refresh: bool = True
) -> Assertion:
    """Validate and save `assertion`, new or changed, with `user` and `reason` in
    its history, then bring its claim's summary and discrepancy up to date (bulk
    writers pass refresh=False and call claim_refresh once per claim at the end)."""
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
    if refresh:
        for claim_id in {assertion.claim_id, moved_from} - {None}:
            claim_refresh(claim_id=claim_id)
    return assertion


def claim_refresh(*, claim_id: int) -> Detection:
    """Recompute what derives from a claim's assertions: summary and discrepancy."""
    return claims_refresh(claim_ids=[claim_id])


def claims_refresh(*, claim_ids) -> Detection:
    """Recompute the summaries and discrepancies of many claims, a batch at a time."""
    ids = sorted(set(claim_ids))
    result = Detection()
    for start in range(0, len(ids), REFRESH_BATCH):
        result.add(_refresh_batch(ids[start : start + REFRESH_BATCH]))
    return result


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


@dataclass
class Detection:
    """What discrepancy detection changed: lines naming each discrepancy."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)

    def add(self, other: Detection) -> None:
        self.created += other.created
        self.updated += other.updated
        self.closed += other.closed


REFRESH_BATCH = 500
# The claim's last change moves with its summary: cached pages are keyed on it.
SUMMARY_FIELDS = ["updated_at", *CLAIM_SUMMARY_FIELDS]


@transaction.atomic
def _refresh_batch(claim_ids: list[int]) -> Detection:
    """Bring the claims' summary fields and discrepancies in line with their published
    assertions, from one query for all of them. Idempotent."""
    claims = {
        c.pk: c
        for c in Claim.objects.filter(pk__in=claim_ids).only(
            "pk", "title", "discrepancy_ratio"
        )
    }
    points: dict[int, list[divergence.Point]] = defaultdict(list)
    names: dict[int, str] = {}
    rows = (
        Assertion.objects.published()
        .filter(claim_id__in=claim_ids)
        .order_by()
        .values(*selectors.POINT_FIELDS, "source__name")
    )
    for row in rows:
        names[row["source_id"]] = row["source__name"]
        points[row["claim_id"]].append(selectors.point_from_values(row))
    live = {
        d.claim_id: d
        for d in Discrepancy.objects.live()
        .select_for_update()
        .filter(claim_id__in=claim_ids)
    }
    result, created = Detection(), []
    now = timezone.now()
    for claim_id, claim in claims.items():
        claim_points = points[claim_id]
        summary = divergence.summarise(claim_points)
        claim.updated_at = now
        claim.assertion_count = len(claim_points)
        claim.source_count = summary.source_count
        claim.first_stated_on = summary.first_stated_on
        claim.latest_stated_on = summary.latest_stated_on
        claim.current_low, claim.current_high = summary.range_low, summary.range_high
        claim.spread_ratio = summary.spread_ratio
        conflict = divergence.widest_conflict(
            claim_points, threshold=claim.effective_discrepancy_ratio
        )
        new = _detect(claim, live.get(claim_id), conflict, claim_points, names, result)
        if new is not None:
            created.append(new)
    Claim.objects.bulk_update(claims.values(), SUMMARY_FIELDS)
    if created:
        # Derived here, not typed in: the database's named constraints guard these
        # rows, where full_clean would cost a query per constraint on every claim.
        bulk_create_with_history(created, Discrepancy, default_change_reason="Detected")
    return result


def _detect(claim, live, conflict, points, names, result) -> Discrepancy | None:
    """Update or supersede the claim's live discrepancy to match `conflict`; return a
    new, unsaved discrepancy when one must open."""

    def describe(low, high, ratio, since) -> str:
        return (
            f"{claim}: “{low.figure}” ({names[low.source_id]}) vs “{high.figure}” "
            f"({names[high.source_id]}), {ratio}× since {since}"
        )

    if (
        live is not None
        and conflict is not None
        and (
            (live.assertion_low_id, live.assertion_high_id)
            == (conflict.low.id, conflict.high.id)
        )
    ):
        if (live.spread_ratio, live.arose_on) != (conflict.ratio, conflict.arose_on):
            live.spread_ratio, live.arose_on = conflict.ratio, conflict.arose_on
            live._change_reason = f"Spread now {conflict.ratio}×"
            live.save()
            result.updated.append(
                describe(conflict.low, conflict.high, conflict.ratio, conflict.arose_on)
            )
        return None
    if live is not None:
        live.state = Discrepancy.State.SUPERSEDED
        live.superseded_at = timezone.now()
        live.superseded_reason = _supersession_reason(live, points, conflict, names)
        live._change_reason = f"Superseded: {live.superseded_reason}"
        live.save()
        low, high = live.assertion_low, live.assertion_high
        result.closed.append(
            f"{claim}: “{low.figure}” vs “{high.figure}”, {live.superseded_reason}"
        )
    if conflict is None:
        return None
    result.created.append(
        describe(conflict.low, conflict.high, conflict.ratio, conflict.arose_on)
    )
    return Discrepancy(
        claim=claim,
        assertion_low_id=conflict.low.id,
        assertion_high_id=conflict.high.id,
        spread_ratio=conflict.ratio,
        arose_on=conflict.arose_on,
    )


def claims_touch(*, claims) -> None:
    """Mark `claims` (a queryset) as changed, so no cached page of theirs is served:
    for edits that show on claim pages without changing any assertion (a source's
    name or grade, a document's title, an editor's judgement)."""
    Claim.objects.filter(pk__in=claims.values("pk")).update(updated_at=timezone.now())


def discrepancies_detect_all(*, claims=None) -> Detection:
    """Refresh `claims`, by default every claim that could have a discrepancy."""
    if claims is None:
        claims = Claim.objects.filter(
            Q(assertion_count__gte=2) | Q(discrepancies__isnull=False)
        ).distinct()
    return claims_refresh(claim_ids=claims.values_list("pk", flat=True))


def _supersession_reason(live, points, conflict, names) -> str:
    """Say why the discrepancy no longer stands: a retraction, a revision, a wider
    conflict, or figures that no longer conflict."""
    current = {p.source_id: p for p in divergence.current_estimates(points)}
    reasons = []
    for side in (live.assertion_low, live.assertion_high):
        if side.status == Assertion.Status.RETRACTED:
            reasons.append(
                f"“{side.figure}” ({side.source}) was retracted: "
                f"{side.retraction_reason}"
            )
        elif side.status != Assertion.Status.PUBLISHED:
            reasons.append(f"“{side.figure}” ({side.source}) was withdrawn to draft")
        elif side.source_id in current and current[side.source_id].id != side.pk:
            newer = current[side.source_id]
            reasons.append(
                f"{side.source} revised its figure to “{newer.figure}” "
                f"on {newer.stated_on:%d %b %Y}"
            )
    if conflict is not None:
        low, high = conflict.low, conflict.high
        reasons.append(
            f"the widest conflict is now “{low.figure}” ({names[low.source_id]}) vs "
            f"“{high.figure}” ({names[high.source_id]}), {conflict.ratio}×"
        )
    elif not reasons:
        reasons.append("the current figures are no longer far enough apart")
    text = "; ".join(reasons)
    return text[0].upper() + text[1:] + "."


@transaction.atomic
def discrepancy_judge(
    *,
    discrepancy: Discrepancy,
    state: str,
    note: str = "",
    favoured: Assertion | None = None,
    user,
    version: int | None = None,
) -> Discrepancy:
    """Move `discrepancy` to `state` with the editor's note; only editors may.

    `version` is the one the editor's page showed: if the discrepancy has changed
    since, EditConflict says how, and nothing is saved."""
    if not user.has_perm("claims.judge_discrepancy"):
        raise PermissionDenied("Only editors judge discrepancies.")
    discrepancy = _locked_at(discrepancy, version)
    review.check_transition(
        discrepancy.state, state, note=note, favoured=favoured is not None
    )
    if favoured is not None and favoured.pk not in (
        discrepancy.assertion_low_id,
        discrepancy.assertion_high_id,
    ):
        raise ValidationError(
            {"favoured": "Favour one of the two estimates in conflict."}
        )
    discrepancy.state = state
    if note.strip():
        discrepancy.note = note.strip()
    discrepancy.favoured = favoured
    if state in review.JUDGEMENTS:
        discrepancy.judged_by, discrepancy.judged_at = user, timezone.now()
    discrepancy._history_user = user
    discrepancy._change_reason = (
        f"{review.LABELS[state].capitalize()}: {note.strip()}"
        if note.strip()
        else review.LABELS[state].capitalize()
    )
    discrepancy.full_clean()
    discrepancy.save()
    claims_touch(claims=Claim.objects.filter(pk=discrepancy.claim_id))
    return discrepancy


@transaction.atomic
def discrepancy_assign(
    *, discrepancy: Discrepancy, assignee, user, version: int | None = None
) -> Discrepancy:
    """Give `discrepancy` to `assignee` (an editor), or to nobody with None; refuse
    with EditConflict if it changed since `version`."""
    if not user.has_perm("claims.judge_discrepancy"):
        raise PermissionDenied("Only editors assign discrepancies.")
    discrepancy = _locked_at(discrepancy, version)
    if assignee is not None and not assignee.has_perm("claims.judge_discrepancy"):
        raise ValidationError({"assigned_to": f"{assignee} is not an editor."})
    discrepancy.assigned_to = assignee
    discrepancy._history_user = user
    discrepancy._change_reason = (
        f"Assigned to {assignee}" if assignee is not None else "Unassigned"
    )
    discrepancy.save(update_fields=["assigned_to", "updated_at"])
    return discrepancy


def _locked_at(discrepancy: Discrepancy, version: int | None) -> Discrepancy:
    """Return the discrepancy's row, locked, if it is still at `version`."""
    locked = Discrepancy.objects.select_for_update().get(pk=discrepancy.pk)
    if version is not None and locked.version != version:
        raise EditConflict(locked, version)
    return locked


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
    touched: set[int] = set()
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
            assertion_save(assertion=assertion, reason=reason, refresh=False)
        except ValidationError as error:
            raise SeedError(
                f"assertions row {n} ({row['claim']}, {row['source']}, "
                f"“{row['figure']}”): {_describe(error)}"
            ) from error
        counts["assertions"]["created"] += 1
        touched.add(assertion.claim_id)
    claims_refresh(claim_ids=touched)
    return dict(counts)


def _describe(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}"
            for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)
