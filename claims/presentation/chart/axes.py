"""The chart's axes: the plot's geometry, the date axis, the y scale and the ticks."""

from __future__ import annotations

import calendar
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from claims.domain.dates import MONTH, YEAR, StatedDate

LINEAR = "linear"
LOG = "log"

# Geometry. y is pixels; x is percent of the chart's width.
HEIGHT = 300
PLOT_TOP = 28
PLOT_BOTTOM = 256
TICK_LABEL_Y = PLOT_BOTTOM + 18
X_START = Decimal(8)  # the first date; the y tick labels sit left of it
X_END = Decimal(70)  # the last date (or the as-of date)
PLOT_RIGHT = Decimal(72)  # markers stay left of this
STUB_SHARE = Decimal("0.14")  # of the date axis, for squeezed earlier figures
STUB_GAP = Decimal("0.03")
# The widths, in pixels, the chart is checked at: a 390 px phone, the page's measure.
MIN_WIDTH = 340
MID_WIDTH = 600  # below 40rem the CSS hides minor x labels
MAX_WIDTH = 736
CHAR_WIDTH = Decimal("6.6")  # a generous average for 12 px sans-serif
MAX_X_TICKS = 6


@dataclass(frozen=True)
class Tick:
    position: str
    label: str
    anchor: str = "middle"  # text-anchor, so edge labels stay inside the chart
    minor: bool = False  # shown only when there is room (CSS hides it on phones)


@dataclass(frozen=True)
class DateAxis:
    """Where dates go on the x-axis, fitted to the busy period when there is one."""

    first: date
    end: date
    window_start: date | None = None  # the busy period; earlier dates are squeezed

    @classmethod
    def fit(
        cls, first: date, end: date, days: Sequence[date], full_range: bool
    ) -> DateAxis:
        """Return an axis that gives the busy period the room: when at least 80 % of
        the figures fall in the last half of the span or less, the dates before that
        window are squeezed into a stub at the left."""
        span = (end - first).days
        if full_range or len(days) < 4 or span < 14:
            return cls(first, end)
        ordered = sorted(days)
        for index, day in enumerate(ordered):
            if (len(ordered) - index) / len(ordered) < Decimal("0.8"):
                break
            if day > first and (end - day).days * 2 <= span:
                return cls(first, end, day)
        return cls(first, end)

    def share(self, day: date) -> Decimal:
        """Return where `day` falls on the axis: 0 at the first date, 1 at the end."""
        day = min(max(day, self.first), self.end)
        if self.window_start is None:
            return Decimal((day - self.first).days) / Decimal(
                (self.end - self.first).days
            )
        window = max((self.end - self.window_start).days, 1)
        lead = max(round(window * 0.04), 1)  # the window starts a little early
        start = self.window_start - timedelta(days=lead)
        if day >= start:
            inner = Decimal((day - start).days) / Decimal(window + lead)
            return STUB_SHARE + STUB_GAP + (1 - STUB_SHARE - STUB_GAP) * inner
        squeezed = max((start - self.first).days, 1)
        return STUB_SHARE * Decimal((day - self.first).days) / squeezed

    def x(self, day: date) -> Decimal:
        """Return the percent of the chart's width at `day`."""
        return X_START + (X_END - X_START) * self.share(day)


def _unit_x(axis: DateAxis, day: date) -> Decimal:
    return axis.share(day) * 1000


def period(day: date, precision: str) -> tuple[date, date]:
    """Return the first and last day a date of `precision` stands for."""
    if precision == MONTH:
        return day, day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if precision == YEAR:
        return day, day.replace(month=12, day=31)
    return day, day


def stated_label(day: date, precision: str) -> str:
    """Return a date no more precise than known: "18 Oct 2024", "October 2024"."""
    return StatedDate(day, precision).label()


