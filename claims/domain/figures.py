"""Read figures as phrased ("at least 3,000", "10,000–12,000") into intervals.

Pure logic: nothing here imports Django or touches the database. A figure that cannot
be read raises FigureError, whose text says what was found and what is accepted; the
callers turn it into a field error.

A reading is an interval [low, high] of Decimals, where an open side is None:

===========  ===============================================  ========================
kind         examples                                         interval
===========  ===============================================  ========================
exact        "1,500", "1.3 million", "three thousand",         low = high = the number
             "a hundred thousand", "half a million", "none"
approximate  "about 12,000", "c. 4,000", "est. 3,000",         the number ± 10 %
             "1,500 or so", "3,000 (est.)", "some 600"
approximate  "nearly N", "almost N", "just under N"            [0.9 N, N]
approximate  "just over N", "300-odd"                          [N, 1.1 N]
approximate  "a couple of hundred"                             200 ± 10 %
approximate  "3,000 ± 500", "3,000 plus or minus 500"          [2,500, 3,500]
at_least     "at least 3,000", "more than", "over", "north     low = N, high open
             of", "100,000-plus", "12,000+"
at_most      "up to 1,500", "fewer than", "no more than",      low open, high = N
             "as many as", "south of"
range        "10,000–12,000", "between 10 and 12 thousand",    the two numbers
             "2-3 hundred", "200-300,000", "at least 1,500
             and as many as 3,000"
qualitative  "several thousand", "dozens", "tens of people",   QUALITATIVE_TERMS
             "a few hundred thousand"
===========  ===============================================  ========================

Conventions, with their reasons:

- "more than N", "over N" and "above N" read as at least N, not N + 1: reporting rounds,
  and "more than 1,000" is not a claim about 1,000 itself.
- "nearly", "almost", "just under" say the figure is below N but close: [0.9 N, N].
  "just over" and "N-odd" mirror it: [N, 1.1 N]. Both stay "approximate".
- "a couple of hundred" is approximate (200 ± 10 %): "a couple" is looser than "two".
- A bound on a vague term keeps the term's side: "no more than a handful" is at most
  5, "more than several thousand" at least 3,000.
- A magnitude after the second number of a range is shared: "2-3 hundred" is 200–300,
  "10-12 thousand" 10,000–12,000 (when the first number is not above the second's).
  Written round thousands are shared too: "200-300,000" is 200,000–300,000 and
  "2-3,000,000" 2–3 million, when the first number lies from a tenth of the second's
  leading part (300, 3) up to, not including, it; "1-1,000" and "1-1,500" stay as
  written.
- A vague word with a compound magnitude is read whole: "several hundred thousand" is
  (3–9) × 100,000. Plural words take their literal minimum: "dozens" is at least two
  dozen (24), "hundreds" at least 200. ACLED codes "dozens" as 12 and "hundreds" as 100;
  we keep the plural's minimum, and a researcher can override any reading by hand.
- Approximate bounds derived from the number are rounded outwards to DECIMAL_PLACES;
  the stated number itself is never rounded: more places are refused.

Refused, each with a message naming what was found: percentages, ratios ("1 in 5",
"3:1"), fractions ("1/2", "½"), European "10.000" and "1,5", Indian grouping
"10,00,000", scientific "1e6", digits glued to letters ("123abc"), dangling dashes
("3000-"), footnote markers ("3000¹", "3,000*", "[1]"), negative figures, reversed
ranges, more than two numbers, a bound before a range, control and bidirectional
formatting characters, text longer than MAX_LENGTH, and figures that break check_bound.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation, localcontext

EXACT = "exact"
APPROXIMATE = "approximate"
AT_LEAST = "at_least"
AT_MOST = "at_most"
RANGE = "range"
QUALITATIVE = "qualitative"
KINDS = (EXACT, APPROXIMATE, AT_LEAST, AT_MOST, RANGE, QUALITATIVE)

# "about 12,000" is read as 12,000 ± 10 %: 10,800 to 13,200. "nearly 12,000" takes the
# lower half of that band, "just over 12,000" the upper half.
APPROXIMATE_MARGIN = Decimal("0.1")

# The largest figure accepted (10¹⁵: more than any count or budget in the data) and the
# decimal places kept, as the database columns store them.
MAX_FIGURE = Decimal(10) ** 15
DECIMAL_PLACES = 4
# The longest figure text read, as long as the model's `figure` column.
MAX_LENGTH = 200

ACCEPTED = (
    "Write a number such as 1,500, 1.3 million, $540m, 3k or three thousand, "
    'optionally with "about", "at least", "up to", a range such as 10,000–12,000 or '
    '"between 10 and 12 thousand", or a vague term such as "several thousand".'
)


class FigureError(ValueError):
    """A figure that cannot be read; str(error) is the message for people."""

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message

    @property
    def messages(self) -> list[str]:
        """Return the message in a list, as Django's ValidationError offers it."""
        return [self.message]


# Magnitude words and their sizes. Plurals are read after a number ("1.3 millions");
# alone they are vague terms ("millions").
MAGNITUDES = {
    "dozen": Decimal(12),
    "score": Decimal(20),
    "hundred": Decimal(100),
    "thousand": Decimal(1_000),
    "lakh": Decimal(100_000),
    "million": Decimal(1_000_000),
    "crore": Decimal(10_000_000),
    "billion": Decimal(1_000_000_000),
    "trillion": Decimal(1_000_000_000_000),
}
PLURAL_MAGNITUDES = {
    f"{word}s": size for word, size in MAGNITUDES.items() if word != "score"
}
# Abbreviations, read only straight after digits: "3k", "$540m", "2.5 bn".
ABBREVIATIONS = {
    "k": Decimal(1_000),
    "m": Decimal(1_000_000),
    "mn": Decimal(1_000_000),
    "mln": Decimal(1_000_000),
    "b": Decimal(1_000_000_000),
    "bn": Decimal(1_000_000_000),
    "bln": Decimal(1_000_000_000),
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
    "₹": "INR",
}
# "US$540m", "HK$3bn": the letters say which dollar.
DOLLAR_PREFIXES = {"us": "USD", "hk": "HKD", "c": "CAD", "a": "AUD", "nz": "NZD"}
CURRENCY_CODES = frozenset(
    ("usd", "eur", "gbp", "jpy", "krw", "uah", "rub", "inr", "cny", "chf", "cad", "aud")
)

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19,
}  # fmt: skip
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
ZERO_WORDS = ("none", "nil")

