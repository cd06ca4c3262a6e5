from django.contrib import admin
from django.urls import path

admin.site.site_header = "Claimtracker"
admin.site.site_title = "Claimtracker admin"
admin.site.index_title = "Sources, documents, claims and assertions"

urlpatterns = [
    path("admin/", admin.site.urls),
]
