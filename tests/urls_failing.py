"""URLs that fail, for the 500 and 503 pages' tests."""

from django.db import OperationalError
from django.urls import path


def fail(request):
    raise RuntimeError("A deliberate failure for the 500 page test.")


def database_gone(request):
    raise OperationalError("server closed the connection unexpectedly")


urlpatterns = [
    path("fail/", fail),
    path("database-gone/", database_gone),
    path("api/fail/", fail),
    path("api/database-gone/", database_gone),
]
handler500 = "claims.reader.errors.server_error"
