"""Writes to claims. Every change to a topic, claim, assertion or translation goes
through these functions: the admin (forms, inlines, actions, deletion, history
revert), the figure-logging screen, the import, the seed loader, management commands
and test factories alike. Each normalises and validates with the one set of rules
(claims/domain/rules.py), writes inside one transaction, and ends by handing
claims/pipeline/derive.py a `Change` that says what it touched; `derive.apply` alone
decides what follows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from claims import selectors
from claims.domain import rules
from claims.models import Assertion, Claim, Discrepancy, Topic, Translation
from claims.pipeline import derive
from sources import services as source_services


@transaction.atomic
def assertion_save(
    *, assertion: Assertion, user=None, reason: str = "", derive_after: bool = True
) -> Assertion:
    """Normalise, validate and save `assertion`, new or changed, with `user` and
    `reason` in its history, then derive what follows for its claim (and the claim
    it left, if it moved). The seed loader passes derive_after=False and hands
    derive one Change for all its claims, inside the same transaction."""
    moved_from = None
    if not assertion._state.adding:
        stored = (
            Assertion.objects.filter(pk=assertion.pk)
            .values("claim_id", *SET_ASIDE_STORED, *RETRACTION_STORED)
            .first()
        )
        if stored is not None:
            if stored["claim_id"] != assertion.claim_id:
                moved_from = stored["claim_id"]
            # Only the editors' services set a figure aside or count it again: an
            # edit, or a revert to a version from before, keeps what they decided.
            for name in SET_ASIDE_STORED:
                setattr(assertion, name, stored[name])
            # A retraction stands: no edit and no revert to a version from before
            # it counts the figure again or loses its reason (assertion_retract
            # alone retracts, and nothing un-retracts).
            if stored["status"] == Assertion.Status.RETRACTED:
                for name in RETRACTION_STORED:
                    setattr(assertion, name, stored[name])
    claim_ids = {assertion.claim_id, moved_from} - {None}
    if derive_after:
        # Hold its sources, then take the claims' locks, before reading anything
        # the checks depend on: a merge of either waits, or has moved on.
        _refuse_merged(assertion, claim_ids)
    if assertion.document_id is not None:
        # The document as it stands now, held until this write commits: a change
        # of its kind, date or text waits, then checks this figure too.
        assertion.document = source_services.document_lock(pk=assertion.document_id)
    assertion.normalise()
    assertion.full_clean()
    assertion.attention = ""  # it reads again: whatever needed attention is past
    if assertion._state.adding and assertion.created_by_id is None and user is not None:
        assertion.created_by = user
    _record(assertion, user, reason)
    assertion.save()
    if derive_after:
        derive.apply(derive.Change.of(claims=claim_ids))
    return assertion


def assertion_create(*, user=None, **fields) -> Assertion:
    """Create an assertion from its fields; the figure is parsed unless overridden."""
    return assertion_save(assertion=Assertion(**fields), user=user)


@transaction.atomic
def assertion_retract(*, assertion: Assertion, reason: str, user=None) -> Assertion:
    """Retract `assertion` with `reason`: it stays on record but no longer counts."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"retraction_reason": "Give a reason for the retraction."}
        )
    if assertion.status == Assertion.Status.RETRACTED:
        raise ValidationError(f"“{assertion}” is already retracted.")
    if assertion.status == Assertion.Status.DRAFT:
        # A retraction is public (the claim page, the feeds, the API): a draft,
        # never published, is edited or deleted instead.
        raise ValidationError(
            f"“{assertion}” is a draft, never published: edit it or delete it; "
            "only a published figure is retracted."
        )
    assertion.status = Assertion.Status.RETRACTED
    assertion.retraction_reason = reason
    assertion.retracted_at = timezone.now()
    return assertion_save(assertion=assertion, user=user, reason=f"Retracted: {reason}")


SET_ASIDE_FIELDS = ["set_aside_reason", "set_aside_by", "set_aside_at", "updated_at"]
SET_ASIDE_STORED = ("set_aside_reason", "set_aside_by_id", "set_aside_at")
RETRACTION_STORED = ("status", "retraction_reason", "retracted_at")


