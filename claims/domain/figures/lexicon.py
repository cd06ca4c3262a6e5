"""The words and limits of figures: the kinds, the margins, and the word tables.

Pure data: the kinds of figure, the approximate margin and the limits a figure must
keep, and every word the parser knows (magnitudes, abbreviations, currencies,
qualifiers, vague terms with their default intervals).
"""

from __future__ import annotations

from decimal import Decimal

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
    "estimated at", "estimated to be", "estimated to number", "estimated to total",
    "put at", "put it at", "reckoned at",
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
# What joins a figure to its margin: "3,000 ± 500", "3,000, give or take 500".
MARGIN_JOINERS = (("±",), ("plus", "or", "minus"), ("give", "or", "take"))
# Units that may be glued to digits: "12km" and "300kg" read as 12 and 300. "m" and
# "t" are not here: "m" is a million ("$540m").
GLUED_UNITS = frozenset(
    ("km", "kms", "kg", "kgs", "mm", "cm", "ha", "lb", "lbs", "kt", "mi", "nmi", "sqkm")
)
# Month names and their abbreviations: a number beside one is a day or a year.
MONTHS = frozenset(
    (
        "january", "february", "march", "april", "may", "june", "july", "august",
        "september", "october", "november", "december", "jan", "feb", "mar", "apr",
        "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    )
)  # fmt: skip
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
