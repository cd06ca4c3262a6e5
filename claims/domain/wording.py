"""Every sentence readers see about a claim's figures. Pure logic.

One module words the summary of claims/domain/divergence.py, so that the claim page, the
lists, the review queue, the feeds, the exports and the API say the same thing. The
rules each sentence keeps:

- A figure is named as stated, in quotes, with its source: “more than 50,000”
  (organisers). A number that is not in a figure's words appears only as what it is:
  an end of the interval the figure is read as ("read as 31,500 to 38,500").
- Overlap is claimed only of estimates that overlap; a ratio is given only with the
  two ends it divides, named in the same sentence.
- A date is never more precise than known: "18 Oct 2024" for a day, "October 2024"
  for a month, "2024" for a year.

Strings are plain text: templates escape them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from claims.domain import vocabulary
from claims.domain.dates import DAY, MONTH, YEAR, StatedDate
from claims.domain.divergence import (
    TWO_PLACES,
    Comparison,
    Conflict,
    Judgement,
    Point,
    Step,
    Summary,
    named_ends,
    pair_ratio,
)
from claims.domain.figures import APPROXIMATE, EXACT, QUALITATIVE, describe_interval
from claims.domain.vocabulary import (
    APART,
    CLOSE,
    CORROBORATED,
    DISMISSED,
    EXPLAINED,
    NO_DATA,
    SINGLE_SOURCE,
    UNDER_REVIEW,
)

Names = Mapping[int, str]

# The words for each status, for badges: the queue and the claim page use these
# (claims/domain/vocabulary.py).
STATUS_LABELS = vocabulary.CLAIM_STATUS_LABELS

# Discrepancy.state in the same words as the claim's status.
DISCREPANCY_LABELS = vocabulary.DISCREPANCY_READER_LABELS

ARROW = " → "
DASH = "–"


@dataclass(frozen=True)
class Description:
    """The sentences a claim page shows about its figures; "" when there is none."""

    range: str  # what the current estimates run from and to
    overlap: str  # whether they overlap, and how far apart when not
    reported: str  # first reported, latest
    evolution: str  # how the figures moved
    status: str  # the status in a sentence, aware of the editors' judgement
    status_label: str  # the badge
    discrepancy: str  # the open discrepancy, if any
    set_aside: tuple[str, ...] = ()  # each figure the editors set aside, with why


def describe(
    summary: Summary, names: Names | None = None, *, queued: bool = True
) -> Description:
    """Return every sentence about `summary`; `queued` says whether its open
    conflict is pending in the editors' queue (status_sentence)."""
    open_conflict = summary.open_conflict
    return Description(
        range=range_sentence(summary, names),
        overlap=overlap_sentence(summary, names),
        reported=reported_sentence(summary, names),
        evolution=evolution_line(summary.evolution, names),
        status=status_sentence(summary, names, queued=queued),
        status_label=(
            "Not compared"
            if summary.status == NO_DATA and summary.set_aside
            else STATUS_LABELS[summary.status]
        ),
        discrepancy=conflict_sentence(open_conflict, names) if open_conflict else "",
        set_aside=set_aside_sentences(summary.set_aside, names),
    )


# What ends a sentence, a closing quote or bracket after it included: “… 95.”
_SENTENCE_ENDS = (".", "!", "?", "…")
_CLOSERS = "\"'”’)]»"


def as_sentence(text: str) -> str:
    """Return an editor's or a researcher's text (a reason, a note) ending as a
    sentence, so that the sentence after it does not run on: “Counts all regions”
    → “Counts all regions.”; empty stays empty."""
    text = text.strip()
    if not text or text.rstrip(_CLOSERS).endswith(_SENTENCE_ENDS):
        return text
    return f"{text}."


# Figures set aside that a claim's summary words one by one; the rest it counts.
SET_ASIDE_WORDED = 10


