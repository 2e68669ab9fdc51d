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


def test_count_starts_at_one_expires_and_costs_one_round_trip(settings, monkeypatch, redis_commands):
    from django.core.cache import cache

    from sozialamt.cache import count

    assert settings.REDIS_URL, "the test suite runs against Redis (make test sets REDIS_URL)"
    client = cache._cache.get_client(write=True)
    assert count(cache, "visits", 30) == 1  # loads the script into Redis if it is not there yet
    sent = redis_commands
    sent.clear()
    assert [count(cache, "visits", 30) for _ in range(2)] == [2, 3]
    assert sent == ["EVALSHA"] * 2  # one command each, run by Redis as a whole
    monkeypatch.undo()
    assert 0 < client.ttl(cache.make_key("visits")) <= 30
    assert count(cache, "forever", None) == 1 and client.ttl(cache.make_key("forever")) == -1


def test_a_counter_keeps_its_first_expiry_and_may_start_elsewhere():
    from django.core.cache import cache

    from sozialamt.cache import count

    client = cache._cache.get_client(write=True)
    assert count(cache, "window", 30) == 1
    client.expire(cache.make_key("window"), 5)  # time passes
    assert count(cache, "window", 30) == 2
    assert client.ttl(cache.make_key("window")) <= 5  # a busy client does not push its window on
    assert [count(cache, "generation", None, start=1000) for _ in range(2)] == [1001, 1002]
    assert client.ttl(cache.make_key("generation")) == -1
    assert [count(cache, "limited", 30, start=7) for _ in range(2)] == [8, 9]
    assert 0 < client.ttl(cache.make_key("limited")) <= 30


def test_count_and_add_is_one_round_trip_and_answers_both(monkeypatch, redis_commands):
    from django.core.cache import cache

    from sozialamt.cache import count_and_add

    client = cache._cache.get_client(write=True)
    count_and_add(cache, "warm", add_key="warm-flag", add_value=1, add_timeout=5)  # loads the script
    sent = redis_commands
    sent.clear()
    first = count_and_add(cache, "generation", start=500, add_key="flag", add_value=1, add_timeout=30)
    second = count_and_add(cache, "generation", start=900, add_key="flag", add_value=1, add_timeout=30)
    assert sent == ["EVALSHA", "EVALSHA"]
    monkeypatch.undo()
    assert first == (501, True) and second == (502, False)
    assert 0 < client.ttl(cache.make_key("flag")) <= 30 and cache.get("flag") == 1
    assert client.ttl(cache.make_key("generation")) == -1
    cache.delete("flag")
    assert count_and_add(cache, "generation", add_key="flag", add_value=1, add_timeout=30) == (503, True)


def test_count_and_add_on_a_dead_redis_cannot_say(dead_cache):
    from sozialamt.cache import count_and_add

    assert count_and_add(dead_cache, "generation", add_key="flag", add_value=1, add_timeout=30) == (1, None)


def test_count_on_a_dead_redis_answers_one(dead_cache):
    from sozialamt.cache import count

    assert count(dead_cache, "visits", 30) == 1


def test_count_works_with_any_cache_backend(settings):
    from django.core.cache import caches

    from sozialamt.cache import count

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [count(caches["default"], "visits", 30) for _ in range(2)] == [1, 2]
