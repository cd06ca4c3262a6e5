"""A claim as schema.org JSON-LD."""

from django.urls import reverse
from django.utils import timezone

from claims.domain.dates import StatedDate
from claims.domain.wording import stated_value
from claims.models import Claim


def _without_nulls(data):
    """Return `data` without the members that are None: JSON-LD states what is known."""
    if isinstance(data, dict):
        return {k: _without_nulls(v) for k, v in data.items() if v is not None}
    if isinstance(data, list):
        return [_without_nulls(item) for item in data]
    return data


def _number(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def linked_data(claim: Claim, assertions, summary, site: str) -> dict:
    """Return the claim as schema.org JSON-LD: a Dataset whose parts are the
    `assertions` the page lists of the current estimates (each source's latest
    figure: a page of them, ESTIMATES_PER_PAGE) and of the figures the editors set
    aside (those the summary words), each a schema.org Claim with its author,
    appearance and bounds, those set aside marked with their `creativeWorkStatus`
    and reason; its bounds are every estimate's. Every figure is in the dataset's
    downloads, which it links: inlining them all would weigh a dense claim's page
    by the row count, and a claim of hundreds of sources by the source count."""
    current = {point.id for point in summary.estimates}
    # Figures the editors set aside are parts too, marked so, with their reason:
    # never presented as current estimates (issue 24).
    set_aside = {point.id for point in summary.set_aside}

    def agent(source):
        kind = "Person" if source.kind == "individual" else "Organization"
        return {
            "@type": kind,
            "name": source.name,
            "url": site + source.get_absolute_url(),
        }

    parts = []
    listed = current | set_aside
    for a in (a for a in assertions if a.pk in listed):
        part = {
            "@type": "Claim",
            "text": a.quote,
            "author": agent(a.source),
            # At its precision: a figure of October 2024 is not dated the 1st.
            "dateCreated": StatedDate(a.stated_on, a.date_precision).iso(),
            "about": {
                "@type": "QuantitativeValue",
                "description": a.figure,
                "minValue": _number(a.low),
                "maxValue": _number(a.high),
                # Only a number the source stated: never for a bound, a range
                # or a vague term (their interval is minValue and maxValue).
                "value": _number(stated_value(a.kind, a.value)),
                "unitText": claim.unit,
            },
        }
        if a.pk in set_aside:
            part["creativeWorkStatus"] = "set aside by the editors"
            part["correction"] = {
                "@type": "CorrectionComment",
                "text": a.set_aside_reason,
                "datePublished": timezone.localdate(a.set_aside_at).isoformat(),
            }
        if a.document:
            part["appearance"] = {
                "@type": "CreativeWork",
                "name": a.document.title,
                "url": a.document.url or None,
                "datePublished": (
                    a.document.published_on.isoformat()
                    if a.document.published_on
                    else None
                ),
                "publisher": agent(a.document.publisher)
                if a.document.publisher
                else None,
            }
        parts.append(part)
    first, last = summary.first_reported, summary.latest
    return _without_nulls(
        {
            "@context": "https://schema.org",
            "@type": "Dataset",
            "name": claim.title,
            "description": claim.description or claim.scope or claim.title,
            "url": site + claim.get_absolute_url(),
            "isAccessibleForFree": True,
            "temporalCoverage": f"{_iso(first)}/{_iso(last)}" if first else None,
            "variableMeasured": {
                "@type": "PropertyValue",
                "name": claim.title,
                "unitText": claim.unit,
                "minValue": _number(summary.lowest.low if summary.lowest else None),
                "maxValue": _number(summary.highest.high if summary.highest else None),
            },
            "distribution": [
                {
                    "@type": "DataDownload",
                    "encodingFormat": kind,
                    "contentUrl": site
                    + reverse("claims:export", args=[claim.slug, ext]),
                }
                for ext, kind in (("csv", "text/csv"), ("json", "application/json"))
            ],
            "hasPart": parts,
        }
    )


def _iso(point) -> str:
    """Return a figure's date at its precision, as ISO 8601 writes it."""
    return StatedDate(point.stated_on, point.precision).iso()
