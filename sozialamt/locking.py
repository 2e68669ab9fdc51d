"""Locks held until the current transaction ends (the shape of pretix's services/locking.py).

The one place that looks at the database vendor: services call lock_keys() and stay the same
on PostgreSQL and SQLite.
"""

import hashlib
from collections.abc import Iterable

from django.db import transaction


def lock_keys(keys: Iterable[str], *, using: str = "default") -> None:
    """Holds a lock on each key until the transaction commits or rolls back.

    Must run inside transaction.atomic(). On PostgreSQL an advisory transaction lock per key,
    taken in sorted order so two callers with overlapping keys cannot deadlock; the statement
    after it sees every transaction committed while it waited. SQLite runs every transaction
    IMMEDIATE (see settings): one writer at a time holds the whole database already."""
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        raise RuntimeError("lock_keys() needs a transaction")
    ids = sorted({_lock_id(key) for key in keys})
    if not ids or connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        # unnest keeps the array's order, so the locks are taken one after the other in it.
        cursor.execute("SELECT pg_advisory_xact_lock(k) FROM unnest(%s::bigint[]) AS k", [ids])


def _lock_id(key: str) -> int:
    """A signed 64-bit number for the key (what pg_advisory_xact_lock takes)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)
