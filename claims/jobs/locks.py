"""The site's import lock: CSV imports run one at a time, and the next one is told
who is importing and since when. This module alone writes the lock's row
(ImportLock, claims/jobs/models.py); the import holds it through `import_turn`."""

import time
from contextlib import contextmanager
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from claims.jobs.models import ImportLock


class ImportBusy(Exception):
    """Another import is running; imports run one at a time. Nothing was written."""

    def __init__(self, lock: ImportLock):
        self.holder, self.started_at = lock.holder, lock.started_at
        super().__init__(
            f"{lock.holder} is importing a file (since {lock.started_at:%H:%M:%S} "
            "UTC). Imports run one at a time; nothing of yours was written. Try "
            "again when theirs has finished."
        )


# A lock older than this belongs to an import whose process died: it is taken over.
STALE_LOCK = timedelta(hours=1)


# How often an import waiting for its turn looks at the lock again.
RETRY_SECONDS = 1.0


@contextmanager
def import_turn(user, wait: timedelta = timedelta(0)):
    """Hold the site's import lock while the block runs. While another import holds
    it, look again every second for up to `wait` (a job waits its turn; the command
    line does not), then raise ImportBusy.

    The lock row is committed on its own, before the import's transaction begins, so
    that other connections see it; it is removed however the import ends."""
    holder = str(user) if user is not None else "a command-line import"
    deadline = time.monotonic() + wait.total_seconds()
    while True:
        now = timezone.now()
        with transaction.atomic():
            ImportLock.objects.filter(started_at__lt=now - STALE_LOCK).delete()
            lock, created = ImportLock.objects.get_or_create(
                name="import", defaults={"holder": holder, "started_at": now}
            )
        if created:
            break
        if time.monotonic() >= deadline:
            raise ImportBusy(lock)
        time.sleep(RETRY_SECONDS)
    try:
        yield
    finally:
        ImportLock.objects.filter(pk=lock.pk).delete()
