"""The editors' review queue's filters."""

import django_filters
from django import forms
from django.db.models import Q

from claims.filters import sources_named
from claims.models import Discrepancy, DiscrepancyState, Topic
from claims.widgets import QuickSelect
from sources.validators import SEARCH_MAX_CHARACTERS

# Conflicts between figures come first in every order; those involving a vague
# term follow, apart (Discrepancy.involves_vague_term, set by
# claims/pipeline/derive.py).
QUEUE_SORTS = {
    "spread": ("involves_vague_term", "-spread_ratio", "arose_on"),
    "oldest": ("involves_vague_term", "arose_on", "-spread_ratio"),
    "newest": ("involves_vague_term", "-arose_on", "-spread_ratio"),
}


class DiscrepancyFilter(django_filters.FilterSet):
    """The editors' review queue: live discrepancies unless a state is chosen."""

    state = django_filters.ChoiceFilter(
        choices=[("pending", "waiting for judgement"), *DiscrepancyState.choices],
        method="filter_state",
        empty_label="all live",
    )
    # Every topic: hundreds of options, read as (slug, name) pairs once a request
    # (__init__), not as a model per option for the check and again for the select.
    topic = django_filters.ChoiceFilter(
        field_name="claim__topic__slug",
        empty_label="any topic",
        widget=QuickSelect,
    )
    claim = django_filters.CharFilter(
        label="Claim (title or slug)", method="filter_claim"
    )
    source = django_filters.CharFilter(
        label="Source (name, alias or slug)", method="filter_source"
    )
    mine = django_filters.BooleanFilter(
        label="My queue",
        method="filter_mine",
        widget=forms.CheckboxInput,
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=[
            ("spread", "widest spread"),
            ("oldest", "oldest"),
            ("newest", "newest"),
        ],
        method="filter_sort",
        empty_label=None,
    )

    class Meta:
        model = Discrepancy
        fields = ["state", "topic"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["topic"].extra["choices"] = list(
            Topic.objects.values_list("slug", "name")
        )
        self.form.fields["sort"].required = False

    @property
    def qs(self):
        queryset = super().qs
        data = self.form.cleaned_data if self.form.is_valid() else {}
        if not data.get("state"):
            queryset = queryset.live()
        if not data.get("sort"):
            queryset = queryset.order_by(*QUEUE_SORTS["spread"])
        return queryset

    def filter_state(self, queryset, name, value):
        if value == "pending":
            return queryset.pending()
        return queryset.filter(state=value)

    def filter_claim(self, queryset, name, value):
        value = value.strip()[:SEARCH_MAX_CHARACTERS]
        return queryset.filter(Q(claim__slug=value) | Q(claim__title__icontains=value))

    def filter_source(self, queryset, name, value):
        sources = sources_named(value)
        return queryset.filter(
            Q(assertion_low__source__in=sources) | Q(assertion_high__source__in=sources)
        )

    def filter_mine(self, queryset, name, value):
        if value and self.request is not None:
            return queryset.filter(assigned_to=self.request.user)
        return queryset

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*QUEUE_SORTS.get(value, QUEUE_SORTS["spread"]))
