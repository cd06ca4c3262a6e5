"""What is estimated (Topic, Claim) and who stated which figure for it (Assertion)."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import connection, models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from claims.concurrency import EditConflict
from claims.domain import dates, figures, rules, spelling, vocabulary, wording
from sources.validators import validate_name

FIGURE_DIGITS = {"max_digits": 26, "decimal_places": figures.DECIMAL_PLACES}


class Versioned(models.Model):
    """A row that two people may edit at once: `version` goes up by one with every
    save, and a save made from an older version than the stored one raises
    EditConflict instead of overwriting (claims/concurrency.py). Writes through
    QuerySet.update(), which keep derived fields in step, leave it alone."""

    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Goes up by one with every save; an edit started from an older "
        "version is refused.",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            # Take the next version only if the row is still at ours: one UPDATE that
            # also locks the row until the transaction ends.
            claimed = (
                type(self)
                ._base_manager.filter(pk=self.pk, version=self.version)
                .update(version=F("version") + 1)
            )
            if not claimed:
                raise EditConflict(self, self.version)
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)

    @classmethod
    def save_changed(cls, rows: list) -> None:
        """Save `rows` (stored rows of this model, each read and changed) as save()
        saves each: its version goes up by one, a row no longer at the version read
        raises EditConflict, and a history row each, with its reason. In a few
        statements: one UPDATE a row, sent as one batch, then their history rows in
        one insert, in the order given (derive saves hundreds of discrepancies at
        once: issue 26)."""
        if not rows:
            return
        fields = [f for f in cls._meta.concrete_fields if not f.primary_key]
        quote = connection.ops.quote_name
        statement = "UPDATE {} SET {} WHERE {} = %s AND {} = %s".format(
            quote(cls._meta.db_table),
            ", ".join(f"{quote(f.column)} = %s" for f in fields),
            quote(cls._meta.pk.column),
            quote(cls._meta.get_field("version").column),
        )
        seen = [row.version for row in rows]
        for row in rows:
            row.version += 1
        values = [
            # pre_save, as save() does: the time of a field that stamps each save.
            [f.get_db_prep_save(f.pre_save(row, False), connection) for f in fields]
            + [row.pk, before]
            for row, before in zip(rows, seen, strict=True)
        ]
        with connection.cursor() as cursor:
            cursor.executemany(statement, values)
            claimed = cursor.rowcount
        if claimed != len(rows):
            stored = dict(
                cls._base_manager.filter(pk__in=[row.pk for row in rows]).values_list(
                    "pk", "version"
                )
            )
            for row, before in zip(rows, seen, strict=True):
                if stored.get(row.pk) != row.version:
                    row.version = before
                    raise EditConflict(row, before)
        cls.history.bulk_history_create(rows, update=True)


class Topic(models.Model):
    """A subject that groups claims, such as “North Korean troops in Russia, 2024”."""

    name = models.CharField(
        max_length=vocabulary.TOPIC_NAME_MAX_LENGTH,
        unique=True,
        validators=[validate_name],
    )
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{reverse('claims:list')}?topic={self.slug}"


# Derived from a claim's published assertions (derive.claims_derive), so kept out
# of its history: they change with every assertion, which has a history of its own.
CLAIM_SUMMARY_FIELDS = (
    "assertion_count",
    "source_count",
    "first_stated_on",
    "latest_stated_on",
    "current_low",
    "current_high",
    "spread_ratio",
    "apart",
    "list_row",
)


class ClaimQuerySet(models.QuerySet):
    def current(self) -> "ClaimQuerySet":
        """Return the claims not merged into another (a merged claim is kept, for
        its history and its old address, which redirects to the one it joined)."""
        return self.filter(merged_into__isnull=True)

    def visible(self) -> "ClaimQuerySet":
        """Return claims a reader can see: those with a published assertion, not
        merged into another."""
        return self.current().filter(assertion_count__gt=0)

    def openable(self) -> "ClaimQuerySet":
        """Return the claims whose page a reader can open: the visible ones, and
        those whose every figure was retracted, whose page lists them struck
        through with the reasons (the feeds that carried each retraction link
        there). Lists, search and the API list only the visible."""
        retracted = Assertion.objects.retracted().filter(claim=models.OuterRef("pk"))
        return self.current().filter(
            models.Q(assertion_count__gt=0) | models.Exists(retracted)
        )

    def with_related(self) -> "ClaimQuerySet":
        """Return the claims with their topic loaded, and without their list row
        (list_row: a dense claim's sparkline weighs 20 KB), which only the claim
        list shows (with_list_row)."""
        return self.select_related("topic").defer("list_row")

    def with_list_row(self) -> "ClaimQuerySet":
        """Return the claims as the claim list shows them: their topic and their
        list row loaded."""
        return self.select_related("topic")


class Claim(Versioned):
    """One quantity that sources estimate, such as the number of North Korean troops in
    Russia. Every figure for it is an Assertion.

    The summary fields describe its published assertions as readers see them today;
    derive.claims_derive keeps them in step whenever an assertion changes.
    """

    title = models.CharField(
        max_length=vocabulary.CLAIM_TITLE_MAX_LENGTH,
        validators=[validate_name],
        help_text="Name the quantity, not a figure: “North Korean troops in Russia”.",
    )
    slug = models.SlugField(max_length=200, unique=True)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="claims")
    unit = models.CharField(
        max_length=vocabulary.UNIT_MAX_LENGTH,
        validators=[validate_name],
        help_text="What is counted, plural: “troops”, “USD”, “tanks”.",
    )
    description = models.TextField(blank=True)
    scope = models.TextField(
        blank=True,
        help_text="What is and is not counted: place, period, who counts as one. "
        "Sources that count different things are not in conflict.",
    )
    discrepancy_ratio = models.DecimalField(
        "discrepancy threshold",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("1.01"))],
        help_text="How far apart two sources' current figures must be to open a "
        "discrepancy for review, as a ratio (1.5 = the higher is 1.5 times the "
        "lower). Leave empty for the site default.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The change stamp: when anything a reader sees of this claim last changed. Set
    # by claims/pipeline/derive.py alone; reader pages are cached under it.
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    # Summary of the published assertions (claims/domain/divergence.py), for lists and
    # sorting.
    assertion_count = models.PositiveIntegerField(default=0, editable=False)
    source_count = models.PositiveIntegerField(default=0, editable=False)
    first_stated_on = models.DateField(null=True, blank=True, editable=False)
    latest_stated_on = models.DateField(null=True, blank=True, editable=False)
    current_low = models.DecimalField(
        **FIGURE_DIGITS, null=True, blank=True, editable=False
    )
    current_high = models.DecimalField(
        **FIGURE_DIGITS, null=True, blank=True, editable=False
    )
    spread_ratio = models.DecimalField(
        max_digits=32, decimal_places=2, null=True, blank=True, editable=False
    )
    # The current estimates do not overlap but have no ratio (the lowest is zero:
    # vocabulary.APART): the filters and orders of disagreement count it as the
    # widest spread. Null on a claim not derived since it came (migration 0035).
    apart = models.BooleanField(null=True, blank=True, editable=False)
    # The claim list's row as derived with the summary (claims/selectors.py
    # list_row): the stated figures bounding the current estimates, the latest
    # report's date as precisely as known and the sparkline's points, so that a
    # page of the list reads twenty rows, not their thousands of figures (issue
    # 28). Null on a claim not derived since it came (migration 0032): the list
    # computes those rows from the figures.
    list_row = models.JSONField(null=True, blank=True, editable=False)
    # Set by claims/pipeline/services.py, claim_merge: this claim was a duplicate
    # of another, which now holds its figures and judgements.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="merged_claims",
        help_text="The claim this duplicate was merged into: its figures and "
        "judgements are there now, and its page redirects there.",
    )
    merged_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=list(CLAIM_SUMMARY_FIELDS))

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        indexes = [
            models.Index(fields=["-updated_at"], name="claim_changed_idx"),
            models.Index(fields=["-latest_stated_on"], name="claim_latest_idx"),
            models.Index(fields=["-spread_ratio"], name="claim_spread_idx"),
            # The claim list's order by most sources (claims/filters.py SORTS): a
            # page of it reads its rows in order, not a sort of every claim its
            # filters match (issue 28). Its orders by latest report and by spread,
            # empty values last, have indexes on PostgreSQL only (SQLite cannot
            # index NULLS LAST): migration 0030.
            models.Index(
                F("source_count").desc(), F("title"), name="claim_list_sources_idx"
            ),
            # The unit filter's choices, read a unit at a time (filters.py).
            models.Index(fields=["unit"], name="claim_unit_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True, merged_at__isnull=True)
                | (
                    Q(merged_into__isnull=False, merged_at__isnull=False)
                    & ~Q(merged_into=F("pk"))
                ),
                name="claim_merge_recorded",
                violation_error_message="A merged claim records when it was "
                "merged, into another claim than itself.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("claims:detail", kwargs={"slug": self.slug})

    @property
    def effective_discrepancy_ratio(self) -> Decimal:
        return self.discrepancy_ratio or settings.CLAIMTRACKER_DISCREPANCY_RATIO


class AssertionQuerySet(models.QuerySet):
    def published(self) -> "AssertionQuerySet":
        """Return what readers may see: published, never drafts or retractions."""
        return self.filter(status=AssertionStatus.PUBLISHED)

    def retracted(self) -> "AssertionQuerySet":
        """Return the retracted assertions: readers see them struck through, with
        their reason, on the claim page, in the feeds, the API and the exports, and
        they count in no comparison."""
        return self.filter(status=AssertionStatus.RETRACTED)

    def on_record(self) -> "AssertionQuerySet":
        """Return what readers may see of the record: the published assertions and
        the retracted ones (shown as retracted), never drafts."""
        return self.filter(
            status__in=(AssertionStatus.PUBLISHED, AssertionStatus.RETRACTED)
        )

    def not_retracted(self) -> "AssertionQuerySet":
        """Return assertions that have not been retracted (drafts included)."""
        return self.exclude(status=AssertionStatus.RETRACTED)

    def for_claim(self, claim: "Claim") -> "AssertionQuerySet":
        return self.filter(claim=claim)

    def with_related(self) -> "AssertionQuerySet":
        """Return the assertions with everything a page shows about them loaded;
        not their claim's list row (ClaimQuerySet.with_related)."""
        return self.select_related(
            "claim__topic", "source__parent", "document__publisher", "relayed_by"
        ).defer("claim__list_row")

    def chronological(self) -> "AssertionQuerySet":
        return self.order_by("stated_on", "pk")


def _choices(name: str, pairs: tuple[tuple[str, str], ...]) -> type:
    """Return a TextChoices class of `pairs` (value, label), each member named after
    its value: AT_LEAST = "at_least"."""
    return models.TextChoices(
        name,
        [(value.upper(), (value, label)) for value, label in pairs],
        module=__name__,
    )


# The interval readings of claims/domain/figures.py, which parses figures into them;
# values and labels from claims/domain/vocabulary.py.
AssertionKind = _choices("AssertionKind", vocabulary.FIGURE_KINDS)

# The precisions of claims/domain/dates.py (claims/domain/vocabulary.py).
DatePrecision = _choices("DatePrecision", vocabulary.DATE_PRECISIONS)


class Credibility(models.IntegerChoices):
    # The NATO Admiralty Code (AJP-2.1) grades for the credibility of information.
    CONFIRMED = 1, "1: confirmed by other sources"
    PROBABLY_TRUE = 2, "2: probably true"
    POSSIBLY_TRUE = 3, "3: possibly true"
    DOUBTFUL = 4, "4: doubtful"
    IMPROBABLE = 5, "5: improbable"
    CANNOT_BE_JUDGED = 6, "6: truth cannot be judged"


class AssertionStatus(models.TextChoices):
    PUBLISHED = "published", "Published"
    DRAFT = "draft", "Draft"
    RETRACTED = "retracted", "Retracted"


class Assertion(Versioned):
    """One source stating one figure for one claim on a date, with the exact quote.

    `figure` keeps the words as phrased; `kind`, `low` and `high` are how the figure
    reads as an interval (claims/domain/figures.py), filled in from the figure unless a
    researcher sets them by hand.
    """

    Kind = AssertionKind
    DatePrecision = DatePrecision
    Credibility = Credibility
    Status = AssertionStatus

    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, related_name="assertions"
    )
    source = models.ForeignKey(
        "sources.Source",
        on_delete=models.PROTECT,
        related_name="assertions",
        help_text="Who stated the figure. Where a report names several sources for one "
        "figure, enter one assertion per source.",
    )
    document = models.ForeignKey(
        "sources.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assertions",
        help_text="Where the statement is reported.",
    )
    relayed_by = models.ForeignKey(
        "sources.Source",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="relayed_assertions",
        help_text="A source that passed on what the source said, e.g. an official "
        "quoting another country's intelligence. A relay is not independent support.",
    )
    stated_on = models.DateField(
        help_text="When the source stated it. For “early October 2024” enter "
        "2024-10-01 and choose month precision."
    )
    date_precision = models.CharField(
        max_length=max(len(value) for value in DatePrecision.values),
        choices=DatePrecision,
        default=DatePrecision.DAY,
    )
    figure = models.CharField(
        max_length=vocabulary.FIGURE_MAX_LENGTH,
        help_text="The figure exactly as phrased: “up to 1,500”, “10,000–12,000”, "
        "“several thousand”, “closer to 12,000”.",
    )
    kind = models.CharField(
        max_length=12,  # room for kinds to come: stored values are never renamed
        choices=AssertionKind,
        help_text="Read from the figure when you save, unless you tick "
        "“interpretation set by hand”.",
    )
    low = models.DecimalField(
        **FIGURE_DIGITS,
        null=True,
        blank=True,
        help_text="Lower bound; empty when open.",
    )
    high = models.DecimalField(
        **FIGURE_DIGITS,
        null=True,
        blank=True,
        help_text="Upper bound; empty when open.",
    )
    value = models.DecimalField(
        **FIGURE_DIGITS,
        null=True,
        blank=True,
        help_text="The number as stated, where the figure states one.",
    )
    is_overridden = models.BooleanField(
        "interpretation set by hand",
        default=False,
        help_text="Tick to keep your own kind and bounds instead of those read from "
        "the figure, e.g. when the context says “several” means more than usual.",
    )
    # Blank at the model level: which evidence an assertion needs depends on its
    # document's kind, a rule of claims/domain/rules.py (evidence_problems).
    quote = models.TextField(
        blank=True,
        help_text="The sentence that states the figure, copied verbatim from the "
        "document, in its own language. Needed for articles, reports, transcripts, "
        "posts and statements; may be empty for a data set, a video or an image, "
        "whose locator says where the figure is.",
    )
    quote_language = models.CharField(
        max_length=vocabulary.LANGUAGE_MAX_LENGTH,
        default="en",
        help_text="The language the quote is in, as a BCP 47 tag: en, uk, ru, ko, "
        "zh-Hant. Keep the quote as stated; add a translation below.",
    )
    locator = models.CharField(
        max_length=vocabulary.LOCATOR_MAX_LENGTH,
        blank=True,
        help_text="Where in the document the figure is. A data set: file or table, "
        "row key and field, e.g. “russia_losses_equipment.json, date=2022-03-01, "
        "field=tank”. A video: the timestamp, e.g. “00:12:34”. An image: where the "
        "figure is shown. For a quote from a PDF you may add the page, “p. 4”.",
    )
    quote_match_confirmed = models.TextField(
        "figure confirmed against the quote by hand",
        blank=True,
        help_text="Leave empty. The figure must be what its quote says, and is "
        "checked when you save. Only where the check cannot read the quote's numbers "
        "(number words in another language, a scanned table) write here why the "
        "figure matches, e.g. “одинадцять тисяч is 11,000”. History keeps it.",
    )
    credibility = models.PositiveSmallIntegerField(
        choices=Credibility, default=Credibility.CANNOT_BE_JUDGED
    )
    status = models.CharField(
        max_length=10, choices=AssertionStatus, default=AssertionStatus.PUBLISHED
    )
    retraction_reason = models.TextField(blank=True)
    retracted_at = models.DateTimeField(null=True, blank=True)
    # Set aside by the editors for the whole claim (claims/pipeline/services.py,
    # assertion_set_aside): the figure stays listed with this reason, and leaves
    # detection, the headline spread and the evolution.
    set_aside_reason = models.TextField(
        blank=True,
        editable=False,
        help_text="Why the editors set this figure aside for the whole claim, for "
        "readers: a different scope, a misreading, a source with no access.",
    )
    set_aside_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="assertions_set_aside",
        # No index: nothing looks figures up by who set them aside, and building
        # one would lock the assertion table (docs/development.md).
        db_index=False,
    )
    set_aside_at = models.DateTimeField(null=True, blank=True, editable=False)
    notes = models.TextField(
        blank=True,
        help_text="Researcher's notes: how the date or the attribution was "
        "established.",
    )
    attention = models.CharField(
        "needs attention",
        max_length=500,
        blank=True,
        editable=False,
        help_text="Why a researcher should look at this figure again, e.g. the "
        "current parser no longer reads it (manage.py reparse_figures). Cleared "
        "when the assertion is saved again.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assertions_created",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Provenance (issue 27): set when the row was accepted from the extraction
    # assistant on the logging screen; empty for a figure logged by hand.
    extraction_confidence = models.DecimalField(
        "extraction confidence",
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
        help_text="The assistant's confidence in the candidate this figure was "
        "accepted from, 0 to 1; empty when it was logged by hand.",
    )
    extraction_edited = models.BooleanField(
        "edited after extraction",
        null=True,
        blank=True,
        editable=False,
        help_text="Whether the researcher changed the candidate (figure, quote, "
        "source, date or claim) before saving it; empty when logged by hand.",
    )
    history = HistoricalRecords()

    objects = AssertionQuerySet.as_manager()

    class Meta:
        ordering = ["stated_on", "pk"]
        permissions = [("retract_assertion", "Can retract assertions")]
        indexes = [
            models.Index(
                fields=["claim", "stated_on"], name="assertion_claim_date_idx"
            ),
            models.Index(
                fields=["source", "stated_on"], name="assertion_source_date_idx"
            ),
            # "Published, newest first": the home page and the feeds.
            models.Index(
                fields=["status", "-stated_on", "-id"], name="assertion_latest_idx"
            ),
            # "On record, newest first": the API's assertion list, published and
            # retracted, which the index above cannot give in order (at 1.2 million
            # figures PostgreSQL sorted them all: 3 s a page; through this, 3 ms).
            models.Index(
                fields=["-stated_on", "-id"],
                condition=Q(
                    status__in=[AssertionStatus.PUBLISHED, AssertionStatus.RETRACTED]
                ),
                name="assertion_on_record_idx",
            ),
            # "On record, newest recorded first": the site's feed of new figures
            # (at 351,629 figures PostgreSQL sorted them all: 1.5 s; through this,
            # 0.1 ms).
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(
                    status__in=[AssertionStatus.PUBLISHED, AssertionStatus.RETRACTED]
                ),
                name="assertion_recorded_idx",
            ),
            # "A claim's retracted figures": every claim page lists them, struck
            # through; few are retracted, and this finds them without reading the
            # claim's other figures or every retracted one (issue 28).
            models.Index(
                fields=["claim", "stated_on"],
                condition=Q(status=AssertionStatus.RETRACTED),
                name="assertion_retracted_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AssertionKind.values),
                name="assertion_kind_valid",
                violation_error_message="Choose one of the listed kinds of figure.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AssertionStatus.values),
                name="assertion_status_valid",
                violation_error_message="Status is published, draft or retracted.",
            ),
            models.CheckConstraint(
                condition=Q(date_precision__in=DatePrecision.values),
                name="assertion_date_precision_valid",
                violation_error_message="Date precision is day, month or year.",
            ),
            models.CheckConstraint(
                condition=Q(credibility__gte=1, credibility__lte=6),
                name="assertion_credibility_valid",
                violation_error_message="Credibility is a grade from 1 to 6.",
            ),
            models.CheckConstraint(
                condition=Q(low__isnull=True)
                | Q(high__isnull=True)
                | Q(low__lte=F("high")),
                name="assertion_low_lte_high",
                violation_error_message="The lower bound must not be above the upper "
                "bound.",
            ),
            models.CheckConstraint(
                condition=(Q(low__isnull=True) | Q(low__gte=0))
                & (Q(high__isnull=True) | Q(high__gte=0)),
                name="assertion_bounds_not_negative",
                violation_error_message="Bounds are counts or amounts of zero or more.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind=figures.AT_LEAST) & Q(low__isnull=False, high__isnull=True)
                )
                | (Q(kind=figures.AT_MOST) & Q(low__isnull=True, high__isnull=False))
                | (Q(kind=figures.EXACT) & Q(low__isnull=False, low=F("high")))
                | (
                    Q(
                        kind__in=[
                            figures.APPROXIMATE,
                            figures.RANGE,
                            figures.QUALITATIVE,
                        ]
                    )
                    & Q(low__isnull=False, high__isnull=False)
                ),
                name="assertion_bounds_match_kind",
                violation_error_message="The bounds do not fit the kind: “at least” "
                "has only a lower bound, “at most” only an upper one, an exact figure "
                "has equal bounds, and other kinds have both.",
            ),
            models.CheckConstraint(
                condition=~Q(status="retracted")
                | (Q(retracted_at__isnull=False) & ~Q(retraction_reason="")),
                name="assertion_retraction_recorded",
                violation_error_message="A retracted assertion needs a reason and a "
                "time.",
            ),
            models.CheckConstraint(
                condition=(Q(set_aside_at__isnull=True) & Q(set_aside_reason=""))
                | (Q(set_aside_at__isnull=False) & ~Q(set_aside_reason="")),
                name="assertion_set_aside_recorded",
                violation_error_message="A figure set aside needs the editors' "
                "reason and a time.",
            ),
            models.CheckConstraint(
                condition=~Q(quote="") | ~Q(locator=""),
                name="assertion_has_evidence",
                violation_error_message="An assertion carries its evidence: a quote, "
                "a locator, or both.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(extraction_confidence__isnull=True)
                    & Q(extraction_edited__isnull=True)
                )
                | (
                    Q(extraction_confidence__gte=0)
                    & Q(extraction_confidence__lte=1)
                    & Q(extraction_edited__isnull=False)
                ),
                name="assertion_extraction_provenance",
                violation_error_message="An extracted figure records its confidence, "
                "from 0 to 1, and whether it was edited; one logged by hand neither.",
            ),
            models.CheckConstraint(
                condition=~Q(relayed_by=F("source")),
                name="assertion_not_relayed_by_source",
                violation_error_message="A source cannot relay its own statement.",
            ),
            models.UniqueConstraint(
                fields=["claim", "source", "stated_on", "figure"],
                condition=~Q(status="retracted"),
                name="assertion_unique_statement",
                violation_error_message="This source's figure for this claim on this "
                "date is already recorded.",
            ),
        ]

    def __str__(self):
        stated = dates.StatedDate(self.stated_on, self.date_precision).label()
        return f"{self.source}: {self.figure} ({stated})"

    @property
    def interpretation(self) -> str:
        """Return how the figure reads as an interval: “range: 10,000 to 12,000”."""
        if not self.kind:
            return ""
        return wording.interpretation(self.kind, self.low, self.high)

    def normalise(self) -> None:
        """Store what the row stands for (claims/domain/rules.py,
        normalise_assertion): the figure's reading, the date at its precision, the
        quote as the document's own passage. Raise ValidationError on `figure` if
        it cannot be read. Services call this before validating; clean() does not
        rewrite fields."""
        document = self.document if self.document_id else None
        values, problems = rules.normalise_assertion(
            figure=self.figure,
            is_overridden=self.is_overridden,
            stated_on=self.stated_on,
            date_precision=self.date_precision,
            quote=self.quote,
            document_text=document.text if document is not None else "",
            parsed=self._parsed(),
        )
        for name, value in values.items():
            setattr(self, name, value)
        if problems:
            raise ValidationError(problems)

    def _parsed(self) -> figures.Figure | None:
        """Return the figure's reading, or None if it cannot be read: read once
        per text, however many steps ask (normalise, then clean)."""
        cached = getattr(self, "_reading", None)
        if cached is None or cached[0] != self.figure:
            try:
                cached = (self.figure, figures.parse_figure(self.figure))
            except figures.FigureError as error:
                cached = (self.figure, error)
            self._reading = cached
        return None if isinstance(cached[1], figures.FigureError) else cached[1]

    def _reading_problems(self) -> dict[str, list[str]]:
        """Check that the stored reading is the figure's (or set by hand, with a
        kind and fitting bounds), and the date is at its precision."""
        errors: dict[str, list[str]] = {}
        if not self.is_overridden:
            parsed = self._parsed()
            if parsed is None:
                return {"figure": [str(self._reading[1])]}
            stored = (self.kind, self.low, self.high, self.value)
            if stored != (parsed.kind, parsed.low, parsed.high, parsed.value):
                errors["kind"] = [
                    f"The stored reading ({self.kind}: {self.low} to {self.high}) is "
                    f"not what “{self.figure}” reads as; save it again to read it."
                ]
        elif not self.kind:
            errors["kind"] = [rules.MESSAGES["kind_needed"]]
        else:
            for name, message in rules.bounds_problems(
                self.kind, self.low, self.high
            ).items():
                errors.setdefault(name, []).append(message)
        if self.stated_on and self.date_precision:
            if self.stated_on != dates.normalise(self.stated_on, self.date_precision):
                errors.setdefault("stated_on", []).append(
                    "A date of this precision is stored as the first day of its "
                    "month or year; save it again to store it so."
                )
        return errors

    def _translated_quotes(self) -> list[str]:
        """Return the quote's saved translations, for a quote in another language:
        the figure may be checked against them (rules.figure_quote_problem)."""
        language = (self.quote_language or "en").lower()
        if self.pk is None or language == "en" or language.startswith("en-"):
            return []
        return [translation.text for translation in self.translations.all()]

    def clean_fields(self, exclude=None):
        # A figure that cannot be read is reported once, on `figure`, by clean().
        exclude = set(exclude or ())
        if not self.is_overridden and not self.kind:
            exclude |= {"kind", "low", "high", "value"}
        super().clean_fields(exclude=exclude)

    def clean(self):
        errors = self._reading_problems()
        document = self.document if self.document_id else None
        problems = rules.assertion_problems(
            stated_on=self.stated_on,
            published_on=document.published_on if document else None,
            quote=self.quote,
            document_text=document.text if document else "",
            source_id=self.source_id,
            relayed_by_id=self.relayed_by_id,
            today=timezone.localdate(),
            document_kind=document.kind if document else "",
            locator=self.locator,
            quote_language=self.quote_language,
            counts=self.status != AssertionStatus.RETRACTED,
            figure=self.figure,
            translations=self._translated_quotes(),
            quote_match_confirmed=self.quote_match_confirmed,
            reading=self._parsed(),
        )
        for name, message in problems.items():
            errors.setdefault(name, []).append(message)
        if errors:
            raise ValidationError(errors)


