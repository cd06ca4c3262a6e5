"""The researchers' admin forms."""

from datetime import date
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core import signing
from django.forms.widgets import ChoiceWidget
from django.utils import timezone

from claims.domain import figures, rules, vocabulary, wording
from claims.models import Assertion, Claim, DatePrecision, Topic
from sources import names
from sources.models import Source, SourceKind


class SearchableSelect(AutocompleteSelect):
    """The admin's autocomplete box (searching the related admin's search_fields,
    names and aliases for sources), which without JavaScript is a plain menu of
    every choice, as the admin's own widget is not (it renders only the chosen one)."""

    def optgroups(self, name, value, attrs=None):
        return ChoiceWidget.optgroups(self, name, value, attrs)


class VersionedForm(forms.ModelForm):
    """A model form that sends back the version of the row it was opened on.

    The form only carries the version to the row; `Versioned.save` is the one place
    that compares it with the stored one and refuses a stale save (EditConflict,
    claims/concurrency.py). The admin then shows the form again with the person's
    input and what the other person changed (claims/admin/options.py)."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["seen_version"].initial = self.instance.version

    def _post_clean(self):
        super()._post_clean()
        if self.instance.pk is None or "seen_version" not in self.fields:
            return
        seen = self.cleaned_data.get("seen_version")
        if seen is None:
            self.add_error(
                None,
                "This form is missing the version it was opened on; reload the page.",
            )
        else:
            self.instance.version = seen


class ClaimForm(VersionedForm):
    class Meta:
        model = Claim
        fields = [
            "title", "slug", "topic", "unit", "scope", "description",
            "discrepancy_ratio",
        ]  # fmt: skip


class AssertionForm(VersionedForm):
    """The researchers' assertion form: kind and bounds may be left empty, and are then
    read from the figure (Assertion.clean); retraction goes through its own action."""

    class Meta:
        model = Assertion
        fields = [
            "claim", "source", "relayed_by", "stated_on", "date_precision", "figure",
            "quote", "quote_language", "quote_match_confirmed", "locator",
            "document", "is_overridden", "kind", "low", "high", "value",
            "credibility", "status", "notes",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("kind", "low", "high", "value", "quote_language"):
            if name in self.fields:
                self.fields[name].required = False
        for name in ("low", "high", "value"):
            # Bounds as typed, 500 rather than the column's 500.0000.
            if isinstance(self.initial.get(name), Decimal):
                self.initial[name] = f"{self.initial[name].normalize():f}"
        if "status" in self.fields:
            self.fields["status"].choices = [
                choice
                for choice in self.fields["status"].choices
                if choice[0] != Assertion.Status.RETRACTED
            ]

    def clean_quote_language(self):
        # Most quotes are English: an empty box means "en".
        return self.cleaned_data.get("quote_language") or "en"

    def clean(self):
        """Store what the row stands for, through the one normaliser
        (claims/domain/rules.py): the model's clean() then validates it. A figure
        that cannot be read is reported once, on `figure`, by the model."""
        data = super().clean()
        if data.get("figure") is None:
            return data
        document = data.get("document")
        values, _ = rules.normalise_assertion(
            figure=data["figure"],
            is_overridden=bool(data.get("is_overridden")),
            stated_on=data.get("stated_on"),
            date_precision=data.get("date_precision") or "",
            quote=data.get("quote") or "",
            document_text=document.text if document is not None else "",
        )
        for name, value in values.items():
            if name in self.fields:
                data[name] = value  # construct_instance copies it
            else:
                setattr(self.instance, name, value)  # a field this form leaves out
        return data


class RetractForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why the figures no longer stand: misattributed, misquoted, "
        "withdrawn by the source. Readers see this reason.",
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8, one row per assertion, with a header row; start from the "
        "template below. Nothing is written until you confirm the preview.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.CLAIMTRACKER_IMPORT_MAX_MB
        if upload.size > limit * 1024 * 1024:
            size = upload.size / 1024 / 1024
            raise forms.ValidationError(
                f"The file is {size:.1f} MB; an import takes at most {limit} MB. "
                "Split it into several files."
            )
        return upload


# The screen for logging a document's figures (claims/admin/figurelog.py).

ISO_DATE = forms.DateInput(format="%Y-%m-%d", attrs={"placeholder": "YYYY-MM-DD"})


class LogClaimForm(forms.Form):
    """The claim the figures are about: an existing one, or a new one named here."""

    claim = forms.ModelChoiceField(
        Claim.objects.current().select_related("topic"),
        required=False,
        label="Existing claim",
        help_text="Or leave empty and name a new claim below.",
    )
    new_title = forms.CharField(
        required=False,
        max_length=vocabulary.CLAIM_TITLE_MAX_LENGTH,
        label="New claim: title",
    )
    new_unit = forms.CharField(
        required=False,
        max_length=vocabulary.UNIT_MAX_LENGTH,
        label="unit",
        help_text="What it counts: troops, deaths, dollars.",
    )
    new_topic = forms.ModelChoiceField(
        Topic.objects.all(), required=False, label="topic"
    )

    def clean(self):
        data = super().clean()
        if data.get("claim") and data.get("new_title"):
            raise forms.ValidationError(
                "Choose an existing claim or name a new one, not both."
            )
        if not data.get("claim"):
            if not data.get("new_title"):
                self.add_error("claim", "Choose the claim, or name a new one.")
            for name in ("new_unit", "new_topic"):
                if data.get("new_title") and not data.get(name):
                    self.add_error(name, "A new claim needs this.")
        return data


class LogFigureForm(forms.Form):
    """One figure from the document: who stated it, when, as phrased, and its
    evidence, the quote or the locator that the document's kind needs
    (rules.evidence_problems). `reading` says how the figure reads once the form is
    cleaned."""

    source = forms.ModelChoiceField(
        Source.objects.current(),
        required=False,
        label="Source",
        # A searchable box (the Source admin's search_fields: names and aliases),
        # so long names are never cut and a source is found by any of its names.
        widget=SearchableSelect(Assertion._meta.get_field("source"), admin.site),
    )
    new_source = forms.CharField(
        required=False,
        max_length=names.SOURCE_NAME_MAX_LENGTH,
        label="or new source",
    )
    new_source_kind = forms.ChoiceField(
        choices=[("", "kind of new source")] + list(SourceKind.choices),
        required=False,
        label="kind",
    )
    stated_on = forms.DateField(
        widget=ISO_DATE,
        input_formats=["%Y-%m-%d"],
        help_text="YYYY-MM-DD; left empty, the date of the row above.",
    )
    date_precision = forms.ChoiceField(
        choices=DatePrecision.choices, initial=DatePrecision.DAY, label="precision"
    )
    figure = forms.CharField(
        max_length=vocabulary.FIGURE_MAX_LENGTH,
        widget=forms.TextInput(attrs={"class": "figure-input"}),
        help_text="As phrased: “up to 1,500”.",
    )
    # Whether each is needed depends on the document's kind: clean() asks the rule.
    quote = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Copied from the document; quotes and dashes may differ.",
    )
    locator = forms.CharField(
        required=False,
        max_length=vocabulary.LOCATOR_MAX_LENGTH,
        help_text="Where in the document: file, row key and field; a timestamp.",
    )
    quote_match_confirmed = forms.CharField(
        required=False,
        label="matches the quote because",
        widget=forms.Textarea(attrs={"rows": 1}),
        help_text="Only where the check cannot read the quote's numbers (number "
        "words in another language, a scanned table): why the figure matches.",
    )

    def __init__(
        self,
        *args,
        document_text: str = "",
        document_kind: str = vocabulary.DEFAULT_DOCUMENT_KIND,
        document_published_on: date | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.document_published_on = document_published_on
        self.document_text = document_text
        self.document_kind = document_kind
        self.reading = ""

    def clean_figure(self):
        text = self.cleaned_data["figure"]
        try:
            parsed = figures.parse_figure(text)
        except figures.FigureError as error:
            raise forms.ValidationError(str(error)) from error
        self.reading = reading_of(parsed)
        return text

    def clean(self):
        data = super().clean()
        if data.get("source") and data.get("new_source"):
            self.add_error("new_source", "Choose a source or name a new one, not both.")
        elif not data.get("source") and not data.get("new_source"):
            self.add_error("source", "Choose the source, or name a new one.")
        elif data.get("new_source") and not data.get("new_source_kind"):
            self.add_error("new_source_kind", "A new source needs its kind.")
        # The rules that cross fields, as the model's clean() applies them
        # (rules.assertion_problems): evidence, quote, date range and a date after
        # the document, so every row's problems show on the first press.
        source = data.get("source")
        for name, message in rules.assertion_problems(
            stated_on=data.get("stated_on"),
            published_on=self.document_published_on,
            quote=data.get("quote", ""),
            document_text=self.document_text,
            source_id=source.pk if source else None,
            relayed_by_id=None,
            today=timezone.localdate(),
            document_kind=self.document_kind,
            locator=data.get("locator", ""),
        ).items():
            if name in self.fields and not self.has_error(name):
                self.add_error(name, message)
        return data


def reading_of(parsed: figures.Figure) -> str:
    """Return how a parsed figure reads: “Range: 10,000 to 12,000”."""
    return wording.interpretation(parsed.kind, parsed.low, parsed.high)


# At most 50 rows, however many the posted TOTAL_FORMS claims (Django's default
# absolute_max would build 1,050; issue 28).
LogFigureFormSet = forms.formset_factory(
    LogFigureForm, extra=4, max_num=50, absolute_max=50, validate_max=True
)


def carry_dates(data, prefix: str = "form"):
    """Return the POST data with each typed row's empty date (and its precision)
    taken from the row above, so a date typed once serves the next rows; the form
    then shows the date it carried. A row with no figure is left blank."""
    data = data.copy()
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS") or 0), 50)
    except ValueError:
        return data
    date, precision = "", ""
    for n in range(total):
        stated_on = (data.get(f"{prefix}-{n}-stated_on") or "").strip()
        if stated_on:
            date, precision = stated_on, data.get(f"{prefix}-{n}-date_precision", "")
        elif date and (data.get(f"{prefix}-{n}-figure") or "").strip():
            data[f"{prefix}-{n}-stated_on"] = date
            if precision:
                data[f"{prefix}-{n}-date_precision"] = precision
    return data


# The extraction assistant's rows (issue 27): a figure row as proposed by "Find
# figures", with whether to keep it, the claim it was guessed for, and the candidate
# as proposed, signed, so that saving can record whether it was edited.

PROPOSAL_SALT = "claims.figurelog.proposal"


class ExtractedFigureForm(LogFigureForm):
    """A candidate row: unticking `accept` drops it; `claim`, when chosen, overrides
    the screen's claim for this row; `proposed` is the candidate as proposed."""

    accept = forms.BooleanField(
        required=False, initial=True, label="Keep", help_text="Untick to drop it."
    )
    claim = forms.ModelChoiceField(
        Claim.objects.current(),
        required=False,
        label="Claim (guess)",
        help_text="Empty: the claim chosen above.",
    )
    proposed = forms.CharField(widget=forms.HiddenInput, required=False)

    def proposal(self) -> dict:
        """Return the candidate as proposed, or {} when it is missing or was
        altered in the page (then no provenance is recorded)."""
        raw = self["proposed"].value() or ""
        try:
            value = signing.loads(raw, salt=PROPOSAL_SALT)
        except signing.BadSignature:
            return {}
        return value if isinstance(value, dict) else {}


class BaseExtractedFigureFormSet(forms.BaseFormSet):
    """Rows with a `Keep` box: an unticked row is neither validated nor saved
    (Django's deleted forms, without its DELETE box)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields.pop(forms.formsets.DELETION_FIELD_NAME, None)

    def _should_delete_form(self, form):
        return not form.cleaned_data.get("accept", True)


ExtractedFigureFormSet = forms.formset_factory(
    ExtractedFigureForm,
    formset=BaseExtractedFigureFormSet,
    extra=0,
    can_delete=True,  # the Keep box, not a DELETE box
    can_delete_extra=True,
    max_num=50,
    absolute_max=50,
    validate_max=True,
)


class MergeForm(forms.Form):
    """Which of two selected rows to keep, and why they are one. The merge runs
    only once the page has shown what it moves for that choice (`previewed`)."""

    into = forms.TypedChoiceField(
        label="Keep",
        coerce=int,
        widget=forms.RadioSelect,
        help_text="The other one is merged into it: marked merged, kept on record, "
        "its address redirecting here.",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why they are the same, e.g. “HUR is the acronym of Ukraine's "
        "military intelligence”. Both histories keep it.",
    )
    previewed = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].choices = [(row.pk, str(row)) for row in rows]
