"""Reader pages: no account needed, published assertions only."""

from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from claims import selectors as shared_selectors
from claims.filters import ClaimFilter
from claims.http_cache import Stamp, claim_stamp, source_stamp, sources_stamp
from claims.limits import LimitedMixin
from claims.models import Assertion, Claim
from claims.pagination import CappedPaginator, PageNumbersMixin
from claims.reader import search, selectors
from claims.reader.caching import ReaderCacheMixin
from claims.reader.forms import ClaimViewForm
from sources.filters import SourceFilter
from sources.models import Source


def redirect_merged(model, view):
    """Wrap `view` so that the address of a merged claim or source answers with a
    permanent redirect to the same page of the one it was merged into."""

    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Http404:
            url = shared_selectors.merged_url(request, model)
            if url is None:
                raise
            return HttpResponsePermanentRedirect(url)

    return wrapped


class MergedRedirectMixin:
    """A detail page whose merged row redirects permanently (redirect_merged)."""

    merged_model = Claim

    def get(self, request, *args, **kwargs):
        return redirect_merged(self.merged_model, super().get)(request, *args, **kwargs)


class HomeView(ReaderCacheMixin, TemplateView):
    template_name = "claims/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, **selectors.home_page())


class MethodologyView(ReaderCacheMixin, TemplateView):
    """How figures are read and compared, with the worked examples."""

    template_name = "pages/methodology.html"


class SearchView(LimitedMixin, ReaderCacheMixin, TemplateView):
    """One search box over claims, sources, documents and quotes. Each query is a
    render of its own, so a client's searches are limited (claims/limits.py)."""

    template_name = "claims/search.html"
    cache_params = ("q",)
    # Every query is its own page: kept for less time than the other pages.
    cache_seconds = 10 * 60

    def get_context_data(self, **kwargs):
        query = search.parse_query(self.request.GET.get("q", ""))
        return super().get_context_data(**kwargs, results=search.search(query))


class ClaimListView(ReaderCacheMixin, FilterView):
    filterset_class = ClaimFilter
    template_name = "claims/claim_list.html"
    paginate_by = 20
    # Counts at most 1,000 claims: "more than 1,000" past that (pagination.py).
    paginator_class = CappedPaginator

    def get_queryset(self):
        return Claim.objects.visible().with_list_row()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        claims = list(context["object_list"])
        context["rows"] = selectors.claim_list_rows(claims)
        # The filters fold behind one "Filter" control, open when any is in use.
        fields = context["filter"].form.fields
        context["filters_active"] = any(
            value for name, value in self.request.GET.items() if name in fields
        )
        return context


# The claim page's controls (ClaimViewForm): each combination is a render of its own.
VIEW_OPTIONS = frozenset(ClaimViewForm.base_fields)


class ClaimDetailView(
    MergedRedirectMixin, PageNumbersMixin, LimitedMixin, ReaderCacheMixin, DetailView
):
    """The claim page. For readers it is served from the cache, keyed on the claim's
    last change (any assertion saved, retracted or moved, an editor's judgement, an
    edit to the claim, its topic, sources or documents), so an edit shows at once.
    The page as of a date, with chart options or naming a page of its lists is
    limited per client (claims/limits.py); the plain page, one cached copy for
    everyone, is not."""

    page_params = ("figures", "retracted", "sources")
    cache_params = (*ClaimViewForm.base_fields, *page_params)

    template_name = "claims/claim_detail.html"

    def limit_applies(self, request) -> bool:
        return not VIEW_OPTIONS.isdisjoint(request.GET) or self.names_a_page(request)

    def shown_pages(self, context) -> dict:
        page = context["page"]
        return {
            "figures": page.figures,
            "retracted": page.retracted,
            "sources": page.estimates,
        }

    def get_queryset(self):
        return Claim.objects.openable().with_related()

    def cache_stamp(self) -> Stamp | None:
        # A cached page needs only the claim's last change: no model, no join. None
        # (no such claim) skips the cache, and the view answers 404.
        return claim_stamp(self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = ClaimViewForm(self.request.GET or None)
        context["form"] = form
        # The every-figure list shows a page of figures, the latest by default: a
        # dense claim's page weighs what a reader sees, not its row count (issue 17).
        # Every figure is one link away, in the downloads.
        context["page"] = selectors.claim_page(
            self.object,
            **form.chart_options(),
            site=self.request.build_absolute_uri("/").rstrip("/"),
            figures=self.request.GET.get("figures"),
            retracted=self.request.GET.get("retracted"),
            sources=self.request.GET.get("sources"),
        )
        context["figures"] = context["page"].figures
        query = self.request.GET.urlencode()
        context["chart_download_url"] = reverse(
            "claims:chart", args=[self.object.slug]
        ) + (f"?{query}" if query else "")
        return context


class ClaimChartView(MergedRedirectMixin, LimitedMixin, ReaderCacheMixin, DetailView):
    """The claim page's chart as a standalone SVG file, as the page's controls set
    it (as of a date, scale, date range)."""

    template_name = "claims/timeline_chart.svg"
    cache_params = tuple(ClaimViewForm.base_fields)
    content_type = "image/svg+xml; charset=utf-8"

    def get_queryset(self):
        return Claim.objects.openable().with_related()

    def cache_stamp(self) -> Stamp | None:
        return claim_stamp(self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = ClaimViewForm(self.request.GET or None)
        context["timeline"] = selectors.claim_chart(self.object, **form.chart_options())
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        filename = f"claimtracker-{self.object.slug}.svg"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class SourceListView(ReaderCacheMixin, FilterView):
    filterset_class = SourceFilter
    template_name = "sources/source_list.html"
    paginate_by = 50

    def get_queryset(self):
        return Source.objects.current().select_related("parent").order_by("name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The figures of the page's sources are counted, not every source's.
        page = context["page_obj"]
        page.object_list = shared_selectors.figures_counted(
            list(page.object_list),
            Assertion.objects.published(),
            "source",
            into="published_total",
        )
        context["object_list"] = page.object_list
        return context

    def cache_stamp(self) -> Stamp:
        # Figure counts move with claims; a source with no figures with its own edits.
        return sources_stamp()


class SourceDetailView(
    MergedRedirectMixin, PageNumbersMixin, LimitedMixin, ReaderCacheMixin, DetailView
):
    """A source's page. Naming a page of its figures is limited per client, as the
    claim page's lists; the plain page is not."""

    template_name = "sources/source_detail.html"
    merged_model = Source
    page_params = cache_params = ("figures",)

    def limit_applies(self, request) -> bool:
        return self.names_a_page(request)

    def shown_pages(self, context) -> dict:
        return {"figures": context["figures"]}

    def cache_stamp(self) -> Stamp:
        # Its figures' claims, or the source itself (an alias, a note) changing.
        return source_stamp(self.kwargs["slug"])

    def get_queryset(self):
        return (
            Source.objects.current()
            .select_related("parent")
            .prefetch_related("aliases", "children")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # A page of the source's figures, each compared: the work and the page's
        # weight follow what a reader sees, not the source's record (issue 28).
        page = selectors.source_page(
            self.object, figures=self.request.GET.get("figures")
        )
        context["groups"], context["figures"] = page.groups, page.figures
        return context