@transaction.atomic
def assertion_set_aside(
    *, assertion: Assertion, reason: str, user, derive_after: bool = True
) -> Assertion:
    """Set `assertion` aside for its whole claim, with the reason readers see (a
    different scope, a misreading, a source with no access): it stays listed, and
    leaves detection, the spread, the chart and the evolution. Only editors may;
    only a published figure not already set aside can be. A judgement passes
    derive_after=False and derives the claim once, with the judgement."""
    if not user.has_perm("claims.judge_discrepancy"):
        raise PermissionDenied("Only editors set figures aside.")
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {
                "set_aside_reason": "Write the reason readers will see for setting "
                "this figure aside."
            }  # fmt: skip
        )
    derive.claims_lock(claim_ids=[assertion.claim_id])
    # Read again under its lock: another editor may have set it aside, restored
    # it or retracted it since this request's page was drawn.
    assertion = Assertion.objects.select_for_update().get(pk=assertion.pk)
    if assertion.status != Assertion.Status.PUBLISHED:
        raise ValidationError(
            {
                "set_aside_reason": f"“{assertion.figure}” is "
                f"{assertion.get_status_display().lower()}: only a published "
                "figure is set aside."
            }
        )
    if assertion.set_aside_at is not None:
        raise ValidationError(
            {
                "set_aside_reason": f"“{assertion.figure}” is already set aside "
                f"(“{assertion.set_aside_reason}”); count it again first to give "
                "another reason."
            }
        )
    assertion.set_aside_reason = reason
    assertion.set_aside_by, assertion.set_aside_at = user, timezone.now()
    _record(assertion, user, f"Set aside: {reason}"[:100])
    assertion.save(update_fields=SET_ASIDE_FIELDS)
    if derive_after:
        derive.apply(derive.Change.of(claims=[assertion.claim_id]))
    return assertion


@transaction.atomic
def assertion_restore(*, assertion: Assertion, user, reason: str = "") -> Assertion:
    """Count `assertion` again after it was set aside; history keeps both steps
    and `reason`. Only editors may."""
    if not user.has_perm("claims.judge_discrepancy"):
        raise PermissionDenied("Only editors count set-aside figures again.")
    derive.claims_lock(claim_ids=[assertion.claim_id])
    assertion = Assertion.objects.select_for_update().get(pk=assertion.pk)
    if assertion.set_aside_at is None:
        raise ValidationError(
            {"set_aside_reason": f"“{assertion.figure}” is not set aside."}
        )
    assertion.set_aside_reason, assertion.set_aside_by = "", None
    assertion.set_aside_at = None
    reason = reason.strip()
    _record(
        assertion,
        user,
        (f"Counted again: {reason}" if reason else "Counted again")[:100],
    )
    assertion.save(update_fields=SET_ASIDE_FIELDS)
    derive.apply(derive.Change.of(claims=[assertion.claim_id]))
    return assertion


@transaction.atomic
def assertion_flag(*, assertion: Assertion, attention: str, user=None) -> Assertion:
    """Mark `assertion` for researchers' attention, with the reason, changing nothing
    else (its figure may be one the current parser refuses, so it is not
    validated again); saving it through assertion_save clears the mark."""
    assertion.attention = attention[:500]
    _record(assertion, user, f"Needs attention: {attention}"[:100])
    assertion.save(update_fields=["attention", "updated_at"])
    derive.apply(derive.Change.of(unseen=[assertion.claim_id]))
    return assertion


@transaction.atomic
def assertion_delete(*, assertion: Assertion, user=None) -> None:
    """Delete `assertion` outright (superusers only, for rows entered by mistake;
    everyone else retracts). Its history keeps the row; its claim is derived anew."""
    claim_id = assertion.claim_id
    derive.claims_lock(claim_ids=[claim_id])
    _record(assertion, user, "Deleted")
    assertion.delete()
    derive.apply(derive.Change.of(claims=[claim_id]))


