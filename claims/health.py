"""Health answers for load balancers and monitoring (docs/traffic.md, "Health").

- `/healthz`: the process is up and answering. It touches neither the database nor
  the cache, so it stays fast when they are slow.
- `/readyz`: the process can serve: the database answers, the cache keeps a value,
  and the oldest queued job has waited no longer than CLAIMTRACKER_READY_QUEUE_MINUTES
  (workers are working). 200 when all hold, else 503, naming the check that failed.

Answered by a middleware first in the chain: a probe comes from the load balancer by
address, over plain HTTP, with no cookies, so it must not meet the host check, the
HTTPS redirect or the session. Neither answer is cached, and neither names a version,
a host or a setting.
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
NOT_CACHED = {"Cache-Control": "no-store"}


def _answer(status: int, body: dict) -> HttpResponse:
    return HttpResponse(
        json.dumps(body),
        status=status,
        content_type="application/json",
        headers=NOT_CACHED,
    )


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def _cache() -> bool:
    probe = secrets.token_hex(8)
    try:
        cache.set("health:probe", probe, 10)
        return cache.get("health:probe") == probe
    except Exception:  # any cache backend's connection error
        return False


def _oldest_queued_seconds() -> int | None:
    """Return how long the oldest job ready to run has waited, in seconds."""
    oldest = (
        DBTaskResult.objects.ready()
        .order_by("enqueued_at")
        .values_list("enqueued_at", flat=True)
        .first()
    )
    if oldest is None:
        return 0
    return int((timezone.now() - oldest).total_seconds())


def readiness() -> tuple[int, dict]:
    """Return the status and body of /readyz."""
    checks = {"database": "ok" if _database() else "failing"}
    checks["cache"] = "ok" if _cache() else "failing"
    age = None
    if checks["database"] == "ok":
        try:
            age = _oldest_queued_seconds()
        except DatabaseError:
            checks["database"] = "failing"
    limit = timedelta(minutes=settings.CLAIMTRACKER_READY_QUEUE_MINUTES)
    if age is None:
        checks["queue"] = "unknown"
    else:
        stalled = limit.total_seconds() > 0 and age > limit.total_seconds()
        checks["queue"] = "stalled" if stalled else "ok"
        checks["oldest_queued_seconds"] = age
    failing = [name for name in ("database", "cache", "queue") if checks[name] != "ok"]
    checks["status"] = "ok" if not failing else "failing"
    return (503 if failing else 200), checks


class HealthMiddleware:
    """Answer /healthz and /readyz before any other middleware runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == HEALTH_PATH:
            return _answer(200, {"status": "ok"})
        if request.path_info == READY_PATH:
            return _answer(*readiness())
        return self.get_response(request)
