"""Background jobs with a real worker (`manage.py db_worker`) on scratch databases
of both engines (tests/support/scratch.py): an import runs as a job with progress
others can see, a bad row fails it whole, and a worker killed half-way leaves
nothing written and its job is failed by the sweep. The 100,000-row run is
bench/import_job.py."""

import contextlib
import csv
import json
import signal
import sqlite3
import subprocess
import sys
import time

import psycopg
import pytest

from claims.interchange.synthetic import synthetic_csv_write
from tests.support import scratch
from tests.support.scratch import (
    TABLES,
    queue_import,
    wal_size,
    worker,
    writing_has_begun,
)

# Both engines, in one CI leg: the databases are the test's own, not DATABASE_URL.
pytestmark = [pytest.mark.process, pytest.mark.engine_independent]

# Rows in the CI runs: large enough that progress shows while the job runs, small
# enough for well under a minute per engine (bench/import_job.py does 100,000).
ROWS = 20_000


# Each test on a database of each engine (tests/conftest.py, `database`).
BOTH_ENGINES = pytest.mark.parametrize(
    "database", ["sqlite", "postgresql"], indirect=True
)


def job(database, job_id: int) -> dict:
    """Read the job's row from outside, as another person's page would."""
    query = (
        "SELECT status, phase, rows_checked, rows_written, failure, errors "
        "FROM claims_job WHERE id = %s"
    )
    if database.engine == "sqlite":
        with contextlib.closing(sqlite3.connect(database.name, timeout=30)) as c:
            row = c.execute(query.replace("%s", "?"), [job_id]).fetchone()
    else:
        with psycopg.connect(database.url) as connection:
            row = connection.execute(query, [job_id]).fetchone()
    names = ("status", "phase", "rows_checked", "rows_written", "failure", "errors")
    return dict(zip(names, row, strict=True))


def watch(database, job_id: int, process, timeout: float = 120) -> list[dict]:
    """Poll the job until it ends; return every state seen, in order."""
    seen = []
    deadline = time.monotonic() + timeout
    while True:
        state = job(database, job_id)
        if not seen or state != seen[-1]:
            seen.append(state)
        if state["status"] in ("succeeded", "failed"):
            return seen
        assert process.poll() is None, f"the worker died: {process.stderr.read()}"
        assert time.monotonic() < deadline, f"the job did not end: {seen[-1]}"
        time.sleep(0.05)


@BOTH_ENGINES
def test_an_import_job_shows_its_progress_and_writes_every_row(
    database, media, tmp_path
):
    path = tmp_path / "big.csv"
    synthetic_csv_write(path=path, count=ROWS)
    before = database.count("claims_assertion")

    # Progress written every 50 ms rather than every second: on a fast machine the
    # 20,000 rows are read in under a second, between two of the default writes.
    with worker(database, media, CLAIMTRACKER_JOB_PROGRESS_SECONDS="0.05") as process:
        job_id = queue_import(database, media, path)
        seen = watch(database, job_id, process)

    assert seen[-1]["status"] == "succeeded", seen[-1]["failure"]
    assert seen[-1]["rows_written"] == ROWS
    assert database.count("claims_assertion") == before + ROWS
    running = [s for s in seen if s["status"] == "running"]
    # Seen from another connection while the job ran: rows counted as they were read.
    assert any(0 < s["rows_checked"] < ROWS for s in running), running
    if database.engine == "postgresql":
        # Progress inside the write transaction shows on PostgreSQL alone (SQLite
        # has one writer, the import: docs/jobs.md).
        assert any(0 < s["rows_written"] < ROWS for s in running), running


@BOTH_ENGINES
def test_one_bad_row_fails_the_job_names_its_line_and_writes_nothing(
    database, media, tmp_path
):
    path = tmp_path / "bad.csv"
    synthetic_csv_write(path=path, count=ROWS)
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    rows[12_344][rows[0].index("stated_on")] = "soon"  # line 12,345
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    before = {table: database.count(table) for table in TABLES}

    with worker(database, media) as process:
        job_id = queue_import(database, media, path)
        seen = watch(database, job_id, process)

    assert seen[-1]["status"] == "failed"
    errors = seen[-1]["errors"]
    errors = errors if isinstance(errors, list) else json.loads(errors)  # SQLite
    assert [(e["line"], e["column"]) for e in errors] == [(12_345, "stated_on")]
    assert "Nothing was written" in seen[-1]["failure"]
    assert {table: database.count(table) for table in TABLES} == before


@BOTH_ENGINES
def test_a_worker_killed_half_way_leaves_nothing_and_the_sweep_fails_its_job(
    database, media, tmp_path
):
    path = tmp_path / "big.csv"
    synthetic_csv_write(path=path, count=40_000)
    before = {table: database.count(table) for table in TABLES}

    with worker(database, media) as process:
        job_id = queue_import(database, media, path)
        scratch.kill_once_writing(process, database)

    assert process.returncode == -signal.SIGKILL
    assert {table: database.count(table) for table in TABLES} == before
    assert job(database, job_id)["status"] == "running"  # until the sweep comes

    swept = scratch.manage(database.url, "sweep_jobs", "--minutes", "0", **media)

    after = job(database, job_id)
    assert "Marked 1 stopped job(s) as failed." in swept.stdout
    assert after["status"] == "failed"
    assert "The worker stopped" in after["failure"]
    assert database.count("claims_importlock") == 0


# Jobs and locks that heal, with real processes on scratch databases (issue 28): an
# import killed with SIGKILL leaves a lock the next import clears at once and the
# sweep sees; a running import job is cancelled and writes nothing; on SQLite the
# worker waits out a database held busy for longer than its timeout, then runs a job.


def execute(database, statement: str) -> None:
    if database.engine == "sqlite":
        with contextlib.closing(sqlite3.connect(database.name, timeout=30)) as c:
            c.execute(statement)
            c.commit()
    else:
        with psycopg.connect(database.url, autocommit=True) as connection:
            connection.execute(statement)


@BOTH_ENGINES
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
