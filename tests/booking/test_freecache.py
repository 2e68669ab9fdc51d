"""The generations that name cached free times: this process's changes show at once, another
process's after the memo's moment at most; what this process keeps of the static entries is
named by the static generation, so it is never served stale, nor while Redis is away."""

import datetime as dt
import itertools
from types import SimpleNamespace

import pytest
from django.core.cache import cache, caches
from django.utils import timezone

from booking import freecache
from booking.models import WorkingHours
from booking.selectors import static_plan
from tests.conftest import DEAD_REDIS

from .conftest import TUESDAY_9

TUESDAY = TUESDAY_9.date()
# Opening hours and closures, counsellors, their working hours, absences, whether the location
# offers the service.
STATIC_PLAN_QUERIES = 6


def test_a_change_in_this_process_shows_at_once():
    bookings, static = freecache.generations()
    freecache.bump_after_commit()
    assert freecache.generations() == (bookings + 1, static)
    freecache.bump_after_commit(static=True)
    assert freecache.generations() == (bookings + 2, static + 1)


def test_another_process_change_shows_once_the_memo_has_passed(monkeypatch):
    monkeypatch.setattr(freecache, "MEMO_SECONDS", 3600)  # a slow machine stays inside it
    bookings, static = freecache.generations()
    cache.incr(freecache.BOOKINGS_KEY)  # what another web process's booking does
    assert freecache.generations() == (bookings, static)  # within the memo's moment
    monkeypatch.setattr(freecache, "MEMO_SECONDS", 0)
    assert freecache.generations() == (bookings + 1, static)


def test_a_read_overtaken_by_a_change_here_is_not_remembered(monkeypatch):
    """A thread reads the generations while another thread's change forgets the memo: what the
    first read is older than the change and must not be served from the memo."""
    monkeypatch.setattr(freecache, "MEMO_SECONDS", 3600)
    bookings, _static = freecache.generations()
    freecache.forget()
    backend = caches["default"]
    real_get_many = backend.get_many

    def read_then_overtaken(keys):
        found = real_get_many(keys)
        freecache.bump_after_commit()  # the other thread's booking, between read and remember
        return found

    monkeypatch.setattr(backend, "get_many", read_then_overtaken)
    assert freecache.generations()[0] == bookings  # this read began before the change
    monkeypatch.setattr(backend, "get_many", real_get_many)
    assert freecache.generations()[0] == bookings + 1


# --- what this process keeps of the static entries ----------------------------------------------


@pytest.fixture
def round_trips(monkeypatch):
    """Counts the cache's trips to Redis (every command borrows a client first)."""
    client = caches["default"]._cache
    real_get_client = client.get_client
    trips = []

    def counted(*args, **kwargs):
        trips.append(args)
        return real_get_client(*args, **kwargs)

    monkeypatch.setattr(client, "get_client", counted)
    return trips


@pytest.fixture
def plan(clock, counsellor, appointment_service, location):
    """Tuesday's static plan, as a booking for that day reads it."""
    return lambda: static_plan(
        service=appointment_service, location=location, day=TUESDAY, now=timezone.now()
    )


def tuesday_hours(found) -> list:
    [counsellor] = found.counsellors
    return [(starts, ends) for weekday, starts, ends in counsellor.weekly if weekday == TUESDAY.weekday()]


def shorten_tuesday(counsellor) -> None:
    """An admin edit made in another process: the database changes, no signal fires here."""
    WorkingHours.objects.filter(counsellor=counsellor, weekday=TUESDAY.weekday()).update(ends=dt.time(12))


@pytest.mark.django_db
def test_a_static_plan_is_served_from_this_process_the_second_time(
    plan, monkeypatch, round_trips, django_assert_num_queries
):
    monkeypatch.setattr(freecache, "MEMO_SECONDS", 3600)
    first = plan()
    round_trips.clear()
    with django_assert_num_queries(0):
        assert plan() is first
    assert round_trips == []


@pytest.mark.django_db
def test_an_admin_edit_in_another_process_shows_once_the_memo_has_passed(plan, counsellor, monkeypatch):
    monkeypatch.setattr(freecache, "MEMO_SECONDS", 3600)
    before = plan()
    shorten_tuesday(counsellor)
    cache.incr(freecache.STATIC_KEY)  # that process's bump
    assert plan() is before  # within the memo's moment
    monkeypatch.setattr(freecache, "MEMO_SECONDS", 0)
    assert tuesday_hours(plan()) == [(dt.time(8), dt.time(12))]
    assert tuesday_hours(before) == [(dt.time(8), dt.time(15, 30))]


