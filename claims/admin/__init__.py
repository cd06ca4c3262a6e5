from django import forms as django_forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.forms import Textarea, TextInput
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from claims.admin import figurelog, importpreview, landing  # noqa: F401  (landing wraps the login)
from claims.admin.forms import (
    AssertionForm,
    ClaimForm,
    ImportForm,
    MergeForm,
    RetractForm,
)
from claims.concurrency import EditConflict
from claims.filters import sources_named
from claims.jobs.admin import import_preview_start  # and registers JobAdmin
from claims.models import Assertion, Claim, Discrepancy, Topic, Translation
from claims.pipeline import services
from claims.review import services as review_services
from claims.selectors import (
    claim_merge_plan,
    figures_counted,
    figures_searched,
    source_merge_plan,
)
from sources import archive
from sources import services as source_services
from sources.admin import (
    DATE_FIELDS,
    BusyDatabaseMixin,
    DocumentAdmin,
    DocumentForm,
    SafeParametersMixin,
    ServiceAdmin,
    SourceAdmin,
    SuperuserDeleteMixin,
)
from sources.models import Document, DocumentFile, Source


class VersionedAdmin(ServiceAdmin):
    """The admin of a versioned model (claims/concurrency.py). A save refused as
    stale, from the change form or from a revert, shows the form again with the
    person's own input and what the other person changed; the form then carries the
    current version, so saving again replaces their edit knowingly. A revert starts
    from the version stored now, so reverting to any older version works."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict as conflict:
            request.edit_conflict = conflict
            return super().changeform_view(request, object_id, form_url, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        request.reverting = True
        try:
            return super().history_form_view(
                request, object_id, version_id, extra_context
            )
        except EditConflict as conflict:
            request.edit_conflict = conflict
            return super().history_form_view(
                request, object_id, version_id, extra_context
            )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        conflict = getattr(request, "edit_conflict", None)
        reverting = getattr(request, "reverting", False)
        if conflict is None and not reverting:
            return form

        class StaleAwareForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if reverting and self.instance.pk is not None and not self.is_bound:
                    # The old version's fields, saved over the row as it is now.
                    self.fields["seen_version"].initial = (
                        type(self.instance)
                        ._base_manager.filter(pk=self.instance.pk)
                        .values_list("version", flat=True)
                        .first()
                    )

            def clean(self):
                cleaned_data = super().clean()
                if conflict is not None:
                    self.data = self.data.copy()
                    name = self.add_prefix("seen_version")
                    self.data[name] = conflict.current_version
                    raise ValidationError(conflict.messages)
                return cleaned_data

        return StaleAwareForm


def read_only_formset(formset) -> None:
    """Refuse a write through an inline that shows rows only: every write goes
    through a service, and these inlines have none."""
    if formset.save(commit=False) or formset.deleted_objects:
        raise PermissionDenied(
            f"{formset.model._meta.verbose_name_plural} are read-only here."
        )


class AssertionFormsetMixin:
    """Save inline assertions through the service, like the assertion form does."""

    def save_formset(self, request, form, formset, change):
        if formset.model is not Assertion:
            return read_only_formset(formset)
        for assertion in formset.save(commit=False):
            services.assertion_save(assertion=assertion, user=request.user)
        for assertion in formset.deleted_objects:  # only superusers see the box
            services.assertion_delete(assertion=assertion, user=request.user)
        formset.save_m2m()


class AssertionListInline(admin.TabularInline):
    """The assertions already recorded, read-only with a link to each one's own page:
    one query however many there are, where editable rows would cost one per row."""

    model = Assertion
    fields = ["stated_on", "source", "figure", "interpretation", "status"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = "assertions recorded (open one to edit or retract it)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source", "claim")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="read as")
    def interpretation(self, assertion):
        return assertion.interpretation


class AssertionAddInline(SuperuserDeleteMixin, admin.TabularInline):
    """Blank rows for new assertions; their figures are parsed on save. Their boxes
    are narrow so that a row fits 1,280 px, its errors in view above each field."""

    model = Assertion
    form = AssertionForm
    extra = 1
    verbose_name_plural = "add assertions"
    formfield_overrides = {
        **DATE_FIELDS,
        models.TextField: {"widget": Textarea(attrs={"rows": 3, "cols": 24})},
        models.CharField: {"widget": TextInput(attrs={"size": 12})},
    }

    class Media:
        css = {"all": ["css/admin-inlines.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_view_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)


class ClaimAssertionListInline(AssertionListInline):
    fields = ["stated_on", "source", "figure", "interpretation", "document", "status"]
    readonly_fields = fields


class ClaimAssertionAddInline(AssertionAddInline):
    fields = [
        "source",
        "stated_on",
        "date_precision",
        "figure",
        "document",
        "quote",
        "locator",
        "status",
    ]
    autocomplete_fields = ["source", "document"]


class DocumentAssertionListInline(AssertionListInline):
    fields = ["stated_on", "claim", "source", "figure", "interpretation", "status"]
    readonly_fields = fields


class DocumentAssertionAddInline(AssertionAddInline):
    fields = [
        "claim",
        "source",
        "stated_on",
        "date_precision",
        "figure",
        "quote",
        "locator",
        "status",
    ]
    autocomplete_fields = ["claim", "source"]


@admin.register(Topic)
class TopicAdmin(ServiceAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def service_save(self, request, obj):
        services.topic_save(topic=obj, user=request.user)

    def service_delete(self, request, obj):
        services.topic_delete(topic=obj, user=request.user)


class HasOpenDiscrepancyFilter(admin.SimpleListFilter):
    """Which claims have a discrepancy waiting for an editor's judgement?"""

    title = "discrepancy waiting for judgement"
    parameter_name = "pending_discrepancy"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        pending = Discrepancy.objects.pending().filter(claim=OuterRef("pk"))
        if self.value() == "yes":
            return queryset.filter(Exists(pending))
        if self.value() == "no":
            return queryset.exclude(Exists(pending))
        return queryset


