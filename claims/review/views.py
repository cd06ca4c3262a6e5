"""The editors' review pages: the queue, one discrepancy, its judgement, and one
figure, to set it aside for its claim or count it again."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views import View
from django.views.generic import DetailView
from django.views.generic.detail import SingleObjectMixin
from django_filters.views import FilterView

from claims.concurrency import EditConflict
from claims.models import Assertion, Discrepancy
from claims.pagination import CappedPaginator
from claims.pipeline import services as pipeline_services
from claims.review import selectors, services
from claims.review.filters import DiscrepancyFilter
from claims.review.forms import AssignForm, JudgementForm, RestoreForm, SetAsideForm


class ReviewQueueView(PermissionRequiredMixin, FilterView):
    """The editors' queue: every live discrepancy, widest spread first."""

    permission_required = "claims.judge_discrepancy"
    filterset_class = DiscrepancyFilter
    template_name = "review/discrepancy_list.html"
    paginate_by = 30
    # Counting every live discrepancy read them all (5 ms of the page at 43,000);
    # past CLAIMTRACKER_LIST_COUNT_CAP the queue says "more than" and pages on.
    paginator_class = CappedPaginator

    def get_queryset(self):
        return Discrepancy.objects.for_queue()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        page.object_list = selectors.with_figures(page.object_list)
        context["object_list"] = page.object_list
        return context


class DiscrepancyDetailView(PermissionRequiredMixin, DetailView):
    """Both figures side by side, the chart marking them, the judgement form."""

    permission_required = "claims.judge_discrepancy"
    template_name = "review/discrepancy_detail.html"

    def get_queryset(self):
        return Discrepancy.objects.with_pair()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = {"version": self.object.version}
        context.setdefault(
            "form", JudgementForm(initial=version, discrepancy=self.object)
        )
        context.setdefault(
            "assign_form",
            AssignForm(initial={**version, "assigned_to": self.object.assigned_to}),
        )
        context["page"] = selectors.review_page(self.object)
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = JudgementForm(request.POST, discrepancy=self.object)
        if form.is_valid():
            try:
                services.discrepancy_judge(
                    discrepancy=self.object,
                    state=form.cleaned_data["state"],
                    note=form.cleaned_data["note"],
                    favoured=form.cleaned_data["favoured"],
                    user=request.user,
                    version=form.cleaned_data["version"],
                    set_aside_reason=form.cleaned_data["set_aside_reason"],
                )
            except EditConflict as conflict:
                # Show the discrepancy as it now is, keeping the editor's input.
                self.object = self.get_object()
                data = request.POST.copy()
                data["version"] = self.object.version
                form = JudgementForm(data, discrepancy=self.object)
                form.is_valid()
                form.add_error(None, conflict.messages)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "Judgement recorded.")
                return redirect(self.object.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form), status=400)


class DiscrepancyAssignView(PermissionRequiredMixin, SingleObjectMixin, View):
    permission_required = "claims.judge_discrepancy"
    model = Discrepancy
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        discrepancy = self.get_object()
        form = AssignForm(request.POST)
        if request.POST.get("to_me"):
            form = AssignForm(
                {"assigned_to": request.user.pk, "version": request.POST.get("version")}
            )
        if form.is_valid():
            try:
                services.discrepancy_assign(
                    discrepancy=discrepancy,
                    assignee=form.cleaned_data["assigned_to"],
                    user=request.user,
                    version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, "Assignment saved.")
        elif "version" in form.errors:
            messages.error(
                request, "The page was out of date; reload it and try again."
            )
        else:
            messages.error(request, "Choose an editor from the list.")
        return redirect(discrepancy.get_absolute_url())


class FigureView(PermissionRequiredMixin, DetailView):
    """One figure: whether it counts for its claim, its set-aside record, and the
    form that sets it aside (with the reason readers see) or counts it again."""

    permission_required = "claims.judge_discrepancy"
    template_name = "review/figure_detail.html"
    context_object_name = "assertion"

    def get_queryset(self):
        return Assertion.objects.on_record().with_related()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("set_aside_form", SetAsideForm())
        context.setdefault("restore_form", RestoreForm())
        context["page"] = selectors.figure_page(self.object)
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if request.POST.get("action") == "restore":
            form, name = RestoreForm(request.POST), "restore_form"
        else:
            form, name = SetAsideForm(request.POST), "set_aside_form"
        refused: list[str] = []
        if form.is_valid():
            try:
                if name == "restore_form":
                    pipeline_services.assertion_restore(
                        assertion=self.object,
                        user=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                    done = f"“{self.object.figure}” counts again."
                else:
                    pipeline_services.assertion_set_aside(
                        assertion=self.object,
                        reason=form.cleaned_data["set_aside_reason"],
                        user=request.user,
                    )
                    done = f"“{self.object.figure}” is set aside for the claim."
            except ValidationError as error:
                # Shown above the forms: the figure is drawn as it now is (another
                # editor may have moved it), perhaps without the form that was sent.
                refused = error.messages
                self.object = self.get_object()
            else:
                messages.success(request, done)
                return redirect("review:figure", pk=self.object.pk)
        context = self.get_context_data(**{name: form}, refused=refused)
        return self.render_to_response(context, status=400)


def _add_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields, or on the form."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)
