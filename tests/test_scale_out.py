"""Scale-out: two app processes (gunicorn, production settings) on one PostgreSQL
database and one Redis cache. A write through one is seen at once through the other,
cached pages and conditional GETs included (docs/scaling.md, "Scale-out").

It brings its own PostgreSQL database (tests/support/scratch.py) and a Redis database
of its own, under a key prefix of its own, whatever DATABASE_URL and REDIS_URL the
suite itself uses, so it runs in one CI leg only (engine_independent)."""

import http.client
import re
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import psycopg
import pytest
import redis

from tests.support import scratch

REDIS_SERVER = "redis://127.0.0.1:6379"
REDIS_DB = 11  # away from the default 0 that development uses
PASSWORD = "Scale-out test password 7"
# Behind a load balancer every process sees the site's one public name.
HOST = "127.0.0.1"
CLAIM_PAGE = "/claims/north-korean-troops-in-russia/"

pytestmark = [pytest.mark.process, pytest.mark.engine_independent]


@dataclass
class Browser:
    """A visitor speaking HTTP to one process or another, keeping their cookies."""

    cookies: dict = field(default_factory=dict)

    def request(self, port, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        sent = {"Host": HOST, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            body = urlencode(body)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=sent)
            answer = connection.getresponse()
            for header, value in answer.getheaders():
                if header.lower() == "set-cookie":
                    for name, morsel in SimpleCookie(value).items():
                        self.cookies[name] = morsel.value
            return scratch.Response(
                answer.status,
                {k.lower(): v for k, v in answer.getheaders()},
                answer.read().decode(),
            )
        finally:
            connection.close()

    def get(self, port, path, **headers):
        return self.request(port, "GET", path, headers=headers)

    def post_form(self, port, path, data):
        """POST a form the way a browser does, with the CSRF token of its page."""
        page = self.get(port, path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        return self.request(
            port, "POST", path, body={"csrfmiddlewaretoken": token[1], **data}
        )


@pytest.fixture
def database(database):
    """The PostgreSQL copy of tests/conftest.py, with an administrator."""
    scratch.manage(
        database.url,
        "createsuperuser",
        "--no-input",
        "--username=boss",
        "--email=boss@example.org",
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
    )
    return database


@pytest.fixture
def shared_cache():
    """One Redis database and a key prefix of this test's own; emptied afterwards."""
    prefix = f"ct-scale-{uuid.uuid4().hex[:8]}"
    client = redis.Redis.from_url(f"{REDIS_SERVER}/{REDIS_DB}")
    env = {
        "REDIS_URL": f"{REDIS_SERVER}/{REDIS_DB}",
        "CLAIMTRACKER_CACHE_PREFIX": prefix,
    }
    try:
        yield env, lambda: sorted(client.scan_iter(f"{prefix}:*"))
    finally:
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
        client.close()


def source_form(database, slug: str, name: str) -> tuple[int, dict]:
    """Return the source's id and its admin form, renamed to `name`."""
    with psycopg.connect(database.url) as connection:
        pk, kind, country, reliability = connection.execute(
            "SELECT id, kind, country, reliability FROM sources_source WHERE slug = %s",
            [slug],
        ).fetchone()
    return pk, {
        "name": name, "slug": slug, "kind": kind, "country": country,
        "reliability": reliability or "",  # empty: not graded yet
        "aliases-TOTAL_FORMS": "0", "aliases-INITIAL_FORMS": "0",
    }  # fmt: skip


def test_a_write_through_one_process_shows_at_once_through_the_other(
    database, static_root, shared_cache
):
    env, cached_keys = shared_cache
    reader, editor = Browser(), Browser()
    with (
        scratch.gunicorn(database, static_root, **env) as first,
        scratch.gunicorn(database, static_root, **env) as second,
    ):
        # A reader's page, rendered by the first process, is in the shared cache:
        # the second serves it from there, and honours the first's validators.
        rendered = reader.get(first, CLAIM_PAGE)
        keys = cached_keys()
        from_cache = reader.get(second, CLAIM_PAGE)
        revalidated = reader.get(
            second, CLAIM_PAGE, **{"If-None-Match": rendered.headers["etag"]}
        )
        assert keys and cached_keys() == keys
        assert from_cache.body == rendered.body
        assert revalidated.status == 304

        # An editor renames a source through the first process's admin...
        login = editor.post_form(
            first,
            "/admin/login/?next=/admin/",
            {"username": "boss", "password": PASSWORD},
        )
        assert login.status == 302, login.body[:500]
        pk, form = source_form(database, "us-department-of-defense", "US DoD (renamed)")
        saved = editor.post_form(first, f"/admin/sources/source/{pk}/change/", form)
        assert saved.status == 302, saved.body[:2000]

        # ...and the second process shows it at once, to a revalidating cache too.
        after = reader.get(
            second, CLAIM_PAGE, **{"If-None-Match": rendered.headers["etag"]}
        )
        source_list = reader.get(second, "/sources/")
        api = reader.get(second, "/api/sources/us-department-of-defense/")

    assert rendered.status == 200
    assert "US DoD (renamed)" not in rendered.body
    assert after.status == 200
    assert "US DoD (renamed)" in after.body
    assert after.headers["etag"] != rendered.headers["etag"]
    assert "US DoD (renamed)" in source_list.body
    assert "US DoD (renamed)" in api.body
