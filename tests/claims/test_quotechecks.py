"""The quote rule checked in other processes (claims/interchange/quotechecks.py): the
same errors, in the same order, as a check in the import's one process."""

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from claims.domain import rules
from claims.interchange import csvformat
from claims.interchange.imports import ImportFailed, assertions_import
from claims.interchange.quotechecks import QuoteChecks
from claims.models import Assertion
from tests.support.imports import csv_of, row

EXTRA = ("quote_language", "translation", "translation_language",
         "quote_match_confirmed")  # fmt: skip
HEADER = ",".join([*csvformat.REQUIRED, *EXTRA])
BATCH = 1000


def extra_row(extra: dict, **changes) -> str:
    buffer = io.StringIO()
    csvformat.csv.writer(buffer, lineterminator="").writerow(
        [extra.get(name, "") for name in EXTRA]
    )
    return f"{row(**changes)},{buffer.getvalue()}"


def hostile_file(rows: int = 3_500) -> str:
    """Return a file whose quotes are mostly good, with, in every batch of rows,
    quotes that do not state their figure, some of them in rows with other errors,
    and quotes that are hard to read."""
    lines = []
    for n in range(rows):
        figure = f"{n + 1:,}"
        changes = {"source": f"Source {n % 40}", "figure": figure}
        extra = {}
        if n % 347 == 5:  # a quote that states another figure
            changes["quote"] = f"They said {n + 2:,} were there."
        elif n % 347 == 6:  # no figure in the quote at all
            changes["quote"] = "They said many were there."
        elif n % 347 == 7:  # and a date after its document's
            changes |= {"quote": "Nothing here.", "stated_on": "2024-11-30"}
        elif n % 347 == 8:  # a translation states it: the quote need not
            changes["quote"] = "그들은 만 명이라고 말했다."
            extra = {"quote_language": "ko", "translation_language": "en",
                     "translation": f"They said {figure} were there."}  # fmt: skip
        elif n % 347 == 9:  # a match confirmed by hand
            changes["quote"] = "They said ten thousand or so."
            extra = {"quote_match_confirmed": "the source's own rounding"}
        elif n % 347 == 10:  # numbers, controls and right-to-left text
            changes["quote"] = (
                f"\u202e{n} of 1,000\u202c, 3:1, ½, 1e6 — up to {figure}?? "
                + "9 " * 200
            )
        elif n % 347 == 11:  # a range whose one end is the figure
            changes["quote"] = f"between {figure} and {n + 5:,}"
        lines.append(extra_row(extra, **changes))
    return csv_of(*lines, header=HEADER)


def refused(data: str, *, dry_run: bool) -> list[str]:
    with pytest.raises(ImportFailed) as raised:
        assertions_import(data=data, dry_run=dry_run)
    return [str(error) for error in raised.value.errors]