class TranslationMethod(models.TextChoices):
    # How a translation was made (issue 19): readers weigh a source's own English
    # version differently from a volunteer's or a machine's.
    SOURCE = "source", "Given by the source"
    PERSON = "person", "By a named person"
    MACHINE = "machine", "Machine translation"


class Translation(models.Model):
    """One translation of an assertion's quote into one language, with how, when and
    by whom it was made. The quote itself stays as stated; a translation is shown as
    a translation, never as the quote."""

    Method = TranslationMethod

    assertion = models.ForeignKey(
        Assertion, on_delete=models.PROTECT, related_name="translations"
    )
    language = models.CharField(
        max_length=vocabulary.LANGUAGE_MAX_LENGTH,
        default="en",
        help_text="The language of the translation, as a BCP 47 tag: en, uk, ko.",
    )
    text = models.TextField(help_text="The translated quote.")
    method = models.CharField(
        max_length=10, choices=TranslationMethod, default=TranslationMethod.PERSON
    )
    translated_by = models.CharField(
        max_length=vocabulary.TRANSLATOR_MAX_LENGTH,
        blank=True,
        help_text="The translator's name, or the machine translation tool "
        "(e.g. “DeepL”). Empty when the source gave the translation.",
    )
    translated_at = models.DateTimeField(default=timezone.now)
    is_reviewed = models.BooleanField(
        default=False, help_text="Tick once a second person has checked it."
    )

    class Meta:
        ordering = ["assertion", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["assertion", "language"],
                name="translation_one_per_language",
                violation_error_message="This quote already has a translation into "
                "this language.",
            ),
            models.CheckConstraint(
                condition=Q(method__in=TranslationMethod.values),
                name="translation_method_valid",
                violation_error_message="Choose how the translation was made.",
            ),
            models.CheckConstraint(
                condition=Q(method=TranslationMethod.SOURCE) | ~Q(translated_by=""),
                name="translation_translator_named",
                violation_error_message="Name the translator, or the machine "
                "translation tool.",
            ),
        ]

    def __str__(self):
        return f"{self.language} translation of {self.assertion}"

    def clean(self):
        problem = rules.language_problem(self.language)
        if problem:
            raise ValidationError({"language": problem})


