"""The editors' forms: a judgement, an assignment, setting a figure aside."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from claims.models import Assertion, DiscrepancyState
from claims.review import states as review


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

    set_aside_reason = forms.CharField(
        label="Set the other estimate aside for the whole claim (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="When you resolve in favour of one estimate: why the other does "
        "not count for this claim (a different scope, a misreading, a source with no "
        "access). Readers see the reason; the figure leaves detection, the spread "
        "and the evolution. It can be counted again.",
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
        if discrepancy.state == review.RESOLVED and not self.is_bound:
            # Changing the favoured figure needs no reopening: the judgement and
            # its note start as they stand.
            self.initial.setdefault("state", review.RESOLVED)
            self.initial.setdefault("note", discrepancy.note)
            self.initial.setdefault("favoured", discrepancy.favoured_id)


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


class SetAsideForm(forms.Form):
    """Set one figure aside for its whole claim, outside a judgement."""

    set_aside_reason = forms.CharField(
        label="Why this figure does not count for the claim",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Readers see it beside the figure: a different scope, a "
        "misreading, a source with no access. The figure leaves detection, the "
        "spread, the chart and the evolution, and can be counted again.",
    )


class RestoreForm(forms.Form):
    """Count a set-aside figure again."""

    reason = forms.CharField(
        label="Why it counts again (optional, kept in its history)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
