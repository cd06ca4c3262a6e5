"""Two figures whose quotes bring one new word, written at once over real
connections (claims/pipeline/derive.py, quote_words_record): on PostgreSQL the
second write does not wait for the first to commit (the word table has no unique
index to wait on), SQLite queues the writers; on both, neither fails and the
search suggests the word."""

import datetime
import threading

import pytest
from django.db import connection, transaction

from claims.models import QuoteWord
from claims.pipeline import services
from claims.reader import search
from tests.factories import ClaimFactory, SourceFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def write(claim, source) -> None:
    services.assertion_create(
        claim=claim,
        source=source,
        stated_on=datetime.date(2024, 10, 28),
        figure="40",
        quote="Forty howitzers arrived.",
    )


def test_two_writes_bringing_one_new_word_neither_wait_nor_fail():
    claims, source = [ClaimFactory(), ClaimFactory()], SourceFactory()
    written, release, errors = threading.Event(), threading.Event(), []

    def first() -> None:
        try:
            with transaction.atomic():
                write(claims[0], source)
                written.set()
                release.wait(timeout=10)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            written.set()
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert written.wait(timeout=10)
    postgresql = connection.vendor == "postgresql"
    try:
        if postgresql:  # while the first is open: it must not wait for it
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '1s'")
                write(claims[1], source)
    finally:
        release.set()
        thread.join()
    if not postgresql:  # SQLite runs writers one at a time
        write(claims[1], source)

    assert errors == []
    assert QuoteWord.objects.filter(word="howitzers").exists()
    assert search.suggest(search.parse_query("howitzer")) == ["howitzers"]
