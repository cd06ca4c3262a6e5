"""The editors' review queue, mounted at /review/."""

from django.urls import path

from claims.review import views

app_name = "review"

urlpatterns = [
    path("", views.ReviewQueueView.as_view(), name="queue"),
    path("<int:pk>/", views.DiscrepancyDetailView.as_view(), name="detail"),
    path("<int:pk>/assign/", views.DiscrepancyAssignView.as_view(), name="assign"),
    path("figures/<int:pk>/", views.FigureView.as_view(), name="figure"),
]