@transaction.atomic
def claim_save(*, claim: Claim, user=None, reason: str = "") -> Claim:
    """Validate and save `claim`; derive its summary and discrepancy again, since
    its threshold or what it counts may have changed."""
    if not claim._state.adding:
        derive.claims_lock(claim_ids=[claim.pk])
    claim.full_clean()
    _record(claim, user, reason)
    claim.save()
    derive.apply(derive.Change.of(claims=[claim.pk]))
    return claim


@transaction.atomic
def claim_delete(*, claim: Claim, user=None) -> None:
    """Delete a claim with no assertions (the database refuses any other)."""
    claim_id = claim.pk
    _record(claim, user, "Deleted")
    claim.delete()
    derive.apply(derive.Change.of(unseen=[claim_id]))


@transaction.atomic
def topic_save(*, topic: Topic, user=None, reason: str = "") -> Topic:
    """Validate and save `topic`; its claims' pages show its name."""
    topic.full_clean()
    _record(topic, user, reason)
    topic.save()
    derive.apply(derive.Change.of(topics=[topic.pk]))
    return topic


@transaction.atomic
def topic_delete(*, topic: Topic, user=None) -> None:
    """Delete a topic with no claims (the database refuses any other)."""
    _record(topic, user, "Deleted")
    topic.delete()
    derive.apply(derive.Change())  # on no claim's page: nothing follows


def _refuse_merged(assertion: Assertion, claim_ids) -> None:
    """Hold the assertion's sources and lock its claim (in that order, as a merge
    takes them); raise ValidationError, by field, if any was merged into another:
    a figure written from a form opened before the merge."""
    problems = {}
    held = source_services.sources_hold(
        ids=[assertion.source_id, assertion.relayed_by_id]
    )
    merged_claims = derive.claims_lock(claim_ids=claim_ids)
    for name in ("source", "relayed_by", "claim"):
        pk = getattr(assertion, f"{name}_id")
        into = (merged_claims if name == "claim" else held).get(pk)
        if pk is not None and into is not None:
            problems[name] = source_services.merged_problem(
                getattr(assertion, name), into
            )
    if problems:
        raise ValidationError(problems)


def _refuse_merged_in_bulk(
    assertions: list[Assertion], locked: set[int], claims: dict
) -> None:
    """As _refuse_merged, for many new assertions (an import's batch): one query for
    their sources. Their claims are among `locked`, locked already; `claims` maps
    the merged ones to the claim each was merged into (derive.claims_lock)."""
    unlocked = {a.claim_id for a in assertions} - locked
    if unlocked:
        raise ValueError(f"claims {sorted(unlocked)} were not named to be locked")
    held = source_services.sources_hold(
        ids={a.source_id for a in assertions} | {a.relayed_by_id for a in assertions}
    )
    merged = {
        **{("claim", pk): into for pk, into in claims.items()},
        **{("source", pk): into for pk, into in held.items() if into is not None},
    }
    for assertion in assertions:
        for name in ("claim", "source", "relayed_by"):
            kind = "claim" if name == "claim" else "source"
            into = merged.get((kind, getattr(assertion, f"{name}_id")))
            if into is not None:
                raise ValidationError(
                    {
                        name: source_services.merged_problem(
                            getattr(assertion, name), into
                        )
                    }
                )


def _record(row, user, reason: str) -> None:
    """Name who made the change, and why, in the row's history."""
    if user is not None:
        row._history_user = user
    if reason:
        row._change_reason = reason


