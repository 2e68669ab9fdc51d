"""Booking-wizard data in the session store: kept at most SESSION_DATA_TTL, in the database too."""

import datetime as dt
import json

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

# Personal data and the raw management token stay in the session only this long (data economy):
# an abandoned wizard or an unattended confirmation page forgets them.
SESSION_DATA_TTL = dt.timedelta(minutes=30)
SESSION_KEY = "booking"  # the wizard's choices and personal data
DONE_KEY = "booking_done"  # the confirmation page's booking and token
WIZARD_KEYS = (SESSION_KEY, DONE_KEY)
# What an expired wizard leaves behind to offer its choice again: no personal data.
EXPIRED_KEY = "booking_expired"
CHOICE_FIELDS = ("service", "location", "start")
# The same choice also goes into a signed cookie on the citizen's own device: a citizen's whole
# session ends with the wizard's data, and the page that says so should still offer the chosen
# service and time again. No personal data, and only for a day.
CHOICE_COOKIE = "booking_choice"
CHOICE_COOKIE_SECONDS = 24 * 60 * 60


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


def session_entry(request: HttpRequest, key: str) -> dict | None:
    """A wizard or confirmation entry of the session, dropped once it is older than the TTL."""
    state = request.session.get(key)
    if not isinstance(state, dict) or not fresh(state):
        request.session.pop(key, None)
        if key == SESSION_KEY and isinstance(state, dict):
            request.session[EXPIRED_KEY] = {name: state.get(name) for name in CHOICE_FIELDS}
        return None
    return state


def expires_in(state: dict) -> int:
    """Seconds until the wizard's data is forgotten."""
    at = dt.datetime.fromtimestamp(float(state["at"]), tz=dt.UTC)
    return max(0, int((at + SESSION_DATA_TTL - timezone.now()).total_seconds()))


def session_context(state: dict) -> dict:
    return {
        "expires_in": expires_in(state),
        "expires_at": timezone.now() + dt.timedelta(seconds=expires_in(state)),
        "ttl_minutes": int(SESSION_DATA_TTL.total_seconds() // 60),
    }


def remember_choice(response: HttpResponse, state: dict) -> HttpResponse:
    """Keeps the chosen service, location and time (nothing personal) for the expired page."""
    response.set_signed_cookie(
        CHOICE_COOKIE,
        json.dumps({name: state.get(name) for name in CHOICE_FIELDS}),
        salt=CHOICE_COOKIE,
        max_age=CHOICE_COOKIE_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def forget_choice(response: HttpResponse) -> HttpResponse:
    """Booked: nothing is left to offer again."""
    response.delete_cookie(CHOICE_COOKIE, samesite="Lax")
    return response


def expired_choice(request: HttpRequest) -> dict | None:
    """The choice of a wizard whose data was forgotten: from the session, or, when the session
    itself has ended, from the signed cookie. None when there is none or it was tampered with."""
    choice = request.session.get(EXPIRED_KEY)
    if choice:
        return choice
    raw = request.get_signed_cookie(
        CHOICE_COOKIE, default=None, salt=CHOICE_COOKIE, max_age=CHOICE_COOKIE_SECONDS
    )
    try:
        choice = json.loads(raw) if raw else None
    except ValueError:
        return None
    return choice if isinstance(choice, dict) else None


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
