"""Four researchers save the logging screen at the same moment, each naming the same
new claim, over real database connections (claims/admin/figurelog.py, _new_claim):
every save succeeds and there is one claim, holding every figure. Before, two got a
500 (duplicate slug) and the others made duplicate claims (issue 28). The same for a
new source (sources.services.names_lock)."""

import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.urls import reverse

from claims.models import Assertion, Claim
from sources.models import Source
from tests.factories import (
    ClaimFactory,
    DocumentFactory,
    SourceFactory,
    TopicFactory,
    UserFactory,
)
from tests.support.figurelog import TEXT, rows

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

URL = reverse("admin:claims_assertion_log")
WRITERS = 4
TITLE = "North Korean troops in Kursk"


def researcher_client(username) -> Client:
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name="Researchers"))
    client = Client(raise_request_exception=False)  # a 500 is counted, not raised
    client.force_login(user)
    return client


def test_simultaneous_saves_naming_one_new_claim_make_one_claim():
    document = DocumentFactory(title="October update", text=TEXT)
    topic = TopicFactory()
    sources = [SourceFactory(name=f"Agency {k}") for k in range(WRITERS)]
    clients = [researcher_client(f"writer{k}") for k in range(WRITERS)]
    saves = [
        rows(
            {"source": sources[k].pk, "figure": "3,000", "quote": "estimate was 3,000"},
            save="Save",
            new_title=TITLE if k % 2 else TITLE.upper(),
            new_unit="troops",
            new_topic=topic.pk,
        )
        for k in range(WRITERS)
    ]

    assert saved_at_once(clients, saves, document) == [302] * WRITERS
    claim = Claim.objects.get(title__iexact=TITLE)
    assert Assertion.objects.filter(claim=claim).count() == WRITERS


def test_simultaneous_saves_naming_one_new_source_make_one_source():
    """The same for a new source typed by four people at once, each its own way."""
    document = DocumentFactory(title="October update", text=TEXT)
    claim = ClaimFactory(title=TITLE, unit="troops")
    clients = [researcher_client(f"writer{k}") for k in range(WRITERS)]
    spellings = ["Pentagon", "pentagon", "PENTAGON", "Pentagon"]
    saves = [
        rows(
            {
                "new_source": spellings[k],
                "new_source_kind": "military",
                "figure": "3,000",
                "quote": "estimate was 3,000",
                "stated_on": f"2024-10-{20 + k}",  # four figures, not one four times
            },
            save="Save",
            claim=claim.pk,
        )
        for k in range(WRITERS)
    ]

    assert saved_at_once(clients, saves, document) == [302] * WRITERS
    source = Source.objects.get(name__iexact="pentagon")
    assert Assertion.objects.filter(source=source, claim=claim).count() == WRITERS


def saved_at_once(clients, saves, document) -> list[int]:
    """Post each save through its own client and connection, all at one moment;
    return the answers' status codes."""
    statuses: list[int] = []
    start = threading.Barrier(len(saves))

    def save(client, data) -> None:
        try:
            start.wait(timeout=60)
            answer = client.post(f"{URL}?document={document.pk}", data)
            statuses.append(answer.status_code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=pair)
        for pair in zip(clients, saves, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_simultaneous_saves_naming_two_new_sources_in_either_order_both_succeed():
    """Two researchers log the same two new sources at once, one listing them
    "Alpha, Beta" and the other "Beta, Alpha". Each save took a source's name lock
    as it reached its row, so the first held Alpha and waited for Beta while the
    second held Beta and waited for Alpha: PostgreSQL broke the deadlock by failing
    one save with a 500."""
    document = DocumentFactory(title="October update", text=TEXT)
    claim = ClaimFactory(title=TITLE, unit="troops")
    names = ["Alpha Agency", "Beta Ministry"]
    for attempt in range(3):
        clients = [researcher_client(f"writer{attempt}-{k}") for k in range(2)]
        saves = [
            rows(
                *(
                    {
                        "new_source": f"{name} {attempt}",
                        "new_source_kind": "military",
                        "figure": "3,000",
                        "quote": "estimate was 3,000",
                        "stated_on": f"2024-10-{10 + 2 * attempt + k}",
                    }
                    for name in (names if k == 0 else names[::-1])
                ),
                save="Save",
                claim=claim.pk,
            )
            for k in range(2)
        ]

        assert saved_at_once(clients, saves, document) == [302, 302]
        for name in names:
            source = Source.objects.get(name=f"{name} {attempt}")
            assert Assertion.objects.filter(source=source).count() == 2


def test_simultaneous_saves_naming_new_sources_that_slugify_alike_make_both():
    """ "Foo Bar" and "Foo-Bar" are two names, so two name locks, but one slug: the
    second save to insert it waits, finds it taken, and takes the next one. It got
    a 500 (IntegrityError) before."""
    document = DocumentFactory(title="October update", text=TEXT)
    claim = ClaimFactory(title=TITLE, unit="troops")
    clients = [researcher_client(f"writer{k}") for k in range(2)]
    saves = [
        rows(
            {
                "new_source": name,
                "new_source_kind": "military",
                "figure": "3,000",
                "quote": "estimate was 3,000",
            },
            save="Save",
            claim=claim.pk,
        )
        for name in ("Eastern Group", "Eastern-Group")
    ]

    assert saved_at_once(clients, saves, document) == [302, 302]
    made = Source.objects.filter(name__in=["Eastern Group", "Eastern-Group"])
    assert sorted(made.values_list("slug", flat=True)) == [
        "eastern-group",
        "eastern-group-2",
    ]
    assert Assertion.objects.filter(claim=claim).count() == 2
