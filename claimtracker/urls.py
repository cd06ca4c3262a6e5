from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from claims.reader import views as reader_views
from claims.reader.urls import feed_patterns, source_patterns

admin.site.site_header = "Claimtracker"
admin.site.site_title = "Claimtracker admin"
admin.site.index_title = "Sources, documents, claims and assertions"

urlpatterns = [
    path("", reader_views.HomeView.as_view(), name="home"),
    path(
        "methodology/",
        reader_views.MethodologyView.as_view(),
        name="methodology",
    ),
    path("search/", reader_views.SearchView.as_view(), name="search"),
    path("claims/", include("claims.urls")),
    path("sources/", include((source_patterns, "sources"))),
    path("review/", include("claims.review.urls")),
    path("feeds/", include((feed_patterns, "feeds"))),
    path("api/", include("claims.api.urls")),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's).
    path(
        "favicon.ico",
        RedirectView.as_view(url=f"{settings.STATIC_URL}favicon.svg", permanent=True),
    ),
]

# Django's 500 page, or the 503 page when the database is out of reach.
handler500 = "claims.reader.errors.server_error"
