"""The generations that name cached free times: this process's changes show at once, another
process's after the memo's moment at most."""

from django.core.cache import cache

from booking import freecache


def test_a_change_in_this_process_shows_at_once():
    bookings, static = freecache.generations()
    freecache.bump_after_commit()
    assert freecache.generations() == (bookings + 1, static)
    freecache.bump_after_commit(static=True)
    assert freecache.generations() == (bookings + 2, static + 1)


def test_another_process_change_shows_once_the_memo_has_passed(monkeypatch):
    bookings, static = freecache.generations()
    cache.incr(freecache.BOOKINGS_KEY)  # what another web process's booking does
    assert freecache.generations() == (bookings, static)  # within the memo's moment
    monkeypatch.setattr(freecache, "MEMO_SECONDS", 0)
    assert freecache.generations() == (bookings + 1, static)