def set_aside_sentences(
    points: Sequence[Point], names: Names | None = None
) -> tuple[str, ...]:
    """Return the summary's sentences on the figures the editors set aside: the
    first SET_ASIDE_WORDED with their reasons, then how many more there are,
    each marked with its reason in the list of every figure (issue 28: an
    editor's clean-up of hundreds of sources' figures is not hundreds of
    sentences)."""
    worded = tuple(set_aside_sentence(p, names) for p in points[:SET_ASIDE_WORDED])
    more = len(points) - SET_ASIDE_WORDED
    if more <= 0:
        return worded
    figures, are = ("figure", "is") if more == 1 else ("figures", "are")
    return (
        *worded,
        f"{more:,} more {figures} {are} set aside by the editors for this claim, "
        "each marked with the reason in the list of every figure.",
    )


def set_aside_sentence(point: Point, names: Names | None = None) -> str:
    """Return a figure the editors set aside, with their reason, for readers."""
    when = f" ({format_date(point.set_aside_on)})" if point.set_aside_on else ""
    return (
        f"{quoted(point, names)} is set aside by the editors for this claim"
        f"{when}: {as_sentence(point.set_aside_reason)} It is not compared with "
        "the other figures."
    )


def format_number(value: Decimal) -> str:
    """Return `value` with thousands separators and no trailing zeros: 10,800."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    whole, _, fraction = f"{value.normalize():f}".partition(".")
    sign = "-" if value < 0 and whole in ("0", "-0") else ""
    return f"{sign}{int(whole):,}.{fraction}"


def format_ratio(ratio: Decimal) -> str:
    """Return a ratio to two places, keeping one, with thousands separators as
    every number on the site has: "2.0", "1.3", "6.67", "10,526.32"."""
    text = f"{Decimal(ratio).quantize(TWO_PLACES):,f}"
    return text[:-1] if text.endswith("0") else text


def format_date(day: date, precision: str = DAY, *, year: bool = True) -> str:
    """Return `day` no more precisely than known: "18 Oct 2024", "October 2024"."""
    return StatedDate(day, precision).label(year=year)


def format_span(points: Sequence[Point], *, year: bool = True) -> str:
    """Return the dates of `points` as one span at their coarsest precision:
    "28–29 Oct 2024", "30 Oct–1 Nov 2024", "October 2024"."""
    first = min(p.stated_on for p in points)
    last = max(p.stated_on for p in points)
    precisions = {p.precision for p in points}
    precision = YEAR if YEAR in precisions else MONTH if MONTH in precisions else DAY
    if precision == YEAR:
        same = first.year == last.year
        return str(first.year) if same else f"{first.year}{DASH}{last.year}"
    if precision == MONTH:
        if (first.year, first.month) == (last.year, last.month):
            return format_date(first, MONTH, year=year)
        if first.year == last.year:
            tail = f" {last.year}" if year else ""
            return f"{first:%B}{DASH}{last:%B}{tail}"
        return f"{first:%B %Y}{DASH}{last:%B %Y}"
    if first == last:
        return format_date(first, DAY, year=year)
    tail = f" {last.year}" if year else ""
    if first.year != last.year:
        return f"{format_date(first)}{DASH}{format_date(last)}"
    if first.month == last.month:
        return f"{first.day}{DASH}{last.day} {last:%b}{tail}"
    return f"{first.day} {first:%b}{DASH}{last.day} {last:%b}{tail}"


def source_name(point: Point, names: Names | None = None) -> str:
    """Return the name of the point's source: its own, else from `names`."""
    if point.source_name:
        return point.source_name
    if names and point.source_id in names:
        return names[point.source_id]
    return "an unnamed source"


def quoted(point: Point, names: Names | None = None) -> str:
    """Return a figure as stated, with its source: “more than 50,000” (organisers)."""
    return f"“{point.figure}” ({source_name(point, names)})"


# The kinds whose source stated one number ("10,000", "about 12,000"): only these
# carry a `value` in the API and the linked data. A bound ("at least 3,000"), a range
# or a vague term carries its interval alone (docs/readers.md, API changelog).
ONE_NUMBER_KINDS = frozenset({EXACT, APPROXIMATE})


def stated_value(kind: str, value: Decimal | None) -> Decimal | None:
    """Return the one number a source stated, or None for a bound, a range or a
    vague term, whose interval is all there is."""
    return value if kind in ONE_NUMBER_KINDS else None


