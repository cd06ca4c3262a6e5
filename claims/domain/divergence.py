"""How a claim's estimates stand against each other, and how they moved. Pure logic.

Input is a list of Points, one per assertion a reader may see. Nothing here imports
Django; the reader-facing sentences about these results live in
claims/domain/wording.py.

- A source's **current estimate** as of a date is its latest point stated on or
  before that date (a later-recorded point wins a tie). Retracted points never count.
  A point of month or year precision counts from the first day of its month or year.
- Every point is an **interval** [low, high] with None for an open side ("at least
  3,000" has no upper end, "up to 1,500" no lower end). An approximate figure counts
  with its ±10 % band, so "around 35,000" reads 31,500–38,500; a vague term counts
  with its default interval ("tens of thousands": 20,000–99,999).
- Figures are shown as stated. `Point.sort_key` (the middle of a range, for one) is
  an internal number for ordering and drawing; it is never shown as a figure.
- **Overlap**: two estimates overlap when some number lies in both. Open sides never
  limit, so "at least 3,000" and "10,000" overlap. All current estimates overlap when
  the highest lower end is not above the lowest upper end.
- **Ratio of a pair** that does not overlap: the higher estimate's lower end over the
  lower estimate's upper end, to two decimal places ("more than 50,000" against
  "between 20,000 and 25,000": 50,000 / 25,000 = 2.0). An open end never counts as a
  number. Pairs that overlap have no ratio, and neither has a pair whose lower
  estimate's upper end is zero or less.
- **Conflict**: a pair of current estimates of different sources whose ratio reaches
  the claim's threshold (DEFAULT_THRESHOLD, 1.5). A conflict involving a vague term
  ("several thousand") is a **vague-term conflict**: it is shown apart and never
  hides a conflict between figures that are not vague.
- **The open discrepancy** of a claim is its widest conflict between figures that are
  not vague whose pair the editors have not judged; if there is none, the widest
  vague-term conflict not judged. A judged pair (explained, resolved, dismissed)
  stays judged until one of its two figures changes.
- **Lowest and highest estimates**: when the current estimates do not all overlap,
  the lowest is the one with the lowest upper end and the highest the one with the
  highest lower end; that pair does not overlap and its ratio is the claim's
  **spread ratio**, the widest of any pair. When they all overlap, they are the
  first and last in the internal order.
- **Evolution**: how the figures moved, step by step in the order they were first
  reported. It starts with the first report, in words where that figure is vague.
  Figures from different sources stated within SPREAD_WINDOW_DAYS of a step's first
  figure are one step, shown as the spread between the figures that bound it. A
  figure within EVOLUTION_TOLERANCE (25 %) of an earlier step repeats it and adds
  nothing, unless it is its source's current figure: a restatement that stands is
  never dropped. Later vague terms make no step. It ends at the current range of
  estimates (the lowest and highest the summary gives); a figure set aside by the
  editors is never part of it.
- **Set aside**: a figure the editors set aside for the whole claim (a different
  scope, a misreading, a source with no access) is listed with their reason but
  leaves detection, the lowest and highest estimates, the spread and the evolution,
  from the day it was set aside (an as-of view before then still counts it).
- **Revisions**: a source replacing its own earlier figure. Disagreement is between
  sources; a revision is never counted as one.
- **Corroboration**: current estimates are independent unless they share an origin
  (the same source, or a source within the same parent organisation), or one document
  reports the same interval for both: "U.S. and South Korean intelligence have now
  claimed there are 3,000" is one piece of evidence credited to two sources.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from operator import attrgetter

# The stored values of the figure kinds and date precisions, the editors' judgements,
# a claim's statuses and the default threshold: claims/domain/vocabulary.py. Those
# imported as themselves are not used here, only passed on to this module's callers.
from claims.domain.dates import DAY
from claims.domain.dates import MONTH as MONTH
from claims.domain.dates import YEAR as YEAR
from claims.domain.figures import (
    APPROXIMATE,
    AT_LEAST,
    AT_MOST,
    EXACT,
    QUALITATIVE,
)
from claims.domain.figures import RANGE as RANGE
from claims.domain.vocabulary import (
    APART,
    CLOSE,
    CORROBORATED,
    EXPLAINED,
    NO_DATA,
    RESOLVED,
    SINGLE_SOURCE,
    UNDER_REVIEW,
)
from claims.domain.vocabulary import DEFAULT_DISCREPANCY_RATIO as DEFAULT_THRESHOLD
from claims.domain.vocabulary import DISMISSED as DISMISSED
from claims.domain.vocabulary import JUDGEMENTS as JUDGED

EVOLUTION_TOLERANCE = Decimal("1.25")
# Figures of different sources this close in time are one step of the evolution, a
# spread at that time. Three days, not a week: on the troop claim South Korea's 1,500
# (18 Oct) and the White House's 3,000 (23 Oct) are five days apart and were a rise,
# while 10,000 and 12,000 (28-29 Oct) were a disagreement.
SPREAD_WINDOW_DAYS = 3
TWO_PLACES = Decimal("0.01")

Interval = tuple[Decimal | None, Decimal | None]


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
    precision: str = DAY  # of stated_on: day, month or year
    source_name: str = ""
    # Set aside by the editors for the whole claim, on this date, with this reason.
    set_aside_on: date | None = None
    set_aside_reason: str = ""

    def is_set_aside(self, as_of: date | None = None) -> bool:
        """Return whether the editors had set this figure aside by `as_of`."""
        return self.set_aside_on is not None and (
            as_of is None or self.set_aside_on <= as_of
        )

    @cached_property  # a dense claim's comparison and chart ask thousands of times
    def sort_key(self) -> Decimal | None:
        """Return an internal number to order and draw this point by; never a figure.

        The value of an exact or approximate figure, the bound of "at least" and "at
        most", and the middle of a range or vague term (which no source stated)."""
        return _sort_key(self.kind, self.low, self.high, self.value)

    @property
    def level(self) -> Decimal | None:
        """Return `sort_key`: the chart's y. Internal, never shown as a figure."""
        return self.sort_key

    @property
    def interval(self) -> Interval:
        return (self.low, self.high)

    @property
    def is_vague(self) -> bool:
        return self.kind == QUALITATIVE

    @property
    def origin(self) -> int:
        return self.origin_id if self.origin_id is not None else self.source_id


