"""Rules that cross an assertion's fields, or reach its document: written once here
and applied by the model's clean() (so the admin forms), the CSV import and the seed
loader alike. Pure logic: the callers fetch what the rules read.

Each check returns {field: message}, empty when the row is good. Messages are
sentences for researchers; the import prefixes them with the line and column.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from claims import figures
from sources import validators

MESSAGES = {
    "bounds_kind": "The bounds do not fit the kind: “at least” has only a lower "
    "bound, “at most” only an upper one, an exact figure has equal bounds, and "
    "other kinds have both.",
    "low_above_high": "The lower bound is above the upper bound.",
    "after_document": "The document was published on {published}, before this date; "
    "a report cannot precede the statement.",
    "quote_missing": "This quote does not occur in the document's text. Copy it "
    "verbatim.",
    "self_relay": "A source cannot relay its own statement.",
    "date_range": validators.DATE_RANGE,
    "kind_needed": "Choose a kind when you set the interpretation by hand.",
}


def bounds_problems(kind: str, low: Decimal | None, high: Decimal | None) -> dict:
    """Check hand-set bounds: each a figure we can store, and their shape the kind's."""
    problems = {}
    for name, value in (("low", low), ("high", high)):
        if value is not None:
            try:
                figures.check_bound(value, label=name)
            except figures.FigureError as error:
                problems[name] = str(error)
    if problems:
        return problems
    if low is not None and high is not None and low > high:
        return {"low": MESSAGES["low_above_high"]}
    fits = {
        figures.AT_LEAST: low is not None and high is None,
        figures.AT_MOST: low is None and high is not None,
        figures.EXACT: low is not None and low == high,
    }.get(kind, low is not None and high is not None)
    return {} if fits else {"kind": MESSAGES["bounds_kind"]}


def date_problems(field: str, day: date | None, *, today: date) -> dict:
    """A statement or publication lies between 1800 and today."""
    problem = validators.date_problem(day, today=today)
    return {field: problem} if problem else {}


def text_problems(field: str, text: str) -> dict:
    """A name or title holds no control or direction-override character."""
    problem = validators.text_problem(text)
    return {field: problem} if problem else {}


def assertion_problems(
    *,
    stated_on: date | None,
    published_on: date | None,
    quote: str,
    document_text: str,
    source_id: int | None,
    relayed_by_id: int | None,
    today: date,
) -> dict:
    """Check the rules that reach beyond one field of an assertion."""
    problems = date_problems("stated_on", stated_on, today=today)
    if stated_on and published_on and stated_on > published_on:
        problems.setdefault(
            "stated_on",
            MESSAGES["after_document"].format(published=f"{published_on:%d %b %Y}"),
        )
    if document_text and quote and not quote_occurs(quote, document_text):
        problems["quote"] = MESSAGES["quote_missing"]
    if relayed_by_id is not None and relayed_by_id == source_id:
        problems["relayed_by"] = MESSAGES["self_relay"]
    return problems


def quote_occurs(quote: str, text: str) -> bool:
    """Return whether `quote` occurs in `text`, runs of white space counting as one."""
    return collapse_space(quote) in collapse_space(text)


def collapse_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
