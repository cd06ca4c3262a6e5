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

# The pure checks, re-exported: callers that may not import Django use sources.text.
from sources.text import (  # noqa: F401
    BIDI_CONTROLS,
    CONTROLS,
    DATE_RANGE,
    EARLIEST,
    MULTILINE_ALLOWED,
    REFUSED,
    SEARCH_CUT,
    SEARCH_MAX_CHARACTERS,
    SEARCH_MAX_TERMS,
    date_problem,
    search_terms,
    search_text,
    text_problem,
)

SCHEMES = ("http", "https")


def url_problem(url: str) -> str:
    """Return why `url` is not a web address we store, or ""."""
    try:
        URLValidator(schemes=SCHEMES)(url)
    except ValidationError:
        return "is not a web address; give one that starts with http:// or https://"
    return ""


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
