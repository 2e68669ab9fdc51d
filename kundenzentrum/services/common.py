"""What every part of the walk-in queue's services shares: the domain error and small helpers."""

import datetime as dt
import hashlib

from django.db import transaction
from django.utils import formats, timezone

from .. import selectors


class QueueError(Exception):
    """A domain error with a message for the user; nothing was changed."""

    def __init__(self, message: str, *, next_opening: dt.datetime | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.next_opening = next_opening


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def when(moment: dt.datetime) -> str:
    """A moment as the citizen reads it: local time, weekday, date and time as the visitor's
    language writes them."""
    local = timezone.localtime(moment)
    day = f"{formats.date_format(local, 'l')}, {formats.date_format(local, 'DATE_FORMAT')}"
    return f"{day}, {formats.time_format(local, 'TIME_FORMAT')}"


def feed_changed_on_commit(slug: str, now: dt.datetime) -> None:
    """The waiting-room display of the location (by its slug) shows the change once it is committed."""
    day = timezone.localdate(now)
    transaction.on_commit(lambda: selectors.display_feed_changed(slug, day))