@transaction.atomic
def assertions_bulk_create(
    *,
    assertions: Iterable[list[Assertion]] | list[Assertion],
    claim_ids: set[int] | None = None,
    user=None,
    reason: str,
    batch_size: int = 5000,
    on_batch=None,
    before_derive=None,
) -> int:
    """Insert many assertions already checked with the rules of claims/domain/rules.py
    (the import checks whole files at once, without a query per row), with their
    history, then derive what follows for every claim they touch, in the same
    transaction; return how many were written.

    `assertions` is a list, or an iterable of lists (batches) that the caller builds
    as they are written, so that no more than one batch is held at once; then
    `claim_ids` names every claim they may touch, all locked before the first batch
    is written, in one order, as a single list's are (no deadlock with a merge).
    `on_batch(written)` and `before_derive()`, if given, hear how far it has come.
    An assertion is a model row or a plain one holding its fields' values by attname
    (sources/services.py rows_insert), as the import writes them; the plain ones
    also hold their `claim`, `source` and `relayed_by`, named in errors."""
    if isinstance(assertions, list):
        rows = assertions
        claim_ids = {a.claim_id for a in rows}
        assertions = (
            rows[start : start + batch_size]
            for start in range(0, len(rows), batch_size)
        )
    elif claim_ids is None:
        raise TypeError("batches of assertions need the claim_ids they touch")
    claim_ids = set(claim_ids)
    claims = derive.claims_lock(claim_ids=claim_ids)
    written = 0
    for batch in assertions:
        _refuse_merged_in_bulk(batch, claim_ids, claims)
        source_services.rows_insert(
            Assertion, batch, user=user, reason=reason, batch_size=batch_size
        )
        written += len(batch)
        if on_batch is not None:
            on_batch(written)
    if before_derive is not None:
        before_derive()
    derive.apply(derive.Change.of(claims=claim_ids))
    return written


def assertions_normalise(assertions: list[Assertion], *, documents=None) -> None:
    """Apply the one normaliser (claims/domain/rules.py) to many new assertions in
    memory (model rows, or plain ones with the same attributes), as assertion_save
    does to one: for the import and the bench. An
    unreadable figure raises ValidationError naming it."""
    for assertion in assertions:
        document = assertion.document
        values, problems = rules.normalise_assertion(
            figure=assertion.figure,
            is_overridden=assertion.is_overridden,
            stated_on=assertion.stated_on,
            date_precision=assertion.date_precision,
            quote=assertion.quote,
            document_text=document.text if document is not None else "",
            parsed=getattr(assertion, "parsed", None),
        )
        if problems:
            raise ValidationError(
                {k: f"“{assertion.figure}”: {m}" for k, m in problems.items()}
            )
        for name, value in values.items():
            setattr(assertion, name, value)


@transaction.atomic
def topics_bulk_create(*, topics: list[Topic], user=None, reason: str) -> list:
    """Insert many new topics (an import's), validated, with their history naming
    `user`. They show on no page until a claim names them."""
    source_services.validated_bulk_create(Topic, topics, user=user, reason=reason)
    derive.apply(derive.Change.of(topics=[t.pk for t in topics]))
    return topics


@transaction.atomic
def claims_bulk_create(*, claims: list[Claim], user=None, reason: str) -> list:
    """Insert many new claims (an import's), validated, with their history naming
    `user`; their summaries are derived when their assertions are written."""
    for claim in claims:
        claim.topic_id = claim.topic.pk
    source_services.validated_bulk_create(Claim, claims, user=user, reason=reason)
    # No figures yet, so on no reader page: they are derived as their figures come.
    derive.apply(derive.Change.of(unseen=[c.pk for c in claims]))
    return claims


@transaction.atomic
def translation_save(*, translation: Translation, user=None) -> Translation:
    """Validate and save a translation of an assertion's quote; its claim's page
    shows it, so the claim is stamped changed."""
    translation.full_clean()
    translation.save()
    derive.apply(derive.Change.of(shown=[translation.assertion.claim_id]))
    return translation


@transaction.atomic
def translation_delete(*, translation: Translation, user=None) -> None:
    """Delete a translation (superusers only, for one entered by mistake)."""
    claim_id = translation.assertion.claim_id
    translation.delete()
    derive.apply(derive.Change.of(shown=[claim_id]))