class QuoteWord(models.Model):
    """One word (lower case, 3 to 40 letters: claims/domain/spelling.py) that a
    published quote has used, for the search's spelling suggestions
    (claims/reader/search.py). Derived: claims/pipeline/derive.py adds the words of
    a claim's published quotes each time it derives the claim. A word stays once
    added, also after its quote is retracted (docs/readers.md, "Search"). Not
    unique, on purpose: two writes recording one new word at once may both add it
    (derive.quote_words_record says why), and the search reads words as a set."""

    word = models.CharField(max_length=spelling.MAX_WORD)

    class Meta:
        indexes = [models.Index(fields=["word"], name="quoteword_word_idx")]
        verbose_name = "word of quotes"
        verbose_name_plural = "words of quotes"

    def __str__(self):
        return self.word


# The editors' workflow (issue 4 of the project's tracker): the states of
# claims/domain/vocabulary.py, the moves of claims/review/states.py.
DiscrepancyState = _choices("DiscrepancyState", vocabulary.DISCREPANCY_STATES)


# What the review queue shows of each discrepancy's two figures (the figure, its
# source, and the date that dates the conflict): a figure has 32 columns, and loading
# them all was half the queue's time at 1.2 million figures.
QUEUE_FIGURE_FIELDS = (
    "claim_id",
    "figure",
    "stated_on",
    "date_precision",
    "source__name",
    "source__slug",
)


