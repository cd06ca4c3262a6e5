"""Lay out a chart: its data classes and colours, the timeline and the sparkline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from claims.domain.dates import DAY
from claims.domain.divergence import Point, visible
from claims.presentation.chart.axes import (
    HEIGHT,
    LINEAR,
    LOG,
    MAX_WIDTH,
    MIN_SPAN,
    PLOT_BOTTOM,
    PLOT_RIGHT,
    PLOT_TOP,
    STUB_SHARE,
    TICK_LABEL_Y,
    TICK_YEAR_Y,
    X_END,
    X_START,
    DateAxis,
    Tick,
    _date_label,
    _unit_x,
    _x_ticks,
    _y_scale,
    stated_label,
)
from claims.presentation.chart.labels import (
    AT_LEAST,
    AT_MOST,
    FONT_SIZE,
    LABEL_X,
    LINE_HEIGHT,
    QUALITATIVE,
    RANGE,
    Marker,
    _changes,
    _draft,
    _place,
    _priority,
    _spread_labels,
    marker,
    short_name,
    wrap,
)

BACKGROUND = "#ffffff"  # --paper in static/css/site.css
INK = "#1a1d21"  # --ink
MUTED = "#4a5360"  # --muted
GRID = "#e6e9ee"
STUB = "#f3f5f8"  # --tint

STANDALONE_WIDTH = MAX_WIDTH

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
# The most sources labelled at their lines' ends and listed beside the chart: those
# of a highlighted figure, then the highest and the lowest latest estimates in
# turn, which bound the spread the page states. The others' lines are drawn
# unlabelled: a claim of hundreds of sources (an outlet each) labelled every one,
# and its chart grew 32 pixels a source, to 28,600 for 500 (issue 28).
SOURCES_LABELLED = 12

UNIT_NAMES = {
    "USD": "US dollars",
    "EUR": "euros",
    "GBP": "pounds sterling",
    "JPY": "yen",
    "KRW": "won",
    "UAH": "hryvnias",
    "RUB": "roubles",
}


class Mark(NamedTuple):
    """One assertion to draw, with what its label and tooltip say. A tuple: a
    claim's chart is given one for each of its thousands of figures (issue 28)."""

    point: Point
    source_name: str
    precision: str = DAY  # DAY, MONTH or YEAR
    quote: str = ""
    short_name: str = ""  # for the end label; derived from source_name when empty


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
class Estimate:
    """A source's current estimate, for the compact list beside the chart."""

    source_name: str
    figure: str
    stated: str
    colour: str
    dash: str
    point_id: int
    source_id: int


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
    current: list[Estimate] = field(default_factory=list)  # the labelled sources'
    unlabelled: int = 0  # sources with a current estimate beyond SOURCES_LABELLED
    names_highlighted: bool = False  # a highlighted figure's source is labelled first
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
    tick_year_y: int = TICK_YEAR_Y
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
    shown = visible((mark.point for mark in marks), as_of)
    # A figure the editors set aside for the claim is not drawn (issue 24): its
    # source's line stops where it was stated, and the source has no end label
    # while it is the source's latest.
    set_aside = frozenset(p.id for p in shown if p.is_set_aside(as_of))
    points = [p for p in shown if p.id not in set_aside]
    chart = Timeline(scale=scale, as_of=as_of)
    chart.unit_label = unit_label(unit) + (" (log scale)" if scale == LOG else "")
    if not points:
        chart.description = "No figures to chart."
        return chart

    first = points[0].stated_on
    end = max(points[-1].stated_on, as_of) if as_of else points[-1].stated_on
    last = end
    # Four days at least on the axis, so that three dates two days apart label it
    # on a phone: a day before and after the figures, and more after.
    if (end - first).days < MIN_SPAN:
        first = first - timedelta(days=1)
        end = max(end + timedelta(days=1), first + timedelta(days=MIN_SPAN))
    axis = DateAxis.fit(first, end, [p.stated_on for p in points], full_range)
    chart.is_fitted = axis.window_start is not None
    chart.full_range = full_range
    # Fitted with full_range off, the axis is the one just made.
    chart.fittable = chart.is_fitted or (
        full_range
        and DateAxis.fit(first, end, [p.stated_on for p in points], False).window_start
        is not None
    )
    if chart.is_fitted:
        chart.stub_width = f"{(X_END - X_START) * STUB_SHARE:.2f}%"

    bounds = [b for p in points for b in (p.low, p.high, p.value) if b is not None]
    y_of, chart.y_ticks = _y_scale(bounds or [Decimal(1)], scale)
    styles = source_colours([p.source_id for p in points])

    changes = _changes(points, highlight)
    chart.figure_count = len(changes)

    def draft(p: Point):
        return _draft(p, by_id[p.id], axis, end, y_of, styles, p.id in highlight)

    placed = _place(changes, _priority(changes, highlight), draft, y_of, axis.percent)
    chart.markers = [marker(d, dx, by_id[d.point_id]) for d, dx in placed]
    chart.marker_count = len(chart.markers)

    names = {m.point.source_id: m for m in marks}
    estimates = _current(shown, set_aside, by_id, styles)
    # The sources of the figures in question that have a current estimate to name.
    current_sources = {e.source_id for e in estimates}
    in_question = [
        source
        for source in (
            by_id[i].point.source_id for i in sorted(highlight) if i in by_id
        )
        if source in current_sources
    ]
    labelled = _labelled(estimates, in_question)
    chart.series = _series(shown, set_aside, axis, y_of, styles, names, end, labelled)
    chart.height = max(HEIGHT, *(s.label_bottom + 2 for s in chart.series))
    chart.x_ticks = _x_ticks(axis, end)
    if as_of is not None:
        chart.cut_off = Tick(
            f"{X_END}%", f"As known on {_date_label(as_of)}", anchor="end"
        )
    chart.current = [e for e in estimates if e.source_id in labelled]
    chart.unlabelled = len(estimates) - len(chart.current)
    chart.names_highlighted = bool(in_question) and chart.unlabelled > 0
    chart.legend = _legend(chart, points, by_id)
    chart.description = _describe(chart, points, by_id, last, axis)
    return chart


