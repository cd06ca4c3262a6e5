"""Lay out a claim's timeline chart and sparkline. Pure logic: the templates draw.

The chart is one SVG of fixed pixel height whose x coordinates are percentages of its
width, so it fills any screen while text and markers keep their pixel size (12 px
text stays 12 px on a phone). The step lines sit in a nested SVG stretched over the
date axis, so a dense series is one compact path per source.

What is drawn, and why:

- **Markers** only where a source's figure changes, or where a point is highlighted
  (a judgement's pair). A repeated figure is carried by the line. Markers are placed
  so that no two boxes overlap at any width from MIN_WIDTH to MAX_WIDTH: markers on
  the same spot are spread sideways, and in a dense series a marker that has no room
  is left out (the line still shows it, and the figures table lists it).
- **Shapes say what was stated**: a dot for a number, a ring for "about", a bar for a
  stated range, a band for a vague term's interval, an open arrow up or down from the
  stated bound for "at least" and "up to". No midpoint is ever drawn as a marker, and
  no number that no source stated is ever a label.
- **Lines**: each source's latest figure carried forward; a range or vague term is
  carried forward as a faint band, not as a line through its middle.
- **Labels** at each line's end name the source and its latest figure as stated,
  spread vertically so they never collide, with a leader line to the line's end.
- **Colours**: PALETTE keeps any two colours CIEDE2000 ≥ 20 apart and each ≥ 3:1
  against the page (tests/support/colour.py checks it). With more sources than colours,
  the
  colours repeat with dashed, then dotted, lines.
- **The date axis** gives the busy period the room: when most figures sit in a short
  late window, earlier figures are squeezed into a stub at the left. `full_range`
  draws the plain axis.

Everything here is numbers and strings; escaping is the templates' job.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from claims.domain.dates import DAY, MONTH, YEAR, StatedDate
from claims.domain.divergence import Point, visible
from claims.domain.figures import (  # the kinds of figure
    APPROXIMATE,
    AT_LEAST,
    AT_MOST,
    EXACT,
    QUALITATIVE,
    RANGE,
)

LINEAR = "linear"
LOG = "log"

BACKGROUND = "#ffffff"  # --paper in static/css/site.css
INK = "#1a1d21"  # --ink
MUTED = "#4a5360"  # --muted
GRID = "#e6e9ee"
STUB = "#f3f5f8"  # --tint

# Geometry. y is pixels; x is percent of the chart's width.
HEIGHT = 300
PLOT_TOP = 28
PLOT_BOTTOM = 256
TICK_LABEL_Y = PLOT_BOTTOM + 18
FONT_SIZE = 12  # every text; ≥ 11 px at any width, since text never scales
LINE_HEIGHT = 14
X_START = Decimal(8)  # the first date; the y tick labels sit left of it
X_END = Decimal(70)  # the last date (or the as-of date)
PLOT_RIGHT = Decimal(72)  # markers stay left of this
LABEL_X = Decimal(75)  # the end labels start here
STUB_SHARE = Decimal("0.14")  # of the date axis, for squeezed earlier figures
STUB_GAP = Decimal("0.03")
# The widths, in pixels, the chart is checked at: a 390 px phone, the page's measure.
MIN_WIDTH = 340
MID_WIDTH = 600  # below 40rem the CSS hides minor x labels
MAX_WIDTH = 736
STANDALONE_WIDTH = MAX_WIDTH
CHAR_WIDTH = Decimal("6.6")  # a generous average for 12 px sans-serif
LABEL_CHARS = 13  # what fits in the label column at MIN_WIDTH
MAX_X_TICKS = 6
# A series whose markers outnumber this is dense: markers are thinned, never shifted.
SPREAD_LIMIT = 80
MAX_SPREAD = 6  # steps each side a marker may move to clear another

# Any two differ by CIEDE2000 ≥ 22, each has ≥ 3.4:1 contrast on white, and under
# simulated deuteranopia and protanopia any two still differ by ≥ 14 (tests check).
PALETTE = (
    "#4477ff",
    "#882200",
    "#339999",
    "#ff2288",
    "#443333",
    "#997722",
    "#771166",
    "#0000ee",
    "#556655",
)
# Once the colours run out they repeat, first with dashed, then dotted lines.
DASHES = ("", "6 3", "1.5 3", "8 3 2 3")

SHAPES = {
    EXACT: "dot",
    APPROXIMATE: "ring",
    RANGE: "bar",
    AT_LEAST: "up",
    AT_MOST: "down",
    QUALITATIVE: "band",
}
# Half the width of each shape's box, in pixels, and how far it reaches above (−)
# and below (+) the y it is drawn at (bars and bands span their interval instead).
HALF_WIDTH = {"dot": 5, "ring": 5, "bar": 4, "band": 7, "up": 6, "down": 6}
ARROW = 14  # the length of an open bound's arrow
HIGHLIGHT_PAD = 3

UNIT_NAMES = {
    "USD": "US dollars",
    "EUR": "euros",
    "GBP": "pounds sterling",
    "JPY": "yen",
    "KRW": "won",
    "UAH": "hryvnias",
    "RUB": "roubles",
}


@dataclass(frozen=True)
class Mark:
    """One assertion to draw, with what its label and tooltip say."""

    point: Point
    source_name: str
    precision: str = DAY  # DAY, MONTH or YEAR
    quote: str = ""
    short_name: str = ""  # for the end label; derived from source_name when empty


@dataclass(frozen=True)
class Box:
    """A marker's footprint: x in percent plus a pixel offset, y in pixels."""

    x: Decimal
    dx: int
    half_width: int
    top: int
    bottom: int

    def left(self, width: int) -> Decimal:
        return self.x * width / 100 + self.dx - self.half_width

    def right(self, width: int) -> Decimal:
        return self.x * width / 100 + self.dx + self.half_width

    def overlaps(self, other: Box) -> bool:
        """Return True when the boxes overlap at some width in MIN_WIDTH…MAX_WIDTH.

        Positions move linearly with the width, so checking both ends and whether the
        order flips in between covers every width."""
        if self.bottom <= other.top or other.bottom <= self.top:
            return False
        gaps = []
        for width in (MIN_WIDTH, MAX_WIDTH):
            if self.right(width) <= other.left(width):
                gaps.append(-1)
            elif other.right(width) <= self.left(width):
                gaps.append(1)
            else:
                return True
        return gaps[0] != gaps[1]


