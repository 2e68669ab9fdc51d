"""Booking-wizard data in the session store: kept at most SESSION_DATA_TTL, in the database too."""

import datetime as dt

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.http import HttpRequest
from django.utils import timezone

# Personal data and the raw management token stay in the session only this long (data economy):
# an abandoned wizard or an unattended confirmation page forgets them.
SESSION_DATA_TTL = dt.timedelta(minutes=30)
WIZARD_KEYS = ("booking", "booking_done")


def expire_with_wizard_data(request: HttpRequest) -> None:
    """Where the wizard writes: a citizen's session now ends SESSION_DATA_TTL after its last step.
    A staff session keeps its working day; the hourly clean-up takes the wizard data out of it."""
    if not request.user.is_authenticated:
        request.session.set_expiry(int(SESSION_DATA_TTL.total_seconds()))


def fresh(state: dict, now: dt.datetime | None = None) -> bool:
    """Whether a wizard entry was written less than SESSION_DATA_TTL ago."""
    try:
        at = dt.datetime.fromtimestamp(float(state["at"]), tz=dt.UTC)
    except (KeyError, TypeError, ValueError):
        return False
    return (now or timezone.now()) - at < SESSION_DATA_TTL


def clear_expired_sessions(now: dt.datetime | None = None) -> int:
    """Hourly (beat): deletes expired sessions, and takes stale wizard entries out of the live
    ones (staff sessions last a working day). Returns how many live sessions were cleaned."""
    now = now or timezone.now()
    Session.objects.filter(expire_date__lte=now).delete()
    cleaned = 0
    for session in Session.objects.filter(expire_date__gt=now).iterator():
        data = session.get_decoded()
        stale = [key for key in WIZARD_KEYS if key in data and not _fresh_entry(data[key], now)]
        if stale:
            for key in stale:
                del data[key]
            # The expiry date stays as it is: only the wizard's part of the session goes.
            Session.objects.filter(pk=session.pk).update(session_data=SessionStore().encode(data))
            cleaned += 1
    return cleaned


def _fresh_entry(state, now: dt.datetime) -> bool:
    return isinstance(state, dict) and fresh(state, now)
