"""`make run` ends by printing how to create an account; those commands must work
when pasted as printed, in a shell that has not set DJANGO_DEBUG."""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.process, pytest.mark.engine_independent]


def printed_account_commands() -> list[str]:
    """Return the manage.py commands `make run` echoes, as a person would read them."""
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    commands = []
    for line in recipe.splitlines():
        match = re.match(r'\s*@echo "\s*(.*manage\.py.*?)\s*(#.*)?"$', line)
        if match:
            commands.append(match.group(1).replace("$(BIN)", ".venv/bin"))
    return commands


def test_make_run_prints_both_account_commands():
    commands = printed_account_commands()

    assert [shlex.split(c)[3] for c in commands] == [
        "createsuperuser",
        "create_account",
    ]


@pytest.mark.parametrize("command", printed_account_commands())
def test_printed_account_command_runs_as_printed(command, tmp_path):
    # The printed command with this test's interpreter in place of .venv/bin/python,
    # asked for its help: that loads the settings, which is where it failed.
    words = shlex.split(command)
    words[words.index(".venv/bin/python")] = sys.executable
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("DJANGO_")
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"

    result = subprocess.run(
        ["sh", "-c", shlex.join(words) + " --help"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert command.startswith("DJANGO_DEBUG=1 ")
