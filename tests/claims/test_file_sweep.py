"""`sweep_jobs` deletes the uploads and exports nobody needs any more (issue 28:
"Exports and uploads are never cleaned up")."""

import os
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from claims.jobs.models import Job, JobKind, JobStatus

pytestmark = pytest.mark.django_db


def written(name: str, *, days_old: int) -> str:
    name = default_storage.save(name, ContentFile(b"claim,source\n"))
    moment = (timezone.now() - timedelta(days=days_old)).timestamp()
    os.utime(default_storage.path(name), (moment, moment))
    return name


def job(kind, name, *, days_ago, status=JobStatus.SUCCEEDED) -> Job:
    return Job.objects.create(
        kind=kind,
        status=status,
        file=name,
        finished_at=timezone.now() - timedelta(days=days_ago),
    )


def test_old_uploads_and_unnamed_files_go_and_the_rest_stay(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.CLAIMTRACKER_FILE_KEEP_DAYS = 30
    old_import = job(
        JobKind.IMPORT, written("imports/old.csv", days_old=40), days_ago=40
    )
    new_import = job(JobKind.IMPORT, written("imports/new.csv", days_old=1), days_ago=1)
    export = job(JobKind.EXPORT, written("exports/kept.csv", days_old=90), days_ago=90)
    orphan = written("exports/deleted-job.csv", days_old=31)
    fresh_orphan = written("imports/just-uploaded.csv", days_old=0)

    call_command("sweep_jobs", "--dry-run", verbosity=0)
    assert default_storage.exists(orphan)

    call_command("sweep_jobs", verbosity=0)

    old_import.refresh_from_db()
    assert not old_import.file and not default_storage.exists("imports/old.csv")
    assert not default_storage.exists(orphan)
    for kept in (new_import.file.name, export.file.name, fresh_orphan):
        assert default_storage.exists(kept)
