import django_filters
from django.db.models import Q

from sources.models import Source, SourceKind, SourceReliability
from sources.validators import SEARCH_CUT, search_text


def _countries() -> list[tuple[str, str]]:
    """The countries sources speak for; a callable, so each use reads them afresh."""
    countries = (
        Source.objects.exclude(country="")
        .order_by("country")
        .values_list("country", flat=True)
        .distinct()
    )
    return [(country, country) for country in countries]


class SourceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Name or alias", method="filter_name")
    kind = django_filters.ChoiceFilter(
        choices=SourceKind.choices, empty_label="any kind"
    )
    country = django_filters.ChoiceFilter(choices=_countries, empty_label="any country")
    reliability = django_filters.ChoiceFilter(
        label="Grade", choices=SourceReliability.choices, empty_label="any grade"
    )

    class Meta:
        model = Source
        fields = ["q", "kind", "country", "reliability"]

    @property
    def search_note(self) -> str:
        """Say so when the search was too long and words were dropped."""
        return SEARCH_CUT if search_text(self.data.get("q", ""))[1] else ""

    def filter_name(self, queryset, name, value):
        value = search_text(value)[0]
        return queryset.filter(
            Q(name__icontains=value) | Q(aliases__name__icontains=value)
        ).distinct()
