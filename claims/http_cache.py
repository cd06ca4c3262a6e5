"""The change stamp read as HTTP validators: ETag, Last-Modified, Cache-Control, 304.

`claims/pipeline/derive.py` alone sets `Claim.updated_at` (the change stamp); this
module only
reads it. A stamp says when what a response shows last changed: a claim page its
claim's stamp, the lists, home page and feeds the newest stamp of any claim, source
pages also their source's last edit. The ETag is that stamp with the address (path
and query string) hashed in, so every filtered list and every as-of date is its own
validator; Last-Modified is the stamp to the second.

Anonymous readers get responses any cache may keep for a short while
(`Cache-Control: public`); a visitor carrying a session cookie (staff who signed in)
gets a private answer that is revalidated every time. The session is never read for a
visitor without the cookie, so anonymous responses carry no `Vary: Cookie`.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.db.models import Max, Q
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, QueryDict
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date

from claims.models import Claim
from sources.models import Source, SourceAlias

CONDITIONAL_METHODS = {"GET", "HEAD"}


@dataclass(frozen=True)
class Stamp:
    """When what one response shows last changed: `key` goes into cache keys and
    ETags, `changed_at` (None for an empty site) into Last-Modified."""

    key: str
    changed_at: datetime | None


def _latest(*moments: datetime | None) -> datetime | None:
    known = [m for m in moments if m is not None]
    return max(known) if known else None


class Prepared:
    """A query of one moment, compiled to SQL once per engine and run with each
    request's values: every reader's request reads a stamp, and building the
    queryset cost five times running it (0.47 ms against 0.08 on the cached dense
    page: a quarter of the request's CPU time). `build` makes the queryset from its
    arguments; each argument must reach the SQL as one parameter of its own."""

    def __init__(self, build):
        self._build = build
        self._compiled: dict[str, tuple[str, list, list[int]]] = {}

    def value(self, *args) -> datetime | None:
        sql, params, slots = self._compiled_for(len(args))
        params = list(params)
        for slot, arg in zip(slots, args, strict=True):
            params[slot] = arg
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        return _moment(row[0]) if row else None

    def _compiled_for(self, count: int) -> tuple[str, list, list[int]]:
        compiled = self._compiled.get(connection.vendor)
        if compiled is None:
            markers = [f"\x00argument {n}\x00" for n in range(count)]
            sql, params = self._build(*markers).query.sql_with_params()
            params = list(params)
            slots = [params.index(marker) for marker in markers]
            if sum(params.count(marker) for marker in markers) != count:
                raise ValueError("each argument must be one parameter of its own")
            compiled = self._compiled[connection.vendor] = (sql, params, slots)
        return compiled


def _moment(value) -> datetime | None:
    """A moment as the ORM would give it: aware, in UTC (SQLite gives a naive one,
    or text for an aggregate)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def _newest_stamp():
    """The newest stamp, as Max("updated_at") would give it (never null), read from
    the claim_changed_idx index."""
    return Claim.objects.order_by("-updated_at").values_list("updated_at", flat=True)


_SITE_CHANGED = Prepared(lambda: _newest_stamp()[:1])
_CLAIM_CHANGED = Prepared(
    lambda slug: (
        Claim.objects.openable()
        .filter(slug=slug)
        .order_by()
        .values_list("updated_at", flat=True)[:1]
    )
)


def site_stamp() -> Stamp:
    """Return the newest change of any claim: every edit that shows on a page moves
    some claim's stamp (derive.py). One query."""
    latest = _SITE_CHANGED.value()
    return Stamp(f"site:{latest.isoformat() if latest else 'empty'}", latest)


def claim_stamp(slug: str) -> Stamp | None:
    """Return the claim's last change, or None when no such claim's page opens
    (the view then answers 404). One query."""
    changed = _CLAIM_CHANGED.value(slug)
    return changed and Stamp(f"claim:{changed.isoformat()}", changed)


def _newest_edit(*histories) -> datetime | None:
    """Return the newest moment among the `histories` (querysets of history rows,
    of one model each): a query each."""
    return _latest(
        *(rows.aggregate(latest=Max("history_date"))["latest"] for rows in histories)
    )


def sources_stamp() -> Stamp:
    """Return the site's stamp with the last edit of any source or alias (a source
    with no figures moves no claim's stamp). Three queries."""
    site = site_stamp()
    edited = _newest_edit(Source.history.all(), SourceAlias.history.all())
    return Stamp(
        f"{site.key}:sources:{edited.isoformat() if edited else ''}",
        _latest(site.changed_at, edited),
    )


def source_stamp(slug: str) -> Stamp:
    """Return the site's stamp with the last edit of what the source's page shows
    besides its figures: the source, its parent, its parts (any source that ever
    was one) and its aliases (any that ever was). Three queries."""
    site = site_stamp()
    edited = _newest_edit(
        Source.history.filter(
            Q(slug=slug)
            | Q(id__in=Source.objects.filter(slug=slug).values("parent_id"))
            | Q(id__in=Source.history.filter(parent__slug=slug).values("id"))
        ),
        SourceAlias.history.filter(
            id__in=SourceAlias.history.filter(source__slug=slug).values("id")
        ),
    )
    return Stamp(
        f"{site.key}:source:{edited.isoformat() if edited else ''}",
        _latest(site.changed_at, edited),
    )


def has_session(request: HttpRequest) -> bool:
    """Whether the visitor carries a valid session or messages cookie (only signing
    in sets them), so that their page may show their links and messages.

    A cookie that is no valid session (made up, expired, signed with another key)
    counts for nothing: otherwise anyone could skip the page cache by sending one.
    Read without touching `request.session` or `request.user`, which would make the
    response vary on Cookie so that no shared cache could keep it; the answer is
    kept on the request (one session read at most)."""
    known = getattr(request, "_claimtracker_has_session", None)
    if known is None:
        known = _valid_session(request) or _valid_messages(request)
        request._claimtracker_has_session = known
    return known


def _valid_session(request: HttpRequest) -> bool:
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return False
    session = getattr(request, "session", None)
    if session is not None and session.accessed:
        # Read already (a staff page's user): its contents, not a second read.
        return bool(session.keys())
    engine = import_module(settings.SESSION_ENGINE)
    return bool(engine.SessionStore(key).load())


def _valid_messages(request: HttpRequest) -> bool:
    value = request.COOKIES.get(CookieStorage.cookie_name)
    return bool(value) and CookieStorage(request)._decode(value) is not None


def personal(request: HttpRequest) -> dict:
    """Tell templates whether they may read the visitor's user, permissions and
    messages (a context processor): only when the visitor carries a session."""
    return {"personal": has_session(request)}


def address_hash(request: HttpRequest) -> str:
    """Return a hash of the scheme, host, path and query string: a query string can
    be as long as a visitor likes. The scheme is https only when a trusted proxy
    says so (CLAIMTRACKER_TRUSTED_PROXIES, settings), so a visitor's own
    X-Forwarded-Proto cannot put https links into an http reader's page."""
    query = urlencode(sorted(request.GET.lists()), doseq=True)
    address = "\n".join([request.scheme, request.get_host(), request.path, query])
    return hashlib.sha256(address.encode()).hexdigest()


# The longest value of a query parameter a cached page keeps (a search's 200
# characters and the one that tells the page it was cut).
MAX_VALUE = 256


def kept_query(query: QueryDict, names) -> QueryDict:
    """Return `query` with only the parameters `names`, each once, its whitespace
    collapsed and cut to MAX_VALUE, empty ones left out (in the order given; the
    cache key sorts them): what the page reads, so that the cache keeps one copy
    per page a reader can see."""
    kept = QueryDict(mutable=True)
    wanted = set(names)
    for name in dict.fromkeys(query):
        if name not in wanted:
            continue
        value = " ".join((query.get(name) or "").split())[:MAX_VALUE]
        if value:
            kept[name] = value
    kept._mutable = False
    return kept


def keep_only(request: HttpRequest, names) -> None:
    """Leave `request` only the query parameters `names`, normalised (kept_query),
    in its GET and in its query string, which links to the page itself are built
    from (pagination, og:url): what a visitor made up reaches neither the page nor
    the cache key."""
    request.GET = kept_query(request.GET, names)
    request.META["QUERY_STRING"] = request.GET.urlencode()


def page_cache_key(kind: str, stamp: str, request: HttpRequest) -> str:
    """Return the cache key of a reader page as of `stamp`."""
    return f"{kind}:{stamp}:{address_hash(request)}"


def etag(stamp: Stamp, request: HttpRequest) -> str:
    """Return the weak ETag of the response to `request` as of `stamp`. Weak: it
    names what the page shows, and gzip changes the bytes, not the meaning."""
    digest = hashlib.sha256(f"{stamp.key}\n{address_hash(request)}".encode())
    return f'W/"{digest.hexdigest()[:32]}"'


def _last_modified(stamp: Stamp) -> int | None:
    return int(stamp.changed_at.timestamp()) if stamp.changed_at else None


def not_modified(request: HttpRequest, stamp: Stamp) -> HttpResponse | None:
    """Return a 304 when the request's If-None-Match or If-Modified-Since still holds
    for `stamp`, else None (the caller builds the body)."""
    if request.method not in CONDITIONAL_METHODS:
        return None
    tag, modified = etag(stamp, request), _last_modified(stamp)
    answer = get_conditional_response(request, etag=tag, last_modified=modified)
    if answer is None:
        return None
    if isinstance(answer, HttpResponseNotModified):
        validate_publicly(answer, request, stamp)
    return answer


def validate_publicly(response: HttpResponse, request: HttpRequest, stamp: Stamp):
    """Give an anonymous reader's response its validators and let any cache keep it
    for CLAIMTRACKER_HTTP_MAX_AGE seconds, then serve it stale while it revalidates."""
    response.headers["ETag"] = etag(stamp, request)
    if stamp.changed_at:
        response.headers["Last-Modified"] = http_date(_last_modified(stamp))
    patch_cache_control(
        response,
        public=True,
        max_age=settings.CLAIMTRACKER_HTTP_MAX_AGE,
        stale_while_revalidate=settings.CLAIMTRACKER_HTTP_STALE_WHILE_REVALIDATE,
    )
    return response


def keep_private(response: HttpResponse) -> HttpResponse:
    """Mark a signed-in visitor's response as theirs alone, revalidated each time."""
    patch_cache_control(response, private=True, no_cache=True)
    return response


def conditional(stamp_of):
    """Decorate a read-only view: answer a conditional GET from the stamp
    (`stamp_of(request, **kwargs)`, returning a Stamp or None for "no such page")
    without running the view, and give its answer validators and caching headers."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            # Feeds, downloads and the API show everyone the same, signed in or
            # not, and never read the session: public for all.
            if request.method not in CONDITIONAL_METHODS:
                return view(request, *args, **kwargs)
            stamp = stamp_of(request, **kwargs)
            if stamp is None:
                return view(request, *args, **kwargs)
            # Kept for the view, which may key its own cache on it (the API).
            request.claimtracker_stamp = stamp
            answer = not_modified(request, stamp)
            if answer is not None:
                return answer
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                validate_publicly(response, request, stamp)
            return response

        return wrapped

    return decorator


def site_stamp_of(request: HttpRequest, **kwargs) -> Stamp:
    """Return the site's stamp (for `conditional`: lists, feeds, the API)."""
    return site_stamp()


def claim_stamp_of(request: HttpRequest, *, slug: str, **kwargs) -> Stamp | None:
    """Return the claim's stamp (for `conditional`: one claim's pages)."""
    return claim_stamp(slug)