@pytest.mark.django_db
def test_a_generation_begun_after_redis_lost_its_data_never_meets_an_entry_kept_from_before(
    plan, counsellor, monkeypatch
):
    """Generations restarting at a fixed number would name this process's old entry again."""
    monkeypatch.setattr(freecache, "_first_generation", itertools.count(1000, 1000).__next__)
    monkeypatch.setattr(freecache, "MEMO_SECONDS", 0)
    cache.clear()  # a fresh Redis (the fixtures' saves have bumped already)
    plan()
    assert freecache.generations() == (1000, 2000)
    shorten_tuesday(counsellor)
    cache.incr(freecache.STATIC_KEY)  # the edit's bump ...
    cache.clear()  # ... is lost with everything else when Redis restarts
    assert tuesday_hours(plan()) == [(dt.time(8), dt.time(12))]
    assert freecache.generations() == (3000, 4000)


def test_a_bump_after_redis_lost_its_data_begins_a_new_generation_at_random(monkeypatch):
    monkeypatch.setattr(freecache, "_first_generation", lambda: 7000)
    freecache.bump_after_commit(static=True)
    assert (cache.get(freecache.BOOKINGS_KEY), cache.get(freecache.STATIC_KEY)) == (7001, 7001)


def test_generations_begin_at_random_numbers():
    """Could fail by chance only if two draws from 2**52 numbers met."""
    first = freecache.generations()
    cache.clear()
    freecache.forget()
    second = freecache.generations()
    assert len({*first, *second}) == 4 and min(*first, *second) > 1


@pytest.mark.django_db
def test_while_redis_is_away_nothing_is_cached_and_nothing_kept_is_served(
    plan, counsellor, settings, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(freecache, "MEMO_SECONDS", 0)
    plan()  # kept here under the generation Redis named
    settings.CACHES = DEAD_REDIS
    assert freecache.generations() is None
    assert freecache.keys("pair", "grundsicherung", "stadthaus-3") == (None, None)
    shorten_tuesday(counsellor)
    with django_assert_num_queries(STATIC_PLAN_QUERIES):
        first = plan()
    with django_assert_num_queries(STATIC_PLAN_QUERIES):
        assert plan() is not first
    assert tuesday_hours(first) == [(dt.time(8), dt.time(12))]


@pytest.mark.django_db
def test_a_dead_cache_computes_the_static_plan_each_time(plan, dead_cache, django_assert_num_queries):
    for _ in range(2):
        with django_assert_num_queries(STATIC_PLAN_QUERIES):
            plan()
    assert not freecache._local


def test_after_its_own_bump_this_process_knows_the_generations_without_a_round_trip(monkeypatch, round_trips):
    now = [100.0]
    monkeypatch.setattr(freecache, "time", SimpleNamespace(monotonic=lambda: now[0]))
    monkeypatch.setattr(freecache, "MEMO_SECONDS", 10)
    bookings, static = freecache.generations()
    cache.incr(freecache.STATIC_KEY)  # another process's admin edit
    now[0] = 105.0
    freecache.bump_after_commit()
    round_trips.clear()
    assert freecache.generations() == (bookings + 1, static)
    assert round_trips == []
    now[0] = 110.5  # the moment of the read has passed, if not that of the bump
    assert freecache.generations() == (bookings + 1, static + 1)
    assert len(round_trips) == 1


def test_this_process_keeps_at_most_local_entries_and_drops_the_least_recently_used(monkeypatch):
    monkeypatch.setattr(freecache, "LOCAL_ENTRIES", 2)
    freecache.put_static("booking:static:1:a", "A")
    freecache.put_static("booking:static:1:b", "B")
    assert freecache.get_static("booking:static:1:a") == "A"
    freecache.put_static("booking:static:1:c", "C")
    assert list(freecache._local) == ["booking:static:1:a", "booking:static:1:c"]
    assert freecache.get_static("booking:static:1:b") == "B"  # from Redis, and kept again
    assert list(freecache._local) == ["booking:static:1:c", "booking:static:1:b"]