@dataclass(frozen=True)
class Marker:
    """One stated figure, drawn where its source's figure changed."""

    shape: str
    x: str  # percent
    x_end: str  # percent: the end of the month or year a date stands for
    y: int  # the stated number (the bound for arrows, the middle for bar and band)
    y_low: int  # the pixel of the interval's low end (bars and bands)
    y_high: int
    colour: str
    title: str
    point_id: int
    spans_period: bool
    dx: int = 0  # pixels: markers that would hide each other are spread apart
    highlighted: bool = False

    @property
    def box(self) -> Box:
        half = HALF_WIDTH[self.shape]
        if self.shape in ("bar", "band"):
            top, bottom = self.y_high - 1, self.y_low + 1
        elif self.shape == "up":
            top, bottom = self.y - ARROW, self.y + 1
        elif self.shape == "down":
            top, bottom = self.y - 1, self.y + ARROW
        else:
            top, bottom = self.y - half, self.y + half
        pad = HIGHLIGHT_PAD if self.highlighted else 0
        return Box(Decimal(self.x[:-1]), self.dx, half + pad, top - pad, bottom + pad)

    @property
    def half(self) -> int:
        return self.box.half_width

    @property
    def box_top(self) -> int:
        return self.box.top

    @property
    def box_height(self) -> int:
        box = self.box
        return box.bottom - box.top


@dataclass(frozen=True)
class Band:
    """A range or vague term carried forward, in the stretched line layer."""

    x: str  # 0–1000 along the date axis
    width: str
    y: int
    height: int


@dataclass(frozen=True)
class Series:
    """One source: its line, its carried-forward bands and its end label."""

    source_id: int
    name: str
    colour: str
    dash: str
    path: str  # in the stretched layer: x 0–1000, y pixels
    bands: tuple[Band, ...]
    label_lines: tuple[tuple[str, bool], ...]  # (text, is the name): name, figure
    end_y: int  # where the line ends
    label_y: int  # the first label line's baseline
    figure: str
    point_id: int

    @property
    def moved(self) -> bool:
        return abs(self.label_mid - self.end_y) > 2

    @property
    def label_top(self) -> int:
        return self.label_y - FONT_SIZE + 2

    @property
    def label_bottom(self) -> int:
        return self.label_top + LINE_HEIGHT * len(self.label_lines)

    @property
    def label_mid(self) -> int:
        return (self.label_top + self.label_bottom) // 2


