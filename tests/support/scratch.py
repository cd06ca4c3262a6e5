"""Scratch databases and real processes for the process tests (faults, backups, the
worker, scale-out): the one helper for databases outside the test database.

These tests run the application as production runs it, in separate processes (manage.py
commands, gunicorn) against databases of their own: a PostgreSQL database on the
local server (127.0.0.1:5432, as in CI) or a SQLite file. Each test gets a fresh copy
of a database that was migrated and loaded with the demo data once per session
(`Templates`, behind the session fixture `scratch_templates` in tests/conftest.py).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
SERVER = "postgres://postgres@127.0.0.1:5432"
STRONG_KEY = "k7#Qm2v!Lr9xTz4pW8sYb3nHc6fJd1gAe5uKo0iMq-Rt_Vw+Zy@X"


def admin_connection() -> psycopg.Connection:
    return psycopg.connect(f"{SERVER}/postgres", autocommit=True)


def environment(database_url: str, *, production: bool = False, **extra) -> dict:
    """Return the environment of a process of the app on `database_url`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k not in {"DATABASE_URL", "REDIS_URL"}
    }
    env["DATABASE_URL"] = database_url
    if production:
        env.update(
            DJANGO_SECRET_KEY=STRONG_KEY,
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DJANGO_SECURE_SSL_REDIRECT="0",
        )
    else:
        env["DJANGO_DEBUG"] = "1"
    env.update(extra)
    return env


def manage(database_url: str, *args, check=True, **env) -> subprocess.CompletedProcess:
    """Run a manage.py command on `database_url` in its own process."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment(database_url, **env),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)}: {result.stderr}")
    return result


@dataclass
class Database:
    """One scratch database: its URL, and how to copy and drop it."""

    engine: str
    url: str
    name: str  # the PostgreSQL database's name, or the SQLite file's path

    def copy(self) -> Database:
        if self.engine == "sqlite":
            path = Path(self.name).with_name(f"copy-{uuid.uuid4().hex[:8]}.sqlite3")
            shutil.copyfile(self.name, path)
            return Database("sqlite", f"sqlite:///{path}", str(path))
        name = f"ct_scratch_{uuid.uuid4().hex[:12]}"
        with admin_connection() as connection:
            connection.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(self.name)
                )
            )
        return Database("postgresql", f"{SERVER}/{name}", name)

    def drop(self) -> None:
        if self.engine == "sqlite":
            Path(self.name).unlink(missing_ok=True)
            return
        with admin_connection() as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(self.name)
                )
            )

    def count(self, table: str) -> int:
        """Return the number of rows in `table`."""
        query = f"SELECT count(*) FROM {table}"  # table names come from the tests
        if self.engine == "sqlite":
            import sqlite3

            with contextlib.closing(sqlite3.connect(self.name)) as connection:
                return connection.execute(query).fetchone()[0]
        with psycopg.connect(self.url) as connection:
            return connection.execute(query).fetchone()[0]


def seeded_template(engine: str, folder: Path) -> Database:
    """Create a database on `engine`, migrated and holding the demo data."""
    if engine == "sqlite":
        path = folder / "template.sqlite3"
        database = Database("sqlite", f"sqlite:///{path}", str(path))
    else:
        name = f"ct_template_{uuid.uuid4().hex[:12]}"
        with admin_connection() as connection:
            connection.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
            )
        database = Database("postgresql", f"{SERVER}/{name}", name)
    try:
        manage(database.url, "migrate", "--no-input")
        manage(database.url, "load_seed")
    except BaseException:
        database.drop()  # a template that failed to build is not left behind
        raise
    return database


class Templates:
    """The seeded template database of each engine, made on first use and dropped at
    the end of the session; tests work on copies (`copy`)."""

    def __init__(self, folder_for) -> None:
        self._folder_for = folder_for  # engine -> a fresh folder (tmp_path_factory)
        self._made: dict[str, Database] = {}

    def copy(self, engine: str) -> Database:
        """Return a fresh copy of the seeded template of `engine`."""
        if engine not in self._made:
            self._made[engine] = seeded_template(engine, self._folder_for(engine))
        return self._made[engine].copy()

    def drop(self) -> None:
        for database in self._made.values():
            database.drop()


# The tables an import writes to: counted before and after an import is cut short.
TABLES = [
    "claims_assertion",
    "claims_historicalassertion",
    "claims_claim",
    "claims_topic",
    "sources_source",
    "sources_document",
]


def wal_size(database: Database) -> int:
    wal = Path(f"{database.name}-wal")
    return wal.stat().st_size if wal.exists() else 0


def writing_has_begun(database: Database, wal_before: int = 0) -> bool:
    """Whether the import has started writing rows (in its open transaction). SQLite
    runs in WAL mode (settings), so a write shows as the write-ahead log growing:
    by more than the import lock's one row, by the first batch of rows."""
    if database.engine == "sqlite":
        return wal_size(database) > wal_before + 2 * 1024 * 1024
    with psycopg.connect(database.url, autocommit=True) as watcher:
        return bool(
            watcher.execute(
                "SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE c.relname = 'claims_assertion' AND l.mode = 'RowExclusiveLock' "
                "AND l.pid <> pg_backend_pid()"
            ).fetchone()
        )


