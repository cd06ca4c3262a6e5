from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import OperationalError, models, transaction
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from simple_history.admin import SimpleHistoryAdmin

from sources import services
from sources.models import Document, Source, SourceAlias
from sources.validators import SEARCH_CUT, search_text

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


# What a malformed list parameter or initial value raises when it reaches a filter,
# a lookup or a widget: answered as a bad request, never as a server error.
BAD_PARAMETER = (
    IncorrectLookupParameters,
    ValidationError,
    ValueError,
    TypeError,
    OverflowError,
)


class SafeParametersMixin:
    """No admin list, filter or form parameter can make a page fail.

    A change list whose filters, facets or date drill-down cannot use the query
    string answers with the admin's own "?e=1" page ("the filters are wrong"), as
    Django does for the lookups it checks itself; the list is rendered here, so that
    faults raised while the template counts facets are caught too. An add form
    prefilled from the query string (?claim=3) keeps only the values that are valid
    for their field, so ?claim=abc shows an empty field."""

    def changelist_view(self, request, extra_context=None):
        try:
            response = super().changelist_view(request, extra_context)
            if hasattr(response, "render"):
                response.render()
            return response
        except BAD_PARAMETER:
            if request.GET.get("e") == "1":
                raise
            return HttpResponseRedirect(f"{request.path}?e=1")

    def get_search_results(self, request, queryset, search_term):
        # Each word adds a condition per search field: bound them, and say so.
        bounded, cut = search_text(search_term)
        if cut:
            messages.warning(request, SEARCH_CUT)
            search_term = bounded
        return self.search_results(request, queryset, search_term)

    def search_results(self, request, queryset, search_term):
        """The search of a bounded `search_term`: search_fields', as Django's
        admin reads them, unless an admin reads them its own way."""
        return super().get_search_results(request, queryset, search_term)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            try:
                if field.many_to_many:
                    for item in value:
                        field.target_field.to_python(item)
                elif field.is_relation:
                    field.target_field.to_python(value)
                    if not field.related_model._default_manager.filter(
                        **{field.target_field.attname: value}
                    ).exists():
                        raise ValidationError("no such row")
                else:
                    field.clean(value, None)
            except BAD_PARAMETER:
                del initial[name]
        return initial


# What an admin save that met a busy database shows above the form it typed.
DATABASE_BUSY = (
    "The database is busy (another save or a long import is writing), so nothing "
    "was saved. What you typed is kept below: try again in a moment."
)


def database_busy(error: Exception) -> bool:
    """Whether `error` is SQLite's "database is locked" (its one writer was busy for
    longer than CLAIMTRACKER_SQLITE_TIMEOUT), which passes when the writer is done."""
    return isinstance(error, OperationalError) and "is locked" in str(error).lower()


class BusyDatabaseMixin:
    """An add or change form whose save meets a busy database is shown again with
    what was typed and a message to try again, never a 503 page: the save's
    transaction rolled back, and the form is rendered again outside any write
    transaction (reads do not wait for SQLite's writer), made invalid by the
    message."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except OperationalError as error:
            if request.method != "POST" or not database_busy(error):
                raise
        request.database_busy = True
        return self._changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not getattr(request, "database_busy", False):
            return form

        class BusyForm(form):
            def clean(self):
                super().clean()
                raise ValidationError(DATABASE_BUSY, code="database_busy")

        BusyForm.__name__ = form.__name__
        return BusyForm


class ReadOnlyHistoryMixin:
    """A past version's page shows its values as text, not inputs, to someone who
    may not change the row (a view-only editor): Django's change form does the
    same, and simple_history's would show live, editable-looking inputs."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        request.history_may_change = self.has_change_permission(request, obj)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def render_history_view(self, request, template, context, **kwargs):
        if request.method == "GET" and not getattr(request, "history_may_change", True):
            obj = context["original"]
            fieldsets = self._shown_fieldsets(request, obj)
            request.history_read_only = flatten_fieldsets(fieldsets)
            form = self.get_form(request, obj, fields=[])(instance=obj)
            context["adminform"] = helpers.AdminForm(
                form,
                fieldsets,
                {},  # nothing to prepopulate: there are no inputs
                request.history_read_only,
                model_admin=self,
            )
        return super().render_history_view(request, template, context, **kwargs)

    def _shown_fieldsets(self, request, obj):
        """Return the fieldsets without the fields that are only inputs (an upload,
        a tick box), which a past version has no value for."""
        shown = []
        for title, options in self.get_fieldsets(request, obj):
            fields = [
                name
                for name in options.get("fields", [])
                if isinstance(name, str)
                and (hasattr(self.model, name) or hasattr(self, name))
            ]
            if fields:
                shown.append((title, {**options, "fields": fields}))
        return shown

    def get_readonly_fields(self, request, obj=None):
        if getattr(request, "history_read_only", None):
            return request.history_read_only
        return super().get_readonly_fields(request, obj)


class ServiceAdmin(
    BusyDatabaseMixin,
    ReadOnlyHistoryMixin,
    SafeParametersMixin,
    SuperuserDeleteMixin,
    SimpleHistoryAdmin,
):
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


class DocumentForm(forms.ModelForm):
    """The document form: a change that would break the document's figures (a data
    set needs a locator for each, a date before their statements) is refused here,
    with the figures named, before anything is written."""

    def _post_clean(self):
        super()._post_clean()
        if not self.errors:
            try:
                services.document_check(document=self.instance)
            except ValidationError as error:
                self._update_errors(error)


@admin.register(Document)
class DocumentAdmin(ServiceAdmin):
    form = DocumentForm
    list_display = ["title", "kind", "publisher", "authors", "published_on"]
    list_filter = ["kind", "published_on", "publisher__kind"]
    list_select_related = ["publisher"]
    search_fields = ["title", "authors", "url"]
    autocomplete_fields = ["publisher"]
    formfield_overrides = URL_FIELDS
    date_hierarchy = "published_on"
    fieldsets = [
        (None, {"fields": ["title", "kind", "publisher", "authors", "published_on"]}),
        (
            "Where to find it",
            {"fields": ["url", "archive_url", "retrieved_on", "files_public"]},
        ),
        ("Content", {"fields": ["text", "notes"]}),
    ]

    def service_save(self, request, obj):
        services.document_save(document=obj, user=request.user)

    def response_add(self, request, obj, post_url_continue=None):
        """Go back where the researcher came from (?next=, the figure-logging
        screen) with the new document chosen, unless they asked to stay here."""
        back = request.GET.get("next", "")
        stays = {"_continue", "_addanother", "_popup", "_saveasnew"} & set(request.POST)
        if back and not stays and self._is_local(request, back):
            self.message_user(request, f"Added “{obj}”; it is chosen below.")
            joiner = "&" if "?" in back else "?"
            return HttpResponseRedirect(f"{back}{joiner}document={obj.pk}")
        return super().response_add(request, obj, post_url_continue)

    @staticmethod
    def _is_local(request, url: str) -> bool:
        return url.startswith("/") and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )

    def service_delete(self, request, obj):
        services.document_delete(document=obj, user=request.user)
