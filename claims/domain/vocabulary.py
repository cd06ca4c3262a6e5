"""The vocabulary of kinds and states, and the defaults and limits that go with it:
each defined once, here. Pure logic.

Model choices (claims/models.py), the CSV format (claims/interchange/csvformat.py),
the forms, the review states (claims/review/states.py), the API and the reader's
wording (claims/domain/wording.py) are built from these tables, and
tests/claims/test_vocabulary.py checks that they are. Stored values are short,
lowercase and never renamed; labels are for people and may change.

Two neighbours keep the values they parse or compute with and this module attaches
the rest: the figure kinds are claims/domain/figures.py's, the date precisions
claims/domain/dates.py's. Sources' own vocabulary (names, titles, addresses) lives
in sources/names.py, because `sources` may not import `claims`.
"""

from __future__ import annotations

from decimal import Decimal

from claims.domain import dates, figures
from sources import names

# Figure kinds: how a figure reads as an interval (claims/domain/figures.py).
FIGURE_KINDS = (
    (figures.EXACT, "Exact"),
    (figures.APPROXIMATE, "Approximate"),
    (figures.AT_LEAST, "At least"),
    (figures.AT_MOST, "At most"),
    (figures.RANGE, "Range"),
    (figures.QUALITATIVE, "Vague term"),
)
FIGURE_KIND_LABELS = dict(FIGURE_KINDS)

# Date precisions: a statement known to the day, the month or the year
# (claims/domain/dates.py).
DATE_PRECISIONS = (
    (dates.DAY, "Day"),
    (dates.MONTH, "Month (“early October 2024”)"),
    (dates.YEAR, "Year"),
)

# The editors' judgement of a discrepancy (issue 4 of the project's tracker): its
# states, and the words for each. The moves between them are claims/review/states.py.
OPEN = "open"
UNDER_REVIEW = "under_review"
EXPLAINED = "explained"
RESOLVED = "resolved"
DISMISSED = "dismissed"
SUPERSEDED = "superseded"
PENDING = (OPEN, UNDER_REVIEW)  # waiting for a judgement; readers see "under review"
JUDGEMENTS = (EXPLAINED, RESOLVED, DISMISSED)
# For editors: the choices of Discrepancy.state and the judgement form.
DISCREPANCY_STATES = (
    (OPEN, "Open"),
    (UNDER_REVIEW, "Under review"),
    (EXPLAINED, "Explained (different scope, date or definition)"),
    (RESOLVED, "Resolved (one estimate favoured)"),
    (DISMISSED, "Dismissed (not a real conflict)"),
    (SUPERSEDED, "Superseded (the conflict is gone or replaced)"),
)
# In a sentence: "A discrepancy that is under review cannot become superseded."
STATE_WORDS = {
    OPEN: "open",
    UNDER_REVIEW: "under review",
    EXPLAINED: "explained",
    RESOLVED: "resolved",
    DISMISSED: "dismissed",
    SUPERSEDED: "superseded",
}

# A claim's status, from its figures and the editors' judgements
# (claims/domain/divergence.py). A claim with a pending discrepancy is under review,
# one whose widest conflict is judged has that judgement's state: the same values.
NO_DATA = "no-data"
SINGLE_SOURCE = "single-source"
CORROBORATED = "corroborated"
CLOSE = "close"  # the estimates do not overlap, but no pair reaches the threshold
# The estimates do not overlap and the lowest is zero: no ratio measures the gap
# (0 against 1,000 is as far apart as figures can be), so none is given.
APART = "apart"
# For readers: the badges of the claim page, the lists and the queue.
CLAIM_STATUSES = (
    (NO_DATA, "No figures yet"),
    (SINGLE_SOURCE, "Single source"),
    (CORROBORATED, "Corroborated"),
    (CLOSE, "Close, not overlapping"),
    (APART, "Apart: one figure is zero"),
    (UNDER_REVIEW, "Under review"),
    (EXPLAINED, "Explained by editors"),
    (RESOLVED, "Resolved by editors"),
    (DISMISSED, "Not a real conflict"),
)
CLAIM_STATUS_LABELS = dict(CLAIM_STATUSES)
# For readers: a discrepancy's state in the words of the claim's status.
DISCREPANCY_READER_LABELS = {
    OPEN: CLAIM_STATUS_LABELS[UNDER_REVIEW],
    UNDER_REVIEW: CLAIM_STATUS_LABELS[UNDER_REVIEW],
    EXPLAINED: CLAIM_STATUS_LABELS[EXPLAINED],
    RESOLVED: CLAIM_STATUS_LABELS[RESOLVED],
    DISMISSED: CLAIM_STATUS_LABELS[DISMISSED],
    SUPERSEDED: "Superseded",
}

