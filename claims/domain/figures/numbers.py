"""Read the numbers in a figure: its tokens, numbers in digits or words, vague terms.

A _NumberReading normalises the text, splits it into tokens and finds the quantities
in it (a number with its magnitude and currency, or a vague term), before any
qualifier is applied.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction

from claims.domain.figures.lexicon import (
    ABBREVIATIONS,
    CURRENCY_CODES,
    CURRENCY_SIGNS,
    DOLLAR_PREFIXES,
    MAGNITUDES,
    PLURAL_MAGNITUDES,
    PLURAL_TERMS,
    TENS,
    UNITS,
    VAGUE_MULTIPLIERS,
    ZERO_WORDS,
)
from claims.domain.figures.result import FigureError

_DIGITS = frozenset("0123456789")
_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−﹘"), "-") | {ord("∼"): "~"}
# Invisible marks dropped before reading: direction marks (right-to-left quotes need
# them), zero-width spaces and joiners, the byte-order mark and the soft hyphen.
_IGNORED = frozenset("\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad\u061c")
_BIDI_CONTROLS = frozenset(map(chr, (*range(0x202A, 0x202F), *range(0x2066, 0x206A))))
_FOOTNOTE_MARKS = frozenset("*†‡[]")
# Control characters of ASCII, which the slow path of _normalise refuses.
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A vulgar fraction is read only glued to digits and before a magnitude: "3½ million".
_SCALE_AFTER = re.compile(
    r"\s*(?:"
    + "|".join(
        sorted((*MAGNITUDES, *PLURAL_MAGNITUDES, *ABBREVIATIONS), key=len, reverse=True)
    )
    + r")(?![a-z])",
    re.IGNORECASE,
)
# Thousands grouped with points, two or more of them: "3.200.000" cannot be a decimal.
_DOT_GROUPED = re.compile(r"[1-9]\d{0,2}(?:\.\d{3}){2,}")
# A date written with points: 28.10.2024, 2024.10.28.
_DOT_DATE = re.compile(
    r"\d{1,2}\.\d{1,2}\.(?:\d{4}|\d{2})(?!\d)|\d{4}\.\d{1,2}\.\d{1,2}(?!\d)"
)


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


class _NumberReading:
    """One figure being read: its text, its tokens and the quantities found.

    The numbers and vague quantities as written; _Reading (grammar.py) applies the
    qualifiers, ranges and refusals to them.
    """

    def __init__(self, original: str):
        self.original = original
        self.quoted = f"“{original.strip()}”"
        self.normal = self._normalise(original)
        self.tokens = self._tokenise(self.normal)
        self.named = self._names()
        self.keys = [
            ("@" + token.text if i in self.named else "#")
            if token.kind == "num"
            else token.text
            for i, token in enumerate(self.tokens)
        ]

    def _names(self) -> frozenset[int]:
        """Return the indexes of tokens that make a name with a number in it.

        "T-90M", "PAC-3", "F-35s", "Hwasong-19": letters, a hyphen and digits glued
        together (and any letters glued after) name equipment, not a quantity."""
        tokens = self.tokens
        named: set[int] = set()
        for i, token in enumerate(tokens):
            if (
                token.kind == "num"
                and i >= 2
                and tokens[i - 1].text == "-"
                and tokens[i - 2].kind == "word"
                and not token.spaced
                and not tokens[i - 1].spaced
                and tokens[i - 2].text not in _NOT_NAMES
                and not (
                    i >= 3 and not tokens[i - 2].spaced and tokens[i - 3].kind == "num"
                )
            ):
                named.update((i - 2, i - 1, i))
                if i + 1 < len(tokens) and tokens[i + 1].kind == "word":
                    if not tokens[i + 1].spaced:
                        named.add(i + 1)
        return frozenset(named)

    def fail(self, message: str, code: str) -> FigureError:
        return FigureError(message, code)

    # -- text

    def _normalise(self, text: str) -> str:
        if text.isascii() and not _ASCII_CONTROL.search(text):
            # The usual case, read fast: nothing below can apply but case and spaces.
            return " ".join(text.lower().replace("+/-", "±").split())
        kept: list[str] = []
        for index, char in enumerate(text):
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
                kept.append(self._vulgar(char, kept, text[index + 1 :]))
                continue
            kept.append(char)
        text = unicodedata.normalize("NFKC", "".join(kept)).lower()
        text = "".join(
            str(unicodedata.decimal(char)) if char.isdecimal() else char
            for char in text
        )
        text = text.translate(_DASHES).replace("+/-", "±")
        return " ".join(text.split())

    def _vulgar(self, char: str, kept: list[str], rest: str) -> str:
        """Return "½" of "3½ million" as the decimals it adds (".5"), or refuse it.

        A vulgar fraction reads as written only glued to whole digits and before a
        magnitude: "3½ million" is 3,500,000. Alone ("½", "1/2") it is a share."""
        digits = ""
        for previous in reversed(kept):
            if previous not in _DIGITS:
                break
            digits = previous + digits
        before = kept[-len(digits) - 1] if digits and len(kept) > len(digits) else ""
        try:
            part = Fraction(unicodedata.numeric(char)).limit_denominator(1000)
        except (TypeError, ValueError):
            part = None
        finite = part is not None and part < 1
        if finite:
            denominator = part.denominator
            for prime in (2, 5):
                while denominator % prime == 0:
                    denominator //= prime
            finite = denominator == 1
        if (
            not digits
            or before in (".", ",")
            or not finite
            or not _SCALE_AFTER.match(rest)
        ):
            raise self._fraction()
        decimals = Decimal(part.numerator) / Decimal(part.denominator)
        return f"{decimals:f}"[1:]  # ".5"

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
        grouped = _DOT_GROUPED.match(text, start) if groups == 0 else None
        if grouped and not (
            grouped.end() < size and (text[grouped.end()] in "0123456789.,")
        ):
            whole, j = grouped.group().replace(".", ""), grouped.end()
            groups = grouped.group().count(".")
            value = Decimal(whole)
            return _Token("num", text[start:j], start, j, spaced, value, groups)
        dated = _DOT_DATE.match(text, start) if groups == 0 else None
        if dated and not (dated.end() < size and text[dated.end()] in "0123456789.,"):
            raise self.date(text[start : dated.end()])
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

    def date(self, found: str) -> FigureError:
        return self.fail(
            f"{self.quoted} holds a date (“{found}”), not a count. Enter the figure "
            "alone; the date goes in “stated on”.",
            "date",
        )

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

    # -- quantities

    def _quantities(self) -> list[_Quantity]:
        found = []
        i = 0
        keys = self.keys
        while i < len(keys):
            # Most tokens of a quote's window are words that start no quantity: they
            # are passed without the look-ups of _quantity_at.
            key = keys[i]
            if key != "#" and key not in _STARTS:
                i += 1
                continue
            quantity = None if i in self.named else self._quantity_at(i)
            if quantity is None:
                i += 1
            else:
                found.append(quantity)
                i = quantity.end
        return found

    def _word(self, i: int) -> str:
        if i in self.named:
            return ""
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
        key = self.keys[i] if i < len(self.keys) else ""
        for phrase, (low, high) in _MULTIPLIERS_BY_FIRST.get(key, ()):
            if self._match(i, phrase):
                size, end = self._chain(i + len(phrase), after_digits=False)
                if size is not None:
                    term = " ".join(self.keys[i:end])
                    return _Quantity(i, end, low * size, high * size, vague=term)
        for phrase, (low, high) in _PLURALS_BY_FIRST.get(key, ()):
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
        if i in self.named:
            return None
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


# Words that never start a name: "10k-12k", "twenty-5" are numbers, "USD-5" money.
_NOT_NAMES = frozenset(
    (*CURRENCY_CODES, *ABBREVIATIONS, *MAGNITUDES, *PLURAL_MAGNITUDES, *UNITS, *TENS)
)

# The phrase tables hold the word tables of lexicon.py as the tokeniser splits them, so
# they are built here, after it: the vague terms' below, the qualifiers' in grammar.py.


def _phrase(text: str) -> tuple[str, ...]:
    """Return the keys a phrase tokenises to: "approx." is ("approx", ".")."""
    reading = object.__new__(_NumberReading)
    reading.quoted = text
    return tuple(token.text for token in reading._tokenise(text))


def _by_length(entries):
    return sorted(entries, key=lambda entry: len(entry[0]), reverse=True)


def _phrases(*groups: tuple[str, tuple[str, ...]]) -> list:
    return _by_length(
        [(_phrase(text), kind, text) for kind, words in groups for text in words]
    )


_MULTIPLIER_PHRASES = _by_length(
    [(_phrase(w), interval) for w, interval in VAGUE_MULTIPLIERS.items()]
)
_PLURAL_PHRASES = _by_length(
    [(_phrase(w), interval) for w, interval in PLURAL_TERMS.items()]
)


def _by_first(phrases: list) -> dict[str, list]:
    """Return the phrases by their first key, longest first: a token is matched
    only against the phrases that start with it."""
    index: dict[str, list] = {}
    for entry in phrases:
        index.setdefault(entry[0][0], []).append(entry)
    return index


_MULTIPLIERS_BY_FIRST = _by_first(_MULTIPLIER_PHRASES)
_PLURALS_BY_FIRST = _by_first(_PLURAL_PHRASES)
# The keys a quantity can start at, besides a number in digits ("#"): a currency
# before it, the words of a number ("twenty", "a million", "half a million", "none")
# and of a vague term ("a few", "several", "dozens"). _quantity_at finds nothing at
# any other key (tests/claims/test_finder_speed.py checks it on generated text).
_STARTS = frozenset(
    (*CURRENCY_SIGNS, *DOLLAR_PREFIXES, *CURRENCY_CODES, *ZERO_WORDS, *UNITS, *TENS)
    + ("a", "an", "one", "half", "quarter", "three")
    + tuple(_MULTIPLIERS_BY_FIRST)
    + tuple(_PLURALS_BY_FIRST)
)
