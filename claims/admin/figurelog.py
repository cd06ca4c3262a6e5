"""The screen for logging figures from one document: the document's text on one side,
the figures being added on the other, each with how it reads before it is saved.

Without JavaScript the Preview button shows every row's reading; with it,
static/js/figure-log.js asks `reading_view` as the figure is typed. Saving writes
through the same services as every other form, in one transaction: a new claim, new
sources, then the assertions, with the model's rules and history."""

from collections import Counter
from decimal import Decimal

from django import forms
from django.contrib import admin
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.forms.utils import pretty_name
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import slugify

from claims import extraction
from claims.admin.forms import (
    PROPOSAL_SALT,
    ExtractedFigureFormSet,
    LogClaimForm,
    LogFigureFormSet,
    SearchableSelect,
    carry_dates,
    reading_of,
)
from claims.domain import figures
from claims.domain.extraction import pieces
from claims.models import Assertion, Claim, DatePrecision
from claims.pipeline import services
from sources import names
from sources import services as source_services
from sources.models import Document, Source


class _RolledBack(Exception):
    """A row the services refused: undo the rows saved before it."""


class DocumentChoiceForm(forms.Form):
    document = forms.ModelChoiceField(
        Document.objects.all(),
        label="Document",
        help_text="The report whose figures you are logging.",
        widget=SearchableSelect(Assertion._meta.get_field("document"), admin.site),
    )


def log_view(model_admin, request):
    """Show the screen for one document (?document=id), or a choice of documents."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Assertion._meta,
        "title": "Log figures from a document",
    }
    chooser = DocumentChoiceForm(request.GET or None)
    if not chooser.is_valid():
        context.update(chooser=chooser, media=chooser.media, log_url=request.path)
        return TemplateResponse(request, "admin/claims/assertion/log.html", context)
    document = chooser.cleaned_data["document"]
    bound = request.method == "POST"
    text = _text_of(request, document)
    context.update(extraction_text=text, pasted=not document.text.strip())
    if bound and "find" in request.POST:
        return find_view(model_admin, request, document, text, context)
    data = carry_dates(request.POST) if bound else None
    claim_form = LogClaimForm(data)
    form_kwargs = {
        "document_text": text,
        "document_kind": document.kind,
        "document_published_on": document.published_on,
    }
    extracted = bound and "extracted" in request.POST
    formset_class = ExtractedFigureFormSet if extracted else LogFigureFormSet
    formset = formset_class(data, form_kwargs=form_kwargs)
    if extracted:
        context.update(_found_context(text, formset))
    # Every row is checked on every press, so all problems show at once.
    valid = bound and all([claim_form.is_valid(), formset.is_valid()])
    if bound and "more" in request.POST:
        formset = _with_more_rows(formset, data, form_kwargs)
    elif valid:
        rows = [
            form
            for form in formset
            if form.has_changed() and form not in formset.deleted_forms
        ]
        if not rows:
            formset._non_form_errors = formset.error_class(["Add at least one figure."])
        elif "save" in request.POST:
            saved = _save(request, document, claim_form, rows)
            if saved is not None:
                model_admin.message_user(
                    request,
                    f"Logged {len(saved)} figure{'s' if len(saved) != 1 else ''} "
                    f"from “{document.title}”: "
                    + "; ".join(
                        f"“{a.figure}” reads as {a.interpretation}" for a in saved
                    ),
                )
                return redirect(
                    reverse("admin:claims_assertion_changelist")
                    + f"?document__id__exact={document.pk}"
                )
    context.update(
        document=document,
        claim_form=claim_form,
        formset=formset,
        problems=problems(claim_form, formset) if bound else [],
        media=claim_form.media + formset.media,
        reading_url=reverse("admin:claims_assertion_reading"),
    )
    return TemplateResponse(request, "admin/claims/assertion/log.html", context)


def problems(claim_form, formset) -> list[dict]:
    """Return every problem on the screen, each with the anchor of its row and the
    label of its field, for the list at the top: "Figure 3, quote: …"."""
    found = [
        {"anchor": "figure-1", "where": "The figures", "message": message}
        for message in formset.non_form_errors()
    ]
    groups = [("figure-claim", "The claim", claim_form)] + [
        (f"figure-{n}", f"Figure {n}", form) for n, form in enumerate(formset, start=1)
    ]
    for anchor, where, form in groups:
        for name, messages in form.errors.items():
            field = form.fields.get(name)
            label = (
                f"{where}, {(field.label or pretty_name(name)).lower()}"
                if field
                else where
            )
            found += [
                {"anchor": anchor, "where": label, "message": message}
                for message in messages
            ]
    return found


def _with_more_rows(formset, data, form_kwargs):
    """Return the formset again with two more blank rows, keeping what was typed."""
    data = data.copy()
    total = formset.add_prefix("TOTAL_FORMS")
    typed = data.get(total) or "0"
    # A count that is not a number, or past the screen's rows, is the formset's to
    # refuse (its management form says so); it never builds more than max_num rows.
    if typed.isdigit() and int(typed) + 2 <= LogFigureFormSet.max_num:
        data[total] = str(int(typed) + 2)
    more = type(formset)(data, form_kwargs=form_kwargs)
    more.is_valid()  # show readings and problems of the rows typed so far
    return more


def _save(request, document, claim_form, rows) -> list[Assertion] | None:
    """Write the claim, the new sources and the assertions in one transaction; on a
    refusal, put the service's messages on the row and field they name."""
    try:
        with transaction.atomic():
            _names_lock(claim_form, rows)
            _keep_pasted_text(request, document)
            claim = claim_form.cleaned_data["claim"] or _new_claim(
                claim_form, request.user
            )
            new_sources: dict[str, Source] = {}
            saved, refused = [], False
            for form in rows:
                data = form.cleaned_data
                try:
                    source = data["source"] or _new_source(
                        data, new_sources, request.user
                    )
                    assertion = services.assertion_save(
                        assertion=Assertion(
                            claim=data.get("claim") or claim,
                            source=source,
                            document=document,
                            stated_on=data["stated_on"],
                            date_precision=data["date_precision"],
                            figure=data["figure"],
                            quote=data["quote"],
                            locator=data["locator"],
                            **provenance(form),
                            quote_match_confirmed=data["quote_match_confirmed"],
                        ),
                        user=request.user,
                    )
                except ValidationError as error:
                    # Go on to the next rows, so every refusal shows at once;
                    # the transaction is undone below.
                    _add_errors(form, error)
                    refused = True
                    continue
                saved.append(assertion)
            if refused:
                raise _RolledBack
    except _RolledBack:
        return None
    except ValidationError as error:  # the new claim
        _add_errors(claim_form, error, prefix="new_")
        return None
    return saved


