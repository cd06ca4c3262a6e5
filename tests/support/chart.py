"""Checks on a laid-out chart that only tests need."""

from collections.abc import Sequence

from claims.presentation.chart import Series


def label_boxes(series: Sequence[Series]) -> list[tuple[int, int]]:
    """Return each end label's top and bottom pixel, for checks."""
    return [(s.label_top, s.label_bottom) for s in series]
