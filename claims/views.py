"""Reader pages: no account needed, published assertions only (claims/selectors.py)."""

from django.db.models import Count, Q
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from claims import selectors
from claims.filters import ClaimFilter
from claims.forms import ClaimViewForm
from claims.models import Assertion, Claim
from sources.filters import SourceFilter
from sources.models import Source


class HomeView(TemplateView):
    template_name = "claims/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, **selectors.home_page())


class ClaimListView(FilterView):
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


class ClaimDetailView(DetailView):
    template_name = "claims/claim_detail.html"

    def get_queryset(self):
        return Claim.objects.visible().with_related()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = ClaimViewForm(self.request.GET or None)
        as_of, scale = None, "linear"
        if form.is_valid():
            as_of = form.cleaned_data["as_of"]
            scale = form.cleaned_data["scale"] or "linear"
        context["form"] = form
        context["page"] = selectors.claim_page(self.object, as_of=as_of, scale=scale)
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


class SourceDetailView(DetailView):
    template_name = "sources/source_detail.html"

    def get_queryset(self):
        return Source.objects.select_related("parent").prefetch_related(
            "aliases", "children"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["groups"] = selectors.source_page(self.object)
        return context