# Qualifier phrases. Where two end at the same place, the longer wins: "no more than"
# over "more than", "just under" over "under".
APPROXIMATE_WORDS = (
    "about", "around", "approximately", "approx.", "approx", "roughly", "some",
    "an estimated", "estimated", "est.", "est", "circa", "c.", "ca.", "ca",
    "close to", "closer to", "in the region of", "in the order of", "on the order of",
    "of the order of", "in the neighbourhood of", "in the neighborhood of",
    "more or less", "give or take", "somewhere around", "an approximate", "~", "≈",
)  # fmt: skip
BELOW_WORDS = (
    "nearly", "almost", "just under", "just below", "just short of", "just shy of",
    "just less than", "just fewer than", "slightly under", "slightly below",
    "slightly less than", "slightly fewer than", "a little under", "a little less than",
    "a little fewer than", "approaching", "not quite", "getting on for",
)  # fmt: skip
ABOVE_WORDS = (
    "just over", "just above", "just more than", "just in excess of", "slightly over",
    "slightly above", "slightly more than", "a little over", "a little above",
    "a little more than", "a bit over", "a bit more than",
)  # fmt: skip
AT_LEAST_WORDS = (
    "at least", "more than", "over", "above", "in excess of", "upwards of",
    "upward of", "no fewer than", "not fewer than", "no less than", "not less than",
    "north of", "as few as", "a minimum of", "at a minimum", "at minimum", "minimum",
    "well over", "well above", "well in excess of", "greater than", "exceeding", "≥",
    ">", ">=",
)  # fmt: skip
AT_MOST_WORDS = (
    "up to", "upto", "at most", "no more than", "not more than", "fewer than",
    "less than", "under", "below", "south of", "as many as", "as much as",
    "as high as", "a maximum of", "at the most", "maximum", "max", "max.",
    "not exceeding", "no greater than", "well under", "well below", "≤", "<", "<=",
)  # fmt: skip
APPROXIMATE_SUFFIXES = (
    "or so", "or thereabouts", "give or take", "more or less", "(est.)", "(est)",
    "(estimated)", "(approx.)", "(approx)", "(approximately)", "est.", "approx.",
    "approximately", "roughly",
)  # fmt: skip
ABOVE_SUFFIXES = ("odd", "-odd")
AT_LEAST_SUFFIXES = (
    "+", "plus", "-plus", "or more", "and more", "or above", "and above", "and up",
    "and upwards", "or over", "and over", "or higher", "at least", "at a minimum",
    "minimum",
)  # fmt: skip
AT_MOST_SUFFIXES = (
    "or fewer", "or less", "or under", "and under", "or below", "and below", "or lower",
    "at most", "at the most", "at maximum", "maximum", "max", "max.",
)  # fmt: skip
RANGE_CONNECTORS = ("-", "to", "and", "or")
# Words that may join "at least 1,500" to "as many as 3,000".
BOUND_JOINERS = frozenset(
    ("and", "but", ",", ";", "possibly", "perhaps", "maybe", "potentially", "even")
)
# Words allowed between a qualifier and its number: "over the 3,000", "some of the".
FILLERS = frozenset(("the", "of", "a", "an", "some"))

# Default intervals for vague quantities. Multipliers combine with magnitudes, simple
# or compound: "several thousand" is 3,000–9,000, "a few hundred thousand"
# 200,000–500,000.
VAGUE_MULTIPLIERS = {
    "a few": (Decimal(2), Decimal(5)),
    "a handful of": (Decimal(2), Decimal(5)),
    "several": (Decimal(3), Decimal(9)),
}
VAGUE_UNITS = {
    "dozen": Decimal(12),
    "hundred": Decimal(100),
    "thousand": Decimal(1_000),
    "hundred thousand": Decimal(100_000),
    "million": Decimal(1_000_000),
    "hundred million": Decimal(100_000_000),
    "billion": Decimal(1_000_000_000),
}
# A plural's low end is its literal minimum: "dozens" is at least two dozen. ACLED
# codes "dozens" as 12 and "hundreds" as 100 (docs/figures.md).
PLURAL_TERMS = {
    "a handful": (Decimal(2), Decimal(5)),
    "a few": (Decimal(2), Decimal(5)),
    "several": (Decimal(3), Decimal(9)),
    "tens": (Decimal(20), Decimal(99)),
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
    "tens of billions": (Decimal(20_000_000_000), Decimal(99_999_999_999)),
    "hundreds of billions": (Decimal(200_000_000_000), Decimal(999_999_999_999)),
}


def _build_qualitative_terms() -> dict[str, tuple[Decimal, Decimal]]:
    terms = dict(PLURAL_TERMS)
    for word, (low, high) in VAGUE_MULTIPLIERS.items():
        for unit, size in VAGUE_UNITS.items():
            terms[f"{word} {unit}"] = (low * size, high * size)
    return terms


