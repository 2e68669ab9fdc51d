"""Reads for the booking pages and the API."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone

from sozialamt.hours import OfficeCalendar
from sozialamt.models import Location, Service
from sozialamt.selectors import office_calendar

from . import freecache
from .models import Absence, Appointment, Counsellor, WorkingHours
from .slots import CounsellorPlan, DayPlan, Slot, plan_days

# No API client may ask for more than this many days at once (it bounds the work per request).
MAX_RANGE_DAYS = 62


@dataclass(frozen=True)
class Window:
    """The days a service can be booked on, as of today."""

    first_day: dt.date
    last_day: dt.date


@dataclass(frozen=True)
class Availability:
    """Free times of a service at a location for a range of days."""

    service: Service
    location: Location
    window: Window
    days: list[DayPlan]
    offered: bool = True

    def day(self, date: dt.date) -> DayPlan | None:
        return next((d for d in self.days if d.date == date), None)

    def slot_at(self, start: dt.datetime) -> Slot | None:
        plan = self.day(timezone.localtime(start).date())
        return next((s for s in plan.slots if s.start == start), None) if plan else None

    @property
    def slot_count(self) -> int:
        return sum(len(d.slots) for d in self.days)


def booking_window(service: Service, calendar: OfficeCalendar, today: dt.date) -> Window:
    """Lead time in working days (0 = today) and the horizon in calendar days."""
    last = today + dt.timedelta(days=service.booking_horizon_days)
    try:
        first = calendar.add_working_days(today, service.min_lead_days) if service.min_lead_days else today
    except ValueError:
        first = last + dt.timedelta(days=1)
    return Window(first, last)


def availability(
    *,
    service: Service,
    location: Location,
    start: dt.date | None = None,
    end: dt.date | None = None,
    now: dt.datetime | None = None,
    ignore_appointment: int | None = None,
    keep: bool = True,
) -> Availability:
    """Free times per day from start to end (default: the whole booking window).

    Six queries, however many counsellors and bookings: counsellors, their working hours,
    absences, booked times, opening hours, closures; none when cached (see freecache)."""
    # keep=False: a one-off read (a booking's own check) that is not worth caching.
    now = now or timezone.now()
    today = timezone.localdate(now)
    horizon_end = today + dt.timedelta(days=service.booking_horizon_days)
    start = start or today
    end = min(end or horizon_end, start + dt.timedelta(days=MAX_RANGE_DAYS))
    cache_key, static_key = freecache.keys(service.pk, location.pk, start, end, today)
    if ignore_appointment is not None or not keep:
        cache_key = None
    if cache_key:
        cached = freecache.get(cache_key)
        if cached is not None:
            window, days = cached
            # A cached entry may be up to a minute old: today's times that have begun go.
            days = [
                replace(d, slots=tuple(s for s in d.slots if s.start > now)) if d.date == today else d
                for d in days
            ]
            return Availability(service, location, window, days, offered=True)
    static = _static_plan(service, location, start, end, today, horizon_end, static_key)
    busy = _busy(static.counsellors, start, end, ignore_appointment)
    days = plan_days(
        days=static.days,
        tz=timezone.get_default_timezone(),
        counsellors=[replace(c, busy=busy.get(c.id, [])) for c in static.counsellors],
        first_day=static.window.first_day,
        last_day=static.window.last_day,
        duration=dt.timedelta(minutes=service.duration_minutes),
        step=dt.timedelta(minutes=settings.BOOKING_SLOT_STEP_MINUTES),
        now=now,
    )
    if static.offered:
        freecache.put(cache_key, (static.window, days))
    return Availability(service, location, static.window, days, offered=static.offered)


def static_plan(*, service: Service, location: Location, day: dt.date, now: dt.datetime) -> StaticPlan:
    """The office's days, the booking window and the counsellors' hours and absences without
    the bookings: what a booking on `day` checks its time against before the database decides
    who is free. For a day in the free-times page's default range, the page's cached entry (so
    the page a citizen books from has it ready); else, or uncached, the one day. No queries
    when cached."""
    today = timezone.localdate(now)
    horizon_end = today + dt.timedelta(days=service.booking_horizon_days)
    page_end = min(horizon_end, today + dt.timedelta(days=MAX_RANGE_DAYS))  # as availability()
    if today <= day <= page_end:
        _full, static_key = freecache.keys(service.pk, location.pk, today, page_end, today)
        if static_key:
            return _static_plan(service, location, today, page_end, today, horizon_end, static_key)
    _full, static_key = freecache.keys(service.pk, location.pk, day, day, today)
    return _static_plan(service, location, day, day, today, horizon_end, static_key)


@dataclass(frozen=True)
class StaticPlan:
    """What changes only when an admin edits something: days, window, counsellors' hours."""

    window: Window
    days: list
    counsellors: list[CounsellorPlan]
    offered: bool  # the location offers the service at all
    # Worked out in this process as needed (see services._candidates): the days by date, and
    # the counsellors whose hours offer a start (only starts someone offers: at most the grid).
    by_date: dict = field(default_factory=dict, compare=False, repr=False)
    offering: dict = field(default_factory=dict, compare=False, repr=False)

    def day(self, date: dt.date):
        """The office's day on that date, None outside the plan."""
        if not self.by_date:  # filled in one step: another thread never sees half of it
            self.by_date.update({d.date: d for d in self.days})
        return self.by_date.get(date)