def _names_lock(claim_form, rows) -> None:
    """Take the name locks of the new claim and the new sources the save names
    (sources.services.names_lock), the claim's first and the sources' in one order,
    before it writes or locks any row. Without the claim's, a save could look
    before another's commit and pick its free slug after it: two claims of one
    title, with slugs x and x-2. Taken row by row instead, two saves naming the
    same two new sources in either order each held one and waited for the other
    (or for the claim row the other's first figure locked): a 500."""
    if not claim_form.cleaned_data["claim"]:
        source_services.names_lock(Claim, [claim_form.cleaned_data["new_title"]])
    source_services.names_lock(
        Source,
        [
            form.cleaned_data["new_source"]
            for form in rows
            if not form.cleaned_data["source"]
        ],
    )


def _new_claim(claim_form, user) -> Claim:
    """The claim the row names as new: one claim per title (ignoring case), even
    when several people save the same new title at once. The first save creates it;
    the others find it. On PostgreSQL the saves take turns on the title's name lock
    (sources.services.names_lock), so each looks after the one before committed; the
    unique slug still settles a save that names the title without the lock (an
    IntegrityError in its savepoint, then it looks again). SQLite's writers run one
    at a time."""
    data = claim_form.cleaned_data
    title = data["new_title"]
    return _found_or_created(
        lambda: _claim_titled(title),
        lambda: Claim(
            title=title,
            slug=_free_slug(Claim, title),
            unit=data["new_unit"],
            topic=data["new_topic"],
        ),
        lambda claim: services.claim_save(claim=claim, user=user),
        busy="Others are saving claims with this title at this moment; save again.",
    )


