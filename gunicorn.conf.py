"""gunicorn's settings for claimtracker.

`gunicorn claimtracker.wsgi`, started in the project folder, reads this file: it is
the production configuration the docs give (docs/operations.md, "The processes") and
the one `make bench` serves with. An option on the command line, or in
GUNICORN_CMD_ARGS, overrides any of these; WEB_CONCURRENCY sets the worker count.
"""

import multiprocessing
import os

# One process more than the cores, each with 4 threads: a cached page waits on Redis
# and the database for much of its time, which other threads fill. Measured on the
# cached dense claim page on 2 cores, threads served 15-30 % more requests than one
# request per process (docs/performance.md, "Cached requests"). Each thread keeps its
# own database connection: PostgreSQL's max_connections must cover
# processes x threads on every app host, plus the workers and the sweep.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = 4

# Longer than any reader's query may run (CLAIMTRACKER_READER_STATEMENT_TIMEOUT_MS,
# 5 s): a slow page answers 503 before gunicorn would kill its worker.
timeout = 30
