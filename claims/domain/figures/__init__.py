"""Read figures as phrased ("at least 3,000", "10,000–12,000") into intervals.

Pure logic: nothing here imports Django or touches the database. A figure that cannot
be read raises FigureError, whose text says what was found and what is accepted; the
callers turn it into a field error.

The package follows the parser's sections: lexicon.py (the kinds, limits and word
tables), numbers.py (tokens and the reading of numbers and vague terms), grammar.py
(qualifiers, ranges and refusals: parse_figure) and result.py (Figure, FigureError,
check_bound and the output helpers). Import from the package, not from its modules.

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

from claims.domain.figures.grammar import (
    parse_figure,
)
from claims.domain.figures.lexicon import (
    ABBREVIATIONS,
    ABOVE_SUFFIXES,
    ABOVE_WORDS,
    ACCEPTED,
    APPROXIMATE,
    APPROXIMATE_MARGIN,
    APPROXIMATE_SUFFIXES,
    APPROXIMATE_WORDS,
    AT_LEAST,
    AT_LEAST_SUFFIXES,
    AT_LEAST_WORDS,
    AT_MOST,
    AT_MOST_SUFFIXES,
    AT_MOST_WORDS,
    BELOW_WORDS,
    BOUND_JOINERS,
    CURRENCY_CODES,
    CURRENCY_SIGNS,
    DECIMAL_PLACES,
    DOLLAR_PREFIXES,
    EXACT,
    FILLERS,
    GLUED_UNITS,
    KINDS,
    MAGNITUDES,
    MARGIN_JOINERS,
    MAX_FIGURE,
    MAX_LENGTH,
    MONTHS,
    PLURAL_MAGNITUDES,
    PLURAL_TERMS,
    QUALITATIVE,
    QUALITATIVE_TERMS,
    RANGE,
    RANGE_CONNECTORS,
    TENS,
    UNITS,
    VAGUE_MULTIPLIERS,
    VAGUE_UNITS,
    ZERO_WORDS,
)
from claims.domain.figures.result import (
    Figure,
    FigureError,
    check_bound,
    describe_interval,
    format_number,
    plain_number,
)

__all__ = [
    "ABBREVIATIONS",
    "ABOVE_SUFFIXES",
    "ABOVE_WORDS",
    "ACCEPTED",
    "APPROXIMATE",
    "APPROXIMATE_MARGIN",
    "APPROXIMATE_SUFFIXES",
    "APPROXIMATE_WORDS",
    "AT_LEAST",
    "AT_LEAST_SUFFIXES",
    "AT_LEAST_WORDS",
    "AT_MOST",
    "AT_MOST_SUFFIXES",
    "AT_MOST_WORDS",
    "BELOW_WORDS",
    "BOUND_JOINERS",
    "CURRENCY_CODES",
    "CURRENCY_SIGNS",
    "DECIMAL_PLACES",
    "DOLLAR_PREFIXES",
    "EXACT",
    "FILLERS",
    "GLUED_UNITS",
    "Figure",
    "FigureError",
    "KINDS",
    "MAGNITUDES",
    "MARGIN_JOINERS",
    "MAX_FIGURE",
    "MAX_LENGTH",
    "MONTHS",
    "PLURAL_MAGNITUDES",
    "PLURAL_TERMS",
    "QUALITATIVE",
    "QUALITATIVE_TERMS",
    "RANGE",
    "RANGE_CONNECTORS",
    "TENS",
    "UNITS",
    "VAGUE_MULTIPLIERS",
    "VAGUE_UNITS",
    "ZERO_WORDS",
    "check_bound",
    "describe_interval",
    "format_number",
    "parse_figure",
    "plain_number",
]
