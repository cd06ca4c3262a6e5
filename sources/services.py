"""Writes to sources, their aliases and documents: the admin and the importers all
save through these functions.

Claim pages show sources' names and documents' titles, but `sources` must not import
`claims`. So each write sends `changed`, naming what changed; `claims` listens
(claims/apps.py) and stamps the claims whose pages show it.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

from sources.models import Document, Source, SourceAlias

# Sent inside the write's transaction with `sources` and `documents` (lists of ids).
changed = Signal()


@transaction.atomic
def source_save(*, source: Source, user=None, reason: str = "") -> Source:
    """Validate and save `source`."""
    source.full_clean()
    _record(source, user, reason)
    source.save()
    changed.send(sender=Source, sources=[source.pk], documents=[])
    return source


@transaction.atomic
def source_delete(*, source: Source, user=None) -> None:
    """Delete a source nothing refers to (the database refuses any other)."""
    _record(source, user, "Deleted")
    source_id = source.pk
    source.delete()
    changed.send(sender=Source, sources=[source_id], documents=[])


@transaction.atomic
def alias_save(*, alias: SourceAlias, user=None) -> SourceAlias:
    """Validate and save an alias of a source."""
    alias.full_clean()
    _record(alias, user, "")
    alias.save()
    changed.send(sender=SourceAlias, sources=[alias.source_id], documents=[])
    return alias


@transaction.atomic
def alias_delete(*, alias: SourceAlias, user=None) -> None:
    _record(alias, user, "Deleted")
    alias.delete()
    changed.send(sender=SourceAlias, sources=[alias.source_id], documents=[])


@transaction.atomic
def document_save(*, document: Document, user=None, reason: str = "") -> Document:
    """Validate and save `document`."""
    document.full_clean()
    _record(document, user, reason)
    document.save()
    changed.send(sender=Document, sources=[], documents=[document.pk])
    return document


@transaction.atomic
def document_delete(*, document: Document, user=None) -> None:
    """Delete a document nothing refers to (the database refuses any other)."""
    _record(document, user, "Deleted")
    document_id = document.pk
    document.delete()
    changed.send(sender=Document, sources=[], documents=[document_id])


def _record(row, user, reason: str) -> None:
    if user is not None:
        row._history_user = user
    if reason:
        row._change_reason = reason
