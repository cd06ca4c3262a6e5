"""Import assertions from CSV (claims/csvformat.py) in bulk: all rows or none.

Every row is checked and every name resolved before anything is written, so a bad row
anywhere means nothing is written and every bad row is reported with its line and
column. Claims, topics, sources (by name or alias, as sources/names.py matches names:
case, invisible characters and look-alike letters ignored) and documents (by URL,
else title) are created when new; rows already recorded are skipped and counted. A row
keeps its standing: a retracted one is written retracted with its reason and time, a
set-aside one (an editor's import only) set aside with the editors' reason and time.
Writes use bulk inserts, history rows included, then each touched claim is refreshed
once (summary and discrepancy).
"""

from __future__ import annotations

import gc
import itertools
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from operator import attrgetter
from types import SimpleNamespace
from typing import BinaryIO

import psycopg
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from claims.domain import rules
from claims.interchange import csvformat
from claims.interchange.quotechecks import COLLECT_AFTER, QuoteChecks
from claims.interchange.spool import Spool
from claims.jobs.locks import ImportBusy, import_turn
from claims.models import Assertion, Claim, Topic, Translation
from claims.pipeline import services
from sources import services as source_services
from sources.models import Document, Source, SourceAlias, SourceKind
from sources.names import name_key as _name_key

BATCH = 5000
# The rows a preview normalises at a time, as it checks them.
NORMALISED = 1000


# An import matches each row's source and relay by name several times (sources
# pass, checks, write): each distinct name is normalised once.
name_key = lru_cache(maxsize=4096)(_name_key)

# The CSV column that each new parent row's fields come from, to name in errors.
TOPIC_COLUMNS = {"name": "topic"}
CLAIM_COLUMNS = {"title": "claim", "unit": "unit"}
SOURCE_COLUMNS = {"name": "source", "kind": "source_kind", "reliability": "reliability"}
DOCUMENT_COLUMNS = {
    "title": "document_title",
    "url": "document_url",
    "published_on": "document_published_on",
    "kind": "document_kind",
}
REASON = "Imported from CSV"
# The second pass over the rows, after reading them: most of an import's time (the
# quote rule reads every quote's figures); its progress counts the rows again.
CHECKING = "checking each row's figure against its quote, and its names"


__all__ = ["ImportBusy", "ImportFailed", "assertions_import", "import_turn"]


NAMED_MEANWHILE = (
    "someone saved a topic or a source under a name this file creates, or a "
    "document at one of its URLs, while the file was being checked; nothing was "
    "written: import the file again, and its rows will name theirs"
)


class ImportFailed(Exception):
    """The file was refused; `errors` names every bad row. Nothing was written."""

    def __init__(self, errors: list[csvformat.RowError]):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


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
    *,
    data: bytes | str | BinaryIO,
    user=None,
    dry_run: bool = False,
    progress=None,
    job_id: int | None = None,
    wait: timedelta = timedelta(0),
):
    """Import the CSV `data` (bytes, text, or a binary file, read as it is parsed);
    return an ImportSummary or raise ImportFailed. While another import runs, wait
    up to `wait` for it to end, then raise ImportBusy; a preview (`dry_run`) writes
    nothing and takes no turn. `job_id` is the job running the import, recorded on
    the import lock.

    `progress`, if given, is called with the fields of a job's progress (phase,
    rows_checked, rows_total, rows_written) as the import goes
    (claims/jobs/tasks.py)."""
    report = progress or _silent
    report(phase="checking each row's values")
    # Each batch of rows read goes to other processes for the quote rule
    # (quotechecks.py), which answer while this one reads and checks the rest; and
    # its names are noted (_Names), so that no pass over the rows is needed for
    # them.
    quotes = QuoteChecks(processes=settings.CLAIMTRACKER_IMPORT_PROCESSES)
    names = _Names()

    def on_batch(first: int, batch: list, payload: bytes) -> None:
        quotes.add(first, batch, payload)
        names.add(batch)

    with fewer_collections(), quotes, Spool(on_batch=on_batch) as rows:
        # The row limit is applied while reading: past it the rest is never parsed.
        # The rows go to disk as they are read (spool.py): an import holds its
        # file's names, not its rows.
        reading = csvformat.read(
            data,
            source_kinds=SourceKind.values,
            progress=lambda count: report(rows_checked=count),
            max_rows=settings.CLAIMTRACKER_IMPORT_MAX_ROWS,
            rows=rows,
        )
        rows.flush()  # the last rows read: their names, and to the helpers
        return _checked_and_written(
            reading, names, user, dry_run, report, job_id, wait, quotes
        )


