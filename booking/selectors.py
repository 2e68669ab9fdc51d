"""Reads for the booking pages and the API."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone

from sozialamt.hours import OfficeCalendar
from sozialamt.models import Location, Service
from sozialamt.selectors import office_calendar

from . import freecache
from .models import Absence, Appointment, WorkingHours
from .slots import (
    Candidates,
    CounsellorPlan,
    DayPlan,
    Slot,
    day_candidates,
    day_masks,
    day_starts,
    free_counsellors,
    midnight,
    unit_number,
)

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
    ignore_appointment: Appointment | None = None,
) -> Availability:
    """Free times per day from start to end (default: the whole booking window), as if the
    appointment to ignore (one being moved) were not booked.

    Seven queries uncached, however many counsellors and bookings: counsellors, their working
    hours, absences, opening hours, closures, whether the location offers the service (these
    cached until an admin edits the location), and the booked times of the days not cached."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    start = start or today
    end = min(
        end or today + dt.timedelta(days=service.booking_horizon_days),
        start + dt.timedelta(days=MAX_RANGE_DAYS),
    )
    dates = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    static_key = _static_key(service, location, start, end, today)
    day_keys = {d: f"booking:free:day:{location.pk}:{service.pk}:{d}" for d in dates}
    cached = freecache.Lookup(location.pk, {static_key: None, **{key: d for d, key in day_keys.items()}})
    static = cached.get(static_key)
    if static is None:
        static = _static_plan(service, location, start, end, today)
        cached.put({static_key: static})
    # The day of the appointment to ignore is worked out afresh, and not cached.
    own = {timezone.localdate(ignore_appointment.start)} if ignore_appointment else set()
    bookable = [d.date for d in static.days if _bookable(static, d)]
    starts = {d: cached.get(day_keys[d]) for d in bookable if d not in own}
    missing = [d for d in bookable if starts.get(d) is None]
    if missing:
        ignore = ignore_appointment.pk if ignore_appointment else None
        busy = _busy([c for c, _plan in static.counsellors], missing, ignore)
        computed = {d: _day_starts(static, d, busy) for d in missing}
        cached.put({day_keys[d]: found for d, found in computed.items() if d not in own})
        starts.update(computed)
    duration = dt.timedelta(minutes=service.duration_minutes)
    days = [
        DayPlan(d, d.date in starts, tuple(Slot(s, s + duration) for s in starts.get(d.date, ()) if s > now))
        for d in static.days
    ]
    return Availability(service, location, static.window, days, offered=static.offered)


def _static_key(service, location, start, end, today) -> str:
    return f"booking:free:static:{location.pk}:{service.pk}:{start}:{end}:{today}"


@dataclass(frozen=True)
class Offer:
    """Who could take a booking at a moment: whether the service is offered there at all, the
    day can be booked, and the counsellors free then (least loaded that day first)."""

    offered: bool
    bookable_day: bool
    counsellors: tuple[int, ...] = ()


def offer_at(
    *, service: Service, location: Location, start: dt.datetime, now: dt.datetime, ignore: int | None = None
) -> Offer:
    """The counsellors free at `start`, from the database (never cached), an appointment being
    moved left out. One query once the hours are cached: the page a citizen booked from (the
    default range) cached them already."""
    today = timezone.localdate(now)
    day = timezone.localdate(start)
    page_end = min(
        today + dt.timedelta(days=service.booking_horizon_days), today + dt.timedelta(days=MAX_RANGE_DAYS)
    )
    first, last = (today, page_end) if today <= day <= page_end else (day, day)
    static_key = _static_key(service, location, first, last, today)
    cached = freecache.Lookup(location.pk, {static_key: None})
    static = cached.get(static_key)
    if static is None:
        static = _static_plan(service, location, first, last, today)
        cached.put({static_key: static})
    office_day = next((d for d in static.days if d.date == day), None)
    if not static.offered or office_day is None or not _bookable(static, office_day):
        return Offer(static.offered, False)
    busy = _busy([c for c, _plan in static.counsellors], [day], ignore)
    tz = timezone.get_default_timezone()
    duration = dt.timedelta(minutes=service.duration_minutes)
    found = free_counsellors(static.candidates(day), busy.get(day, {}), midnight(day, tz), start, duration)
    return Offer(True, True, found)


@dataclass(frozen=True)
class StaticPlan:
    """What changes only when an admin edits something: days, window, the counsellors' grid
    starts per day (working hours, opening hours, absences; bookings aside)."""

    window: Window
    days: list
    counsellors: list[tuple[int, dict[dt.date, Candidates]]]
    offered: bool  # the location offers the service at all

    def candidates(self, day: dt.date) -> list[tuple[int, Candidates]]:
        return [(pk, by_day[day]) for pk, by_day in self.counsellors if by_day.get(day)]


def _bookable(static: StaticPlan, day) -> bool:
    return static.offered and day.is_open and static.window.first_day <= day.date <= static.window.last_day


