"""`manage.py db_worker`: django-tasks-db's worker, which never exits because the
database is busy.

On SQLite one writer holds the database at a time: while a long import writes, the
worker's poll for the next task (an exclusive transaction) waits
CLAIMTRACKER_SQLITE_TIMEOUT seconds and then gets "database is locked". The stock
worker ignores that inside its poll but not when the transaction begins, and exits;
the admin's jobs then wait for ever. This worker catches a locked database wherever
it meets it between tasks, waits (0.5 s, doubling up to MAX_BACKOFF), and polls
again. Any other error still stops it, for its supervisor to restart.

This app comes before django_tasks_db in INSTALLED_APPS, so this command is the one
`manage.py db_worker` runs; it takes the same options."""

import logging
import os
import time

from django.core.management.base import CommandError
from django.db import connections
from django.db.utils import OperationalError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker as stock
from django_tasks_db.utils import is_locked_database_exception

logger = logging.getLogger("claims.jobs.worker")

FIRST_BACKOFF = 0.5
MAX_BACKOFF = 5.0


class PatientWorker(stock.Worker):
    """A worker that waits out a locked database instead of exiting."""

    def run(self) -> None:
        backoff = FIRST_BACKOFF
        while self.running:
            try:
                return super().run()
            except OperationalError as error:
                if not is_locked_database_exception(error):
                    raise
                logger.warning(
                    "The database is busy (%s); polling again in %.1f s.",
                    error,
                    backoff,
                )
                connections.close_all()  # begin again on a fresh connection
                time.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)


class Command(stock.Command):
    help = stock.Command.help

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        **options,
    ):
        # The stock handle() with PatientWorker in place of its Worker.
        self.configure_logging(verbosity)
        if reload and batch:
            logger.warning("--reload and --batch cannot be used together: no reload.")
            reload = False
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = PatientWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