@contextmanager
def fewer_collections(after: int = COLLECT_AFTER):
    """Collect cyclic garbage less often inside the block: after `after` new
    objects rather than Python's 700; then as before.

    An import makes millions of objects, most of them freed as soon as they are
    used (the rows read, their figures, the COPY's values), and keeps a few
    hundred thousand for its length (the keys that find repeated rows, the
    claims' figures being derived). At 700, Python ran 2,400 collections during
    an import of 100,000 rows, each reading the objects kept, for 2.2 s of its
    15 s of CPU; at 20,000, 0.2 s, and its peak memory did not move (issue 26).
    Nothing is left uncollected: the collections come later, not never."""
    before = gc.get_threshold()
    gc.set_threshold(after, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


class _Names:
    """The names a file's rows give (topics, claims, sources, relays, documents'
    URLs and titles, each as it is matched) and the kinds they give each document,
    with the lines that give each kind: noted a batch at a time as the rows are
    read (the Spool's `on_batch`), not in a pass of their own over the spooled
    rows (issue 26)."""

    def __init__(self):
        self.topics: set[str] = set()
        self.claims: set[str] = set()
        self.sources: set[str] = set()
        self.relays: set[str] = set()
        self.urls: set[str] = set()
        self.titles: set[str] = set()
        self.documents: set[str] = set()
        self.kinds_given: dict[str, dict[str, list[int]]] = {}

    def add(self, rows: list[csvformat.Row]) -> None:
        """Note the names of `rows`, the next rows of the file in its order."""
        topics, claims, sources = self.topics, self.claims, self.sources
        for row in rows:
            topics.add(name_key(row.topic))
            claims.add(name_key(row.claim))
            sources.add(name_key(row.source))
            if row.relayed_by:
                self.relays.add(name_key(row.relayed_by))
            if row.document_url:
                self.urls.add(row.document_url)
            if row.document_title:
                self.titles.add(row.document_title.lower())
            if row.document_url or row.document_title:
                self.documents.add(_document_key(row))
            if row.document_kind:
                lines = self.kinds_given.setdefault(_document_key(row), {})
                lines.setdefault(row.document_kind, []).append(row.line)


def _document_key(row) -> str:
    return row.document_url or row.document_title.lower()


def _checked_and_written(reading, names, user, dry_run, report, job_id, wait, quotes):
    read = len(reading.rows) + len(reading.errors)
    report(rows_checked=read, rows_total=read)
    if reading.errors:
        raise ImportFailed(reading.errors)
    summary = ImportSummary(rows=len(reading.rows), dry_run=dry_run)
    if dry_run:
        # The preview checks every row with the import's rules and counts what it
        # would write, in memory: it writes nothing, so it needs no turn and no
        # transaction.
        report(phase=CHECKING, rows_checked=0)
        _Importer(reading.rows, names, summary, user, report, quotes).run()
        return summary
    report(phase="waiting for its turn (imports run one at a time)")
    with import_turn(user, job_id=job_id, wait=wait):
        report(rows_checked=0)
        phase = CHECKING
        if connection.vendor == "sqlite":
            phase += (
                ", then writing: one transaction, whose progress SQLite shows "
                "when it ends"
            )
        report(phase=phase)
        with transaction.atomic():
            _Importer(reading.rows, names, summary, user, report, quotes).run()
    return summary


class _Importer:
    def __init__(
        self,
        rows: Spool,
        names: _Names,
        summary: ImportSummary,
        user,
        report=_silent,
        quotes: QuoteChecks | None = None,
    ):
        self.rows, self.summary, self.user = rows, summary, user
        self.named = {
            "topics": names.topics,
            "claims": names.claims,
            "sources": names.sources,
            "relays": names.relays,
            "urls": names.urls,
            "titles": names.titles,
            "documents": names.documents,
        }
        self.kinds_given = names.kinds_given
        self.report = report
        self.quotes = quotes
        self.errors: list[csvformat.RowError] = []
        self.today = timezone.localdate()

    def run(self) -> None:
        self._load_existing()
        self._check_document_kinds()
        # One pass over the rows finds or makes each row's source, in the file's
        # order, and checks the row (issue 26: sources had a pass of their own, so
        # that a relay could name a source that a later row introduces; such a
        # relay is now checked once the pass is over, _check_relays_ahead). The
        # import notes which rows it writes (1) or not (0: already recorded, or
        # repeated), by their place in the file, and finds their parents again when
        # it writes them. The preview, which writes nothing, applies the one
        # normaliser to each row to write as it checks it, a batch at a time, in
        # the same pass (issue 26: a pass of its own read every row back again).
        self.written = bytearray()
        self.relays_ahead: list[tuple[int, str]] = []
        dry_run = self.summary.dry_run
        planned, pending = 0, []
        for count, row in enumerate(self.rows, start=1):
            source = self._source(row)
            plan = self._plan(row, source, count - 1)
            if not dry_run:
                self.written.append(plan is not None)
            elif plan is not None:
                planned += 1
                if not self.errors:  # a refused file is not normalised
                    pending.append(plan)
                    if len(pending) >= NORMALISED:
                        self._normalise(pending)
                        pending = []
            if count % 1000 == 0:
                self.report(rows_checked=count)
        self.report(rows_checked=len(self.rows))
        self._check_relays_ahead()
        if pending and not self.errors:
            self._normalise(pending)
        if self.quotes is not None:
            self.quotes.close()  # its helpers end with the checks, before the write
        # The keys that found repeated and recorded rows served the checks only: a
        # key for each row of the file, let go before the write and derive, where
        # a worker's memory peaks (issue 26).
        self.seen, self.present, self.retractions = set(), set(), set()
        if self.errors:
            # In the file's order, as the reader names them: a row's source, its
            # document's kind and its relay are checked apart from its other values.
            self.errors.sort(key=attrgetter("line"))
            raise ImportFailed(self.errors)
        self.summary.readings = self.rows.head[:PREVIEW_ROWS]
        self.summary.new_names = {
            "claims": [claim.title for claim in self.new_claims.values()],
            "sources": [source.name for source in self.new_sources.values()],
        }
        self._count_parents()
        if dry_run:
            self.summary.created["assertions"] = planned
            return
        self.report(phase="writing topics, claims, sources and documents")
        try:
            with transaction.atomic():
                self._create_parents()
        except (IntegrityError, psycopg.IntegrityError) as error:  # COPY's, raw
            # Another writer saved one of the names this file creates, after the
            # check found none: nothing of the file is written.
            raise ImportFailed([csvformat.RowError(1, "", NAMED_MEANWHILE)]) from error
        self._create_assertions(self._plans())

    # Resolution, before any write.

    def _load_existing(self) -> None:
        # Sources are found as SourceQuerySet.matching finds them (sources/names.py,
        # name_key), by name or alias, for the whole file at once.
        topic_names, claim_titles = self.named["topics"], self.named["claims"]
        source_names = self.named["sources"] | self.named["relays"]
        self.topics = {
            name_key(t.name): t
            for t in Topic.objects.all()
            if name_key(t.name) in topic_names
        }
        self.claims = {
            name_key(c.title): c
            for c in Claim.objects.current().only("pk", "title", "unit", "slug")
            if name_key(c.title) in claim_titles
        }
        # A merged claim's title names the claim it was merged into: the same
        # object as that claim's own title, when the file names both.
        by_pk = {claim.pk: claim for claim in self.claims.values()}
        for merged in Claim.objects.filter(merged_into__isnull=False).select_related(
            "merged_into"
        ):
            if name_key(merged.title) in claim_titles:
                into = by_pk.setdefault(merged.merged_into_id, merged.merged_into)
                self.claims.setdefault(name_key(merged.title), into)
        self.sources = {}
        # One object for each recorded source, whether a row names it by its name
        # or by an alias: a row relayed by its own source under another name is
        # refused by comparing the two (_plan).
        recorded = {}
        for source in Source.objects.current().only("pk", "name", "slug"):
            recorded[source.pk] = source
            if name_key(source.name) in source_names:
                self.sources[name_key(source.name)] = source
        for alias in SourceAlias.objects.select_related("source"):
            if name_key(alias.name) in source_names:
                self.sources.setdefault(
                    name_key(alias.name), recorded.get(alias.source_id, alias.source)
                )
        urls, titles = self.named["urls"], self.named["titles"]
        self.documents_by_url = {
            d.url: d for d in Document.objects.filter(url__in=urls) if d.url
        }
        self.documents_by_title = {}
        fields = ("pk", "title", "text", "published_on", "kind")
        for document in Document.objects.filter(url="").only(*fields):
            if document.title.lower() in titles:
                self.documents_by_title.setdefault(document.title.lower(), document)
        claim_ids = [c.pk for c in self.claims.values()]
        existing = Assertion.objects.not_retracted().filter(claim__in=claim_ids)
        self.present = set(
            existing.values_list("claim_id", "source_id", "stated_on", "figure")
        )
        # A retraction already on record is known by its statement and its reason
        # (a figure may be retracted more than once, each time for its reason).
        self.retractions = set(
            Assertion.objects.retracted()
            .filter(claim__in=claim_ids)
            .values_list(
                "claim_id", "source_id", "stated_on", "figure", "retraction_reason"
            )
        )
        self.may_set_aside = self.user is None or self.user.has_perm(
            "claims.judge_discrepancy"
        )
        self.seen: set[tuple] = set()
        self.claims_written: dict[int, Claim] = {}
        self.new_topics: dict[str, Topic] = {}
        self.new_claims: dict[str, Claim] = {}
        self.new_sources: dict[str, Source] = {}
        self.new_documents: dict[str, Document] = {}
        # The line of the row that made each new claim, source and document (by
        # id()), named when a later row gives it other values.
        self.first_line: dict[int, int] = {}
        self.titled: set[str] = set()  # new documents whose first row titled them
        # The recorded parents the rows name, each once however they name it (an
        # alias, a merged claim's title): "already present" counts these.
        self.found: dict[str, set[int]] = {"topics": set(), "claims": set(),
                                           "sources": set()}  # fmt: skip

    def _check_document_kinds(self) -> None:
        """Refuse rows that give one document two kinds (naming their lines), or a
        kind other than the one on record; note each new document's kind."""
        self.document_kinds: dict[str, str] = {}
        for key, kinds in self.kinds_given.items():
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

    def _validated(self, row, obj, columns: dict[str, str]):
        """Check a new parent row with its model's rules, as its owner's service
        will before writing it, and name the line and column of any problem."""
        try:
            obj.full_clean(
                exclude=[f.name for f in obj._meta.fields if f.name not in columns],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self._fail(row, columns.get(name, name), message)
        return obj

    def _topic(self, row) -> Topic:
        """Return the topic `row` names, recorded or new in this file (made now)."""
        key = name_key(row.topic)
        topic = self.topics.get(key)
        if topic is not None:
            self.found["topics"].add(topic.pk)
            return topic
        topic = self.new_topics.get(key)
        if topic is None:
            topic = self._validated(row, Topic(name=row.topic), TOPIC_COLUMNS)
            self.new_topics[key] = topic
        return topic

    def _plan(self, row: csvformat.Row, source: Source | None, place: int):
        # A recorded claim keeps its topic: the row's is neither read nor made.
        claim = self._found_claim(row.claim)
        # Each key read once: the row's checks ask for them several times.
        claim_pk = claim.pk if claim is not None else None
        if claim is None:
            claim = Claim(title=row.claim, unit=row.unit, topic=self._topic(row))
            self.new_claims[name_key(row.claim)] = self._validated(
                row, claim, CLAIM_COLUMNS
            )
            self.first_line[id(claim)] = row.line
        elif claim_pk is None:
            if self._topic(row) is not claim.topic:
                self._fail(
                    row,
                    "topic",
                    f"line {self.first_line[id(claim)]:,} puts the new claim "
                    f"“{claim.title}” in “{claim.topic.name}”: a claim has one topic",
                )
        else:
            self.found["claims"].add(claim_pk)
        if claim.unit != row.unit:
            counted = f"“{row.claim}” is counted in {claim.unit}, not {row.unit}"
            self._fail(row, "unit", counted)
        relay = None
        if row.relayed_by:
            relay = self._found_source(row.relayed_by)
            if relay is None:
                # Perhaps a source that a later row introduces: known at the end.
                self.relays_ahead.append((row.line, row.relayed_by))
            elif relay is source:
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
            figure=row.figure.text,
            translations=[row.translation] if row.translation else [],
            quote_match_confirmed=row.quote_match_confirmed,
            reading=row.figure,
            figure_problem=self.quotes.problem(place) if self.quotes else None,
        )
        problems |= rules.date_problems(
            "document_published_on", row.document_published_on, today=self.today
        )
        for name, message in problems.items():
            self._fail(row, name, message)
        if row.set_aside_reason and not self.may_set_aside:
            self._fail(
                row,
                "set_aside_reason",
                "only editors set figures aside: ask an editor to import this "
                "file, or empty the column",
            )
        if source is None:
            return None
        source_pk = source.pk
        key = (claim_pk, source_pk, row.stated_on, row.figure.text)
        # The claim and source the row names, not their names: a merged claim's old
        # title and the title of the claim it joined are one claim.
        file_key = (
            claim_pk or id(claim),
            name_key(source.name),
            row.stated_on,
            row.figure.text,
        )
        recorded = claim_pk and source_pk
        if row.status == csvformat.RETRACTED:
            # A retraction is a row of its own: present when the same retraction
            # is (beside the same figure published again, as a merge leaves it);
            # the same figure still published and never so retracted stays as it
            # is (an import only adds figures: retract it on its page).
            key += (row.retraction_reason,)
            file_key += (csvformat.RETRACTED, row.retraction_reason)
            present = recorded and key in self.retractions
            if not present and recorded and key[:4] in self.present:
                self._fail(
                    row,
                    "status",
                    "this figure is recorded as published; an import only adds "
                    "figures: retract it on its page in the admin",
                )
                return None
        else:
            present = recorded and key in self.present
        if present or file_key in self.seen:
            self.summary.skipped["assertions"] += 1
            return None
        self.seen.add(file_key)
        self.claims_written[id(claim)] = claim
        return row, claim, source, relay, document

    def _check_relays_ahead(self) -> None:
        """Refuse the relays that named no source when their row was checked and
        name none now that every row's source is known. (Such a relay is not its
        own row's source: that source was known when its row was checked.)"""
        for line, name in self.relays_ahead:
            if self._found_source(name) is None:
                self.errors.append(
                    csvformat.RowError(
                        line, "relayed_by", f"no source named “{name}”; add it first"
                    )
                )
        self.relays_ahead = []

    def _plans(self):
        """Yield the plan of each row to write, its parents found again by name:
        each was found or made when the row was checked (_plan)."""
        for row, written in zip(self.rows, self.written, strict=True):
            if not written:
                continue
            source = self._found_source(row.source)
            relay = self._found_source(row.relayed_by) if row.relayed_by else None
            claim = self._found_claim(row.claim)
            yield row, claim, source, relay, self._document(row)

    def _found_claim(self, title: str) -> Claim | None:
        """Return the claim `title` names (a merged one's: the claim it joined),
        recorded or new in this file."""
        return self.claims.get(name_key(title)) or self.new_claims.get(name_key(title))

    def _found_source(self, name: str) -> Source | None:
        """Return the source `name` names, recorded or new in this file."""
        return self.sources.get(name_key(name)) or self.new_sources.get(name_key(name))

    def _source(self, row):
        """Return the source of `row`, recorded, made by an earlier row, or made now
        from its name, kind and reliability (None when it is new and has no kind).
        Rows that give one new source two kinds or two grades are refused."""
        found = self._found_source(row.source)
        if found is not None and found.pk is not None:
            self.found["sources"].add(found.pk)
        elif found is not None:
            first = self.first_line[id(found)]
            for column, what, given, made in (
                ("source_kind", "kind", row.source_kind, found.kind),
                ("reliability", "grade", row.reliability, found.reliability or ""),
            ):
                if given and given != made:
                    self._fail(
                        row,
                        column,
                        f"line {first:,} gives the new source “{found.name}” "
                        + (f"the {what} {made}" if made else f"no {what}")
                        + f", this row {given}: a source has one {what}",
                    )
        if found is not None:
            return found
        if not row.source_kind:
            message = f"“{row.source}” is a new source: give its source_kind"
            self._fail(row, "source_kind", message)
            return None
        source = Source(
            name=row.source, kind=row.source_kind, reliability=row.reliability or None
        )
        source.name_matched = True  # by name_key, against every source (_load_existing)
        self.first_line[id(source)] = row.line
        self.new_sources[name_key(row.source)] = self._validated(
            row, source, SOURCE_COLUMNS
        )
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
            self.new_documents[key] = self._validated(row, document, DOCUMENT_COLUMNS)
            self.first_line[id(document)] = row.line
            if row.document_title:
                self.titled.add(key)  # not titled with its URL
        else:
            self._check_document_agrees(row, document, key)
        return document

    def _check_document_agrees(self, row, document, key: str) -> None:
        """Refuse a row that gives its document another date than the record or an
        earlier row, or, for a document new in this file, another title: the first
        won silently, and a figure was checked against a date its row never gave."""
        first = self.first_line.get(id(document))
        where = f"line {first:,}" if first else "the record"
        given = row.document_published_on
        if given is not None and document.published_on is None:
            # The row's date would be dropped, and its figure not checked by it.
            self._fail(
                row,
                "document_published_on",
                f"{where} gives the document “{document.title}” no date; this row "
                f"gives {given.isoformat()}: a document has one date (give it on "
                "each of its rows, or date a recorded one in the admin first)",
            )
        elif given is not None and document.published_on != given:
            self._fail(
                row,
                "document_published_on",
                f"{where} dates the document “{document.title}” "
                f"{document.published_on.isoformat()}; this row gives "
                f"{given.isoformat()}: a document has one date",
            )
        if first and row.document_url and row.document_title and key in self.titled:
            if row.document_title != document.title:
                self._fail(
                    row,
                    "document_title",
                    f"line {first:,} titles the document at this URL "
                    f"“{document.title}”: a document has one title",
                )

    # Writes, once every row is known to be good.

    def _count_parents(self) -> None:
        created = self.summary.created
        skipped = self.summary.skipped
        for kind in ("topics", "claims", "sources"):
            skipped[kind] = len(self.found[kind])
        created.update(
            topics=len(self.new_topics),
            claims=len(self.new_claims),
            sources=len(self.new_sources),
            documents=len(self.new_documents),
        )
        skipped["documents"] = len(self.named["documents"]) - len(self.new_documents)

    def _create_parents(self) -> None:
        # Each owner's bulk service validates and writes its rows, with the
        # importing user in their history.
        user, reason = self.user, REASON
        _unique_slugs(self.new_topics.values(), Topic, "name")
        services.topics_bulk_create(
            topics=list(self.new_topics.values()), user=user, reason=reason
        )
        _unique_slugs(self.new_claims.values(), Claim, "title")
        services.claims_bulk_create(
            claims=list(self.new_claims.values()), user=user, reason=reason
        )
        _unique_slugs(self.new_sources.values(), Source, "name")
        source_services.sources_bulk_create(
            sources=list(self.new_sources.values()), user=user, reason=reason
        )
        source_services.documents_bulk_create(
            documents=list(self.new_documents.values()), user=user, reason=reason
        )

    def _assertions(self, plans) -> tuple[list[SimpleNamespace], list]:
        """Return the new assertions of `plans`, normalised, and the (row, assertion)
        pairs that carry a translation. Each is a plain row of its fields' values,
        which the bulk service writes as an Assertion (issue 26: building 100,000
        model rows only to read their values back was a tenth of an import)."""
        now = timezone.now()
        user_id = getattr(self.user, "pk", None)
        assertions = []
        translated = []
        for row, claim, source, relay, document in plans:
            parsed = row.figure
            overridden = row.is_overridden
            retracted = row.status == csvformat.RETRACTED
            assertion = SimpleNamespace(
                claim=claim,
                claim_id=claim.pk,
                source=source,
                source_id=source.pk,
                relayed_by=relay,
                relayed_by_id=relay.pk if relay is not None else None,
                document=document,
                document_id=document.pk if document is not None else None,
                stated_on=row.stated_on,
                date_precision=row.date_precision,
                figure=parsed.text,
                kind=row.kind if overridden else None,
                low=row.low if overridden else None,
                high=row.high if overridden else None,
                is_overridden=overridden,
                quote=row.quote,
                quote_language=row.quote_language,
                locator=row.locator,
                quote_match_confirmed=row.quote_match_confirmed,
                status=row.status,
                retraction_reason=row.retraction_reason,
                retracted_at=(row.retracted_at or now) if retracted else None,
                set_aside_reason=row.set_aside_reason,
                set_aside_at=(
                    (row.set_aside_at or now) if row.set_aside_reason else None
                ),
                set_aside_by_id=user_id if row.set_aside_reason else None,
                created_by_id=user_id,
                created_at=now,
                updated_at=now,
                parsed=parsed,  # read once, by the CSV reader
            )
            if row.credibility:
                assertion.credibility = row.credibility
            assertions.append(assertion)
            if row.translation:
                translated.append((row, assertion))
        # The one normaliser, as for a row saved alone (claims/domain/rules.py).
        services.assertions_normalise(assertions)
        return assertions, translated

    def _batches(self, plans, translated: list):
        """Yield the new assertions a batch at a time, each built and normalised
        only when it is written, so that an import holds one batch of model rows,
        not one per line of its file (issue 26: a worker's memory). The pairs that
        carry a translation are added to `translated`."""
        plans = iter(plans)
        while batch := list(itertools.islice(plans, BATCH)):
            assertions, pairs = self._assertions(batch)
            translated.extend(pairs)
            yield assertions

    def _normalise(self, plans: list) -> None:
        """Apply the one normaliser to the rows of `plans`, rows the write would
        add, as the write does (what it would check besides the rules). A preview
        builds no model rows for it: the normaliser reads only these values, and
        building 100,000 assertions was a fifth of a preview."""
        services.assertions_normalise(
            [
                SimpleNamespace(
                    figure=row.figure.text,
                    is_overridden=row.is_overridden,
                    stated_on=row.stated_on,
                    date_precision=row.date_precision,
                    quote=row.quote,
                    document=document,
                    parsed=row.figure,
                )
                for row, _claim, _source, _relay, document in plans
            ]
        )

    def _create_assertions(self, plans) -> None:
        now = timezone.now()
        translated: list = []
        self.report(phase="writing assertions")
        written = services.assertions_bulk_create(
            assertions=self._batches(plans, translated),
            claim_ids={claim.pk for claim in self.claims_written.values()},
            user=self.user,
            reason=REASON,
            on_batch=lambda written: self.report(rows_written=written),
            before_derive=lambda: self.report(
                phase="refreshing summaries and detecting discrepancies"
            ),
        )
        services.translations_bulk_create(
            translations=[
                Translation(
                    assertion_id=assertion.pk,
                    language=row.translation_language,
                    text=row.translation,
                    method=row.translation_method,
                    translated_by=row.translated_by,
                    translated_at=now,
                )
                for row, assertion in translated
            ],
            claim_ids={assertion.claim_id for _row, assertion in translated},
        )
        self.summary.created["assertions"] = written


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
