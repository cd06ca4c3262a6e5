"""Per-client limits on the expensive reader views (docs/traffic.md, "Limits").

A client is the address the trusted proxy reports (CLAIMTRACKER_TRUSTED_PROXIES
proxies in front), else the connection's own address. Each client gets a number of
requests per window for each kind of view; counters live in the default cache, so with
Redis every app process counts together (local memory counts per process). Past the
limit the view answers 429 with Retry-After and a sentence saying when to come back.
The API uses DRF's throttles with the same client and the same cache
(claims/api/throttles.py).
"""

from __future__ import annotations

import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """Return (requests, seconds) of a rate written like "60/minute"."""
    count, _, period = rate.partition("/")
    try:
        return int(count), PERIODS[period.strip().lower()]
    except (ValueError, KeyError):
        raise ValueError(
            f"A limit reads like '60/minute' (second, minute, hour or day): {rate!r}"
        ) from None


def client_address(request: HttpRequest) -> str:
    """Return the client's address: with N trusted proxies in front, the address the
    outermost of them saw (the N-th from the right of X-Forwarded-For); else, or when
    the header is missing, the connection's own address. Earlier entries are the
    client's to write, so they are never believed."""
    proxies = settings.CLAIMTRACKER_TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded.strip():
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return request.META.get("REMOTE_ADDR", "")


def too_many(retry_after: int) -> HttpResponse:
    """Return the 429 a limited client gets."""
    return HttpResponse(
        "Too many requests from your address. This page is limited to keep the site "
        f"fast for everyone; please try again in {retry_after} seconds.\n",
        status=429,
        content_type="text/plain; charset=utf-8",
        headers={"Retry-After": str(retry_after), "Cache-Control": "no-store"},
    )


def check(request: HttpRequest, scope: str) -> HttpResponse | None:
    """Count this request against its client's limit for `scope`; return the 429 to
    send when the client is over it, else None.

    A fixed window: the counter's key names the window, and it expires with it. The
    first request of a window adds the key, later ones increment it (atomic in
    Redis)."""
    if not settings.CLAIMTRACKER_LIMITS:
        return None
    allowed, seconds = parse_rate(settings.CLAIMTRACKER_LIMIT_RATES[scope])
    now = time.time()
    window = int(now // seconds)
    client = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    key = f"limit:{scope}:{client}:{window}"
    if cache.add(key, 1, timeout=seconds + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: a new window
            cache.add(key, 1, timeout=seconds + 1)
            count = 1
    if count <= allowed:
        return None
    return too_many(max(1, int((window + 1) * seconds - now + 0.999)))


def limited(scope: str, when=None):
    """Decorate a view function so that each client's requests are limited by the
    rate of `scope` in CLAIMTRACKER_LIMIT_RATES; `when(request)` chooses which
    requests count (all of them by default)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if when is None or when(request):
                refused = check(request, scope)
                if refused is not None:
                    return refused
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


class LimitedMixin:
    """Limit a class-based view by the rate of `limit_scope`; `limit_applies`
    chooses which requests count."""

    limit_scope = "reader"

    def limit_applies(self, request) -> bool:
        return True

    def dispatch(self, request, *args, **kwargs):
        if self.limit_applies(request):
            refused = check(request, self.limit_scope)
            if refused is not None:
                return refused
        return super().dispatch(request, *args, **kwargs)