def merge_view(model_admin, request, queryset, *, plan_of, merge):
    """The merge action's confirmation page: two selected rows, which to keep, the
    reason, and what the merge moves and refuses for that choice. The merge runs
    (through `merge`, a service) only when the page shown was for the choice
    confirmed; otherwise the page shows the plan for the new choice."""
    rows = list(queryset.order_by("pk")[:3])
    if len(rows) != 2:
        model_admin.message_user(
            request, "Select exactly two rows to merge.", messages.WARNING
        )
        return None
    form = MergeForm(request.POST if "into" in request.POST else None, rows=rows)
    plan = None
    if form.is_valid():
        into = next(row for row in rows if row.pk == form.cleaned_data["into"])
        row = next(row for row in rows if row is not into)
        plan = plan_of(row, into)
        if "merge" in request.POST and form.cleaned_data["previewed"] == into.pk:
            try:
                merge(row, into, form.cleaned_data["reason"])
            except ValidationError as error:
                model_admin.message_user(
                    request, " ".join(error.messages), messages.ERROR
                )
            else:
                model_admin.message_user(
                    request, f"Merged “{row}” into “{into}”.", messages.SUCCESS
                )
                return redirect(request.get_full_path())
        form = MergeForm({**form.cleaned_data, "previewed": into.pk}, rows=rows)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Merge two {model_admin.model._meta.verbose_name_plural}",
        "rows": rows,
        "form": form,
        "plan": plan,
        "opts": model_admin.model._meta,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/merge.html", context)


class MergeActionMixin:
    """The merge action on a changelist, for those who may change what it moves;
    merged rows are listed (admin sees every row) but offered in no choice."""

    merge_permissions: tuple[str, ...] = ()

    def has_merge_permission(self, request):
        return request.user.has_perms(self.merge_permissions)

    def get_search_results(self, request, queryset, search_term):
        results, distinct = super().get_search_results(request, queryset, search_term)
        match = request.resolver_match
        if match is not None and match.url_name == "autocomplete":
            results = results.filter(merged_into__isnull=True)
        return results, distinct

    @admin.display(description="merged into")
    def merged(self, row):
        return row.merged_into or ""

    def has_change_permission(self, request, obj=None):
        """A merged row is kept as it was merged, for its history and its old
        links: it is read, not edited (edit the row it joined)."""
        if obj is not None and obj.merged_into_id is not None:
            return False
        return super().has_change_permission(request, obj)


admin.site.unregister(Source)


@admin.register(Source)
class SourceWithMergeAdmin(MergeActionMixin, SourceAdmin):
    """The source admin of `sources`, with the action that merges a duplicate
    (its preview shows figures, which sources must not import)."""

    actions = ["merge_selected"]
    merge_permissions = (
        "sources.change_source",
        "sources.change_sourcealias",
        "sources.change_document",
        "claims.change_assertion",
    )
    list_display = [*SourceAdmin.list_display, "merged"]
    list_select_related = ["parent", "merged_into"]

    @admin.action(description="Merge two selected sources", permissions=["merge"])
    def merge_selected(self, request, queryset):
        return merge_view(
            self,
            request,
            queryset,
            plan_of=lambda row, into: source_merge_plan(source=row, into=into),
            merge=lambda row, into, reason: source_services.source_merge(
                source=row, into=into, reason=reason, user=request.user
            ),
        )


