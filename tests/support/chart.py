"""Checks on a laid-out chart that only tests need."""

from collections.abc import Sequence
from decimal import Decimal

from claims.presentation.chart import Series, text_width


def label_boxes(series: Sequence[Series]) -> list[tuple[int, int]]:
    """Return each end label's top and bottom pixel, for checks (a series drawn
    without a label has none)."""
    return [(s.label_top, s.label_bottom) for s in series if s.label_lines]


def tick_spans(ticks, width: int, line: str = "label") -> list[tuple[Decimal, Decimal]]:
    """Return the pixels each tick's text on `line` ("label", or "under": the year
    or "← earlier") takes at `width`, sorted, as text_width measures it."""
    spans = []
    for tick in ticks:
        text = getattr(tick, line)
        if not text:
            continue
        x = Decimal(tick.position.rstrip("%")) * width / 100
        length = text_width(text)
        start = {"start": x, "end": x - length, "middle": x - length / 2}[tick.anchor]
        spans.append((start, start + length))
    return sorted(spans)
