"""The read-only JSON API: GET only, for anyone; drafts and unpublished notes never
appear (every queryset goes through the published/visible methods)."""

from django.core.cache import cache
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponsePermanentRedirect
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.response import Response

from claims import selectors
from claims.api import serializers
from claims.api.pagination import NewestFirst
from claims.domain import vocabulary
from claims.filters import AssertionFilter, ClaimFilter
from claims.http_cache import (
    conditional,
    keep_only,
    page_cache_key,
    site_stamp_of,
    sources_stamp,
)
from claims.models import Assertion, Claim, Discrepancy
from sources.filters import SourceFilter
from sources.models import Source


class MergedRedirectMixin:
    """A merged claim's or source's address redirects permanently to the one it
    was merged into (selectors.merged_url); lists leave merged rows out."""

    def retrieve(self, request, *args, **kwargs):
        try:
            return super().retrieve(request, *args, **kwargs)
        except Http404:
            url = selectors.merged_url(request, self.queryset.model)
            if url is None:
                raise
            return HttpResponsePermanentRedirect(url)


class ConditionalMixin:
    """Answer conditional GETs from the change stamp (claims/http_cache.py) before
    any query of the answer runs; `stamp_of` says which stamp. Keep each answer in
    the shared cache under that stamp and its address, as the reader pages are
    (claims/reader/caching.py): a list or a record is built once a change, not once
    a request (50 figures with their claim, source and evidence cost about 30 ms to
    serialise). A write moves the stamp (derive), so no answer outlives what it
    shows. The throttles run before the cache is read (DRF's `initial`), so a cached
    answer counts against a client's limit like any other.

    Only the parameters a view reads reach it, each once and normalised (kept_query):
    made-up ones can neither fill the cache nor ride along in the answer's links."""

    stamp_of = staticmethod(site_stamp_of)
    cache_seconds = 24 * 60 * 60
    # What every list and record reads besides its filters: the page it is on.
    PAGE_PARAMS = ("format", "cursor", "page", "page_size")

    def kept_params(self) -> tuple[str, ...]:
        filters = getattr(self, "filterset_class", None)
        names = (
            filters.base_filters if filters else getattr(self, "filterset_fields", ())
        )
        return (*names, *self.PAGE_PARAMS)

    def dispatch(self, request, *args, **kwargs):
        keep_only(request, self.kept_params())
        view = conditional(self.stamp_of)(super().dispatch)
        return view(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        return self._kept(super().list, request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return self._kept(super().retrieve, request, *args, **kwargs)

    def _kept(self, answer, request, *args, **kwargs):
        """Return the cached data of this answer as of its stamp, else build it and
        keep it (what a Response holds: the renderer writes it at each request)."""
        stamp = getattr(request, "claimtracker_stamp", None)
        if stamp is None:  # not a conditional method
            return answer(request, *args, **kwargs)
        key = page_cache_key(f"api-{self.basename}", stamp.key, request)
        data = cache.get(key)
        if data is not None:
            return Response(data)
        response = answer(request, *args, **kwargs)
        if response.status_code == 200:
            cache.set(key, response.data, self.cache_seconds)
        return response


@extend_schema_view(
    list=extend_schema(summary="Claims, with the same filters as the claim list"),
    retrieve=extend_schema(
        summary="One claim with its current estimates, spread and evolution"
    ),
)
class ClaimViewSet(
    MergedRedirectMixin, ConditionalMixin, viewsets.ReadOnlyModelViewSet
):
    queryset = Claim.objects.visible().with_related()
    filterset_class = ClaimFilter
    lookup_field = "slug"

    def get_queryset(self):
        if self.action == "retrieve":
            # As the claim's page: one whose every figure was retracted opens.
            return Claim.objects.openable().with_related()
        return super().get_queryset()

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.ClaimDetailSerializer
        return serializers.ClaimSerializer

    def get_object(self):
        claim = super().get_object()
        claim.state = selectors.claim_state(claim)
        # The evidence of the estimates and of the figures set aside, in two
        # queries however many there are (a query per figure set aside before).
        prefetch_related_objects(
            [*claim.state.estimates, *claim.state.set_aside],
            "translations",
            "document__files",
        )
        return claim


def _as_shown(figures):
    """Return `figures` with what the API shows of each (AssertionSerializer) and
    no more (not `with_related`'s topic and parent source): PostgreSQL plans every
    join for every page, and the two unused ones cost 5 ms of planning at 1.2
    million figures."""
    return figures.select_related(
        "claim", "source", "document__publisher", "relayed_by"
    ).prefetch_related("translations", "document__files")


@extend_schema_view(
    list=extend_schema(summary="Published assertions, and retracted ones with why")
)
class AssertionViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    queryset = _as_shown(Assertion.objects.on_record()).order_by("-stated_on", "-pk")
    serializer_class = serializers.AssertionSerializer
    filterset_class = AssertionFilter
    pagination_class = NewestFirst


@extend_schema_view(list=extend_schema(summary="Sources"))
class SourceViewSet(
    MergedRedirectMixin, ConditionalMixin, viewsets.ReadOnlyModelViewSet
):
    # A source with no figures moves no claim's stamp: its own edits count too.
    stamp_of = staticmethod(lambda request, **kwargs: sources_stamp())
    queryset = (
        Source.objects.current()
        .select_related("parent")
        .prefetch_related("aliases")
        .order_by("name")
    )
    serializer_class = serializers.SourceSerializer
    filterset_class = SourceFilter
    lookup_field = "slug"


@extend_schema_view(
    list=extend_schema(summary="Discrepancies the editors have judged (published)")
)
class DiscrepancyViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    queryset = (
        Discrepancy.objects.live()
        .filter(state__in=vocabulary.JUDGEMENTS)
        # Both figures in full, as the assertions' list shows them, and their
        # evidence: a page of discrepancies in the same few queries whatever its
        # length (tests/test_query_counts.py).
        .select_related("claim")
        .prefetch_related(
            Prefetch("assertion_low", _as_shown(Assertion.objects.all())),
            Prefetch("assertion_high", _as_shown(Assertion.objects.all())),
        )
        .order_by("-judged_at", "pk")
    )
    serializer_class = serializers.DiscrepancySerializer
    filterset_fields = ["state"]
