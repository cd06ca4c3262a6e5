"""What follows a write, derived in one place.

Every service ends by handing `apply` a `Change`: a description of the rows it wrote
(claims, assertions, judgements, topics, sources, documents, translations). `apply`
alone decides what follows, inside the write's transaction:

- the claims whose figures, threshold or judgements changed are derived again
  (`claims_derive`): summaries, discrepancies and their flags, and the stamp;
- the claims whose pages show a changed topic, source, document or translation are
  stamped (`claims_mark_changed`).

Before a document is saved, `document_dependents_problems` checks its figures
against its new values (sources/services.py asks through `checking`): a change that
would break them is refused, naming them, and nothing is written.

- `claims_derive` runs inside the write's transaction. It locks the claims' rows
  first, so that two writers to one claim take turns (on PostgreSQL the second waits
  for the first to commit, then sees its figure); then it recomputes each claim's
  stored summary (claims/domain/divergence.py), brings its discrepancy in line with the
  widest conflict, records the words of its published quotes for the search's
  spelling suggestions (QuoteWord), and stamps the claim changed.
- `claims_mark_changed` stamps claims whose pages show an edit that changes no
  figure: a source's name, a document's title, a topic, an editor's judgement.

The stamp is `Claim.updated_at`. Reader pages are cached under keys that contain it
(claims/reader/caching.py), so a new stamp is the invalidation: readers start missing
the old copies at the moment the transaction commits, and never before, so no reader
can cache a page that a rolled-back write changed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from claims import selectors
from claims.domain import dates, divergence, rules, spelling
from claims.models import (
    CLAIM_SUMMARY_FIELDS,
    Assertion,
    Claim,
    Discrepancy,
    QuoteWord,
)


@dataclass(frozen=True)
class Change:
    """What a write touched, by kind of row, as ids. A service describes; `apply`
    decides what follows.

    - `claims`: claims whose own row, assertions or discrepancies were written
      (their figures, threshold or judgements may have changed);
    - `topics`, `sources`, `documents`: rows that claim pages show by name, title
      or text (a source's aliases and a document's files count as the source and
      the document);
    - `shown`: claims whose page shows a written row that changes no figure (a
      translation of a quote);
    - `unseen`: claims whose write no reader page shows and nothing derives from:
      a discrepancy given to an editor, a figure marked for researchers'
      attention, claims an import inserts before their figures, a claim with no
      figures deleted (no reader page showed it: only claims with a figure are,
      claims/models.py `visible`). A topic with no claims, deleted, is on no
      claim's page: its service hands over an empty `Change`. They are named so
      that every write hands over a `Change` (tests/test_architecture.py), and so
      that the decision that nothing follows is taken here.

    No reader page can go stale through a deletion: the site stamp is the newest
    stamp of the claims left (claims/http_cache.py), and only claims no reader saw
    can be deleted, so the pages cached under an earlier stamp showed what they
    show now."""

    claims: frozenset[int] = frozenset()
    topics: frozenset[int] = frozenset()
    sources: frozenset[int] = frozenset()
    documents: frozenset[int] = frozenset()
    shown: frozenset[int] = frozenset()
    unseen: frozenset[int] = frozenset()

    @classmethod
    def of(cls, **ids) -> Change:
        return cls(**{name: frozenset(set(v) - {None}) for name, v in ids.items()})


def apply(change: Change) -> Detection:
    """Derive what follows `change`, inside the caller's transaction: derive its
    claims again and stamp every claim whose page shows what it touched."""
    detection = claims_derive(claim_ids=change.claims)
    shown = Q(pk__in=change.shown)
    if change.topics:
        shown |= Q(topic__in=change.topics)
    if change.sources:
        shown |= Q(assertions__source__in=change.sources)
        shown |= Q(assertions__relayed_by__in=change.sources)
        shown |= Q(assertions__document__publisher__in=change.sources)
    if change.documents:
        shown |= Q(assertions__document__in=change.documents)
    if change.shown or change.topics or change.sources or change.documents:
        claims_mark_changed(
            claims=Claim.objects.filter(shown).exclude(pk__in=change.claims)
        )
    return detection


def document_dependents_problems(document) -> dict[str, list[str]]:
    """Return the errors, by the document's field, that saving `document` with its
    present values would cause in the figures it reports (not retracted ones'
    evidence, dates and quotes, per claims/domain/rules.py); empty if none.

    Each message counts and names the figures, so that a researcher can fix them
    first: "This document has 3 figures (3 quoted); as a data set it would break
    3: …"."""
    if document.pk is None:
        return {}
    figures = list(
        Assertion.objects.not_retracted()
        .filter(document_id=document.pk)
        .select_related("source")
        .order_by("stated_on", "pk")
    )
    stored = type(document).objects.filter(pk=document.pk).first()
    broken: dict[str, list[tuple[Assertion, str]]] = defaultdict(list)
    for assertion in figures:
        before = _figure_problems(assertion, stored) if stored is not None else {}
        evidence = rules.evidence_problems(
            document_kind=document.kind,
            quote=assertion.quote,
            locator=assertion.locator,
        )
        for name, message in _figure_problems(assertion, document).items():
            if before.get(name) == message:
                continue  # not this change's doing: left for researchers
            field = (
                "kind"
                if evidence.get(name) == message
                else {"quote": "text", "stated_on": "published_on"}.get(name, "__all__")
            )
            broken[field].append((assertion, message))
    return {
        field: [_dependents_message(document, field, rows, len(figures))]
        for field, rows in broken.items()
    }


