"""Shapes of the API. Field names are the models': figure, kind, low, high, ..."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims.domain import vocabulary, wording
from claims.domain.dates import StatedDate
from claims.domain.figures import plain_number
from claims.models import Assertion, Claim, Discrepancy, Translation
from sources.models import Document, DocumentFile, Source


@extend_schema_field(OpenApiTypes.DECIMAL)
class FigureField(serializers.Field):
    """A figure's bound as an exact decimal string without trailing zeros: "10800"."""

    def to_representation(self, value):
        return plain_number(value) if value is not None else None


@extend_schema_field(OpenApiTypes.DECIMAL)
class StatedValueField(serializers.Field):
    """The one number a source stated ("10,000", "about 12,000"); null for a bound,
    a range or a vague term, whose `low` and `high` are all there is."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, assertion):
        value = wording.stated_value(assertion.kind, assertion.value)
        return plain_number(value) if value is not None else None


class SourceSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    aliases = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    url = serializers.HyperlinkedIdentityField(
        view_name="api:source-detail", lookup_field="slug"
    )

    class Meta:
        model = Source
        fields = [
            "url", "slug", "name", "kind", "country", "parent", "reliability",
            "aliases", "notes",
        ]  # fmt: skip


class DocumentFileSerializer(serializers.ModelSerializer):
    """An archived copy: its hash and date always; `download` when readers may."""

    download = serializers.SerializerMethodField()

    class Meta:
        model = DocumentFile
        fields = ["sha256", "size", "content_type", "retrieved_at", "download"]

    def get_download(self, row) -> str | None:
        return row.get_absolute_url() if row.document.files_public else None


class DocumentSerializer(serializers.ModelSerializer):
    publisher = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    files = DocumentFileSerializer(many=True, read_only=True)

    class Meta:
        model = Document
        fields = [
            "title", "kind", "publisher", "authors", "published_on", "url",
            "archive_url", "files",
        ]  # fmt: skip


class TranslationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Translation
        fields = [
            "language", "text", "method", "translated_by", "translated_at",
            "is_reviewed",
        ]  # fmt: skip


class AssertionSerializer(serializers.ModelSerializer):
    claim = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    source = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    source_name = serializers.CharField(source="source.name", read_only=True)
    relayed_by = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    document = DocumentSerializer(read_only=True)
    translations = TranslationSerializer(many=True, read_only=True)
    low = FigureField()
    high = FigureField()
    value = StatedValueField()
    stated = serializers.SerializerMethodField()
    is_set_aside = serializers.SerializerMethodField()

    class Meta:
        model = Assertion
        fields = [
            "id", "claim", "source", "source_name", "relayed_by", "stated_on",
            "date_precision", "stated", "figure", "kind", "low", "high", "value",
            "is_overridden", "quote", "quote_language", "translations", "locator",
            "credibility", "document", "status", "retraction_reason",
            "retracted_at", "is_set_aside", "set_aside_reason", "set_aside_at",
            "created_at", "updated_at",
        ]  # fmt: skip

    def get_is_set_aside(self, assertion) -> bool:
        """True when the editors set this figure aside for its whole claim (their
        reason in `set_aside_reason`): it is listed, and compared with nothing."""
        return assertion.set_aside_at is not None

    def get_stated(self, assertion) -> str:
        """The date as precisely as known: "18 Oct 2024", "October 2024"."""
        return StatedDate(assertion.stated_on, assertion.date_precision).label()


class ClaimSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:claim-detail", lookup_field="slug"
    )
    page = serializers.URLField(source="get_absolute_url", read_only=True)
    topic = serializers.CharField(source="topic.name", read_only=True)
    topic_slug = serializers.CharField(source="topic.slug", read_only=True)
    current_low = FigureField()
    current_high = FigureField()
    spread_ratio = FigureField()

    class Meta:
        model = Claim
        fields = [
            "url", "page", "slug", "title", "topic", "topic_slug", "unit",
            "description", "scope", "assertion_count", "source_count",
            "first_stated_on", "latest_stated_on", "current_low", "current_high",
            "spread_ratio",
        ]  # fmt: skip


class StepFigureSerializer(serializers.Serializer):
    """One figure of an evolution step, as stated."""

    id = serializers.IntegerField()
    figure = serializers.CharField()
    source_name = serializers.CharField()
    kind = serializers.ChoiceField(choices=vocabulary.FIGURE_KINDS)
    low = FigureField()
    high = FigureField()
    stated_on = serializers.DateField()
    date_precision = serializers.ChoiceField(
        choices=vocabulary.DATE_PRECISIONS, source="precision"
    )


class EvolutionStepSerializer(serializers.Serializer):
    """A step: one figure, or the spread between the two figures that bound it."""

    figures = StepFigureSerializer(many=True)
    is_spread = serializers.BooleanField()
    first_stated_on = serializers.DateField()
    last_stated_on = serializers.DateField()
    text = serializers.SerializerMethodField()

    def get_text(self, step) -> str:
        return wording.step_text(step)


class ClaimDetailSerializer(ClaimSerializer):
    """A claim with its current estimates, spread and evolution."""

    status = serializers.ChoiceField(
        choices=vocabulary.CLAIM_STATUSES, source="state.summary.status"
    )
    overlaps = serializers.BooleanField(source="state.summary.overlaps")
    independent_groups = serializers.IntegerField(
        source="state.summary.independent_groups"
    )
    evolution = serializers.CharField(source="state.evolution")
    sentences = serializers.SerializerMethodField()
    open_conflict = serializers.SerializerMethodField()
    evolution_steps = EvolutionStepSerializer(source="state.steps", many=True)
    current_estimates = AssertionSerializer(source="state.estimates", many=True)
    set_aside = AssertionSerializer(source="state.set_aside", many=True)

    class Meta(ClaimSerializer.Meta):
        fields = [
            *ClaimSerializer.Meta.fields,
            "status",
            "overlaps",
            "independent_groups",
            "evolution",
            "sentences",
            "open_conflict",
            "evolution_steps",
            "current_estimates",
            "set_aside",
        ]

    def get_sentences(self, claim) -> dict:
        """The claim page's sentences (claims/domain/wording.py), word for word."""
        described = wording.describe(claim.state.summary)
        return {
            "range": described.range,
            "overlap": described.overlap,
            "reported": described.reported,
            "status": described.status,
            "status_label": described.status_label,
            "discrepancy": described.discrepancy,
        }

    def get_open_conflict(self, claim) -> dict | None:
        conflict = claim.state.summary.open_conflict
        if conflict is None:
            return None
        return {
            "lower": conflict.low.id,
            "higher": conflict.high.id,
            "ratio": plain_number(conflict.ratio),
            "is_vague": conflict.is_vague,
        }


class DiscrepancySerializer(serializers.ModelSerializer):
    claim = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    lower = AssertionSerializer(source="assertion_low", read_only=True)
    higher = AssertionSerializer(source="assertion_high", read_only=True)
    favoured = serializers.PrimaryKeyRelatedField(read_only=True)
    spread_ratio = FigureField()

    class Meta:
        model = Discrepancy
        fields = [
            "id", "claim", "lower", "higher", "spread_ratio", "arose_on", "state",
            "note", "favoured", "judged_at",
        ]  # fmt: skip
