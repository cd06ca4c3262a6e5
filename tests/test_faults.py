"""Faults, against real processes: the database going away under gunicorn, and an
import killed half way. They bring their own databases of both engines
(tests/support/scratch.py), whatever DATABASE_URL the suite itself uses, so they run
in one CI leg only (engine_independent)."""

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from claims.interchange.synthetic import synthetic_csv_write
from tests.support import scratch
from tests.support.scratch import TABLES

pytestmark = [pytest.mark.process, pytest.mark.engine_independent]


def cut_off(database) -> None:
    """Refuse new connections to the database and end every open one."""
    with scratch.admin_connection() as admin:
        name = sql.Identifier(database.name)
        admin.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(name))
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [database.name],
        )


def restore_access(database) -> None:
    with scratch.admin_connection() as admin:
        admin.execute(
            sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(
                sql.Identifier(database.name)
            )
        )


def test_database_going_away_gives_503_and_the_site_recovers(database, static_root):
    with scratch.gunicorn(database, static_root) as port:
        assert scratch.fetch(port, "/claims/").status == 200

        cut_off(database)
        down = scratch.fetch(port, "/claims/")
        restore_access(database)
        back = scratch.fetch(port, "/claims/")

    assert down.status == 503
    assert down.headers["retry-after"] == "30"
    assert "cannot reach its database" in down.body
    assert back.status == 200
    assert "North Korean troops in Russia" in back.body


def test_connection_killed_mid_request_gives_503_and_the_next_request_works(
    database, static_root
):
    with scratch.gunicorn(database, static_root) as port:
        assert scratch.fetch(port, "/sources/").status == 200
        locker = psycopg.connect(database.url)
        locker.execute("LOCK TABLE claims_claim IN ACCESS EXCLUSIVE MODE")
        answers = []
        request = threading.Thread(
            target=lambda: answers.append(scratch.fetch(port, "/claims/"))
        )
        request.start()
        waiting = wait_for_blocked_backend(database)
        with scratch.admin_connection() as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [waiting])
        request.join(timeout=30)
        locker.rollback()
        locker.close()
        after = scratch.fetch(port, "/claims/")

    assert answers[0].status == 503
    assert after.status == 200


def wait_for_blocked_backend(database) -> int:
    """Return the process id of the connection waiting for the test's lock."""
    deadline = time.monotonic() + 20
    with scratch.admin_connection() as admin:
        while time.monotonic() < deadline:
            row = admin.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s "
                "AND wait_event_type = 'Lock'",
                [database.name],
            ).fetchone()
            if row:
                return row[0]
            time.sleep(0.05)
    raise AssertionError("The request never reached the database.")


@pytest.mark.parametrize("database", ["postgresql", "sqlite"], indirect=True)
def test_import_killed_half_way_leaves_nothing_behind(database, tmp_path):
    before = {table: database.count(table) for table in TABLES}
    path = tmp_path / "big.csv"
    synthetic_csv_write(path=path, count=40_000)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_assertions", str(path)],
        cwd=scratch.ROOT,
        env=scratch.environment(database.url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    scratch.kill_once_writing(process, database)

    assert process.returncode == -signal.SIGKILL
    assert {table: database.count(table) for table in TABLES} == before


# Backups: `make backup` and `make restore`, each engine, as a round trip.


def make(target: str, database, answer="", **variables) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "-s", target, *(f"{k}={v}" for k, v in variables.items())],
        cwd=scratch.ROOT,
        env=scratch.environment(database.url),
        input=answer,
        capture_output=True,
        text=True,
        timeout=300,
    )


def snapshot(database) -> str:
    return scratch.manage(
        database.url, "dumpdata", "claims", "sources", "auth.group", "--indent", "1"
    ).stdout


@pytest.mark.parametrize("database", ["postgresql", "sqlite"], indirect=True)
def test_backup_then_restore_brings_back_exactly_what_was_saved(database, tmp_path):
    saved = snapshot(database)
    backup = tmp_path / "claimtracker.backup"
    made = make("backup", database, BACKUP=backup)
    scratch.manage(
        database.url,
        "import_assertions",
        str(scratch.ROOT / "tests" / "data" / "one_more_figure.csv"),
    )
    assert snapshot(database) != saved

    restored = make("restore", database, BACKUP=backup, YES=1)

    assert made.returncode == 0, made.stderr
    assert restored.returncode == 0, restored.stderr
    assert snapshot(database) == saved


@pytest.mark.parametrize("database", ["postgresql", "sqlite"], indirect=True)
def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(
    database, tmp_path
):
    saved = snapshot(database)
    wrong = tmp_path / "notes.txt"
    wrong.write_text("not a backup")

    result = make("restore", database, BACKUP=wrong, YES=1)

    assert result.returncode != 0
    assert "is not a" in result.stderr and "Nothing was changed" in result.stderr
    assert snapshot(database) == saved


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_restore_refuses_a_cut_short_backup_with_a_message_not_a_traceback(
    database, tmp_path
):
    saved = snapshot(database)
    backup = tmp_path / "claimtracker.backup"
    make("backup", database, BACKUP=backup)
    backup.write_bytes(backup.read_bytes()[: backup.stat().st_size // 3])

    result = make("restore", database, BACKUP=backup, YES=1)

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "damaged or incomplete" in result.stderr, result.stderr
    assert "Nothing was changed" in result.stderr
    assert snapshot(database) == saved


def test_restore_without_a_file_named_says_how(database):
    result = make("restore", database)

    assert result.returncode == 2
    assert "make restore BACKUP=" in result.stdout


def test_restore_asks_first_and_a_no_changes_nothing(database, tmp_path):
    backup = tmp_path / "claimtracker.backup"
    make("backup", database, BACKUP=backup)
    scratch.manage(
        database.url,
        "import_assertions",
        str(scratch.ROOT / "tests" / "data" / "one_more_figure.csv"),
    )
    changed = snapshot(database)

    result = make("restore", database, answer="no\n", BACKUP=backup)

    assert result.returncode != 0
    assert "Type yes" in result.stdout
    assert "Nothing was changed" in result.stderr
    assert snapshot(database) == changed


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_backup_without_a_name_goes_to_a_dated_file_in_backups(database):
    result = make("backup", database)

    written = Path(result.stdout.strip().rsplit(" to ", 1)[1])
    try:
        assert result.returncode == 0, result.stderr
        assert written.parent == scratch.ROOT / "backups"
        assert written.name.startswith("claimtracker-")
        assert written.suffix == ".sqlite3"
        assert written.read_bytes().startswith(b"SQLite format 3\x00")
    finally:
        written.unlink(missing_ok=True)
