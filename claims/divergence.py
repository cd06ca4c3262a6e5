"""How a claim's estimates stand against each other, and how they moved. Pure logic.

Input is a list of Points, one per assertion a reader may see. The rules:

- A source's **current estimate** as of a date is its latest point stated on or
  before that date (a later-recorded point wins a tie). Retracted points never count.
  A point of month or year precision counts from the first day of its month or year.
- Every point is an interval [low, high] with None for an open side. An approximate
  figure counts with its ±10 % band (claims/figures.py), so "about 1,000" and "1,050"
  agree. A point's **level**, used where one number must stand for it (the evolution
  line, the chart's step lines, the list's range), is its value for exact and
  approximate figures, its bound for "at least" and "at most", and the middle of a
  range or vague term.
- **Overlap**: the current estimates are consistent when some number lies in all of
  them: the highest lower bound is not above the lowest upper bound. Open sides never
  constrain, so "at least 3,000" and "about 12,000" overlap.
- **Spread ratio**: when they do not overlap, the highest lower bound divided by the
  lowest upper bound ("closer to 12,000" reads from 10,800, "up to 1,500" to 1,500:
  7.2). When they overlap there is no spread (None).
- **Envelope**: the span of every finite bound of the current estimates, lowest to
  highest; an open side contributes its other bound. The chart shades it.
- **Range of figures**: what a reader is told the estimates run from and to: the
  levels of the current estimates, except that a range or a vague term contributes
  both its ends ("8 to 10" stays 8 to 10, not 9).
- **Evolution**: the chain of distinct levels in the order they were first reported.
  A level within EVOLUTION_TOLERANCE of the last link widens it into a range; a level
  within it of an earlier link repeats that link and adds nothing. Vague terms
  ("several thousand") have no level and make no link.
- **Revisions**: a source replacing its own earlier figure. Disagreement is between
  sources; a revision is never counted as one.
- **Corroboration**: current estimates are independent unless they share an origin
  (the same source, or a source within the same parent organisation), or one document
  reports the same interval for both: "U.S. and South Korean intelligence have now
  claimed there are 3,000" is one piece of evidence credited to two sources. A relay
  is recorded as the original source's statement, so it adds no independence either.
  One independent group is single-source; more, all overlapping, is corroborated;
  any non-overlap is contested.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from claims.figures import (
    APPROXIMATE,
    AT_LEAST,
    AT_MOST,
    EXACT,
    QUALITATIVE,
    RANGE,
    format_number,
)

EVOLUTION_TOLERANCE = Decimal("1.25")
SINGLE_SOURCE = "single-source"
CORROBORATED = "corroborated"
CONTESTED = "contested"
NO_DATA = "no-data"
TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Point:
    """One assertion as the divergence rules see it."""

    id: int
    source_id: int
    stated_on: date
    kind: str
    low: Decimal | None
    high: Decimal | None
    value: Decimal | None = None
    figure: str = ""
    origin_id: int | None = None  # the source's top-level organisation
    document_id: int | None = None
    is_retracted: bool = False

    @property
    def level(self) -> Decimal | None:
        """Return the one number that stands for this point (module docstring)."""
        if self.kind in (EXACT, APPROXIMATE) and self.value is not None:
            return self.value
        if self.kind == AT_LEAST or self.high is None:
            return self.low
        if self.kind == AT_MOST or self.low is None:
            return self.high
        return (self.low + self.high) / 2

    @property
    def origin(self) -> int:
        return self.origin_id if self.origin_id is not None else self.source_id


@dataclass(frozen=True)
class Summary:
    """Where the current estimates stand as of one date."""

    as_of: date | None
    estimates: tuple[Point, ...]
    highest_low: Decimal | None
    lowest_high: Decimal | None
    overlaps: bool
    spread_ratio: Decimal | None
    envelope_low: Decimal | None
    envelope_high: Decimal | None
    lowest: Point | None  # the estimate with the lowest level
    highest: Point | None
    range_low: Decimal | None
    range_high: Decimal | None
    independent_groups: int
    status: str
    first_stated_on: date | None
    latest_stated_on: date | None
    source_count: int


@dataclass(frozen=True)
class Step:
    """One link of the evolution line: a level, or a range of close levels."""

    low: Decimal
    high: Decimal
    first_stated_on: date
    point_ids: tuple[int, ...]

    def __str__(self) -> str:
        if self.low == self.high:
            return format_number(self.low)
        return f"{format_number(self.low)}–{format_number(self.high)}"


@dataclass(frozen=True)
class Revision:
    """A source replacing its own earlier figure."""

    source_id: int
    previous: Point
    current: Point

    @property
    def direction(self) -> str:
        before, after = self.previous.level, self.current.level
        if before is None or after is None or before == after:
            return "restated"
        return "up" if after > before else "down"


def visible(points: Iterable[Point], as_of: date | None = None) -> list[Point]:
    """Return the points that count as of `as_of`, in the order they were stated."""
    kept = [
        p
        for p in points
        if not p.is_retracted and (as_of is None or p.stated_on <= as_of)
    ]
    return sorted(kept, key=lambda p: (p.stated_on, p.id))


def current_estimates(
    points: Iterable[Point], as_of: date | None = None
) -> list[Point]:
    """Return each source's latest point as of `as_of`, ordered by level."""
    latest: dict[int, Point] = {}
    for point in visible(points, as_of):
        latest[point.source_id] = point
    return sorted(latest.values(), key=_level_key)


