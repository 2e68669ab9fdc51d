"""Free times are read far more often than they change: they are cached under a generation
number that every booking change and every admin edit of hours, absences or closures bumps
(after commit). The cache only spares work: a booking is still checked against the
database constraint, so a stale entry can never cause a double booking.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "booking:free:generation"


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return value


def bump_after_commit() -> None:
    """Invalidates every cached free time now and again once the transaction commits
    (a reader between the two may have cached what it saw before the commit)."""
    _bump()
    transaction.on_commit(_bump)


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.add(GENERATION_KEY, 1, timeout=None)


def key(*parts) -> str | None:
    """A cache key under the current generation, or None when caching is switched off."""
    if not settings.BOOKING_FREE_TIMES_CACHE_SECONDS:
        return None
    return ":".join(["booking:free", str(generation()), *map(str, parts)])


def get(cache_key: str | None):
    return cache.get(cache_key) if cache_key else None


def put(cache_key: str | None, value) -> None:
    if cache_key:
        cache.set(cache_key, value, timeout=settings.BOOKING_FREE_TIMES_CACHE_SECONDS)
