"""Read a whole figure: qualifiers, ranges and refusals on top of its numbers."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext
from functools import lru_cache

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
    DECIMAL_PLACES,
    EXACT,
    FILLERS,
    GLUED_UNITS,
    MAGNITUDES,
    MARGIN_JOINERS,
    MAX_FIGURE,
    MAX_LENGTH,
    MONTHS,
    PLURAL_MAGNITUDES,
    QUALITATIVE,
    RANGE,
    RANGE_CONNECTORS,
)
from claims.domain.figures.numbers import (
    _FOOTNOTE_MARKS,
    _NumberReading,
    _phrases,
    _Quantity,
)
from claims.domain.figures.result import (
    Figure,
    FigureError,
    _tidy,
    check_bound,
    exact,
    format_number,
)


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
    reading = _read(original)
    if isinstance(reading, Figure):
        return reading
    raise FigureError(*reading)


# A figure reads the same every time (a Figure is frozen), and an import reads the
# same few thousand phrases again and again: in its figures, and in the windows of
# its quotes that the quote rule reads (claims/domain/figures/finder.py).
READINGS_KEPT = 4096


# A whole number and nothing else ("3,000", "74706", "12." at a sentence's end), of at
# most 15 digits (below MAX_FIGURE): an exact figure, read without the parser. Most
# figures of an import are written so, and so are most windows of a quote that the
# finder reads once its words that say nothing are set aside.
_NUMBER = r"(0|[1-9]\d{0,2}(?:,\d{3}){1,4}|[1-9]\d{0,14})"
_BARE = re.compile(rf"{_NUMBER}\.?")
# The same after a qualifier in plain words ("up to 1,500", "about 3,000."): read by
# the parser's own _single, without tokenising the text again.
_QUALIFIED = re.compile(rf"((?:[a-z]+ )+){_NUMBER}(\.?)")
# Two such numbers joined by a hyphen or an en dash ("74,706–76,000"): a range, read
# without the parser when nothing in it is for the parser to decide
# (_range_reading).
_DASHED = re.compile(rf"{_NUMBER}[-–]{_NUMBER}\.?")


@lru_cache(maxsize=READINGS_KEPT)
def _read(text: str) -> Figure | tuple[str, str]:
    """Return the Figure `text` states, or the message and code of its refusal."""
    bare = _BARE.fullmatch(text)
    if bare is not None:  # as _Reading reads it (tests/claims/test_finder_speed.py)
        return exact(text, Decimal(bare.group(1).replace(",", "")))
    dashed = _DASHED.fullmatch(text)
    if dashed is not None:
        reading = _range_reading(text, *dashed.groups())
        if reading is not None:
            return reading
    qualified = _QUALIFIED.fullmatch(text)
    if qualified is not None:
        reading = _qualified_reading(text, *qualified.groups())
        if reading is not None:
            return reading
    try:
        # Exact arithmetic: a 200-character figure fits well within 600 digits.
        with localcontext(prec=600):
            return _Reading(text).figure()
    except FigureError as error:
        return error.message, error.code


def _range_reading(text: str, first: str, second: str) -> Figure | None:
    """Return the range the parser reads in two bare whole numbers joined by a dash,
    or None where the parser must read them: when the second number's thousands may
    belong to the first too ("200-300,000", _shared_low: a first number written
    without separators before one written with them), and when the range is
    reversed (refused, with the parser's message). Both numbers are below
    MAX_FIGURE and whole, so check_bound and _tidy leave them as they are
    (tests/claims/test_finder_speed.py checks this against the parser)."""
    if "," in second and "," not in first:
        return None
    low, high = Decimal(first.replace(",", "")), Decimal(second.replace(",", ""))
    if low > high:
        return None
    return Figure(text=text, kind=RANGE, low=low, high=high, qualifier="-")


# The internal kinds of qualifier that set a margin about the number (_single).
_MARGINS = frozenset(("approx", "below", "above"))


def _plain(value: Decimal) -> Decimal:
    """Return `value` as _tidy does, for a number of one decimal place at most:
    a whole number without its decimal zero, 900.0 as 900."""
    integral = value.to_integral_value()
    return integral if value == integral else value.normalize()


def _qualified_reading(
    text: str, words: str, number: str, point: str
) -> Figure | tuple[str, str] | None:
    """Return what _read returns for a qualifier in plain words before a bare whole
    number, or None when the words are not exactly one qualifier (the parser then
    reads the text). Such a text holds nothing the parser refuses before it reads
    its one quantity (tests/claims/test_finder_speed.py checks every qualifier), so
    the parser's _single reads it from its keys alone."""
    keys = words.split()
    kind, phrase, start = _Reading._prefix(keys)
    if not kind or start != 0 or phrase != " ".join(keys):
        return None
    value = Decimal(number.replace(",", ""))
    if kind in (AT_LEAST, AT_MOST):
        # A bound ("at least 3,000"): what _single makes of it, whose checks and
        # tidying leave a whole number below MAX_FIGURE as it is.
        low, high = (value, None) if kind == AT_LEAST else (None, value)
        return Figure(text, kind, low, high, value, qualifier=phrase)
    if kind in _MARGINS:
        # About, just under or just over a number ("about 49,856"): what _single
        # makes of it, a tenth either side. A whole number of at most 15 digits and
        # its tenth are exact at any precision, and have one decimal place at most,
        # which _make's rounding to DECIMAL_PLACES keeps; past MAX_FIGURE (refused)
        # the parser says so. A fifth of an import's figures read so, four times
        # faster than through _single's checks and contexts.
        margin = value * APPROXIMATE_MARGIN
        low = value if kind == "above" else value - margin
        high = value if kind == "below" else value + margin
        if high <= MAX_FIGURE:
            return Figure(
                text, APPROXIMATE, _plain(low), _plain(high), value, qualifier=phrase
            )
    reading = _Reading.__new__(_Reading)
    reading.original = text
    reading.quoted = f"“{text.strip()}”"
    reading.keys = [*keys, "#", *(["."] if point else [])]
    quantity = _Quantity(len(keys), len(keys) + 1, value, value, base=value)
    try:
        with localcontext(prec=600):
            return reading._single(quantity)
    except FigureError as error:
        return error.message, error.code


class _Reading(_NumberReading):
    """One figure being read whole: its qualifiers, ranges and refusals."""

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

    def _refuse_dates(self) -> None:
        """Refuse a date as a date: 28/10/2024, 2024-10-28, 5 November 2024."""
        tokens, keys = self.tokens, self.keys

        def whole(i: int) -> int | None:
            if 0 <= i < len(keys) and keys[i] == "#" and tokens[i].kind == "num":
                value = tokens[i].value
                if value == value.to_integral_value():
                    return int(value)
            return None

        for i in range(len(keys) - 4):
            parts = [whole(i), whole(i + 2), whole(i + 4)]
            glued = not any(tokens[k].spaced for k in range(i + 1, i + 5))
            if (
                None not in parts
                and glued
                and keys[i + 1] == keys[i + 3]
                and keys[i + 1] in ("/", "-", ".")
            ):
                a, b, c = parts
                if (a <= 31 and b <= 31 and (c < 100 or 1800 <= c <= 2100)) or (
                    1800 <= a <= 2100 and b <= 12 and c <= 31
                ):
                    found = self.normal[tokens[i].start : tokens[i + 4].end]
                    raise self.date(found)
        for i, key in enumerate(keys):
            if key.rstrip(".") not in MONTHS:
                continue
            for k in (i - 1, i + 1, i + 2 if keys[i + 1 : i + 2] == ["."] else -1):
                number = whole(k)
                if number is None:
                    continue
                day = 1 <= number <= 31
                year = 1800 <= number <= 2100 and key not in ("may", "march", "mar")
                if day or year:
                    start, end = sorted((i, k))
                    found = self.normal[tokens[start].start : tokens[end].end]
                    raise self.date(found)

    def _refuse_non_counts(self) -> None:
        self._refuse_dates()
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
                if i in self.named or after in GLUED_UNITS:
                    continue  # "T-90M" is a name; "12km" reads as 12
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

    # -- qualifiers

    @staticmethod
    def _prefix(keys: list[str]) -> tuple[str, str, int]:
        """Return the qualifier kind and words ending `keys`, and where they start."""
        end = len(keys)
        while True:
            # Only the phrases ending in the last key can match, in _PREFIXES' order.
            for phrase, kind, text in (
                _PREFIXES_BY_LAST.get(keys[end - 1], ()) if end else ()
            ):
                n = len(phrase)
                if n <= end and tuple(keys[end - n : end]) == phrase:
                    return kind, text, end - n
            if end and keys[end - 1] in FILLERS:
                end -= 1
                continue
            return "", "", len(keys)

    def _suffix(self, keys: list[str]) -> tuple[str, str, int]:
        """Return the qualifier kind and words opening `keys`, and where they end."""
        for phrase, kind, text in _suffix_candidates(keys):
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
        margin_words = tuple(middle[1:] if middle[:1] == [","] else middle)
        if (
            opener == "from"
            and not first_kind
            and second_kind == AT_MOST
            and not joiner
            and not (first.vague or second.vague)
        ):
            # "from 10,000 up to 12,000": the words make a range.
            low = self._shared_low(first, second)
            return self._range(low, second.high, "from … up to", currency)
        if margin_words in MARGIN_JOINERS and not (first.vague or second.vague):
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


def _by_key(phrases: list, at: int) -> dict[str, list]:
    """Return the (place, phrase) pairs of `phrases` by the phrase's key at `at` (0,
    the first; -1, the last), each list in their order: a phrase can match only
    where that key is."""
    result: dict[str, list] = {}
    for place, entry in enumerate(phrases):
        result.setdefault(entry[0][at], []).append((place, entry))
    return result


_PREFIXES_BY_LAST = {
    key: [entry for _, entry in entries]
    for key, entries in _by_key(_PREFIXES, -1).items()
}
_SUFFIXES_BY_FIRST = _by_key(_SUFFIXES, 0)
_APPROX_SUFFIXES_BY_FIRST = {
    key: [(place, entry) for place, entry in entries if entry[1] == "approx"]
    for key, entries in _SUFFIXES_BY_FIRST.items()
}


def _suffix_candidates(keys: list[str]) -> list:
    """Return the suffixes that may open `keys`, in _SUFFIXES' order: those whose
    first key opens it, and after a comma the approximate ones whose first key
    follows it ("1,500, or so")."""
    if not keys:
        return []
    found = _SUFFIXES_BY_FIRST.get(keys[0], [])
    if keys[0] == "," and len(keys) > 1:
        found = sorted({*found, *_APPROX_SUFFIXES_BY_FIRST.get(keys[1], [])})
    return [entry for _, entry in found]