class _ClaimChangeList(ChangeList):
    """The claim list, its page's figures counted: counting every claim's figures
    to show a page of them read every figure (0.8 s at 351,629 figures), and the
    claim autocomplete of the figure form did as much at each keystroke."""

    def get_results(self, request):
        super().get_results(request)
        self.result_list = figures_counted(
            list(self.result_list),
            Assertion.objects.all(),
            "claim",
            into="assertion_total",
        )


@admin.register(Claim)
class ClaimAdmin(MergeActionMixin, AssertionFormsetMixin, VersionedAdmin):
    form = ClaimForm
    list_display = ["title", "topic", "unit", "assertion_count", "updated_at", "merged"]
    list_filter = ["topic", HasOpenDiscrepancyFilter]
    list_select_related = ["topic", "merged_into"]
    search_fields = ["title", "description", "scope"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["topic"]
    inlines = [ClaimAssertionListInline, ClaimAssertionAddInline]
    actions = ["merge_selected"]
    merge_permissions = ("claims.change_claim", "claims.change_assertion")
    fieldsets = [
        (None, {"fields": ["title", "slug", "topic", "unit"]}),
        ("What is counted", {"fields": ["scope", "description"]}),
        ("Review", {"fields": ["discrepancy_ratio", "seen_version"]}),
    ]

    def get_changelist(self, request, **kwargs):
        return _ClaimChangeList

    def service_save(self, request, obj):
        services.claim_save(claim=obj, user=request.user)

    def service_delete(self, request, obj):
        services.claim_delete(claim=obj, user=request.user)

    @admin.display(description="assertions")
    def assertion_count(self, claim):
        # Every figure of the claim, drafts and retracted ones included
        # (_ClaimChangeList); the stored assertion_count counts published ones.
        return claim.assertion_total

    @admin.action(description="Merge two selected claims", permissions=["merge"])
    def merge_selected(self, request, queryset):
        return merge_view(
            self,
            request,
            queryset,
            plan_of=lambda row, into: claim_merge_plan(claim=row, into=into),
            merge=lambda row, into, reason: services.claim_merge(
                claim=row, into=into, reason=reason, user=request.user
            ),
        )


class NeedsAttentionFilter(admin.SimpleListFilter):
    """Which figures should a researcher look at again (reparse_figures flags those
    the current parser refuses)?"""

    title = "needs attention"
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [("yes", "Yes")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(attention="")
        return queryset


class TopicListFilter(admin.SimpleListFilter):
    title = "topic"
    parameter_name = "topic"

    def lookups(self, request, model_admin):
        return [(str(topic.pk), topic.name) for topic in Topic.objects.all()]

    def queryset(self, request, queryset):
        # Facet counts (?_facets=True) pass each lookup's value in, not the query's.
        value = str(self.value() or "")
        if not value:
            return queryset
        if not value.isdigit():  # the admin answers with its "?e=1" page
            raise IncorrectLookupParameters(f"No topic “{value}”.")
        return queryset.filter(claim__topic=value)


class SourceFilter(admin.SimpleListFilter):
    """The figures of the sources a name finds: a slug, or part of a name or an
    alias, as the reader's claim list reads it (claims.filters.sources_named).
    Typed, not chosen: a link for every source with figures was 8,201 links, 750 KB
    and 0.9 s a visit at 1.2 million figures."""

    title = "source"
    parameter_name = "source"
    template = "admin/claims/source_filter.html"

    def lookups(self, request, model_admin):
        return ()

    def has_output(self):
        return True

    def queryset(self, request, queryset):
        # A NUL separates words, as a space does: PostgreSQL's text holds none.
        value = " ".join(str(self.value() or "").replace("\x00", " ").split())[:200]
        if not value:
            return queryset
        return queryset.filter(source__in=sources_named(value))

    def choices(self, changelist):
        # The form keeps every other parameter of the list (its filters, search
        # and order); a new filter starts at the first page.
        yield {
            "parameter": self.parameter_name,
            "value": self.value() or "",
            "kept": [
                (name, value)
                for name, value in changelist.params.items()
                if name != self.parameter_name
            ],
            "all": changelist.get_query_string(remove=[self.parameter_name]),
        }


def titled(title: str, filter_class):
    """Return `filter_class` with its own title: two filters on fields both called
    “kind” would otherwise both read “By kind”."""

    class Titled(filter_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    return Titled


def shortened(text: str, length: int):
    """Return `text` cut to `length` characters, whole in the cell's tooltip."""
    if len(text) <= length:
        return text
    return format_html(
        '<span title="{}">{}</span>', text, Truncator(text).chars(length)
    )


class TranslationInline(SuperuserDeleteMixin, admin.StackedInline):
    """The quote's translations, one per language, saved through the service."""

    model = Translation
    extra = 0
    fields = [
        "language",
        "text",
        "method",
        "translated_by",
        "translated_at",
        "is_reviewed",
    ]


@admin.register(Assertion)
class AssertionAdmin(VersionedAdmin):
    form = AssertionForm
    inlines = [TranslationInline]

    def get_inlines(self, request, obj):
        # A quote is translated once it is recorded: the add form stays one form.
        return self.inlines if obj is not None else []

    def save_formset(self, request, form, formset, change):
        if formset.model is not Translation:
            return read_only_formset(formset)
        for translation in formset.save(commit=False):
            services.translation_save(translation=translation, user=request.user)
        for translation in formset.deleted_objects:  # only superusers see the box
            services.translation_delete(translation=translation, user=request.user)
        formset.save_m2m()

    # The columns that fit 1,280 px beside the filters; long titles are shortened
    # (the full text is the cell's title), the document is on the assertion's page.
    list_display = [
        "stated_on",
        "claim_title",
        "source_name",
        "figure",
        "interpretation",
        "status",
    ]
    list_display_links = ["stated_on", "figure"]
    list_filter = [
        TopicListFilter,
        SourceFilter,
        ("source__kind", titled("source kind", admin.ChoicesFieldListFilter)),
        ("kind", titled("figure kind", admin.ChoicesFieldListFilter)),
        "status",
        "stated_on",
        "date_precision",
        "credibility",
        NeedsAttentionFilter,
    ]
    list_select_related = ["claim", "source", "document"]
    # Newest recorded first, read down the primary key: sorting every figure by
    # its date to show the first 100 took 0.8 s at 351,629 figures (a column's
    # header still sorts by it). No date hierarchy: its years were read from
    # every figure at each visit; the "stated on" filter narrows by date.
    ordering = ["-pk"]
    show_full_result_count = False
    # What the search box looks in; get_search_results reads them without joins.
    search_fields = [
        "figure",
        "quote",
        "source__name",
        "source__aliases__name",
        "claim__title",
    ]
    search_help_text = (
        "Each word in the figure, the quote, the source's name or aliases, or the "
        "claim's title; a phrase in quotes as one."
    )
    autocomplete_fields = ["claim", "source", "relayed_by", "document"]
    readonly_fields = [
        "attention",
        "interpretation",
        "retraction_reason",
        "retracted_at",
        "set_aside_reason",
        "set_aside_by",
        "set_aside_at",
        "set_aside_page",
        "created_by",
        "created_at",
        "updated_at",
        "extraction_confidence",
        "extraction_edited",
    ]
    actions = ["retract_selected"]
    fieldsets = [
        (
            "What was said",
            {
                "fields": [
                    "claim",
                    "source",
                    "relayed_by",
                    "stated_on",
                    "date_precision",
                    "figure",
                    "document",
                    "quote",
                    "quote_language",
                    "quote_match_confirmed",
                    "locator",
                ],
                "description": "The evidence follows the document's kind: a verbatim "
                "quote from an article, report, transcript, post or statement; a "
                "locator from a data set (file, row key, field), a video (timestamp) "
                "or an image (where the figure is shown).",
            },
        ),
        (
            "How the figure reads",
            {
                "fields": [
                    "interpretation",
                    "is_overridden",
                    "kind",
                    "low",
                    "high",
                    "value",
                ],
                "description": "Kind and bounds are read from the figure when you "
                "save. Tick “interpretation set by hand” to keep your own.",
            },
        ),
        ("Assessment", {"fields": ["credibility", "status", "notes"]}),
        ("Retraction", {"fields": ["retraction_reason", "retracted_at"]}),
        (
            "Set aside by the editors",
            {
                "fields": [
                    "set_aside_reason",
                    "set_aside_by",
                    "set_aside_at",
                    "set_aside_page",
                ],
                "description": "Editors set a figure aside for its whole claim, "
                "when they judge a conflict or on the figure's review page; it is "
                "then listed with their reason and not compared.",
            },
        ),
        (
            "Record",
            {
                "fields": [
                    "attention",
                    "created_by",
                    "created_at",
                    "updated_at",
                    "extraction_confidence",
                    "extraction_edited",
                    "seen_version",
                ]
            },
        ),
    ]

    change_list_template = "admin/claims/assertion/change_list.html"

    def search_results(self, request, queryset, search_term):
        """search_fields' matches, read without joining the figures to every
        source alias (figures_searched): no copies, so no DISTINCT."""
        if not search_term.strip():
            return queryset, False
        return figures_searched(queryset, search_term), False

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="claims_assertion_import",
            ),
            path(
                "import/template.csv",
                self.admin_site.admin_view(self.import_template_view),
                name="claims_assertion_import_template",
            ),
            path(
                "log/",
                self.admin_site.admin_view(self.log_view),
                name="claims_assertion_log",
            ),
            path(
                "log/reading/",
                self.admin_site.admin_view(self.reading_view),
                name="claims_assertion_reading",
            ),
            *super().get_urls(),
        ]

    def log_view(self, request):
        return figurelog.log_view(self, request)

    def reading_view(self, request):
        return figurelog.reading_view(self, request)

    def import_template_view(self, request):
        """Download a CSV to start from: the columns, one example row per kind."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        response = HttpResponse(
            importpreview.template_csv(), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = (
            'attachment; filename="claimtracker-import-template.csv"'
        )
        return response

    def import_view(self, request):
        """Upload a CSV; its preview (a dry run) and then the import run as jobs."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Import assertions from CSV",
            "opts": self.model._meta,
            "form": ImportForm(),
        }
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            context["form"] = form
            if form.is_valid():
                # The file goes to storage and its preview runs as a background job
                # (issue 18); the job's page shows the preview and offers the import.
                return import_preview_start(request, form.cleaned_data["file"])
        return TemplateResponse(request, "admin/claims/assertion/import.html", context)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status == Assertion.Status.RETRACTED:
            fields.append("status")
        return fields

    @admin.display(description="read as")
    def interpretation(self, assertion):
        return assertion.interpretation

    @admin.display(description="editors' page")
    def set_aside_page(self, assertion):
        """Link the figure's review page, where editors set it aside or count it
        again (the page refuses anyone else)."""
        if assertion.pk is None:
            return "-"
        label = "Count it again" if assertion.set_aside_at else "Set it aside"
        return format_html(
            '<a href="{}">{} (editors)</a>',
            reverse("review:figure", args=[assertion.pk]),
            label,
        )

    @admin.display(description="claim", ordering="claim__title")
    def claim_title(self, assertion):
        return shortened(assertion.claim.title, 40)

    @admin.display(description="source", ordering="source__name")
    def source_name(self, assertion):
        return shortened(assertion.source.name, 32)

    def service_save(self, request, obj):
        services.assertion_save(assertion=obj, user=request.user)
        self.message_user(request, f"“{obj.figure}” reads as {obj.interpretation}.")

    def service_delete(self, request, obj):
        services.assertion_delete(assertion=obj, user=request.user)

    def has_retract_permission(self, request):
        return request.user.has_perm("claims.retract_assertion")

    @admin.action(description="Retract selected assertions", permissions=["retract"])
    def retract_selected(self, request, queryset):
        drafts = queryset.filter(status=Assertion.Status.DRAFT).count()
        if drafts:
            self.message_user(
                request,
                f"{drafts} draft(s) left out: a draft was never published, so it is "
                "edited or deleted, not retracted.",
                messages.WARNING,
            )
        queryset = queryset.published().with_related()
        form = RetractForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                with transaction.atomic():  # all of the selection, or none of it
                    for assertion in queryset:
                        services.assertion_retract(
                            assertion=assertion,
                            reason=form.cleaned_data["reason"],
                            user=request.user,
                        )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return None
            self.message_user(request, f"Retracted {len(queryset)} assertion(s).")
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Retract assertions",
            "assertions": queryset,
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/claims/assertion/retract.html", context)


