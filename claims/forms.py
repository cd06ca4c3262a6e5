from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q

from claims import review
from claims.concurrency import conflict_lines
from claims.models import Assertion, Claim, DiscrepancyState


class VersionedForm(forms.ModelForm):
    """A model form that sends back the version of the row it was opened on, and
    refuses to save over a newer one (claims/concurrency.py).

    On a conflict the form keeps the person's input and names what the other person
    changed; its version moves on to the current one, so saving again is a choice made
    knowing what it replaces.
    """

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["seen_version"].initial = self.instance.version

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None:
            return cleaned_data
        seen = cleaned_data.get("seen_version")
        if seen is None:
            raise forms.ValidationError(
                "This form is missing the version it was opened on; reload the page."
            )
        # The instance was read from the database for this request; if another
        # save lands after this check, Versioned.save refuses it.
        if seen != self.instance.version:
            self.data = self.data.copy()
            self.data[self.add_prefix("seen_version")] = self.instance.version
            raise forms.ValidationError(conflict_lines(self.instance, seen))
        return cleaned_data


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
            "quote", "document", "is_overridden", "kind", "low", "high", "value",
            "credibility", "status", "notes",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("kind", "low", "high", "value"):
            if name in self.fields:
                self.fields[name].required = False
        if "status" in self.fields:
            self.fields["status"].choices = [
                choice
                for choice in self.fields["status"].choices
                if choice[0] != Assertion.Status.RETRACTED
            ]


class RetractForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why the figures no longer stand: misattributed, misquoted, "
        "withdrawn by the source. Readers see this reason.",
    )


class ClaimViewForm(forms.Form):
    """The claim page's controls: the date to view it as of, and the chart's scale."""

    as_of = forms.DateField(
        label="As known on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Show only what had been stated by this date.",
    )
    scale = forms.ChoiceField(
        label="Chart scale",
        required=False,
        choices=[("linear", "linear"), ("log", "logarithmic")],
    )


class JudgementForm(forms.Form):
    """An editor's judgement of a discrepancy: the moves its state allows."""

    # The discrepancy's version when the page was opened (claims/concurrency.py).
    version = forms.IntegerField(widget=forms.HiddenInput)

    state = forms.ChoiceField(label="Judgement")
    note = forms.CharField(
        label="Note for readers",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Why: different scope, date or definition; which figure holds up "
        "and why; or why it is no real conflict. Readers see it once judged.",
    )
    favoured = forms.ModelChoiceField(
        label="Favoured estimate (to resolve)",
        queryset=Assertion.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args, discrepancy, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = review.TRANSITIONS[discrepancy.state]
        self.fields["state"].choices = [
            (value, label)
            for value, label in DiscrepancyState.choices
            if value in allowed
        ]
        self.fields["favoured"].queryset = Assertion.objects.filter(
            pk__in=[discrepancy.assertion_low_id, discrepancy.assertion_high_id]
        ).select_related("source")
        self.fields["favoured"].label_from_instance = lambda a: (
            f"“{a.figure}” ({a.source})"
        )


class AssignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    assigned_to = forms.ModelChoiceField(
        label="Assign to",
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="nobody",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(
                Q(groups__permissions__codename="judge_discrepancy")
                | Q(is_superuser=True)
            )
            .distinct()
            .order_by("username")
        )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8, one row per assertion, with the header described in the "
        "README (“CSV import”). Nothing is written until you confirm.",
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