@dataclass(frozen=True)
class Tick:
    position: str
    label: str
    anchor: str = "middle"  # text-anchor, so edge labels stay inside the chart
    minor: bool = False  # shown only when there is room (CSS hides it on phones)


@dataclass(frozen=True)
class Estimate:
    """A source's current estimate, for the compact list beside the chart."""

    source_name: str
    figure: str
    stated: str
    colour: str
    dash: str
    point_id: int


@dataclass(frozen=True)
class LegendEntry:
    key: str  # the mark the template draws: marker, band, arrow, line, period…
    text: str


@dataclass
class Timeline:
    scale: str
    height: int = HEIGHT
    unit_label: str = ""
    as_of: date | None = None
    markers: list[Marker] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    legend: list[LegendEntry] = field(default_factory=list)
    current: list[Estimate] = field(default_factory=list)
    description: str = ""
    cut_off: Tick | None = None  # the as-of line and its label
    stub_width: str = ""  # percent: the squeezed earlier figures, when fitted
    is_fitted: bool = False  # the axis gives the busy period the room
    full_range: bool = False
    fittable: bool = False  # the axis can be fitted to a busy period
    figure_count: int = 0
    marker_count: int = 0

    # Constants the template needs.
    plot_top: int = PLOT_TOP
    plot_bottom: int = PLOT_BOTTOM
    tick_label_y: int = TICK_LABEL_Y
    x_start: str = f"{X_START}%"
    x_end: str = f"{X_END}%"
    line_width: str = f"{X_END - X_START}%"
    plot_right: str = f"{PLOT_RIGHT}%"
    plot_height: int = PLOT_BOTTOM - PLOT_TOP
    cut_off_label_y: int = PLOT_TOP - 8
    label_x: str = f"{LABEL_X}%"
    leader_x: str = f"{LABEL_X - Decimal('0.8')}%"
    standalone_width: int = STANDALONE_WIDTH
    font_size: int = FONT_SIZE
    line_height: int = LINE_HEIGHT

    @property
    def has_data(self) -> bool:
        return bool(self.markers)

    @property
    def omitted(self) -> int:
        """Return how many changed figures have no marker for want of room."""
        return self.figure_count - self.marker_count


