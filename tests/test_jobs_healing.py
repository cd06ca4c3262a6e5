"""Jobs and locks that heal, with real processes on scratch databases (issue 28): an
import killed with SIGKILL leaves a lock the next import clears at once and the
sweep sees; a running import job is cancelled and writes nothing; on SQLite the
worker waits out a database held busy for longer than its timeout, then runs a job."""

import contextlib
import signal
import sqlite3
import subprocess
import sys
import time

import psycopg
import pytest

from claims.interchange.synthetic import synthetic_csv_write
from tests import scratch, test_jobs_worker
from tests.test_faults import TABLES, wal_size, writing_has_begun
from tests.test_jobs_worker import queue_import, watch, worker

# The scratch databases and media folder of the worker's tests.
templates = test_jobs_worker.templates
database = test_jobs_worker.database
media = test_jobs_worker.media


def execute(database, statement: str) -> None:
    if database.engine == "sqlite":
        with contextlib.closing(sqlite3.connect(database.name, timeout=30)) as c:
            c.execute(statement)
            c.commit()
    else:
        with psycopg.connect(database.url, autocommit=True) as connection:
            connection.execute(statement)


def test_an_import_killed_outright_does_not_block_the_next_one(
    database, media, tmp_path
):
    path = tmp_path / "big.csv"
    synthetic_csv_write(path=path, count=40_000)
    small = tmp_path / "small.csv"
    synthetic_csv_write(path=small, count=20)
    wal_before = wal_size(database) if database.engine == "sqlite" else 0
    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_assertions", str(path)],
        cwd=scratch.ROOT,
        env=scratch.environment(database.url, **media),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not writing_has_begun(database, wal_before):
        assert process.poll() is None, "the import ended before it was killed"
        assert time.monotonic() < deadline, "the import never started writing"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    before = {table: database.count(table) for table in TABLES}
    assert database.count("claims_importlock") == 1  # left behind by the dead

    swept = scratch.manage(database.url, "sweep_jobs", "--dry-run", **media)
    started = time.monotonic()
    second = scratch.manage(database.url, "import_assertions", str(small), **media)

    assert "Would free the lock of a dead import" in swept.stdout
    assert "Imported 20 rows" in second.stdout
    assert time.monotonic() - started < 60  # at once, not after an hour
    assert database.count("claims_assertion") == before["claims_assertion"] + 20
    assert database.count("claims_importlock") == 0


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_a_running_import_job_cancelled_stops_and_writes_nothing(
    database, media, tmp_path
):
    path = tmp_path / "big.csv"
    synthetic_csv_write(path=path, count=40_000)
    before = {table: database.count(table) for table in TABLES}

    with worker(database, media) as process:
        job_id = queue_import(database, media, path)
        deadline = time.monotonic() + 120
        while not writing_has_begun(database):
            assert process.poll() is None, process.stderr.read()
            assert time.monotonic() < deadline, "the import never started writing"
            time.sleep(0.02)
        # What the page's button does (claims.jobs.tasks.job_cancel), from outside.
        execute(
            database,
            f"UPDATE claims_job SET cancel_requested_at = now() WHERE id = {job_id}",
        )
        states = watch(database, job_id, process)

    assert states[-1]["status"] == "failed"
    assert states[-1]["failure"].startswith("Cancelled by someone at")
    assert {table: database.count(table) for table in TABLES} == before
    assert database.count("claims_importlock") == 0


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_the_worker_waits_out_a_busy_sqlite_database_then_runs_a_job(
    database, media, tmp_path
):
    path = tmp_path / "small.csv"
    synthetic_csv_write(path=path, count=20)
    busy = {**media, "CLAIMTRACKER_SQLITE_TIMEOUT": "1"}

    with worker(database, busy) as process:
        time.sleep(1)  # polling
        holder = sqlite3.connect(database.name, timeout=30, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        time.sleep(5)  # several times the worker's timeout of one second
        alive_while_busy = process.poll() is None
        holder.execute("ROLLBACK")
        holder.close()
        job_id = queue_import(database, media, path)
        states = watch(database, job_id, process)

    assert alive_while_busy, process.stderr.read()
    assert states[-1]["status"] == "succeeded"
