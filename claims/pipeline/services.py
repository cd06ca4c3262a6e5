"""Writes to claims. Every change to a topic, claim, assertion or translation goes
through these functions: the admin (forms, inlines, actions, deletion, history
revert), the figure-logging screen, the import, the seed loader, management commands
and test factories alike. Each normalises and validates with the one set of rules
(claims/domain/rules.py), writes inside one transaction, and ends by handing
claims/pipeline/derive.py a `Change` that says what it touched; `derive.apply` alone
decides what follows."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from claims.domain import rules
from claims.models import Assertion, Claim, Topic, Translation
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
            .values("claim_id", *SET_ASIDE_STORED)
            .first()
        )
        if stored is not None:
            if stored["claim_id"] != assertion.claim_id:
                moved_from = stored["claim_id"]
            # Only the editors' services set a figure aside or count it again: an
            # edit, or a revert to a version from before, keeps what they decided.
            for name in SET_ASIDE_STORED:
                setattr(assertion, name, stored[name])
    claim_ids = {assertion.claim_id, moved_from} - {None}
    if derive_after:
        # Take the claims' locks before reading anything the checks depend on.
        derive.claims_lock(claim_ids=claim_ids)
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
    assertion.status = Assertion.Status.RETRACTED
    assertion.retraction_reason = reason
    assertion.retracted_at = timezone.now()
    return assertion_save(assertion=assertion, user=user, reason=f"Retracted: {reason}")


SET_ASIDE_FIELDS = ["set_aside_reason", "set_aside_by", "set_aside_at", "updated_at"]
SET_ASIDE_STORED = ("set_aside_reason", "set_aside_by_id", "set_aside_at")


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


def _record(row, user, reason: str) -> None:
    """Name who made the change, and why, in the row's history."""
    if user is not None:
        row._history_user = user
    if reason:
        row._change_reason = reason


@transaction.atomic
def assertions_bulk_create(
    *,
    assertions: list[Assertion],
    user=None,
    reason: str,
    batch_size: int = 5000,
    on_batch=None,
    before_derive=None,
) -> list[Assertion]:
    """Insert many assertions already checked with the rules of claims/domain/rules.py
    (the
    import checks whole files at once, without a query per row), with their history,
    then derive what follows for every claim they touch, in the same transaction.
    `on_batch(written)` and `before_derive()`, if given, hear how far it has come."""
    claim_ids = {a.claim_id for a in assertions}
    derive.claims_lock(claim_ids=claim_ids)
    for start in range(0, len(assertions), batch_size):
        bulk_create_with_history(
            assertions[start : start + batch_size],
            Assertion,
            batch_size=batch_size,
            default_user=user,
            default_change_reason=reason,
        )
        if on_batch is not None:
            on_batch(min(start + batch_size, len(assertions)))
    if before_derive is not None:
        before_derive()
    derive.apply(derive.Change.of(claims=claim_ids))
    return assertions


def assertions_normalise(assertions: list[Assertion], *, documents=None) -> None:
    """Apply the one normaliser (claims/domain/rules.py) to many new assertions in
    memory, as assertion_save does to one: for the import and the bench. An
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
def translations_bulk_create(*, translations: list[Translation]) -> list[Translation]:
    """Insert many translations of new assertions (an import's), already checked:
    their assertions' claims are derived by assertions_bulk_create."""
    for translation in translations:
        translation.assertion_id = translation.assertion.pk
    Translation.objects.bulk_create(translations, batch_size=5000)
    derive.apply(derive.Change.of(shown={t.assertion.claim_id for t in translations}))
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