def _static_plan(service, location, start, end, today) -> StaticPlan:
    horizon_end = today + dt.timedelta(days=service.booking_horizon_days)
    # The calendar must cover today (for the lead time) and the whole requested range.
    calendar = office_calendar(location, min(start, today), max(end, horizon_end))
    days = calendar.days(start, end)
    tz = timezone.get_default_timezone()
    duration = dt.timedelta(minutes=service.duration_minutes)
    step = dt.timedelta(minutes=settings.BOOKING_SLOT_STEP_MINUTES)
    # Counsellors with the same hours and absences (most of a team) share the arithmetic.
    shared: dict[tuple, dict] = {}
    counsellors = []
    plans = _counsellor_plans(service, location, start, end)
    for plan in plans:
        same = (tuple(plan.weekly), tuple(plan.absences))
        if same not in shared:
            shared[same] = {d.date: day_candidates(plan, d, tz, duration, step) for d in days if d.is_open}
        counsellors.append((plan.id, shared[same]))
    return StaticPlan(
        booking_window(service, calendar, today),
        days,
        counsellors,
        # Plans come only from a location that offers the service: one query fewer, nearly always.
        bool(plans) or location.services.filter(pk=service.pk).exists(),
    )


def _day_starts(static: StaticPlan, day: dt.date, busy: dict) -> tuple[dt.datetime, ...]:
    start = midnight(day, timezone.get_default_timezone())
    return tuple(day_starts(static.candidates(day), busy.get(day, {}), start))


def day_range(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """From local midnight before `start` to local midnight after `end` (zoneinfo gets the
    offset of each midnight right, also on the days the clocks change)."""
    tz = timezone.get_default_timezone()
    return (
        dt.datetime.combine(start, dt.time(), tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=tz),
    )


def _counsellor_plans(service, location, start, end) -> list[CounsellorPlan]:
    """The active counsellors of the service at the location with working hours, and their
    absences in the range; none when the location does not offer the service. Two queries."""
    range_start, range_end = day_range(start, end)
    weekly: dict[int, list] = {}
    for pk, weekday, starts, ends in WorkingHours.objects.filter(
        counsellor__location=location,
        counsellor__location__services=service,
        counsellor__services=service,
        counsellor__active=True,
    ).values_list("counsellor_id", "weekday", "starts", "ends"):
        weekly.setdefault(pk, []).append((weekday, starts, ends))
    absences: dict[int, list] = {pk: [] for pk in weekly}
    for pk, a_start, a_end in Absence.objects.filter(
        counsellor__in=list(weekly), start__lt=range_end, end__gt=range_start
    ).values_list("counsellor_id", "start", "end"):
        absences[pk].append((a_start, a_end))
    return [
        CounsellorPlan(id=pk, weekly=hours, absences=absences[pk]) for pk, hours in sorted(weekly.items())
    ]


def _runs(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Sorted days as runs of consecutive days (first, last)."""
    runs: list[list[dt.date]] = []
    for day in days:
        if runs and day - runs[-1][1] == dt.timedelta(days=1):
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return [(first, last) for first, last in runs]


def _busy(counsellors: list[int], days: list[dt.date], ignore: int | None = None) -> dict:
    """The busy units and bookings of the counsellors on the (sorted) days, by local day and
    counsellor (see slots.day_masks). One query on the index (counsellor, start), for those
    days only; it reads each booking's units as two small integers, not as datetimes."""
    if not counsellors or not days:
        return {}
    on_days = Q()
    for first, last in _runs(days):
        range_start, range_end = day_range(first, last)
        on_days |= Q(start__lt=range_end, end__gt=range_start)
    booked = Appointment.objects.filter(
        on_days, ~Q(status=Appointment.Status.CANCELLED), counsellor__in=counsellors
    )
    if ignore is not None:
        booked = booked.exclude(pk=ignore)
    booked = booked.order_by().values_list("counsellor_id", "start_unit", "end_unit")
    span = [days[0] + dt.timedelta(days=n) for n in range((days[-1] - days[0]).days + 1)]
    tz = timezone.get_default_timezone()
    midnights = [unit_number(midnight(d, tz)) for d in [*span, days[-1] + dt.timedelta(days=1)]]
    return dict(zip(span, day_masks(booked, midnights), strict=True))


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
    (None, None) when there is no such pair. One query, none while cached (freecache)."""
    key = f"booking:free:pair:{service_slug}:{location_slug}"
    pair, version = freecache.catalogue_get(key)
    if pair is not None:
        return pair
    offered = (
        Location.services.through.objects.select_related("service", "location")
        .filter(
            service__in=Service.objects.by_appointment().filter(slug=service_slug),
            location__active=True,
            location__slug=location_slug,
        )
        .first()
    )
    if offered is None:  # not cached: unknown slugs must not fill the cache
        return None, None
    freecache.catalogue_put(key, version, (offered.service, offered.location))
    return offered.service, offered.location