# Every vague term listed in docs/figures.md, with its default interval. The parser
# reads any multiplier with any rising chain of magnitudes, of which these are the
# usual.
QUALITATIVE_TERMS: dict[str, tuple[Decimal, Decimal]] = _build_qualitative_terms()


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
        if self.kind not in KINDS:
            raise FigureError(f"“{self.kind}” is not a kind of figure.", "kind")
        open_sides = {
            EXACT: (False, False),
            AT_LEAST: (False, True),
            AT_MOST: (True, False),
        }.get(self.kind, (False, False))
        if (self.low is None, self.high is None) != open_sides:
            raise FigureError(
                f"A {self.kind} figure cannot have these bounds.", "bounds"
            )
        if self.kind == EXACT and self.low != self.high:
            raise FigureError("An exact figure has equal bounds.", "bounds")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise FigureError(f"low {self.low} is above high {self.high}", "bounds")


# The name the issue tracker and newer callers use.
ParsedFigure = Figure


def check_bound(value: Decimal | int | str, *, label: str = "") -> None:
    """Raise FigureError unless `value` is a figure the database can hold.

    A figure is finite, not negative, at most MAX_FIGURE and has at most
    DECIMAL_PLACES decimal places; more places are refused rather than rounded. Use it
    for parsed figures and for low and high set by hand alike.
    """
    name = label or f"“{value}”"
    if isinstance(value, float):
        value = repr(value)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise FigureError(
            f"{name} is not a number. Write a number such as 1500.", "not_a_number"
        ) from None
    if not number.is_finite():
        raise FigureError(
            f"{name} is not a finite number. Write a count or an amount.", "not_finite"
        )
    if number < 0:
        raise FigureError(
            f"{name} is negative; figures are counts or amounts of zero or more. "
            "Write the size of a loss as a positive figure.",
            "negative",
        )
    if number > MAX_FIGURE:
        raise FigureError(
            f"{name} is larger than the largest figure accepted "
            f"({format_number(MAX_FIGURE)}). Write the figure with its real magnitude.",
            "too_large",
        )
    with localcontext(prec=60):
        if number != number.quantize(Decimal(1).scaleb(-DECIMAL_PLACES), ROUND_FLOOR):
            raise FigureError(
                f"{name} has more than {DECIMAL_PLACES} decimal places; figures are "
                f"kept to {DECIMAL_PLACES} places and a longer one is refused, not "
                f"rounded. Write at most {DECIMAL_PLACES} decimal places.",
                "too_precise",
            )


# ---------------------------------------------------------------------------- reading

_DIGITS = frozenset("0123456789")
_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−﹘"), "-") | {ord("∼"): "~"}
# Invisible marks dropped before reading: direction marks (right-to-left quotes need
# them), zero-width spaces and joiners, the byte-order mark and the soft hyphen.
_IGNORED = frozenset("\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad\u061c")
_BIDI_CONTROLS = frozenset(map(chr, (*range(0x202A, 0x202F), *range(0x2066, 0x206A))))
_FOOTNOTE_MARKS = frozenset("*†‡[]")


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "num", "word" or "sym"
    text: str
    start: int
    end: int
    spaced: bool  # whitespace before it
    value: Decimal | None = None
    groups: int = 0  # thousands groups written: "300,000" has 1
    dot_three: bool = False  # "10.000": a point and three digits, ambiguous alone


@dataclass(frozen=True, slots=True)
class _Quantity:
    """A number or vague term as written, before qualifiers are applied."""

    start: int  # token indexes
    end: int
    low: Decimal
    high: Decimal
    vague: str = ""  # the vague term: "several thousand"
    approximate: bool = False  # "a couple of hundred"
    base: Decimal | None = None  # 3 in "3 thousand"
    magnitude: Decimal | None = None  # 1,000 in "3 thousand"
    groups: int = 0
    currency: str = ""


def parse_figure(text: str) -> Figure:
    """Return the Figure that `text` states; raise FigureError if it cannot be read."""
    original = "" if text is None else str(text)
    if len(original) > MAX_LENGTH:
        raise FigureError(
            f"The figure is {len(original):,} characters long. Write at most "
            f"{MAX_LENGTH}: the figure itself (“about 3,000”), not the sentence "
            "around it.",
            "too_long",
        )
    if not original.strip():
        raise FigureError(f"The figure is empty. {ACCEPTED}", "empty")
    # Exact arithmetic: a 200-character figure fits well within 600 digits.
    with localcontext(prec=600):
        return _Reading(original).figure()


