from django import forms

from claims.models import Assertion


class AssertionForm(forms.ModelForm):
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
