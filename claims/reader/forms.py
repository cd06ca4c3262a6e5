"""The claim page's controls."""

from django import forms


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
    # Set by the chart's "Show the full date range" link; no visible control.
    range = forms.ChoiceField(
        required=False, choices=[("full", "full")], widget=forms.HiddenInput
    )

    def chart_options(self) -> dict:
        """Return the chart's options from valid input, the defaults otherwise."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "as_of": data.get("as_of"),
            "scale": data.get("scale") or "linear",
            "full_range": data.get("range") == "full",
        }