def _found_or_created(find, build, save, *, busy: str):
    """Return the row `find` finds, or save the one `build` makes. Two new rows may
    pick one free slug at once (two names that slugify alike take different name
    locks): the second waits for the first, gets an IntegrityError in its
    savepoint, and looks again, choosing the next free slug."""
    for _attempt in range(5):
        existing = find()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():  # a savepoint, in the save's transaction
                return save(build())
        except IntegrityError:
            continue  # another save took the slug a moment ago: look again
        except ValidationError as error:
            if set(getattr(error, "error_dict", {})) != {"slug"}:
                raise
            continue  # the slug was taken since _free_slug looked: look again
    raise ValidationError(busy)


def _claim_titled(title: str) -> Claim | None:
    """The claim titled `title` (any case); when only a merged claim has the title
    (a duplicate's old title), the claim it was merged into, as imports read it
    (claims/interchange/imports.py; a merged claim always names a current one).
    Unlike the import, which matches titles as names (name_key), it does not
    ignore invisible characters or look-alike letters."""
    claim = (
        Claim.objects.filter(title__iexact=title)
        .select_related("merged_into")
        .order_by(F("merged_into").asc(nulls_first=True), "pk")
        .first()
    )
    if claim is not None and claim.merged_into is not None:
        return claim.merged_into
    return claim


def _new_source(data, new_sources: dict, user) -> Source:
    """Return the source named in the row: one created for an earlier row, one that
    already has the name or the alias (SourceQuerySet.matching, the one matcher), or
    a new one."""
    name = names.match_name(data["new_source"])
    key = names.name_key(name)
    if key not in new_sources:
        new_sources[key] = _found_or_created(
            lambda: Source.objects.matching(name).first(),
            lambda: Source(
                name=name, slug=_free_slug(Source, name), kind=data["new_source_kind"]
            ),
            lambda source: source_services.source_save(source=source, user=user),
            busy="Others are saving sources with this name at this moment; save again.",
        )
    return new_sources[key]


def _free_slug(model, name: str) -> str:
    """The slug of `name`, or the first of name-2, name-3, … that no row has; the
    unique constraint settles a race (see _new_claim)."""
    base = slugify(name)[:190] or model._meta.model_name
    slug, n = base, 1
    while model._default_manager.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _add_errors(form, error: ValidationError, prefix: str = "") -> None:
    """Put a service's refusal on the form's fields where they exist."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        name = prefix + field if prefix + field in form.fields else field
        form.add_error(name if name in form.fields else None, messages)


def reading_view(model_admin, request):
    """Answer how a figure reads, as JSON, for the screen's live preview."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    text = request.GET.get("figure", "").strip()
    if not text:
        return JsonResponse({"reading": "", "error": ""})
    try:
        parsed = figures.parse_figure(text)
    except figures.FigureError as error:
        return JsonResponse({"reading": "", "error": str(error)})
    return JsonResponse({"reading": reading_of(parsed), "error": ""})


# The extraction assistant on this screen (issue 27): "Find figures" fills the rows
# with candidates and writes nothing; saving them goes through _save like any row,
# with the provenance below.


def _text_of(request, document) -> str:
    """Return the text figures are found in and quotes checked against: the stored
    text, or else the text pasted on the screen (when posted), or else the text
    extracted from the document's archived file."""
    if document.text.strip():
        return document.text
    if request.method == "POST":
        return request.POST.get("extraction_text", "").replace("\r\n", "\n")
    return extraction.document_text(document)