def compact_number(value: Decimal | float | int) -> str:
    """Return a short tick label: 950, 1.5k, 10k, 1.3M, 2B."""
    value = float(value)
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            scaled = value / size
            text = (
                f"{scaled:.1f}".rstrip("0").rstrip(".")
                if scaled < 10
                else f"{scaled:.0f}"
            )
            return f"{text}{suffix}"
    if value == int(value):
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _y_scale(values: Sequence[Decimal], scale: str):
    top = max(values)
    if scale == LOG:
        positive = [v for v in values if v > 0] or [Decimal(1)]
        lo_exp = math.floor(math.log10(min(positive)))
        hi_exp = math.ceil(math.log10(max(top, Decimal(1))))
        if hi_exp <= lo_exp:
            hi_exp = lo_exp + 1
        lo, hi = 10.0**lo_exp, 10.0**hi_exp

        def y_of(value) -> int:
            v = max(float(value), lo)
            share = (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
            return round(PLOT_BOTTOM - share * (PLOT_BOTTOM - PLOT_TOP))

        exponents = range(lo_exp, hi_exp + 1)
        ticks = [10.0**e for e in exponents]
        if len(ticks) <= 3:  # few decades: 1, 2, 5 within each
            ticks = sorted(
                {t * m for t in ticks for m in (1, 2, 5) if lo <= t * m <= hi}
            )
        return y_of, [Tick(str(y_of(t)), compact_number(t)) for t in ticks]

    step = _nice_step(float(top) * 1.05 / 5) if top > 0 else 1.0
    hi = step * math.ceil(float(top) * 1.05 / step) if top > 0 else 1.0

    def y_of(value) -> int:
        return round(PLOT_BOTTOM - float(value) / hi * (PLOT_BOTTOM - PLOT_TOP))

    count = round(hi / step)
    return y_of, [
        Tick(str(y_of(step * i)), compact_number(step * i)) for i in range(count + 1)
    ]


def _nice_step(raw: float) -> float:
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        if raw <= multiple * magnitude:
            return multiple * magnitude
    return 10 * magnitude


def _x_ticks(axis: DateAxis, end: date) -> list[Tick]:
    """Return the date labels: those that fit on a phone, then minor ones that fit
    from MID_WIDTH up; on a fitted axis the stub is labelled "earlier"."""
    start = axis.window_start or axis.first
    days = _tick_dates(start, end)
    candidates: list[tuple[Decimal, str]] = []
    if axis.window_start is not None:
        candidates.append((axis.x(axis.first), "← earlier"))
    candidates += [(axis.x(d), label) for d, label in _tick_labels(days)]
    ticks: list[Tick] = []
    taken: dict[int, list[tuple[Decimal, Decimal]]] = {MIN_WIDTH: [], MID_WIDTH: []}
    for position, label in candidates:
        anchor = (
            "start"
            if position < X_START + 4
            else "end"
            if position > X_END - 4
            else "middle"
        )
        for width, minor in ((MIN_WIDTH, False), (MID_WIDTH, True)):
            span = _text_span(position, label, anchor, width)
            if span[0] < 0 or span[1] > width * PLOT_RIGHT / 100:
                continue
            if all(span[1] + 6 <= a or b + 6 <= span[0] for a, b in taken[width]):
                if not minor:
                    taken[MID_WIDTH].append(
                        _text_span(position, label, anchor, MID_WIDTH)
                    )
                taken[width].append(span)
                ticks.append(Tick(f"{position:.2f}%", label, anchor, minor))
                break
    return sorted(ticks, key=lambda t: Decimal(t.position[:-1]))


def _text_span(position: Decimal, label: str, anchor: str, width: int):
    x = position * width / 100
    length = CHAR_WIDTH * len(label)
    if anchor == "start":
        return x, x + length
    if anchor == "end":
        return x - length, x
    return x - length / 2, x + length / 2


def _tick_dates(first: date, last: date) -> tuple[list[date], str]:
    span = (last - first).days
    for days in (1, 2, 7, 14):
        if span / days <= MAX_X_TICKS:
            ticks, day = [], first
            while day <= last:
                ticks.append(day)
                day += timedelta(days=days)
            return ticks, "day"
    for months in (1, 2, 3, 6, 12, 24, 60, 120):
        if span / (30.4 * months) <= MAX_X_TICKS:
            ticks, year, month = [], first.year, first.month
            while True:
                if (month - 1) % months == 0 and (months < 12 or month == 1):
                    tick = date(year, month, 1)
                    if tick > last:
                        break
                    if tick >= first:
                        ticks.append(tick)
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            return ticks, "month" if months < 12 else "year"
    return [], "year"


def _tick_labels(found: tuple[list[date], str]) -> list[tuple[date, str]]:
    ticks, unit = found
    labels = []
    for index, tick in enumerate(ticks):
        new_year = index == 0 or tick.year != ticks[index - 1].year
        if unit == "day":
            label = f"{tick.day} {tick:%b}" + (f" {tick.year}" if new_year else "")
        elif unit == "month":
            label = f"{tick:%b}" + (f" {tick.year}" if new_year else "")
        else:
            label = str(tick.year)
        labels.append((tick, label))
    return labels


def _date_label(day: date) -> str:
    return f"{day.day} {day:%b %Y}"
