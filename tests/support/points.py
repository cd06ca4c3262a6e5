"""Divergence points built by hand, with the intervals given directly so that tests
of claims/divergence.py and claims/wording.py do not depend on the parser: the seed's
troop claim and issue 14's rally."""

from datetime import date, timedelta
from decimal import Decimal

from claims.domain.divergence import DISMISSED, Judgement, Point

OCT = date(2024, 10, 1)
D = Decimal


def reading(kind, *numbers):
    """Return (low, high, value) of a figure of `kind`: the interval it reads as,
    given directly so these tests do not depend on the parser."""
    if kind == "exact":
        return D(numbers[0]), D(numbers[0]), D(numbers[0])
    if kind == "approximate":
        (value,) = numbers
        return D(value) * D("0.9"), D(value) * D("1.1"), D(value)
    if kind == "at_least":
        return D(numbers[0]), None, None
    if kind == "at_most":
        return None, D(numbers[0]), None
    return D(numbers[0]), D(numbers[1]), None  # range, qualitative


def make(id, source, on, figure, kind, *numbers, **extra):
    low, high, value = reading(kind, *numbers)
    return Point(
        id=id,
        source_id=source,
        stated_on=on,
        kind=kind,
        low=low,
        high=high,
        value=value,
        figure=figure,
        **extra,
    )


HUR, NIS, KIRBY, DUTCH, US, PENTAGON = 1, 2, 3, 4, 5, 6
TROOP_NAMES = {
    HUR: "Ukrainian intelligence",
    NIS: "South Korea's NIS",
    KIRBY: "White House",
    DUTCH: "Dutch intelligence",
    US: "US intelligence",
    PENTAGON: "Pentagon",
}
BRIEF, BROOKINGS = 100, 200


def troop(id, source, day, figure, kind, *numbers, document=None, **extra):
    return make(
        id,
        source,
        OCT.replace(day=day),
        figure,
        kind,
        *numbers,
        document_id=document,
        source_name=TROOP_NAMES[source],
        **extra,
    )


# The troop claim of the seed data (claims/seed/demo.json).
TROOPS = [
    troop(1, HUR, 1, "several thousand", "qualitative", 3000, 9000, document=BROOKINGS,
          precision="month"),
    troop(2, NIS, 18, "first batch of 1,500", "exact", 1500, document=BROOKINGS),
    troop(3, KIRBY, 23, "at least 3,000", "at_least", 3000, document=BROOKINGS),
    troop(4, DUTCH, 25, "up to 1,500", "at_most", 1500, document=BRIEF),
    troop(5, HUR, 25, "up to 1,500", "at_most", 1500, document=BRIEF),
    troop(6, US, 25, "up to 1,500", "at_most", 1500, document=BRIEF),
    troop(7, NIS, 25, "up to 1,500", "at_most", 1500, document=BRIEF),
    troop(8, US, 28, "3,000", "exact", 3000, document=BRIEF),
    troop(9, NIS, 28, "3,000", "exact", 3000, document=BRIEF),
    troop(10, HUR, 28, "closer to 12,000", "approximate", 12000, document=BRIEF),
    troop(11, PENTAGON, 29, "10,000", "exact", 10000, document=BROOKINGS),
]  # fmt: skip

# The four-figure claim of issue 14: a rally, counted four ways within two days.
ORGANISERS, POLICE, NEWSPAPER, AERIAL, BLOG = 1, 2, 3, 4, 5
RALLY_NAMES = {
    ORGANISERS: "organisers",
    POLICE: "police",
    NEWSPAPER: "newspaper",
    AERIAL: "aerial count",
    BLOG: "a blog",
}
MARCH = date(2025, 3, 8)


def rally(id, source, day, figure, kind, *numbers):
    return make(
        id,
        source,
        MARCH + timedelta(days=day),
        figure,
        kind,
        *numbers,
        source_name=RALLY_NAMES[source],
    )


RALLY = [
    rally(1, ORGANISERS, 0, "more than 50,000", "at_least", 50000),
    rally(2, POLICE, 0, "around 35,000", "approximate", 35000),
    rally(3, NEWSPAPER, 1, "tens of thousands", "qualitative", 20000, 99999),
    rally(4, AERIAL, 1, "between 20,000 and 25,000", "range", 20000, 25000),
]
A_FEW_THOUSAND = rally(5, BLOG, 1, "a few thousand", "qualitative", 2000, 5000)


def dismissed(*points, state=DISMISSED, **extra):
    """Return judgements of each pair of `points` (lower, higher), as editors file
    them: keyed by assertion ids, with the intervals judged."""
    found = {}
    for low, high in zip(points[::2], points[1::2], strict=True):
        found[(low.id, high.id)] = Judgement(
            state, intervals=(low.interval, high.interval), note="Checked.", **extra
        )
    return found


# The troop claim's evolution in words, as the methodology page's worked example
# states it (issue 24).
EVOLUTION_EXAMPLE = (
    "several thousand (Ukrainian intelligence, October) → first batch of 1,500 "
    "(South Korea's NIS, 18 Oct) → up to 1,500 (Dutch intelligence) to at least 3,000 "
    "(White House), 23–25 Oct → 3,000 (US intelligence) to closer to 12,000 "
    "(Ukrainian intelligence), 28–29 Oct → up to 1,500 (Dutch intelligence) to "
    "closer to 12,000 (Ukrainian intelligence), 23–29 Oct"
)
