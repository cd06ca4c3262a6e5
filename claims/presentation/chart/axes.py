"""The chart's axes: the plot's geometry, the date axis, the y scale and the ticks."""

from __future__ import annotations

import calendar
import functools
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
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
TICK_YEAR_Y = TICK_LABEL_Y + 14  # the year, under the first date and each new year
X_START = Decimal(8)  # the first date; the y tick labels sit left of it
# The last date (or the as-of date). PLOT_RIGHT leaves room after it for a marker
# spread sideways, so figures of the last day are not all pushed into earlier days.
X_END = Decimal(66)
PLOT_RIGHT = Decimal(73)  # markers stay left of this
STUB_SHARE = Decimal("0.14")  # of the date axis, for squeezed earlier figures
STUB_GAP = Decimal("0.03")
MIN_WINDOW = 7  # days: the shortest busy period the axis is fitted to
MIN_SPAN = 4  # days: the shortest axis
# The widths, in pixels, the chart is checked at: a 360 px phone less the page's
# 1 rem margins, and the page's measure.
MIN_WIDTH = 328
MID_WIDTH = 600  # below 40rem the CSS hides minor x labels
MAX_WIDTH = 736
MIN_X_TICKS = 3  # date labels on a phone, whatever the span
TICK_GAP = 6  # pixels between two date labels
# The tick steps tried, in order: the first whose labels all fit is drawn (finest
# first, the calendar's months before steps of three or four weeks).
TICK_STEPS = (
    *(("day", n) for n in (1, 2, 3, 4, 5, 7, 10, 14)),
    ("month", 1),
    *(("day", n) for n in (21, 28)),
    *(("month", n) for n in (2, 3, 4, 6)),
    *(("year", n) for n in (1, 2, 3, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)),
)

# Advance widths in pixels of printable ASCII (space to "~") in 12 px text, regular
# and bold, rounded up: measured in Chromium with DejaVu Sans, the sans-serif Debian
# draws system-ui with and wider than the phones' own (Roboto, San Francisco).
_ASCII_WIDTHS = {
    False: "3.9 4.9 5.6 10.1 7.7 11.5 9.4 3.3 4.7 4.7 6 10.1 3.9 4.4 3.9 4.1 7.7 7.7 "
    "7.7 7.7 7.7 7.7 7.7 7.7 7.7 7.7 4.1 4.1 10.1 10.1 10.1 6.4 12 8.6 8.3 8.4 9.3 "
    "7.6 7 9.3 9.1 3.6 3.6 7.9 6.7 10.4 9 9.5 7.3 9.5 8.4 7.7 7.2 8.8 8.3 11.9 8.3 "
    "7.4 8.3 4.7 4.1 4.7 10.1 6 6 7.4 7.7 6.6 7.7 7.4 4.2 7.7 7.7 3.4 3.4 7 3.4 "
    "11.7 7.7 7.4 7.7 7.7 4.8 6.3 4.8 7.7 7.2 9.9 7.2 7.2 6.3 7.7 4.1 7.7 10.1",
    True: "4.2 5.5 6.3 10.1 8.4 12.1 10.5 3.7 5.5 5.5 6.3 10.1 4.6 5 4.6 4.4 8.4 8.4 "
    "8.4 8.4 8.4 8.4 8.4 8.4 8.4 8.4 4.8 4.8 10.1 10.1 10.1 7 12 9.3 9.2 8.9 10 8.2 "
    "8.2 9.9 10.1 4.5 4.5 9.3 7.7 12 10.1 10.3 8.8 10.3 9.3 8.2 8.5 9.8 9.3 13.3 "
    "9.3 8.7 8.8 5.5 4.4 5.5 10.1 6 6 8.1 8.6 7.2 8.6 8.2 4.9 8.6 8.6 4.2 4.2 8 4.2 "
    "12.6 8.6 8.3 8.6 8.6 6 7.2 5.8 8.6 7.9 11.1 7.8 7.9 7 8.6 4.4 8.6 10.1",
}
_WIDTHS = {
    bold: {chr(32 + i): Decimal(w) for i, w in enumerate(text.split())}
    for bold, text in _ASCII_WIDTHS.items()
}