def _static_plan(service, location, start, end, today, horizon_end, cache_key) -> StaticPlan:
    # Cached apart from the booked times, which change with every booking.
    found = freecache.get_static(cache_key)
    if found is None:
        # The calendar must cover today (for the lead time) and the whole requested range.
        calendar = office_calendar(location, min(start, today), max(end, horizon_end))
        found = StaticPlan(
            booking_window(service, calendar, today),
            calendar.days(start, end),
            _counsellor_plans(service, location, start, end),
            location.services.filter(pk=service.pk).exists(),
        )
        freecache.put_static(cache_key, found)
    return found


def day_range(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """From local midnight before `start` to local midnight after `end` (zoneinfo gets the
    offset of each midnight right, also on the days the clocks change)."""
    tz = timezone.get_default_timezone()
    return (
        dt.datetime.combine(start, dt.time(), tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=tz),
    )


def _counsellor_plans(service, location, start, end) -> list[CounsellorPlan]:
    range_start, range_end = day_range(start, end)
    counsellors = list(
        Counsellor.objects.filter(location=location, services=service, active=True)
        .only("pk")
        .prefetch_related(
            Prefetch(
                "working_hours",
                queryset=WorkingHours.objects.only("weekday", "starts", "ends", "counsellor_id"),
            )
        )
    )
    ids = [c.pk for c in counsellors]
    absences: dict[int, list] = {pk: [] for pk in ids}
    for pk, a_start, a_end in Absence.objects.filter(
        counsellor__in=ids, start__lt=range_end, end__gt=range_start
    ).values_list("counsellor_id", "start", "end"):
        absences[pk].append((a_start, a_end))
    return [
        CounsellorPlan(
            id=c.pk,
            weekly=[(h.weekday, h.starts, h.ends) for h in c.working_hours.all()],
            absences=absences[c.pk],
        )
        for c in counsellors
    ]


def _busy(counsellors: list[CounsellorPlan], start, end, ignore_appointment) -> dict[int, list]:
    if not counsellors:
        return {}
    range_start, range_end = day_range(start, end)
    busy: dict[int, list] = {}
    booked = (
        Appointment.objects.filter(
            counsellor__in=[c.id for c in counsellors], start__lt=range_end, end__gt=range_start
        )
        .exclude(status=Appointment.Status.CANCELLED)
        .exclude(pk=ignore_appointment)
        .values_list("counsellor_id", "start", "end")
    )
    for pk, b_start, b_end in booked:
        busy.setdefault(pk, []).append((b_start, b_end))
    return busy


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def appointment_for_token(token: str, *, now: dt.datetime | None = None) -> Appointment | None:
    """The appointment a management link belongs to, until it has ended; else None. One query."""
    if not token or len(token) > 100:
        return None
    hashed = hash_token(token)
    # The link in use, or a new one from "Persönlichen Link verloren?" not used yet.
    appointment = (
        Appointment.objects.select_related("service", "location", "counsellor")
        .filter(Q(token_hash=hashed) | Q(new_token_hash=hashed))
        .first()
    )
    if appointment is None or appointment.end <= (now or timezone.now()):
        return None
    return appointment


def bookable_services():
    """Active services offered by appointment at an active location, with those locations."""
    active = Prefetch("locations", queryset=Location.objects.filter(active=True))
    return Service.objects.by_appointment().filter(locations__active=True).distinct().prefetch_related(active)


def service_and_location(service_slug: str, location_slug: str) -> tuple[Service | None, Location | None]:
    """An active appointment service and an active location offering it, by their slugs;
    (None, None) when there is no such pair. Two queries, none when cached (admin edits of
    services and locations invalidate the cache)."""
    _full, cache_key = freecache.keys("pair", service_slug, location_slug)
    found = freecache.get_static(cache_key)
    if found is None:
        service = Service.objects.by_appointment().filter(slug=service_slug).first()
        location = (
            service and Location.objects.filter(active=True, services=service, slug=location_slug).first()
        )
        found = (service, location) if location else (None, None)
        freecache.put_static(cache_key, found, keep_here=location is not None)
    return found