def _figure_problems(assertion, document) -> dict:
    return rules.assertion_problems(
        stated_on=assertion.stated_on,
        published_on=document.published_on,
        quote=assertion.quote,
        document_text=document.text,
        source_id=None,
        relayed_by_id=None,
        today=timezone.localdate(),
        document_kind=document.kind,
        locator=assertion.locator,
        quote_language=assertion.quote_language,
    )


def _day(row) -> str:
    """Return an assertion's (or a point's) date as pages write it: 5 Nov 2024."""
    precision = getattr(row, "date_precision", dates.DAY)
    return dates.StatedDate(row.stated_on, precision).label()


def _dependents_message(document, field, rows, total) -> str:
    names = "; ".join(f"“{a.figure}” ({a.source}, {_day(a)})" for a, _ in rows[:10])
    more = f"; and {len(rows) - 10} more" if len(rows) > 10 else ""
    count = f"{total} figure{'s' if total != 1 else ''}"
    if field == "kind":
        quoted = sum(1 for a, _ in rows if a.quote.strip())
        return (
            f"This document has {count} ({quoted} quoted); as "
            f"{document.get_kind_display().lower()} it would break {len(rows)} of "
            f"them. {rows[0][1]} Figures: {names}{more}. Give each the evidence "
            "first, or keep the kind."
        )
    if field == "text":
        return (
            f"The new text no longer holds the quotes of {len(rows)} of this "
            f"document's {count}: {names}{more}. Keep the passages they quote."
        )
    if field == "published_on":
        return (
            f"{len(rows)} of this document's {count} would be stated after it was "
            f"published: {names}{more}. Correct their dates first, or keep the date."
        )
    return (
        f"{len(rows)} of this document's {count} would no longer hold: "
        f"{rows[0][1]} Figures: {names}{more}."
    )


def claims_lock(*, claim_ids) -> dict[int, int]:
    """Lock the claims' rows until the transaction ends, in id order (so that two
    writers locking overlapping claims cannot deadlock). SQLite locks the whole
    database for a write transaction instead (settings: IMMEDIATE), so the lock is
    a no-op there. Return the merged ones among them, each with the id of the
    claim it was merged into."""
    ids = sorted(set(claim_ids) - {None})
    if not ids:
        return {}
    rows = (
        Claim.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", "merged_into_id")
    )
    return {pk: into for pk, into in rows if into is not None}


def claims_derive(*, claim_ids) -> Detection:
    """Recompute the summaries and discrepancies of claims and stamp them changed,
    a batch at a time, inside the caller's transaction."""
    ids = sorted(set(claim_ids) - {None})
    result = Detection()
    for batch in _batches(ids):
        result.add(_refresh_batch(batch))
    return result


def _batches(ids: list[int]) -> list[list[int]]:
    """Return the claims in batches of at most REFRESH_BATCH claims and, by their
    published figures, about REFRESH_ROWS of them: a batch's figures and quotes are
    held at once. A few claims (a save's) make one batch without asking."""
    if len(ids) <= REFRESH_SMALL:
        return [ids] if ids else []
    # Counted from their figures, not the claims' stored counts: an import's new
    # claims hold 0 until derived, so 500 of them made one batch (a 200 MB file:
    # 100,000 figures and their quotes at once, 750 MB).
    counts = dict(
        Assertion.objects.published()
        .filter(claim_id__in=ids)
        .order_by()
        .values_list("claim_id")
        .annotate(figures=Count("pk"))
    )
    batches, batch, rows = [], [], 0
    for pk in ids:
        size = counts.get(pk, 0)
        if batch and (len(batch) >= REFRESH_BATCH or rows + size > REFRESH_ROWS):
            batches.append(batch)
            batch, rows = [], 0
        batch.append(pk)
        rows += size
    return [*batches, batch] if batch else batches


