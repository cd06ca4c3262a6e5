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
