"""Free times are read far more often than they change: they are cached under a generation
number that every booking change and every admin edit of hours, absences or closures bumps
(after commit). The cache only spares work: a booking is still checked against the
database constraint, so a stale entry can never cause a double booking.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from sozialamt.cache import count

# Two generations: bookings (every appointment change) and static (admin edits of hours,
# absences, closures, counsellors, services). Free times depend on both; the static part of
# the arithmetic (days, working hours) only on the second, so it survives new bookings.
BOOKINGS_KEY = "booking:free:generation"
STATIC_KEY = "booking:free:static-generation"


# A request reads the generations several times (the service, the hours, the free times); this
# process reuses what it read for a moment. Another process's change shows here that much
# later at most, which only delays a cached page: bookings are checked against the database.
# This process's own changes forget the memo at once.
MEMO_SECONDS = 0.25
_memo: tuple[float, tuple[int, int]] | None = None


_forgotten = 0  # counts forget(): a read that a forget overtook must not be remembered


def generations() -> tuple[int, int]:
    """The current (bookings, static) generations, in one cache round trip or none."""
    global _memo
    memo, now, forgotten = _memo, time.monotonic(), _forgotten
    if memo is not None and now - memo[0] < MEMO_SECONDS:
        return memo[1]
    found = cache.get_many([BOOKINGS_KEY, STATIC_KEY])
    for name in (BOOKINGS_KEY, STATIC_KEY):
        if name not in found:
            cache.add(name, 1, timeout=None)
            found[name] = cache.get(name, 1)
    current = found[BOOKINGS_KEY], found[STATIC_KEY]
    if forgotten == _forgotten:
        _memo = (now, current)
    return current


def forget() -> None:
    """Drops this process's memo of the generations."""
    global _memo, _forgotten
    _forgotten += 1
    _memo = None


def bump_after_commit(*, static: bool = False) -> None:
    """Invalidates cached free times now and again once the transaction commits
    (a reader between the two may have cached what it saw before the commit)."""
    names = (BOOKINGS_KEY, STATIC_KEY) if static else (BOOKINGS_KEY,)
    _bump(*names)
    if transaction.get_connection().in_atomic_block:  # else the change is committed already
        transaction.on_commit(lambda: _bump(*names))


def _bump(*names: str) -> None:
    forget()
    for name in names or (BOOKINGS_KEY,):
        count(cache, name, None)


def keys(*parts) -> tuple[str | None, str | None]:
    """Cache keys for the whole answer (both generations) and for its static part (static
    generation only); (None, None) when caching is switched off."""
    if not settings.BOOKING_FREE_TIMES_CACHE_SECONDS:
        return None, None
    bookings, static = generations()
    suffix = ":".join(map(str, parts))
    return f"booking:free:{bookings}:{static}:{suffix}", f"booking:static:{static}:{suffix}"


def get(cache_key: str | None):
    return cache.get(cache_key) if cache_key else None


def put(cache_key: str | None, value) -> None:
    if cache_key:
        cache.set(cache_key, value, timeout=settings.BOOKING_FREE_TIMES_CACHE_SECONDS)
