"""The screen for logging figures from one document: the document's text on one side,
the figures being added on the other, each with how it reads before it is saved.

Without JavaScript the Preview button shows every row's reading; with it,
static/js/figure-log.js asks `reading_view` as the figure is typed. Saving writes
through the same services as every other form, in one transaction: a new claim, new
sources, then the assertions, with the model's rules and history."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import slugify

from claims.admin.forms import LogClaimForm, LogFigureFormSet, reading_of
from claims.domain import figures
from claims.models import Assertion, Claim
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
        context["chooser"] = chooser
        return TemplateResponse(request, "admin/claims/assertion/log.html", context)
    document = chooser.cleaned_data["document"]
    bound = request.method == "POST"
    claim_form = LogClaimForm(request.POST if bound else None)
    form_kwargs = {"document_text": document.text, "document_kind": document.kind}
    formset = LogFigureFormSet(request.POST if bound else None, form_kwargs=form_kwargs)
    if bound and "more" in request.POST:
        formset = _with_more_rows(formset, request.POST, form_kwargs)
    elif bound and claim_form.is_valid() and formset.is_valid():
        rows = [form for form in formset if form.has_changed()]
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
        reading_url=reverse("admin:claims_assertion_reading"),
    )
    return TemplateResponse(request, "admin/claims/assertion/log.html", context)


def _with_more_rows(formset, data, form_kwargs):
    """Return the formset again with two more blank rows, keeping what was typed."""
    data = data.copy()
    total = formset.add_prefix("TOTAL_FORMS")
    data[total] = str(int(data.get(total) or 0) + 2)
    more = LogFigureFormSet(data, form_kwargs=form_kwargs)
    more.is_valid()  # show readings and problems of the rows typed so far
    return more


def _save(request, document, claim_form, rows) -> list[Assertion] | None:
    """Write the claim, the new sources and the assertions in one transaction; on a
    refusal, put the service's messages on the row and field they name."""
    try:
        with transaction.atomic():
            claim = claim_form.cleaned_data["claim"] or _new_claim(
                claim_form, request.user
            )
            new_sources: dict[str, Source] = {}
            saved = []
            for form in rows:
                data = form.cleaned_data
                try:
                    source = data["source"] or _new_source(
                        data, new_sources, request.user
                    )
                    assertion = services.assertion_save(
                        assertion=Assertion(
                            claim=claim,
                            source=source,
                            document=document,
                            stated_on=data["stated_on"],
                            date_precision=data["date_precision"],
                            figure=data["figure"],
                            quote=data["quote"],
                            locator=data["locator"],
                            quote_match_confirmed=data["quote_match_confirmed"],
                        ),
                        user=request.user,
                    )
                except ValidationError as error:
                    _add_errors(form, error)
                    raise _RolledBack from error
                saved.append(assertion)
    except _RolledBack:
        return None
    except ValidationError as error:  # the new claim
        _add_errors(claim_form, error, prefix="new_")
        return None
    return saved


def _new_claim(claim_form, user) -> Claim:
    data = claim_form.cleaned_data
    claim = Claim(
        title=data["new_title"],
        slug=_free_slug(Claim, data["new_title"]),
        unit=data["new_unit"],
        topic=data["new_topic"],
    )
    return services.claim_save(claim=claim, user=user)


def _new_source(data, new_sources: dict, user) -> Source:
    """Return the source named in the row: one created for an earlier row, one that
    already has the name or the alias (SourceQuerySet.matching, the one matcher), or
    a new one."""
    name = names.match_name(data["new_source"])
    key = names.name_key(name)
    if key not in new_sources:
        existing = Source.objects.matching(name).first()
        new_sources[key] = existing or source_services.source_save(
            source=Source(
                name=name, slug=_free_slug(Source, name), kind=data["new_source_kind"]
            ),
            user=user,
        )
    return new_sources[key]


def _free_slug(model, name: str) -> str:
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
