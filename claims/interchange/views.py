"""Downloads of published figures, as CSV (the import format) or JSON."""

from django.http import Http404, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404

from claims.filters import ClaimFilter
from claims.http_cache import claim_stamp_of, conditional, site_stamp_of
from claims.interchange import exports
from claims.models import Claim

EXPORT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def _export_response(assertions, fmt: str, name: str) -> StreamingHttpResponse:
    chunks = (exports.csv_text if fmt == "csv" else exports.json_text)(
        assertions.iterator(chunk_size=2000)
    )
    response = StreamingHttpResponse(chunks, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@conditional(claim_stamp_of)
def claim_export(request, slug: str, fmt: str):
    """Download a claim's published figures as CSV (the import format) or JSON."""
    if fmt not in EXPORT_TYPES:
        raise Http404("Exports are CSV or JSON.")
    claim = get_object_or_404(Claim.objects.visible(), slug=slug)
    assertions = exports.published_assertions(Claim.objects.filter(pk=claim.pk))
    return _export_response(assertions, fmt, f"claimtracker-{claim.slug}")


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
    assertions = exports.published_assertions(filterset.qs.order_by())
    return _export_response(assertions, fmt, "claimtracker-claims")
