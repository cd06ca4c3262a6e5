"""Markers and labels: what is marked, where markers and end labels go, and text."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from claims.domain.dates import MONTH, YEAR
from claims.domain.divergence import Point
from claims.domain.figures import (  # the kinds of figure
    APPROXIMATE,
    AT_LEAST,
    AT_MOST,
    EXACT,
    QUALITATIVE,
    RANGE,
)
from claims.presentation.chart.axes import (
    HEIGHT,
    MAX_WIDTH,
    MIN_WIDTH,
    PLOT_BOTTOM,
    PLOT_RIGHT,
    PLOT_TOP,
    period,
    stated_label,
    text_width,
)

if TYPE_CHECKING:  # layout.py imports this module; the types are for reading only
    from claims.presentation.chart.layout import Mark, Series


FONT_SIZE = 12  # every text; ≥ 11 px at any width, since text never scales
LINE_HEIGHT = 14
LABEL_X = Decimal("74.5")  # the end labels start here
# What fits in the label column at MIN_WIDTH, in pixels: an end label wraps to it.
LABEL_WIDTH = (100 - LABEL_X) * MIN_WIDTH / 100 - 2

# A series whose markers outnumber this is dense: markers are thinned, never shifted.
SPREAD_LIMIT = 80
MAX_SPREAD = 6  # steps each side a marker may move to clear another
BAND = 8  # pixels: placed markers are filed by the bands of height they reach

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


@dataclass(frozen=True)
class Box:
    """A marker's footprint: x in percent plus a pixel offset, y in pixels."""

    x: Decimal
    dx: int
    half_width: int
    top: int
    bottom: int

    def __post_init__(self):
        # Its left and right ends at MIN_WIDTH and MAX_WIDTH, worked out once: a
        # dense chart compares each box with many others.
        edges = (
            (self.left(width), self.right(width)) for width in (MIN_WIDTH, MAX_WIDTH)
        )
        object.__setattr__(self, "_edges", tuple(edges))

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
        for (left, right), (other_left, other_right) in zip(
            self._edges, other._edges, strict=True
        ):
            if right <= other_left:
                gaps.append(-1)
            elif other_right <= left:
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
        half, top, bottom = self.extent()
        return Box(Decimal(self.x[:-1]), self.dx, half, top, bottom)

    def extent(self) -> tuple[int, int, int]:
        """Return the box's half width and its top and bottom, in pixels."""
        return _extent(self.shape, self.y, self.y_low, self.y_high, self.highlighted)

    @property
    def x_mid(self) -> str:
        """Return the middle of the period a month- or year-known date spans (a
        place in time for an arrow; no figure is drawn there)."""
        start, stop = Decimal(self.x[:-1]), Decimal(self.x_end[:-1])
        return f"{(start + stop) / 2:.2f}%"

    @property
    def span_width(self) -> str:
        """Return the width of the period a month- or year-known date spans."""
        start, stop = Decimal(self.x[:-1]), Decimal(self.x_end[:-1])
        return f"{max(stop - start, Decimal('0.3')):.2f}%"

    @property
    def band_height(self) -> int:
        return max(self.y_low - self.y_high, 2)

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


def _extent(
    shape: str, y: int, y_low: int, y_high: int, highlighted: bool
) -> tuple[int, int, int]:
    """Return the half width and the top and bottom of a marker's box, in pixels."""
    half = HALF_WIDTH[shape]
    if shape in ("bar", "band"):
        top, bottom = y_high - 1, y_low + 1
    elif shape == "up":
        top, bottom = y - ARROW, y + 1
    elif shape == "down":
        top, bottom = y - 1, y + ARROW
    else:
        top, bottom = y - half, y + half
    pad = HIGHLIGHT_PAD if highlighted else 0
    return half + pad, top - pad, bottom + pad


class Draft(NamedTuple):
    """A marker before it is placed: a dense chart places about a hundred of a
    thousand, so only those become Markers (issue 28)."""

    shape: str
    x: str
    x_end: str
    y: int
    y_low: int
    y_high: int
    colour: str
    point_id: int
    spans_period: bool
    highlighted: bool


