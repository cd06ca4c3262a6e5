"""Many workers, one queue: two `db_worker` processes on one PostgreSQL database
share its queue (docs/jobs.md). Each job runs once, jobs of
different kinds run side by side, and imports take turns: the second waits for the
first instead of failing.

PostgreSQL only (marker `postgresql`, deselected in the SQLite leg): on SQLite the
documented setup is one worker."""

import time

import psycopg
import pytest

from claims.interchange.synthetic import synthetic_csv_write
from tests.support import scratch
from tests.support.scratch import queue_import, worker

pytestmark = [pytest.mark.postgresql, pytest.mark.process]

ROWS = 10_000


def queue(database, media, *kinds: str) -> list[int]:
    """Queue a job of each of `kinds` in one go, as researchers' buttons do."""
    code = "from claims.jobs import tasks; " + "; ".join(
        f"print(tasks.job_start(kind={kind!r}).pk)" for kind in kinds
    )
    output = scratch.manage(
        database.url, "shell", "--no-imports", "-c", code, **media
    ).stdout
    return [int(line) for line in output.split()]


def jobs(database) -> dict[int, dict]:
    with psycopg.connect(database.url) as connection:
        rows = connection.execute(
            "SELECT j.id, j.kind, j.status, j.failure, j.started_at, j.finished_at, "
            "j.rows_written, t.worker_ids FROM claims_job j "
            "LEFT JOIN django_tasks_database_dbtaskresult t ON t.id::text = j.task_id"
        ).fetchall()
    names = ("kind", "status", "failure", "started", "finished", "written", "workers")
    return {row[0]: dict(zip(names, row[1:], strict=True)) for row in rows}


def wait_for_all(database, processes, timeout=240) -> dict[int, dict]:
    deadline = time.monotonic() + timeout
    while True:
        seen = jobs(database)
        if all(job["status"] in ("succeeded", "failed") for job in seen.values()):
            return seen
        for process in processes:
            assert process.poll() is None, f"a worker died: {process.stderr.read()}"
        assert time.monotonic() < deadline, f"jobs did not end: {seen}"
        time.sleep(0.2)


def overlap(a: dict, b: dict) -> bool:
    return a["started"] < b["finished"] and b["started"] < a["finished"]


def test_two_workers_share_the_queue_run_each_job_once_and_imports_take_turns(
    database, media, tmp_path
):
    first_file, second_file = tmp_path / "first.csv", tmp_path / "second.csv"
    synthetic_csv_write(path=first_file, count=ROWS, seed=1)
    synthetic_csv_write(path=second_file, count=ROWS, seed=2)
    before = database.count("claims_assertion")

    with worker(database, media) as one, worker(database, media) as two:
        imports = [
            queue_import(database, media, first_file),
            queue_import(database, media, second_file),
        ]
        others = queue(database, media, "export", "detect", "reparse", "export")
        done = wait_for_all(database, [one, two])

    # Every job ran, once, and succeeded: no import failed for the other's lock.
    assert {job["status"] for job in done.values()} == {"succeeded"}, done
    assert all(len(job["workers"]) == 1 for job in done.values()), done
    assert database.count("claims_assertion") == before + 2 * ROWS
    assert [done[pk]["written"] for pk in imports] == [ROWS, ROWS]
    # Both workers took jobs.
    assert len({job["workers"][0] for job in done.values()}) == 2
    # Another kind of job ran while an import did, on the other worker.
    assert any(
        overlap(done[i], done[o]) and done[i]["workers"] != done[o]["workers"]
        for i in imports
        for o in others
    ), done
    # The imports took turns: whichever went second finished after the first.
    first, second = sorted(imports, key=lambda pk: done[pk]["finished"])
    assert done[second]["finished"] > done[first]["finished"]
