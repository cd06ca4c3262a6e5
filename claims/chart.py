"""Lay out a claim's timeline chart and sparkline. Pure logic: the template draws.

The plot is an SVG of fixed height whose x coordinates are percentages of its width,
so it fills any screen while text and markers keep their size (readable on a phone).
y coordinates are pixels. Everything here is numbers and strings; escaping is the
template's job.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from claims.divergence import Point, visible
from claims.figures import (
    APPROXIMATE,
    AT_LEAST,
    AT_MOST,
    EXACT,
    QUALITATIVE,
    RANGE,
    describe_interval,
)

HEIGHT = 320
PLOT_TOP = 14
PLOT_BOTTOM = 276
X_LEFT = Decimal(3)  # percent of the width kept free at each side
X_RIGHT = Decimal(97)
MAX_X_TICKS = 6
LINEAR = "linear"
LOG = "log"

# Colours for sources, each at least 4.5:1 against white (WCAG AA for text).
PALETTE = (
    "#0062a3",
    "#b93e0c",
    "#047857",
    "#6d28d9",
    "#b91c1c",
    "#0e6f87",
    "#8a5a06",
    "#be185d",
    "#4d6b0f",
    "#374151",
)
SHAPES = {
    EXACT: "dot",
    APPROXIMATE: "ring",
    RANGE: "bar",
    AT_LEAST: "up",
    AT_MOST: "down",
    QUALITATIVE: "band",
}


@dataclass(frozen=True)
class Mark:
    """One assertion to draw, with what its tooltip says."""

    point: Point
    source_name: str
    precision: str = "day"  # day, month or year
    quote: str = ""


@dataclass(frozen=True)
class Marker:
    shape: str
    x: str  # percent
    x_end: str  # percent: the end of the period a month or year stands for
    y: int  # the level
    y_low: int  # the interval's ends (open sides reach the plot's edge)
    y_high: int
    colour: str
    title: str
    point_id: int
    spans_period: bool
    dx: int = 0  # pixels: markers that would hide each other are spread apart
    highlighted: bool = False


@dataclass(frozen=True)
class Segment:
    x1: str
    y1: int
    x2: str
    y2: int
    colour: str


@dataclass(frozen=True)
class Band:
    x: str
    width: str
    y: int
    height: int


@dataclass(frozen=True)
class Tick:
    position: str
    label: str
    anchor: str = "middle"  # text-anchor, so edge labels stay inside the chart
    minor: bool = False  # every other x label, hidden on narrow screens


@dataclass
class Timeline:
    scale: str
    height: int = HEIGHT
    label_y: int = PLOT_BOTTOM + 24
    markers: list[Marker] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    envelope: list[Band] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)
    description: str = ""

    @property
    def has_data(self) -> bool:
        return bool(self.markers)


def source_colours(source_ids: Sequence[int]) -> dict[int, str]:
    """Return a colour per source, in the order the sources first appear."""
    colours: dict[int, str] = {}
    for source_id in source_ids:
        if source_id not in colours:
            colours[source_id] = PALETTE[len(colours) % len(PALETTE)]
    return colours


def layout_timeline(
    marks: Sequence[Mark],
    *,
    as_of: date | None = None,
    scale: str = LINEAR,
    highlight: frozenset[int] = frozenset(),
) -> Timeline:
    """Return the positions of everything the timeline chart draws; the points in
    `highlight` are marked (the review page marks the two in conflict)."""
    scale = LOG if scale == LOG else LINEAR
    by_id = {mark.point.id: mark for mark in marks}
    points = visible((mark.point for mark in marks), as_of)
    chart = Timeline(scale=scale)
    if not points:
        chart.description = "No figures to chart."
        return chart

    periods = {p.id: period(p.stated_on, by_id[p.id].precision) for p in points}
    first = min(start for start, _ in periods.values())
    last = max(end for _, end in periods.values())
    last = max(last, as_of) if as_of else last
    if first == last:
        first, last = first - timedelta(days=1), last + timedelta(days=1)
    x_of = _x_scale(first, last)

    bounds = [b for p in points for b in (p.low, p.high, p.value) if b is not None]
    y_of, chart.y_ticks = _y_scale(bounds, scale)
    colours = source_colours([p.source_id for p in points])

    for p in points:
        mark = by_id[p.id]
        start, end = periods[p.id]
        level = p.level if p.level is not None else (p.low or p.high)
        chart.markers.append(
            Marker(
                shape=SHAPES.get(p.kind, "dot"),
                x=x_of(start),
                x_end=x_of(end),
                y=y_of(level),
                y_low=PLOT_BOTTOM if p.low is None else y_of(p.low),
                y_high=PLOT_TOP if p.high is None else y_of(p.high),
                colour=colours[p.source_id],
                title=_title(mark, start),
                point_id=p.id,
                spans_period=mark.precision != "day",
                highlighted=p.id in highlight,
            )
        )
    chart.markers = _spread_apart(chart.markers)
    chart.segments = _step_lines(points, periods, x_of, y_of, colours, last)
    chart.envelope = _envelope(points, periods, x_of, y_of, last)
    chart.x_ticks = _x_ticks(first, last, x_of)
    names = {mark.point.source_id: mark.source_name for mark in marks}
    chart.legend = [(colour, names[source]) for source, colour in colours.items()]
    chart.description = (
        f"{len(points)} figures from {len(colours)} sources, "
        f"{_date_label(first, True)} to {_date_label(last, True)}, "
        f"{scale} scale from {compact_number(min(bounds))} "
        f"to {compact_number(max(bounds))}."
    )
    return chart


def layout_sparkline(
    points: Sequence[Point], *, width: int = 120, height: int = 28
) -> str:
    """Return the `points` attribute of a polyline through the levels over time."""
    seen = [p for p in visible(points) if p.level is not None]
    if not seen:
        return ""
    levels = [p.level for p in seen]
    low, high = min(levels), max(levels)
    first, last = seen[0].stated_on, seen[-1].stated_on
    days = max((last - first).days, 1)
    coordinates = []
    for p in seen:
        x = 2 + (width - 4) * (p.stated_on - first).days / days if len(seen) > 1 else 2
        y = (
            height / 2
            if high == low
            else 2 + (height - 4) * float((high - p.level) / (high - low))
        )
        coordinates.append(f"{x:.1f},{y:.1f}")
    if len(coordinates) == 1:
        coordinates.append(f"{width - 2:.1f},{coordinates[0].split(',')[1]}")
    return " ".join(coordinates)


def period(day: date, precision: str) -> tuple[date, date]:
    """Return the first and last day a date of `precision` stands for."""
    if precision == "month":
        return day, day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if precision == "year":
        return day, day.replace(month=12, day=31)
    return day, day


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


def _spread_apart(markers: list[Marker], gap: int = 9) -> list[Marker]:
    """Return the markers with those at the same spot moved apart sideways."""
    groups: dict[tuple[str, int], list[int]] = {}
    for index, marker in enumerate(markers):
        groups.setdefault((marker.x, marker.y), []).append(index)
    spread = list(markers)
    for indexes in groups.values():
        for rank, index in enumerate(indexes):
            offset = round((rank - (len(indexes) - 1) / 2) * gap)
            if offset:
                marker = markers[index]
                spread[index] = Marker(**{**marker.__dict__, "dx": offset})
    return spread


def _x_scale(first: date, last: date):
    span = (last - first).days

    def x_of(day: date) -> str:
        share = Decimal((day - first).days) / Decimal(span)
        return f"{X_LEFT + (X_RIGHT - X_LEFT) * share:.2f}%"

    return x_of


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


def _step_lines(points, periods, x_of, y_of, colours, last) -> list[Segment]:
    by_source: dict[int, list[Point]] = {}
    for p in points:
        if p.level is not None:
            by_source.setdefault(p.source_id, []).append(p)
    segments = []
    for source, chain in by_source.items():
        colour = colours[source]
        for here, there in zip(chain, [*chain[1:], None], strict=True):
            x1, y1 = x_of(periods[here.id][0]), y_of(here.level)
            x2 = x_of(periods[there.id][0]) if there else x_of(last)
            if x1 != x2:
                segments.append(Segment(x1, y1, x2, y1, colour))
            if there is not None and y_of(there.level) != y1:
                segments.append(Segment(x2, y1, x2, y_of(there.level), colour))
    return segments


def _envelope(points, periods, x_of, y_of, last) -> list[Band]:
    """Return the shaded span of current estimates, one band per change."""
    latest: dict[int, Point] = {}
    bands: list[tuple[date, int, int]] = []
    for p in points:
        latest[p.source_id] = p
        bounds = [b for q in latest.values() for b in (q.low, q.high) if b is not None]
        start = periods[p.id][0]
        band = (start, y_of(max(bounds)), y_of(min(bounds)))
        if bands and bands[-1][0] == start:
            bands[-1] = band
        elif not bands or bands[-1][1:] != band[1:]:
            bands.append(band)
    result = []
    for (start, y_top, y_bottom), following in zip(
        bands, [*bands[1:], None], strict=True
    ):
        end = following[0] if following else last
        x1, x2 = x_of(start), x_of(end)
        width = Decimal(x2[:-1]) - Decimal(x1[:-1])
        if width > 0:
            result.append(Band(x1, f"{width:.2f}%", y_top, max(y_bottom - y_top, 2)))
    return result


def _x_ticks(first: date, last: date, x_of) -> list[Tick]:
    span = (last - first).days
    for days in (1, 2, 7, 14):
        if span / days <= MAX_X_TICKS:
            ticks, day = [], first
            while day <= last:
                ticks.append(day)
                day += timedelta(days=days)
            return _labelled(ticks, x_of, "day")
    for months in (1, 2, 3, 6, 12, 24, 60):
        if span / (30.4 * months) <= MAX_X_TICKS:
            ticks, year, month = [], first.year, first.month
            while True:
                if (month - 1) % months == 0:
                    tick = date(year, month, 1)
                    if tick > last:
                        break
                    if tick >= first:
                        ticks.append(tick)
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            return _labelled(ticks, x_of, "month" if months < 12 else "year")
    return []


def _labelled(ticks: list[date], x_of, unit: str) -> list[Tick]:
    labels = []
    for index, tick in enumerate(ticks):
        new_year = index == 0 or tick.year != ticks[index - 1].year
        if unit == "day":
            label = f"{tick.day} {tick:%b}" + (f" {tick.year}" if new_year else "")
        elif unit == "month":
            label = f"{tick:%b}" + (f" {tick.year}" if new_year else "")
        else:
            label = str(tick.year)
        position = x_of(tick)
        share = Decimal(position[:-1])
        anchor = "start" if share < 8 else "end" if share > 92 else "middle"
        labels.append(Tick(position, label, anchor, minor=index % 2 == 1))
    return labels


def _date_label(day: date, with_year: bool = True) -> str:
    return f"{day.day} {day:%b %Y}" if with_year else f"{day.day} {day:%b}"


def _title(mark: Mark, start: date) -> str:
    p = mark.point
    when = {
        "month": f"{start:%B %Y}",
        "year": str(start.year),
    }.get(mark.precision, _date_label(start))
    reading = describe_interval(p.kind, p.low, p.high)
    quote = f" — “{mark.quote}”" if mark.quote else ""
    return f"{mark.source_name}, {when}: {p.figure} (read as {reading}){quote}"
