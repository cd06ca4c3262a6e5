"""Who states figures (Source) and where they are reported (Document)."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import connection, models
from django.db.models import F, Q
from django.db.models.functions import Length, Lower, Substr, Upper
from django.db.models.lookups import Exact
from django.urls import reverse
from simple_history.models import HistoricalRecords

from sources.names import (
    DOCUMENT_TITLE_MAX_LENGTH,
    SOURCE_NAME_MAX_LENGTH,
    URL_MAX_LENGTH,
    match_name,
    name_key,
    name_problem,
)
from sources.text import day_label
from sources.validators import validate_name, validate_past_date, validate_web_url


class SourceQuerySet(models.QuerySet):
    def current(self) -> "SourceQuerySet":
        """Return the sources not merged into another: what lists, search, the API
        and the choices of a new figure show (a merged source is kept, for its
        history and its old address, which redirects to the one it joined)."""
        return self.filter(merged_into__isnull=True)

    def matching(self, name: str) -> "SourceQuerySet":
        """Return sources named `name`, or with `name` as an alias, in any case
        (sources/names.py: name_key is the same match for names in memory). A
        merged source is never matched: its name is an alias of the one it
        joined."""
        name = match_name(name)
        return (
            self.current()
            .filter(Q(name__iexact=name) | Q(aliases__name__iexact=name))
            .distinct()
        )


class SourceKind(models.TextChoices):
    # The kinds of source found in open-source conflict reporting: who in the
    # seed documents states or relays a figure (shared/seeds).
    INTELLIGENCE = "intelligence", "Intelligence agency"
    GOVERNMENT = "government", "Government"
    MILITARY = "military", "Military"
    INTERNATIONAL = "international", "International organisation"
    THINK_TANK = "think_tank", "Think tank"
    MEDIA = "media", "Media"
    NGO = "ngo", "NGO"
    OSINT = "osint", "OSINT"
    INDIVIDUAL = "individual", "Individual"


class SourceReliability(models.TextChoices):
    # The NATO Admiralty Code (AJP-2.1) grades for the reliability of a source.
    A = "A", "A: completely reliable"
    B = "B", "B: usually reliable"
    C = "C", "C: fairly reliable"
    D = "D", "D: not usually reliable"
    E = "E", "E: unreliable"
    F = "F", "F: reliability cannot be judged"


class Source(models.Model):
    """One agency, office, outlet or person that states figures.

    Sources nest: a spokesperson (John Kirby) belongs to an office (the White House
    National Security Council), so figures can be traced to the institution behind them.
    """

    Kind = SourceKind
    Reliability = SourceReliability

    name = models.CharField(
        max_length=SOURCE_NAME_MAX_LENGTH,
        unique=True,
        validators=[validate_name],
        help_text="The name most reports use, e.g. “Ukrainian military intelligence "
        "(HUR)”. Put other spellings and acronyms in the aliases below.",
    )
    slug = models.SlugField(
        max_length=200, unique=True, help_text="Used in the source's web address."
    )
    kind = models.CharField(max_length=20, choices=SourceKind)
    country = models.CharField(
        max_length=2,
        blank=True,
        validators=[
            RegexValidator(r"^[A-Z]{2}$", "Use a two-letter ISO 3166 code, e.g. UA.")
        ],
        help_text="Two-letter ISO 3166 code of the country it speaks for (UA, US, KR); "
        "leave empty for international bodies.",
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The office or organisation this source belongs to: a spokesperson's "
        "office, an agency's ministry.",
    )
    # NULL is "not graded yet", a state of its own that the issue tracker asked to
    # keep apart from every grade; an empty string would be a sixth value to police.
    reliability = models.CharField(  # noqa: DJ001
        max_length=1,
        choices=SourceReliability,
        null=True,
        blank=True,
        help_text="Admiralty grade of the source's track record. Leave empty (“not "
        "graded yet”) until someone has judged it; F means it was judged and cannot "
        "be judged.",
    )
    url = models.URLField(
        blank=True,
        validators=[validate_web_url],
        help_text="The source's own website, if any.",
    )
    notes = models.TextField(blank=True)
    # Set by sources/services.py, source_merge: this row was a duplicate of
    # another, which now holds its figures, aliases and documents.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="merged_sources",
        help_text="The source this duplicate was merged into: its figures, "
        "documents and aliases are there now, and its page redirects there.",
    )
    merged_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SourceKind.values),
                name="source_kind_valid",
                violation_error_message="Choose one of the listed kinds of source.",
            ),
            models.CheckConstraint(
                condition=Q(reliability__isnull=True)
                | Q(reliability__in=SourceReliability.values),
                name="source_reliability_valid",
                violation_error_message="Reliability is a grade from A to F, or "
                "empty when not graded yet.",
            ),
            models.CheckConstraint(
                condition=Q(country="")
                | Q(
                    Exact(Length("country"), 2),
                    *(
                        # An uppercase letter: unchanged by Upper, changed by Lower.
                        # Portable, where a regex CHECK is not (SQLite has no
                        # built-in REGEXP).
                        Q(
                            Exact(
                                Upper(Substr("country", i, 1)), Substr("country", i, 1)
                            )
                        )
                        & ~Q(
                            Exact(
                                Lower(Substr("country", i, 1)), Substr("country", i, 1)
                            )
                        )
                        for i in (1, 2)
                    ),
                ),
                name="source_country_iso",
                violation_error_message="Country is a two-letter ISO 3166 code, "
                "e.g. UA.",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="source_not_own_parent",
                violation_error_message="A source cannot belong to itself.",
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True, merged_at__isnull=True)
                | (
                    Q(merged_into__isnull=False, merged_at__isnull=False)
                    & ~Q(merged_into=F("pk"))
                ),
                name="source_merge_recorded",
                violation_error_message="A merged source records when it was "
                "merged, into another source than itself.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("sources:detail", kwargs={"slug": self.slug})

    def _taken_by(self) -> str | None:
        """Return the source whose name or alias this name matches, if any."""
        others = Source.objects.exclude(pk=self.pk)
        if connection.vendor == "postgresql":
            found = others.matching(self.name).first()
            return None if found is None else found.name
        # SQLite's iexact folds ASCII letters only ("МІНОБОРОНИ" is not
        # "Міноборони" to it): the keys are compared here, as the import does.
        key = name_key(self.name)
        names = others.current().values_list("name", "name")
        aliases = SourceAlias.objects.filter(source__in=others.current()).values_list(
            "name", "source__name"
        )
        for name, owner in (*names, *aliases):
            if name_key(name) == key:
                return owner
        return None

    # Set by a caller that has matched the name against every source already (the
    # import, for the sources it creates): clean() then asks the database no more.
    name_matched = False

    def clean(self):
        if name_problem(self.name):
            raise ValidationError({"name": f"This name {name_problem(self.name)}."})
        if self.merged_into_id is None and self.name and not self.name_matched:
            # A name matches whatever its case (SourceQuerySet.matching): a second
            # source under it would take the first one's figures in the import.
            clash = self._taken_by()
            if clash is not None:
                raise ValidationError(
                    {
                        "name": f"“{clash}” already has this name or alias, whatever "
                        "the case: choose that source, or name this one apart."
                    }
                )
        ancestor, seen = self.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk is not None and ancestor.pk == self.pk:
                raise ValidationError(
                    {"parent": "A source cannot belong to itself or to its own parts."}
                )
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class SourceAlias(models.Model):
    """Another name a source goes by, such as “HUR” or “GUR” for Ukraine's military
    intelligence; searching or importing by an alias finds the source."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="aliases")
    name = models.CharField(
        max_length=SOURCE_NAME_MAX_LENGTH, validators=[validate_name]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "source alias"
        verbose_name_plural = "source aliases"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="sourcealias_name_unique_ci",
                violation_error_message="Another source already uses this alias.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.source})"

    def clean(self):
        if name_problem(self.name):
            raise ValidationError({"name": f"This alias {name_problem(self.name)}."})


class DocumentKind(models.TextChoices):
    # The kinds of publication researchers log figures from (issue 19 of the
    # project's tracker). The kind says what evidence an assertion from it carries:
    # claims/domain/vocabulary.py, EVIDENCE, whose keys are these values (a test
    # keeps them equal: sources may not import claims).
    ARTICLE = "article", "Article"
    REPORT = "report", "Report"
    TRANSCRIPT = "transcript", "Transcript"
    DATASET = "dataset", "Data set"
    SOCIAL_POST = "social_post", "Social media post"
    VIDEO = "video", "Video"
    IMAGE = "image", "Image"
    STATEMENT = "statement", "Statement"


class Document(models.Model):
    """One publication that reports figures: an article, briefing, report, post, data
    file, video or image."""

    Kind = DocumentKind

    title = models.CharField(
        max_length=DOCUMENT_TITLE_MAX_LENGTH, validators=[validate_name]
    )
    publisher = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        help_text="Who published it, when that is a source in its own right.",
    )
    kind = models.CharField(
        max_length=12,
        choices=DocumentKind,
        default=DocumentKind.ARTICLE,
        help_text="What the document is. It sets the evidence each figure from it "
        "carries: a verbatim quote from text kinds, a locator (file, row key and "
        "field) from a data set, a timestamp from a video, a description of where "
        "from an image.",
    )
    authors = models.CharField(max_length=500, blank=True, help_text="As printed.")
    published_on = models.DateField(
        null=True,
        blank=True,
        validators=[validate_past_date],
        help_text="From 1 Jan 1800 to today.",
    )
    url = models.URLField(
        max_length=URL_MAX_LENGTH, blank=True, validators=[validate_web_url]
    )
    archive_url = models.URLField(
        max_length=URL_MAX_LENGTH,
        blank=True,
        validators=[validate_web_url],
        help_text="A copy that will not change, e.g. on the Wayback Machine.",
    )
    text = models.TextField(
        blank=True,
        help_text="The full text as retrieved, so quotes can be checked against it.",
    )
    retrieved_on = models.DateField(
        null=True, blank=True, validators=[validate_past_date]
    )
    notes = models.TextField(blank=True)
    files_public = models.BooleanField(
        "readers may download its files",
        default=False,
        help_text="Tick only when copyright allows anyone to download the archived "
        "files. Readers always see each file's SHA-256 and date; staff can always "
        "download.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DocumentKind.values),
                name="document_kind_valid",
                violation_error_message="Choose one of the listed kinds of document.",
            ),
            models.UniqueConstraint(
                fields=["url"],
                condition=~Q(url=""),
                name="document_url_unique",
                violation_error_message="A document with this URL is already recorded.",
            ),
        ]

    def __str__(self):
        when = f" ({day_label(self.published_on)})" if self.published_on else ""
        return f"{self.title}{when}"


def archive_name(sha256: str) -> str:
    """Return the storage name of a file with this SHA-256: content-addressed, so
    the same file uploaded twice is stored once."""
    return f"archive/{sha256[:2]}/{sha256}"


class DocumentFile(models.Model):
    """One archived copy of a document: a PDF, page, data file, image or web
    capture (WARC, WACZ), stored under its SHA-256 (sources/archive.py checks it)."""

    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="files"
    )
    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    size = models.PositiveBigIntegerField(help_text="In bytes.")
    content_type = models.CharField(
        max_length=100, help_text="Read from the file's content, not its name."
    )
    original_name = models.CharField(max_length=255, blank=True)
    storage_name = models.CharField(max_length=100, editable=False)
    extracted_text = models.TextField(blank=True, editable=False)
    retrieved_at = models.DateTimeField(
        help_text="When the file was retrieved from its source."
    )
    archived_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "archived file"
        ordering = ["-retrieved_at", "-pk"]

    def __str__(self):
        return f"{self.original_name or self.sha256[:12]} ({self.document})"

    def get_absolute_url(self):
        return reverse("sources:file", kwargs={"sha256": self.sha256})