def _sort_key(kind: str, low, high, value) -> Decimal | None:
    if kind in (EXACT, APPROXIMATE) and value is not None:
        return value
    if kind == AT_LEAST or high is None:
        return low
    if kind == AT_MOST or low is None:
        return high
    return (low + high) / 2


_new = object.__new__


def published_point(
    id: int,
    source_id: int,
    stated_on: date,
    kind: str,
    low: Decimal | None,
    high: Decimal | None,
    value: Decimal | None,
    figure: str,
    origin_id: int | None,
    document_id: int | None,
    precision: str,
    source_name: str,
    set_aside_on: date | None,
    set_aside_reason: str,
) -> Point:
    """Return the Point of a published (not retracted) figure, as Point(...) with
    these fields would, its sort_key worked out. Made without the frozen
    dataclass's __init__, which sets each of its fifteen fields through
    object.__setattr__: a dense claim's page makes a Point of each of thousands
    of figures (issue 28)."""
    point = _new(Point)
    vars(point).update(
        id=id,
        source_id=source_id,
        stated_on=stated_on,
        kind=kind,
        low=low,
        high=high,
        value=value,
        figure=figure,
        origin_id=origin_id,
        document_id=document_id,
        is_retracted=False,
        precision=precision,
        source_name=source_name,
        set_aside_on=set_aside_on,
        set_aside_reason=set_aside_reason,
        sort_key=_sort_key(kind, low, high, value),
    )
    return point


