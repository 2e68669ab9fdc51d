"""Free times are read far more often than they change: they are cached under a generation
number that every booking change and every admin edit of hours, absences or closures bumps
(after commit). The cache only spares work: a booking is still checked against the
database constraint, so a stale entry can never cause a double booking.

What depends only on the static generation (the office's days, the counsellors' hours, the
service and location of a slug pair) is also kept in this process (get_static): a booking
checks its time against it without a round trip. A generation starts at a random number, so
that after Redis lost its data (a restart) no new generation meets an old one that this
process still remembers; while the generations cannot be read, nothing is cached.
"""

from __future__ import annotations

import contextlib
import secrets
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from sozialamt.cache import count, count_and_add

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


def generations() -> tuple[int, int] | None:
    """The current (bookings, static) generations, in one cache round trip or none; None while
    the cache cannot be read."""
    global _memo
    memo, now, forgotten = _memo, time.monotonic(), _forgotten
    if memo is not None and now - memo[0] < MEMO_SECONDS:
        return memo[1]
    found = cache.get_many([BOOKINGS_KEY, STATIC_KEY])
    for name in (BOOKINGS_KEY, STATIC_KEY):
        if name not in found:
            cache.add(name, _first_generation(), timeout=None)
            found[name] = cache.get(name)
            if found[name] is None:  # the cache is away
                return None
    current = found[BOOKINGS_KEY], found[STATIC_KEY]
    if forgotten == _forgotten:
        _memo = (now, current)
    return current


def _first_generation() -> int:
    return secrets.randbelow(2**52) + 1


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
    memo, forgotten = _forget_for_bump()
    found = {name: count(cache, name, None, start=_first_generation()) for name in names or (BOOKINGS_KEY,)}
    _remember_bump(found, forgotten, memo)


def bump_and_add(add_key: str, add_value: int, add_timeout: int) -> bool | None:
    """For a booking change that is committed already: bumps the bookings generation and, in
    the same round trip, adds another key to the cache (see sozialamt.cache.count_and_add);
    returns the add's answer."""
    memo, forgotten = _forget_for_bump()
    generation, added = count_and_add(
        cache,
        BOOKINGS_KEY,
        start=_first_generation(),
        add_key=add_key,
        add_value=add_value,
        add_timeout=add_timeout,
    )
    _remember_bump({BOOKINGS_KEY: generation}, forgotten, memo)
    return added


def _forget_for_bump():
    """Forgets the memo; returns what it held and the count of forgets, for _remember_bump."""
    memo = _memo
    forget()
    return memo, _forgotten


def _remember_bump(found: dict[str, int], forgotten: int, memo) -> None:
    # What the bump answered is the newest there is: remember it with the other generation as
    # this process last read it, until that read's moment ends, and spare the next request a
    # round trip. (A count of 1 means the cache was away: nothing to remember.)
    global _memo
    if memo is not None and forgotten == _forgotten and min(found.values()) > 1:
        read_at, (bookings, static) = memo
        _memo = (read_at, (found.get(BOOKINGS_KEY, bookings), found.get(STATIC_KEY, static)))


def keys(*parts) -> tuple[str | None, str | None]:
    """Cache keys for the whole answer (both generations) and for its static part (static
    generation only); (None, None) when caching is switched off."""
    current = generations() if settings.BOOKING_FREE_TIMES_CACHE_SECONDS else None
    if current is None:
        return None, None
    bookings, static = current
    suffix = ":".join(map(str, parts))
    return (
        f"booking:free:{bookings}:{static}:{suffix}",
        f"booking:static:v{STATIC_FORMAT}:{static}:{suffix}",
    )


# The shape of the static entries: raised when it changes, so that a new release never reads
# what an older one left in the cache (say a StaticPlan without a field the new code uses).
STATIC_FORMAT = 3


def get(cache_key: str | None):
    return cache.get(cache_key) if cache_key else None


def put(cache_key: str | None, value) -> None:
    if cache_key:
        cache.set(cache_key, value, timeout=settings.BOOKING_FREE_TIMES_CACHE_SECONDS)


# What this process keeps of the static entries: a few days' plans of a few services, each
# for as long as the cache keeps it (so an entry is at most twice that old). Its key names the
# static generation, so an admin's edit makes it unreachable at once; the expiry bounds how long
# a lost bump (a process that died before its after-commit bump) can leave it in use.
LOCAL_ENTRIES = 512
_local: OrderedDict[str, tuple[float, object]] = OrderedDict()


def get_static(cache_key: str | None):
    """A static entry (see keys()), from this process if it has it, else from the cache."""
    if not cache_key:
        return None
    kept = _local.get(cache_key)
    if kept is not None and kept[0] > time.monotonic():
        with contextlib.suppress(KeyError):  # another thread's _remember dropped it just now
            _local.move_to_end(cache_key)
        return kept[1]
    found = cache.get(cache_key)
    if found is not None:
        _remember(cache_key, found)
    return found


def put_static(cache_key: str | None, value, *, keep_here: bool = True) -> None:
    """Caches a static entry; keep_here=False keeps it out of this process (answers to
    requests for things that do not exist, which anybody can vary without end)."""
    if cache_key:
        put(cache_key, value)
        if keep_here:
            _remember(cache_key, value)


def _remember(cache_key: str, value) -> None:
    _local[cache_key] = (time.monotonic() + settings.BOOKING_FREE_TIMES_CACHE_SECONDS, value)
    while len(_local) > LOCAL_ENTRIES:
        try:
            _local.popitem(last=False)
        except KeyError:  # emptied by another thread meanwhile
            break


def clear_local() -> None:
    """Drops what this process keeps (tests)."""
    _local.clear()
    forget()
