"""The generations that name cached free times: this process's changes show at once, another
process's after the memo's moment at most."""

from django.core.cache import cache, caches

from booking import freecache


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