# What the review queue shows of each discrepancy, its claim and its assignee: a
# discrepancy, its claim, topic and user joined are about sixty columns, and reading
# and converting them all (a dozen times, dates among them) was a third of the
# queue's own time.
QUEUE_FIELDS = (
    "claim_id",
    "assertion_low_id",
    "assertion_high_id",
    "spread_ratio",
    "involves_vague_term",
    "arose_on",
    "state",
    "assigned_to_id",
    "claim__title",
    "claim__slug",
    "claim__topic__name",
    "claim__topic__slug",
    "assigned_to__username",
)


class DiscrepancyQuerySet(models.QuerySet):
    def live(self) -> "DiscrepancyQuerySet":
        """Return discrepancies not superseded: each claim's one pending discrepancy
        and the judged ones that still stand, on record beside it."""
        return self.exclude(state=DiscrepancyState.SUPERSEDED)

    def pending(self) -> "DiscrepancyQuerySet":
        """Return discrepancies still waiting for a judgement."""
        return self.filter(state__in=vocabulary.PENDING)

    def with_pair(self) -> "DiscrepancyQuerySet":
        """Return discrepancies joined to everything one page about them shows
        (not their claim's list row: ClaimQuerySet.with_related)."""
        return self.defer("claim__list_row").select_related(
            "claim__topic",
            "assertion_low__source",
            "assertion_low__document",
            "assertion_high__source",
            "assertion_high__document",
            "favoured",
            "assigned_to",
            "judged_by",
        )

    def for_queue(self) -> "DiscrepancyQuerySet":
        """Return the discrepancies as the review queue lists them: what it shows of
        each (QUEUE_FIELDS) and its claim in the same query. Their figures are read
        by id afterwards, for a page of them (claims/review/selectors.py,
        with_figures): joining them first would make the database sort every
        discrepancy's figures before taking a page."""
        return self.select_related("claim__topic", "assigned_to").only(*QUEUE_FIELDS)


