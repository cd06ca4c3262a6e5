from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from sources.models import Document, Source, SourceAlias

# An address typed without a scheme ("example.org") is taken as https, Django 6's
# default, adopted now.
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class SuperuserDeleteMixin:
    """Allow deletion to superusers only: everyone else retracts or edits, so nothing
    that was on the record silently disappears."""

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class SourceAliasInline(SuperuserDeleteMixin, admin.TabularInline):
    model = SourceAlias
    extra = 1
    verbose_name = "alias"
    verbose_name_plural = "aliases (other names and acronyms, e.g. HUR, GUR)"


@admin.register(Source)
class SourceAdmin(SuperuserDeleteMixin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "country", "reliability", "parent", "alias_names"]
    list_filter = ["kind", "reliability", "country"]
    list_select_related = ["parent"]
    search_fields = ["name", "aliases__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    formfield_overrides = URL_FIELDS
    inlines = [SourceAliasInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "country", "parent"]}),
        ("Assessment", {"fields": ["reliability", "url", "notes"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")

    @admin.display(description="aliases")
    def alias_names(self, source):
        return ", ".join(alias.name for alias in source.aliases.all())


@admin.register(Document)
class DocumentAdmin(SuperuserDeleteMixin, SimpleHistoryAdmin):
    list_display = ["title", "publisher", "authors", "published_on"]
    list_filter = ["published_on", "publisher__kind"]
    list_select_related = ["publisher"]
    search_fields = ["title", "authors", "url"]
    autocomplete_fields = ["publisher"]
    formfield_overrides = URL_FIELDS
    date_hierarchy = "published_on"
    fieldsets = [
        (None, {"fields": ["title", "publisher", "authors", "published_on"]}),
        ("Where to find it", {"fields": ["url", "archive_url", "retrieved_on"]}),
        ("Content", {"fields": ["text", "notes"]}),
    ]
