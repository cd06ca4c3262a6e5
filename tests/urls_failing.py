"""URLs that fail, for the 500 and 503 pages' tests."""

from django.db import OperationalError, connection
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import path


def fail(request):
    raise RuntimeError("A deliberate failure for the 500 page test.")


def database_gone(request):
    raise OperationalError("server closed the connection unexpectedly")


def slow(request):
    """A query of one second on PostgreSQL (SQLite has no pg_sleep, nor a timeout)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(1)")
    return HttpResponse("done")


def timeout(request):
    """The connection's statement timeout, as the view's queries run under it."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return HttpResponse(cursor.fetchone()[0])


def timeout_streamed(request):
    """The same, read as a download's rows are: after the view has returned."""

    def rows():
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            yield cursor.fetchone()[0]

    return StreamingHttpResponse(rows())


urlpatterns = [
    path("timeout/streamed/", timeout_streamed),
    path("timeout/", timeout),
    path("admin/timeout/", timeout),
    path("slow/", slow),
    path("api/slow/", slow),
    path("fail/", fail),
    path("database-gone/", database_gone),
    path("api/fail/", fail),
    path("api/database-gone/", database_gone),
]
handler500 = "claims.reader.errors.server_error"
