"""Reader pages: no account needed, published assertions only (claims/selectors.py)."""

import hashlib
import sys

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError
from django.db.models import Count, Max, Q
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect
from django.template import loader
from django.views import View
from django.views.defaults import server_error as django_server_error
from django.views.generic import DetailView, TemplateView
from django.views.generic.detail import SingleObjectMixin
from django_filters.views import FilterView

from claims import exports, selectors, services
from claims.concurrency import EditConflict
from claims.filters import ClaimFilter, DiscrepancyFilter
from claims.forms import AssignForm, ClaimViewForm, JudgementForm
from claims.models import Assertion, Claim, Discrepancy
from sources.filters import SourceFilter
from sources.models import Source


def site_changed_at() -> str:
    """Return when anything readers see last changed: the newest claim change (every
    edit that shows on a page moves some claim's updated_at)."""
    latest = Claim.objects.aggregate(latest=Max("updated_at"))["latest"]
    return latest.isoformat() if latest else "empty"


def page_cache_key(kind: str, stamp: str, request) -> str:
    """Return the cache key of a reader page as of `stamp`. The address is hashed: a
    query string can be as long as a visitor likes."""
    page = "\n".join([request.get_host(), request.path, request.GET.urlencode()])
    return f"{kind}:{stamp}:{hashlib.sha256(page.encode()).hexdigest()}"


class ReaderCacheMixin:
    """Serve readers (anonymous GETs) a cached copy of the page, keyed on what it
    shows having last changed; logged-in staff always get a fresh page."""

    cache_seconds = 24 * 60 * 60

    def cache_stamp(self) -> str | None:
        """Return when this page's content last changed; None to skip the cache."""
        return site_changed_at()

    def dispatch(self, request, *args, **kwargs):
        if request.method != "GET" or request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        stamp = self.cache_stamp()
        if stamp is None:
            return super().dispatch(request, *args, **kwargs)
        key = page_cache_key("reader-page", stamp, request)
        body = cache.get(key)
        if body is not None:
            return HttpResponse(body)
        response = super().dispatch(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        if response.status_code == 200:
            cache.set(key, response.content, self.cache_seconds)
        return response


class HomeView(ReaderCacheMixin, TemplateView):
    template_name = "claims/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, **selectors.home_page())


class ClaimListView(ReaderCacheMixin, FilterView):
    filterset_class = ClaimFilter
    template_name = "claims/claim_list.html"
    paginate_by = 20

    def get_queryset(self):
        return Claim.objects.visible().with_related()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        claims = list(context["object_list"])
        context["rows"] = [
            (claim, spark)
            for claim, spark in zip(
                claims, selectors.sparklines(claims).values(), strict=True
            )
        ]
        return context


class ClaimDetailView(ReaderCacheMixin, DetailView):
    """The claim page. For readers it is served from the cache, keyed on the claim's
    last change (any assertion saved, retracted or moved, an editor's judgement, an
    edit to the claim, its topic, sources or documents), so an edit shows at once."""

    template_name = "claims/claim_detail.html"

    def get_queryset(self):
        return Claim.objects.visible().with_related()

    def cache_stamp(self) -> str | None:
        # A cached page needs only the claim's last change: no model, no join. None
        # (no such claim) skips the cache, and the view answers 404.
        changed = (
            Claim.objects.visible()
            .filter(slug=self.kwargs["slug"])
            .values_list("updated_at", flat=True)
            .first()
        )
        return changed and f"claim:{changed.isoformat()}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = ClaimViewForm(self.request.GET or None)
        as_of, scale = None, "linear"
        if form.is_valid():
            as_of = form.cleaned_data["as_of"]
            scale = form.cleaned_data["scale"] or "linear"
        context["form"] = form
        context["page"] = selectors.claim_page(
            self.object,
            as_of=as_of,
            scale=scale,
            site=self.request.build_absolute_uri("/").rstrip("/"),
        )
        return context


class SourceListView(FilterView):
    filterset_class = SourceFilter
    template_name = "sources/source_list.html"
    paginate_by = 50

    def get_queryset(self):
        return (
            Source.objects.select_related("parent")
            .annotate(
                published_total=Count(
                    "assertions",
                    filter=Q(assertions__status=Assertion.Status.PUBLISHED),
                )
            )
            .order_by("name")
        )


class SourceDetailView(ReaderCacheMixin, DetailView):
    template_name = "sources/source_detail.html"

    def cache_stamp(self) -> str | None:
        # Its figures' claims, or the source itself (an alias, a note) changing.
        edited = (
            Source.history.filter(slug=self.kwargs["slug"])
            .order_by("-history_date")
            .values_list("history_date", flat=True)
            .first()
        )
        return f"{site_changed_at()}:{edited.isoformat() if edited else ''}"

    def get_queryset(self):
        return Source.objects.select_related("parent").prefetch_related(
            "aliases", "children"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["groups"] = selectors.source_page(self.object)
        return context


class ReviewQueueView(PermissionRequiredMixin, FilterView):
    """The editors' queue: every live discrepancy, widest spread first."""

    permission_required = "claims.judge_discrepancy"
    filterset_class = DiscrepancyFilter
    template_name = "review/discrepancy_list.html"
    paginate_by = 30

    def get_queryset(self):
        return Discrepancy.objects.with_related()


class DiscrepancyDetailView(PermissionRequiredMixin, DetailView):
    """Both figures side by side, the chart marking them, the judgement form."""

    permission_required = "claims.judge_discrepancy"
    template_name = "review/discrepancy_detail.html"

    def get_queryset(self):
        return Discrepancy.objects.with_pair()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = {"version": self.object.version}
        context.setdefault(
            "form", JudgementForm(initial=version, discrepancy=self.object)
        )
        context.setdefault(
            "assign_form",
            AssignForm(initial={**version, "assigned_to": self.object.assigned_to}),
        )
        context["page"] = selectors.review_page(self.object)
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = JudgementForm(request.POST, discrepancy=self.object)
        if form.is_valid():
            try:
                services.discrepancy_judge(
                    discrepancy=self.object,
                    state=form.cleaned_data["state"],
                    note=form.cleaned_data["note"],
                    favoured=form.cleaned_data["favoured"],
                    user=request.user,
                    version=form.cleaned_data["version"],
                )
            except EditConflict as conflict:
                # Show the discrepancy as it now is, keeping the editor's input.
                self.object = self.get_object()
                data = request.POST.copy()
                data["version"] = self.object.version
                form = JudgementForm(data, discrepancy=self.object)
                form.is_valid()
                form.add_error(None, conflict.messages)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "Judgement recorded.")
                return redirect(self.object.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form), status=400)