class _Reading:
    """One figure being read: its text, its tokens and the quantities found."""

    def __init__(self, original: str):
        self.original = original
        self.quoted = f"“{original.strip()}”"
        self.normal = self._normalise(original)
        self.tokens = self._tokenise(self.normal)
        self.keys = [
            "#" if token.kind == "num" else token.text for token in self.tokens
        ]

    def fail(self, message: str, code: str) -> FigureError:
        return FigureError(message, code)

    # -- text

    def _normalise(self, text: str) -> str:
        kept = []
        for char in text:
            if char in _IGNORED:
                continue
            if char in _BIDI_CONTROLS:
                raise self.fail(
                    f"{self.quoted} holds the direction control U+{ord(char):04X}, "
                    "which can make text display as something other than what is "
                    "stored. Type the figure without it.",
                    "bidi_control",
                )
            category = unicodedata.category(char)
            if category in ("Cc", "Cf", "Cs") and char not in "\t\n\r":
                raise self.fail(
                    f"{self.quoted} holds the invisible character U+{ord(char):04X}. "
                    "Type the figure without it.",
                    "control_character",
                )
            decomposition = unicodedata.decomposition(char)
            if decomposition.startswith(("<super>", "<sub>")):
                raise self.fail(
                    f"{self.quoted} holds the superscript or subscript “{char}”, such "
                    "as a footnote marker. Write the figure alone: “3,000”, not "
                    "“3,000¹”.",
                    "footnote",
                )
            if decomposition.startswith("<fraction>") or char == "⁄":
                raise self._fraction()
            kept.append(char)
        text = unicodedata.normalize("NFKC", "".join(kept)).lower()
        text = "".join(
            str(unicodedata.decimal(char)) if char.isdecimal() else char
            for char in text
        )
        text = text.translate(_DASHES).replace("+/-", "±")
        return " ".join(text.split())

    def _tokenise(self, text: str) -> list[_Token]:
        tokens: list[_Token] = []
        size = len(text)
        i = 0
        spaced = False
        while i < size:
            char = text[i]
            if char == " ":
                spaced = True
                i += 1
                continue
            leading_point = (
                char == "."
                and i + 1 < size
                and text[i + 1] in _DIGITS
                and (i == 0 or not text[i - 1].isalnum())
            )
            if char in _DIGITS or leading_point:
                token = self._scan_number(text, i, spaced)
            elif char.isalpha():
                j = i + 1
                while j < size and text[j].isalpha():
                    j += 1
                token = _Token("word", text[i:j], i, j, spaced)
            else:
                token = _Token("sym", char, i, i + 1, spaced)
            tokens.append(token)
            i = token.end
            spaced = False
        return tokens

    def _scan_number(self, text: str, start: int, spaced: bool) -> _Token:
        size = len(text)

        def digits_end(j: int) -> int:
            while j < size and text[j] in _DIGITS:
                j += 1
            return j

        if text[start] == ".":
            whole, j = "0", start
        else:
            j = digits_end(start)
            whole = text[start:j]
        groups, separator = 0, ""
        while (
            text[start] != "."
            and j + 1 < size
            and text[j] in ", '’"
            and text[j + 1] in _DIGITS
        ):
            mark, k = text[j], digits_end(j + 1)
            group = text[j + 1 : k]
            if mark in "'’":
                raise self.fail(
                    f"{self.quoted} uses an apostrophe as a thousands separator. "
                    "Write 10,000 or 10 000.",
                    "apostrophe_grouping",
                )
            if mark == " ":
                if len(group) != 3 or (groups == 0 and len(whole) > 3):
                    break  # a space between two numbers, not a separator
                if separator == ",":
                    raise self._mixed_grouping()
            else:
                if len(group) == 2 and text[k : k + 1] == ",":
                    raise self.fail(
                        f"{self.quoted} uses Indian digit grouping (lakh and crore). "
                        "Group thousands by threes (1,000,000) or write the word "
                        "(10 lakh).",
                        "indian_grouping",
                    )
                if len(group) != 3 or (
                    groups == 0 and (len(whole) > 3 or whole == "0")
                ):
                    raise self.fail(
                        f"{self.quoted} has a comma followed by {len(group)} "
                        f"digit{'s' if len(group) != 1 else ''}, which reads either as "
                        "a decimal comma or as uneven grouping. Write decimals with a "
                        "point (1.5 million) and group thousands by threes (1,500).",
                        "decimal_comma",
                    )
                if separator == " ":
                    raise self._mixed_grouping()
            separator = mark
            groups += 1
            whole += group
            j = k
        fraction = ""
        if j + 1 < size and text[j] == "." and text[j + 1] in _DIGITS:
            k = digits_end(j + 1)
            fraction, j = text[j + 1 : k], k
            if j + 1 < size and text[j] in ".," and text[j + 1] in _DIGITS:
                raise self.fail(
                    f"{self.quoted} has points or commas in a European or date-like "
                    "pattern (10.000.000, 1.234,5, 28.10.2024). Write figures the "
                    "English way: 10,000,000 or 1,234.5.",
                    "european_number",
                )
        dot_three = groups == 0 and len(fraction) == 3 and whole.lstrip("0") != ""
        value = Decimal(f"{whole}.{fraction}" if fraction else whole)
        return _Token("num", text[start:j], start, j, spaced, value, groups, dot_three)

    def _mixed_grouping(self) -> FigureError:
        return self.fail(
            f"{self.quoted} mixes commas and spaces as thousands separators. Use one "
            "of them: 1,000,000 or 1 000 000.",
            "mixed_grouping",
        )

    def _fraction(self) -> FigureError:
        return self.fail(
            f"{self.quoted} holds a fraction. Write the count it stands for (500,000 "
            "for “half a million”) or a decimal (1.5 million).",
            "fraction",
        )

    # -- whole figure

    def figure(self) -> Figure:
        self._refuse_non_counts()
        quantities = self._quantities()
        self._refuse_stray_magnitudes(quantities)
        if not quantities:
            raise self.fail(
                f"{self.quoted} has no recognisable figure. {ACCEPTED}", "no_figure"
            )
        for quantity in quantities:
            self._refuse_sign(quantity, quantities)
        if len(quantities) > 2:
            raise self.fail(
                f"{self.quoted} holds {len(quantities)} numbers; an assertion states "
                f"one figure or one range. {ACCEPTED}",
                "too_many_numbers",
            )
        if len(quantities) == 2:
            return self._pair(*quantities)
        return self._single(quantities[0])

    def _refuse_non_counts(self) -> None:
        tokens, keys = self.tokens, self.keys
        for i, key in enumerate(keys):
            after = keys[i + 1] if i + 1 < len(keys) else ""
            if (
                key in ("%", "‰", "‱")
                or key in ("percent", "pct", "percentage")
                or (key == "per" and after in ("cent", "mille", "mil"))
            ):
                raise self.fail(
                    f"{self.quoted} is a percentage. Enter the count or amount it "
                    "stands for (“3,000”), not a share.",
                    "percentage",
                )
        for i, token in enumerate(tokens):
            key = keys[i]
            before = keys[i - 1] if i else ""
            after = keys[i + 1] if i + 1 < len(keys) else ""
            glued_next = i + 1 < len(tokens) and not tokens[i + 1].spaced
            if key == "^" or (
                token.kind == "num"
                and glued_next
                and after == "e"
                and i + 2 < len(tokens)
                and not tokens[i + 2].spaced
                and keys[i + 2] in ("#", "+", "-")
            ):
                raise self.fail(
                    f"{self.quoted} is in scientific notation. Write the number out "
                    "(1,000,000) or with a word (1 million).",
                    "scientific",
                )
            if key == "/" and "#" in (before, after):
                raise self._fraction()
            if key == ":" and before == "#" and after == "#":
                raise self.fail(
                    f"{self.quoted} is a ratio or a time, not a count. Enter the "
                    "count itself.",
                    "ratio",
                )
            if key in _FOOTNOTE_MARKS:
                raise self.fail(
                    f"{self.quoted} holds “{key}”, a footnote or editorial mark. "
                    "Write the figure alone and keep notes in the quote.",
                    "footnote",
                )
            if token.kind == "num" and glued_next and tokens[i + 1].kind == "word":
                if (
                    after in ABBREVIATIONS
                    or after in MAGNITUDES
                    or (after in PLURAL_MAGNITUDES)
                ):
                    continue
                if after in ("st", "nd", "rd", "th"):
                    raise self.fail(
                        f"{self.quoted} holds an ordinal ({token.text}{after}), not "
                        "a count. Enter the count itself.",
                        "ordinal",
                    )
                raise self._glued(token.text + after)
            if (
                token.kind == "word"
                and glued_next
                and tokens[i + 1].kind == "num"
                and key not in CURRENCY_CODES
            ):
                raise self._glued(key + tokens[i + 1].text)

    def _glued(self, found: str) -> FigureError:
        return self.fail(
            f"{self.quoted} has digits glued to letters (“{found}”). Put a space "
            "between a number and a word, or write the magnitude as k, m or bn "
            "(3k, $540m).",
            "glued",
        )

    def _refuse_stray_magnitudes(self, quantities: list[_Quantity]) -> None:
        inside = set()
        for quantity in quantities:
            inside.update(range(quantity.start, quantity.end))
        for i, key in enumerate(self.keys):
            if i not in inside and key in MAGNITUDES:
                raise self.fail(
                    f"{self.quoted} has “{key}” with no number before it. Write "
                    f"“3 {key}”, “three {key}” or “a {key}”.",
                    "stray_magnitude",
                )

    def _refuse_sign(self, quantity: _Quantity, quantities: list[_Quantity]) -> None:
        i = quantity.start
        if i == 0 or self.tokens[i].spaced or self.keys[i - 1] not in ("-", "+"):
            return
        if any(other.end == i - 1 for other in quantities):
            return  # "10-12": the dash joins a range
        if self.keys[i - 1] == "-":
            raise self.fail(
                f"{self.quoted} is negative; figures are counts or amounts of zero or "
                "more. Write the size of a loss as a positive figure.",
                "negative",
            )
        raise self.fail(
            f"{self.quoted} starts with a plus sign, as a change does. Write the "
            "figure itself (500), or 500+ for “at least 500”.",
            "signed",
        )

    # -- quantities

    def _quantities(self) -> list[_Quantity]:
        found = []
        i = 0
        while i < len(self.tokens):
            quantity = self._quantity_at(i)
            if quantity is None:
                i += 1
            else:
                found.append(quantity)
                i = quantity.end
        return found

    def _word(self, i: int) -> str:
        if i < len(self.tokens) and self.tokens[i].kind == "word":
            return self.tokens[i].text
        return ""

    def _quantity_at(self, i: int) -> _Quantity | None:
        currency, j = self._currency_prefix(i)
        quantity = None if currency else self._vague_at(j)
        if quantity is None:
            quantity = self._number_at(j)
        if quantity is None:
            return None
        if currency:
            return replace(quantity, start=i, currency=currency)
        end = quantity.end
        if end < len(self.keys) and self.keys[end] in CURRENCY_SIGNS:
            return replace(
                quantity, end=end + 1, currency=CURRENCY_SIGNS[self.keys[end]]
            )
        return quantity

    def _currency_prefix(self, i: int) -> tuple[str, int]:
        keys, tokens = self.keys, self.tokens

        def number_at(j: int) -> bool:
            return j < len(keys) and keys[j] == "#"

        if i >= len(keys):
            return "", i
        if keys[i] in CURRENCY_SIGNS and number_at(i + 1):
            return CURRENCY_SIGNS[keys[i]], i + 1
        if (
            keys[i] in DOLLAR_PREFIXES
            and i + 1 < len(keys)
            and keys[i + 1] == "$"
            and not tokens[i + 1].spaced
            and number_at(i + 2)
        ):
            return DOLLAR_PREFIXES[keys[i]], i + 2
        if keys[i] in CURRENCY_CODES and number_at(i + 1):
            return keys[i].upper(), i + 1
        return "", i

    def _match(self, i: int, phrase: tuple[str, ...]) -> bool:
        return tuple(self.keys[i : i + len(phrase)]) == phrase

    def _vague_at(self, i: int) -> _Quantity | None:
        # "a couple of hundred": approximate, twice the magnitude.
        for phrase in (("a", "couple", "of"), ("a", "couple")):
            if self._match(i, phrase):
                size, end = self._chain(i + len(phrase), after_digits=False)
                if size is None:
                    end = i + 2
                value = Decimal(2) * (size or 1)
                return _Quantity(i, end, value, value, approximate=True)
        for phrase, (low, high) in _MULTIPLIER_PHRASES:
            if self._match(i, phrase):
                size, end = self._chain(i + len(phrase), after_digits=False)
                if size is not None:
                    term = " ".join(self.keys[i:end])
                    return _Quantity(i, end, low * size, high * size, vague=term)
        for phrase, (low, high) in _PLURAL_PHRASES:
            if self._match(i, phrase):
                term = " ".join(phrase)
                return _Quantity(i, i + len(phrase), low, high, vague=term)
        return None

    def _chain(self, i: int, *, after_digits: bool) -> tuple[Decimal | None, int]:
        """Return the product of the magnitude words from `i` and where they end."""
        word = self._word(i)
        if after_digits and word in ABBREVIATIONS:
            return ABBREVIATIONS[word], i + 1
        product: Decimal | None = None
        last = Decimal(0)
        while True:
            word = self._word(i)
            size = MAGNITUDES.get(word) or PLURAL_MAGNITUDES.get(word)
            if size is None or size <= last or last in (12, 20):
                break
            if product is not None and size in (12, 20):
                break
            product = size if product is None else product * size
            last = size
            i += 1
            if word in PLURAL_MAGNITUDES:
                break  # "1.3 millions" ends there
        return product, i

    def _and_a_half(self, i: int) -> int:
        return i + 3 if self._match(i, ("and", "a", "half")) else i

    def _number_at(self, i: int) -> _Quantity | None:
        if i >= len(self.tokens):
            return None
        token = self.tokens[i]
        if token.kind == "num":
            base, end, groups = token.value, i + 1, token.groups
        else:
            base, end, groups = None, i, 0
            fraction = self._fraction_at(i)
            if fraction is not None:
                return fraction
            cardinal = self._cardinal_at(i)
            if cardinal is None:
                return None
            value, end, tail = cardinal
            if tail is not None:
                half = self._and_a_half(end)
                if half != end:  # "a million and a half"
                    value, end = value + tail / 2, half
                return _Quantity(
                    i, end, value, value, base=value / tail, magnitude=tail
                )
            base = value
        half = self._and_a_half(end)
        if half != end:
            base, end = base + Decimal("0.5"), half
        size, chain_end = self._chain(end, after_digits=token.kind == "num")
        if token.kind == "num" and token.dot_three and size is None:
            raise self.fail(
                f"{self.quoted} could be read as {token.text.replace('.', ',')} "
                f"(European grouping) or as {token.text} (a decimal). Write "
                f"{token.text.replace('.', ',')} or a decimal with fewer than three "
                "places.",
                "ambiguous_point",
            )
        if size is None:
            return _Quantity(i, end, base, base, base=base, groups=groups)
        value = base * size
        end = chain_end
        half = self._and_a_half(end)
        if half != end:  # "a million and a half"
            value, end = value + size / 2, half
        return _Quantity(i, end, value, value, base=base, magnitude=size, groups=groups)

    def _fraction_at(self, i: int) -> _Quantity | None:
        k = i
        if self._word(k) in ("a", "an", "one") and self._word(k + 1) in (
            "half",
            "quarter",
        ):
            k += 1
        part = {"half": Decimal("0.5"), "quarter": Decimal("0.25")}.get(self._word(k))
        if part is not None:
            k += 1
        elif self._match(k, ("three", "quarters")):
            part, k = Decimal("0.75"), k + 2
        elif self._match(k, ("three", "-", "quarters")):
            part, k = Decimal("0.75"), k + 3
        else:
            return None
        if self._word(k) == "of":
            k += 1
        if self._word(k) in ("a", "an"):
            k += 1
        size, end = self._chain(k, after_digits=False)
        if size is None:
            return None
        value = part * size
        return _Quantity(i, end, value, value, base=value, groups=0)

    def _cardinal_at(self, i: int) -> tuple[Decimal, int, Decimal | None] | None:
        """Return a number in words, where it ends and its trailing magnitude."""
        first = self._word(i)
        if first in ZERO_WORDS:
            return Decimal(0), i + 1, None
        if self._match(i, ("a", "single")):
            return Decimal(1), i + 2, None
        total, group, small = 0, 0, 0
        has_hundred = False
        last_big = None
        tail: int | None = None
        best: tuple[int, int, int | None] | None = None
        before_and = None
        k = i
        if first in ("a", "an"):
            if self._word(i + 1) not in MAGNITUDES:
                return None
            small, k = 1, i + 1
        while True:
            word = self._word(k)
            step = 1
            if word in TENS and small == 0:
                small, tail = TENS[word], 1
                nxt = self._word(k + 2)
                if (
                    0 < UNITS.get(nxt, 0) < 10
                    and self.keys[k + 1] == "-"
                    and not self.tokens[k + 1].spaced
                    and not self.tokens[k + 2].spaced
                ):
                    small, step = small + UNITS[nxt], 3  # "twenty-five"
            elif word in UNITS and (
                small == 0 or (small % 10 == 0 and small >= 20 and UNITS[word] < 10)
            ):
                if UNITS[word] == 0 and (small or group or total):
                    break
                small, tail = small + UNITS[word], 1
            elif word == "hundred" and 0 < small < 100 and not has_hundred:
                group, small, has_hundred = small * 100, 0, True
                tail = (tail or 1) * 100
            elif word in ("dozen", "score") and group == 0 and total == 0 and small:
                value = small * int(MAGNITUDES[word])
                return Decimal(value), k + 1, None
            elif (
                word in MAGNITUDES
                and word not in ("hundred", "dozen", "score")
                and (group or small)
                and (last_big is None or MAGNITUDES[word] < last_big)
            ):
                size = int(MAGNITUDES[word])
                total += (group + small) * size
                group, small, has_hundred, last_big = 0, 0, False, size
                tail = (tail or 1) * size
            elif (
                word == "and"
                and (has_hundred or last_big is not None)
                and small == 0
                and best is not None
                and (self._word(k + 1) in TENS or 0 < UNITS.get(self._word(k + 1), 0))
            ):
                before_and = best
                k += 1
                continue
            else:
                if before_and is not None and (
                    word in UNITS or word in TENS or word in MAGNITUDES
                ):
                    best = before_and  # "two hundred and three hundred": stop at "and"
                break
            k += step
            best = (total + group + small, k, tail)
        if best is None:
            return None
        value, end, tail = best
        return Decimal(value), end, (Decimal(tail) if tail and tail > 1 else None)

    # -- qualifiers

    def _prefix(self, keys: list[str]) -> tuple[str, str, int]:
        """Return the qualifier kind and words ending `keys`, and where they start."""
        end = len(keys)
        while True:
            for phrase, kind, text in _PREFIXES:
                n = len(phrase)
                if n <= end and tuple(keys[end - n : end]) == phrase:
                    return kind, text, end - n
            if end and keys[end - 1] in FILLERS:
                end -= 1
                continue
            return "", "", len(keys)

    def _suffix(self, keys: list[str]) -> tuple[str, str, int]:
        """Return the qualifier kind and words opening `keys`, and where they end."""
        for phrase, kind, text in _SUFFIXES:
            if tuple(keys[: len(phrase)]) == phrase:
                return kind, text, len(phrase)
            # "1,500, or so": a comma may come before an approximate suffix.
            if kind == "approx" and tuple(keys[1 : len(phrase) + 1]) == phrase:
                if keys[0] == ",":
                    return kind, text, len(phrase) + 1
        return "", "", 0

    def _single(self, quantity: _Quantity) -> Figure:
        before = self.keys[: quantity.start]
        after = self.keys[quantity.end :]
        kind, words, _ = self._prefix(before)
        suffix_kind, suffix_words, _ = self._suffix(after)
        if after[:1] in (["times"], ["fold"], ["x"], ["×"]) or after[:2] == [
            "-",
            "fold",
        ]:
            raise self.fail(
                f"{self.quoted} is a multiple (“{after[0]}”), not a count. Enter the "
                "count itself.",
                "multiple",
            )
        if not suffix_kind and after[:1] == ["-"]:
            raise self.fail(
                f"{self.quoted} ends in a dash with no second number. Write a range "
                "in full (3,000–5,000), or the figure alone.",
                "dangling_dash",
            )
        if kind and suffix_kind and kind != suffix_kind:
            raise self.fail(
                f"{self.quoted} has two qualifiers that disagree (“{words}” and "
                f"“{suffix_words}”). Keep the one the source used.",
                "conflicting_qualifiers",
            )
        kind, words = kind or suffix_kind, words or suffix_words
        if quantity.vague:
            if kind == AT_LEAST:
                return self._make(AT_LEAST, quantity.low, None, None, words, quantity)
            if kind == AT_MOST:
                return self._make(AT_MOST, None, quantity.high, None, words, quantity)
            term = f"{words} {quantity.vague}".strip() if words else quantity.vague
            return self._make(
                QUALITATIVE, quantity.low, quantity.high, None, term, quantity
            )
        value = quantity.low
        self._check(value)
        if not kind and quantity.approximate:
            kind, words = "approx", "a couple"
        if kind == AT_LEAST:
            return self._make(AT_LEAST, value, None, value, words, quantity)
        if kind == AT_MOST:
            return self._make(AT_MOST, None, value, value, words, quantity)
        margin = value * APPROXIMATE_MARGIN
        if kind == "approx":
            low, high = value - margin, value + margin
        elif kind == "below":
            low, high = value - margin, value
        elif kind == "above":
            low, high = value, value + margin
        else:
            return self._make(EXACT, value, value, value, "", quantity)
        return self._make(APPROXIMATE, low, high, value, words, quantity)

    def _pair(self, first: _Quantity, second: _Quantity) -> Figure:
        before = self.keys[: first.start]
        middle = self.keys[first.end : second.start]
        after = self.keys[second.end :]
        opener = ""
        if before[-1:] in (["between"], ["from"]):
            opener, before = before[-1], before[:-1]
        first_kind, first_words, _ = self._prefix(before)
        second_kind, second_words, cut = self._prefix(middle)
        joiner = middle[:cut]
        currency = first.currency or second.currency
        if first.currency and second.currency and first.currency != second.currency:
            raise self.fail(
                f"{self.quoted} mixes two currencies. Enter one figure in one "
                "currency.",
                "two_currencies",
            )
        if (
            first_kind == AT_LEAST
            and second_kind == AT_MOST
            and not opener
            and joiner
            and set(joiner) <= BOUND_JOINERS | {"or", "to", "-"}
        ):
            low, high = first.low, second.high
            words = f"{first_words} … {second_words}"
            return self._range(low, high, words, currency)
        if middle in (["±"], ["plus", "or", "minus"]) and not (
            first.vague or second.vague
        ):
            value, margin = first.low, second.low
            self._check(value)
            self._check(margin)
            if margin > value:
                raise self.fail(
                    f"{self.quoted} has a margin larger than the figure, so its low "
                    "end would be negative. Write the range instead.",
                    "margin_too_large",
                )
            figure = self._make(
                APPROXIMATE, value - margin, value + margin, value, "±", first
            )
            return replace(figure, currency=currency)
        connector = joiner
        if connector in (["in"], ["out", "of"], ["per"], ["of"]):
            raise self.fail(
                f"{self.quoted} is a ratio or rate (“{' '.join(middle)}”), not a "
                "count. Enter the count itself.",
                "ratio",
            )
        is_range = len(connector) == 1 and connector[0] in RANGE_CONNECTORS
        if is_range and connector[0] == "and" and opener != "between":
            is_range = False
        if not is_range:
            raise self.fail(
                f"{self.quoted} holds two numbers but not a range. Write a range as "
                "“10,000–12,000”, “10,000 to 12,000” or “between 10,000 and 12,000”, "
                "or a pair of bounds as “at least 1,500 and as many as 3,000”.",
                "not_a_range",
            )
        bounds = {first_kind, second_kind} & {AT_LEAST, AT_MOST}
        suffix_kind, suffix_words, _ = self._suffix(after)
        if bounds or suffix_kind in (AT_LEAST, AT_MOST):
            raise self.fail(
                f"{self.quoted} puts a bound "
                f"(“{first_words or second_words or suffix_words}”) "
                "on a range. Enter the range (10,000–12,000) or the bound (at least "
                "10,000).",
                "bound_on_range",
            )
        low, high = first.low, second.high
        if not (first.vague or second.vague):
            low = self._shared_low(first, second)
        words = opener or connector[0]
        return self._range(low, high, words, currency)

    def _shared_low(self, first: _Quantity, second: _Quantity) -> Decimal:
        """Return the first number of a range with the magnitude it shares."""
        if first.base is None:
            return first.low
        if first.magnitude is None and first.groups == 0:
            # "10-12 thousand", "2-3 hundred": the words belong to both.
            if second.magnitude is not None and first.base <= second.base:
                return first.base * second.magnitude
            # "200-300,000": the written round thousands belong to both.
            if second.magnitude is None and second.groups:
                unit = Decimal(1000)
                while second.low % (unit * 1000) == 0 and unit < second.low:
                    unit *= 1000
                leading = second.low / unit
                round_thousands = second.low % 1000 == 0
                if round_thousands and leading / 10 <= first.base < leading:
                    return first.base * unit
        return first.low

    def _range(self, low, high, words, currency) -> Figure:
        self._check(low)
        self._check(high)
        if low > high:
            raise self.fail(
                f"{self.quoted} is a reversed range: {format_number(low)} is above "
                f"{format_number(high)}. Write the lower figure first.",
                "reversed_range",
            )
        return Figure(
            text=self.original,
            kind=RANGE,
            low=_tidy(low),
            high=_tidy(high),
            value=None,
            qualifier=words,
            currency=currency,
        )

    def _check(self, value: Decimal) -> None:
        check_bound(value, label=self.quoted)

    def _make(self, kind, low, high, value, words, quantity: _Quantity) -> Figure:
        for bound in (low, high, value):
            if bound is not None and bound > MAX_FIGURE:
                raise self.fail(
                    f"{self.quoted} reads up to {format_number(bound)}, above the "
                    f"largest figure accepted ({format_number(MAX_FIGURE)}). Write "
                    "the figure with its real magnitude.",
                    "too_large",
                )
        step = Decimal(1).scaleb(-DECIMAL_PLACES)
        return Figure(
            text=self.original,
            kind=kind,
            low=None if low is None else _tidy(low.quantize(step, ROUND_FLOOR)),
            high=None if high is None else _tidy(high.quantize(step, ROUND_CEILING)),
            value=None if value is None else _tidy(value),
            qualifier=words,
            currency=quantity.currency,
        )


