"""The Redis cache backend keeps one client per server (claimtracker/cache.py), and
threads sharing it each read back what they wrote: gunicorn's threads share it.

Engine-independent: it needs Redis, not the test database; its keys carry a prefix of
its own and are deleted afterwards."""

import threading
import uuid

import pytest
import redis

from claimtracker.cache import RedisCache

pytestmark = pytest.mark.engine_independent

SERVER = "redis://127.0.0.1:6379/12"


@pytest.fixture
def cache():
    prefix = f"ct-backend-{uuid.uuid4().hex[:8]}"
    yield RedisCache(SERVER, {"KEY_PREFIX": prefix})
    client = redis.Redis.from_url(SERVER)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.close()


def test_one_client_serves_every_call(cache):
    cache.set("page", b"<html>")

    assert cache.get("page") == b"<html>"
    assert cache._cache.get_client() is cache._cache.get_client(write=True)


def test_threads_sharing_the_client_read_back_their_own_values(cache):
    wrong: list[str] = []
    start = threading.Barrier(8)

    def work(thread: int) -> None:
        start.wait(timeout=30)
        for n in range(200):
            key, value = f"t{thread}:{n}", {"thread": thread, "n": n}
            cache.set(key, value, 60)
            if cache.get(key) != value:
                wrong.append(key)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert wrong == []
    assert cache.get_many([f"t{k}:199" for k in range(8)]) == {
        f"t{k}:199": {"thread": k, "n": 199} for k in range(8)
    }