def short_name(name: str) -> str:
    """Return a source's short name: the acronym in brackets, "…(HUR)" → "HUR"."""
    found = re.search(r"\(([^()]{2,14})\)\s*$", name)
    if found:
        return found.group(1).strip()
    return name.strip()


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
    latest_ids, earliest_ids = set(latest.values()), set(earliest.values())
    for index, p in enumerate(reversed(changes)):
        if p.id in highlight:
            tier = 0
        elif p.id in latest_ids:
            tier = 1
        elif p.id in earliest_ids:
            tier = 2
        else:
            tier = 3
        rank[p.id] = tier * 10**9 + index
    return rank


def _place(
    changes: list[Point], rank: dict[int, int], draft, y_of, percent
) -> list[tuple[Draft, int]]:
    """Return the drafts (`draft`: a change's Draft) of the markers that fit without
    overlapping, spread sideways where two would share a spot; in date order. In a
    dense chart only the markers that must stay (highlighted, each source's latest)
    are moved; the others are left out where there is no room, so no marker strays
    from its date. Each comes with the pixels it was moved (`marker`: the Marker it
    becomes). A marker that may not move is drafted only when placed: a dense chart
    places about a hundred of a thousand (issue 28); its box needs only its heights
    (`y_of`) and its date's place (`percent`)."""
    dense = len(changes) > SPREAD_LIMIT
    placed: list[tuple[int, int, int, Draft | None, Point]] = []  # x, dx, id: order
    # Placed footprints filed by the bands of height they reach: a box is checked
    # only against those sharing a band with it, since boxes apart in height never
    # overlap. The same markers are placed as when checking every box, in a
    # fraction of the time for a claim of thousands of figures (issue 28).
    rows: dict[int, list[_Footprint]] = {}
    hundredths: dict[str, int] = {}  # each x, parsed once: a few hundred dates
    on_day: dict[date, int] = {}  # the same, by the date of a marker left in place
    staying = 2 * 10**9  # the ranks of the tiers that may move are below it
    lowest, highest = PLOT_TOP - ARROW, PLOT_BOTTOM + ARROW  # as _fits
    narrow_right, wide_right = _RIGHT_EDGES
    for p in sorted(changes, key=lambda p: rank[p.id]):
        if not dense or rank[p.id] < staying:
            drafted = draft(p)
            shape, y, y_low, y_high = drafted[0], drafted[3], drafted[4], drafted[5]
            x_text, highlighted = drafted.x, drafted.highlighted
            x = hundredths.get(x_text)
            if x is None:  # hundredths of a percent: exact
                x = hundredths[x_text] = int(Decimal(x_text[:-1]) * 100)
            # Room for the stroke and a visible gap, not only the glyph itself.
            step = 2 * HALF_WIDTH[shape] + 7
            offsets = [0]
            for n in range(1, MAX_SPREAD + 1):
                offsets += [n * step, -n * step]
        else:  # neither highlighted (the first tier) nor moved
            _, half, top, bottom = _box(p, y_of)
            x = on_day.get(p.stated_on)
            if x is None:  # a date's period starts at the date
                x_text = percent(p.stated_on)
                x = hundredths.get(x_text)
                if x is None:
                    x = hundredths[x_text] = int(Decimal(x_text[:-1]) * 100)
                on_day[p.stated_on] = x
            # One footprint, in place: _footprint and _fits written out, since a
            # dense chart tries about a thousand of these to place about a
            # hundred (issue 28).
            if top < lowest or bottom > highest:
                continue
            side = half * _SCALE
            narrow, wide = x * MIN_WIDTH, x * MAX_WIDTH
            if narrow < side or narrow + side > narrow_right:
                continue
            if wide < side or wide + side > wide_right:
                continue
            footprint = (
                top,
                bottom,
                narrow - side,
                narrow + side,
                wide - side,
                wide + side,
            )
            top_band, bottom_band = top // BAND, max(top, bottom - 1) // BAND
            if top_band == bottom_band:
                near = rows.get(top_band)
                if near is not None and _clashes(footprint, (near,)):
                    continue
                placed.append((x, 0, p.id, None, p))
                if near is None:
                    rows[top_band] = [footprint]
                else:
                    near.append(footprint)
                continue
            bands = range(top_band, bottom_band + 1)
            near = [rows[band] for band in bands if band in rows]
            if near and _clashes(footprint, near):
                continue
            placed.append((x, 0, p.id, None, p))
            for band in bands:
                rows.setdefault(band, []).append(footprint)
            continue
        half, top, bottom = _extent(shape, y, y_low, y_high, highlighted)
        bands = range(top // BAND, max(top, bottom - 1) // BAND + 1)
        near = [rows[band] for band in bands if band in rows]
        for dx in offsets:
            footprint = _footprint(x, dx, half, top, bottom)
            if not _fits(footprint) or (near and _clashes(footprint, near)):
                continue
            placed.append((x, dx, p.id, drafted, p))
            for band in bands:
                rows.setdefault(band, []).append(footprint)
            break
    return [
        (drafted or draft(p), dx)
        for _, dx, _, drafted, p in sorted(placed, key=lambda m: m[:3])
    ]


# A box as _place compares it: top, bottom, and its left and right ends at
# MIN_WIDTH and at MAX_WIDTH in ten-thousandths of a pixel, whole numbers, so that
# each comparison is exact and Box's own (Decimal) comparisons give the same answer.
_Footprint = tuple[int, int, int, int, int, int]
_SCALE = 10_000
# PLOT_RIGHT at each width, in the same units.
_RIGHT_EDGES = (int(PLOT_RIGHT * MIN_WIDTH * 100), int(PLOT_RIGHT * MAX_WIDTH * 100))


def _footprint(x: int, dx: int, half: int, top: int, bottom: int) -> _Footprint:
    """Return the footprint of a box at `x` hundredths of a percent, moved `dx`
    pixels (Box.left and Box.right, scaled)."""
    low, high = (dx - half) * _SCALE, (dx + half) * _SCALE
    narrow, wide = x * MIN_WIDTH, x * MAX_WIDTH
    return (top, bottom, narrow + low, narrow + high, wide + low, wide + high)


def _fits(f: _Footprint) -> bool:
    """Return whether the box of footprint `f` stays inside the plot at every
    width: left of PLOT_RIGHT, and no further above or below it than an arrow."""
    if f[0] < PLOT_TOP - ARROW or f[1] > PLOT_BOTTOM + ARROW:
        return False
    return (
        f[2] >= 0 and f[3] <= _RIGHT_EDGES[0] and f[4] >= 0 and f[5] <= _RIGHT_EDGES[1]
    )


def _clashes(a: _Footprint, near: list) -> bool:
    """Return whether footprint `a` overlaps any in the lists `near` (Box.overlaps):
    in height, and in width at one end of MIN_WIDTH…MAX_WIDTH or, their order
    flipping, in between. Written out in one loop: a dense chart makes thousands
    of these comparisons (issue 28)."""
    top, bottom, left, right, wide_left, wide_right = a
    for placed_here in near:
        for b_top, b_bottom, b_left, b_right, b_wide_left, b_wide_right in placed_here:
            if bottom <= b_top or b_bottom <= top:
                continue
            if right <= b_left:  # left of it at MIN_WIDTH: still left at MAX_WIDTH?
                if wide_right > b_wide_left:
                    return True
            elif b_right <= left:  # right of it: still right?
                if b_wide_right > wide_left:
                    return True
            else:
                return True
    return False


def _box(p, y_of) -> tuple[str, int, int, int]:
    """Return a change's marker shape and its box's half width, top and bottom, not
    highlighted (_heights, then _extent): a marker's interval only for the shapes
    that draw it, bars and bands. A dense chart sizes the box of each of its
    thousand changes to place about a hundred (issue 28)."""
    shape = SHAPES.get(p.kind, "dot")
    if shape in ("bar", "band"):
        _, y, y_low, y_high = _heights(p, y_of)
        return shape, HALF_WIDTH[shape], y_high - 1, y_low + 1
    level = p.level if p.level is not None else (p.low or p.high or Decimal(0))
    if shape == "up":
        y = y_of(p.low if p.low is not None else level)
        return shape, HALF_WIDTH[shape], y - ARROW, y + 1
    if shape == "down":
        y = y_of(p.high if p.high is not None else level)
        return shape, HALF_WIDTH[shape], y - 1, y + ARROW
    y = y_of(level)
    half = HALF_WIDTH[shape]
    return shape, half, y - half, y + half


def _heights(p, y_of) -> tuple[str, int, int, int]:
    """Return a change's marker shape and its y, and its interval's low and high
    ends, in pixels."""
    level = p.level if p.level is not None else (p.low or p.high or Decimal(0))
    shape = SHAPES.get(p.kind, "dot")
    low, high = p.low, p.high
    y = at_level = y_of(level)
    if shape == "up" and low is not None:
        y = y_of(low)
    elif shape == "down" and high is not None:
        y = y_of(high)
    # An exact figure's bounds are its value: their y is worked out once.
    y_low = y if low is None else at_level if low == level else y_of(low)
    y_high = y if high is None else at_level if high == level else y_of(high)
    if shape in ("bar", "band") and y_low - y_high < 6:  # keep a thin interval visible
        y_low, y_high = y + 3, y - 3
    return shape, y, y_low, y_high


def _draft(p, mark, axis, end, y_of, styles, highlighted) -> Draft:
    start, stop = period(p.stated_on, mark.precision)
    shape, y, y_low, y_high = _heights(p, y_of)
    # Untitled: only placed markers are made and titled (marker).
    return Draft(
        shape,
        axis.percent(start),
        axis.percent(min(stop, end)),
        y,
        y_low,
        y_high,
        styles[p.source_id][0],
        p.id,
        mark.precision in (MONTH, YEAR),
        highlighted,
    )


def marker(draft: Draft, dx: int, mark: Mark) -> Marker:
    """Return the placed `draft`, moved `dx` pixels, with its tooltip: who stated
    what, when, and the quote. Only placed markers are made and titled: a dense
    chart of a thousand changes places about a hundred (issue 28)."""
    start, _ = period(mark.point.stated_on, mark.precision)
    return Marker(**draft._asdict(), title=_title(mark, start), dx=dx)


def _spread_labels(drafts: list[Series], gap: int = 4) -> list[Series]:
    """Return the series with their labels stacked near their lines' ends without
    colliding: pushed down in order, then back up from the bottom if they overflow.
    A series without a label takes no room (its label_y stays 0)."""
    everyone = sorted(drafts, key=lambda s: (s.end_y, s.source_id))
    order = [s for s in everyone if s.label_lines]
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
    label_y = {
        s.source_id: top + FONT_SIZE - 2 for s, top in zip(order, tops, strict=True)
    }
    return [replace(s, label_y=label_y.get(s.source_id, 0)) for s in everyone]


def wrap(text: str, bold: bool = False) -> list[str]:
    """Return `text` in lines that fit LABEL_WIDTH, broken between words, never cut
    short: a word too wide for a line is broken after a hyphen, dash or slash in it,
    else where the line is full, with a hyphen."""
    lines: list[str] = []
    for word in text.split():
        first, *rest = _pieces(word, bold)
        joined = f"{lines[-1]} {first}" if lines else first
        if lines and text_width(joined, bold) <= LABEL_WIDTH:
            lines[-1] = joined
        else:
            lines.append(first)
        lines += rest  # the rest of a word too wide for a line, a line each
    return lines or [""]


def _pieces(word: str, bold: bool) -> list[str]:
    """Return `word` in pieces that each fit LABEL_WIDTH (the word itself if it
    fits), none shorter than three characters where the word allows."""
    pieces: list[str] = []
    while text_width(word, bold) > LABEL_WIDTH and len(word) > 1:
        fits = [
            i
            for i in range(1, len(word))
            if text_width(word[:i] + "-", bold) <= LABEL_WIDTH
        ]
        cut = min(fits[-1] if fits else 1, max(len(word) - 3, 1))
        marks = [i + 1 for i in range(cut) if word[i] in "-‐–—/"]
        if marks:
            pieces.append(word[: marks[-1]])
            word = word[marks[-1] :]
        else:
            pieces.append(word[:cut] + "-")
            word = word[cut:]
    return [*pieces, word]


def _plain(value: Decimal) -> str:
    value = value.normalize()
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,f}"


# Control and direction-override characters (and the noncharacters U+FFFE and
# U+FFFF) in a quote are shown as marks in a marker's title, never obeyed
# (U+200E/U+200F, which right-to-left text needs, stay).
_SHOWN_CONTROLS = {
    code: f"[U+{code:04X}]"
    for code in (
        *(*range(0x20), 0x7F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)),
        *(0xFFFE, 0xFFFF),  # no text: XML forbids them (the chart download)
    )
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
