"""Import assertions from CSV (claims/csvformat.py) in bulk: all rows or none.

Every row is checked and every name resolved before anything is written, so a bad row
anywhere means nothing is written and every bad row is reported with its line and
column. Claims, topics, sources (by name or alias, ignoring case) and documents (by URL,
else title) are created when new; rows already recorded are skipped and counted.
Writes use bulk inserts, history rows included, then each touched claim is refreshed
once (summary and discrepancy).
"""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from claims.domain import rules
from claims.interchange import csvformat
from claims.jobs.models import ImportLock
from claims.models import Assertion, Claim, Topic, Translation
from claims.pipeline import services
from sources.models import Document, Source, SourceAlias, SourceKind

BATCH = 5000
REASON = "Imported from CSV"


class ImportFailed(Exception):
    """The file was refused; `errors` names every bad row. Nothing was written."""

    def __init__(self, errors: list[csvformat.RowError]):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


class ImportBusy(Exception):
    """Another import is running; imports run one at a time. Nothing was written."""

    def __init__(self, lock: ImportLock):
        self.holder, self.started_at = lock.holder, lock.started_at
        super().__init__(
            f"{lock.holder} is importing a file (since {lock.started_at:%H:%M:%S} "
            "UTC). Imports run one at a time; nothing of yours was written. Try "
            "again when theirs has finished."
        )


# A lock older than this belongs to an import whose process died: it is taken over.
STALE_LOCK = timedelta(hours=1)


@contextmanager
def import_turn(user):
    """Hold the site's import lock while the block runs, or raise ImportBusy.

    The lock row is committed on its own, before the import's transaction begins, so
    that other connections see it; it is removed however the import ends."""
    holder = str(user) if user is not None else "a command-line import"
    now = timezone.now()
    with transaction.atomic():
        ImportLock.objects.filter(started_at__lt=now - STALE_LOCK).delete()
        lock, created = ImportLock.objects.get_or_create(
            name="import", defaults={"holder": holder, "started_at": now}
        )
    if not created:
        raise ImportBusy(lock)
    try:
        yield
    finally:
        ImportLock.objects.filter(pk=lock.pk).delete()


# The rows an ImportSummary keeps as read, for the admin's preview.
PREVIEW_ROWS = 500


@dataclass
class ImportSummary:
    created: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    rows: int = 0
    dry_run: bool = False
    # For the admin's preview: the first rows as read (csvformat.Row, figure parsed),
    # and the names of the claims and sources the import would create.
    readings: list = field(default_factory=list)
    new_names: dict = field(default_factory=dict)

    def lines(self) -> list[str]:
        verb = "would create" if self.dry_run else "created"
        return [
            f"{name}: {verb} {self.created[name]}, already present {self.skipped[name]}"
            for name in ("topics", "claims", "sources", "documents", "assertions")
        ]


def _silent(**fields) -> None:
    pass


def assertions_import(
    *, data: bytes | str, user=None, dry_run: bool = False, progress=None
):
    """Import the CSV `data`; return an ImportSummary or raise ImportFailed.

    `progress`, if given, is called with the fields of a job's progress (phase,
    rows_checked, rows_total, rows_written) as the import goes
    (claims/jobs/tasks.py)."""
    report = progress or _silent
    report(phase="checking each row's values")
    reading = csvformat.read(
        data,
        source_kinds=SourceKind.values,
        progress=lambda count: report(rows_checked=count),
    )
    read = len(reading.rows) + len(reading.errors)
    report(rows_checked=read, rows_total=read)
    limit = settings.CLAIMTRACKER_IMPORT_MAX_ROWS
    if len(reading.rows) + len(reading.errors) > limit:
        raise ImportFailed(
            [csvformat.RowError(1, "", f"the file has more than {limit:,} rows")]
        )
    if reading.errors:
        raise ImportFailed(reading.errors)
    summary = ImportSummary(rows=len(reading.rows), dry_run=dry_run)
    report(phase="waiting for its turn (imports run one at a time)")
    with import_turn(user):
        phase = "matching names with the database"
        if connection.vendor == "sqlite":
            phase += (
                ", then writing: one transaction, whose progress SQLite shows "
                "when it ends"
            )
        report(phase=phase)
        with transaction.atomic():
            _Importer(reading.rows, summary, user, report).run()
            if dry_run:
                report(phase="rolling back the trial run")
                transaction.set_rollback(True)
    return summary


