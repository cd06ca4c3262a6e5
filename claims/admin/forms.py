"""The researchers' admin forms."""

from django import forms
from django.conf import settings

from claims.models import Assertion, Claim


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