def kill_once_writing(process: subprocess.Popen, database: Database) -> None:
    """Wait until `process` (an import, or a worker running one) has begun writing
    rows to `database` in its open transaction, then kill it (SIGKILL)."""
    wal_before = wal_size(database) if database.engine == "sqlite" else 0
    deadline = time.monotonic() + 120
    while not writing_has_begun(database, wal_before):
        if process.poll() is not None:
            errors = process.stderr.read() if process.stderr else ""
            raise AssertionError(f"it ended before it was interrupted: {errors}")
        assert time.monotonic() < deadline, "the import never started writing"
        time.sleep(0.02)
    time.sleep(0.5)
    process.send_signal(signal.SIGKILL)
    process.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Response:
    status: int
    headers: dict
    body: str


def fetch(port: int, path: str, timeout: float = 30) -> Response:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        answer = connection.getresponse()
        return Response(
            answer.status,
            {k.lower(): v for k, v in answer.getheaders()},
            answer.read().decode(),
        )
    finally:
        connection.close()


@contextlib.contextmanager
def gunicorn(database: Database, static_root: Path, **env):
    """Serve the app with gunicorn under production settings, with `env` added to its
    environment (REDIS_URL, say); yield its port."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "claimtracker.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "4",
            "--graceful-timeout",
            "2",
        ],  # fmt: skip
        cwd=ROOT,
        env=environment(
            database.url,
            production=True,
            DJANGO_STATIC_ROOT=str(static_root),
            **env,
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                fetch(port, "/favicon.ico", timeout=2)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(
                        f"gunicorn did not start: {process.stderr.read()}"
                    ) from None
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def collect_static(folder: Path) -> Path:
    """Collect the static files as production serves them (hashed, compressed)."""
    static_root = folder / "static"
    manage(
        "sqlite:///unused.sqlite3",
        "collectstatic",
        "--no-input",
        production=True,
        DJANGO_STATIC_ROOT=str(static_root),
    )
    return static_root


# Background workers, as production runs them (the worker tests, many workers).


@contextlib.contextmanager
def worker(database, media, **env):
    """Run a worker on `database` as production does (with `env` added to its
    environment); yield its process."""
    process = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval",
         "0.1", "--no-startup-delay", "--verbosity", "0"],
        cwd=ROOT,
        env=environment(database.url, **media, **env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


def queue_import(database, media, path) -> int:
    """Queue an import of `path` as a job, as the admin's upload does; return its id."""
    output = manage(
        database.url, "import_assertions", str(path), "--background", **media
    ).stdout
    return int(re.search(r"Job (\d+) queued", output).group(1))
