"""The site's error handlers."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views.defaults import server_error as django_server_error


def server_error(request):
    """Answer an unhandled error: 503, "try again", when the database is out of
    reach (it recovers by itself once the database is back); Django's 500 otherwise.
    Both pages are rendered without the database; under /api/ both are JSON."""
    error = sys.exc_info()[1]
    unavailable = isinstance(error, OperationalError | InterfaceError)
    # The path, not the URL names: this handler must answer even when resolving fails.
    if request.path.startswith("/api/"):
        if unavailable:
            return JsonResponse(
                {"detail": "The database is out of reach. Try again shortly."},
                status=503,
                headers={"Retry-After": "30"},
            )
        return JsonResponse({"detail": "Server error."}, status=500)
    if unavailable:
        page = loader.get_template("503.html").render()
        return HttpResponse(page, status=503, headers={"Retry-After": "30"})
    return django_server_error(request)