def source_colours(source_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """Return a colour and dash pattern per source, in the order they first appear."""
    styles: dict[int, tuple[str, str]] = {}
    for source_id in source_ids:
        if source_id not in styles:
            n = len(styles)
            cycle = min(n // len(PALETTE), len(DASHES) - 1)
            styles[source_id] = (PALETTE[n % len(PALETTE)], DASHES[cycle])
    return styles


def unit_label(unit: str) -> str:
    """Return the unit as people write it: "USD" → "US dollars"."""
    unit = unit.strip()
    return UNIT_NAMES.get(unit.upper(), unit)


def short_name(name: str) -> str:
    """Return a source's short name: the acronym in brackets, "…(HUR)" → "HUR"."""
    found = re.search(r"\(([^()]{2,14})\)\s*$", name)
    if found:
        return found.group(1).strip()
    return name.strip()


def layout_timeline(
    marks: Sequence[Mark],
    *,
    as_of: date | None = None,
    scale: str = LINEAR,
    highlight: frozenset[int] = frozenset(),
    unit: str = "",
    full_range: bool = False,
) -> Timeline:
    """Return the positions of everything the timeline chart draws.

    `as_of` cuts the chart at that date and draws the cut-off; `highlight` holds the
    assertion ids to mark (the review page marks the pair in conflict); `unit` is the
    claim's unit for the y-axis; `full_range` turns off fitting the date axis."""
    scale = LOG if scale == LOG else LINEAR
    by_id = {mark.point.id: mark for mark in marks}
    points = visible((mark.point for mark in marks), as_of)
    chart = Timeline(scale=scale, as_of=as_of)
    chart.unit_label = unit_label(unit) + (" (log scale)" if scale == LOG else "")
    if not points:
        chart.description = "No figures to chart."
        return chart

    first = points[0].stated_on
    end = max(points[-1].stated_on, as_of) if as_of else points[-1].stated_on
    if end <= first:
        first, end = first - timedelta(days=1), end + timedelta(days=1)
    axis = DateAxis.fit(first, end, [p.stated_on for p in points], full_range)
    chart.is_fitted = axis.window_start is not None
    chart.full_range = full_range
    chart.fittable = (
        chart.is_fitted
        or DateAxis.fit(first, end, [p.stated_on for p in points], False).window_start
        is not None
    )
    if chart.is_fitted:
        chart.stub_width = f"{(X_END - X_START) * STUB_SHARE:.2f}%"

    bounds = [b for p in points for b in (p.low, p.high, p.value) if b is not None]
    y_of, chart.y_ticks = _y_scale(bounds or [Decimal(1)], scale)
    styles = source_colours([p.source_id for p in points])

    changes = _changes(points, highlight)
    chart.figure_count = len(changes)
    candidates = [
        _marker(p, by_id[p.id], axis, end, y_of, styles, p.id in highlight)
        for p in changes
    ]
    chart.markers = _place(candidates, _priority(changes, highlight))
    chart.marker_count = len(chart.markers)

    names = {m.point.source_id: m for m in marks}
    chart.series = _series(points, axis, y_of, styles, names, end)
    chart.height = max(HEIGHT, *(s.label_bottom + 2 for s in chart.series))
    chart.x_ticks = _x_ticks(axis, end)
    if as_of is not None:
        chart.cut_off = Tick(
            f"{X_END}%", f"As known on {_date_label(as_of)}", anchor="end"
        )
    chart.current = _current(points, by_id, styles)
    chart.legend = _legend(chart, points, by_id)
    chart.description = _describe(chart, points, by_id, first, end, axis)
    return chart


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


def _changes(points: list[Point], highlight: frozenset[int]) -> list[Point]:
    """Return the points where a source's figure changed, plus highlighted ones."""
    previous: dict[int, tuple] = {}
    kept = []
    for p in points:
        key = (p.kind, p.low, p.high, p.value)
        if previous.get(p.source_id) != key or p.id in highlight:
            kept.append(p)
        previous[p.source_id] = key
    return kept


def _priority(changes: list[Point], highlight: frozenset[int]) -> dict[int, int]:
    """Return the order markers claim room in: highlighted points, each source's
    latest and first figure, then the rest from the latest back."""
    latest: dict[int, int] = {}
    earliest: dict[int, int] = {}
    for p in changes:
        latest[p.source_id] = p.id
        earliest.setdefault(p.source_id, p.id)
    rank = {}
    for index, p in enumerate(reversed(changes)):
        if p.id in highlight:
            tier = 0
        elif p.id in latest.values():
            tier = 1
        elif p.id in earliest.values():
            tier = 2
        else:
            tier = 3
        rank[p.id] = tier * 10**9 + index
    return rank


def _place(candidates: list[Marker], rank: dict[int, int]) -> list[Marker]:
    """Return the markers that fit without overlapping, spread sideways where two
    would share a spot; in date order. In a dense chart only the markers that must
    stay (highlighted, each source's latest) are moved; the others are left out
    where there is no room, so no marker strays from its date."""
    dense = len(candidates) > SPREAD_LIMIT
    placed: list[Marker] = []
    boxes: list[Box] = []
    for marker in sorted(candidates, key=lambda m: rank[m.point_id]):
        may_move = not dense or rank[marker.point_id] < 2 * 10**9
        # Room for the stroke and a visible gap, not only the glyph itself.
        step = 2 * HALF_WIDTH[marker.shape] + 7
        offsets = [0]
        if may_move:
            for n in range(1, MAX_SPREAD + 1):
                offsets += [n * step, -n * step]
        for dx in offsets:
            moved = replace(marker, dx=dx)
            box = moved.box
            if not _inside(box) or any(box.overlaps(other) for other in boxes):
                continue
            placed.append(moved)
            boxes.append(box)
            break
    return sorted(placed, key=lambda m: (Decimal(m.x[:-1]), m.dx, m.point_id))


def _inside(box: Box) -> bool:
    if box.top < PLOT_TOP - ARROW or box.bottom > PLOT_BOTTOM + ARROW:
        return False
    return all(
        box.left(width) >= 0 and box.right(width) <= PLOT_RIGHT * width / 100
        for width in (MIN_WIDTH, MAX_WIDTH)
    )


def _marker(p, mark, axis, end, y_of, styles, highlighted) -> Marker:
    start, stop = period(p.stated_on, mark.precision)
    level = p.level if p.level is not None else (p.low or p.high or Decimal(0))
    shape = SHAPES.get(p.kind, "dot")
    y = y_of(level)
    if shape == "up" and p.low is not None:
        y = y_of(p.low)
    elif shape == "down" and p.high is not None:
        y = y_of(p.high)
    y_low = y_of(p.low) if p.low is not None else y
    y_high = y_of(p.high) if p.high is not None else y
    if shape in ("bar", "band") and y_low - y_high < 6:  # keep a thin interval visible
        y_low, y_high = y + 3, y - 3
    return Marker(
        shape=shape,
        x=f"{axis.x(start):.2f}%",
        x_end=f"{axis.x(min(stop, end)):.2f}%",
        y=y,
        y_low=y_low,
        y_high=y_high,
        colour=styles[p.source_id][0],
        title=_title(mark, start),
        point_id=p.id,
        spans_period=mark.precision in (MONTH, YEAR),
        highlighted=highlighted,
    )


def _series(points, axis, y_of, styles, names, end) -> list[Series]:
    """Return each source's step line and its end label, labels spread apart."""
    by_source: dict[int, list[Point]] = {}
    for p in points:
        by_source.setdefault(p.source_id, []).append(p)
    drafts = []
    for source, chain in by_source.items():
        path: list[str] = []
        bands: list[Band] = []
        previous_y = None
        for here, there in zip(chain, [*chain[1:], None], strict=True):
            x1 = _unit_x(axis, here.stated_on)
            x2 = _unit_x(axis, there.stated_on if there else end)
            if (
                here.kind in (RANGE, QUALITATIVE)
                and here.low is not None
                and here.high is not None
            ):
                top, bottom = y_of(here.high), y_of(here.low)
                if x2 > x1:
                    bands.append(Band(_n(x1), _n(x2 - x1), top, max(bottom - top, 2)))
                previous_y = None
                continue
            level = here.level if here.level is not None else Decimal(0)
            y = y_of(level)
            if previous_y is None:
                path.append(f"M{_n(x1)} {y}")
            elif y != previous_y:
                path.append(f"V{y}")
            if x2 > x1:
                path.append(f"H{_n(x2)}")
            previous_y = y
        latest = chain[-1]
        mark = names[source]
        if (
            latest.kind in (RANGE, QUALITATIVE)
            and latest.low is not None
            and latest.high is not None
        ):
            end_y = (y_of(latest.low) + y_of(latest.high)) // 2
        else:
            end_y = y_of(latest.level if latest.level is not None else Decimal(0))
        name = _wrap(mark.short_name or short_name(mark.source_name), 2, True)
        label = [(line, True) for line in name]
        label += [(line, False) for line in _wrap(latest.figure, 3, False)]
        colour, dash = styles[source]
        drafts.append(
            Series(
                source_id=source,
                name=mark.source_name,
                colour=colour,
                dash=dash,
                path="".join(path),
                bands=tuple(bands),
                label_lines=tuple(label),
                end_y=end_y,
                label_y=0,
                figure=latest.figure,
                point_id=latest.id,
            )
        )
    return _spread_labels(drafts)


def _spread_labels(drafts: list[Series], gap: int = 4) -> list[Series]:
    """Return the series with their labels stacked near their lines' ends without
    colliding: pushed down in order, then back up from the bottom if they overflow."""
    order = sorted(drafts, key=lambda s: (s.end_y, s.source_id))
    heights = [LINE_HEIGHT * len(s.label_lines) for s in order]
    tops = [s.end_y - h // 2 for s, h in zip(order, heights, strict=True)]
    floor = 2
    for i in range(len(tops)):
        tops[i] = max(tops[i], floor)
        floor = tops[i] + heights[i] + gap
    stacked = sum(heights) + gap * (len(heights) - 1)
    ceiling = max(HEIGHT - 2, 2 + stacked)  # the chart grows when labels need it
    for i in range(len(tops) - 1, -1, -1):
        tops[i] = min(tops[i], ceiling - heights[i])
        ceiling = tops[i] - gap
    return [
        replace(s, label_y=top + FONT_SIZE - 2)
        for s, top in zip(order, tops, strict=True)
    ]


def label_boxes(series: Sequence[Series]) -> list[tuple[int, int]]:
    """Return each end label's top and bottom pixel, for checks."""
    return [(s.label_top, s.label_bottom) for s in series]


def _wrap(text: str, max_lines: int, truncate: bool) -> list[str]:
    """Return `text` broken into lines of LABEL_CHARS; a name is cut short with "…"
    after `max_lines`, a figure is never cut (its words may run long)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= LABEL_CHARS:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > max_lines:
        if truncate:
            lines = lines[:max_lines]
            lines[-1] = lines[-1][: LABEL_CHARS - 1].rstrip() + "…"
        else:
            lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    if truncate:
        lines = [
            line if len(line) <= LABEL_CHARS else line[: LABEL_CHARS - 1] + "…"
            for line in lines
        ]
    return lines or [""]


def _unit_x(axis: DateAxis, day: date) -> Decimal:
    return axis.share(day) * 1000


def _n(value: Decimal) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _current(points, by_id, styles) -> list[Estimate]:
    latest: dict[int, Point] = {}
    for p in points:
        latest[p.source_id] = p
    ordered = sorted(
        latest.values(),
        key=lambda p: (p.level is None, -(p.level or 0), p.id),
    )
    return [
        Estimate(
            source_name=by_id[p.id].source_name,
            figure=p.figure,
            stated=stated_label(p.stated_on, by_id[p.id].precision),
            colour=styles[p.source_id][0],
            dash=styles[p.source_id][1],
            point_id=p.id,
        )
        for p in ordered
    ]


def _legend(chart: Timeline, points, by_id) -> list[LegendEntry]:
    kinds = {p.kind for p in points}
    entries = [
        LegendEntry(
            "marker",
            "Marker: a figure a source stated, where its figure changed "
            "(a ring: “about”; a bar: a stated range)",
        ),
    ]
    if QUALITATIVE in kinds:
        entries.append(
            LegendEntry(
                "band",
                "Band: the range a vague term such as “several thousand” is read as",
            )
        )
    if kinds & {AT_LEAST, AT_MOST}:
        entries.append(
            LegendEntry(
                "arrow",
                "Open arrow: an open bound, pointing up from “at "
                "least” and down from “up to”",
            )
        )
    entries.append(
        LegendEntry(
            "line", "Line: the source's latest figure, carried forward until it changes"
        )
    )
    if any(by_id[p.id].precision != DAY for p in points):
        entries.append(
            LegendEntry(
                "period",
                "Dotted line: the month or year of a date known only that precisely",
            )
        )
    if any(s.dash for s in chart.series):
        entries.append(
            LegendEntry(
                "dash",
                f"Colours repeat after {len(PALETTE)} sources; "
                "repeated colours have dashed or dotted lines",
            )
        )
    if chart.cut_off is not None:
        entries.append(
            LegendEntry(
                "cutoff",
                f"Cut-off: figures stated after "
                f"{_date_label(chart.as_of)} are left out",
            )
        )
    if chart.is_fitted:
        entries.append(
            LegendEntry(
                "stub",
                "Shaded strip: earlier figures, squeezed so the busy "
                "period gets the room",
            )
        )
    if chart.omitted:
        entries.append(
            LegendEntry(
                "omitted",
                f"{chart.marker_count} of {chart.figure_count} "
                "changes have a marker where there is room; the line "
                "shows them all",
            )
        )
    return entries


def _describe(chart, points, by_id, first, end, axis) -> str:
    sources = len(chart.series)
    latest = "; ".join(f"{e.source_name}: {e.figure}" for e in chart.current)
    text = (
        f"{len(points)} figure{'s' if len(points) != 1 else ''} from {sources} "
        f"source{'s' if sources != 1 else ''}, "
        f"{stated_label(points[0].stated_on, by_id[points[0].id].precision)} "
        f"to {_date_label(end)}. Latest: {latest}."
    )
    if axis.window_start is not None:
        text += (
            f" Figures before {_date_label(axis.window_start)} are squeezed "
            "into the left of the chart."
        )
    return text


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


def _plain(value: Decimal) -> str:
    value = value.normalize()
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,f}"


# Control and direction-override characters in a quote are shown as marks in a
# marker's title, never obeyed (U+200E/U+200F, which right-to-left text needs, stay).
_SHOWN_CONTROLS = {
    code: f"[U+{code:04X}]"
    for code in (*range(0x20), 0x7F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
    if code not in (0x09, 0x0A)
}


def _title(mark: Mark, start: date) -> str:
    p = mark.point
    when = stated_label(start, mark.precision)
    reading = ""
    if p.kind == QUALITATIVE and p.low is not None and p.high is not None:
        reading = f" (read as {_plain(p.low)} to {_plain(p.high)})"
    quote = f" — “{mark.quote.translate(_SHOWN_CONTROLS)}”" if mark.quote else ""
    return f"{mark.source_name}, {when}: {p.figure}{reading}{quote}"
