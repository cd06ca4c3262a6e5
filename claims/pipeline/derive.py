"""What follows a write, derived in one place: every service calls this module, and
no other code sets the change stamp or recomputes what derives from a claim's figures.

- `claims_derive` runs inside the write's transaction. It locks the claims' rows
  first, so that two writers to one claim take turns (on PostgreSQL the second waits
  for the first to commit, then sees its figure); then it recomputes each claim's
  stored summary (claims/domain/divergence.py), brings its discrepancy in line with the
  widest conflict, and stamps the claim changed.
- `claims_mark_changed` stamps claims whose pages show an edit that changes no
  figure: a source's name, a document's title, a topic, an editor's judgement.

The stamp is `Claim.updated_at`. Reader pages are cached under keys that contain it
(claims/reader/caching.py), so a new stamp is the invalidation: readers start missing
the old copies at the moment the transaction commits, and never before, so no reader
can cache a page that a rolled-back write changed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from claims import selectors
from claims.domain import divergence
from claims.models import CLAIM_SUMMARY_FIELDS, Assertion, Claim, Discrepancy


def claims_lock(*, claim_ids) -> None:
    """Lock the claims' rows until the transaction ends, in id order (so that two
    writers locking overlapping claims cannot deadlock). SQLite locks the whole
    database for a write transaction instead (settings: IMMEDIATE), so this is a
    no-op there."""
    ids = sorted(set(claim_ids) - {None})
    if ids:
        list(
            Claim.objects.select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def claims_derive(*, claim_ids) -> Detection:
    """Recompute the summaries and discrepancies of claims and stamp them changed,
    a batch at a time, inside the caller's transaction."""
    ids = sorted(set(claim_ids) - {None})
    result = Detection()
    for start in range(0, len(ids), REFRESH_BATCH):
        result.add(_refresh_batch(ids[start : start + REFRESH_BATCH]))
    return result


def claims_mark_changed(*, claim_ids=None, claims=None) -> None:
    """Stamp claims changed (ids, or a queryset) so that no cached page of theirs is
    served: for edits that show on claim pages without changing any figure."""
    rows = Claim.objects.all()
    if claims is not None:
        rows = rows.filter(pk__in=claims.values("pk"))
    else:
        rows = rows.filter(pk__in=set(claim_ids or ()))
    rows.update(updated_at=timezone.now())


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
        for c in Claim.objects.select_for_update()
        .filter(pk__in=claim_ids)
        .order_by("pk")
        .only("pk", "title", "discrepancy_ratio")
    }
    points: dict[int, list[divergence.Point]] = defaultdict(list)
    names: dict[int, str] = {}
    rows = (
        Assertion.objects.published()
        .filter(claim_id__in=claim_ids)
        .order_by()
        .values(*selectors.POINT_FIELDS)
    )
    for row in rows:
        names[row["source_id"]] = row["source__name"]
        points[row["claim_id"]].append(selectors.point_from_values(row))
    on_record: dict[int, list[Discrepancy]] = defaultdict(list)
    for d in (
        Discrepancy.objects.live().select_for_update().filter(claim_id__in=claim_ids)
    ):
        on_record[d.claim_id].append(d)
    result, created = Detection(), []
    now = timezone.now()
    for claim_id, claim in claims.items():
        claim_points = points[claim_id]
        standing = on_record[claim_id]
        summary = divergence.summarise(
            claim_points,
            judged=selectors.judgement_map(standing, editors=False),
            threshold=claim.effective_discrepancy_ratio,
        )
        claim.updated_at = now
        claim.assertion_count = len(claim_points)
        claim.source_count = summary.source_count
        claim.first_stated_on = summary.first_stated_on
        claim.latest_stated_on = summary.latest_stated_on
        # Internal sort keys only: pages show the stated figures
        # (claims/domain/wording.py).
        claim.current_low = summary.lowest.low if summary.lowest else None
        claim.current_high = summary.highest.high if summary.highest else None
        claim.spread_ratio = summary.spread_ratio
        _retire_judged(claim, standing, summary, claim_points, names, result)
        pending = next((d for d in standing if d.is_pending), None)
        new = _detect(
            claim, pending, summary.open_conflict, claim_points, names, result
        )
        if new is not None:
            created.append(new)
    Claim.objects.bulk_update(claims.values(), SUMMARY_FIELDS)
    if created:
        # Derived here, not typed in: the database's named constraints guard these
        # rows, where full_clean would cost a query per constraint on every claim.
        bulk_create_with_history(created, Discrepancy, default_change_reason="Detected")
    return result


def _detect(claim, live, conflict, points, names, result) -> Discrepancy | None:
    """Update or supersede the claim's pending discrepancy (`live`) to match
    `conflict`, the summary's open discrepancy; return a new, unsaved discrepancy
    when one must open."""

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
        _supersede(claim, live, points, conflict, names, result)
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
        involves_vague_term=conflict.is_vague,
        arose_on=conflict.arose_on,
    )


def _retire_judged(claim, standing, summary, points, names, result) -> None:
    """Supersede the judged discrepancies one of whose figures is no longer its
    source's current estimate; the others stay on record, and detection has moved
    past their pairs (divergence.summarise skips judged pairs)."""
    current = {p.id for p in summary.estimates}
    for judged in standing:
        if judged.is_pending:
            continue
        if {judged.assertion_low_id, judged.assertion_high_id} <= current:
            continue
        _supersede(claim, judged, points, None, names, result)


def _supersede(claim, discrepancy, points, conflict, names, result) -> None:
    discrepancy.state = Discrepancy.State.SUPERSEDED
    discrepancy.superseded_at = timezone.now()
    discrepancy.superseded_reason = _supersession_reason(
        discrepancy, points, conflict, names
    )
    discrepancy._change_reason = f"Superseded: {discrepancy.superseded_reason}"
    discrepancy.save()
    low, high = discrepancy.assertion_low, discrepancy.assertion_high
    result.closed.append(
        f"{claim}: “{low.figure}” vs “{high.figure}”, {discrepancy.superseded_reason}"
    )


def discrepancies_detect_all(*, claims=None) -> Detection:
    """Refresh `claims`, by default every claim that could have a discrepancy."""
    if claims is None:
        claims = Claim.objects.filter(
            Q(assertion_count__gte=2) | Q(discrepancies__isnull=False)
        ).distinct()
    return claims_derive(claim_ids=claims.values_list("pk", flat=True))


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


def on_sources_changed(sender, *, sources, documents, **kwargs) -> None:
    """Stamp the claims that show a changed source or document (sources/services.py
    sends this inside its write's transaction)."""
    from django.db.models import Q

    shown = Q(assertions__source__in=sources) | Q(assertions__relayed_by__in=sources)
    shown |= Q(assertions__document__in=documents)
    shown |= Q(assertions__document__publisher__in=sources)
    claims_mark_changed(claims=Claim.objects.filter(shown))
