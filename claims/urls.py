from django.urls import path

from claims import feeds, views

app_name = "claims"

urlpatterns = [
    path("", views.ClaimListView.as_view(), name="list"),
    path("export.<str:fmt>", views.claim_list_export, name="list-export"),
    path("<slug:slug>/", views.ClaimDetailView.as_view(), name="detail"),
    path("<slug:slug>/export.<str:fmt>", views.claim_export, name="export"),
]

# Reader pages about sources show their assertions, so their views live here (sources
# never imports claims); claimtracker/urls.py mounts them as the "sources" namespace.
source_patterns = [
    path("", views.SourceListView.as_view(), name="list"),
    path("<slug:slug>/", views.SourceDetailView.as_view(), name="detail"),
]

# The editors' review queue, mounted at /review/ as the "review" namespace.
review_patterns = [
    path("", views.ReviewQueueView.as_view(), name="queue"),
    path("<int:pk>/", views.DiscrepancyDetailView.as_view(), name="detail"),
    path("<int:pk>/assign/", views.DiscrepancyAssignView.as_view(), name="assign"),
]

# Atom feeds, mounted at /feeds/ as the "feeds" namespace.
feed_patterns = [
    path("", feeds.LatestAssertionsFeed(), name="all"),
    path("claims/<slug:slug>/", feeds.ClaimFeed(), name="claim"),
    path("topics/<slug:slug>/", feeds.TopicFeed(), name="topic"),
]
