"""One row of an import file as read, its values cleaned and its figure parsed.

Pure Python, as the quote rule's helper processes need (quotechecks.py): a batch
of rows is pickled once, to the import's Spool and to the helpers, which read it
back without importing Django.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from operator import attrgetter

from claims.domain import figures

# The standings a row may have: drafts are never exported, so never imported.
PUBLISHED, RETRACTED = "published", "retracted"


@dataclass(slots=True)
class Row:
    """One valid row, its values cleaned. Slotted: an import pickles every row of
    its file and reads each back once a pass, and a row's attribute dictionary was
    most of its size."""

    line: int
    claim: str
    unit: str
    topic: str
    source: str
    source_kind: str
    stated_on: date
    date_precision: str
    figure: figures.Figure
    quote: str
    document_title: str = ""
    document_url: str = ""
    document_published_on: date | None = None
    reliability: str = ""
    credibility: int | None = None
    relayed_by: str = ""
    # A hand-set interpretation, when the row's kind or bounds differ from the figure's.
    kind: str = ""
    low: Decimal | None = None
    high: Decimal | None = None
    # The evidence: the document's kind ("" when the row does not say), where in the
    # document the figure is, the quote's language and an optional translation.
    document_kind: str = ""
    locator: str = ""
    quote_language: str = "en"
    translation: str = ""
    translation_language: str = ""
    translation_method: str = ""
    translated_by: str = ""
    quote_match_confirmed: str = ""
    # Its standing: published or retracted (with why and when), and set aside by
    # the editors (why and when) or not.
    status: str = PUBLISHED
    retraction_reason: str = ""
    retracted_at: datetime | None = None
    set_aside_reason: str = ""
    set_aside_at: datetime | None = None

    @property
    def is_overridden(self) -> bool:
        return bool(self.kind)

    def __reduce__(self):
        """Pickle a row as its fields' values, in order: the import's Spool reads
        each row back once a pass, and a slotted dataclass's own way (a state read
        back field by field) took twice as long."""
        return (Row, _row_values(self))


_ROW_FIELDS = tuple(item.name for item in fields(Row))
_row_values = attrgetter(*_ROW_FIELDS)
