"""Reader pages: claims, sources and feeds. claimtracker/urls.py mounts each list
under its own namespace ("claims" through claims/urls.py, "sources", "feeds")."""

from django.urls import path

from claims.http_cache import conditional, site_stamp_of
from claims.models import Claim
from claims.reader import feeds, views
from sources import urls as source_urls

claim_patterns = [
    path("", views.ClaimListView.as_view(), name="list"),
    path("<slug:slug>/", views.ClaimDetailView.as_view(), name="detail"),
    path("<slug:slug>/chart.svg", views.ClaimChartView.as_view(), name="chart"),
]

# Reader pages about sources show their assertions, so their views live here
# (sources never imports claims).
source_patterns = [
    path("", views.SourceListView.as_view(), name="list"),
    path("<slug:slug>/", views.SourceDetailView.as_view(), name="detail"),
    # The sources app's own pages (sources/urls.py): archived document files.
    *source_urls.urlpatterns,
]

# Feeds answer conditional GETs from the site's change stamp
# (claims/http_cache.py).
feed = conditional(site_stamp_of)

feed_patterns = [
    path("", feed(feeds.LatestAssertionsFeed()), name="all"),
    path(
        "claims/<slug:slug>/",
        feed(views.redirect_merged(Claim, feeds.ClaimFeed())),
        name="claim",
    ),
    path("topics/<slug:slug>/", feed(feeds.TopicFeed()), name="topic"),
]
