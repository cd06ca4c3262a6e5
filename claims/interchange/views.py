"""Downloads of published figures, as CSV (the import format) or JSON."""

from itertools import chain, islice

from django.conf import settings
from django.db import DatabaseError
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponsePermanentRedirect,
    StreamingHttpResponse,
)

from claims.filters import ClaimFilter
from claims.http_cache import claim_stamp_of, conditional, site_stamp_of
from claims.interchange import exports
from claims.limits import limited
from claims.models import Claim
from claims.selectors import merged_url

EXPORT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def _export_response(assertions, fmt: str, name: str) -> HttpResponse:
    """Stream the export, or refuse it whole: never a file cut short.

    The query runs before the first byte is sent, so a query the database refuses
    is answered with a message instead of a download that ends early. A selection of
    more than CLAIMTRACKER_EXPORT_MAX_ROWS figures is refused with a message before
    anything is sent: streaming it would outlast the worker's timeout, which cuts
    the file mid-row (docs/readers.md, "Downloads")."""
    limit = settings.CLAIMTRACKER_EXPORT_MAX_ROWS
    if assertions.order_by()[: limit + 1].count() > limit:
        return HttpResponse(
            f"This selection holds more than {limit:,} figures, more than one download "
            "can carry, so none was sent. Narrow the filters (a topic, a source, a "
            "date range) or download claim by claim; the whole data set is exported "
            'by the export job (docs/readers.md, "Downloads").',
            status=413,
            content_type="text/plain; charset=utf-8",
        )
    rows = assertions.iterator(chunk_size=2000)
    try:
        first = list(islice(rows, 1))
    except DatabaseError:
        return HttpResponse(
            "The export could not be made, so none was sent. Narrow the filters "
            "or try again later.",
            status=503,
            content_type="text/plain; charset=utf-8",
            headers={"Retry-After": "30"},
        )
    chunks = (exports.csv_text if fmt == "csv" else exports.json_text)(
        chain(first, rows)
    )
    response = StreamingHttpResponse(chunks, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@limited("export")
@conditional(claim_stamp_of)
def claim_export(request, slug: str, fmt: str):
    """Download a claim's published figures as CSV (the import format) or JSON."""
    if fmt not in EXPORT_TYPES:
        raise Http404("Exports are CSV or JSON.")
    claim = Claim.objects.openable().filter(slug=slug).first()
    if claim is None:
        # A merged claim's downloads are those of the claim it joined, as its page.
        url = merged_url(request, Claim)
        if url is None:
            raise Http404("No such claim.")
        return HttpResponsePermanentRedirect(url)
    assertions = exports.exported_assertions(Claim.objects.filter(pk=claim.pk))
    return _export_response(assertions, fmt, f"claimtracker-{claim.slug}")


@limited("export")
@conditional(site_stamp_of)
def claim_list_export(request, fmt: str):
    """Download the figures of every claim the list's filters select."""
    if fmt not in EXPORT_TYPES:
        raise Http404("Exports are CSV or JSON.")
    filterset = ClaimFilter(request.GET, queryset=Claim.objects.visible())
    if not filterset.is_valid():
        return HttpResponseBadRequest(
            "Invalid filters: "
            + "; ".join(
                f"{field}: {' '.join(errors)}"
                for field, errors in filterset.form.errors.items()
            ),
            content_type="text/plain; charset=utf-8",
        )
    assertions = exports.exported_assertions(filterset.qs.order_by())
    return _export_response(assertions, fmt, "claimtracker-claims")