def _labelled(estimates: list[Estimate], first: list[int]) -> frozenset[int]:
    """Return the sources to label, at most SOURCES_LABELLED: those in `first` (a
    highlighted figure's), then of `estimates` (highest first) the highest and the
    lowest in turn; every one when they are no more."""
    if len(estimates) <= SOURCES_LABELLED:
        return frozenset(e.source_id for e in estimates)
    ends = [
        e.source_id
        for pair in zip(estimates, reversed(estimates), strict=True)
        for e in pair
    ]
    return frozenset(list(dict.fromkeys([*first, *ends]))[:SOURCES_LABELLED])


def _series(
    points, set_aside, axis, y_of, styles, names, end, labelled
) -> list[Series]:
    """Return each source's step line and its end label, labels spread apart. A
    figure in `set_aside` is not drawn: the line before it stops at its date, and
    a source whose latest figure is set aside has no end label; nor has a source
    not in `labelled`."""
    by_source: dict[int, list[Point]] = {}
    for p in points:
        by_source.setdefault(p.source_id, []).append(p)
    # Each date's place on the line and its text, worked out once: a dense claim's
    # thousand steps fall on a few hundred dates (issue 28).
    places: dict[date, tuple[Decimal, str]] = {}
    for day in {end, *(p.stated_on for p in points)}:
        x = _unit_x(axis, day)
        places[day] = (x, _n(x))

    drafts = []
    for source, chain in by_source.items():
        drawn = [p for p in chain if p.id not in set_aside]
        if not drawn:
            continue
        path: list[str] = []
        bands: list[Band] = []
        previous_y = None
        for here, there in zip(chain, [*chain[1:], None], strict=True):
            if here.id in set_aside:
                previous_y = None
                continue
            x1, x1_text = places[here.stated_on]
            x2, x2_text = places[there.stated_on if there else end]
            if (
                here.kind in (RANGE, QUALITATIVE)
                and here.low is not None
                and here.high is not None
            ):
                top, bottom = y_of(here.high), y_of(here.low)
                if x2 > x1:
                    bands.append(Band(x1_text, _n(x2 - x1), top, max(bottom - top, 2)))
                previous_y = None
                continue
            level = here.level if here.level is not None else Decimal(0)
            y = y_of(level)
            if previous_y is None:
                path.append(f"M{x1_text} {y}")
            elif y != previous_y:
                path.append(f"V{y}")
            if x2 > x1:
                path.append(f"H{x2_text}")
            previous_y = y
        latest = drawn[-1]
        mark = names[source]
        if (
            latest.kind in (RANGE, QUALITATIVE)
            and latest.low is not None
            and latest.high is not None
        ):
            # At the band's upper end: nothing is drawn at a middle no source
            # stated (issue 24).
            end_y = y_of(latest.high)
        else:
            end_y = y_of(latest.level if latest.level is not None else Decimal(0))
        name = wrap(mark.short_name or short_name(mark.source_name), bold=True)
        label = [(line, True) for line in name]
        label += [(line, False) for line in wrap(latest.figure)]
        if chain[-1].id in set_aside:
            label = []  # its line stopped: the source has no current figure here
        elif source not in labelled:
            label = []  # one of many sources: listed with the claim, not here
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