def _phrase(text: str) -> tuple[str, ...]:
    """Return the keys a phrase tokenises to: "approx." is ("approx", ".")."""
    reading = object.__new__(_Reading)
    reading.quoted = text
    return tuple(token.text for token in reading._tokenise(text))


def _by_length(entries):
    return sorted(entries, key=lambda entry: len(entry[0]), reverse=True)


def _phrases(*groups: tuple[str, tuple[str, ...]]) -> list:
    return _by_length(
        [(_phrase(text), kind, text) for kind, words in groups for text in words]
    )


# Internal kinds of qualifier: approximate around, below or above the number.
_PREFIXES = _phrases(
    ("approx", APPROXIMATE_WORDS),
    ("below", BELOW_WORDS),
    ("above", ABOVE_WORDS),
    (AT_LEAST, AT_LEAST_WORDS),
    (AT_MOST, AT_MOST_WORDS),
)
_SUFFIXES = _phrases(
    ("approx", APPROXIMATE_SUFFIXES),
    ("above", ABOVE_SUFFIXES),
    (AT_LEAST, AT_LEAST_SUFFIXES),
    (AT_MOST, AT_MOST_SUFFIXES),
)
_MULTIPLIER_PHRASES = _by_length(
    [(_phrase(w), interval) for w, interval in VAGUE_MULTIPLIERS.items()]
)
_PLURAL_PHRASES = _by_length(
    [(_phrase(w), interval) for w, interval in PLURAL_TERMS.items()]
)


# ---------------------------------------------------------------------------- output


def _tidy(value: Decimal) -> Decimal:
    """Return `value` without trailing zeros or exponent: 1.3e6 becomes 1300000."""
    with localcontext(prec=60):
        value = value.quantize(Decimal(1).scaleb(-DECIMAL_PLACES))
        integral = value.to_integral_value()
        return integral if value == integral else value.normalize()


def format_number(value: Decimal | None) -> str:
    """Return `value` with thousands separators and no trailing zeros: 10800, 0.5."""
    if value is None:
        return ""
    value = Decimal(value)
    if not value.is_finite() or abs(value) >= Decimal(10) ** 50:
        return str(value)
    value = _tidy(value)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    whole, _, fraction = f"{value:f}".partition(".")
    sign = "-" if value < 0 and whole in ("0", "-0") else ""
    return f"{sign}{int(whole):,}.{fraction}"


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
