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
