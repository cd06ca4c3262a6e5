"""Find the figures in a text: where each stands and how the figure parser reads it.

The interface is small on purpose, so that the figure finder being written for the
figure-vs-quote rule (claims/domain/figures/finder.py, issue 27: "one figure finder
serves this rule and the extraction assistant") can replace this module at merge:

    find_figures(text: str) -> list[Found]

where each Found has `start` and `end` (offsets into `text`, so
`text[start:end] == found.text`), `text` (the figure as phrased, qualifier
included: "up to 1,500") and `figure` (what `parse_figure` reads it as).

Not figures: dates ("25/10/2024", "October 23", "June 2024"), times ("10:30",
"3 pm"), ages ("aged 19", "a 34-year-old"), years ("in 2022", "since 2014"),
percentages ("5%", "40 per cent"), ordinals ("1st"), page, section, article and
resolution numbers, phone numbers, footnote marks and numbers inside names
("Hwasong-19", "F-16", "K2", "COVID-19").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from claims.domain import figures


@dataclass(frozen=True)
class Found:
    """One figure in a text: its offsets, its words and its reading."""

    start: int
    end: int
    text: str
    figure: figures.Figure


def _alternation(words) -> str:
    """Return a regex alternation of `words`, longest first, spaces flexible."""
    parts = sorted({w for w in words if w[:1].isalpha()}, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in parts)


_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|"
    "december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_QUALIFIERS = _alternation(
    figures.APPROXIMATE_WORDS
    + figures.BELOW_WORDS
    + figures.ABOVE_WORDS
    + figures.AT_LEAST_WORDS
    + figures.AT_MOST_WORDS
)
_WORD_UNITS = "|".join(sorted(figures.UNITS, key=len, reverse=True))
_WORD_TENS = "|".join(figures.TENS)
_MAGNITUDE = (
    r"(?:hundred|thousand|million|billion|trillion|lakh|crore|dozen)s?"
    r"|bn|mn|mln|tn|k|m|b"
)
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_CURRENCY = r"(?:(?:US|HK|A|C|NZ)?\$|[€£¥₩₴₽₹])"
_NUMBER = (
    rf"{_CURRENCY}?{_DIGITS}(?:\s?(?:{_MAGNITUDE})\b)?"
    rf"|(?:(?:{_WORD_TENS})(?:-(?:{_WORD_UNITS}))?|{_WORD_UNITS}|a|an)"
    r"\s+(?:(?:hundred|thousand|million|billion)\s*)+"
)
_VAGUE = (
    r"(?:several|a\s+few|a\s+handful\s+of|a\s+couple\s+of)\s+"
    r"(?:(?:hundred|thousand|million|billion|dozen)\s*)+"
    r"|(?:tens|hundreds)\s+of\s+(?:thousands|millions|billions)"
    r"|(?:dozens|hundreds|thousands|millions|billions)(?=\s+of\b)"
)
_FIGURE = re.compile(
    rf"(?<![\w.,/-])(?:(?P<qualifier>{_QUALIFIERS})\s+(?:(?:the|an?)\s+)?)?"
    rf"(?P<core>(?:between\s+)?(?:{_NUMBER})"
    rf"(?:\s*(?:[-–—]|to|and)\s*(?:{_NUMBER}))?"
    rf"|{_VAGUE})"
    r"(?P<suffix>\s+or\s+so|\s+or\s+more|\+|-plus|-odd)?"
    r"(?![\w/]|[.,]\d|%|-(?:year|month|week|day|hour|minute|second)s?\b)",
    re.IGNORECASE,
)
# "between 10 and 12" needs its "between"; a bare "3,000 and 4,000" is two figures.
_AND_RANGE = re.compile(r"\s+and\s+", re.IGNORECASE)

# Spans that are never figures: a figure overlapping one of them is dropped.
_NOT_FIGURES = re.compile(
    "|".join(
        (
            r"\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b",  # 25/10/2024
            r"\b\d{4}-\d{2}-\d{2}\b",  # 2024-10-25
            rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?\b",
            rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b(?:\s+\d{{4}})?",
            rf"\b(?:{_MONTHS})\s+\d{{4}}\b",  # June 2024
            r"\b(?:in|since|of|by|until|from|before|after|during|early|late|mid)"
            r"[\s-]+(?:19|20)\d{2}(?:s)?\b",  # in 2022
            r"\b(?:19|20)\d{2}(?=\s*[-–]\s*(?:19|20)?\d{2}\b)",
            r"(?<=[-–])(?:19|20)\d{2}\b",
            r"\b\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?|gmt|utc|cet|bst|local)?",
            r"\b\d{1,2}\s*[ap]\.?m\.?(?!\w)",
            r"\b(?:aged|age|ages)\s+\d+(?:\s*(?:to|-|–|and)\s*\d+)?",
            r"\b\d+(?:\s*(?:to|-|–)\s*\d+)?[-\s]years?[-\s]old\b",
            r"\(\d{1,2}\)",  # Kim (34)
            rf"{_DIGITS}\s*(?:%|per\s*cent\b|percent\b|percentage\s+points?\b)",
            r"\b(?:page|pages|p|pp|section|sections|s|§|para|paragraph|paragraphs|"
            r"article|articles|art|chapter|chapters|ch|clause|annex|figure|fig|table|"
            r"resolution|no|nos|number|item|rule|footnote|note|volume|vol|issue|"
            r"question|q|line|lines|flight|route|highway|unit|brigade|battalion|"
            r"division|regiment|corps|platoon|squadron|district|building|room|"
            r"decree|law|order|code|version|level|phase|grade|stage|round|series|"
            r"session|summit|mk|model|block|sector)\.?\s+[\d.,-]+",
            r"§\s*[\d.]+",
            r"\+?\(?\d{1,4}\)?[\s.-]\(?\d{2,4}\)?[\s.-]\d{3,4}[\s.-]\d{3,4}\b",  # phone
            r"\b(?:tel|phone|fax|call)[.:]?\s*[+\d][\d\s().-]{5,}",
            r"\b[A-Za-z]+[-‑]\d[\w.-]*",  # Hwasong-19, F-16, Su-34
            r"\b[A-Za-z]+\d[\w-]*",  # K2, G7, COVID19
            r"\b\d+(?:st|nd|rd|th)\b",
            r"\[\d+\]",
            r"\b\d+[-‑](?:strong|member|nation|country|point|seat|man|person)\b",
            r"\b(?:19|20)\d{2}s\b",
            r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten)\s+o['’]clock",
        )
    ),
    re.IGNORECASE,
)
_YEAR = re.compile(r"^(?:19|20)\d{2}$")
# After a bare year-like number, a plural noun says it counts something ("2000 troops").
_COUNTED = re.compile(r"\s+(?:[a-z-]+\s+)?[a-z]+s\b")


def find_figures(text: str) -> list[Found]:
    """Return the figures stated in `text`, in order, each with its reading."""
    blocked = [m.span() for m in _NOT_FIGURES.finditer(text)]
    found: list[Found] = []
    for match in _FIGURE.finditer(text):
        for start, end in _pieces(match):
            if _overlaps(start, end, blocked):
                continue
            phrase = text[start:end]
            if _YEAR.match(phrase) and not _COUNTED.match(text, end):
                continue
            reading = _read(phrase)
            if reading is None:
                continue
            phrase, start = reading.text, start + (len(phrase) - len(reading.text))
            found.append(Found(start, start + len(phrase), phrase, reading))
    return _joined_bounds(text, found)


_BOUND_JOIN = re.compile(r"^,?\s+(?:and|but|possibly|perhaps|maybe)\s+$", re.IGNORECASE)


def _joined_bounds(text: str, found: list[Found]) -> list[Found]:
    """Join "at least 1,500 and as many as 3,000" into the one range it states."""
    joined: list[Found] = []
    for item in found:
        last = joined[-1] if joined else None
        if (
            last is not None
            and last.figure.kind == figures.AT_LEAST
            and item.figure.kind == figures.AT_MOST
            and _BOUND_JOIN.match(text[last.end : item.start])
        ):
            reading = _read(text[last.start : item.end])
            if reading is not None:
                joined[-1] = Found(last.start, item.end, reading.text, reading)
                continue
        joined.append(item)
    return joined


def _pieces(match: re.Match) -> list[tuple[int, int]]:
    """Return one span, or two where "3,000 and 4,000" is two figures."""
    start, end = match.span()
    core = match.group("core")
    if core.lower().startswith("between") or not _AND_RANGE.search(core):
        return [(start, end)]
    joiner = _AND_RANGE.search(match.group(0))
    return [(start, start + joiner.start()), (start + joiner.end(), end)]


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def _read(phrase: str) -> figures.Figure | None:
    """Return the reading of `phrase`, or None when the parser refuses it."""
    phrase = phrase.strip()
    try:
        return figures.parse_figure(phrase)
    except figures.FigureError:
        return None
