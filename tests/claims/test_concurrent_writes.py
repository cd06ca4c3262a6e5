"""Researchers adding figures to one claim at the same moment, over real database
connections, through the admin's add form: no one gets an error, no figure is lost,
and the claim ends with exactly one live discrepancy (issue 12,
claims/pipeline/derive.py).

PostgreSQL serialises the derivation on the claim's row; SQLite queues writers with
IMMEDIATE transactions and a busy timeout, on a file test database (settings).
"""

import datetime
import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.urls import reverse

from claims.models import Assertion, Discrepancy
from tests.factories import ClaimFactory, SourceFactory, UserFactory

# Real commits, seen by the other threads' connections; the rollback restores the
# roles (Groups) that a data migration created and the flush after each test removes.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ADD_URL = reverse("admin:claims_assertion_add")
ROUNDS = 20


def writer_count() -> int:
    """Two writers on PostgreSQL, four on the embedded SQLite (issue 12)."""
    return 2 if connection.vendor == "postgresql" else 4


def new_extreme(writer: int, round_: int, writers: int) -> int:
    """Return a figure below every earlier round's low or above every earlier
    round's high, each writer alternating between the two ends, so that every
    figure moves the widest pair."""
    step = round_ * writers + writer
    if (writer + round_) % 2 == 0:
        return 100_000 - step * 1_000  # 100,000, 98,000, ... ever lower
    return 1_000_000 + step * 10_000  # 1,010,000, 1,030,000, ... ever higher


def researcher_client(username) -> Client:
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name="Researchers"))
    # A 500 comes back as a response to count, not as an exception in the thread.
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def add_form(claim, source, figure: int, round_: int) -> dict:
    return {
        "claim": claim.pk,
        "source": source.pk,
        "stated_on": datetime.date(2024, 10, 1 + round_).isoformat(),
        "date_precision": "day",
        "figure": f"{figure:,}",
        "quote": f"They said {figure:,} troops were there.",
        "credibility": "6",
        "status": "published",
    }


def run_writers(claim, writers: int) -> list[int]:
    """Have `writers` researchers post ROUNDS figures each, every round started
    together; return every response's status code."""
    clients = [researcher_client(f"writer{k}") for k in range(writers)]
    # One source per figure, so that every figure is some source's current estimate.
    sources = [
        [SourceFactory(name=f"Agency {k}-{r}") for r in range(ROUNDS)]
        for k in range(writers)
    ]
    statuses: list[int] = []
    start = threading.Barrier(writers)

    def write(k: int) -> None:
        try:
            for r in range(ROUNDS):
                form = add_form(claim, sources[k][r], new_extreme(k, r, writers), r)
                start.wait(timeout=60)
                statuses.append(clients[k].post(ADD_URL, form).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(k,)) for k in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_concurrent_researchers_all_save_and_leave_one_discrepancy():
    claim = ClaimFactory(title="North Korean troops in Russia")
    writers = writer_count()

    statuses = run_writers(claim, writers)

    assert [s for s in statuses if s != 302] == []
    assert len(statuses) == writers * ROUNDS
    figures = Assertion.objects.filter(claim=claim)
    assert figures.count() == writers * ROUNDS
    live = Discrepancy.objects.live().filter(claim=claim)
    assert live.count() == 1
    claim.refresh_from_db()
    assert claim.assertion_count == figures.count()


def test_concurrent_researchers_leave_the_widest_pair_open():
    claim = ClaimFactory(title="North Korean troops in Russia")
    writers = writer_count()
    posted = [new_extreme(k, r, writers) for k in range(writers) for r in range(ROUNDS)]

    run_writers(claim, writers)

    live = Discrepancy.objects.live().select_related("assertion_low", "assertion_high")
    pair = live.get(claim=claim)
    assert (pair.assertion_low.low, pair.assertion_high.high) == (
        min(posted),
        max(posted),
    )
    claim.refresh_from_db()
    assert (claim.current_low, claim.current_high) == (min(posted), max(posted))