def estimates_range(estimates: Sequence[Point], names: Names | None = None) -> str:
    """Return what `estimates` run from and to, as the stated figures that bound
    them (qualifiers kept, never a middle): “up to 1,500” (HUR) to “at least
    3,000” (Kirby); one estimate alone: “several thousand” (HUR)."""
    if not estimates:
        return ""
    low, high = named_ends(estimates)
    if len(estimates) == 1 or low.id == high.id:
        return quoted(low, names)
    return f"{quoted(low, names)} to {quoted(high, names)}"


# How one estimate stands against the others (divergence.compare), in words. Only
# "above all" and "below all" are alarms; agreeing with some is not.
ALARMING_VERDICTS = frozenset({"above", "below"})


def comparison_words(comparison: Comparison) -> tuple[str, str]:
    """Return how an estimate compares with the other sources' as (verdict, rest):
    ("below", "the 1 other estimate"), ("agrees with 1 of", "the 6 other
    estimates"); ("", "no other source had a figure") when it stands alone."""
    total = comparison.total
    if comparison.verdict == "alone" or total == 0:
        return "", "no other source had a figure"
    others = f"the {total} other estimate{'' if total == 1 else 's'}"
    if comparison.verdict == "within":
        verdict = "agrees with" if total == 1 else "agrees with all"
    elif comparison.verdict in ALARMING_VERDICTS:
        verdict = comparison.verdict if total == 1 else f"{comparison.verdict} all"
    else:
        verdict = f"agrees with {comparison.agreeing} of"
    return verdict, others


def interpretation(kind: str, low: Decimal | None, high: Decimal | None) -> str:
    """Return how a figure reads as an interval, its kind's label first:
    “Range: 10,000 to 12,000”."""
    label = vocabulary.FIGURE_KIND_LABELS[kind]
    return f"{label}: {describe_interval(kind, low, high)}"


def reading(point: Point) -> str:
    """Return how a figure whose ends are not in its words is read, else ""."""
    if point.low is None or point.high is None:
        return ""
    span = f"{format_number(point.low)} to {format_number(point.high)}"
    if point.kind == APPROXIMATE:
        return f"“{point.figure}” is read as {span} (10 % either side)"
    if point.kind == QUALITATIVE:
        return f"“{point.figure}” is a vague term, read as {span}"
    return ""


def range_sentence(summary: Summary, names: Names | None = None) -> str:
    """Return what the current estimates run from and to, naming stated figures."""
    count = summary.source_count
    if count == 0 and summary.set_aside:
        when = f"As of {format_date(summary.as_of)}, no" if summary.as_of else "No"
        return (
            f"{when} figure is compared: the editors set aside every current "
            "figure for this claim."
        )
    if count == 0:
        if summary.as_of is None:
            return "No figure has been published yet."
        return f"No figure had been stated by {format_date(summary.as_of)}."
    when = f"As of {format_date(summary.as_of)}, the" if summary.as_of else "The"
    if count == 1:
        only = quoted(summary.lowest, names)
        return f"{when} one source's current estimate is {only}."
    return (
        f"{when} current estimates of {count} sources range from "
        f"{quoted(summary.lowest, names)} to {quoted(summary.highest, names)}."
    )


def range_figures(summary: Summary) -> str:
    """Return the current estimates' range as the stated figures that bound it, for
    lists: “between 20,000 and 25,000” to “more than 50,000”; "" without figures."""
    if summary.lowest is None:
        return ""
    low, high = summary.lowest, summary.highest
    if summary.source_count == 1 or low.id == high.id:
        return f"“{low.figure}”"
    return f"“{low.figure}” to “{high.figure}”"


def spread_label(summary: Summary) -> str:
    """Return the claim list's word for a spread that has no ratio: "one source",
    "overlap", "zero: no ratio" (the lowest estimate is zero), or "none compared"
    (the editors set every current figure aside); "" where a ratio is given."""
    if summary.source_count == 0:
        return "none compared" if summary.set_aside else ""
    if summary.source_count == 1:
        return "one source"
    if summary.overlaps:
        return "overlap"
    return "zero: no ratio" if summary.is_apart else ""


