"""An admin save that meets a busy database (SQLite's one writer held for longer than
its timeout) keeps what was typed and says to try again: no 503 page, nothing
saved (sources/admin.py, BusyDatabaseMixin)."""

import contextlib
import sqlite3

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from sources import services
from sources.admin import DATABASE_BUSY
from sources.models import Source

ADD_URL = reverse("admin:sources_source_add")
TYPED = {
    "name": "Ministry of Typed Words",
    "slug": "ministry-of-typed-words",
    "kind": "government",
    "country": "",
    "reliability": "",
    "url": "",
    "notes": "A long note the researcher typed and must not lose.",
    "aliases-TOTAL_FORMS": "1",
    "aliases-INITIAL_FORMS": "0",
    "aliases-MIN_NUM_FORMS": "0",
    "aliases-MAX_NUM_FORMS": "1000",
    "aliases-0-name": "MTW",
}


@contextlib.contextmanager
def database_held_busy(monkeypatch):
    """On SQLite, another connection holds the write lock for longer than the
    site's timeout; on PostgreSQL, which has no such wait, the save meets SQLite's
    error as it would."""
    if connection.vendor != "sqlite":

        def busy(**kwargs):
            raise OperationalError("database is locked")

        with monkeypatch.context() as patch:
            patch.setattr(services, "source_save", busy)
            yield
        return
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 0.3)
    connection.close()
    holder = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_save_that_meets_a_busy_database_keeps_what_was_typed(
    researcher_client, monkeypatch
):
    with database_held_busy(monkeypatch):
        answer = researcher_client.post(ADD_URL, TYPED)

    assert answer.status_code == 200
    page = answer.content.decode()
    assert "The database is busy" in page
    assert DATABASE_BUSY.split(":")[0] in page
    assert 'value="Ministry of Typed Words"' in page
    assert "A long note the researcher typed and must not lose." in page
    assert 'value="MTW"' in page
    assert not Source.objects.filter(name=TYPED["name"]).exists()

    again = researcher_client.post(ADD_URL, TYPED)

    assert again.status_code == 302
    assert Source.objects.get(name=TYPED["name"]).aliases.get().name == "MTW"
