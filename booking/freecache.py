"""Cached free times: plain cache calls under explicit keys per location and day.

A location has a version (admin edits of its hours, closures, counsellors or services replace
it) and each of its days a stamp (a booking change on that day replaces it). A cached entry
keeps the version and stamp it was worked out under, and counts only while they are still
current: a change makes exactly the entries it touches stale, so a booking on 3 December leaves
10 December's free times cached. The versions and the entries come in one round trip. Which
service and location a pair of slugs names is cached the same way under a catalogue version
that any edit of services, locations or their offers replaces. A reader
that raced a change wrote the old version or stamp into its entry, which then counts for
nobody. A day's free times expire after BOOKING_FREE_TIMES_CACHE_SECONDS; what depends on the
location's version alone (its office plan: hours, closures, counsellors, their working hours
and absences; the catalogue) after BOOKING_OFFICE_CACHE_SECONDS. 0 switches either off. A
missing version or stamp reads as "0", so a cache that lost its data starts afresh. The cache
only spares work: a booking is still checked against the database constraint.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction


def _seconds(day: dt.date | None) -> int:
    """How long an entry is cached: a day's free times, or what depends on the location only."""
    return settings.BOOKING_FREE_TIMES_CACHE_SECONDS if day else settings.BOOKING_OFFICE_CACHE_SECONDS


def _location_key(location_id: int) -> str:
    return f"booking:free:v:{location_id}"


def _day_key(location_id: int, day: dt.date) -> str:
    return f"booking:free:d:{location_id}:{day}"


class Lookup:
    """One round trip for a location's version, the stamps of some days and cached entries;
    then the entries still current, and tags to store new ones with."""

    def __init__(self, location_id: int, entries: dict[str, dt.date | None]):
        # cache key -> the day it depends on (None: the location only); those switched off left out
        self.entries = {key: day for key, day in entries.items() if _seconds(day) > 0}
        days = {day for day in self.entries.values() if day}
        keys = [_location_key(location_id), *(_day_key(location_id, d) for d in days), *self.entries]
        found = cache.get_many(keys) if self.entries else {}
        self.version = found.get(_location_key(location_id), "0")
        self.stamps = {day: found.get(_day_key(location_id, day), "0") for day in days}
        self.found = {key: found[key] for key in self.entries if key in found}

    def tag(self, key: str) -> tuple[str, str]:
        day = self.entries[key]
        return self.version, self.stamps[day] if day else ""

    def get(self, key: str):
        """The cached value, None when missing or worked out under an older version or stamp."""
        entry = self.found.get(key)
        return entry[1] if entry is not None and entry[0] == self.tag(key) else None

    def put(self, values: dict) -> None:
        """Caches values by key, tagged with the version and stamps read (one round trip for
        entries of one kind, as every caller stores)."""
        kept = {key: value for key, value in values.items() if key in self.entries}
        for seconds in {_seconds(self.entries[key]) for key in kept}:
            cache.set_many(
                {
                    key: (self.tag(key), v)
                    for key, v in kept.items()
                    if _seconds(self.entries[key]) == seconds
                },
                timeout=seconds,
            )


# Which active service is offered at which active location under which slugs: replaced by any
# edit of a service, a location or what a location offers (rare admin edits).
CATALOGUE_KEY = "booking:free:catalogue"


def catalogue_get(key: str) -> tuple[object | None, str]:
    """A cached catalogue entry (None when missing or older than the last edit) and the
    catalogue version to store a new one under, in one round trip."""
    if not _seconds(None):
        return None, "0"
    found = cache.get_many([CATALOGUE_KEY, key])
    version, entry = found.get(CATALOGUE_KEY, "0"), found.get(key)
    return (entry[1] if entry is not None and entry[0] == version else None), version


def catalogue_put(key: str, version: str, value) -> None:
    """Caches a catalogue entry worked out under the version read before."""
    if _seconds(None):
        cache.set(key, (version, value), timeout=_seconds(None))


def catalogue_changed() -> None:
    """A service, a location or what a location offers was edited."""
    _replace_twice({CATALOGUE_KEY})


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