@dataclass(frozen=True)
class Judgement:
    """An editors' judgement of a pair of assertions (a Discrepancy).

    `state` is explained, resolved or dismissed (open and under review are not
    judgements). `intervals` are the pair's (low, high) when judged, in the order of
    the key it is filed under: when either differs now, the judgement no longer
    applies and the pair can open again. None means "do not check"."""

    state: str
    intervals: tuple[Interval, Interval] | None = None
    note: str = ""
    editor: str = ""
    judged_on: date | None = None
    favoured_id: int | None = None


Judgements = Mapping[tuple[int, int], Judgement]


@dataclass(frozen=True)
class Conflict:
    """Two current estimates of different sources that do not overlap, with a ratio
    reaching the threshold."""

    low: Point  # the estimate lower down: its upper end is below `high`'s lower end
    high: Point
    ratio: Decimal  # high.low / low.high, two places

    @property
    def is_vague(self) -> bool:
        return self.low.is_vague or self.high.is_vague

    @property
    def pair(self) -> tuple[int, int]:
        """Return the key judgements are filed under: (lower id, higher id)."""
        return (self.low.id, self.high.id)

    @property
    def arose_on(self) -> date:
        return max(self.low.stated_on, self.high.stated_on)


@dataclass(frozen=True)
class Step:
    """One step of the evolution: one figure, or the spread of several sources'
    figures stated within SPREAD_WINDOW_DAYS, named by the two that bound it."""

    figures: tuple[Point, ...]  # the one figure, or the spread's lower and upper end
    points: tuple[Point, ...]  # every figure the step stands for, in date order
    first_stated_on: date
    last_stated_on: date

    @property
    def is_spread(self) -> bool:
        return len(self.figures) > 1

    @property
    def point_ids(self) -> tuple[int, ...]:
        return tuple(p.id for p in self.points)


@dataclass(frozen=True)
class Revision:
    """A source replacing its own earlier figure."""

    source_id: int
    previous: Point
    current: Point

    @property
    def direction(self) -> str:
        """Return "up" or "down" where the new figure lies above or below the old
        one, or its stated number moved that way, or its ends did (one may stay:
        "about 10,000" → "about 12,000", "between 1,000 and 9,000" → "between
        1,000 and 5,000"); "revised" where one end rose as the other fell
        ("between 1,000 and 9,000" → "5,000", "about 450" → "at least 400"),
        which is neither; "restated" where it reads as the same interval. Never
        by a middle no source stated."""
        before, after = self.previous, self.current
        if before.interval == after.interval:
            return "restated"
        if _below(before, after):
            return "up"
        if _below(after, before):
            return "down"
        numbers = (before.value, after.value)
        if _NUMBERS >= {before.kind, after.kind} and None not in numbers:
            # Two stated numbers: "about 10,000" → "10,500" is up. (A reading set
            # by hand has no value: its interval's ends decide, below.)
            if after.value != before.value:
                return "up" if after.value > before.value else "down"
        low_before, high_before = _ends(before)
        low_after, high_after = _ends(after)
        if low_after >= low_before and high_after >= high_before:
            return "up"
        if low_after <= low_before and high_after <= high_before:
            return "down"
        return "revised"


_NO_END = Decimal("Infinity")
_NUMBERS = frozenset((EXACT, APPROXIMATE))  # kinds whose value a source stated


def _ends(point: Point) -> tuple[Decimal, Decimal]:
    """Return a point's interval with open ends as infinities, to compare."""
    low, high = point.interval
    return (
        -_NO_END if low is None else low,
        _NO_END if high is None else high,
    )


