from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from simple_history.admin import SimpleHistoryAdmin

from sources import services
from sources.models import Document, Source, SourceAlias

# An address typed without a scheme ("example.org") is taken as https, Django 6's
# default, adopted now.
# Dates are typed as YYYY-MM-DD (claims/formats/), and the box says so.
DATE_FIELDS = {
    models.DateField: {
        "widget": AdminDateWidget(attrs={"placeholder": "YYYY-MM-DD", "size": "10"})
    }
}
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}, **DATE_FIELDS}


class SuperuserDeleteMixin:
    """Allow deletion to superusers only: everyone else retracts or edits, so nothing
    that was on the record silently disappears."""

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class ServiceAdmin(SuperuserDeleteMixin, SimpleHistoryAdmin):
    """An admin whose every write goes through a service: the change form, deletion
    (one row or a selection) and reverting to a version from the history.

    Reading the history needs only view permission; reverting needs change
    permission on the model, like any other edit."""

    formfield_overrides = DATE_FIELDS

    def service_save(self, request, obj) -> None:
        raise NotImplementedError

    def service_delete(self, request, obj) -> None:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        self.service_save(request, obj)

    def delete_model(self, request, obj):
        self.service_delete(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():  # all of the selection, or none of it
            for obj in queryset:
                self.service_delete(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if obj is None or not self.has_change_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class SourceAliasInline(SuperuserDeleteMixin, admin.TabularInline):
    model = SourceAlias
    extra = 1
    verbose_name = "alias"
    verbose_name_plural = "aliases (other names and acronyms, e.g. HUR, GUR)"


@admin.register(Source)
class SourceAdmin(ServiceAdmin):
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

    def service_save(self, request, obj):
        services.source_save(source=obj, user=request.user)

    def service_delete(self, request, obj):
        services.source_delete(source=obj, user=request.user)

    def save_formset(self, request, form, formset, change):
        for alias in formset.save(commit=False):
            services.alias_save(alias=alias, user=request.user)
        for alias in formset.deleted_objects:
            services.alias_delete(alias=alias, user=request.user)

    @admin.display(description="aliases")
    def alias_names(self, source):
        return ", ".join(alias.name for alias in source.aliases.all())


@admin.register(Document)
class DocumentAdmin(ServiceAdmin):
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

    def service_save(self, request, obj):
        services.document_save(document=obj, user=request.user)

    def service_delete(self, request, obj):
        services.document_delete(document=obj, user=request.user)