class DiscrepancyAssignView(PermissionRequiredMixin, SingleObjectMixin, View):
    permission_required = "claims.judge_discrepancy"
    model = Discrepancy
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        discrepancy = self.get_object()
        form = AssignForm(request.POST)
        if request.POST.get("to_me"):
            form = AssignForm(
                {"assigned_to": request.user.pk, "version": request.POST.get("version")}
            )
        if form.is_valid():
            try:
                services.discrepancy_assign(
                    discrepancy=discrepancy,
                    assignee=form.cleaned_data["assigned_to"],
                    user=request.user,
                    version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, "Assignment saved.")
        elif "version" in form.errors:
            messages.error(
                request, "The page was out of date; reload it and try again."
            )
        else:
            messages.error(request, "Choose an editor from the list.")
        return redirect(discrepancy.get_absolute_url())


def _add_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields, or on the form."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


EXPORT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def _export_response(assertions, fmt: str, name: str) -> StreamingHttpResponse:
    chunks = (exports.csv_text if fmt == "csv" else exports.json_text)(
        assertions.iterator(chunk_size=2000)
    )
    response = StreamingHttpResponse(chunks, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def claim_export(request, slug: str, fmt: str):
    """Download a claim's published figures as CSV (the import format) or JSON."""
    if fmt not in EXPORT_TYPES:
        raise Http404("Exports are CSV or JSON.")
    claim = get_object_or_404(Claim.objects.visible(), slug=slug)
    assertions = exports.published_assertions(Claim.objects.filter(pk=claim.pk))
    return _export_response(assertions, fmt, f"claimtracker-{claim.slug}")


def claim_list_export(request, fmt: str):
    """Download the figures of every claim the list's filters select."""
    if fmt not in EXPORT_TYPES:
        raise Http404("Exports are CSV or JSON.")
    filterset = ClaimFilter(request.GET, queryset=Claim.objects.visible())
    if not filterset.is_valid():
        return HttpResponseBadRequest(
            "Invalid filters: "
            + "; ".join(
                f"{field}: {' '.join(errors)}"
                for field, errors in filterset.form.errors.items()
            ),
            content_type="text/plain; charset=utf-8",
        )
    assertions = exports.published_assertions(filterset.qs.order_by())
    return _export_response(assertions, fmt, "claimtracker-claims")


def server_error(request):
    """Answer an unhandled error: 503, "try again", when the database is out of
    reach (it recovers by itself once the database is back); Django's 500 otherwise.
    Both pages are rendered without the database."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        page = loader.get_template("503.html").render()
        return HttpResponse(page, status=503, headers={"Retry-After": "30"})
    return django_server_error(request)