@dataclass(frozen=True)
class Summary:
    """Everything pages show about a claim's figures as of one date, from one call."""

    as_of: date | None
    threshold: Decimal
    estimates: tuple[Point, ...]  # each source's current estimate, in internal order
    lowest: Point | None  # see the module docstring; None without estimates
    highest: Point | None
    overlaps: bool  # some number lies within every current estimate
    spread_ratio: Decimal | None  # pair_ratio(lowest, highest); None when they overlap
    independent_groups: int
    status: str
    open_conflict: Conflict | None  # the claim's one open discrepancy
    judged_conflict: Conflict | None  # the widest conflict editors have judged
    judgement: Judgement | None  # the judgement of `judged_conflict`
    first_reported: Point | None  # the earliest figure (it carries its precision)
    latest: Point | None  # the figure dated last
    evolution: tuple[Step, ...]
    revisions: tuple[Revision, ...]
    # Current figures the editors set aside for the whole claim: listed with their
    # reason, never compared, never in the spread or the evolution.
    set_aside: tuple[Point, ...] = ()

    @property
    def source_count(self) -> int:
        return len(self.estimates)

    @property
    def first_stated_on(self) -> date | None:
        return self.first_reported.stated_on if self.first_reported else None

    @property
    def latest_stated_on(self) -> date | None:
        return self.latest.stated_on if self.latest else None

    @property
    def is_apart(self) -> bool:
        """Return True when the estimates do not overlap yet no ratio is given: the
        lowest is zero (APART when no judgement or open conflict speaks first)."""
        return not self.overlaps and self.spread_ratio is None

    @property
    def is_contested(self) -> bool:
        """Return True when a conflict stands: open, or judged but not dismissed,
        or a zero against higher figures (APART), which no ratio measures."""
        return self.status in (UNDER_REVIEW, EXPLAINED, RESOLVED, APART)


_DATED = attrgetter("stated_on", "id")  # the order points were stated in


class _Visible(list):
    """Points visible() returned: none retracted, none stated after `as_of`, in
    the order they were stated. A summary asks again of them six times, and a
    claim of thousands of figures sorted them each time (issue 28)."""

    def __init__(self, points: Iterable[Point], as_of: date | None):
        super().__init__(points)
        self.as_of = as_of


def visible(points: Iterable[Point], as_of: date | None = None) -> list[Point]:
    """Return the points that count as of `as_of`, in the order they were stated."""
    if isinstance(points, _Visible) and (
        as_of is None or (points.as_of is not None and points.as_of <= as_of)
    ):
        return points
    kept = [
        p
        for p in points
        if not p.is_retracted and (as_of is None or p.stated_on <= as_of)
    ]
    return _Visible(sorted(kept, key=_DATED), as_of)


def current_estimates(
    points: Iterable[Point], as_of: date | None = None
) -> list[Point]:
    """Return each source's latest point as of `as_of`, in internal order."""
    latest: dict[int, Point] = {}
    for point in visible(points, as_of):
        latest[point.source_id] = point
    return sorted(latest.values(), key=_order)


def summarise(
    points: Iterable[Point],
    *,
    judged: Judgements | None = None,
    as_of: date | None = None,
    threshold: Decimal = DEFAULT_THRESHOLD,
    history: bool = True,
) -> Summary:
    """Return where the figures stand as of `as_of` (None: everything), given the
    editors' judgements filed by pair of assertion ids (judgements dated after
    `as_of` are ignored). Without `history` the evolution and the revisions are
    left empty: a list of claims shows where each stands, not how it moved, and
    for a claim of thousands of figures they are most of the work."""
    seen = visible(points, as_of)
    everyone = current_estimates(seen)
    set_aside = [p for p in everyone if p.is_set_aside(as_of)]
    estimates = [p for p in everyone if not p.is_set_aside(as_of)]
    counted = _Visible((p for p in seen if not p.is_set_aside(as_of)), as_of)
    if as_of is not None and judged:
        judged = {
            pair: j
            for pair, j in judged.items()
            if j.judged_on is None or j.judged_on <= as_of
        }
    lowest, highest = named_ends(estimates)
    overlaps = lowest is None or not _below(lowest, highest)
    spread = None if overlaps else pair_ratio(lowest, highest)
    open_conflict, judged_conflict, judgement = _discrepancy(
        estimates, judged or {}, threshold
    )
    groups = independent_groups(estimates)
    if not estimates:
        status = NO_DATA
    elif open_conflict is not None:
        status = UNDER_REVIEW
    elif judgement is not None:
        status = judgement.state
    elif not overlaps:
        status = CLOSE if spread is not None else APART
    elif groups > 1:
        status = CORROBORATED
    else:
        status = SINGLE_SOURCE
    return Summary(
        as_of=as_of,
        threshold=threshold,
        estimates=tuple(estimates),
        lowest=lowest,
        highest=highest,
        overlaps=overlaps,
        spread_ratio=spread,
        independent_groups=groups,
        status=status,
        open_conflict=open_conflict,
        judged_conflict=judged_conflict,
        judgement=judgement,
        first_reported=seen[0] if seen else None,
        latest=seen[-1] if seen else None,
        evolution=tuple(evolution(counted, as_of)) if history else (),
        revisions=tuple(revisions(seen)) if history else (),
        set_aside=tuple(set_aside),
    )