class DocumentFileInline(admin.TabularInline):
    """The document's archived files, read-only: a file is added by uploading it
    above (through the service), never edited."""

    model = DocumentFile
    fields = ["original_name", "content_type", "size", "sha256", "retrieved_at", "link"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="download")
    def link(self, row):
        return format_html('<a href="{}">download</a>', row.get_absolute_url())


class DocumentArchiveForm(DocumentForm):
    """The document form with a file to archive: checked (type, limits) here, so a
    refused file shows on the form and nothing is stored."""

    archive_file = django_forms.FileField(required=False, label="File to archive")
    use_archived_text = django_forms.BooleanField(
        required=False,
        label="Use the file's text as the document's text",
        help_text="A document without text takes the file's text anyway. Tick to "
        "replace text typed in already.",
    )

    def clean_archive_file(self):
        upload = self.cleaned_data.get("archive_file")
        if upload:
            if upload.size > archive.MAX_SIZE:
                raise django_forms.ValidationError(
                    f"The file is over {archive.MAX_SIZE // archive.MB} MB."
                )
            try:
                data = upload.read()
                examined = archive.examine(data)
                archive.check_file(data, upload.name, examined.content_type)
            except archive.ArchiveError as error:
                raise django_forms.ValidationError(str(error)) from error
        return upload