@transaction.atomic
def translations_bulk_create(
    *, translations: list[Translation], claim_ids: set[int] | None = None
) -> list[Translation]:
    """Insert many translations of new assertions (an import's), already checked:
    their assertions' claims are derived by assertions_bulk_create. Translations
    that name their assertions by key (the import's, whose assertions were written
    as plain rows) come with `claim_ids`, the claims of those assertions."""
    for translation in translations:
        if translation.assertion_id is None:
            translation.assertion_id = translation.assertion.pk
    if claim_ids is None:
        claim_ids = {t.assertion.claim_id for t in translations}
    Translation.objects.bulk_create(translations, batch_size=5000)
    derive.apply(derive.Change.of(shown=claim_ids))
    return translations


@dataclass
class DocumentArchived:
    """A document's file archived, and the quotes of the document its text does not
    hold (listed for researchers; nothing is changed or deleted): `lost`, those the
    previous archived copy's text held, which this copy "no longer" holds, and
    `unmatched`, every quote it does not hold (never checked against a copy, or
    missing from the previous one too)."""

    archived: source_services.Archived
    unmatched: list[tuple[Assertion, str]] = field(default_factory=list)
    lost: list[tuple[Assertion, str]] = field(default_factory=list)


def document_archive(
    *,
    document,
    data: bytes,
    filename: str = "",
    retrieved_at=None,
    use_text: bool = False,
    user=None,
) -> DocumentArchived:
    """Archive a file of `document` (sources.services.document_file_archive), then
    check every quote of the document against the file's text
    (claims/domain/rules.py)."""
    # The text of the copy before this one: a quote it held and this one does not
    # is "no longer" held; other unmatched quotes were never checked against a copy.
    previous_text = (
        document.files.exclude(extracted_text="")
        .values_list("extracted_text", flat=True)
        .first()
        if document.pk
        else None
    ) or ""
    archived = source_services.document_file_archive(
        document=document,
        data=data,
        filename=filename,
        retrieved_at=retrieved_at,
        use_text=use_text,
        user=user,
    )
    result = DocumentArchived(archived=archived)
    text = archived.file.extracted_text
    if not text.strip():  # an image: there is no text to hold the quotes
        return result
    quoted = (
        Assertion.objects.not_retracted()
        .filter(document=document)
        .exclude(quote="")
        .select_related("claim", "source")
        .order_by("stated_on", "pk")
    )
    for assertion in quoted:
        problem = rules.quote_problem(assertion.quote, text)
        if problem:
            result.unmatched.append((assertion, problem))
            if previous_text and rules.quote_occurs(assertion.quote, previous_text):
                result.lost.append((assertion, problem))
    return result


def _figures_move(rows, field: str, into, *, staying, key, user, note: str) -> set:
    """Point `field` of the assertions `rows` at `into`, locked, each with a new
    version (an edit opened before the merge is refused as stale) and a history
    record; retract the figures it makes duplicates of figures already there
    (`staying`), each naming the one kept. Return the ids of the claims touched."""
    moving = list(rows.select_for_update().order_by("pk"))
    kept = list(
        staying.filter(claim_id__in={a.claim_id for a in moving})
        .select_for_update()
        .order_by("pk")
        if field == "source"
        else staying.select_for_update().order_by("pk")
    )
    now = timezone.now()
    changed = {}
    for retracted, other in selectors.merge_duplicates(moving, kept, key):
        retracted.status = Assertion.Status.RETRACTED
        retracted.retraction_reason = (
            f"A duplicate of “{other}” (#{other.pk}), once {note[0].lower()}{note[1:]}"
        )
        retracted.retracted_at = now
        changed[retracted.pk] = retracted
    for assertion in moving:
        setattr(assertion, field, into)
        changed[assertion.pk] = assertion
    rows = list(changed.values())
    for assertion in rows:
        assertion.version += 1
        assertion.updated_at = now
    bulk_update_with_history(
        rows,
        Assertion,
        [field, "status", "retraction_reason", "retracted_at", "version", "updated_at"],
        batch_size=1000,
        default_user=user,
        default_change_reason=note,
    )
    return {a.claim_id for a in rows}