def named_ends(estimates: Sequence[Point]) -> tuple[Point | None, Point | None]:
    """Return the lowest and highest of `estimates` (module docstring): the lowest
    upper end and the highest lower end when they do not all overlap."""
    if not estimates:
        return None, None
    infinity = Decimal("Infinity")
    lowest = min(
        estimates,
        key=lambda p: (
            p.high if p.high is not None else infinity,
            p.is_vague,
            p.low if p.low is not None else -infinity,
            p.id,
        ),
    )
    highest = max(
        estimates,
        key=lambda p: (
            p.low if p.low is not None else -infinity,
            not p.is_vague,
            p.high if p.high is not None else infinity,
            -p.id,
        ),
    )
    if _below(lowest, highest):
        return lowest, highest
    ordered = sorted(estimates, key=_order)
    return ordered[0], ordered[-1]


def overlap(a: Point, b: Point) -> bool:
    """Return True when some number lies in both intervals (open sides never limit)."""
    return not (_below(a, b) or _below(b, a))


def pair_ratio(a: Point, b: Point) -> Decimal | None:
    """Return the higher estimate's lower end over the lower one's upper end, to two
    places, when the two do not overlap; None when they overlap or the lower one's
    upper end is not above zero."""
    exact = _exact_ratio(a, b)
    return None if exact is None else _two_places(exact)


def judgement_for(judged: Judgements, conflict: Conflict) -> Judgement | None:
    """Return the judgement that still applies to the conflict's pair, if any."""
    low, high = conflict.low, conflict.high
    for key, now in (
        ((low.id, high.id), (low.interval, high.interval)),
        ((high.id, low.id), (high.interval, low.interval)),
    ):
        judgement = judged.get(key)
        if judgement is None or judgement.state not in JUDGED:
            continue
        if judgement.intervals is None or tuple(judgement.intervals) == now:
            return judgement
    return None


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
    """Return how the figures moved, in the order they were first reported (module
    docstring): a step per new figure, or per spread of sources within a few days.

    It starts with the first report, a vague term included ("several thousand");
    a figure that is its source's current one is never dropped as a repeat; and it
    ends at the current range of estimates the summary gives. Figures set aside by
    the editors take no part."""
    seen = _Visible(
        (p for p in visible(points, as_of) if not p.is_set_aside(as_of)), as_of
    )
    estimates = current_estimates(seen)
    current = {p.id for p in estimates}
    steps: list[list[Point]] = []  # the figures of each step
    spans: list[tuple[Decimal, Decimal]] = []  # each step's internal span, for repeats
    # What each span reaches within EVOLUTION_TOLERANCE (_reach), worked out when
    # the span changes: each figure of a dense claim is checked against every step.
    reaches: list[tuple[Decimal, Decimal]] = []
    for point in seen:
        key = point.sort_key
        if key is None or (point.is_vague and steps):
            continue
        keep = point.id in current  # a current figure is never a mere repeat
        last = steps[-1] if steps else None
        joins = (
            last is not None
            and (point.stated_on - last[0].stated_on).days <= SPREAD_WINDOW_DAYS
            and all(p.source_id != point.source_id for p in last)
            and (keep or not _repeats(reaches[:-1], key))
        )
        if joins:
            last.append(point)
            low, high = spans[-1]
            spans[-1] = (min(low, key), max(high, key))
            reaches[-1] = _reach(spans[-1])
        elif keep or not _repeats(reaches, key):
            steps.append([point])
            spans.append((key, key))
            reaches.append(_reach(spans[-1]))
    result = [_step(figures) for figures in steps]
    end = _current_range(estimates)
    if end is not None and (
        not result or [p.id for p in result[-1].figures] != [p.id for p in end.figures]
    ):
        result.append(end)
    return result


