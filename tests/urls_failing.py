"""URLs that fail, for the 500 and 503 pages' tests."""

from django.db import OperationalError, connection
from django.http import HttpResponse
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


urlpatterns = [
    path("slow/", slow),
    path("api/slow/", slow),
    path("fail/", fail),
    path("database-gone/", database_gone),
    path("api/fail/", fail),
    path("api/database-gone/", database_gone),
]
handler500 = "claims.reader.errors.server_error"
