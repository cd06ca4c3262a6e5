"""Archived document files, served as downloads: never rendered as a page from the
site's origin (attachment, nosniff, a sandboxing CSP)."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404

from sources import archive
from sources.models import DocumentFile
from sources.services import archive_storage

# Nothing in a served file may run or load anything, should a browser render it.
SANDBOX = "sandbox; default-src 'none'"


def file_download(request, sha256: str):
    """Send an archived file as an attachment: to staff with the permission always,
    to readers when its document's files are public.

    Whoever may not see private files gets the same answer for a private file and
    for a hash nobody archived (the sign-in page, or 403 when signed in), so the
    answer never tells them which files exist; staff who may see them get 404 for an
    unknown hash."""
    row = DocumentFile.objects.select_related("document").filter(sha256=sha256).first()
    if (row is None or not row.document.files_public) and not request.user.has_perm(
        "sources.view_documentfile"
    ):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    if row is None:
        raise Http404("No such file.")
    content_type = (
        "application/octet-stream"
        if row.content_type in archive.UNSAFE_TO_SHOW
        else row.content_type
    )
    response = FileResponse(
        archive_storage().open(row.storage_name),
        as_attachment=True,
        filename=row.original_name or row.sha256,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX
    response["Cache-Control"] = (
        "private, no-store"
        if not row.document.files_public
        else "public, max-age=86400"
    )
    return response
