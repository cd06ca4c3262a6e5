"""When a figure was stated: a date in its sentence, resolved against the
publication date, with its precision and the reason.

Date phrases are found here ("On 25/10/2024", "on October 23", "said on Monday",
"last week", "in early October"); dateparser reads them, relative to the
publication date and preferring the past, because it already knows weekdays,
relative days, month names and numeric orders (docs/dependencies.md). A phrase that
names only a month is kept at month precision; "last week" and "this month" too,
because the day is not known. A date in the sentence that is not when the figure was
stated ("since 2022", "in June 2024" after the verb) is not taken: only a date at
the start of the sentence or next to its reporting verb counts. Otherwise a
past-tense sentence takes the date its paragraph opened with, and anything else the
document's date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from claims.domain import dates

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|"
    "December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
)
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_DAY_PHRASES = re.compile(
    "|".join(
        (
            r"\b\d{1,2}/\d{1,2}/\d{4}\b",
            r"\b\d{4}-\d{2}-\d{2}\b",
            rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?",
            rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b(?:,?\s+\d{{4}})?",
            rf"\b(?:last\s+|this\s+|on\s+)?(?:{_WEEKDAYS})\b",
            r"\b(?:yesterday|today|on\s+the\s+same\s+day)\b",
        )
    ),
    re.IGNORECASE,
)
_PERIOD_PHRASES = re.compile(
    rf"\b(?:(?:in|on)\s+)?(?:early|mid|late|mid-)?[\s-]*(?:{_MONTHS})\b(?:\s+\d{{4}})?"
    r"|\b(?:last|this|earlier\s+this|late\s+last|earlier\s+last)\s+(?:week|month)\b",
    re.IGNORECASE,
)
_NOT_STATED = re.compile(
    r"(?:since|until|till|from|before|after|between|by|started|began|ended|during|"
    r"through|of)\s*$",
    re.IGNORECASE,
)
_NOW = re.compile(r"\b(?:now|currently|today|at present|so far|to date)\b", re.I)
_PRESENT = re.compile(
    r"\b(?:says|say|claims|believes|believe|estimates|estimate|puts|put\s+it|"
    r"assesses|reports|counts|is|are|has|have)\b",
    re.IGNORECASE,
)
_PAST = re.compile(
    r"(?<!an )(?<!the )\b(?:said|told|reported|claimed|estimated|confirmed|stated|"
    r"announced|believed|assessed|counted|recorded|documented|warned|added|noted|wrote|"
    r"corroborated|indicated|suggested|revealed|disclosed|put\s+the)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class When:
    """A statement date, its precision (claims/domain/dates.py) and why."""

    day: date | None
    precision: str
    reason: str
    explicit: bool


def date_in(sentence: str, *, cue_at: int | None, published_on: date | None):
    """Return the When stated in `sentence`, or None: a date at its start or within
    a few words of the reporting verb at `cue_at`."""
    base = published_on or date.today()
    for pattern, precision in ((_DAY_PHRASES, dates.DAY), (_PERIOD_PHRASES, None)):
        for match in pattern.finditer(sentence):
            if not _placed(sentence, match, cue_at):
                continue
            when = _resolve(match.group(), base, precision)
            if when is not None:
                return when
    return None


def _placed(sentence: str, match: re.Match, cue_at: int | None) -> bool:
    if _NOT_STATED.search(sentence[max(0, match.start() - 12) : match.start()]):
        return False
    if match.start() <= 3 or re.search(
        r"(?:^|[,.] )(?:In|On|By)\s*$", sentence[: match.start()]
    ):
        return True
    if match.group()[:3].lower() in ("in ", "on ") and (
        match.start() == 0
        or sentence[match.start() - 2 : match.start()] in (", ", ". ")
    ):
        return True
    if cue_at is not None and abs(match.start() - cue_at) <= 45:
        return True
    return sentence[max(0, match.start() - 3) : match.start()].lower().endswith("on ")


def _resolve(phrase: str, base: date, precision: str | None) -> When | None:
    words = " ".join(phrase.split())
    lowered = words.lower()
    if "week" in lowered:
        shift = 7 if "last" in lowered else 0
        day = base - timedelta(days=shift)
        return When(dates.normalise(day, dates.MONTH), dates.MONTH, f"“{words}”", True)
    if "month" in lowered:
        day = base if lowered.startswith(("this", "earlier this")) else _back(base)
        return When(dates.normalise(day, dates.MONTH), dates.MONTH, f"“{words}”", True)
    cleaned = re.sub(
        r"^(?:on|in|last|this)\s+|\b(?:early|mid|late)[\s-]*", "", words, flags=re.I
    )
    if lowered in ("on the same day",):
        return None
    day = _parse(cleaned, base)
    if day is None:
        return None
    if precision is None:
        has_day = re.search(r"\d{1,2}(?!\d)", re.sub(r"\d{4}", "", cleaned))
        precision = dates.DAY if has_day else dates.MONTH
    if day > base:  # a statement cannot postdate the document that reports it
        return None
    return When(dates.normalise(day, precision), precision, f"“{words}”", True)


def _back(day: date) -> date:
    return day.replace(day=1) - timedelta(days=1)


@lru_cache(maxsize=4096)
def _parse(phrase: str, base: date) -> date | None:
    import dateparser  # imported late: its tables take a moment to load

    parsed = dateparser.parse(
        phrase,
        languages=["en"],
        settings={
            "RELATIVE_BASE": datetime(base.year, base.month, base.day),
            "PREFER_DATES_FROM": "past",
            "DATE_ORDER": "DMY",
            "PREFER_DAY_OF_MONTH": "first",
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
    return parsed.date() if parsed else None


def fallback(
    sentence: str,
    *,
    paragraph_date: When | None,
    published_on: date | None,
    own_voice: bool = False,
) -> When:
    """Return the date of a sentence that states none: its paragraph's date for a
    past-tense report; in a commentary or report, an undated past report is known
    only to the month of publication (as researchers record it); else the
    document's date."""
    if published_on is None:
        return When(None, dates.DAY, "no date in the text or the document", False)
    if _NOW.search(sentence) or (
        _PRESENT.search(sentence) and not _PAST.search(sentence)
    ):
        return When(published_on, dates.DAY, "“now”: the document's date", False)
    if paragraph_date is not None and paragraph_date.day is not None:
        return When(
            paragraph_date.day,
            paragraph_date.precision,
            f"the paragraph's date, {paragraph_date.reason}",
            False,
        )
    if own_voice and _PAST.search(sentence):
        return When(
            dates.normalise(published_on, dates.MONTH),
            dates.MONTH,
            "an undated earlier report: the month of the document",
            False,
        )
    return When(published_on, dates.DAY, "no date stated: the document's date", False)