def claims_mark_changed(*, claim_ids=None, claims=None) -> None:
    """Stamp claims changed (ids, or a queryset) so that no cached page of theirs is
    served: for edits that show on claim pages without changing any figure."""
    rows = Claim.objects.all()
    if claims is not None:
        rows = rows.filter(pk__in=claims.values("pk"))
    else:
        rows = rows.filter(pk__in=set(claim_ids or ()))
    rows.update(updated_at=timezone.now())


@dataclass
class Detection:
    """What discrepancy detection changed: lines naming each discrepancy."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)

    def add(self, other: Detection) -> None:
        self.created += other.created
        self.updated += other.updated
        self.closed += other.closed


# Claims derived together, and about how many figures: a batch's figures and
# distinct quotes are held at once (a 200 MB import's 1,000 claims of 200 figures
# with long quotes took 775 MB to derive 500 claims at a time; issue 26).
REFRESH_BATCH, REFRESH_ROWS, REFRESH_SMALL = 500, 10_000, 25


@transaction.atomic
def _refresh_batch(claim_ids: list[int]) -> Detection:
    """Bring the claims' summary fields and discrepancies in line with their published
    assertions, from one query for all of them. Idempotent."""
    claims = {
        c.pk: c
        for c in Claim.objects.select_for_update()
        .filter(pk__in=claim_ids)
        .order_by("pk")
        .only("pk", "title", "discrepancy_ratio", *CLAIM_SUMMARY_FIELDS)
    }
    points: dict[int, list[divergence.Point]] = defaultdict(list)
    names: dict[int, str] = {}
    rows = (
        Assertion.objects.published()
        .filter(claim_id__in=claim_ids)
        .order_by()
        .values_list(*selectors.POINT_FIELDS, "quote", named=True)
        # Read as they come, not held whole: an import's claims may hold long quotes.
        .iterator(chunk_size=2000)
    )
    quotes: set[str] = set()  # quotes repeat (a figure relayed, restated)
    for row in rows:
        names[row.source_id] = row.source__name
        points[row.claim_id].append(selectors.point_from_values(row))
        quotes.add(row.quote)
    words = spelling.words_of_all(quotes)
    on_record: dict[int, list[Discrepancy]] = defaultdict(list)
    for d in (
        Discrepancy.objects.live()
        .select_for_update(of=("self",))
        # A superseded one's reason names its figures and their sources: read
        # with it, not a query each (issue 26: an import's claims supersede
        # hundreds).
        .select_related("assertion_low__source", "assertion_high__source")
        .filter(claim_id__in=claim_ids)
    ):
        on_record[d.claim_id].append(d)
    result, created, moved = Detection(), [], []
    changed: list[Discrepancy] = []  # superseded, or their pair's reading moved
    for claim_id, claim in claims.items():
        claim_points = points[claim_id]
        standing = on_record[claim_id]
        summary = divergence.summarise(
            claim_points,
            judged=selectors.judgement_map(standing, editors=False),
            threshold=claim.effective_discrepancy_ratio,
            history=False,  # the stored summary holds no evolution or revision
        )
        stored = [getattr(claim, name) for name in CLAIM_SUMMARY_FIELDS]
        claim.assertion_count = len(claim_points)
        claim.source_count = summary.source_count
        claim.first_stated_on = summary.first_stated_on
        claim.latest_stated_on = summary.latest_stated_on
        # Internal sort keys only: pages show the stated figures
        # (claims/domain/wording.py).
        claim.current_low = summary.lowest.low if summary.lowest else None
        claim.current_high = summary.highest.high if summary.highest else None
        claim.spread_ratio = summary.spread_ratio
        claim.apart = summary.is_apart
        claim.list_row = selectors.list_row(claim_points, summary).stored
        if stored != [getattr(claim, name) for name in CLAIM_SUMMARY_FIELDS]:
            moved.append(claim)
        _retire_judged(claim, standing, summary, claim_points, names, result, changed)
        pending = next((d for d in standing if d.is_pending), None)
        new = _detect(
            claim, pending, summary.open_conflict, claim_points, names, result, changed
        )
        if new is not None:
            created.append(new)
    # Every claim is stamped (cached pages are keyed on the stamp); only the
    # summaries that moved are written.
    Claim.objects.filter(pk__in=list(claims)).update(updated_at=timezone.now())
    _summaries_write(moved)
    quote_words_record(words=words)
    # Before the new ones: a claim's pending discrepancy makes way for its next.
    Discrepancy.save_changed(changed)
    if created:
        # Derived here, not typed in: the database's named constraints guard these
        # rows, where full_clean would cost a query per constraint on every claim.
        bulk_create_with_history(created, Discrepancy, default_change_reason="Detected")
    return result


def _summaries_write(claims: list[Claim]) -> None:
    """Write the claims' summary fields: one parameterised UPDATE a claim, sent as
    one batch (executemany), the same statement on SQLite and PostgreSQL. Django's
    `bulk_update` builds a CASE of every row for every field, and a full detection
    at 1.2 million figures spent three quarters of its time building them. The
    summary fields have no history (claims/models.py), so nothing else is owed."""
    if not claims:
        return
    fields = [Claim._meta.get_field(name) for name in CLAIM_SUMMARY_FIELDS]
    quote = connection.ops.quote_name
    statement = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(Claim._meta.db_table),
        ", ".join(f"{quote(f.column)} = %s" for f in fields),
        quote(Claim._meta.pk.column),
    )
    rows = [
        [f.get_db_prep_save(getattr(claim, f.attname), connection) for f in fields]
        + [claim.pk]
        for claim in claims
    ]
    with connection.cursor() as cursor:
        cursor.executemany(statement, rows)


WORDS_READ = 900  # words looked up in one query (under SQLite's 999 parameters)


def quote_words_record(*, words: set[str]) -> None:
    """Record the words of published quotes that are not recorded yet, for the
    search's spelling suggestions; a word stays once recorded. Looked up, then
    inserted, without a unique constraint: two writes recording one new word at
    once never wait for each other (on a unique index the second would wait for
    the first to commit, and could deadlock with the claims' locks), and record it
    twice at worst, which the search reads as one."""
    words = sorted(words)
    for start in range(0, len(words), WORDS_READ):
        chunk = words[start : start + WORDS_READ]
        known = set(
            QuoteWord.objects.filter(word__in=chunk).values_list("word", flat=True)
        )
        QuoteWord.objects.bulk_create(
            [QuoteWord(word=w) for w in chunk if w not in known]
        )


def _detect(
    claim, live, conflict, points, names, result, changed
) -> Discrepancy | None:
    """Update or supersede the claim's pending discrepancy (`live`) to match
    `conflict`, the summary's open discrepancy; return a new, unsaved discrepancy
    when one must open. A discrepancy changed is added to `changed`, to save."""

    def describe(low, high, ratio, since) -> str:
        return (
            f"{claim}: “{low.figure}” ({names[low.source_id]}) vs “{high.figure}” "
            f"({names[high.source_id]}), {ratio}× since {since}"
        )

    if (
        live is not None
        and conflict is not None
        and (
            (live.assertion_low_id, live.assertion_high_id)
            == (conflict.low.id, conflict.high.id)
        )
    ):
        # The pair is unchanged, but a figure's reading may be (a kind overridden
        # to a range with the same bounds is no longer a vague term): every derived
        # field follows the conflict, the flag included.
        now = (conflict.ratio, conflict.arose_on, conflict.is_vague)
        if (live.spread_ratio, live.arose_on, live.involves_vague_term) != now:
            live.spread_ratio, live.arose_on, live.involves_vague_term = now
            live._change_reason = f"Spread now {conflict.ratio}×"
            changed.append(live)
            result.updated.append(
                describe(conflict.low, conflict.high, conflict.ratio, conflict.arose_on)
            )
        return None
    if live is not None:
        _supersede(claim, live, points, conflict, names, result, changed)
    if conflict is None:
        return None
    result.created.append(
        describe(conflict.low, conflict.high, conflict.ratio, conflict.arose_on)
    )
    return Discrepancy(
        claim=claim,
        assertion_low_id=conflict.low.id,
        assertion_high_id=conflict.high.id,
        spread_ratio=conflict.ratio,
        involves_vague_term=conflict.is_vague,
        arose_on=conflict.arose_on,
    )


def _retire_judged(claim, standing, summary, points, names, result, changed) -> None:
    """Supersede the judged discrepancies one of whose figures is no longer its
    source's current estimate; the others stay on record, and detection has moved
    past their pairs (divergence.summarise skips judged pairs)."""
    # A figure set aside is still its source's current figure: its judgement stands.
    current = {p.id for p in (*summary.estimates, *summary.set_aside)}
    for judged in standing:
        if judged.is_pending:
            continue
        if {judged.assertion_low_id, judged.assertion_high_id} <= current:
            continue
        _supersede(claim, judged, points, None, names, result, changed)


def pending_make_way(*, discrepancy: Discrepancy) -> None:
    """Supersede the claim's other pending discrepancy, if any, before an editor
    reopens `discrepancy` (a claim has at most one pending at a time): derive
    opened it for the next conflict when this one was judged."""
    for other in (
        Discrepancy.objects.pending()
        .select_for_update()
        .filter(claim_id=discrepancy.claim_id)
        .exclude(pk=discrepancy.pk)
    ):
        other.state = Discrepancy.State.SUPERSEDED
        other.superseded_at = timezone.now()
        other.superseded_reason = (
            f"The editors reopened the discrepancy #{discrepancy.pk} it followed."
        )
        other._change_reason = f"Superseded: {other.superseded_reason}"
        other.save()


def _supersede(claim, discrepancy, points, conflict, names, result, changed) -> None:
    """Mark `discrepancy` superseded, saying why, and add it to `changed`."""
    discrepancy.state = Discrepancy.State.SUPERSEDED
    discrepancy.superseded_at = timezone.now()
    discrepancy.superseded_reason = _supersession_reason(
        discrepancy, points, conflict, names
    )
    discrepancy._change_reason = f"Superseded: {discrepancy.superseded_reason}"
    changed.append(discrepancy)
    low, high = discrepancy.assertion_low, discrepancy.assertion_high
    result.closed.append(
        f"{claim}: “{low.figure}” vs “{high.figure}”, {discrepancy.superseded_reason}"
    )


def discrepancies_detect_all(*, claims=None) -> Detection:
    """Refresh `claims`, by default every claim that could have a discrepancy."""
    if claims is None:
        claims = Claim.objects.filter(
            Q(assertion_count__gte=2) | Q(discrepancies__isnull=False)
        ).distinct()
    return claims_derive(claim_ids=claims.values_list("pk", flat=True))


def _supersession_reason(live, points, conflict, names) -> str:
    """Say why the discrepancy no longer stands: a retraction, a revision, a wider
    conflict, or figures that no longer conflict."""
    current = {p.source_id: p for p in divergence.current_estimates(points)}
    reasons = []
    for side in (live.assertion_low, live.assertion_high):
        if side.status == Assertion.Status.RETRACTED:
            reasons.append(
                f"“{side.figure}” ({side.source}) was retracted: "
                f"{side.retraction_reason}"
            )
        elif side.status != Assertion.Status.PUBLISHED:
            reasons.append(f"“{side.figure}” ({side.source}) was withdrawn to draft")
        elif side.source_id in current and current[side.source_id].id != side.pk:
            newer = current[side.source_id]
            reasons.append(
                f"{side.source} revised its figure to “{newer.figure}” on {_day(newer)}"
            )
    if conflict is not None:
        low, high = conflict.low, conflict.high
        reasons.append(
            f"the widest conflict is now “{low.figure}” ({names[low.source_id]}) vs "
            f"“{high.figure}” ({names[high.source_id]}), {conflict.ratio}×"
        )
    elif not reasons:
        reasons.append("the current figures are no longer far enough apart")
    text = "; ".join(reasons)
    return text[0].upper() + text[1:] + "."


def on_sources_changed(sender, *, sources, documents, **kwargs) -> None:
    """Hand `apply` what a write of sources/services.py touched (it sends this
    inside its write's transaction: sources never imports claims)."""
    apply(Change.of(sources=sources, documents=documents))


def on_document_checking(sender, *, document, **kwargs) -> None:
    """Refuse a document change that would break its figures (sources/services.py
    asks before it writes, and its admin form before it shows the form again)."""
    problems = document_dependents_problems(document)
    if problems:
        raise ValidationError(problems)
