"""The editors' review of discrepancies: states and the moves between them. Pure logic.

open → under review → explained / resolved / dismissed, each judgement with a note;
any judged or open discrepancy can be reopened or taken under review again.
Superseded is set by detection alone, when the conflict is gone or replaced, and is
final: a conflict that comes back is a new discrepancy.

The states and their words are claims/domain/vocabulary.py's; this module adds the
moves.
"""

from django.core.exceptions import ValidationError

from claims.domain.vocabulary import (
    DISMISSED,
    EXPLAINED,
    JUDGEMENTS,
    OPEN,
    PENDING,
    RESOLVED,
    SUPERSEDED,
    UNDER_REVIEW,
)
from claims.domain.vocabulary import STATE_WORDS as LABELS

__all__ = [
    "DISMISSED",
    "EXPLAINED",
    "JUDGEMENTS",
    "LABELS",
    "OPEN",
    "PENDING",
    "RESOLVED",
    "SUPERSEDED",
    "TRANSITIONS",
    "UNDER_REVIEW",
    "check_transition",
]

TRANSITIONS = {
    OPEN: (UNDER_REVIEW, EXPLAINED, RESOLVED, DISMISSED),
    UNDER_REVIEW: (OPEN, EXPLAINED, RESOLVED, DISMISSED),
    EXPLAINED: (OPEN, UNDER_REVIEW, RESOLVED, DISMISSED),
    # Resolved again: a judgement that changes which figure it favours needs no
    # reopening (check_transition refuses it when the favoured figure stays).
    RESOLVED: (OPEN, UNDER_REVIEW, EXPLAINED, RESOLVED, DISMISSED),
    DISMISSED: (OPEN, UNDER_REVIEW, EXPLAINED, RESOLVED),
    SUPERSEDED: (),
}


def check_transition(
    current: str,
    target: str,
    *,
    note: str,
    favoured: bool,
    favoured_changes: bool = True,
) -> None:
    """Raise ValidationError, naming the field, unless the move is allowed; resolved
    stays resolved only to favour the other figure (`favoured_changes`)."""
    if target not in TRANSITIONS.get(current, ()):
        allowed = ", ".join(LABELS[s] for s in TRANSITIONS.get(current, ())) or "none"
        raise ValidationError(
            {
                "state": f"A discrepancy that is {LABELS.get(current, current)} cannot "
                f"become {LABELS.get(target, target)}. Allowed: {allowed}."
            }
        )
    if current == target == RESOLVED and favoured and not favoured_changes:
        raise ValidationError(
            {
                "favoured": "This discrepancy is already resolved in favour of this "
                "estimate. Choose the other estimate to change the judgement."
            }
        )
    if target in JUDGEMENTS and not note.strip():
        raise ValidationError(
            {"note": f"Write the note readers will see: why it is {LABELS[target]}."}
        )
    if target == RESOLVED and not favoured:
        raise ValidationError(
            {"favoured": "Choose the estimate you favour to resolve the discrepancy."}
        )
    if target != RESOLVED and favoured:
        raise ValidationError(
            {"favoured": "Only a resolved discrepancy favours one estimate."}
        )
