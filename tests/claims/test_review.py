import pytest
from django.core.exceptions import ValidationError

from claims.review import states as review
from claims.review.states import (
    DISMISSED,
    EXPLAINED,
    OPEN,
    RESOLVED,
    SUPERSEDED,
    UNDER_REVIEW,
    check_transition,
)

STATES = [OPEN, UNDER_REVIEW, EXPLAINED, RESOLVED, DISMISSED, SUPERSEDED]
EDITOR_TARGETS = [OPEN, UNDER_REVIEW, EXPLAINED, RESOLVED, DISMISSED]


def refusal(current, target) -> dict | None:
    """Return the errors of the move, by field, or None when it is allowed."""
    try:
        check_transition(
            current, target, note="Different scope.", favoured=target == RESOLVED
        )
    except ValidationError as error:
        return error.message_dict
    return None


# Judged discrepancies can be reopened (judged -> open) among the allowed moves.
@pytest.mark.parametrize("current", STATES)
@pytest.mark.parametrize("target", STATES)
def test_every_move_is_allowed_or_refused_naming_the_state(current, target):
    allowed = current != SUPERSEDED and target != SUPERSEDED and current != target

    errors = refusal(current, target)

    if current == target == RESOLVED:
        # Resolved again only to favour the other figure (issue 24): allowed when
        # the favoured figure changes, refused naming the field when it does not.
        assert errors is None
        with pytest.raises(ValidationError) as same:
            check_transition(
                RESOLVED, RESOLVED, note="Same.", favoured=True, favoured_changes=False
            )
        assert "other estimate" in same.value.message_dict["favoured"][0]
    elif allowed:
        assert errors is None
    else:
        assert "cannot become" in errors["state"][0]


@pytest.mark.parametrize("target", [EXPLAINED, RESOLVED, DISMISSED])
def test_a_judgement_needs_a_note(target):
    with pytest.raises(ValidationError) as raised:
        check_transition(OPEN, target, note="  ", favoured=target == RESOLVED)

    assert "note" in raised.value.message_dict


def test_resolving_needs_a_favoured_estimate():
    with pytest.raises(ValidationError) as raised:
        check_transition(OPEN, RESOLVED, note="The later count holds.", favoured=False)

    assert "favour" in raised.value.message_dict["favoured"][0]


def test_only_resolving_favours_an_estimate():
    with pytest.raises(ValidationError) as raised:
        check_transition(OPEN, EXPLAINED, note="Scope.", favoured=True)

    assert "favoured" in raised.value.message_dict


def test_superseded_is_final():
    assert review.TRANSITIONS[SUPERSEDED] == ()
    assert all(SUPERSEDED not in targets for targets in review.TRANSITIONS.values())