# Two sources' current figures this far apart (the higher 1.5 times the lower) open
# a discrepancy. The site's default: settings.CLAIMTRACKER_DISCREPANCY_RATIO may set
# another, and a claim its own.
DEFAULT_DISCREPANCY_RATIO = Decimal("1.5")

# The evidence a figure carries, by its document's kind (issue 19). The keys are the
# values of sources.models.DocumentKind, in its order. Text kinds need the verbatim
# quote; a data set, a video and an image need a locator, and their quote may be
# empty. A figure without a document is held to the rule of an article.
QUOTE, LOCATOR = "quote", "locator"
EVIDENCE = {
    "article": QUOTE,
    "report": QUOTE,
    "transcript": QUOTE,
    "dataset": LOCATOR,
    "social_post": QUOTE,
    "video": LOCATOR,
    "image": LOCATOR,
    "statement": QUOTE,
}
DOCUMENT_KINDS = tuple(EVIDENCE)
DEFAULT_DOCUMENT_KIND = "article"
# A document of each kind, in a sentence: "A figure from a data set needs …".
DOCUMENT_KIND_NAMES = {
    "article": "an article",
    "report": "a report",
    "transcript": "a transcript",
    "dataset": "a data set",
    "social_post": "a social media post",
    "video": "a video",
    "image": "an image",
    "statement": "a statement",
}
# What a locator names, by kind: the convention docs/researchers.md documents.
LOCATOR_HINTS = {
    "dataset": "the file or table, the row key and the field, as in "
    "“russia_losses_equipment.json, date=2022-03-01, field=tank”",
    "video": "the timestamp where the figure is stated, as in “00:12:34”",
    "image": "where in the image the figure is shown, as in “caption, lower left”",
}


def evidence_needed(document_kind: str) -> str:
    """Return QUOTE or LOCATOR: what a figure from a document of this kind needs."""
    return EVIDENCE.get(document_kind or DEFAULT_DOCUMENT_KIND, QUOTE)


# Field limits, in characters: the models' max_length, the forms' and the CSV
# import's checks.
FIGURE_MAX_LENGTH = figures.MAX_LENGTH
CLAIM_TITLE_MAX_LENGTH = 300
UNIT_MAX_LENGTH = 50
TOPIC_NAME_MAX_LENGTH = 200
LOCATOR_MAX_LENGTH = 500
LANGUAGE_MAX_LENGTH = 35  # a BCP 47 tag as stored
TRANSLATOR_MAX_LENGTH = 200
# A quote is the passage that states a figure, not the document: longer ones are
# refused, which keeps the quote check fast (claims/domain/rules.py, issue 28).
QUOTE_MAX_LENGTH = 2000
# The CSV columns that have a limit, and the field whose limit it is.
CSV_MAX_LENGTHS = {
    "claim": CLAIM_TITLE_MAX_LENGTH,
    "unit": UNIT_MAX_LENGTH,
    "topic": TOPIC_NAME_MAX_LENGTH,
    "source": names.SOURCE_NAME_MAX_LENGTH,
    "relayed_by": names.SOURCE_NAME_MAX_LENGTH,
    "figure": FIGURE_MAX_LENGTH,
    "document_title": names.DOCUMENT_TITLE_MAX_LENGTH,
    "document_url": names.URL_MAX_LENGTH,
    "locator": LOCATOR_MAX_LENGTH,
    "quote_language": LANGUAGE_MAX_LENGTH,
    "translation_language": LANGUAGE_MAX_LENGTH,
    "translated_by": TRANSLATOR_MAX_LENGTH,
    "quote": QUOTE_MAX_LENGTH,
}
