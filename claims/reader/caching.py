"""Reader pages served from the cache, keyed on when what they show last changed."""

import hashlib

from django.core.cache import cache
from django.db.models import Max
from django.http import HttpResponse

from claims.models import Claim


def site_changed_at() -> str:
    """Return when anything readers see last changed: the newest claim change (every
    edit that shows on a page moves some claim's updated_at)."""
    latest = Claim.objects.aggregate(latest=Max("updated_at"))["latest"]
    return latest.isoformat() if latest else "empty"


def page_cache_key(kind: str, stamp: str, request) -> str:
    """Return the cache key of a reader page as of `stamp`. The address is hashed: a
    query string can be as long as a visitor likes."""
    page = "\n".join([request.get_host(), request.path, request.GET.urlencode()])
    return f"{kind}:{stamp}:{hashlib.sha256(page.encode()).hexdigest()}"


class ReaderCacheMixin:
    """Serve readers (anonymous GETs) a cached copy of the page, keyed on what it
    shows having last changed; logged-in staff always get a fresh page."""

    cache_seconds = 24 * 60 * 60

    def cache_stamp(self) -> str | None:
        """Return when this page's content last changed; None to skip the cache."""
        return site_changed_at()

    def dispatch(self, request, *args, **kwargs):
        if request.method != "GET" or request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        stamp = self.cache_stamp()
        if stamp is None:
            return super().dispatch(request, *args, **kwargs)
        key = page_cache_key("reader-page", stamp, request)
        body = cache.get(key)
        if body is not None:
            return HttpResponse(body)
        response = super().dispatch(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        if response.status_code == 200:
            cache.set(key, response.content, self.cache_seconds)
        return response