def summarise(points: Iterable[Point], as_of: date | None = None) -> Summary:
    """Return where the current estimates stand as of `as_of` (None: everything)."""
    seen = visible(points, as_of)
    estimates = current_estimates(seen)
    lows = [p.low for p in estimates if p.low is not None]
    highs = [p.high for p in estimates if p.high is not None]
    highest_low = max(lows, default=None)
    lowest_high = min(highs, default=None)
    overlaps = highest_low is None or lowest_high is None or highest_low <= lowest_high
    spread = None
    if not overlaps and lowest_high > 0:
        spread = (highest_low / lowest_high).quantize(TWO_PLACES)
    bounds = [b for p in estimates for b in (p.low, p.high) if b is not None]
    groups = independent_groups(estimates)
    if not estimates:
        status = NO_DATA
    elif not overlaps:
        status = CONTESTED
    elif groups > 1:
        status = CORROBORATED
    else:
        status = SINGLE_SOURCE
    with_level = [p for p in estimates if p.level is not None]
    ends = [end for p in estimates for end in _range_ends(p) if end is not None]
    return Summary(
        as_of=as_of,
        estimates=tuple(estimates),
        highest_low=highest_low,
        lowest_high=lowest_high,
        overlaps=overlaps,
        spread_ratio=spread,
        envelope_low=min(bounds, default=None),
        envelope_high=max(bounds, default=None),
        lowest=with_level[0] if with_level else None,
        highest=with_level[-1] if with_level else None,
        range_low=min(ends, default=None),
        range_high=max(ends, default=None),
        independent_groups=groups,
        status=status,
        first_stated_on=seen[0].stated_on if seen else None,
        latest_stated_on=seen[-1].stated_on if seen else None,
        source_count=len(estimates),
    )