def _current_range(estimates: list[Point]) -> Step | None:
    """Return the step the evolution ends at: the current range of estimates, named
    by its lowest and highest (named_ends), as the summary gives it."""
    if not estimates:
        return None
    lowest, highest = named_ends(estimates)
    named = (lowest,) if lowest is highest else (lowest, highest)
    dated = sorted(estimates, key=lambda p: (p.stated_on, p.id))
    return Step(
        figures=named,
        points=tuple(dated),
        first_stated_on=dated[0].stated_on,
        last_stated_on=dated[-1].stated_on,
    )


def revisions(points: Iterable[Point], as_of: date | None = None) -> list[Revision]:
    """Return every time a source replaced its own earlier figure, in date order."""
    previous: dict[int, Point] = {}
    found = []
    for point in visible(points, as_of):
        before = previous.get(point.source_id)
        # The intervals compared as they stand (Point.interval): a dense claim
        # has thousands (issue 28).
        if before is not None and (
            before.low != point.low or before.high != point.high
        ):
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


def compare(point: Point, others: Sequence[Point]) -> Comparison:
    """Return how `point` stands against other sources' estimates: above or below
    every one of them, agreeing with all, or agreeing with some."""
    others = [o for o in others if o.source_id != point.source_id]
    if not others:
        return Comparison("alone", 0, 0)
    agreeing = sum(overlap(point, other) for other in others)
    if agreeing == len(others):
        verdict = "within"
    elif all(_below(o, point) for o in others):
        verdict = "above"
    elif all(_below(point, o) for o in others):
        verdict = "below"
    else:
        verdict = "mixed"
    return Comparison(verdict, agreeing, len(others))


def _below(a: Point, b: Point) -> bool:
    """Return True when all of `a` lies below all of `b`."""
    return a.high is not None and b.low is not None and a.high < b.low


def _exact_ratio(a: Point, b: Point) -> Decimal | None:
    if _below(b, a):
        a, b = b, a
    if not _below(a, b) or a.high <= 0:
        return None
    return b.low / a.high


def _two_places(ratio: Decimal) -> Decimal:
    return ratio.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _conflict(a: Point, b: Point) -> Conflict | None:
    """Return the pair as a Conflict (whatever its ratio) when it has a ratio."""
    if a.source_id == b.source_id:
        return None
    ratio = pair_ratio(a, b)
    if ratio is None:
        return None
    low, high = (a, b) if _below(a, b) else (b, a)
    return Conflict(low, high, ratio)


def _conflict_key(conflict: Conflict) -> tuple:
    """Order conflicts: the widest, then the latest to arise, then the lowest ids."""
    return (
        conflict.high.low / conflict.low.high,
        conflict.arose_on,
        -min(conflict.pair),
        -max(conflict.pair),
    )


def _discrepancy(
    estimates: list[Point], judged: Judgements, threshold: Decimal
) -> tuple[Conflict | None, Conflict | None, Judgement | None]:
    """Return the open discrepancy, and the widest judged conflict with its
    judgement: conflicts between figures that are not vague first."""
    plain = [p for p in estimates if not p.is_vague]
    vague = [p for p in estimates if p.is_vague]
    found, judged_conflict, judgement = _first_unjudged(
        _widest_first(_ranked_pairs(plain, plain), threshold), judged
    )
    if found is None and vague:
        pairs = heapq.merge(
            _ranked_pairs(vague, estimates),
            _ranked_pairs(estimates, vague),
            key=lambda item: item[:3],
        )
        vague_found, vague_judged, vague_judgement = _first_unjudged(
            _widest_first(_unique(pairs), threshold), judged
        )
        found = vague_found
        if judged_conflict is None:
            judged_conflict, judgement = vague_judged, vague_judgement
    return found, judged_conflict, judgement


