"""Limits on what any door (admin form, CSV import, seed loader) may store: names
without invisible or direction-changing characters, web addresses that are http(s),
and dates between 1800 and today.

Each rule is written once here. The `*_problem` functions are pure and return a
message, or "" when the value is good; the CSV import (claims/interchange/csvformat.py)
and claims/domain/rules.py call them, and the Django validators below wrap them for
model
fields. It lives in `sources`, which `claims` may import, so both apps share it.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.deconstruct import deconstructible

# The earliest date a statement or publication may carry (claims/domain/dates.py
# agrees).
EARLIEST = date(1800, 1, 1)
DATE_RANGE = "Give a date from 1 Jan 1800 to today ({today})."

# C0 controls (NUL to U+001F) and DEL can hide or break text; the embeddings and
# overrides (U+202A–U+202E) and isolates (U+2066–U+2069) make text display as
# something other than what is stored. The marks U+200E and U+200F stay allowed:
# right-to-left names and quotes need them.
CONTROLS = frozenset(map(chr, (*range(0x00, 0x20), 0x7F)))
BIDI_CONTROLS = frozenset(map(chr, (*range(0x202A, 0x202F), *range(0x2066, 0x206A))))
REFUSED = CONTROLS | BIDI_CONTROLS
MULTILINE_ALLOWED = frozenset("\t\n\r")

SCHEMES = ("http", "https")

# A search costs a condition per word, so its size is bounded whatever is typed.
SEARCH_MAX_TERMS = 10
SEARCH_MAX_CHARACTERS = 200
SEARCH_CUT = (
    f"Only the first {SEARCH_MAX_TERMS} words ({SEARCH_MAX_CHARACTERS} characters) "
    "of the search were used; the rest were dropped."
)


def text_problem(text: str, *, multiline: bool = False) -> str:
    """Return why `text` cannot be stored as a name or title, or "" if it can.

    With `multiline`, tab and line breaks are allowed (descriptions, notes)."""
    allowed = MULTILINE_ALLOWED if multiline else frozenset()
    for char in text:
        if char in REFUSED and char not in allowed:
            kind = (
                "the direction control"
                if char in BIDI_CONTROLS
                else "the invisible control character"
            )
            return (
                f"holds {kind} U+{ord(char):04X}, which can make text display as "
                "something other than what is stored. Type it without that character."
            )
    return ""


def url_problem(url: str) -> str:
    """Return why `url` is not a web address we store, or ""."""
    try:
        URLValidator(schemes=SCHEMES)(url)
    except ValidationError:
        return "is not a web address; give one that starts with http:// or https://"
    return ""


def date_problem(day: date | None, *, today: date) -> str:
    """Return why `day` cannot be a statement's or publication's date, or ""."""
    if day is not None and not (EARLIEST <= day <= today):
        return DATE_RANGE.format(today=f"{today:%d %b %Y}")
    return ""


def search_terms(text: str) -> tuple[list[str], bool]:
    """Return the words of a search that are used, and whether any were dropped."""
    text = str(text or "")
    words = text[:SEARCH_MAX_CHARACTERS].split()
    cut = (
        len(text) > SEARCH_MAX_CHARACTERS and not text[SEARCH_MAX_CHARACTERS:].isspace()
    )
    if len(words) > SEARCH_MAX_TERMS:
        words, cut = words[:SEARCH_MAX_TERMS], True
    return words, cut


def search_text(text: str) -> tuple[str, bool]:
    """Return a search as one phrase, bounded like search_terms."""
    words, cut = search_terms(text)
    return " ".join(words), cut


@deconstructible
class VisibleText:
    """Refuse control and direction-override characters in a name or title."""

    def __init__(self, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, value):
        problem = text_problem(str(value), multiline=self.multiline)
        if problem:
            raise ValidationError(f"This {problem}", code="invisible_character")

    def __eq__(self, other):
        return isinstance(other, VisibleText) and other.multiline == self.multiline


validate_name = VisibleText()
validate_web_url = URLValidator(
    schemes=SCHEMES,
    message="Enter a web address that starts with http:// or https://.",
    code="web_url",  # not "invalid", which forms replace with their own message
)


def validate_past_date(value: date) -> None:
    """Refuse a date before 1800 or after today."""
    from django.utils import timezone  # here, so rules.py loads without settings

    problem = date_problem(value, today=timezone.localdate())
    if problem:
        raise ValidationError(problem, code="date_range")
