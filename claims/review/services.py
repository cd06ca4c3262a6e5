"""The editors' writes: judging and assigning discrepancies. Only these change a
discrepancy's judgement, and `judged_by` is always the person making the request."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from claims.concurrency import EditConflict
from claims.models import Assertion, Discrepancy
from claims.pipeline import derive, services
from claims.review import states as review


@transaction.atomic
def discrepancy_judge(
    *,
    discrepancy: Discrepancy,
    state: str,
    note: str = "",
    favoured: Assertion | None = None,
    user,
    version: int | None = None,
    set_aside_reason: str = "",
) -> Discrepancy:
    """Move `discrepancy` to `state` with the editor's note; only editors may.

    `version` is the one the editor's page showed: if the discrepancy has changed
    since, EditConflict says how, and nothing is saved. Resolving in favour of one
    figure with a `set_aside_reason` also sets the other figure aside for the whole
    claim (claims/pipeline/services.py, assertion_set_aside): one judgement per
    outlier."""
    if not user.has_perm("claims.judge_discrepancy"):
        raise PermissionDenied("Only editors judge discrepancies.")
    # The claim first, as every writer takes it (derive.claims_lock), then the row.
    derive.claims_lock(claim_ids=[discrepancy.claim_id])
    discrepancy = _locked_at(discrepancy, version)
    review.check_transition(
        discrepancy.state,
        state,
        note=note,
        favoured=favoured is not None,
        favoured_changes=favoured is None or favoured.pk != discrepancy.favoured_id,
    )
    if favoured is not None and favoured.pk not in (
        discrepancy.assertion_low_id,
        discrepancy.assertion_high_id,
    ):
        raise ValidationError(
            {"favoured": "Favour one of the two estimates in conflict."}
        )
    if state in review.PENDING and not discrepancy.is_pending:
        derive.pending_make_way(discrepancy=discrepancy)
    discrepancy.state = state
    if note.strip():
        discrepancy.note = note.strip()
    discrepancy.favoured = favoured
    if state in review.JUDGEMENTS:
        discrepancy.judged_by, discrepancy.judged_at = user, timezone.now()
    discrepancy._history_user = user
    # The record names the favoured figure: "Resolved in favour of “10,000” (…)".
    label = review.LABELS[state].capitalize()
    if favoured is not None:
        label += f" in favour of “{favoured.figure}” ({favoured.source})"
    discrepancy._change_reason = (
        f"{label}: {note.strip()}" if note.strip() else label
    )[:100]
    discrepancy.full_clean()
    discrepancy.save()
    if set_aside_reason.strip():
        if state != review.RESOLVED or favoured is None:
            raise ValidationError(
                {
                    "set_aside_reason": "Set a figure aside when you resolve the "
                    "conflict in favour of the other one."
                }
            )
        other = (
            discrepancy.assertion_high
            if favoured.pk == discrepancy.assertion_low_id
            else discrepancy.assertion_low
        )
        # Its claim is derived once, below, with the judgement.
        services.assertion_set_aside(
            assertion=other, reason=set_aside_reason, user=user, derive_after=False
        )
    # The claim is derived again: once a pair is judged, the next conflict opens in
    # the queue at the moment it shows on the reader's page.
    derive.apply(derive.Change.of(claims=[discrepancy.claim_id]))
    discrepancy.refresh_from_db()
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
    derive.apply(derive.Change.of(unseen=[discrepancy.claim_id]))
    return discrepancy


def _locked_at(discrepancy: Discrepancy, version: int | None) -> Discrepancy:
    """Return the discrepancy's row, locked, carrying the `version` the editor's
    page showed: Versioned.save refuses it if the row has moved on since."""
    locked = Discrepancy.objects.select_for_update().get(pk=discrepancy.pk)
    if version is not None and version != locked.version:
        # Refused before the workflow's rules judge a move from a state the editor
        # never saw; Versioned.save makes the same refusal for any later race.
        raise EditConflict(locked, version)
    return locked


def discrepancy_revert(*, discrepancy: Discrepancy, record, user) -> Discrepancy:
    """Put back the judgement `record` (a historical row of `discrepancy`) held, as a
    new judgement by `user` under the workflow's rules: a revert is a move like any
    other, so the person reverting is the one recorded as judging."""
    return discrepancy_judge(
        discrepancy=discrepancy,
        state=record.state,
        note=record.note,
        favoured=record.favoured,
        user=user,
        version=discrepancy.version,
    )
