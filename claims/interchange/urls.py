"""Downloads of published figures, under /claims/ in the "claims" namespace."""

from django.urls import path

from claims.interchange import views

export_patterns = [
    path("export.<str:fmt>", views.claim_list_export, name="list-export"),
    path("<slug:slug>/export.<str:fmt>", views.claim_export, name="export"),
]