def overlap_sentence(summary: Summary, names: Names | None = None) -> str:
    """Return whether the current estimates overlap, and how far apart when not."""
    count = summary.source_count
    if count < 2:
        return ""
    if summary.overlaps:
        if count == 2:
            return "The two estimates overlap: some number lies within both."
        return f"All {count} estimates overlap: some number lies within every one."
    text = apart_sentence(
        summary.lowest,
        summary.highest,
        names,
        lower="the lowest estimate",
        higher="the highest estimate",
    )
    if summary.spread_ratio is not None and summary.spread_ratio < summary.threshold:
        text += (
            f" That is less than the {format_ratio(summary.threshold)} times this "
            "claim treats as a conflict."
        )
    return text


def apart_sentence(
    low: Point,
    high: Point,
    names: Names | None = None,
    *,
    lower: str = "the lower one",
    higher: str = "the higher one",
) -> str:
    """Return how far apart two estimates that do not overlap are, naming the two
    ends the ratio divides."""
    pair = f"{quoted(low, names)} and {quoted(high, names)} do not overlap"
    ratio = pair_ratio(low, high)
    if ratio is None:
        return f"{pair}: the first lies wholly below the second."
    text = (
        f"{pair}: {higher}'s lower end, {format_number(high.low)}, is "
        f"{format_ratio(ratio)} times {lower}'s upper end, {format_number(low.high)}."
    )
    notes = [note for note in (reading(low), reading(high)) if note]
    if notes:
        text += " " + "; ".join(notes) + "."
    return text


def conflict_sentence(conflict: Conflict, names: Names | None = None) -> str:
    """Return a conflict in words, for the review queue and the claim page."""
    text = apart_sentence(conflict.low, conflict.high, names)
    if conflict.is_vague:
        text += " This conflict involves a vague term."
    return text


def reported_sentence(summary: Summary, names: Names | None = None) -> str:
    """Return when the figures were first and last reported, as precisely as known."""
    first, latest = summary.first_reported, summary.latest
    if first is None:
        return ""
    first_text = f"{format_date(first.stated_on, first.precision)}"
    first_name = source_name(first, names)
    if first == latest:
        return f"One figure so far, reported {first_text} ({first_name})."
    return (
        f"First reported {first_text} ({first_name}); latest figure "
        f"{format_date(latest.stated_on, latest.precision)} "
        f"({source_name(latest, names)})."
    )


def step_text(step: Step, names: Names | None = None, *, year: bool = True) -> str:
    """Return one step of the evolution: "at least 3,000 (White House, 23 Oct)", or
    a spread: "10,000 (Pentagon) to closer to 12,000 (HUR), 28–29 Oct"."""
    span = format_span(step.points, year=year)
    if not step.is_spread:
        (point,) = step.figures
        return f"{point.figure} ({source_name(point, names)}, {span})"
    low, high = step.figures
    return (
        f"{low.figure} ({source_name(low, names)}) to "
        f"{high.figure} ({source_name(high, names)}), {span}"
    )


def evolution_line(steps: Sequence[Step], names: Names | None = None) -> str:
    """Return the evolution as one line of steps joined by arrows; the year is left
    out when every step falls in one year."""
    years = {p.stated_on.year for step in steps for p in step.points}
    return ARROW.join(step_text(s, names, year=len(years) > 1) for s in steps)


