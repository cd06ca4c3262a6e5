"""Two app processes (gunicorn, production settings) share one client's limit through
Redis: requests to either count against the same allowance (docs/operations.md,
"Limits").

Engine-independent: a SQLite scratch database serves, since the limit lives in the
cache; the Redis database and key prefix are the test's own, emptied afterwards."""

import uuid

import pytest
import redis

from tests.support import scratch

pytestmark = [
    pytest.mark.process,
    pytest.mark.engine_independent,
    pytest.mark.parametrize("database", ["sqlite"], indirect=True),
]

REDIS_SERVER = "redis://127.0.0.1:6379"
REDIS_DB = 11  # the scale-out test's; this test keeps to a prefix of its own


@pytest.fixture
def shared_cache():
    prefix = f"ct-limits-{uuid.uuid4().hex[:8]}"
    client = redis.Redis.from_url(f"{REDIS_SERVER}/{REDIS_DB}")
    try:
        yield prefix, client
    finally:
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
        client.close()


def test_two_processes_count_one_clients_requests_together(
    database, static_root, shared_cache
):
    prefix, client = shared_cache
    env = {
        "REDIS_URL": f"{REDIS_SERVER}/{REDIS_DB}",
        "CLAIMTRACKER_CACHE_PREFIX": prefix,
        # A day's window: the test never straddles two windows.
        "CLAIMTRACKER_LIMIT_READER": "4/day",
    }
    with (
        scratch.gunicorn(database, static_root, **env) as first,
        scratch.gunicorn(database, static_root, **env) as second,
    ):
        allowed = [
            scratch.fetch(port, "/search/?q=troops").status
            for port in (first, second, first, second)
        ]
        refused = [scratch.fetch(port, "/search/?q=troops") for port in (first, second)]

    assert allowed == [200, 200, 200, 200]
    assert [answer.status for answer in refused] == [429, 429]
    assert int(refused[0].headers["retry-after"]) > 0
    assert list(client.scan_iter(f"{prefix}:*:limit:reader:*"))
