"""A statement timeout for readers' requests on PostgreSQL (docs/operations.md,
"Statement timeout").

Every GET or HEAD outside the admin runs its queries under
CLAIMTRACKER_READER_STATEMENT_TIMEOUT_MS milliseconds each (0 turns it off). A query
that runs longer is cancelled by PostgreSQL, and the reader gets a 503 page that
says so, with Retry-After, instead of a worker killed by the server's timeout and a
500.

The timeout is a setting of the connection (not SET LOCAL: that needs a transaction
around the whole request, which would close a download's server-side cursor before
it streams). A kept connection remembers what it was set to, so a run of readers'
requests on one connection sets it once, not twice a request (a SET and a reset are
two round trips: a tenth of a cached page's cost). Any other request (the admin, a
POST) first puts the connection back to its default, as does the end of a streamed
download, whose rows are fetched after the view returns; the download's size is
bounded by CLAIMTRACKER_EXPORT_MAX_ROWS instead. A connection not kept
(DJANGO_CONN_MAX_AGE=0, as behind PgBouncer) is put back at the end of each
reader's request too: PgBouncer hands the server connection under it to its next
client, which would otherwise run under the readers' timeout. Inside a
transaction (the tests'), where a rollback would undo a SET behind the connection's
back, the request sets the timeout and resets it after, as before.

SQLite has no statement timeout: there the setting does nothing (documented).
"""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.template import loader

QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a cancelled statement
RETRY_AFTER = "30"


def timed_out(error: BaseException) -> bool:
    """Whether `error` is PostgreSQL cancelling a statement for its timeout."""
    cause = error.__cause__ or error
    return getattr(cause, "sqlstate", None) == QUERY_CANCELED


def _applies(request) -> bool:
    return (
        connection.vendor == "postgresql"
        and settings.CLAIMTRACKER_READER_STATEMENT_TIMEOUT_MS > 0
        and request.method in ("GET", "HEAD")
        and not request.path.startswith("/admin/")
    )


def _healthy() -> None:
    """As Django does before a query: a kept connection that died while the database
    was away is replaced, not used (CONN_HEALTH_CHECKS)."""
    connection.close_if_health_check_failed()
    connection.ensure_connection()


def _pooled() -> bool:
    """Whether connections come from a pool (CLAIMTRACKER_DB_POOL), where the next
    one may be one another thread set."""
    return "pool" in connection.settings_dict.get("OPTIONS", {})


def _kept() -> bool:
    """Whether the connection outlives the request in this process: kept
    (CONN_MAX_AGE) or pooled, so that the next request here finds its setting."""
    return connection.settings_dict.get("CONN_MAX_AGE") != 0 or _pooled()


def _set(statement: str) -> None:
    """Run `statement` on the raw psycopg connection: a setting of the connection,
    not a query of the page, so the pages' query budgets do not count it."""
    _healthy()
    # Django's own errors, as for any query: a database gone away answers 503
    # (claims/reader/errors.py), not a raw driver error's 500.
    with connection.wrap_database_errors:
        connection.connection.execute(statement)


# The timeout a raw connection was last set to, kept on the psycopg connection
# itself, so that it follows the connection through a pool and is gone with it.
SET_TO = "_claimtracker_statement_timeout"


def _set_to(milliseconds: int | None) -> None:
    """Put the connection's statement timeout at `milliseconds` (None: its default),
    unless it is there already."""
    if milliseconds is None and connection.connection is None and not _pooled():
        return  # the next connection is a new one, at its default
    _healthy()
    if getattr(connection.connection, SET_TO, None) == milliseconds:
        return
    if milliseconds is None:
        _set("SET statement_timeout TO DEFAULT")
    else:
        _set(f"SET statement_timeout = {milliseconds}")
    setattr(connection.connection, SET_TO, milliseconds)


def _reset() -> None:
    try:
        _set_to(None)
    except Exception:  # psycopg's own errors: the raw connection
        # The connection cannot be trusted to have reset: a new one next time.
        connection.close()


def connection_reset() -> None:
    """Put a kept connection a reader's request left at the readers' timeout back
    to its default, for code that uses it outside a request (the tests)."""
    if getattr(connection.connection, SET_TO, None) is not None:
        _reset()


class StatementTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if connection.vendor != "postgresql":
            return self.get_response(request)
        if not _applies(request):
            _reset()  # a reader's timeout left on a kept or pooled connection
            return self.get_response(request)
        milliseconds = int(settings.CLAIMTRACKER_READER_STATEMENT_TIMEOUT_MS)
        if connection.in_atomic_block:
            return self._for_this_request(request, milliseconds)
        _set_to(milliseconds)
        try:
            response = self.get_response(request)
        except BaseException:
            _reset()
            raise
        if response.streaming or not _kept():
            # A download's rows are fetched after this returns; a connection not
            # kept (CONN_MAX_AGE=0: behind PgBouncer, whose server connection
            # goes next to another client, a worker's or the admin's) is left at
            # its default.
            _reset()
        return response

    def _for_this_request(self, request, milliseconds: int):
        _set(f"SET statement_timeout = {milliseconds}")
        try:
            return self.get_response(request)
        finally:
            try:
                _set("SET statement_timeout TO DEFAULT")
                setattr(connection.connection, SET_TO, None)
            except Exception:
                connection.close()

    def process_exception(self, request, exception):
        if not (isinstance(exception, DatabaseError) and timed_out(exception)):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": "This request took too long and was stopped. Try again."},
                status=503,
                headers={"Retry-After": RETRY_AFTER},
            )
        page = loader.get_template("503_slow.html").render()
        return HttpResponse(page, status=503, headers={"Retry-After": RETRY_AFTER})
