"""Writes to sources, their aliases and documents: the admin and the importers all
save through these functions.

Claim pages show sources' names and documents' titles, but `sources` must not import
`claims`. So each write ends by sending `changed`, naming what it touched; `claims`
listens (claims/apps.py) and hands it to the one function that derives what follows
(claims/pipeline/derive.py, `apply`). Before a document is written, `checking` asks
whether its figures still hold with its new values; a listener refuses with a
ValidationError that names them, and nothing is written.

Merging a duplicate source into another (`source_merge`) works the same way: the
figures that name it belong to `claims`, which `merge_checking` asks for what would
stop the merge and `merging` tells to move them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection, models, transaction
from django.dispatch import Signal
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from sources import archive
from sources.models import Document, DocumentFile, Source, SourceAlias, archive_name
from sources.names import name_key

# Sent inside the write's transaction with `sources` and `documents` (lists of ids).
changed = Signal()
# Sent before a document is written, with the unsaved `document`: a listener raises
# ValidationError, by field, if the change would break rows that depend on it.
checking = Signal()
# Sent with `source` and `into` before a merge, and by its preview: a listener
# returns a list of messages, each naming rows that would stop the merge.
merge_checking = Signal()
# Sent inside a merge's transaction, the two sources' rows locked, with `source`
# (the duplicate), `into`, `user` and `reason`: a listener moves what names the
# duplicate (figures, relays) to `into` and derives what follows.
merging = Signal()

MERGE_REASON_NEEDED = "Say why these are the same; the history keeps your reason."


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


def sources_hold(*, ids) -> dict[int, int | None]:
    """Return, for each source id, the id of the source it was merged into (None
    if it was not), holding the rows until the transaction ends so that no merge
    of them runs meanwhile: a figure being written for a source and a merge of it
    take turns, whichever comes first. PostgreSQL takes a share lock (writes of
    figures for one source still run side by side); SQLite locks the whole
    database for a write instead."""
    ids = sorted(set(ids) - {None})
    if not ids:
        return {}
    rows = Source.objects.filter(pk__in=ids).order_by("pk")
    if connection.vendor == "postgresql":
        table = Source._meta.db_table
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, merged_into_id FROM {table} "
                f"WHERE id IN ({marks}) ORDER BY id FOR SHARE",
                ids,
            )
            return dict(cursor.fetchall())
    return dict(rows.values_list("pk", "merged_into_id"))


def merged_problem(row, into_id) -> str:
    """Return the message that refuses a new write naming `row`, a merged row."""
    into = type(row)._default_manager.filter(pk=into_id).first()
    return (
        f"“{row}” was merged into “{into}”; choose “{into}” instead."
        if into is not None
        else ""
    )


def source_merge_problems(*, source: Source, into: Source) -> list[str]:
    """Return why the duplicate `source` cannot be merged into `into`, each message
    naming the rows (empty when it can): itself, a source already merged, one
    belonging to the other, its name already another source's alias, and what the
    listeners of `merge_checking` find (claims: figures that would relay
    themselves)."""
    if source.pk == into.pk:
        return [f"“{source}” cannot be merged into itself."]
    problems = []
    for row in (source, into):
        if row.merged_into_id is not None:
            target = Source.objects.get(pk=row.merged_into_id)
            problems.append(
                f"“{row}” was already merged into “{target}”"
                + ("." if row is source else f"; merge into “{target}” instead.")
            )
    if problems:
        return problems
    for part, whole in ((source, into), (into, source)):
        if whole.pk in _ancestors(part):
            problems.append(
                f"“{part}” belongs to “{whole}”: change its parent before merging them."
            )
    taken = (
        SourceAlias.objects.filter(name__iexact=source.name)
        .exclude(source__in=[source.pk, into.pk])
        .select_related("source")
        .first()
    )
    if taken is not None:
        problems.append(
            f"“{source.name}” is already an alias of “{taken.source}”, so it cannot "
            f"become an alias of “{into}”: remove that alias first."
        )
    for _receiver, found in merge_checking.send(
        sender=Source, source=source, into=into
    ):
        problems += found or []
    return problems


def _ancestors(source: Source) -> set[int]:
    seen: set[int] = set()
    parent_id = source.parent_id
    while parent_id is not None and parent_id not in seen:
        seen.add(parent_id)
        parent_id = (
            Source.objects.filter(pk=parent_id)
            .values_list("parent_id", flat=True)
            .first()
        )
    return seen


def merge_reason(reason: str) -> str:
    """Return the merge's reason, stripped; raise ValidationError if there is
    none."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": MERGE_REASON_NEEDED})
    return reason


