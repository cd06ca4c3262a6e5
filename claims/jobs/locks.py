"""The site's import lock: CSV imports run one at a time, and the next one is told
who is importing and since when. This module alone writes the lock's row
(ImportLock, claims/jobs/models.py); the import holds it through `import_turn`.

The lock belongs to a live process: its row records the holder's pid and host name
(and its job, when the import runs as one), and a thread of the holder renews its
heartbeat every HEARTBEAT seconds. The lock is free when its holder has died:

- on the same host, when the pid is gone (or a zombie), or its job has ended;
- from another host, when the heartbeat is older than STALE_LOCK.

A live import keeps the lock however long it runs. A preview takes no lock at all
(claims/interchange/imports.py). `locks_sweep` (run by `sweep_jobs`) clears the
locks of dead holders; the next import clears one too, before it takes its turn.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from django.db import (
    DatabaseError,
    IntegrityError,
    OperationalError,
    connections,
    transaction,
)
from django.utils import timezone
from django_tasks_db.utils import is_locked_database_exception

from claims.jobs.models import ImportLock, Job, JobStatus

logger = logging.getLogger(__name__)

# How often the holder renews the lock's heartbeat, in seconds.
HEARTBEAT = 10
# A lock whose holder runs on another host, and whose heartbeat is older than this,
# belongs to a dead process. (On its own host a holder is judged by its pid, never
# by its heartbeat: SQLite cannot write the heartbeat during an import's write.)
# How often an import that waits its turn looks at the lock again.
RETRY_SECONDS = 1.0
STALE_LOCK = timedelta(minutes=2)


class ImportBusy(Exception):
    """Another import is running; imports run one at a time. Nothing was written."""

    def __init__(self, lock: ImportLock | None):
        if lock is None:  # SQLite's one writer, held by a save of any kind
            self.holder, self.started_at = "", None
            super().__init__(
                "The database is busy with another write (SQLite takes one at a "
                "time); nothing of yours was written. Try again in a moment."
            )
            return
        self.holder, self.started_at = lock.holder, lock.started_at
        super().__init__(
            f"{lock.holder} is importing a file (since {lock.started_at:%H:%M:%S} "
            "UTC). Imports run one at a time; nothing of yours was written. Try "
            "again when theirs has finished."
        )


def this_host() -> str:
    return socket.gethostname()[:255]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    try:  # a killed child its parent has not reaped yet is dead too
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def holder_alive(lock: ImportLock, *, now=None) -> bool:
    """Whether the process holding `lock` is still alive (see the module's doc)."""
    now = now or timezone.now()
    if lock.job_id is not None:
        ended = Job.objects.filter(
            pk=lock.job_id, status__in=[JobStatus.SUCCEEDED, JobStatus.FAILED]
        ).exists()
        if ended:
            return False
    if lock.pid and lock.hostname == this_host():
        return _pid_alive(lock.pid)
    return lock.heartbeat_at >= now - STALE_LOCK


@contextmanager
def import_turn(user, *, job_id: int | None = None, wait: timedelta = timedelta(0)):
    """Hold the site's import lock while the block runs, or raise ImportBusy. While
    another live import holds it, look again every RETRY_SECONDS for up to `wait` (a
    job waits its turn behind another worker's import; the command line does not).

    The lock row is committed on its own, before the import's transaction begins, so
    that other connections see it; its heartbeat is renewed while the block runs, and
    it is removed however the import ends. A lock whose holder has died is cleared
    first."""
    holder = str(user) if user is not None else "a command-line import"
    deadline = time.monotonic() + wait.total_seconds()
    while True:
        lock, busy = _take(holder, job_id)
        if lock is not None:
            break
        if time.monotonic() >= deadline:
            raise ImportBusy(busy)
        time.sleep(RETRY_SECONDS)
    beat = _Heartbeat(lock.pk)
    beat.start()
    try:
        yield lock
    finally:
        beat.stop()
        ImportLock.objects.filter(pk=lock.pk).delete()


# What stands in the way when SQLite's writer is held by no import.
BUSY_DATABASE = None


def _take(holder: str, job_id: int | None):
    """Take the lock if it is free (or its holder has died); return (lock, None),
    or (None, the lock that stands in the way). On SQLite, a database whose one
    writer another connection holds stands in the way too: the live import that
    holds the lock, else BUSY_DATABASE (a save of another kind); the command line
    says which and a job waits its turn, where "database is locked" ended both."""
    now = timezone.now()
    try:
        return _take_now(holder, job_id, now)
    except OperationalError as error:
        if not is_locked_database_exception(error):
            raise
        # An import holding the lock is named; else the writer is a save of
        # another kind, which no lock row names (BUSY_DATABASE).
        current = ImportLock.objects.filter(name="import").first()
        if current is not None and holder_alive(current, now=now):
            return None, current
        return None, BUSY_DATABASE


def _take_now(holder: str, job_id: int | None, now):
    with transaction.atomic():
        current = ImportLock.objects.select_for_update().filter(name="import").first()
        if current is not None and not holder_alive(current, now=now):
            logger.warning("Import lock of a dead holder cleared: %s", _held(current))
            ImportLock.objects.filter(pk=current.pk).delete()
            current = None
        if current is not None:
            return None, current
        try:
            with transaction.atomic():
                return ImportLock.objects.create(
                    name="import",
                    holder=holder,
                    started_at=now,
                    heartbeat_at=now,
                    pid=os.getpid(),
                    hostname=this_host(),
                    job_id=job_id,
                ), None
        except IntegrityError:  # another import took it a moment ago
            return None, ImportLock.objects.filter(name="import").first() or (
                ImportLock(holder="another import", started_at=now)
            )


def locks_sweep(*, dry_run: bool = False) -> list[str]:
    """Clear the import locks whose holders have died; return what each was."""
    cleared = []
    now = timezone.now()
    for lock in ImportLock.objects.all():
        if holder_alive(lock, now=now):
            continue
        if not dry_run:
            with transaction.atomic():
                gone, _ = ImportLock.objects.filter(
                    pk=lock.pk, heartbeat_at=lock.heartbeat_at
                ).delete()
            if not gone:
                continue
        cleared.append(_held(lock))
    return cleared


def _held(lock: ImportLock) -> str:
    job = f", job #{lock.job_id}" if lock.job_id else ""
    return (
        f"{lock} (pid {lock.pid} on {lock.hostname or 'an unknown host'}{job}, "
        f"last heartbeat {lock.heartbeat_at:%Y-%m-%d %H:%M:%S} UTC)"
    )


class _Heartbeat:
    """Renew the lock's heartbeat every HEARTBEAT seconds, from a thread with its own
    database connection (outside the import's transaction)."""

    def __init__(self, lock_id: int):
        self.lock_id = lock_id
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._loop, name=f"import-lock-{lock_id}", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        try:
            while not self._stop.wait(HEARTBEAT):
                self._beat()
        finally:
            connections.close_all()  # this thread's own connections

    def _beat(self) -> None:
        try:
            connection = connections["default"]
            if connection.vendor == "sqlite":
                # While the import's write transaction holds SQLite's only write
                # lock, give up quickly and try again next time.
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA busy_timeout = 500")
            ImportLock.objects.filter(pk=self.lock_id).update(
                heartbeat_at=timezone.now()
            )
        except DatabaseError as error:
            logger.debug("Import lock heartbeat not written (%s)", error)