# Kept for the texts measured most: a chart measures its date labels again for
# each step of ticks it tries, and its end labels' words (issue 28).
@functools.lru_cache(maxsize=4096)
def text_width(text: str, bold: bool = False) -> Decimal:
    """Return how many pixels `text` takes in 12 px sans-serif, erring wide: an
    accented letter as its base letter, a wide (East Asian) character as 12, any
    other as the widest capital."""
    widths = _WIDTHS[bold]
    total = Decimal(0)
    for char in text:
        if char not in widths:
            base = unicodedata.normalize("NFKD", char)[:1]
            if base in widths:
                char = base
            elif unicodedata.east_asian_width(char) in "WF":
                total += 12
                continue
            else:
                total += widths["W"]
                continue
        total += widths[char]
    return total


@dataclass(frozen=True)
class Tick:
    position: str
    label: str
    anchor: str = "middle"  # text-anchor, so edge labels stay inside the chart
    minor: bool = False  # shown only when there is room (CSS hides it on phones)
    under: str = ""  # the line under it: the year, or "← earlier" under the strip


@dataclass(frozen=True)
class DateAxis:
    """Where dates go on the x-axis, fitted to the busy period when there is one."""

    first: date
    end: date
    window_start: date | None = None  # the busy period; earlier dates are squeezed
    # Each date's share, worked out once: a claim of thousands of figures asks for
    # the same few hundred dates again and again (issue 28).
    _shares: dict[date, Decimal] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _percents: dict[date, str] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

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
                # A week at least, so that the window has dates to label.
                return cls(first, end, min(day, end - timedelta(days=MIN_WINDOW)))
        return cls(first, end)

    def share(self, day: date) -> Decimal:
        """Return where `day` falls on the axis: 0 at the first date, 1 at the end."""
        known = self._shares.get(day)
        if known is None:
            known = self._shares[day] = self._share(day)
        return known

    def _share(self, day: date) -> Decimal:
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

    def percent(self, day: date) -> str:
        """Return `x` as an SVG length to two places: "12.34%"."""
        known = self._percents.get(day)
        if known is None:
            known = self._percents[day] = f"{self.x(day):.2f}%"
        return known


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
    """Return the y of a value (a function) and the y axis's ticks. Each value's y
    is worked out once: a dense chart asks for each figure's several times
    (issue 28)."""
    y_of, ticks = _y_scale_of(values, scale)
    known: dict = {}

    def cached(value) -> int:
        y = known.get(value)
        if y is None:
            y = known[value] = y_of(value)
        return y

    return cached, ticks