def names_lock(model, names) -> None:
    """Hold, until the transaction ends, the right to create `model` rows with these
    names (each by its key: any case, any spacing), so that two saves naming one new
    claim or source at once make one row: the second waits here, then finds the
    first's. The locks are taken in the order of their keys, before the save writes
    anything: two saves naming the same new sources in another order (or one taking
    a name while it holds a row the other waits for) would otherwise each hold what
    the other waits for, and PostgreSQL fails one. PostgreSQL takes transaction-level
    advisory locks on the model and each name's hash; SQLite's write transactions
    already run one at a time (settings: IMMEDIATE). Call it inside the save's
    transaction, before looking the names up."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in sorted({name_key(name) for name in names}):
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s), hashtext(%s))",
                [model._meta.label_lower, key],
            )


def merge_lock(model, *, pks) -> list:
    """Return the rows of `model` with these ids, fresh and locked until the
    transaction ends, in id order (two merges of the same rows take turns, and
    cannot deadlock), in the order of `pks`."""
    rows = {
        row.pk: row
        for row in model._default_manager.select_for_update()
        .filter(pk__in=pks)
        .order_by("pk")
    }
    return [rows[pk] for pk in pks]


@transaction.atomic
def source_merge(*, source: Source, into: Source, reason: str, user=None) -> Source:
    """Merge the duplicate `source` into `into`, and return `into`.

    Nothing is deleted: the figures that name `source` (claims moves them, through
    `merging`), its documents, aliases and the sources that belong to it move to
    `into`; its name becomes an alias of `into`; `source` itself stays, marked
    merged into `into`, and its page redirects there. Both rows' histories record
    the merge with `user` and `reason`. Refused with ValidationError, before
    anything is written, for the reasons of source_merge_problems."""
    reason = merge_reason(reason)
    source, into = merge_lock(Source, pks=[source.pk, into.pk])
    problems = source_merge_problems(source=source, into=into)
    if problems:
        raise ValidationError(problems)
    note = f"Merged “{source}” into “{into}”: {reason}"
    # The figures first: a figure written meanwhile holds its source, then its
    # claim, then its document (claims/pipeline/services.py), in this order too.
    merging.send(sender=Source, source=source, into=into, user=user, reason=reason)
    known = {name_key(into.name)} | {
        name_key(name)
        for name in SourceAlias.objects.values_list("name", flat=True).filter(
            source__in=[source.pk, into.pk]
        )
    }
    rows_move(SourceAlias.objects.filter(source=source), "source", into, user, note)
    if name_key(source.name) not in known:
        alias_save(
            alias=_noted(SourceAlias(source=into, name=source.name), note), user=user
        )
    documents = rows_move(
        Document.objects.filter(publisher=source), "publisher", into, user, note
    )
    rows_move(Source.objects.filter(parent=source), "parent", into, user, note)
    rows_move(
        Source.objects.filter(merged_into=source), "merged_into", into, user, note
    )
    source.merged_into, source.merged_at = into, timezone.now()
    _record(source, user, note)
    source.save(update_fields=["merged_into", "merged_at"])
    _record(into, user, note)
    into.save()
    changed.send(
        sender=Source,
        sources=[source.pk, into.pk],
        documents=[document.pk for document in documents],
    )
    return into


def _noted(row, note: str):
    row._change_reason = note
    return row


def rows_move(rows, field: str, into, user, note: str) -> list:
    """Point `field` of `rows` at `into`, locked, with a history record each (the
    merges of sources and of claims)."""
    moved = list(rows.select_for_update().order_by("pk"))
    for row in moved:
        setattr(row, field, into)
    bulk_update_with_history(
        moved,
        rows.model,
        [field],
        batch_size=1000,
        default_user=user,
        default_change_reason=note,
    )
    return moved


def document_lock(*, pk: int) -> Document:
    """Return the document, its row locked until the transaction ends: a figure
    citing it and a change of the document take turns (SQLite locks the whole
    database for a write instead)."""
    return Document.objects.select_for_update().get(pk=pk)


def document_check(*, document: Document) -> None:
    """Raise ValidationError, by field, if saving `document` as it is now would
    break the figures that cite it (a data set needs a locator for each, a date
    before their statements, a text that holds their quotes)."""
    checking.send(sender=Document, document=document)


@transaction.atomic
def document_save(*, document: Document, user=None, reason: str = "") -> Document:
    """Validate and save `document`; refuse a change that would break its figures."""
    document.full_clean()
    if document.pk is not None:
        document_lock(pk=document.pk)  # figures being written to it finish first
    document_check(document=document)
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


def validated_bulk_create(model, rows: list, *, user, reason: str) -> list:
    """Validate every row (its fields and its own rules, without a query per row:
    the caller has made names and slugs unique), then insert them all with their
    history, naming `user`. A refused row raises ValidationError before anything
    is written."""
    # Each row's foreign keys are checked as full_clean checks them, but whether
    # their rows exist is asked once per key for all the rows, not once per row.
    keys = [
        f
        for f in model._meta.concrete_fields
        if f.many_to_one and not f.remote_field.parent_link
    ]
    missing = {key.name: _missing_targets(key, rows) for key in keys}
    for row in rows:
        errors: dict = {}
        try:
            row.full_clean(
                exclude=[key.name for key in keys],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for key in keys:
            problem = _key_problem(key, row, missing[key.name])
            if problem is not None and key.name not in errors:
                errors[key.name] = problem.error_list
        if errors:
            raise ValidationError(errors)
    rows_insert(model, rows, user=user, reason=reason)
    return rows


def rows_insert(model, rows: list, *, user, reason: str, batch_size: int = 5000):
    """Insert new `rows` of `model` (checked already) with a history row each, naming
    `user` and `reason` (or a row's own `_history_user` and `_change_reason`), and
    give each its primary key.

    On PostgreSQL this is COPY: the keys are drawn from the table's sequence first,
    then the rows and their history rows are streamed, a batch at a time (issue 26:
    Django's multi-row INSERT prepared every value of every row in Python, and was
    a third of an import's time). Elsewhere, simple_history's bulk_create_with_history
    writes the same rows.

    A row is a `model` instance, or a plain object (a SimpleNamespace) holding the
    fields' values by attname, as the import writes them without building a model
    row for each (issue 26); a field it lacks takes its default, as a model row's
    would, and its key is set on it."""
    if not rows:
        return rows
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    if not isinstance(rows[0], models.Model):
        _defaults_given(fields, rows)
    if connection.vendor != "postgresql":
        instances = rows
        if not isinstance(rows[0], models.Model):
            instances = [
                model(**{f.attname: getattr(row, f.attname) for f in fields})
                for row in rows
            ]
        bulk_create_with_history(
            instances,
            model,
            batch_size=batch_size,
            default_user=user,
            default_change_reason=reason,
        )
        if instances is not rows:
            for row, instance in zip(rows, instances, strict=True):
                row.pk = instance.pk
                setattr(row, model._meta.pk.attname, instance.pk)
        return rows
    history = model.history.model
    tracked = [f.attname for f in history.tracked_fields]
    now = timezone.now()
    default_user = getattr(user, "pk", None)
    stamped = [
        f
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    plain, pk_name = not isinstance(rows[0], models.Model), model._meta.pk.attname
    # A row's values in the order of the COPY's columns, read by one C call a row
    # rather than a getattr a field (issue 26: a tenth of an import's time).
    values = _values_getter(["pk", *(f.attname for f in fields)])
    tracked_values = _values_getter(tracked)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                "FROM generate_series(1, %s)",
                [model._meta.db_table, model._meta.pk.column, len(batch)],
            )
            for row, (key,) in zip(batch, cursor.fetchall(), strict=True):
                row.pk = key
                for field in stamped:
                    if field.auto_now or getattr(row, field.attname) is None:
                        setattr(row, field.attname, now)
                if plain:
                    setattr(row, pk_name, key)
                else:
                    row._state.adding, row._state.db = False, connection.alias
            _copy(
                cursor,
                model._meta.db_table,
                [model._meta.pk.column, *(f.column for f in fields)],
                map(values, batch),
            )
            _copy(
                cursor,
                history._meta.db_table,
                [
                    *(history._meta.get_field(name).column for name in tracked),
                    "history_date",
                    "history_change_reason",
                    "history_type",
                    "history_user_id",
                ],
                (
                    (
                        *tracked_values(row),
                        now,
                        getattr(row, "_change_reason", "") or reason,
                        "+",
                        getattr(getattr(row, "_history_user", None), "pk", None)
                        or default_user,
                    )
                    for row in batch
                ),
            )
    return rows


def _values_getter(names: list[str]):
    """Return a function that gives an object's attributes `names` as a tuple, in
    order (operator.attrgetter, which gives a lone attribute bare)."""
    if len(names) == 1:
        (name,) = names
        return lambda row: (getattr(row, name),)
    return attrgetter(*names)


def _defaults_given(fields: list, rows: list) -> None:
    """Give each plain row (rows_insert) the default of each field it lacks, as
    a model row's constructor does."""
    constant = {f.attname: f.get_default() for f in fields if not callable(f.default)}
    called = [f for f in fields if callable(f.default)]
    for row in rows:
        given = vars(row)
        given.update(constant | given)
        for field in called:
            if field.attname not in given:
                given[field.attname] = field.get_default()


def _copy(cursor, table: str, columns: list[str], values) -> None:
    """Stream `values` (one list per row, in the order of `columns`) into `table`
    with PostgreSQL's COPY; psycopg writes each Python value as its text."""
    quote = connection.ops.quote_name
    statement = "COPY {} ({}) FROM STDIN".format(
        quote(table), ", ".join(quote(column) for column in columns)
    )
    with cursor.cursor.copy(statement) as copy:
        for row in values:
            copy.write_row(row)


def _missing_targets(key, rows: list) -> set:
    """Return the values of the foreign key `key` among `rows` that name no row it
    may refer to, from one query."""
    values = {getattr(row, key.attname) for row in rows} - {None}
    if not values:
        return set()
    name = key.remote_field.field_name
    found = (
        key.remote_field.model._base_manager.filter(**{f"{name}__in": values})
        .complex_filter(key.get_limit_choices_to())
        .values_list(name, flat=True)
    )
    return values - set(found)


def _key_problem(key, row, missing: set) -> ValidationError | None:
    """Return what full_clean would say of the foreign key `key` of `row`, its
    target's existence known from `missing`."""
    value = getattr(row, key.attname)
    if key.blank and value in key.empty_values:
        return None
    try:
        value = key.to_python(value)
        models.Field.validate(key, value, row)  # null, blank and choices
        key.run_validators(value)
    except ValidationError as error:
        return error
    if value in missing:
        return ValidationError(
            key.error_messages["invalid"],
            code="invalid",
            params={
                "model": key.remote_field.model._meta.verbose_name,
                "pk": value,
                "field": key.remote_field.field_name,
                "value": value,
            },
        )
    return None


@transaction.atomic
def sources_bulk_create(*, sources: list[Source], user=None, reason: str) -> list:
    """Insert many new sources (an import's), validated, with their history."""
    validated_bulk_create(Source, sources, user=user, reason=reason)
    changed.send(sender=Source, sources=[s.pk for s in sources], documents=[])
    return sources


@transaction.atomic
def documents_bulk_create(*, documents: list[Document], user=None, reason: str):
    """Insert many new documents (an import's), validated, with their history."""
    for document in documents:
        if document.publisher is not None:
            document.publisher_id = document.publisher.pk
    validated_bulk_create(Document, documents, user=user, reason=reason)
    changed.send(sender=Document, sources=[], documents=[d.pk for d in documents])
    return documents


@dataclass
class Archived:
    """What archiving a file did: the file's row, whether its bytes were new to the
    store, and whether the extracted text became the document's text."""

    file: DocumentFile
    stored: bool
    text_used: bool


def archive_storage():
    """Return the storage archived files go to (settings.STORAGES["archive"])."""
    return storages["archive"]


def document_file_archive(
    *,
    document: Document,
    data: bytes,
    filename: str = "",
    retrieved_at: datetime | None = None,
    use_text: bool = False,
    user=None,
) -> Archived:
    """Check and store a file of `document` under its SHA-256; return Archived.

    The file is checked (type by content, limits) and its text extracted before
    anything is written: a refused file (ValidationError on `file`) leaves nothing
    behind, and if the rows cannot be written the bytes just stored are deleted. The
    extracted text becomes the document's text when it has none, or when the
    researcher chooses it (`use_text`)."""
    try:
        examined = archive.examine(data)
        archive.check_file(data, filename, examined.content_type)
    except archive.ArchiveError as error:
        raise ValidationError({"file": str(error)}) from error
    existing = DocumentFile.objects.filter(sha256=examined.sha256).first()
    if existing is not None and existing.document_id != document.pk:
        raise ValidationError(
            {"file": f"This file is already archived for “{existing.document}”."}
        )
    storage = archive_storage()
    name = archive_name(examined.sha256)
    stored = not storage.exists(name)
    if stored:
        saved = storage.save(name, ContentFile(data))
        if saved != name:  # a storage that renames files would break the addressing
            storage.delete(saved)
            raise ValidationError({"file": "The archive could not store the file."})
    try:
        with transaction.atomic():
            row = existing or DocumentFile(document=document, sha256=examined.sha256)
            row.size = examined.size
            row.content_type = examined.content_type
            row.original_name = row.original_name or filename[:255]
            row.storage_name = name
            row.extracted_text = examined.text
            row.retrieved_at = retrieved_at or timezone.now()
            row.full_clean()
            row.save()
            text_used = bool(examined.text.strip()) and (
                use_text or not document.text.strip()
            )
            if text_used:
                document.text = examined.text
                document_save(
                    document=document, user=user, reason="Text from an archived file"
                )
            else:
                changed.send(sender=Document, sources=[], documents=[document.pk])
    except Exception:
        if stored:
            storage.delete(name)
        raise
    return Archived(file=row, stored=stored, text_used=text_used)


def _record(row, user, reason: str) -> None:
    """Name who made the change, and why, in the row's history."""
    if user is not None:
        row._history_user = user
    if reason:
        row._change_reason = reason
