"""A statement timeout for readers' requests on PostgreSQL (docs/operations.md,
"Statement timeout").

Every GET or HEAD outside the admin runs its queries under
CLAIMTRACKER_READER_STATEMENT_TIMEOUT_MS milliseconds each (0 turns it off). A query
that runs longer is cancelled by PostgreSQL, and the reader gets a 503 page that
says so, with Retry-After, instead of a worker killed by the server's timeout and a
500. The timeout is set on the connection for the request and reset after it (not
SET LOCAL: that needs a transaction around the whole request, which would close a
download's server-side cursor before it streams). The rows of a streamed download
are fetched after the reset; the download's size is bounded by
CLAIMTRACKER_EXPORT_MAX_ROWS instead.

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


def _set(statement: str) -> None:
    """Run `statement` on the raw psycopg connection: a setting of the connection,
    not a query of the page, so the pages' query budgets do not count it."""
    # As Django does before a query: a kept connection that died while the
    # database was away is replaced, not used (CONN_HEALTH_CHECKS).
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    # Django's own errors, as for any query: a database gone away answers 503
    # (claims/reader/errors.py), not a raw driver error's 500.
    with connection.wrap_database_errors:
        connection.connection.execute(statement)


class StatementTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _applies(request):
            return self.get_response(request)
        milliseconds = int(settings.CLAIMTRACKER_READER_STATEMENT_TIMEOUT_MS)
        _set(f"SET statement_timeout = {milliseconds}")
        try:
            return self.get_response(request)
        finally:
            try:
                _set("SET statement_timeout TO DEFAULT")
            except Exception:  # psycopg's own errors: the raw connection
                # The connection cannot be trusted to have reset: a new one next time.
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