def _first_unjudged(
    ordered: Iterator[Conflict], judged: Judgements
) -> tuple[Conflict | None, Conflict | None, Judgement | None]:
    first_judged: tuple[Conflict | None, Judgement | None] = (None, None)
    for conflict in ordered:
        judgement = judgement_for(judged, conflict)
        if judgement is None:
            return conflict, *first_judged
        if first_judged[0] is None:
            first_judged = (conflict, judgement)
    return None, *first_judged


def _ranked_pairs(
    uppers: Sequence[Point], lowers: Sequence[Point]
) -> Iterator[tuple[Decimal, int, int, Point, Point]]:
    """Yield (-ratio, ids, upper, lower) for every pair of an upper estimate whose
    lower end lies above a lower estimate's upper end, widest first.

    The ratio falls along both lists sorted (lower ends descending, upper ends
    ascending), so a heap walks pairs in order and stops at the first that overlaps:
    O((n + k) log n) for the k pairs read, not n²."""
    tops = sorted(
        (p for p in uppers if p.low is not None and p.low > 0),
        key=lambda p: (-p.low, p.id),
    )
    bottoms = sorted(
        (p for p in lowers if p.high is not None and p.high > 0),
        key=lambda p: (p.high, p.id),
    )
    if not tops or not bottoms:
        return
    heap = [(-(tops[0].low / bottoms[0].high), 0, 0)]
    pushed = {(0, 0)}
    while heap:
        negative, i, j = heapq.heappop(heap)
        if -negative <= 1:
            return  # this pair and every later one overlap, or are the same point
        yield negative, tops[i].id, bottoms[j].id, tops[i], bottoms[j]
        for ni, nj in ((i + 1, j), (i, j + 1)):
            if ni < len(tops) and nj < len(bottoms) and (ni, nj) not in pushed:
                pushed.add((ni, nj))
                heapq.heappush(heap, (-(tops[ni].low / bottoms[nj].high), ni, nj))


def _unique(pairs: Iterator[tuple]) -> Iterator[tuple]:
    seen = set()
    for item in pairs:
        if (item[1], item[2]) not in seen:
            seen.add((item[1], item[2]))
            yield item


def _widest_first(pairs: Iterator[tuple], threshold: Decimal) -> Iterator[Conflict]:
    """Yield the conflicts among `pairs` (widest first) that reach `threshold`, ties
    of one ratio in _conflict_key order."""
    batch: list[Conflict] = []
    current = None
    for negative, _, _, upper, lower in pairs:
        if _two_places(-negative) < threshold:
            break
        if upper.source_id == lower.source_id:
            continue
        if negative != current:
            yield from sorted(batch, key=_conflict_key, reverse=True)
            batch, current = [], negative
        batch.append(Conflict(lower, upper, _two_places(-negative)))
    yield from sorted(batch, key=_conflict_key, reverse=True)


def _step(figures: list[Point]) -> Step:
    if len(figures) == 1:
        named: tuple[Point, ...] = (figures[0],)
    else:
        low, high = named_ends(figures)
        named = (low, high)
    return Step(
        figures=named,
        points=tuple(figures),
        first_stated_on=figures[0].stated_on,
        last_stated_on=figures[-1].stated_on,
    )


def _reach(span: tuple[Decimal, Decimal]) -> tuple[Decimal, Decimal]:
    """Return the numbers a step's span repeats: within EVOLUTION_TOLERANCE."""
    low, high = span
    return low / EVOLUTION_TOLERANCE, high * EVOLUTION_TOLERANCE


def _repeats(reaches: list[tuple[Decimal, Decimal]], key: Decimal) -> bool:
    """Return whether `key` lies within any of `reaches` (_reach): a repeat."""
    return any(low <= key <= high for low, high in reaches)


def _order(point: Point) -> tuple:
    key = point.sort_key
    return (key is None, key if key is not None else 0, point.id)
