"""A counsellor's private calendar subscription (iCalendar): create, revoke, read.

The token is shown once and only its hash is stored. The feed carries booking code, service,
room and time, never a citizen's name or other personal data: calendar apps sync it to phones
and cloud services outside the office."""

import datetime as dt
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import Appointment, Counsellor, CounsellorFeed
from .selectors import hash_token

# What the feed covers around today.
PAST_DAYS = 14
AHEAD_DAYS = 120
SHOWN = (Appointment.Status.BOOKED, Appointment.Status.CHECKED_IN, Appointment.Status.DONE)


def feed_url(token: str) -> str:
    """The absolute subscription address for calendar apps."""
    return settings.SITE_URL + reverse("workspace:calendar-feed", args=[token])


@transaction.atomic
def create_feed(*, counsellor: Counsellor) -> str:
    """Revokes the counsellor's current subscription, if any, and returns the token of a new one
    (256 bits; shown once)."""
    revoke_feed(counsellor=counsellor)
    token = secrets.token_urlsafe(32)
    CounsellorFeed.objects.create(counsellor=counsellor, token_hash=hash_token(token))
    return token


def revoke_feed(*, counsellor: Counsellor) -> int:
    """Ends the counsellor's subscription: its address answers 404 from now on."""
    return CounsellorFeed.objects.filter(counsellor=counsellor, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def active_feed(counsellor: Counsellor) -> CounsellorFeed | None:
    """The counsellor's subscription that still works. One query."""
    return CounsellorFeed.objects.filter(counsellor=counsellor, revoked_at__isnull=True).first()


def counsellor_for_token(token: str) -> Counsellor | None:
    """The counsellor of a subscription that has not been revoked, else None. One query."""
    if not token or len(token) > 100:
        return None
    feed = (
        CounsellorFeed.objects.select_related("counsellor")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True, counsellor__active=True)
        .first()
    )
    return feed.counsellor if feed else None


def counsellor_ics(counsellor: Counsellor, *, now: dt.datetime | None = None) -> bytes:
    """The counsellor's appointments as iCalendar: code, service, room and time only. Two queries."""
    now = now or timezone.now()
    rows = (
        Appointment.objects.filter(
            counsellor=counsellor,
            status__in=SHOWN,
            start__gte=now - dt.timedelta(days=PAST_DAYS),
            start__lt=now + dt.timedelta(days=AHEAD_DAYS),
        )
        .order_by("start")
        .values_list("code", "start", "end", "service__name", "location__name")
    )
    calendar = Calendar()
    calendar.add("prodid", "-//Sozialamt Termine//Beratung//DE")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Beratungstermine %(name)s") % {"name": counsellor.name})
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    for code, start, end, service, location in rows:
        event = Event()
        event.add("uid", f"beratung-{code}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("summary", f"{service} ({code})")
        event.add("location", ", ".join(part for part in (counsellor.room, location) if part))
        event.add("description", _("Buchungsnummer: %(code)s") % {"code": code})
        event.add("class", "PRIVATE")
        calendar.add_component(event)
    return calendar.to_ical()