class Discrepancy(Versioned):
    """Two sources' current figures for one claim that are too far apart, and the
    editors' judgement of it. Detection opens and supersedes these; editors judge
    them; nothing is deleted."""

    State = DiscrepancyState

    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, related_name="discrepancies"
    )
    assertion_low = models.ForeignKey(
        Assertion,
        on_delete=models.PROTECT,
        related_name="discrepancies_as_low",
        verbose_name="lower estimate",
    )
    assertion_high = models.ForeignKey(
        Assertion,
        on_delete=models.PROTECT,
        related_name="discrepancies_as_high",
        verbose_name="higher estimate",
    )
    spread_ratio = models.DecimalField(max_digits=32, decimal_places=2)
    involves_vague_term = models.BooleanField(
        default=False,
        editable=False,
        help_text="One of the two figures is a vague term (“several thousand”): "
        "such conflicts are reviewed apart, after those between figures.",
    )
    arose_on = models.DateField(
        help_text="When the later of the two figures was stated."
    )
    state = models.CharField(
        max_length=12, choices=DiscrepancyState, default=DiscrepancyState.OPEN
    )
    note = models.TextField(
        blank=True, help_text="The editor's judgement; readers see it once judged."
    )
    favoured = models.ForeignKey(
        Assertion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="favoured estimate",
    )
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="discrepancies_judged",
    )
    judged_at = models.DateTimeField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="discrepancies_assigned",
    )
    superseded_at = models.DateTimeField(null=True, blank=True)
    superseded_reason = models.TextField(blank=True)
    detected_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = DiscrepancyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "discrepancies"
        ordering = ["-spread_ratio", "arose_on"]
        permissions = [("judge_discrepancy", "Can judge discrepancies")]
        indexes = [
            # The review queue: live discrepancies, widest first.
            models.Index(
                fields=["involves_vague_term", "-spread_ratio", "arose_on"],
                condition=~Q(state="superseded"),
                name="discrepancy_live_queue_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=DiscrepancyState.values),
                name="discrepancy_state_valid",
                violation_error_message="Choose one of the listed states.",
            ),
            models.CheckConstraint(
                condition=~Q(assertion_low=F("assertion_high")),
                name="discrepancy_two_assertions",
                violation_error_message="A discrepancy is between two different "
                "figures.",
            ),
            models.CheckConstraint(
                condition=Q(spread_ratio__gte=1),
                name="discrepancy_ratio_at_least_one",
                violation_error_message="The spread ratio is 1 or more.",
            ),
            models.CheckConstraint(
                condition=~Q(state=DiscrepancyState.RESOLVED)
                | Q(favoured=F("assertion_low"))
                | Q(favoured=F("assertion_high")),
                name="discrepancy_resolved_favours_one_side",
                violation_error_message="A resolved discrepancy favours one of its two "
                "estimates.",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=vocabulary.JUDGEMENTS)
                | (~Q(note="") & Q(judged_by__isnull=False, judged_at__isnull=False)),
                name="discrepancy_judgement_recorded",
                violation_error_message="A judgement needs a note, an editor and a "
                "time.",
            ),
            models.CheckConstraint(
                condition=~Q(state=DiscrepancyState.SUPERSEDED)
                | (Q(superseded_at__isnull=False) & ~Q(superseded_reason="")),
                name="discrepancy_supersession_recorded",
                violation_error_message="A superseded discrepancy needs a reason and "
                "a time.",
            ),
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(state__in=vocabulary.PENDING),
                name="discrepancy_one_pending_per_claim",
                violation_error_message="This claim already has a discrepancy under "
                "review.",
            ),
        ]

    def __str__(self):
        return (
            f"{self.claim}: “{self.assertion_low.figure}” vs "
            f"“{self.assertion_high.figure}”"
        )

    def get_absolute_url(self):
        return reverse("review:detail", kwargs={"pk": self.pk})

    @property
    def is_pending(self) -> bool:
        return self.state in vocabulary.PENDING

    @property
    def arose_label(self) -> str:
        """When the conflict arose, as precisely as the later figure's date is known
        (its two figures must be loaded)."""
        later = max(
            (self.assertion_low, self.assertion_high), key=lambda a: a.stated_on
        )
        return dates.StatedDate(self.arose_on, later.date_precision).label()

    @property
    def public_state(self) -> str:
        """Return the state as readers see it: open ones are "under review"."""
        if self.is_pending:
            return vocabulary.STATE_WORDS[vocabulary.UNDER_REVIEW]
        return vocabulary.STATE_WORDS[self.state]
