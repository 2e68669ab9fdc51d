"""Cached free times: plain cache calls under explicit keys per location and day.

A location has a version (admin edits of its hours, closures, counsellors or services replace
it) and each of its days a stamp (a booking change on that day replaces it, after commit). The
keys of cached entries name both, so a change makes exactly the entries it touches
unreachable: a booking on 3 December leaves 10 December's free times cached. A reader that
raced a change can only have written under the old version or stamp, where nobody looks
again. Entries expire after BOOKING_FREE_TIMES_CACHE_SECONDS, and a missing version or stamp
reads as "0", so a cache that lost its data starts afresh. The cache only spares work: a
booking is still checked against the database constraint.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction


def enabled() -> bool:
    return settings.BOOKING_FREE_TIMES_CACHE_SECONDS > 0


def _location_key(location_id: int) -> str:
    return f"booking:free:v:{location_id}"


def _day_key(location_id: int, day: dt.date) -> str:
    return f"booking:free:d:{location_id}:{day}"


def versions(location_id: int, days: Iterable[dt.date]) -> tuple[str, dict[dt.date, str]]:
    """The location's version and each day's stamp, in one round trip ("0" for a missing one)."""
    if not enabled():
        return "0", {}
    keys = {day: _day_key(location_id, day) for day in days}
    found = cache.get_many([_location_key(location_id), *keys.values()])
    return found.get(_location_key(location_id), "0"), {day: found.get(key, "0") for day, key in keys.items()}


def get_many(keys: Iterable[str]) -> dict:
    return cache.get_many(list(keys)) if enabled() else {}


def set_many(entries: dict) -> None:
    if entries and enabled():
        cache.set_many(entries, timeout=settings.BOOKING_FREE_TIMES_CACHE_SECONDS)


def days_changed(location_id: int, days: Iterable[dt.date]) -> None:
    """Bookings on these days changed: their cached free times go now and after commit."""
    _replace_twice({_day_key(location_id, day) for day in days})


def locations_changed(location_ids: Iterable[int]) -> None:
    """An admin edit touched these locations: all their cached free times go now and after commit."""
    _replace_twice({_location_key(pk) for pk in location_ids})


def _replace_twice(keys: set[str]) -> None:
    # Now, so that the transaction's own reads see the change; again after the commit, because
    # a reader in between may have cached, under the first new stamp, what it saw before.
    if transaction.get_connection().in_atomic_block:
        _replace(keys)
    transaction.on_commit(lambda: _replace(keys))


def _replace(keys: set[str]) -> None:
    if keys:
        cache.set_many(dict.fromkeys(keys, secrets.token_hex(6)), timeout=None)