def independent_groups(estimates: Sequence[Point]) -> int:
    """Return how many independent groups the estimates form: a shared origin, or
    one document reporting the same interval, makes two estimates one group."""
    parent = list(range(len(estimates)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_by_key: dict[tuple, int] = {}
    for index, point in enumerate(estimates):
        keys: list[tuple] = [("origin", point.origin)]
        if point.document_id is not None:
            keys.append(("document", point.document_id, point.low, point.high))
        for key in keys:
            if key in first_by_key:
                parent[find(index)] = find(first_by_key[key])
            else:
                first_by_key[key] = index
    return len({find(i) for i in range(len(estimates))})


def evolution(points: Iterable[Point], as_of: date | None = None) -> list[Step]:
    """Return the chain of distinct levels in the order they were first reported."""
    steps: list[Step] = []
    for point in visible(points, as_of):
        level = point.level
        if level is None or point.kind == QUALITATIVE:
            continue
        low, high = (
            (point.low, point.high)
            if point.kind not in (EXACT, APPROXIMATE, AT_LEAST, AT_MOST)
            else (level, level)
        )
        match = next(
            (i for i in range(len(steps) - 1, -1, -1) if _close(steps[i], level)),
            None,
        )
        if match is None:
            steps.append(Step(low, high, point.stated_on, (point.id,)))
        elif match == len(steps) - 1:
            last = steps[-1]
            steps[-1] = Step(
                min(last.low, low),
                max(last.high, high),
                last.first_stated_on,
                (*last.point_ids, point.id),
            )
        else:
            earlier = steps[match]
            steps[match] = Step(
                earlier.low,
                earlier.high,
                earlier.first_stated_on,
                (*earlier.point_ids, point.id),
            )
    return steps


def evolution_line(steps: Sequence[Step]) -> str:
    """Return the evolution as text: "1,500 → 3,000 → 10,000–12,000"."""
    return " → ".join(str(step) for step in steps)


def revisions(points: Iterable[Point], as_of: date | None = None) -> list[Revision]:
    """Return every time a source replaced its own earlier figure, in date order."""
    previous: dict[int, Point] = {}
    found = []
    for point in visible(points, as_of):
        before = previous.get(point.source_id)
        if before is not None and (before.low, before.high) != (point.low, point.high):
            found.append(Revision(point.source_id, before, point))
        previous[point.source_id] = point
    return found


def previous_estimates(points: Iterable[Point], as_of: date | None = None) -> dict:
    """Return, per source, the point its current estimate replaced (if any)."""
    history: dict[int, list[Point]] = {}
    for point in visible(points, as_of):
        history.setdefault(point.source_id, []).append(point)
    return {source: chain[-2] for source, chain in history.items() if len(chain) > 1}


@dataclass(frozen=True)
class Comparison:
    """How one estimate stands against the other sources' estimates."""

    verdict: str  # alone, above, below, within (agrees with all), mixed
    agreeing: int  # how many of the others it overlaps
    total: int


def overlap(a: Point, b: Point) -> bool:
    """Return True when some number lies in both intervals (open sides never limit)."""
    a_below_b = a.high is not None and b.low is not None and a.high < b.low
    b_below_a = b.high is not None and a.low is not None and b.high < a.low
    return not (a_below_b or b_below_a)


def compare(point: Point, others: Sequence[Point]) -> Comparison:
    """Return how `point` stands against other sources' estimates: above or below
    every one of them, agreeing with all, or agreeing with some."""
    others = [o for o in others if o.source_id != point.source_id]
    if not others:
        return Comparison("alone", 0, 0)
    agreeing = sum(overlap(point, other) for other in others)
    if agreeing == len(others):
        verdict = "within"
    elif point.low is not None and all(
        o.high is not None and o.high < point.low for o in others
    ):
        verdict = "above"
    elif point.high is not None and all(
        o.low is not None and o.low > point.high for o in others
    ):
        verdict = "below"
    else:
        verdict = "mixed"
    return Comparison(verdict, agreeing, len(others))


@dataclass(frozen=True)
class Conflict:
    """The pair of current estimates furthest apart, and how far."""

    low: Point  # the estimate lower down
    high: Point
    ratio: Decimal

    @property
    def arose_on(self) -> date:
        return max(self.low.stated_on, self.high.stated_on)


def pair_ratio(a: Point, b: Point) -> Decimal | None:
    """Return how far apart two estimates are: the higher one's lower bound over the
    lower one's upper bound when they do not overlap (the spread ratio of the pair),
    else the ratio of their levels. None when it cannot be measured (a zero)."""
    lower, upper = sorted((a, b), key=_level_key)
    if not overlap(a, b):
        if lower.high and upper.low is not None:
            return (upper.low / lower.high).quantize(TWO_PLACES)
        return None
    if lower.level and upper.level is not None:
        return (upper.level / lower.level).quantize(TWO_PLACES)
    return None


def widest_conflict(
    points: Iterable[Point], *, threshold: Decimal, as_of: date | None = None
) -> Conflict | None:
    """Return the pair of current estimates (of different sources) furthest apart,
    when their ratio reaches `threshold`; a source's own revisions never count.

    The widest pair lies among the extremes, so only the CANDIDATES most extreme
    estimates by lower bound, upper bound and level are compared: exact for claims with
    up to 4 × CANDIDATES current estimates, and linear rather than quadratic beyond."""
    estimates = _extremes(current_estimates(points, as_of))
    best: tuple | None = None
    for i, a in enumerate(estimates):
        for b in estimates[i + 1 :]:
            ratio = pair_ratio(a, b)
            if ratio is None or ratio < threshold:
                continue
            key = (ratio, max(a.stated_on, b.stated_on), -min(a.id, b.id))
            if best is None or key > best[0]:
                lower, upper = sorted((a, b), key=_level_key)
                best = (key, Conflict(lower, upper, ratio))
    return best[1] if best else None


CANDIDATES = 6


def _extremes(estimates: list[Point]) -> list[Point]:
    if len(estimates) <= 4 * CANDIDATES:
        return estimates
    infinity = Decimal("Infinity")
    orders = (
        sorted(estimates, key=lambda p: p.high if p.high is not None else infinity),
        sorted(estimates, key=lambda p: p.low if p.low is not None else -infinity),
        estimates,  # current_estimates orders them by level
    )
    chosen: dict[int, Point] = {}
    for order in orders:
        for point in (*order[:CANDIDATES], *order[-CANDIDATES:]):
            chosen[point.id] = point
    return sorted(chosen.values(), key=_level_key)


def _range_ends(point: Point) -> tuple[Decimal | None, Decimal | None]:
    if point.kind in (RANGE, QUALITATIVE):
        return point.low, point.high
    return point.level, point.level


def _close(step: Step, level: Decimal) -> bool:
    return step.low / EVOLUTION_TOLERANCE <= level <= step.high * EVOLUTION_TOLERANCE


def _level_key(point: Point) -> tuple:
    level = point.level
    return (level is None, level if level is not None else 0, point.id)
