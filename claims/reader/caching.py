"""Reader pages served from the cache, keyed on when what they show last changed,
with HTTP validators from the same stamp (claims/http_cache.py)."""

import gzip
import re

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

from claims.http_cache import (
    CONDITIONAL_METHODS,
    Stamp,
    has_session,
    keep_only,
    keep_private,
    not_modified,
    page_cache_key,
    site_stamp,
    validate_publicly,
)

# The headers a cached copy keeps besides its body (the chart is an SVG download).
KEPT_HEADERS = ("Content-Type", "Content-Disposition")


def site_changed_at() -> str:
    """Return when anything readers see last changed, as a cache-key part."""
    return site_stamp().key


class ReaderCacheMixin:
    """Serve anonymous readers the page from the cache, keyed on what it shows having
    last changed, and answer their conditional GETs with 304 before any of it is built.
    Visitors with a valid session (signed-in staff) always get a fresh, private page;
    for everyone else the page reads only its own query parameters, normalised
    (kept_query), so that made-up parameters or cookies cannot fill the cache."""

    cache_seconds = 24 * 60 * 60
    # The query parameters the page reads; every other one is ignored (dropped from
    # the request before the view runs), so it neither reaches the page nor the key.
    cache_params: tuple[str, ...] = ()

    def kept_params(self) -> tuple[str, ...]:
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is not None:  # a filtered list: its filters and pages
            return (*filterset_class.base_filters, "page", *self.cache_params)
        return self.cache_params

    def cache_stamp(self) -> Stamp | None:
        """Return when this page's content last changed; None to skip the cache."""
        return site_stamp()

    def dispatch(self, request, *args, **kwargs):
        if request.method not in CONDITIONAL_METHODS:
            return super().dispatch(request, *args, **kwargs)
        if has_session(request):
            return keep_private(super().dispatch(request, *args, **kwargs))
        keep_only(request, self.kept_params())
        stamp = self.cache_stamp()
        if stamp is None:
            return super().dispatch(request, *args, **kwargs)
        answer = not_modified(request, stamp)
        if answer is not None:
            return answer
        key = page_cache_key(PAGE_KEY, stamp.key, request)
        cached = cache.get(key)
        if cached is not None:
            packed, headers = cached
            return validate_publicly(served(request, packed, headers), request, stamp)
        response = super().dispatch(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        if response.status_code == 200:
            headers = {h: response[h] for h in KEPT_HEADERS if h in response}
            cache.set(key, (packed_page(response.content), headers), self.cache_seconds)
            validate_publicly(response, request, stamp)
        return response


# The cache keys' first part: a new one since pages are kept gzipped, so that a
# copy kept before an upgrade, not gzipped, is never served as if it were.
PAGE_KEY = "reader-page-gz"
GZIP = re.compile(r"\bgzip\b")  # as GZipMiddleware reads Accept-Encoding


def packed_page(body: bytes) -> bytes:
    """Return a page's body as the cache keeps it: gzipped, once, when rendered. A
    copy takes about a fifth of the memory, and a browser (every one accepts gzip)
    gets it as kept, where GZipMiddleware compressed the page again for each
    request (0.38 ms for 50 KB, about a fifth of a cached hit). A fixed
    compression is safe here: a reader page holds no secret for BREACH to recover
    (docs/scaling.md, "Compression")."""
    return compress_string(body)


def served(request, packed: bytes, headers: dict) -> HttpResponse:
    """Return the cached page: as kept for a client that accepts gzip (marked, so
    that GZipMiddleware leaves it be), else unpacked; either way marked as varying
    with Accept-Encoding, as GZipMiddleware marks every page of 200 bytes or more
    (every reader page is: the smallest, a chart of no figures, is about 970)."""
    if GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        response = HttpResponse(packed, headers={**headers, "Content-Encoding": "gzip"})
    else:
        response = HttpResponse(gzip.decompress(packed), headers=headers)
    patch_vary_headers(response, ("Accept-Encoding",))
    return response