def status_sentence(
    summary: Summary, names: Names | None = None, *, queued: bool = True
) -> str:
    """Return the claim's status in a sentence, with the editors' note once judged.

    "Under review" is said only of a conflict pending in the editors' queue
    (`queued`) today: the as-of view, and a conflict in no queue, are told in
    neutral words, since what editors did later is not that day's news."""
    status = summary.status
    if status == NO_DATA and summary.set_aside:
        return "Not compared: every current figure is set aside by the editors."
    if status == NO_DATA:
        return "No figures yet."
    if status == SINGLE_SOURCE:
        if summary.source_count == 1:
            return "Single source: only one source has given a figure."
        return (
            f"Single source: the {summary.source_count} sources' figures come from "
            "one organisation or one statement."
        )
    if status == CORROBORATED:
        return (
            f"Corroborated: the estimates of {summary.independent_groups} "
            "independent sources overlap."
        )
    if status == APART:
        return (
            "The estimates do not overlap, and the lowest is zero: no ratio measures "
            "how far apart they are, so none is given."
        )
    if status == CLOSE:
        return (
            "The estimates do not overlap, but no two are "
            f"{format_ratio(summary.threshold)} times apart, the gap this claim "
            "treats as a conflict."
        )
    if status == UNDER_REVIEW:
        conflict = summary.open_conflict
        vague = " (one of them is a vague term)" if conflict.is_vague else ""
        if summary.as_of is not None or not queued:
            return (
                f"In conflict: {quoted(conflict.low, names)} and "
                f"{quoted(conflict.high, names)} are "
                f"{format_ratio(conflict.ratio)} times apart{vague}."
            )
        return (
            f"Under review: {quoted(conflict.low, names)} and "
            f"{quoted(conflict.high, names)} conflict{vague}, and the editors are "
            "looking into it."
        )
    conflict, judgement = summary.judged_conflict, summary.judgement
    pair = f"{quoted(conflict.low, names)} and {quoted(conflict.high, names)}"
    if status == DISMISSED:
        opening = f"The editors judged that {pair} are not a real conflict"
    elif status == EXPLAINED:
        opening = f"The editors explained the difference between {pair}"
    else:
        opening = f"The editors resolved the conflict between {pair}"
    return f"{opening}: {as_sentence(judgement.note)}{_signature(judgement)}"


def _signature(judgement: Judgement) -> str:
    parts = [judgement.editor] if judgement.editor else []
    if judgement.judged_on is not None:
        parts.append(format_date(judgement.judged_on))
    return f" ({', '.join(parts)})" if parts else ""


# Units people write before the number, as a sign, and their magnitudes in words.
CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "KRW": "₩"}
CURRENCY_NAMES = {"UAH": "hryvnias", "RUB": "roubles"}
MAGNITUDE_WORDS = (
    (Decimal(10) ** 12, "trillion"),
    (Decimal(10) ** 9, "billion"),
    (Decimal(10) ** 6, "million"),
)


def amount(value: Decimal, unit: str = "") -> str:
    """Return a number with its unit as people write it: “$540 million”,
    “1.3 million soldiers”, “8 years”, “3,000 troops”."""
    text = _readable(value)
    unit = unit.strip()
    if unit.upper() in CURRENCY_SIGNS:
        return f"{CURRENCY_SIGNS[unit.upper()]}{text}"
    if unit.upper() in CURRENCY_NAMES:
        return f"{text} {CURRENCY_NAMES[unit.upper()]}"
    return f"{text} {unit}".strip()


def reading_with_unit(
    kind: str, low: Decimal | None, high: Decimal | None, unit: str = ""
) -> str:
    """Return an interval in words with its unit: “8 to 10 years”, “at least
    3,000 troops”, “$500 million to $600 million”."""
    if low is None and high is None:
        return "no bounds"
    if high is None:
        return f"at least {amount(low, unit)}"
    if low is None:
        return f"at most {amount(high, unit)}"
    if low == high:
        return amount(low, unit)
    if unit.strip().upper() in CURRENCY_SIGNS:
        return f"{amount(low, unit)} to {amount(high, unit)}"
    return f"{_readable(low)} to {amount(high, unit)}"


def _readable(value: Decimal) -> str:
    """Return 540000000 as “540 million” and 1300000 as “1.3 million”; smaller
    numbers with thousands separators."""
    value = Decimal(value)
    for size, word in MAGNITUDE_WORDS:
        if abs(value) >= size:
            scaled = (value / size).quantize(Decimal("0.01")).normalize()
            if scaled == scaled.to_integral_value():
                scaled = scaled.quantize(Decimal(1))
            return f"{scaled:f} {word}"
    return format_number(value)