def _y_scale_of(values: Sequence[Decimal], scale: str):
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
    """Return the date labels: the first step (TICK_STEPS) whose labels all fit on
    a phone, MIN_X_TICKS or more of them, then the step before it as minor labels
    where they fit from MID_WIDTH up. Under the labels, a second line carries the
    year (at the first label and each new year) and, on a fitted axis, "← earlier"
    under the squeezed strip."""
    start = axis.window_start or axis.first
    major: list[Tick] = []
    for unit, n in TICK_STEPS:
        ticks = _step_ticks(axis, start, end, unit, n)
        if len(ticks) >= MIN_X_TICKS and _apart(ticks, MIN_WIDTH):
            major = ticks
            break
    else:  # too few dates at any step: the ends and the middle
        middle = start + timedelta(days=(end - start).days // 2)
        unit, n = "day", 0
        major = _labelled(axis, sorted({start, middle, end}), "day")
    minor: list[Tick] = []
    # The finest step of the same unit that divides the major one and fits.
    for finer in (m for u, m in TICK_STEPS if u == unit and m < n and n % m == 0):
        taken = {t.position for t in major}
        ticks = [
            replace(t, minor=True)
            for t in _step_ticks(axis, start, end, unit, finer)
            if t.position not in taken
        ]
        if _apart([*major, *ticks], MID_WIDTH):
            minor = ticks
            break
    ticks = sorted([*major, *minor], key=_position)
    if axis.window_start is not None:
        stub = Tick(f"{axis.x(axis.first):.2f}%", "", "start", under="← earlier")
        ticks.insert(0, stub)
    return _years(ticks)


def _position(tick: Tick) -> Decimal:
    return Decimal(tick.position[:-1])


def _step_ticks(axis: DateAxis, start: date, end: date, unit: str, n: int):
    """Return the ticks of one step from `start` to `end`; none when there would be
    more than 40 of them (far too many to label)."""
    span = (end - start).days
    if unit == "day":
        if span // n > 40:
            return []
        days = [start + timedelta(days=n * i) for i in range(span // n + 1)]
    elif unit == "month":
        if span / (30 * n) > 40:
            return []
        days, year, month = [], start.year, start.month
        while date(year, month, 1) <= end:
            if (month - 1) % n == 0 and date(year, month, 1) >= start:
                days.append(date(year, month, 1))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    else:
        if span / (365 * n) > 40:
            return []
        days = [
            date(year, 1, 1)
            for year in range(start.year, end.year + 1)
            if year % n == 0 and date(year, 1, 1) >= start
        ]
    return _labelled(axis, days, unit)


def _labelled(axis: DateAxis, days: list[date], unit: str) -> list[Tick]:
    ticks = []
    for day in days:
        position = axis.x(day)
        if unit == "day":
            label, year = f"{day.day} {day:%b}", str(day.year)
        elif unit == "month":
            label, year = f"{day:%b}", str(day.year)
        else:
            label, year = str(day.year), ""
        # Centred on its date, unless that would run out of the plot on a phone.
        x = position * MIN_WIDTH / 100
        half = max(text_width(label), text_width(year)) / 2
        anchor = (
            "start"
            if x - half < 0
            else "end"
            if x + half > PLOT_RIGHT * MIN_WIDTH / 100
            else "middle"
        )
        ticks.append(Tick(f"{position:.2f}%", label, anchor, under=year))
    return ticks


def _apart(ticks: list[Tick], width: int, line: str = "label") -> bool:
    """Return True when the ticks' texts on `line` ("label" or "under") fit inside
    the chart at `width` and TICK_GAP apart."""
    spans = sorted(_span(t, width, line) for t in ticks if getattr(t, line))
    if spans and (spans[0][0] < 0 or spans[-1][1] > width * PLOT_RIGHT / 100):
        return False
    return all(b[0] - a[1] >= TICK_GAP for a, b in zip(spans, spans[1:], strict=False))


def _span(tick: Tick, width: int, line: str) -> tuple[Decimal, Decimal]:
    """Return the pixels the text of a tick's `line` takes at `width`."""
    x = _position(tick) * width / 100
    length = text_width(getattr(tick, line))
    if tick.anchor == "start":
        return x, x + length
    if tick.anchor == "end":
        return x - length, x
    return x - length / 2, x + length / 2


def _years(ticks: list[Tick]) -> list[Tick]:
    """Return the ticks with a year under the first date label and where the year
    changes, each where it fits (else under the next label). A phone shows the
    major labels alone, so their years are placed as if no minor one were."""
    kept: list[Tick] = []
    shown = {False: "", True: ""}  # the year last shown: on a phone, on a desktop
    for tick in ticks:
        year = tick.under if tick.label else ""  # not the strip's "← earlier"
        tick = replace(tick, under="") if year else tick
        if year and year != shown[tick.minor]:
            placed = replace(tick, under=year)
            phone = [t for t in kept if not t.minor]
            if (tick.minor or _apart([*phone, placed], MIN_WIDTH, "under")) and (
                _apart([*kept, placed], MID_WIDTH, "under")
            ):
                tick = placed
                shown[True] = year
                shown[False] = shown[False] if tick.minor else year
        kept.append(tick)
    return kept


def _date_label(day: date) -> str:
    return f"{day.day} {day:%b %Y}"
