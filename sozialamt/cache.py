"""The Redis cache, made to degrade to "no cache" while Redis is away.

The cache only ever speeds things up or counts requests (free times, rate limits, the display
board). A Redis restart must therefore never fail a booking or a page: each call that meets a
Redis error logs it and answers as an empty cache would.
"""

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class ReusingRedisCacheClient(RedisCacheClient):
    """Keeps one redis.Redis per connection pool instead of building one for every call.

    Building a client copies its table of response callbacks, which costs more than the
    round trip to a local Redis; the client itself is thread-safe (it borrows connections
    from the pool for each command)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class TolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self._scripts: dict[tuple[int, str], object] = {}

    def validate_key(self, key) -> None:
        """Redis takes any key: Django's check of each key against memcached's limits (a loop
        over its characters on every call) is left out."""

    def _unavailable(self, operation: str, error: RedisError) -> None:
        logger.warning("Cache unavailable during %s: %s", operation, type(error).__name__)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as error:
            self._unavailable("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except RedisError as error:
            self._unavailable("get_many", error)
            return {}

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except RedisError as error:
            self._unavailable("set", error)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except RedisError as error:
            self._unavailable("set_many", error)
            return list(data)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except RedisError as error:
            self._unavailable("add", error)
            return False

    def try_add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool | None:
        """Like add, but None (not False) when Redis did not answer."""
        try:
            return super().add(key, value, timeout, version)
        except RedisError as error:
            self._unavailable("add", error)
            return None

    def incr(self, key, delta=1, version=None):
        # Answers as if the counter had just been created, so a rate limit lets the request by.
        try:
            return super().incr(key, delta, version)
        except RedisError as error:
            self._unavailable("incr", error)
            return delta

    # SET … NX (a new counter's start), INCR and, for a counter without expiry yet, EXPIRE: one
    # command that Redis runs as a whole, so no counter is left without its expiry.
    COUNT_SCRIPT = """
    if ARGV[1] ~= '0' then redis.call('SET', KEYS[1], ARGV[1], 'NX') end
    local n = redis.call('INCR', KEYS[1])
    if ARGV[2] ~= '' and redis.call('TTL', KEYS[1]) == -1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
    return n
    """

    # COUNT_SCRIPT without expiry, and SET … NX EX of a second key: two writes that happen at
    # the same moment in one round trip.
    COUNT_AND_ADD_SCRIPT = """
    if ARGV[1] ~= '0' then redis.call('SET', KEYS[1], ARGV[1], 'NX') end
    local n = redis.call('INCR', KEYS[1])
    if redis.call('SET', KEYS[2], ARGV[2], 'NX', 'EX', ARGV[3]) then return {n, 1} end
    return {n, 0}
    """

    def _script(self, client, text: str):
        script = self._scripts.get((id(client), text))
        if script is None:
            script = self._scripts[id(client), text] = client.register_script(text)
        return script

    def count_and_add(
        self, key, *, start: int = 0, add_key, add_value: int, add_timeout: int, version=None
    ) -> tuple[int, bool | None]:
        """count(key, None, start=start) and try_add(add_key, add_value, add_timeout) in one
        round trip; (1, None) when Redis did not answer."""
        key = self.make_and_validate_key(key, version)
        add_key = self.make_and_validate_key(add_key, version)
        try:
            client = self._cache.get_client(key, write=True)
            count, added = self._script(client, self.COUNT_AND_ADD_SCRIPT)(
                keys=[key, add_key], args=[start, add_value, add_timeout]
            )
            return count, bool(added)
        except RedisError as error:
            self._unavailable("count_and_add", error)
            return 1, None

    def count(self, key, timeout: int | None, version=None, *, start: int = 0) -> int:
        """Counts one up and returns the new count; a new counter starts at start + 1 and
        expires after `timeout` seconds (None: never). One round trip, where add-then-incr costs
        three."""
        key = self.make_and_validate_key(key, version)
        try:
            client = self._cache.get_client(key, write=True)
            if timeout is None and not start:
                return client.incr(key)
            script = self._script(client, self.COUNT_SCRIPT)
            return script(keys=[key], args=[start, "" if timeout is None else timeout])
        except RedisError as error:
            self._unavailable("count", error)
            return 1  # as if the counter had just been created: a rate limit lets the request by

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError as error:
            self._unavailable("delete", error)
            return False

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except RedisError as error:
            self._unavailable("delete_many", error)

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except RedisError as error:
            self._unavailable("has_key", error)
            return False

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except RedisError as error:
            self._unavailable("touch", error)
            return False

    def clear(self):
        try:
            return super().clear()
        except RedisError as error:
            self._unavailable("clear", error)


def count(cache, key: str, timeout: int | None, *, start: int = 0) -> int:
    """Counts one up in any cache: in one round trip on Redis, with add and incr elsewhere. A
    new counter starts at start + 1."""
    counter = getattr(cache, "count", None)  # TolerantRedisCache (through the caches proxy)
    if counter is not None:
        return counter(key, timeout, start=start)
    if cache.add(key, start + 1, timeout=timeout):
        return start + 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, start + 1, timeout=timeout)
        return start + 1


def count_and_add(
    cache, key: str, *, start: int = 0, add_key: str, add_value: int, add_timeout: int
) -> tuple[int, bool | None]:
    """count(cache, key, None, start=start) and an add of add_key: in one round trip on Redis.
    The add's answer is None when the cache could not say."""
    both = getattr(cache, "count_and_add", None)  # TolerantRedisCache
    if both is not None:
        return both(key, start=start, add_key=add_key, add_value=add_value, add_timeout=add_timeout)
    return count(cache, key, None, start=start), cache.add(add_key, add_value, timeout=add_timeout)
