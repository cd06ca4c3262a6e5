"""Export the assertions on record (published and retracted, never drafts) in the CSV
format of claims/csvformat.py, or as JSON: a retracted row carries its reason and
time, a set-aside row the editors' reason and time, so an import keeps them.

Rows come in one fixed order (claim, date, source, figure), so exporting the same data
twice, or after a round trip through an import, gives the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from claims.domain.figures import plain_number
from claims.interchange import csvformat
from claims.models import Assertion


def exported_assertions(claims=None):
    """Return the assertions on record of `claims` (all claims if None): published
    and retracted, never drafts."""
    queryset = Assertion.objects.on_record()
    if claims is not None:
        queryset = queryset.filter(claim__in=claims)
    return (
        queryset.select_related("claim__topic", "source", "document", "relayed_by")
        .prefetch_related("translations")
        .order_by("claim__title", "stated_on", "source__name", "figure", "pk")
    )


def rows(assertions: Iterable[Assertion]) -> Iterator[dict]:
    """Yield each assertion as a dict keyed by the CSV columns."""
    for a in assertions:
        document = a.document
        translation = first_translation(a)
        yield {
            "claim": a.claim.title,
            "unit": a.claim.unit,
            "topic": a.claim.topic.name,
            "source": a.source.name,
            "source_kind": a.source.kind,
            "stated_on": csvformat.format_date(a.stated_on, a.date_precision),
            "figure": a.figure,
            "quote": a.quote,
            "document_title": document.title if document else "",
            "document_url": document.url if document else "",
            "document_published_on": (
                document.published_on.isoformat()
                if document and document.published_on
                else ""
            ),
            "reliability": a.source.reliability,
            "credibility": str(a.credibility),
            "relayed_by": a.relayed_by.name if a.relayed_by else "",
            "date_precision": a.date_precision,
            "kind": a.kind,
            "low": plain_number(a.low),
            "high": plain_number(a.high),
            "document_kind": document.kind if document else "",
            "locator": a.locator,
            "quote_language": a.quote_language,
            "translation": translation.text if translation else "",
            "translation_language": translation.language if translation else "",
            "translated_by": (
                csvformat.format_translator(
                    translation.method, translation.translated_by
                )
                if translation
                else ""
            ),
            "quote_match_confirmed": a.quote_match_confirmed,
            "status": a.status,
            "retraction_reason": a.retraction_reason,
            "retracted_at": csvformat.format_time(a.retracted_at),
            "set_aside_reason": a.set_aside_reason,
            "set_aside_at": csvformat.format_time(a.set_aside_at),
        }


def first_translation(assertion: Assertion):
    """Return the translation a row of the CSV carries: English if there is one,
    else the first by language (the CSV has room for one; the API lists all)."""
    translations = sorted(assertion.translations.all(), key=lambda t: t.language)
    for translation in translations:
        if translation.language == "en":
            return translation
    return translations[0] if translations else None


def csv_text(assertions: Iterable[Assertion]) -> Iterator[str]:
    """Yield the CSV file, header first, a line at a time."""
    return csvformat.write(rows(assertions))


def json_text(assertions: Iterable[Assertion]) -> Iterator[str]:
    """Yield a JSON array of the same rows, one object at a time."""
    yield "["
    for index, row in enumerate(rows(assertions)):
        yield ("," if index else "") + "\n  " + json.dumps(row, ensure_ascii=False)
    yield "\n]\n"
