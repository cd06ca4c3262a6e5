"""A URL that fails, for the 500 page's test."""

from django.urls import path


def fail(request):
    raise RuntimeError("A deliberate failure for the 500 page test.")


urlpatterns = [path("fail/", fail)]
