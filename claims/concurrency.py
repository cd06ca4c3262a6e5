"""Optimistic concurrency: an edit names the version of the row it started from, and
a save over a newer version is refused with what changed in between (issue 7).

Rows carry a `version` (models.Versioned) that goes up by one with each save. Forms
send back the version they were opened on; the save goes ahead only if the row is
still at that version. The message comes from the rows' history.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.text import Truncator

# Fields that change with every save, or that no one types: not worth listing.
UNLISTED = {"version", "updated_at", "created_at", "detected_at"}


@dataclass(frozen=True)
class Change:
    """One field another person changed: its label and both values, as text."""

    field: str
    before: str
    after: str


def describe(
    *, thing: str, editors: list[str], when: str, changes: list[Change]
) -> list[str]:
    """Return the lines of the refusal: who saved, what they changed, what to do."""
    who = " and ".join(editors) if editors else "Someone else"
    lines = [
        f"{who} saved this {thing} {when}, after you opened it, so your changes "
        "were not saved."
    ]
    if changes:
        lines.append(
            "They changed: "
            + "; ".join(f"{c.field}: {c.before} → {c.after}" for c in changes)
            + "."
        )
    lines.append(
        "Your changes are still in the form. Save again to put yours in place of "
        "theirs, or reload the page to start from theirs."
    )
    return lines


class EditConflict(ValidationError):
    """A save made from an older version of a row than the one now stored."""

    def __init__(self, instance, seen_version: int):
        self.instance, self.seen_version = instance, seen_version
        # The version a retry must name to replace the other person's edit.
        self.current_version = (
            type(instance)
            ._base_manager.filter(pk=instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        super().__init__(conflict_lines(instance, seen_version))


def conflict_lines(instance, seen_version: int) -> list[str]:
    """Describe, from the history, what happened to `instance` since `seen_version`."""
    model = type(instance)
    thing = str(model._meta.verbose_name)
    records = list(
        model.history.filter(
            **{model._meta.pk.attname: instance.pk, "version__gte": seen_version}
        )
        .select_related("history_user")
        .order_by("version", "history_date")
    )
    seen = next((r for r in reversed(records) if r.version == seen_version), None)
    later = [r for r in records if r.version > seen_version]
    if not later:
        return describe(thing=thing, editors=[], when="just now", changes=[])
    editors = list(
        dict.fromkeys(
            str(r.history_user) if r.history_user else "the system" for r in later
        )
    )
    at = later[-1].history_date
    when = f"at {at:%H:%M} on {at.day} {at:%b %Y} (UTC)"
    changes = []
    if seen is not None:
        delta = later[-1].diff_against(seen, foreign_keys_are_objs=True)
        for change in delta.changes:
            if change.field in UNLISTED:
                continue
            field = model._meta.get_field(change.field)
            labels = dict(field.flatchoices)
            before, after = (labels.get(v, v) for v in (change.old, change.new))
            changes.append(
                Change(
                    str(field.verbose_name).capitalize(), _shown(before), _shown(after)
                )
            )
    return describe(thing=thing, editors=editors, when=when, changes=changes)


def _shown(value) -> str:
    if value in (None, ""):
        return "(empty)"
    return f"“{Truncator(str(value)).chars(80)}”"
