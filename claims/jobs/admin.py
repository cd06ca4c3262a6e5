"""The admin's jobs: the list of background jobs, each job's page (progress, then its
result or its errors by line), and the buttons that start one."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from claims.jobs import tasks as jobs
from claims.jobs.models import Job, JobKind, JobStatus

# The jobs a researcher may start from the jobs list (imports start from an upload).
STARTABLE = {JobKind.DETECT, JobKind.REPARSE, JobKind.EXPORT}


def import_preview_start(request, upload):
    """Store an uploaded CSV and start its preview; return the job page's redirect.
    (The admin's import view calls this once the upload passes its form.)"""
    job = jobs.job_start(kind=JobKind.IMPORT_PREVIEW, user=request.user, upload=upload)
    return redirect("admin:jobs_job_change", job.pk)


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "status",
        "phase",
        "progress",
        "created_by",
        "created_at",
        "finished_at",
    ]
    list_filter = ["kind", "status"]
    list_select_related = ["created_by"]
    search_fields = ["file_name", "created_by__username"]
    date_hierarchy = "created_at"
    change_list_template = "admin/jobs/job/change_list.html"

    def has_add_permission(self, request):
        return False  # jobs start from an upload or a button, never from a form

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # nothing is deleted: a job is the record of what was done

    @admin.display(description="rows")
    def progress(self, job):
        return _rows(job)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:job_id>/import/",
                view(require_POST(self.import_view)),
                name="jobs_job_import",
            ),
            path(
                "<int:job_id>/cancel/",
                view(require_POST(self.cancel_view)),
                name="jobs_job_cancel",
            ),
            path(
                "<int:job_id>/download/",
                view(self.download_view),
                name="jobs_job_download",
            ),
            path(
                "start/<str:kind>/",
                view(require_POST(self.start_view)),
                name="jobs_job_start",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_start": _may_start(request.user),
            "startable": [(k, JobKind(k).label) for k in sorted(STARTABLE)],
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The job's page: how far it has come, then how it ended."""
        job = self.get_object(request, object_id)
        if job is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, job):
            raise PermissionDenied
        imported = (
            job.imports.exclude(status=JobStatus.FAILED).first()
            if job.kind == JobKind.IMPORT_PREVIEW
            else None
        )
        context = {
            **self.admin_site.each_context(request),
            "title": str(job),
            "opts": self.opts,
            "job": job,
            "rows": _rows(job),
            "percent": _percent(job),
            "is_live": not job.is_done,
            "imported": imported,
            "can_import": (
                job.kind == JobKind.IMPORT_PREVIEW
                and job.status == JobStatus.SUCCEEDED
                and imported is None
                and _may_import(request.user)
            ),
            "preview": job.preview,
            "can_cancel": not job.is_done
            and job.cancel_requested_at is None
            and _may_start_kind(request.user, job.kind),
            "refused": _is_refused(job),
            "created": _created_links(job),
        }
        return TemplateResponse(request, "admin/jobs/job/job.html", context)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by", "preview")

    def import_view(self, request, job_id):
        """Start the import of a previewed file, then show its job."""
        if not _may_import(request.user):
            raise PermissionDenied
        preview = get_object_or_404(Job, pk=job_id)
        try:
            job = jobs.import_from_preview_start(preview=preview, user=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return redirect("admin:jobs_job_change", preview.pk)
        return redirect("admin:jobs_job_change", job.pk)

    def cancel_view(self, request, job_id):
        """Cancel a queued job, or ask a running one to stop; then show it."""
        job = get_object_or_404(Job, pk=job_id)
        if not _may_start_kind(request.user, job.kind):
            raise PermissionDenied
        try:
            job = jobs.job_cancel(job=job, user=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(
                request,
                "The job was cancelled."
                if job.is_done
                else "The job was asked to stop: it stops at its next batch of "
                "rows and writes nothing.",
                messages.SUCCESS,
            )
        return redirect("admin:jobs_job_change", job.pk)

    def download_view(self, request, job_id):
        """The file an export job wrote."""
        job = get_object_or_404(Job, pk=job_id)
        if not self.has_view_permission(request, job):
            raise PermissionDenied
        if job.kind != JobKind.EXPORT or job.status != JobStatus.SUCCEEDED:
            raise Http404("This job wrote no file.")
        return FileResponse(
            job.file.open("rb"),
            as_attachment=True,
            filename=job.file.name.rsplit("/", 1)[-1],
            content_type="text/csv; charset=utf-8",
        )

    def start_view(self, request, kind):
        if kind not in STARTABLE:
            raise PermissionDenied
        if not _may_start(request.user):
            raise PermissionDenied
        job = jobs.job_start(kind=kind, user=request.user)
        return redirect(reverse("admin:jobs_job_change", args=[job.pk]))


def _is_refused(job) -> bool:
    """Whether an import's file was refused for its problems (listed by line), as
    against a job that failed for another reason."""
    return (
        job.kind in (JobKind.IMPORT, JobKind.IMPORT_PREVIEW)
        and job.status == JobStatus.FAILED
        and bool(job.errors)
    )


def _created_links(job) -> list[tuple[str, str]]:
    """Return links to what a finished import wrote: the figures created while it
    ran, the claims it touched, and each new claim by its title (from its preview)."""
    if not (
        job.kind == JobKind.IMPORT
        and job.status == JobStatus.SUCCEEDED
        and job.started_at
        and job.finished_at
    ):
        return []
    span = {"gte": job.started_at.isoformat(), "lte": job.finished_at.isoformat()}
    figures = reverse("admin:claims_assertion_changelist")
    claims = reverse("admin:claims_claim_changelist")
    assertions = job.result.get("assertions", 0)
    links = [
        (
            f"The {assertions:,} figure{'s' if assertions != 1 else ''} it created",
            figures + "?" + urlencode({f"created_at__{k}": v for k, v in span.items()}),
        ),
        (
            "The claims it added figures to",
            claims + "?" + urlencode({f"updated_at__{k}": v for k, v in span.items()}),
        ),
    ]
    new_claims = (job.preview.result if job.preview else {}).get("new_names", {})
    for new in new_claims.get("claims", []):
        links.append(
            (f"New claim “{new['name']}”", claims + "?" + urlencode({"q": new["name"]}))
        )
    return links


def _may_import(user) -> bool:
    return user.has_perms(["jobs.add_job", "claims.add_assertion"])


def _may_start(user) -> bool:
    return user.has_perms(["jobs.add_job", "claims.change_assertion"])


def _may_start_kind(user, kind: str) -> bool:
    """Who may start a job of this kind (and so may cancel one)."""
    if kind in (JobKind.IMPORT, JobKind.IMPORT_PREVIEW):
        return _may_import(user)
    return _may_start(user)


def _percent(job) -> int | None:
    """Return how far an import or preview has gone, in percent, once its total is
    known, else None: rows checked of a preview; of an import, its rows checked then
    written, each pass half the bar (checking is the longer, since the rows are
    written with COPY: docs/performance.md, "Imports")."""
    if job.rows_total is None or job.kind not in (
        JobKind.IMPORT,
        JobKind.IMPORT_PREVIEW,
    ):
        return None
    if job.rows_total == 0 or job.status == JobStatus.SUCCEEDED:
        return 100
    if job.kind == JobKind.IMPORT:
        done, total = job.rows_checked + job.rows_written, 2 * job.rows_total
    else:
        done, total = job.rows_checked, job.rows_total
    return min(100, done * 100 // total)


def _rows(job) -> str:
    checked = f"{job.rows_checked:,}"
    if job.rows_total is not None:
        checked += f" of {job.rows_total:,}"
    if job.kind not in (JobKind.IMPORT, JobKind.IMPORT_PREVIEW):
        return "—"
    text = f"{checked} checked"
    if job.kind == JobKind.IMPORT:
        text += f", {job.rows_written:,} written"
    return text
