"""A finished import's page links to what it created; a refused file's page says
"Refused" and offers the upload again (claims/jobs/admin.py, issue 25)."""

import re

import pytest
from django.urls import reverse

from claims.jobs import tasks as jobs
from claims.jobs.models import JobKind
from claims.models import Assertion
from tests.factories import AssertionFactory
from tests.support.jobs import BAD, GOOD, IMPORT_URL, started

pytestmark = pytest.mark.django_db


def test_a_finished_import_links_to_the_figures_and_claims_it_created(
    researcher_client, researcher
):
    earlier = AssertionFactory()
    preview = started(GOOD, user=researcher)
    jobs.job_execute(job_id=preview.pk)
    preview.refresh_from_db()
    job = jobs.import_from_preview_start(preview=preview, user=researcher)
    jobs.job_execute(job_id=job.pk)

    page = researcher_client.get(
        reverse("admin:jobs_job_change", args=[job.pk])
    ).content.decode()
    links = dict(
        (label, url.replace("&amp;", "&"))
        for url, label in re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', page)
    )
    figures = researcher_client.get(links["The 1 figure it created"])
    claim = researcher_client.get(links["New claim “Tanks lost”"])

    assertion = Assertion.objects.exclude(pk=earlier.pk).get()
    assert f"/admin/claims/assertion/{assertion.pk}/change/" in (
        figures.content.decode()
    )
    assert f"/admin/claims/assertion/{earlier.pk}/change/" not in (
        figures.content.decode()
    )
    assert "1 assertion" in figures.content.decode()
    assert f"/admin/claims/claim/{assertion.claim.pk}/change/" in (
        claim.content.decode()
    )


def test_a_refused_file_says_refused_and_offers_the_upload_again(researcher_client):
    job = started(BAD, kind=JobKind.IMPORT_PREVIEW)
    jobs.job_execute(job_id=job.pk)

    page = researcher_client.get(
        reverse("admin:jobs_job_change", args=[job.pk])
    ).content.decode()

    assert '<td id="job-status">Refused</td>' in page
    assert "<td>3</td><td>stated_on</td>" in page
    assert f'action="{IMPORT_URL}"' in page
    assert 'type="file" name="file"' in page
