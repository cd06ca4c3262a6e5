"""The sources app's own pages: archived document files, by SHA-256 (downloads only).

claimtracker/urls.py mounts these under /sources/ in the "sources" namespace, beside
the reader's pages about sources (claims/reader/urls.py), which show assertions and so
live in claims: sources never imports claims."""

from django.urls import re_path

from sources.views import file_download

urlpatterns = [
    re_path(r"^files/(?P<sha256>[0-9a-f]{64})/$", file_download, name="file"),
]
