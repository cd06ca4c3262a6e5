"""/healthz and /readyz (claims/health.py): fast, uncached, and telling nothing but
whether the process can serve."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from claims.jobs import tasks


def test_healthz_answers_without_touching_the_database(client, db):
    with CaptureQueriesContext(connection) as queries:
        answer = client.get("/healthz")

    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}
    assert len(queries) == 0


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_are_never_cached_and_name_no_version(client, db, path):
    answer = client.get(path)

    assert answer["Cache-Control"] == "no-store"
    assert "Vary" not in answer
    assert "version" not in answer.content.decode().lower()
    assert "django" not in answer.content.decode().lower()


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_answer_a_load_balancer_by_address_over_plain_http(
    client, db, settings, path
):
    # Production: a host list that names the site, and the HTTPS redirect on.
    settings.ALLOWED_HOSTS = ["claims.example.org"]
    settings.SECURE_SSL_REDIRECT = True

    answer = client.get(path, HTTP_HOST="10.0.0.12:8000")

    assert answer.status_code == 200


def test_readyz_checks_the_database_the_cache_and_the_queue(
    client, db, django_assert_num_queries
):
    with django_assert_num_queries(2):  # SELECT 1, and the oldest queued job
        answer = client.get("/readyz")

    assert answer.status_code == 200
    assert answer.json() == {
        "database": "ok",
        "cache": "ok",
        "queue": "ok",
        "oldest_queued_seconds": 0,
        "status": "ok",
    }


def queued_job(minutes_ago: int) -> None:
    DBTaskResult.objects.create(
        task_path=f"{tasks.__name__}.job_run",
        args_kwargs={"args": [1], "kwargs": {}},
        backend_name="default",
        run_after=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )
    DBTaskResult.objects.update(
        enqueued_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )


def test_readyz_fails_when_the_oldest_queued_job_has_waited_too_long(
    client, db, settings
):
    settings.CLAIMTRACKER_READY_QUEUE_MINUTES = 15
    queued_job(minutes_ago=20)

    answer = client.get("/readyz")

    assert answer.status_code == 503
    assert answer.json()["queue"] == "stalled"
    assert answer.json()["oldest_queued_seconds"] >= 20 * 60


def test_readyz_reports_the_queue_without_failing_on_it_when_told(client, db, settings):
    settings.CLAIMTRACKER_READY_QUEUE_MINUTES = 0
    queued_job(minutes_ago=20)

    answer = client.get("/readyz")

    assert answer.status_code == 200
    assert answer.json()["oldest_queued_seconds"] >= 20 * 60


def test_readyz_fails_when_the_cache_keeps_nothing(client, db, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    }

    answer = client.get("/readyz")

    assert answer.status_code == 503
    assert answer.json()["cache"] == "failing"
