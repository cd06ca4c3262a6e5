"""Views of claims/domain/divergence.py that only tests need: the open discrepancy
alone, and every conflict (quadratic). The app asks `summarise` for both."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from claims.domain.divergence import (
    DEFAULT_THRESHOLD,
    Conflict,
    Judgements,
    Point,
    _conflict,
    _conflict_key,
    _discrepancy,
    current_estimates,
)


def open_discrepancy(
    points: Iterable[Point],
    *,
    judged: Judgements | None = None,
    threshold: Decimal = DEFAULT_THRESHOLD,
    as_of: date | None = None,
) -> Conflict | None:
    """Return the claim's one open discrepancy: the widest conflict between figures
    that are not vague whose pair is not judged, else the widest such vague-term
    conflict; None when every conflict is judged or there is none."""
    return _discrepancy(current_estimates(points, as_of), judged or {}, threshold)[0]


def conflicts(
    points: Iterable[Point],
    *,
    threshold: Decimal = DEFAULT_THRESHOLD,
    as_of: date | None = None,
) -> list[Conflict]:
    """Return every conflict among the current estimates, widest first (quadratic:
    for review pages and tests, not for detection)."""
    estimates = current_estimates(points, as_of)
    found = []
    for i, a in enumerate(estimates):
        for b in estimates[i + 1 :]:
            conflict = _conflict(a, b)
            if conflict is not None and conflict.ratio >= threshold:
                found.append(conflict)
    return sorted(found, key=_conflict_key, reverse=True)