admin.site.unregister(Document)


@admin.register(Document)
class DocumentWithAssertionsAdmin(AssertionFormsetMixin, DocumentAdmin):
    """The document admin of `sources`, with the document's assertions inline and
    the upload of its archived files (sources must not import claims, so claims adds
    both: archiving re-checks the document's quotes)."""

    form = DocumentArchiveForm
    inlines = [
        DocumentFileInline,
        DocumentAssertionListInline,
        DocumentAssertionAddInline,
    ]

    def get_fieldsets(self, request, obj=None):
        return [
            *super().get_fieldsets(request, obj),
            (
                "Archive a copy",
                {
                    "fields": ["archive_file", "use_archived_text"],
                    "description": "PDF, HTML, plain text, CSV, JSON, an image, or a "
                    "web capture (WARC, WACZ); at most 50 MB, 200 MB decompressed. "
                    "The type is read from the content.",
                },
            ),
        ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        upload = form.cleaned_data.get("archive_file")
        if not upload:
            return
        upload.seek(0)
        result = services.document_archive(
            document=obj,
            data=upload.read(),
            filename=upload.name,
            use_text=form.cleaned_data.get("use_archived_text", False),
            user=request.user,
        )
        stored = result.archived.file
        messages.success(
            request,
            f"Archived {stored.original_name} ({stored.content_type}, SHA-256 "
            f"{stored.sha256})"
            + ("" if result.archived.stored else ", already in the store")
            + (
                "; its text is now the document's text."
                if result.archived.text_used
                else "."
            ),
        )
        lost = {assertion.pk for assertion, _ in result.lost}
        for assertion, problem in result.unmatched:
            # "No longer" only where the previous copy's text held the quote.
            says = "no longer holds" if assertion.pk in lost else "does not hold"
            messages.warning(
                request,
                f"The archived text {says} the quote of “{assertion}”: {problem}",
            )


@admin.register(Discrepancy)
class DiscrepancyAdmin(
    BusyDatabaseMixin, SafeParametersMixin, SuperuserDeleteMixin, SimpleHistoryAdmin
):
    """Read-only here: detection opens and supersedes discrepancies, and editors
    judge them on the review page, where the rules of claims/review/states.py apply.
    Reverting to an earlier judgement goes through the same workflow, by an editor,
    who is then recorded as the one judging."""

    list_display = [
        "claim",
        "assertion_low",
        "assertion_high",
        "spread_ratio",
        "arose_on",
        "state",
        "assigned_to",
    ]
    list_filter = ["state", "claim__topic", "arose_on", "assigned_to"]
    list_select_related = [
        "claim",
        "assertion_low__source",
        "assertion_high__source",
        "assigned_to",
    ]
    search_fields = ["claim__title", "note", "superseded_reason"]
    date_hierarchy = "arose_on"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting a discrepancy would hide that editors ever judged it.
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "POST":
            return super().history_form_view(
                request, object_id, version_id, extra_context
            )
        if not request.user.has_perm("claims.judge_discrepancy"):
            raise PermissionDenied
        discrepancy = self.get_object(request, object_id)
        record = discrepancy and (
            discrepancy.history.filter(history_id=version_id).first()
        )
        if record is None:
            raise PermissionDenied
        try:
            review_services.discrepancy_revert(
                discrepancy=discrepancy, record=record, user=request.user
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return redirect(request.path)
        self.message_user(request, "The earlier judgement is restored.")
        return redirect(discrepancy.get_absolute_url())
