"""The site's error handlers."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views.defaults import server_error as django_server_error


def server_error(request):
    """Answer an unhandled error: 503, "try again", when the database is out of
    reach (it recovers by itself once the database is back); Django's 500 otherwise.
    Both pages are rendered without the database."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        page = loader.get_template("503.html").render()
        return HttpResponse(page, status=503, headers={"Retry-After": "30"})
    return django_server_error(request)
