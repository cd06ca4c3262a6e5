"""Django's Redis cache, keeping one client per server.

Django's client makes a new `redis.Redis` for every cache call, and each new one
copies its table of about 170 response callbacks: on a cached page, whose work is
one cache read, that was a tenth of the request's CPU time (docs/performance.md,
"Cached requests"). A `redis.Redis` over a connection pool is safe to share between
threads (redis-py's own guarantee; the pool hands each command its own connection),
and the pool already notices a fork, so one client per pool serves the process.
"""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