def find_view(model_admin, request, document, text, context):
    """Fill the rows with the candidates found in `text`, each marked in the text;
    or say why there are none. Nothing is written."""
    claim_initial = {
        name: request.POST.get(name)
        for name in LogClaimForm.base_fields
        if request.POST.get(name)
    }
    form_kwargs = {"document_text": text, "document_kind": document.kind}
    try:
        found = extraction.candidates(text, document=document)
    except extraction.ExtractionError as error:
        claim_form = LogClaimForm(initial=claim_initial)
        formset = LogFigureFormSet(form_kwargs=form_kwargs)
        context.update(
            document=document,
            extraction_error=str(error),
            claim_form=claim_form,
            formset=formset,
            media=claim_form.media + formset.media,
            reading_url=reverse("admin:claims_assertion_reading"),
        )
        return TemplateResponse(request, "admin/claims/assertion/log.html", context)
    limit = ExtractedFigureFormSet.max_num
    if len(found) > limit:
        context["extraction_note"] = (
            f"{len(found)} figures were found; the first {limit} are shown. "
            "Save them, then log the rest by hand."
        )
    found = found[:limit]
    guesses = Counter(c.claim.key for c in found if c.claim is not None)
    if guesses and "claim" not in claim_initial and "new_title" not in claim_initial:
        claim_initial["claim"] = guesses.most_common(1)[0][0]
    formset = ExtractedFigureFormSet(
        initial=[_row(candidate) for candidate in found], form_kwargs=form_kwargs
    )
    claim_form = LogClaimForm(initial=claim_initial)
    context.update(
        document=document,
        claim_form=claim_form,
        formset=formset,
        # The searchable source and claim boxes, as on the screen before.
        media=claim_form.media + formset.media,
        reading_url=reverse("admin:claims_assertion_reading"),
        **_found_context(text, formset),
    )
    return TemplateResponse(request, "admin/claims/assertion/log.html", context)


def _row(candidate) -> dict:
    """Return a candidate as a row's initial values, with the proposal signed."""
    proposal = {
        "figure": candidate.figure,
        "quote": candidate.quote,
        "source": candidate.source.key if candidate.source else "",
        "new_source": "" if candidate.source else candidate.source_written,
        "stated_on": candidate.stated_on.isoformat() if candidate.stated_on else "",
        "date_precision": candidate.date_precision or DatePrecision.DAY,
        "claim": candidate.claim.key if candidate.claim else "",
        "confidence": str(Decimal(str(candidate.confidence)).quantize(Decimal("0.01"))),
        "why": "; ".join(
            reason
            for reason in (
                candidate.confidence_reason,
                candidate.source_reason,
                candidate.date_reason,
                candidate.claim_reason or ("" if candidate.claim else "new claim"),
            )
            if reason
        ),
        "start": candidate.start,
        "end": candidate.end,
    }
    return {
        "source": proposal["source"] or None,
        "new_source": proposal["new_source"],
        "stated_on": candidate.stated_on,
        "date_precision": proposal["date_precision"],
        "figure": candidate.figure,
        "quote": candidate.quote,
        "claim": proposal["claim"] or None,
        "accept": True,
        "proposed": signing.dumps(proposal, salt=PROPOSAL_SALT),
    }


def _found_context(text: str, formset) -> dict:
    """Return the text cut into pieces, each candidate's figure marked, and what
    tells the page the rows came from extraction."""
    spans = []
    for form in formset:
        proposal = form.proposal()
        if proposal:
            spans.append((proposal["start"], proposal["end"]))
    return {"extracted": True, "marked": pieces(text, spans)}


def _same(value) -> str:
    return str(value or "").replace("\r\n", "\n").strip()


def provenance(form) -> dict:
    """Return the provenance fields of a row accepted from extraction: its
    confidence, and whether the researcher changed the figure, quote, source, date
    or claim from what was proposed. {} for a row logged by hand."""
    proposal = form.proposal() if hasattr(form, "proposal") else {}
    if not proposal:
        return {}
    data = form.cleaned_data
    saved = {
        "figure": data["figure"],
        "quote": data["quote"],
        "source": data["source"].pk if data["source"] else "",
        "new_source": "" if data["source"] else data["new_source"],
        "stated_on": data["stated_on"].isoformat(),
        "date_precision": data["date_precision"],
        "claim": data["claim"].pk if data.get("claim") else "",
    }
    edited = any(_same(value) != _same(proposal.get(k)) for k, value in saved.items())
    return {
        "extraction_confidence": Decimal(proposal["confidence"]),
        "extraction_edited": edited,
    }


def _keep_pasted_text(request, document) -> None:
    """Save the text pasted for a document with none as its text, through the
    document service, so the quotes are checked against it."""
    text = _text_of(request, document)
    if document.text.strip() or not text.strip():
        return
    try:
        extraction.check_text(text)
    except extraction.ExtractionError as error:
        raise ValidationError(f"The pasted text cannot be kept: {error}") from error
    document.text = text
    source_services.document_save(
        document=document, user=request.user, reason="Text added on the logging screen"
    )
