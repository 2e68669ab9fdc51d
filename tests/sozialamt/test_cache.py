"""While Redis is away the cache answers as an empty cache would: pages and bookings go on."""

import pytest


def test_a_dead_redis_answers_like_an_empty_cache(dead_cache):
    assert dead_cache.get("key", "fallback") == "fallback"
    assert dead_cache.get_many(["a", "b"]) == {}
    assert dead_cache.add("key", 1) is False
    assert dead_cache.incr("key", 3) == 3
    dead_cache.set("key", 1)  # no exception
    assert dead_cache.has_key("key") is False


def test_the_tolerant_cache_works_normally_with_redis(settings):
    if not settings.REDIS_URL:
        pytest.fail("the test suite runs against Redis (make test sets REDIS_URL)")
    from django.core.cache import caches

    cache = caches["default"]
    assert type(cache).__name__ == "TolerantRedisCache"
    cache.set("probe", 41)
    assert cache.incr("probe") == 42


@pytest.mark.django_db
def test_the_start_page_renders_while_redis_is_down(client, dead_cache, location, walk_in_service):
    assert client.get("/").status_code == 200