@pytest.mark.django_db
@pytest.mark.parametrize("dry_run", [True, False])
def test_quotes_checked_in_other_processes_give_the_same_errors_in_order(
    settings, dry_run
):
    data = hostile_file()
    settings.CLAIMTRACKER_IMPORT_PROCESSES = 0
    alone = refused(data, dry_run=dry_run)

    settings.CLAIMTRACKER_IMPORT_PROCESSES = 2
    shared = refused(data, dry_run=dry_run)

    assert shared == alone
    lines = {int(error.split(",")[0].removeprefix("line ")) for error in shared}
    assert len({(line - 2) // BATCH for line in lines}) == 4, "errors in every batch"
    assert any("column figure" in error for error in shared)
    assert Assertion.objects.count() == 0


@pytest.mark.django_db
def test_a_file_checked_in_other_processes_imports_in_full(settings):
    settings.CLAIMTRACKER_IMPORT_PROCESSES = 2
    data = csv_of(
        *(row(source=f"Source {n % 40}", figure=f"{n + 1:,}") for n in range(2_500))
    )

    summary = assertions_import(data=data)

    assert summary.created["assertions"] == Assertion.objects.count() == 2_500


def read_rows(data: str) -> list:
    reading = csvformat.read(data, source_kinds=["military"])
    assert not reading.errors
    return reading.rows


def serial_answers(rows: list) -> list[str]:
    return [
        rules.figure_quote_problem(
            r.figure.text,
            r.quote,
            translations=[r.translation] if r.translation else [],
            confirmed=r.quote_match_confirmed,
            reading=r.figure,
        )
        for r in rows
    ]


def test_every_answer_from_the_pool_is_the_rules_own():
    rows = read_rows(hostile_file(2_100))

    with QuoteChecks(processes=2) as checks:
        for first in range(0, len(rows), BATCH):
            checks.add(first, rows[first : first + BATCH])
        answers = [checks.problem(place) for place in range(len(rows))]

    assert answers == serial_answers(rows)
    assert sum(1 for answer in answers if answer) > 10


def test_a_small_file_is_checked_in_the_imports_own_process():
    rows = read_rows(hostile_file(300))

    with QuoteChecks(processes=2) as checks:
        checks.add(0, rows)
        answers = [checks.problem(place) for place in range(len(rows))]

    assert answers == [None] * len(rows)  # assertion_problems checks each itself


def test_rows_of_a_pool_that_broke_are_checked_in_the_imports_own_process():
    rows = read_rows(hostile_file(3_000))

    with QuoteChecks(processes=1) as checks:
        checks.add(0, rows[:BATCH])
        first = [checks.problem(place) for place in range(BATCH)]
        for pid in list(checks._pool._processes):
            os.kill(pid, signal.SIGKILL)
        checks.add(BATCH, rows[BATCH : 2 * BATCH])
        checks.add(2 * BATCH, rows[2 * BATCH :])
        rest = [checks.problem(place) for place in range(BATCH, len(rows))]

    assert first == serial_answers(rows[:BATCH])
    # Each later row is left to the import's checks (None), or was checked in the
    # import's process before the pool was seen to be broken (the rule's answer).
    expected = serial_answers(rows[BATCH:])
    assert all(
        answer is None or answer == rule
        for answer, rule in zip(rest, expected, strict=True)
    )


def test_batches_no_helper_has_started_are_checked_by_the_import_itself():
    # One helper, six batches, asked for at once: the helper starts up while the
    # import checks batches from the back rather than wait for the first answer.
    rows = read_rows(hostile_file(6 * BATCH))

    with QuoteChecks(processes=1) as checks:
        for first in range(0, len(rows), BATCH):
            checks.add(first, rows[first : first + BATCH])
        answers = [checks.problem(place) for place in range(len(rows))]
        taken = list(checks._taken[:6])

    assert answers == serial_answers(rows)
    assert all(taken), "each batch taken by one side"
    by_import = [n for n, mark in enumerate(taken) if mark == n + 1]
    by_helper = [n for n, mark in enumerate(taken) if mark == -(n + 1)]
    assert sorted(by_import + by_helper) == list(range(6))
    assert by_import and by_import[-1] == 5, "the import takes from the back"


HELPERS_OF_A_KILLED_IMPORT = """
import time
from types import SimpleNamespace
from claims.domain.figures import parse_figure
from claims.interchange.quotechecks import QuoteChecks

row = SimpleNamespace(figure=parse_figure("1,000"), quote="They said 1,000.",
                      translation="", quote_match_confirmed="")
checks = QuoteChecks(processes=2)
checks.add(0, [row] * 1000)
checks.problem(0)
print(*checks._pool._processes, flush=True)
time.sleep(60)
"""


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


def test_the_helpers_end_when_the_import_is_killed():
    importer = subprocess.Popen(
        [sys.executable, "-c", HELPERS_OF_A_KILLED_IMPORT],
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        helpers = [int(pid) for pid in importer.stdout.readline().split()]
        assert helpers and all(running(pid) for pid in helpers)
    finally:
        importer.kill()
        importer.wait()
    deadline = time.monotonic() + 10
    while any(running(pid) for pid in helpers) and time.monotonic() < deadline:
        time.sleep(0.1)

    assert not any(running(pid) for pid in helpers)


def test_rows_without_quotes_start_no_process():
    rows = read_rows(
        csv_of(*(row(figure=f"{n + 1:,}", quote="") for n in range(3_000)))
    )

    with QuoteChecks(processes=2) as checks:
        for first in range(0, len(rows), BATCH):
            checks.add(first, rows[first : first + BATCH])
        answers = [checks.problem(place) for place in range(len(rows))]
        started = checks._pool is not None

    assert answers == [""] * len(rows)
    assert not started