def on_source_merge_checking(sender, *, source, into, **kwargs) -> list[str]:
    """Name the figures that stop a merge of sources (sources/services.py asks
    through `merge_checking`): those one source states and the other relays."""
    return selectors.relay_conflicts(source=source, into=into)


def on_source_merging(sender, *, source, into, user, reason, **kwargs) -> None:
    """Move the figures a merged source states or relays to the source it merges
    into, inside source_merge's transaction (sources/services.py sends
    `merging`), and derive what follows for their claims."""
    note = f"Merged “{source}” into “{into}”: {reason}"
    named = Assertion.objects.filter(Q(source=source) | Q(relayed_by=source))
    claim_ids = set(named.values_list("claim_id", flat=True))
    derive.claims_lock(claim_ids=claim_ids)
    claim_ids |= _figures_move(
        Assertion.objects.filter(source=source),
        "source",
        into,
        staying=Assertion.objects.not_retracted().filter(source=into),
        key=selectors.source_figure_key,
        user=user,
        note=note,
    )
    claim_ids |= _figures_move(
        Assertion.objects.filter(relayed_by=source),
        "relayed_by",
        into,
        staying=Assertion.objects.none(),
        key=selectors.source_figure_key,
        user=user,
        note=note,
    )
    derive.apply(derive.Change.of(claims=claim_ids, sources=[source.pk, into.pk]))


@transaction.atomic
def claim_merge(*, claim: Claim, into: Claim, reason: str, user=None) -> Claim:
    """Merge the duplicate `claim` into `into`, and return `into`.

    Nothing is deleted: its figures (with their translations) and its
    discrepancies, with the editors' judgements, move to `into`; a figure that
    would state what one of `into` states is retracted, naming it; its pending
    discrepancy is superseded, since detection runs again on `into`. `claim` stays,
    marked merged into `into`, and its page redirects there; claims merged into `claim`
    earlier now point at `into` too, each with a history record. Both claims' histories
    record the merge with `user` and `reason`. Refused with ValidationError, before
    anything is written, when it is the same claim or either was merged already."""
    reason = source_services.merge_reason(reason)
    claim, into = source_services.merge_lock(Claim, pks=[claim.pk, into.pk])
    problems = selectors.claim_merge_problems(claim=claim, into=into)
    if problems:
        raise ValidationError(problems)
    note = f"Merged “{claim}” into “{into}”: {reason}"
    now = timezone.now()
    discrepancies = list(
        Discrepancy.objects.select_for_update().filter(claim=claim).order_by("pk")
    )
    for discrepancy in discrepancies:
        if discrepancy.is_pending:
            discrepancy.state = Discrepancy.State.SUPERSEDED
            discrepancy.superseded_at = now
            discrepancy.superseded_reason = f"{note}."
        discrepancy.claim = into
        discrepancy.version += 1
        discrepancy.updated_at = now
    _figures_move(
        Assertion.objects.filter(claim=claim),
        "claim",
        into,
        staying=Assertion.objects.not_retracted().filter(claim=into),
        key=selectors.claim_figure_key,
        user=user,
        note=note,
    )
    bulk_update_with_history(
        discrepancies,
        Discrepancy,
        [
            "claim",
            "state",
            "superseded_at",
            "superseded_reason",
            "version",
            "updated_at",
        ],
        default_user=user,
        default_change_reason=note,
    )
    # Claims merged into `claim` earlier now point at `into`, as sources do: a
    # merged claim always names a current one, so one step finds it (an old link,
    # the logging screen, an import naming an old title).
    earlier = source_services.rows_move(
        Claim.objects.filter(merged_into=claim), "merged_into", into, user, note
    )
    claim.merged_into, claim.merged_at = into, now
    _record(claim, user, note)
    claim.save()
    _record(into, user, note)
    into.save()
    derive.apply(derive.Change.of(claims=[claim.pk, into.pk, *(c.pk for c in earlier)]))
    return into
