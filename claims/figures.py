"""Parse figures as phrased ("at least 3,000", "10,000–12,000") into intervals.

Pure logic: nothing here touches the database or settings. The one Django import is
`ValidationError`, so that a bad figure shows as a field error in forms and imports
without translation.

A parsed figure is an interval [low, high] of Decimals, where an open side is None:

=============  ========================  ===========================================
kind           example                   interval
=============  ========================  ===========================================
exact          "1,500", "1.3 million"    low = high = the number
approximate    "about 12,000", "~500"    the number ± APPROXIMATE_MARGIN (10 %)
at_least       "at least 3,000"          low = the number, high open (None)
at_most        "up to 1,500"             low open (None), high = the number
range          "10,000–12,000"           low = first number, high = second
qualitative    "several thousand"        the default interval of QUALITATIVE_TERMS
=============  ========================  ===========================================

Vague words ("several thousand", "dozens", "hundreds") get the default intervals in
QUALITATIVE_TERMS. Conflict event data sets code such words with their lowest reading
(ACLED) or a low/best/high triple (UCDP GED); we keep the whole interval, so the low
end is always there, and a researcher can override both bounds on any assertion.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

EXACT = "exact"
APPROXIMATE = "approximate"
AT_LEAST = "at_least"
AT_MOST = "at_most"
RANGE = "range"
QUALITATIVE = "qualitative"
KINDS = (EXACT, APPROXIMATE, AT_LEAST, AT_MOST, RANGE, QUALITATIVE)

# "about 12,000" is read as 12,000 ± 10 %: 10,800 to 13,200.
APPROXIMATE_MARGIN = Decimal("0.1")

# The largest figure accepted, and the decimal places kept: the database columns hold
# 26 digits with 4 after the point.
MAX_FIGURE = Decimal(10) ** 21
DECIMAL_PLACES = 4

ACCEPTED = (
    "Write a number such as 1,500, 1.3 million, $540m or 3k, optionally with "
    '"about", "at least", "up to", a range such as 10,000–12,000 or "between 10 and '
    '12 thousand", or a vague term such as "several thousand".'
)

MAGNITUDES = {
    "thousand": Decimal(1_000),
    "k": Decimal(1_000),
    "million": Decimal(1_000_000),
    "mn": Decimal(1_000_000),
    "m": Decimal(1_000_000),
    "billion": Decimal(1_000_000_000),
    "bn": Decimal(1_000_000_000),
    "b": Decimal(1_000_000_000),
    "trillion": Decimal(1_000_000_000_000),
    "tn": Decimal(1_000_000_000_000),
}

CURRENCY_SIGNS = {
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₩": "KRW",
    "₴": "UAH",
    "₽": "RUB",
}

# Qualifier phrases. Where two end at the same place, the longer wins:
# "no more than" over "more than".
APPROXIMATE_WORDS = (
    "approximately", "an estimated", "estimated", "closer to", "close to", "roughly",
    "around", "about", "nearly", "almost", "circa", "approx.", "approx", "some", "ca.",
    "~", "≈",
)  # fmt: skip
AT_LEAST_WORDS = (
    "no fewer than", "not fewer than", "no less than", "not less than", "in excess of",
    "upwards of", "more than", "at least", "over", "above", "≥", ">",
)  # fmt: skip
AT_MOST_WORDS = (
    "no more than", "not more than", "as many as", "fewer than", "less than", "at most",
    "up to", "under", "below", "≤", "<",
)  # fmt: skip
AT_LEAST_SUFFIXES = ("+", "or more", "plus", "and more")
AT_MOST_SUFFIXES = ("or fewer", "or less")
RANGE_CONNECTORS = ("-", "to", "and", "or")

# Default intervals for vague quantities. Multipliers combine with magnitudes:
# "several thousand" is 3,000–9,000, "a few hundred" 200–500.
VAGUE_MULTIPLIERS = {
    "a few": (Decimal(2), Decimal(5)),
    "a handful of": (Decimal(2), Decimal(5)),
    "several": (Decimal(3), Decimal(9)),
}
VAGUE_UNITS = {
    "dozen": Decimal(12),
    "hundred": Decimal(100),
    "thousand": Decimal(1_000),
    "million": Decimal(1_000_000),
    "billion": Decimal(1_000_000_000),
}
PLURAL_TERMS = {
    "a handful": (Decimal(2), Decimal(5)),
    "a few": (Decimal(2), Decimal(5)),
    "several": (Decimal(3), Decimal(9)),
    "dozens": (Decimal(24), Decimal(99)),
    "scores": (Decimal(40), Decimal(99)),
    "hundreds": (Decimal(200), Decimal(999)),
    "thousands": (Decimal(2_000), Decimal(9_999)),
    "tens of thousands": (Decimal(20_000), Decimal(99_999)),
    "hundreds of thousands": (Decimal(200_000), Decimal(999_999)),
    "millions": (Decimal(2_000_000), Decimal(9_999_999)),
    "tens of millions": (Decimal(20_000_000), Decimal(99_999_999)),
    "hundreds of millions": (Decimal(200_000_000), Decimal(999_999_999)),
    "billions": (Decimal(2_000_000_000), Decimal(9_999_999_999)),
}


def _build_qualitative_terms() -> dict[str, tuple[Decimal, Decimal]]:
    terms = dict(PLURAL_TERMS)
    for word, (low, high) in VAGUE_MULTIPLIERS.items():
        for unit, size in VAGUE_UNITS.items():
            terms[f"{word} {unit}"] = (low * size, high * size)
    return terms


# Every vague term understood, with its default interval (README lists them).
QUALITATIVE_TERMS: dict[str, tuple[Decimal, Decimal]] = _build_qualitative_terms()

_NUMBER_RE = re.compile(
    r"""
    (?P<sign>[-−]\s*)?
    (?P<currency>[$€£¥₩₴₽])?\s*
    (?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)
    (?:\s*(?P<magnitude>thousand|million|billion|trillion|mn|bn|tn|k|m|b)(?![a-z]))?
    """,
    re.VERBOSE,
)
_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―"), "-")


@dataclass(frozen=True)
class Figure:
    """One figure as phrased, and the interval it stands for."""

    text: str
    kind: str
    low: Decimal | None
    high: Decimal | None
    value: Decimal | None = None  # the stated number, where the phrase has one
    qualifier: str = ""  # the words that set the kind: "at least", "+", "several"
    currency: str = ""  # ISO code when the figure carried a sign: "USD"

    def __post_init__(self):
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"low {self.low} is above high {self.high}")


@dataclass(frozen=True)
class _Number:
    value: Decimal
    raw: Decimal
    multiplier: Decimal | None
    currency: str
    start: int
    end: int


def parse_figure(text: str) -> Figure:
    """Return the Figure that `text` states; raise ValidationError on bad input."""
    if text is None or not str(text).strip():
        raise ValidationError(f"The figure is empty. {ACCEPTED}", code="empty")
    original = str(text)
    normal = _normalise(original)
    numbers = _find_numbers(normal, original)

    if not numbers:
        return _parse_vague(normal, original)
    if len(numbers) > 2:
        raise ValidationError(
            f"“{original}” holds {len(numbers)} numbers; an assertion states one "
            f"figure or one range. {ACCEPTED}",
            code="too_many_numbers",
        )
    if len(numbers) == 2:
        return _parse_range(normal, original, numbers[0], numbers[1])
    return _parse_single(normal, original, numbers[0])


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).lower()
    text = re.sub(r"\s+", " ", text).strip()
    # "a thousand", "a dozen": the article stands for one.
    text = re.sub(
        r"\b(?:a|one) (dozen|hundred|thousand|million|billion)\b", r"1 \1", text
    )
    return re.sub(r"\b1 dozen\b", "12", text)


def _find_numbers(normal: str, original: str) -> list[_Number]:
    numbers = []
    for match in _NUMBER_RE.finditer(normal):
        if match.group("sign") and _is_negative(normal, match, numbers):
            raise ValidationError(
                f"“{original}” is negative; figures are counts or amounts of zero or "
                "more. Write the size of a loss as a positive figure.",
                code="negative",
            )
        try:
            raw = Decimal(match.group("number").replace(",", ""))
        except (
            InvalidOperation
        ) as error:  # pragma: no cover - the regex admits digits only
            raise ValidationError(f"“{original}” has an unreadable number.") from error
        magnitude = match.group("magnitude")
        value = raw * MAGNITUDES[magnitude] if magnitude else raw
        start = (
            match.start("currency")
            if match.group("currency")
            else match.start("number")
        )
        numbers.append(
            _Number(
                value=value,
                raw=raw,
                multiplier=MAGNITUDES[magnitude] if magnitude else None,
                currency=CURRENCY_SIGNS.get(match.group("currency") or "", ""),
                start=start,
                end=match.end(),
            )
        )
    return numbers


def _is_negative(normal: str, match: re.Match, earlier: list[_Number]) -> bool:
    """Tell a minus sign from a range dash: a dash after a number joins a range."""
    if not earlier:
        return True
    between = normal[earlier[-1].end : match.start()].strip()
    return between not in ("", "-")


def _parse_single(normal: str, original: str, number: _Number) -> Figure:
    value = _checked(number.value, original)
    before = normal[: number.start].strip()
    after = normal[number.end :].strip()

    suffix = _suffix(after, AT_LEAST_SUFFIXES)
    if suffix:
        return _figure(original, AT_LEAST, value, None, value, suffix, number.currency)
    suffix = _suffix(after, AT_MOST_SUFFIXES)
    if suffix:
        return _figure(original, AT_MOST, None, value, value, suffix, number.currency)

    kind, qualifier = _prefix_qualifier(before)
    if kind == APPROXIMATE:
        margin = value * APPROXIMATE_MARGIN
        return _figure(
            original,
            APPROXIMATE,
            value - margin,
            value + margin,
            value,
            qualifier,
            number.currency,
        )
    if kind == AT_LEAST:
        return _figure(
            original, AT_LEAST, value, None, value, qualifier, number.currency
        )
    if kind == AT_MOST:
        return _figure(
            original, AT_MOST, None, value, value, qualifier, number.currency
        )
    return _figure(original, EXACT, value, value, value, "", number.currency)


def _parse_range(normal: str, original: str, first: _Number, second: _Number) -> Figure:
    connector = normal[first.end : second.start].strip()
    before = normal[: first.start].strip()
    if connector not in RANGE_CONNECTORS or (
        connector == "and" and not before.endswith("between")
    ):
        raise ValidationError(
            f"“{original}” holds two numbers but not a range. Write a range as "
            "“10,000–12,000”, “10,000 to 12,000” or “between 10,000 and 12,000”.",
            code="not_a_range",
        )
    low = first.value
    # "10-12 thousand": the magnitude and currency of the second number apply to both.
    if second.multiplier and not first.multiplier and first.raw <= second.raw:
        low = first.raw * second.multiplier
    low, high = _checked(low, original), _checked(second.value, original)
    if low > high:
        raise ValidationError(
            f"“{original}” is a reversed range: {format_number(low)} is above "
            f"{format_number(high)}. Write the lower figure first.",
            code="reversed_range",
        )
    currency = first.currency or second.currency
    qualifier = "between" if before.endswith("between") else connector
    return _figure(original, RANGE, low, high, None, qualifier, currency)


def _parse_vague(normal: str, original: str) -> Figure:
    phrase = re.sub(r"[^a-z ]", " ", normal)
    phrase = f" {re.sub(r' +', ' ', phrase).strip()} "
    matches = [term for term in QUALITATIVE_TERMS if f" {term} " in phrase]
    if not matches:
        raise ValidationError(
            f"“{original}” has no recognisable figure. {ACCEPTED}", code="no_figure"
        )
    term = max(matches, key=len)  # "several thousand" rather than "several"
    low, high = QUALITATIVE_TERMS[term]
    return _figure(original, QUALITATIVE, low, high, None, term, "")


def _qualifier_pattern() -> re.Pattern:
    words = {}
    for kind, group in (
        (AT_MOST, AT_MOST_WORDS),
        (AT_LEAST, AT_LEAST_WORDS),
        (APPROXIMATE, APPROXIMATE_WORDS),
    ):
        for word in group:
            words[word] = kind
    # Longest first, so "no more than" is found rather than "more than" inside it.
    alternatives = [
        (rf"\b{re.escape(w)}" if w[0].isalpha() else re.escape(w))
        for w in sorted(words, key=len, reverse=True)
    ]
    return re.compile(f"(?:{'|'.join(alternatives)})(?![a-z])"), words


_QUALIFIER_RE, _QUALIFIER_KIND = _qualifier_pattern()
_FILLER_RE = re.compile(r"(?:of|the|a|some|an)(?: (?:of|the|a|an))*")


def _prefix_qualifier(before: str) -> tuple[str, str]:
    """Return the kind set by the qualifier nearest before the number, if any."""
    last = None
    for match in _QUALIFIER_RE.finditer(before):
        last = match
    if last is None:
        return EXACT, ""
    # Only a qualifier next to the number counts: "over 3,000", not
    # "over the border, 3,000".
    gap = before[last.end() :].strip()
    if gap and not _FILLER_RE.fullmatch(gap):
        return EXACT, ""
    word = last.group(0)
    return _QUALIFIER_KIND[word], word


def _suffix(after: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if (
            after == suffix
            or after.startswith(suffix + " ")
            or (suffix == "+" and after.startswith("+"))
        ):
            return suffix
    return ""


def _checked(value: Decimal, original: str) -> Decimal:
    if value > MAX_FIGURE:
        raise ValidationError(
            f"“{original}” is larger than the largest figure accepted "
            f"({format_number(MAX_FIGURE)}).",
            code="too_large",
        )
    if value != value.quantize(
        Decimal(1).scaleb(-DECIMAL_PLACES), rounding="ROUND_DOWN"
    ):
        raise ValidationError(
            f"“{original}” has more than {DECIMAL_PLACES} decimal places.",
            code="too_precise",
        )
    return _tidy(value)


def _figure(text, kind, low, high, value, qualifier, currency) -> Figure:
    return Figure(
        text=text,
        kind=kind,
        low=None if low is None else _tidy(low),
        high=None if high is None else _tidy(high),
        value=None if value is None else _tidy(value),
        qualifier=qualifier,
        currency=currency,
    )


def _tidy(value: Decimal) -> Decimal:
    """Return `value` without trailing zeros or exponent: 1.3e6 becomes 1300000."""
    value = value.quantize(Decimal(1).scaleb(-DECIMAL_PLACES))
    integral = value.to_integral_value()
    return integral if value == integral else value.normalize()


def format_number(value: Decimal | None) -> str:
    """Return `value` with thousands separators and no trailing zeros: 10800, 0.5."""
    if value is None:
        return ""
    value = _tidy(Decimal(value))
    if value == value.to_integral_value():
        return f"{int(value):,}"
    whole, _, fraction = f"{value:f}".partition(".")
    return f"{int(whole):,}.{fraction}"


def plain_number(value: Decimal | None) -> str:
    """Return `value` as a file writes it: no separators, no trailing zeros: 10800."""
    if value is None:
        return ""
    return f"{_tidy(Decimal(value)):f}"


def describe_interval(kind: str, low: Decimal | None, high: Decimal | None) -> str:
    """Return the interval in words: "10,000 to 12,000", "at least 3,000"."""
    if low is None and high is None:
        return "no bounds"
    if high is None:
        return f"at least {format_number(low)}"
    if low is None:
        return f"at most {format_number(high)}"
    if low == high:
        return format_number(low)
    return f"{format_number(low)} to {format_number(high)}"