def _n(value: Decimal) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _current(points, set_aside, by_id, styles) -> list[Estimate]:
    latest: dict[int, Point] = {}
    for p in points:
        latest[p.source_id] = p
    ordered = sorted(
        (p for p in latest.values() if p.id not in set_aside),
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
            source_id=p.source_id,
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
                "A mark drawn across a month or year: a date known only that "
                "precisely (no dot on its first day)",
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


def _describe(chart, points, by_id, end, axis) -> str:
    sources = len(chart.series)
    latest = "; ".join(f"{e.source_name}: {e.figure}" for e in chart.current)
    if chart.unlabelled:
        more = chart.unlabelled
        latest += f"; and {more:,} more source{'s' if more != 1 else ''}"
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
    seen = [p for p in visible(points) if p.level is not None and not p.is_set_aside()]
    if not seen:
        return ""
    levels = [p.level for p in seen]
    low, high = min(levels), max(levels)
    first, last = seen[0].stated_on, seen[-1].stated_on
    days = max((last - first).days, 1)
    places = []
    for p in seen:
        x = 2 + (width - 4) * (p.stated_on - first).days / days if len(seen) > 1 else 2
        y = (
            height / 2
            if high == low
            else 2 + (height - 4) * float((high - p.level) / (high - low))
        )
        places.append((x, y))
    coordinates = [f"{x:.1f},{y:.1f}" for x, y in thinned(places)]
    if len(coordinates) == 1:
        coordinates.append(f"{width - 2:.1f},{coordinates[0].split(',')[1]}")
    return " ".join(coordinates)


def thinned(places: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Return the points of a line, in order, keeping of each pixel's column only
    its first, last, highest and lowest, so that the line drawn through them
    reaches the same heights in each column as through all of them (M4, as
    time-series charts thin their lines). A claim of 1,600 daily figures has a
    sparkline of at most four points a pixel (issue 28: a list's weight follows
    what it shows)."""
    kept: list[tuple[float, float]] = []
    column: list[tuple[float, float]] = []
    for place in places:
        if column and int(place[0]) != int(column[0][0]):
            kept += _ends_and_extremes(column)
            column = []
        column.append(place)
    return kept + _ends_and_extremes(column)


def _ends_and_extremes(column: list[tuple[float, float]]) -> list:
    if len(column) <= 4:
        return column
    top = min(range(len(column)), key=lambda i: column[i][1])
    bottom = max(range(len(column)), key=lambda i: column[i][1])
    return [column[i] for i in sorted({0, top, bottom, len(column) - 1})]
