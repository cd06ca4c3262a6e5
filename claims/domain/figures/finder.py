"""Find the figures a text states: the one finder for the quote rule and extraction.

`find_figures(text)` returns each figure in `text` as a Found: where it is (a span of
`text`), its words and its reading (parse_figure), in the order they appear. It reads
the numbers the parser reads, with the words around them that set their kind ("up
to 1,500", "between 11,000 and 12,000", "several thousand"), and skips numbers that
are not counts: dates, times, ages, years, percentages, page and section numbers,
phone numbers, ordinals and numbers inside names ("Hwasong-19", "F-16", "T-90M",
"PAC-3").

Pure logic: nothing here imports Django. The quote rule (claims/domain/rules.py,
figure_quote_problem) compares a figure with what this finds in its quote.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from claims.domain.figures import lexicon
from claims.domain.figures.grammar import parse_figure
from claims.domain.figures.lexicon import (
    MAGNITUDES,
    MAX_LENGTH,
    PLURAL_MAGNITUDES,
    PLURAL_TERMS,
    TENS,
    UNITS,
    ZERO_WORDS,
)
from claims.domain.figures.result import Figure, FigureError, rephrased


@dataclass(frozen=True)
class Found:
    """One figure found in a text: text[start:end] reads as `figure`."""

    start: int
    end: int
    text: str
    figure: Figure


# Words before and after a number that may belong to its figure ("no more than",
# "or so"), in whitespace-separated chunks; and how far apart two numbers of one
# figure may be ("at least 1,500 and as many as 3,000").
BEFORE = 4
AFTER = 3
GAP = 4
LONGEST_RUN = 4

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
    r"aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_END = r"(?![\d])(?![.,]\d)"
_YEAR = r"(?:1[89]|20|21)\d{2}"
# Spans that hold numbers but no count, each a pattern matched without case. A
# possessive quantifier (`++`, `*+`) stands where giving back what it took could
# never let the rest match (letters before a digit, digits before a letter or a
# sign): the same spans, without trying every shorter run first
# (tests/claims/test_finder_speed.py compares them with the plain quantifiers).
SKIPPED = {
    "date": [
        rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:\s*,?\s*{_YEAR})?{_END}",
        rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:\s*,?\s*{_YEAR})?{_END}",
        rf"\b{_MONTH}\s+{_YEAR}{_END}",
        r"\b\d{1,4}(?P<separator>[/.-])\d{1,2}(?P=separator)\d{2,4}\b",
    ],
    "time": [
        r"\b\d{1,2}[:.]\d{2}(?:\s*(?:am|pm|a\.m\.|p\.m\.|hrs|h)\b)?",
        r"\b\d{1,2}\s*(?:am|pm|a\.m\.|p\.m\.|o'clock|o’clock)",
    ],
    "age": [
        r"\bage[ds]?\s+(?:of\s+)?\d+(?:\s*(?:-|–|to|and)\s*\d+)?",
        r"\b\d++(?:\s*(?:-|–|to)\s*\d++)?[\s-]+years?[\s-]+old\b",
        r"\b\d++-year-olds?\b",
        r"(?<=[^\W\d_])\s*\(\d{1,2}\)",  # Kim (34)
    ],
    "year": [
        rf"\b(?:in|since|until|till|during|through|early|mid|late|year|summer|"
        rf"spring|autumn|fall|winter|fy)[\s-]+(?:the\s+)?"
        rf"{_YEAR}(?:\s*[-–/]\s*\d{{2,4}})?{_END}",
        rf"\(\s*{_YEAR}\s*\)",
        rf"\b{_YEAR}s\b",
        rf"\b{_YEAR}\s*[-–/]\s*(?:{_YEAR}|\d{{2}}){_END}",  # 2022-2024, 2023–24
    ],
    "percentage": [
        r"\d[\d,.]*+\s*(?:%|‰|per\s?cent|percent|pct|percentage\s+points?)",
    ],
    "reference": [
        r"\b(?:pp?|pages?|sections?|sect|sec|para(?:graph)?s?|chapters?|ch|"
        r"articles?|art|tables?|figs?|figures?|annex|appendix|footnotes?|notes?|"
        r"lines?|items?|no|nos|vol|volume|issue|resolution|rule|clause|room|"
        r"flight|route|highway|district|building|decree|law|question|version|"
        r"phase|stage|session|sector|block|mk|model|series|number)\.?"
        r"\s*\d+(?:\s*[-–]\s*\d+)?",
        r"[§¶#]\s*\d+(?:\s*[-–]\s*\d+)?",
        r"\[\d+\]",  # footnote marks
        # A formation's number, not its strength: "Unit 29155", not "a brigade
        # 3,000 strong".
        r"\b(?:unit|brigade|battalion|division|regiment|corps|platoon|squadron)"
        r"\s+\d+(?!\d|[,.]\d|\s*-?\s*strong)",
    ],
    "phone": [
        r"\+\d[\d\s().-]{6,}\d",
        r"\(\d{2,5}\)\s?\d{3,4}[\s.-]?\d{3,4}",
        r"\b\d{3}[-.]\d{3}[-.]\d{4}\b",
        r"\b(?:tel|phone|fax)[.:]?\s*[+\d][\d\s().-]{5,}",
    ],
    "name": [
        r"\b[^\W\d_]++-\d++[^\W\d_]*+\b",  # F-16, T-90M, PAC-3, F-35s, Hwasong-19
        r"\b[^\W\d_]++\d++[^\W\d_]*+\b",  # F35, G7, B52
        r"\b\d++(?:st|nd|rd|th)\b",  # ordinals: the 3rd Army
    ],
}


def _first_character(pattern: str) -> str:
    """Return what a pattern of SKIPPED starts with: a digit, a letter at the start
    of a word, or another character (a space, a bracket, a sign)."""
    if pattern.startswith((r"\b\d", r"\d", r"\b(?:1[89]")):
        return "digit"
    if re.match(r"\\b(?:\(\?:)?(?:[a-z]|\[\^\\W\\d_\])", pattern):
        return "letter"
    if pattern.startswith((r"(?<=[^\W\d_])\s", r"\(", r"\[", "[§¶#]", r"\+")):
        return "other"
    raise ValueError(f"{pattern}: say which character this pattern starts with")


# What follows the start of a word where a letter pattern of SKIPPED can match:
# the whole word (a keyword is followed by no letter), then a digit or a plus,
# with at most a stop or a colon, spaces or hyphens, and "of" or "the" between.
_LETTER_GUARD = r"[^\W\d_]++[.:]?[\s-]*(?:(?:of|the)\s+)?[+\d]"


def _skipped_pattern(patterns: list[str]) -> re.Pattern:
    """Return one pattern that finds what any of `patterns` finds, as their plain
    alternation would, but faster: the alternatives are grouped by the character
    they start with, behind a guard on that character, so that at most places in
    a text one test rules out a whole group (a quote's numbers were mostly the
    time of this search). The groups' characters do not overlap and each keeps its
    patterns' order, so at any place the same patterns are tried in the same order
    (tests/claims/test_finder_speed.py compares the two)."""
    groups: dict[str, list[str]] = {"digit": [], "letter": [], "other": []}
    for pattern in patterns:
        groups[_first_character(pattern)].append(pattern)

    def alternation(items):
        return "|".join(f"(?:{item})" for item in items)

    def bounded(items):
        """Return the alternation of `items` with each run of patterns that open
        with \b behind one \b: inside a number, where there is no boundary, one
        test rules out the run."""
        parts, run = [], []
        for item in [*items, None]:
            if item is not None and item.startswith(r"\b"):
                run.append(item.removeprefix(r"\b"))
                continue
            if run:
                parts.append(rf"\b(?:{alternation(run)})")
                run = []
            if item is not None:
                parts.append(f"(?:{item})")
        return "|".join(parts)

    # Each letter pattern opens with \b, said once for the group, and with a word
    # that a digit follows, after at most a stop or a colon, spaces or hyphens,
    # and "of" or "the" ("May 5", "p. 12", "aged 7", "tel: +44", "F-16", "age of
    # 5", "in the 1990s"): one look ahead for that shape rules out the group at
    # the start of every other word of a quote. `_LETTER_GUARD` names it, and
    # every letter pattern is checked against it (test_finder_speed.py).
    letters = [pattern.removeprefix(r"\b") for pattern in groups["letter"]]
    guarded = (
        rf"(?=\d)(?:{bounded(groups['digit'])})"
        rf"|\b(?={_LETTER_GUARD})(?:{alternation(letters)})"
        rf"|(?=[\s(\[§¶#+])(?:{alternation(groups['other'])})"
    )
    return re.compile(guarded, re.IGNORECASE)


_SKIPPED_PATTERNS = [pattern for patterns in SKIPPED.values() for pattern in patterns]
_SKIPPED = _skipped_pattern(_SKIPPED_PATTERNS)
# The same pattern for text in ASCII, lowered: without IGNORECASE and with ASCII
# classes it is read in about half the time, and it finds the same spans, since
# the patterns' letters are lower case and lowering ASCII text keeps each
# character in its place (skipped_spans; tests/claims/test_finder_speed.py
# compares the two). Marks beyond ASCII that are no letter, digit or space and
# have no case (dashes, curly quotes, №) read alike under both: most quotes of
# an import are ASCII but for such marks.
_SKIPPED_ASCII = re.compile(_SKIPPED.pattern, re.ASCII)
_SEPARATORS = re.compile("[\x1c-\x1f]")
_NUMBER_WORDS = frozenset(
    (*UNITS, *TENS, *MAGNITUDES, *PLURAL_MAGNITUDES, *ZERO_WORDS)
    + tuple(word for term in PLURAL_TERMS for word in term.split() if len(word) > 2)
    + ("half", "quarter", "couple", "few", "handful", "several", "dozens", "scores")
) - {"one", "of", "none", "nil", "zero"}
_WORD = re.compile(r"[^\W\d_]+")
# Letters of scripts other than Latin: read as spaces, so that a counter glued to digits
# ("10,000명이", "11тис") leaves the number readable. The parser reads English words
# only; a quote in another language is also checked against its translation.
_NON_LATIN = re.compile(r"[^\W\d_A-Za-z\u00C0-\u024F\u1E00-\u1EFF]")
# Control and formatting characters (direction overrides, zero-width spaces, the
# line break U+0085 that splits chunks as a space does) read as spaces too: the
# parser refuses them in a figure, but a quote keeps what was said.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u00ad\u061c\u200b-\u200f"
                       r"\u202a-\u202e\u2060-\u2069\ufeff]")  # fmt: skip
_CHUNK = re.compile(r"\S+")


def _words_of(value) -> set[str]:
    """Return the words in a table of lexicon.py: its strings, keys and phrases."""
    if isinstance(value, str):
        return {word.lower() for word in _WORD.findall(value)}
    if isinstance(value, dict):
        return _words_of(list(value)) | _words_of(list(value.values()))
    if isinstance(value, (tuple, list, set, frozenset)):
        return set().union(*(_words_of(item) for item in value))
    return set()


# Every word the figure parser compares with anything: the words of lexicon.py's
# tables, and those grammar.py and numbers.py name themselves
# (tests/claims/test_finder_speed.py checks that none is missing). A chunk of a
# quote that is one other word, in plain letters ("says", "troops"), is inert: the
# parser reads it as nothing but a word between others.
_PARSER_WORDS = frozenset(
    set().union(
        *(_words_of(getattr(lexicon, name)) for name in dir(lexicon) if name.isupper())
    )
    | {
        "a", "above", "an", "and", "approx", "b", "below", "between", "c", "cc",
        "cent", "cf", "couple", "cs", "d", "dozen", "e", "f", "fold", "fraction",
        "from", "half", "hundred", "in", "mar", "march", "may", "mil", "mille", "nd",
        "nfkc", "num", "of", "one", "or", "out", "pct", "per", "percent",
        "percentage", "quarter", "quarters", "rd", "s", "score", "single", "st",
        "sub", "super", "sym", "th", "three", "times", "to", "up", "word", "x", "z",
    }
)  # fmt: skip
_DIGIT_RUN = re.compile(r"\d+")
# A chunk that is a number and nothing else: digits and signs, no letters.
_PLAIN_NUMBER = re.compile(r"[^A-Za-z]*[0-9][^A-Za-z]*")


def _plain_number(word: str) -> bool:
    """Return whether a chunk is a number and nothing else: digits and signs in
    ASCII, the en dash of a range ("74,706–76,000") too."""
    return (word.isascii() or word.replace("–", "").isascii()) and (
        _PLAIN_NUMBER.fullmatch(word) is not None
    )


_EDGE = "\"'“”‘’()[]«»"
_TRAILING = ".,;:!?" + _EDGE


def find_figures(text: str) -> list[Found]:
    """Return the figures `text` states, in order, each with its span and reading."""
    return list(_Finder(text or "").found(tight=True))


def states_figure(text: str, figure: Figure) -> bool:
    """Return whether `text` states `figure`: whether one of the figures that
    find_figures finds in it reads as `figure` does (same_reading). For the quote
    rule, which reads every quote of an import: the spans are not narrowed to
    their fewest words, and the reading stops at the first figure that matches."""
    return _Finder(text or "").states(figure)


def skipped_spans(text: str) -> list[tuple[int, int]]:
    """Return the spans of `text` that hold no count (SKIPPED): in ASCII, bar
    caseless marks, by the faster pattern (_SKIPPED_ASCII) on the lowered text;
    else, or where the text holds a separator \\x1c–\\x1f (a space to the Unicode
    pattern, not to the ASCII one; _Finder has made them spaces), by _SKIPPED."""
    fast = text.isascii() or all(map(_caseless_mark, set(text)))
    if fast and not _SEPARATORS.search(text):
        return [match.span() for match in _SKIPPED_ASCII.finditer(text.lower())]
    return [match.span() for match in _SKIPPED.finditer(text)]


@lru_cache(maxsize=1024)
def _caseless_mark(char: str) -> bool:
    """Return whether _SKIPPED_ASCII reads `char` as _SKIPPED does: an ASCII
    character, or one that is no letter, digit, underscore or space (\\w, \\d, \\s
    and \\b differ beyond ASCII) and that no change of case touches (IGNORECASE)."""
    return char.isascii() or (
        not char.isalnum()
        and not char.isspace()
        and char != "_"
        and char == char.lower() == char.upper() == char.casefold()
    )


class _Finder:
    def __init__(self, text: str):
        self.original = text
        # One character for one: the spans found stay those of the original text.
        # Text in ASCII has no letters of other scripts, and printable text no
        # control characters: most quotes need neither replacement.
        if not text.isascii():
            text = _NON_LATIN.sub(" ", text)
        if not text.isprintable():
            text = _CONTROLS.sub(" ", text)
        self.text = text
        matches = list(_CHUNK.finditer(text))
        self.chunks = chunks = [match.span() for match in matches]
        skipped = skipped_spans(text)
        self.blocked = blocked = self._blocked(chunks, skipped)
        # Each chunk's kind in one pass, the commonest first: a word of plain
        # letters is inert unless the parser reads it, and a number only if it is
        # a number word; a chunk of digits and signs is a plain number.
        self.anchors, self.inert, self.plain = anchors, inert, plain = [], [], []
        for i, match in enumerate(matches):
            word = match.group()
            if word.isascii() and word.isalpha():
                lowered = word.lower()
                inert.append(lowered not in _PARSER_WORDS)
                plain.append(False)
                number = lowered in _NUMBER_WORDS
            else:
                inert.append(False)
                is_plain = _plain_number(word)
                plain.append(is_plain)
                number = is_plain or self._is_number(word)
            if number and not blocked[i]:
                anchors.append(i)
        self.readings: dict[str, Figure | None] = {}

    def __iter__(self):
        return iter(self.chunks)

    @staticmethod
    def _blocked(chunks, skipped: list[tuple[int, int]]) -> list[bool]:
        """Return, for each chunk, whether it reaches into a span that holds no
        count. Both lists are in order and the spans do not overlap, so one walk
        through each does (a page of text has thousands of chunks)."""
        blocked, k = [], 0
        for start, end in chunks:
            while k < len(skipped) and skipped[k][1] <= start:
                k += 1
            blocked.append(k < len(skipped) and skipped[k][0] < end)
        return blocked

    @staticmethod
    def _is_number(chunk: str) -> bool:
        if any(char.isdigit() for char in chunk):
            return True
        return any(word.lower() in _NUMBER_WORDS for word in _WORD.findall(chunk))

    def read(self, first: int, last: int) -> Figure | None:
        """Return the reading of chunks first..last, or None if it cannot be read.

        It is parse_figure's reading of those words, found with less work (most of
        the finder's time was parsing): words longer than a figure are not read; a
        window with an inert word between two plain numbers ("0 says 74,706") holds
        two numbers that make no range, so it does not read; and inert words at
        either end of a window change nothing in its reading, so only the words
        between them are parsed (tests/claims/test_finder_speed.py compares each
        with parse_figure)."""
        words = self.text[self.chunks[first][0] : self.chunks[last][1]]
        if words in self.readings:
            return self.readings[words]
        figure = None
        if len(words) <= MAX_LENGTH and not self._parted(first, last):
            inert = self.inert
            while first <= last and inert[first]:
                first += 1
            while last >= first and inert[last]:
                last -= 1
            if first <= last:
                core = self.text[self.chunks[first][0] : self.chunks[last][1]]
                figure = _parsed(core)
                if figure is not None and core != words:
                    # As parse_figure gives it: the words read, inert ones too.
                    figure = rephrased(figure, words)
        self.readings[words] = figure
        return figure

    def _parted(self, first: int, last: int) -> bool:
        """Return whether chunks first..last hold a plain number, then an inert
        word, then a plain number: two quantities with a word between them that
        joins no range, which parse_figure always refuses."""
        number = word = False
        for k in range(first, last + 1):
            if self.plain[k]:
                if word:
                    return True
                number = True
            elif number and self.inert[k]:
                word = True
        return False

    def found(self, *, tight: bool) -> Iterator[Found]:
        i = 0
        anchors = self.anchors
        while i < len(anchors):
            best = None
            for j in range(min(len(anchors), i + LONGEST_RUN) - 1, i - 1, -1):
                if not self._near(i, j):
                    continue
                best = self._widest(anchors[i], anchors[j], i, j, tight=tight)
                if best is not None:
                    i = j
                    break
            if best is not None:
                yield best
            i += 1

    def _near(self, i: int, j: int) -> bool:
        """Return whether anchors i..j lie close enough to make one figure."""
        anchors = self.anchors
        return all(anchors[k + 1] - anchors[k] - 1 <= GAP for k in range(i, j))

    def states(self, wanted: Figure) -> bool:
        """Return whether one of the figures found(tight=False) yields reads as
        `wanted` does, reading as few windows as it can.

        Which anchors make one figure depends only on the figures of two or more
        anchors: an anchor that joins none is a figure of its own whether or not
        its window reads. So those are found first, in order, as found() does, and
        the figures of single anchors after, the likeliest first (an anchor whose
        digits the wanted figure has): the same figures, in another order."""
        reading = _reading(wanted)
        anchors, alone = self.anchors, []
        i = 0
        while i < len(anchors):
            for j in range(min(len(anchors), i + LONGEST_RUN) - 1, i, -1):
                if not self._near(i, j):
                    continue
                best = self._widest(anchors[i], anchors[j], i, j, tight=False)
                if best is not None:
                    if _reading(best.figure) == reading:
                        return True
                    i = j
                    break
            else:
                alone.append(i)
            i += 1
        digits = set(_DIGIT_RUN.findall(wanted.text.replace(",", "")))
        alone.sort(key=lambda i: not digits & set(self._digits(anchors[i])))
        for i in alone:
            best = self._widest(anchors[i], anchors[i], i, i, tight=False)
            if best is not None and _reading(best.figure) == reading:
                return True
        return False

    def _digits(self, chunk: int) -> list[str]:
        start, end = self.chunks[chunk]
        return _DIGIT_RUN.findall(self.text[start:end].replace(",", ""))

    def _widest(
        self, first: int, last: int, i: int, j: int, *, tight: bool
    ) -> Found | None:
        """Return the figure read from the widest window around chunks first..last
        that reads, tightened to the fewest words that read the same."""
        if first < last and self._parted(first, last):
            # Every window holds chunks first..last, so every window is parted
            # too (_parted only grows true as a window widens): none reads.
            return None
        floor = self.anchors[i - 1] + 1 if i > 0 else 0
        ceiling = (
            self.anchors[j + 1] - 1 if j + 1 < len(self.anchors) else len(self.chunks)
        )
        ceiling = min(ceiling, len(self.chunks) - 1)
        # A window reaches no blocked chunk beyond its anchors: it starts after
        # the nearest blocked chunk before `first` and ends before the nearest
        # after `last`.
        blocked = self.blocked
        lowest = max(floor, first - BEFORE)
        for k in range(first - 1, lowest - 1, -1):
            if blocked[k]:
                lowest = k + 1
                break
        highest = min(ceiling, last + AFTER)
        for k in range(last + 1, highest + 1):
            if blocked[k]:
                highest = k - 1
                break
        starts = range(lowest, first + 1)
        ends = range(highest, last - 1, -1)
        for start in starts:
            for end in ends:
                figure = self.read(start, end)
                if figure is not None and not tight:
                    low, high = self.chunks[start][0], self.chunks[end][1]
                    return Found(low, high, self.original[low:high], figure)
                if figure is not None:
                    return self._tightened(start, end, first, last, figure)
        return None

    def _tightened(self, start, end, first, last, figure) -> Found:
        reading = _reading(figure)
        while start < first and _reading(self.read(start + 1, end)) == reading:
            start += 1
        while end > last and _reading(self.read(start, end - 1)) == reading:
            end -= 1
        low, high = self.chunks[start][0], self.chunks[end][1]
        while high > low and self.text[high - 1] in _TRAILING:
            if _reading(_parsed(self.text[low : high - 1])) != reading:
                break
            high -= 1
        while low < high and self.text[low] in _EDGE:
            if _reading(_parsed(self.text[low + 1 : high])) != reading:
                break
            low += 1
        words = self.text[low:high]
        return Found(low, high, self.original[low:high], _parsed(words) or figure)


def _parsed(text: str) -> Figure | None:
    try:
        return parse_figure(text)
    except FigureError:
        return None


def _reading(figure: Figure | None) -> tuple | None:
    """Return what a figure says, for comparing two: its kind and interval."""
    if figure is None:
        return None
    return (figure.kind, figure.low, figure.high)


def same_reading(one: Figure, other: Figure) -> bool:
    """Return whether two figures say the same: one kind, one interval."""
    return _reading(one) == _reading(other)
