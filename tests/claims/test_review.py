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


def attempt(current, target):
    check_transition(
        current, target, note="Different scope.", favoured=target == RESOLVED
    )


@pytest.mark.parametrize("current", STATES)
@pytest.mark.parametrize("target", STATES)
def test_every_move_is_allowed_or_refused_naming_the_state(current, target):
    allowed = current != SUPERSEDED and target != SUPERSEDED and current != target

    if allowed:
        attempt(current, target)
    else:
        with pytest.raises(ValidationError) as raised:
            attempt(current, target)
        assert "cannot become" in raised.value.message_dict["state"][0]


def test_judged_discrepancies_can_be_reopened():
    for judged in review.JUDGEMENTS:
        attempt(judged, OPEN)


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
