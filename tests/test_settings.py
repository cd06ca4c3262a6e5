"""Start-up behaviour under production settings, checked in a fresh process each time
because settings are read once, at start-up."""

import os
import subprocess
import sys

import pytest

from tests.support.scratch import ROOT, STRONG_KEY

pytestmark = [pytest.mark.process, pytest.mark.engine_independent]


def manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_secret_key_stops_start_up_with_a_clear_message():
    result = manage("check")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_check_deploy_is_clean_under_production_settings():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_SECRET_KEY=STRONG_KEY, DJANGO_ALLOWED_HOSTS="claims.example.org",
    )  # fmt: skip

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_mode_runs_without_a_secret_key():
    result = manage("check", DJANGO_DEBUG="1")

    assert result.returncode == 0, result.stderr


def test_a_weak_secret_key_stops_start_up_with_a_clear_message():
    for weak in ("secret", "a" * 60, "django-insecure-" + "x1y2z3" * 10):
        result = manage("check", DJANGO_SECRET_KEY=weak)

        assert result.returncode != 0
        assert "DJANGO_SECRET_KEY is too weak" in result.stderr


def database_settings(**env) -> str:
    result = manage(
        "shell", "--no-imports", "-c",
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'], d.get('OPTIONS', {}))",
        DJANGO_DEBUG="1", **env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_postgresql_keeps_health_checked_connections_by_default():
    settings = database_settings(DATABASE_URL="postgres://u@db.example.org/claims")

    assert settings.startswith("60 True")
    assert "pool" not in settings


def test_a_pool_replaces_kept_connections_when_asked():
    settings = database_settings(
        DATABASE_URL="postgres://u@db.example.org/claims", CLAIMTRACKER_DB_POOL="4"
    )

    assert settings.startswith("0 True")
    assert "'pool': {'min_size': 1, 'max_size': 4, 'timeout': 10}" in settings


def test_behind_pgbouncer_connections_can_close_after_each_request():
    settings = database_settings(
        DATABASE_URL="postgres://u@db.example.org/claims", DJANGO_CONN_MAX_AGE="0"
    )

    assert settings.startswith("0 True")


def test_sqlite_opens_a_connection_per_request_by_default():
    settings = database_settings(DATABASE_URL="sqlite:///unused.sqlite3")

    assert settings.startswith("0 True")


@pytest.mark.postgresql
def test_the_pool_serves_queries_on_postgresql():
    result = manage(
        "shell", "--no-imports", "-c",
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('SELECT 41 + 1'); print(c.fetchone()[0], connection.pool.max_size)",
        DJANGO_DEBUG="1", CLAIMTRACKER_DB_POOL="3",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres",
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["42", "3"]


def gunicorn_config(**env) -> dict[str, str]:
    """The settings `gunicorn claimtracker.wsgi` starts with in the project folder."""
    clean = {k: v for k, v in os.environ.items() if k != "WEB_CONCURRENCY"}
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--print-config", "claimtracker.wsgi"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    pairs = (line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    return {name.strip(): value.strip() for name, value in pairs}


def test_gunicorn_started_plainly_serves_as_the_docs_say():
    """docs/operations.md: `gunicorn claimtracker.wsgi`, nothing else, gives one
    process more than the cores, of 4 threads, and a timeout above the readers'
    statement timeout; WEB_CONCURRENCY sets the processes."""
    plain, sized = gunicorn_config(), gunicorn_config(WEB_CONCURRENCY="7")

    assert plain["workers"] == str((os.cpu_count() or 1) + 1)
    assert (plain["worker_class"], plain["threads"]) == ("gthread", "4")
    assert int(plain["timeout"]) * 1000 > 5000  # CLAIMTRACKER_READER_STATEMENT_...
    assert sized["workers"] == "7"


def test_a_worker_loading_the_app_tunes_its_garbage_collector():
    """claimtracker/wsgi.py, which each gunicorn worker imports: the app loaded is
    frozen out of the collector's sight and the youngest generation is collected
    less often than Python's default (700), as docs/performance.md measures."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [
            sys.executable, "-c",
            "import gc; import claimtracker.wsgi as w; "
            "print(gc.get_threshold()[0], w.YOUNG_COLLECTION_THRESHOLD, "
            "gc.get_freeze_count() > 10_000)",
        ],
        cwd=ROOT, env={**clean, "DJANGO_DEBUG": "1"},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    threshold, documented, frozen = result.stdout.split()
    assert threshold == documented and int(threshold) > 700
    assert frozen == "True"