class _Importer:
    def __init__(
        self, rows: list[csvformat.Row], summary: ImportSummary, user, report=_silent
    ):
        self.rows, self.summary, self.user = rows, summary, user
        self.report = report
        self.errors: list[csvformat.RowError] = []
        self.today = timezone.localdate()

    def run(self) -> None:
        self._load_existing()
        self._check_document_kinds()
        # Sources first, so a relay may name a source that a later row introduces.
        sources = [
            self._source(r, r.source, "source", r.source_kind) for r in self.rows
        ]
        planned = [
            self._plan(row, source)
            for row, source in zip(self.rows, sources, strict=True)
        ]
        if self.errors:
            raise ImportFailed(self.errors)
        self.summary.readings = self.rows[:PREVIEW_ROWS]
        self.summary.new_names = {
            "claims": [claim.title for claim in self.new_claims.values()],
            "sources": [source.name for source in self.new_sources.values()],
        }
        self.report(phase="writing topics, claims, sources and documents")
        self._create_parents()
        self._create_assertions([plan for plan in planned if plan is not None])

    # Resolution, before any write.

    def _load_existing(self) -> None:
        topic_names = {row.topic.lower() for row in self.rows}
        claim_titles = {row.claim.lower() for row in self.rows}
        source_names = {row.source.lower() for row in self.rows} | {
            row.relayed_by.lower() for row in self.rows if row.relayed_by
        }
        self.topics = {
            t.name.lower(): t
            for t in Topic.objects.all()
            if t.name.lower() in topic_names
        }
        self.claims = {
            c.title.lower(): c
            for c in Claim.objects.all().only("pk", "title", "unit", "slug")
            if c.title.lower() in claim_titles
        }
        self.sources = {}
        for source in Source.objects.only("pk", "name", "slug"):
            if source.name.lower() in source_names:
                self.sources[source.name.lower()] = source
        for alias in SourceAlias.objects.select_related("source"):
            if alias.name.lower() in source_names:
                self.sources.setdefault(alias.name.lower(), alias.source)
        urls = {row.document_url for row in self.rows if row.document_url}
        titles = {row.document_title.lower() for row in self.rows if row.document_title}
        self.documents_by_url = {
            d.url: d for d in Document.objects.filter(url__in=urls) if d.url
        }
        self.documents_by_title = {}
        fields = ("pk", "title", "text", "published_on", "kind")
        for document in Document.objects.filter(url="").only(*fields):
            if document.title.lower() in titles:
                self.documents_by_title.setdefault(document.title.lower(), document)
        existing = Assertion.objects.not_retracted().filter(
            claim__in=[c.pk for c in self.claims.values()]
        )
        self.present = set(
            existing.values_list("claim_id", "source_id", "stated_on", "figure")
        )
        self.seen: set[tuple] = set()
        self.new_topics: dict[str, Topic] = {}
        self.new_claims: dict[str, Claim] = {}
        self.new_sources: dict[str, Source] = {}
        self.new_documents: dict[str, Document] = {}

    def _document_key(self, row) -> str:
        return row.document_url or row.document_title.lower()

    def _check_document_kinds(self) -> None:
        """Refuse rows that give one document two kinds (naming their lines), or a
        kind other than the one on record; note each new document's kind."""
        given: dict[str, dict[str, list[int]]] = {}
        for row in self.rows:
            if row.document_kind:
                lines = given.setdefault(self._document_key(row), {})
                lines.setdefault(row.document_kind, []).append(row.line)
        self.document_kinds: dict[str, str] = {}
        for key, kinds in given.items():
            first = min(lines[0] for lines in kinds.values())
            if len(kinds) > 1:
                listed = "; ".join(
                    f"{kind} on line{'s' if len(lines) > 1 else ''} "
                    + ", ".join(map(str, lines[:10]))
                    + (" and more" if len(lines) > 10 else "")
                    for kind, lines in kinds.items()
                )
                self.errors.append(
                    csvformat.RowError(
                        first,
                        "document_kind",
                        f"these rows give one document two kinds ({listed}); a "
                        "document has one kind",
                    )
                )
                continue
            (kind,) = kinds
            self.document_kinds[key] = kind
            recorded = self.documents_by_url.get(key) or self.documents_by_title.get(
                key
            )
            if recorded is not None and recorded.kind != kind:
                lines = kinds[kind]
                self.errors.append(
                    csvformat.RowError(
                        first,
                        "document_kind",
                        f"the document “{recorded.title}” is recorded as "
                        f"{recorded.kind}; line{'s' if len(lines) > 1 else ''} "
                        + ", ".join(map(str, lines[:10]))
                        + f" give{'' if len(lines) > 1 else 's'} {kind}",
                    )
                )

    def _fail(self, row, column: str, message: str) -> None:
        self.errors.append(csvformat.RowError(row.line, column, message))

    def _plan(self, row: csvformat.Row, source: Source | None):
        topic = self.topics.get(row.topic.lower()) or self.new_topics.setdefault(
            row.topic.lower(), Topic(name=row.topic)
        )
        claim = self.claims.get(row.claim.lower())
        if claim is None:
            claim = self.new_claims.setdefault(
                row.claim.lower(), Claim(title=row.claim, unit=row.unit, topic=topic)
            )
        if claim.unit != row.unit:
            counted = f"“{row.claim}” is counted in {claim.unit}, not {row.unit}"
            self._fail(row, "unit", counted)
        relay = None
        if row.relayed_by:
            relay = self._source(row, row.relayed_by, "relayed_by", "")
            if relay is not None and relay is source:
                self._fail(row, "relayed_by", rules.MESSAGES["self_relay"])
        document = self._document(row)
        # The rules the model's clean() applies, on values already in memory.
        problems = rules.assertion_problems(
            stated_on=row.stated_on,
            published_on=document.published_on if document else None,
            quote=row.quote,
            document_text=document.text if document else "",
            source_id=None,
            relayed_by_id=None,
            today=self.today,
            document_kind=document.kind if document else "",
            locator=row.locator,
            quote_language=row.quote_language,
        )
        problems |= rules.date_problems(
            "document_published_on", row.document_published_on, today=self.today
        )
        for name, message in problems.items():
            self._fail(row, name, message)
        if source is None:
            return None
        key = (claim.pk, source.pk, row.stated_on, row.figure.text)
        file_key = (
            row.claim.lower(),
            source.name.lower(),
            row.stated_on,
            row.figure.text,
        )
        if (claim.pk and source.pk and key in self.present) or file_key in self.seen:
            self.summary.skipped["assertions"] += 1
            return None
        self.seen.add(file_key)
        return row, claim, source, relay, document

    def _source(self, row, name: str, column: str, kind: str):
        found = self.sources.get(name.lower()) or self.new_sources.get(name.lower())
        if found is not None:
            return found
        if not kind:
            message = (
                f"no source named “{name}”; add it first"
                if column == "relayed_by"
                else f"“{name}” is a new source: give its source_kind"
            )
            self._fail(row, "source_kind" if column == "source" else column, message)
            return None
        source = Source(name=name, kind=kind, reliability=row.reliability or None)
        self.new_sources[name.lower()] = source
        return source

    def _document(self, row):
        if not (row.document_url or row.document_title):
            return None
        if row.document_url:
            document = self.documents_by_url.get(row.document_url) or (
                self.new_documents.get(row.document_url)
            )
            key = row.document_url
        else:
            key = row.document_title.lower()
            document = self.documents_by_title.get(key) or self.new_documents.get(key)
        if document is None:
            document = Document(
                title=row.document_title or row.document_url,
                url=row.document_url,
                published_on=row.document_published_on,
                kind=self.document_kinds.get(key, Document.Kind.ARTICLE),
            )
            self.new_documents[key] = document
        return document

    # Writes, once every row is known to be good.

    def _create_parents(self) -> None:
        created = self.summary.created
        skipped = self.summary.skipped
        skipped["topics"] = len({r.topic.lower() for r in self.rows}) - len(
            self.new_topics
        )
        skipped["claims"] = len({r.claim.lower() for r in self.rows}) - len(
            self.new_claims
        )
        _unique_slugs(self.new_topics.values(), Topic, "name")
        _bulk(list(self.new_topics.values()), Topic)
        _unique_slugs(self.new_claims.values(), Claim, "title")
        _bulk(list(self.new_claims.values()), Claim)
        _unique_slugs(self.new_sources.values(), Source, "name")
        _bulk(list(self.new_sources.values()), Source)
        _bulk(list(self.new_documents.values()), Document)
        created.update(
            topics=len(self.new_topics),
            claims=len(self.new_claims),
            sources=len(self.new_sources),
            documents=len(self.new_documents),
        )
        named = {r.source.lower() for r in self.rows}
        skipped["sources"] = len(named) - len(
            [n for n in self.new_sources if n in named]
        )
        documents = {
            r.document_url or r.document_title.lower()
            for r in self.rows
            if r.document_url or r.document_title
        }
        skipped["documents"] = len(documents) - len(self.new_documents)

    def _create_assertions(self, plans) -> None:
        now = timezone.now()
        assertions = []
        translated = []
        for row, claim, source, relay, document in plans:
            parsed = row.figure
            assertion = Assertion(
                claim=claim,
                source=source,
                relayed_by=relay,
                document=document,
                stated_on=row.stated_on,
                date_precision=row.date_precision,
                figure=parsed.text,
                kind=row.kind or parsed.kind,
                low=row.low if row.is_overridden else parsed.low,
                high=row.high if row.is_overridden else parsed.high,
                value=parsed.value,
                is_overridden=row.is_overridden,
                # A copy differing only in typography keeps the document's text.
                quote=rules.quote_passage(row.quote, document.text) or row.quote
                if document is not None and document.text
                else row.quote,
                quote_language=row.quote_language,
                locator=row.locator,
                created_by=self.user,
                created_at=now,
                updated_at=now,
            )
            if row.credibility:
                assertion.credibility = row.credibility
            assertions.append(assertion)
            if row.translation:
                translated.append((row, assertion))
        self.report(phase="writing assertions")
        services.assertions_bulk_create(
            assertions=assertions,
            user=self.user,
            reason=REASON,
            batch_size=BATCH,
            on_batch=lambda written: self.report(rows_written=written),
            before_derive=lambda: self.report(
                phase="refreshing summaries and detecting discrepancies"
            ),
        )
        services.translations_bulk_create(
            translations=[
                Translation(
                    assertion=assertion,
                    language=row.translation_language,
                    text=row.translation,
                    method=row.translation_method,
                    translated_by=row.translated_by,
                    translated_at=now,
                )
                for row, assertion in translated
            ]
        )
        self.summary.created["assertions"] = len(assertions)


def _bulk(objects: list, model, user=None) -> None:
    services.rows_bulk_create(model=model, rows=objects, user=user, reason=REASON)


def _unique_slugs(objects, model, attribute: str) -> None:
    """Give each new object a slug from its name that no other row has."""
    taken = set(model.objects.values_list("slug", flat=True))
    for obj in objects:
        base = slugify(getattr(obj, attribute))[:190] or model._meta.model_name
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        obj.slug = slug
