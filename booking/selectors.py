"""Reads for the booking pages and the API."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field, replace
from itertools import pairwise

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone

from sozialamt.hours import OfficeCalendar, aware
from sozialamt.models import Location, Service
from sozialamt.selectors import office_calendar

from . import freecache
from .models import Absence, Appointment, ReservedCapacity, WorkingHours
from .slots import (
    Candidates,
    CounsellorPlan,
    DayPlan,
    Slot,
    day_answers,
    day_candidates,
    day_masks,
    day_starts,
    free_counsellors,
    midnight,
    packed,
    reserve,
    unit_number,
    with_reserve,
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
    staff: bool = False,
    counsellor: int | None = None,
) -> Availability:
    """Free times per day from start to end (default: the whole booking window), as if the
    appointment to ignore (one being moved) were not booked; only one counsellor's when given.
    Staff also see the reserved capacity not yet released to citizens (marked per day), and
    the days inside the citizens' lead time (from today).

    Eight queries uncached, however many counsellors and bookings: counsellors, their working
    hours, absences, opening hours, closures, whether the location offers the service, its
    reserved capacity (these cached until an admin edits the location), and the booked times
    of the days not cached."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    start = start or today
    end = min(
        end or today + dt.timedelta(days=service.booking_horizon_days),
        start + dt.timedelta(days=MAX_RANGE_DAYS),
    )
    dates = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    first, last = _plan_range(service, start, end, today)
    static_key = _static_key(service, location, first, last, today)
    only = f":c{counsellor}" if counsellor else ""
    # "starts", not the former "day": an entry now holds the staff's and the citizens' answers.
    day_keys = {d: f"booking:free:starts:{location.pk}:{service.pk}:{d}{only}" for d in dates}
    cached = freecache.Lookup(location.pk, {static_key: None, **{key: d for d, key in day_keys.items()}})
    static = cached.get(static_key)
    if static is None:
        static = _static_plan(service, location, first, last, today)
        cached.put({static_key: static})
    if (first, last) != (start, end):
        static = replace(static, days=[d for d in static.days if start <= d.date <= end])
    # The day of the appointment to ignore is worked out afresh, and not cached.
    own = {timezone.localdate(ignore_appointment.start)} if ignore_appointment else set()
    bookable = [d.date for d in static.days if _bookable(static, d, staff_today=today if staff else None)]
    answers = {d: cached.get(day_keys[d]) for d in bookable if d not in own}
    missing = [d for d in bookable if answers.get(d) is None]
    if missing:
        ignore = ignore_appointment.pk if ignore_appointment else None
        busy = _busy([c for c, _plan in static.counsellors], missing, ignore, among=bookable)
        computed = {d: _day_answers(static, d, busy.get(d, {}), counsellor) for d in missing}
        cached.put({day_keys[d]: found for d, found in computed.items() if d not in own})
        answers.update(computed)
    duration = dt.timedelta(minutes=service.duration_minutes)
    days = [
        _day_plan(static, d, answers.get(d.date), staff=staff, now=now, duration=duration)
        for d in static.days
    ]
    window = Window(today, static.window.last_day) if staff else static.window
    return Availability(service, location, window, days, offered=static.offered)


def _day_answers(static: StaticPlan, day: dt.date, busy: dict, counsellor: int | None) -> tuple:
    """A day's free starts for staff, and for citizens before the reserve is released (None
    when the day holds nothing back): both are cached together, and which one a reader gets is
    decided when read, against the release instant, so the release never waits for a cache."""
    midnight_ = midnight(day, timezone.get_default_timezone())
    candidates = static.candidates(day, counsellor)
    every, for_citizens = day_answers(candidates, busy, static.held(day), midnight_)
    return tuple(every), tuple(for_citizens) if for_citizens is not None else None


def _day_plan(static: StaticPlan, day, answers, *, staff: bool, now, duration) -> DayPlan:
    if answers is None:
        return DayPlan(day, False)
    every, for_citizens = answers
    held_back = for_citizens is not None and not static.released(day.date, now)
    shown = for_citizens if held_back and not staff else every
    slots = tuple(Slot(s, s + duration) for s in shown if s > now)
    reserved = frozenset(every) - frozenset(for_citizens) if held_back and staff else frozenset()
    return DayPlan(day, True, slots, reserved)


def _static_key(service, location, start, end, today) -> str:
    # "office", not the former "plan": the plan now carries each day's room.
    return f"booking:free:office:{location.pk}:{service.pk}:{start}:{end}:{today}"


@dataclass(frozen=True)
class Offer:
    """Who could take a booking at a moment: whether the service is offered there at all, the
    day can be booked, and the counsellors free then (least loaded that day first)."""

    offered: bool
    bookable_day: bool
    counsellors: tuple[int, ...] = ()


def offer_at(
    *,
    service: Service,
    location: Location,
    start: dt.datetime,
    now: dt.datetime,
    ignore: int | None = None,
    staff: bool = False,
    counsellor: int | None = None,
) -> Offer:
    """The counsellors free at `start`, from the database (never cached), an appointment being
    moved left out; for citizens without the reserved capacity not yet released, and only the
    given counsellor when there is one. One query once the hours are cached: the page a citizen
    booked from (the default range) cached them already."""
    today, day = timezone.localdate(now), timezone.localdate(start)
    static = _static_around(service, location, day, today)
    office_day = next((d for d in static.days if d.date == day), None)
    bookable = office_day is not None and _bookable(static, office_day, staff_today=today if staff else None)
    if not static.offered or not bookable:
        return Offer(static.offered, False)
    busy = _busy([c for c, _plan in static.counsellors], [day], ignore).get(day, {})
    if not staff and not static.released(day, now):
        busy = with_reserve(busy, static.held(day))
    tz = timezone.get_default_timezone()
    duration = dt.timedelta(minutes=service.duration_minutes)
    found = free_counsellors(static.candidates(day, counsellor), busy, midnight(day, tz), start, duration)
    return Offer(True, True, found)


def _plan_range(service: Service, start: dt.date, end: dt.date, today: dt.date) -> tuple[dt.date, dt.date]:
    """The days of the static plan that covers start to end, when the plan is cached: the
    booking page's (today to the horizon) whenever they lie inside it, so that every range of
    the API, each day page and the booking itself share one plan; a range that starts inside
    and runs on past it, a plan that goes on in steps of four weeks (a few plans for all such
    ranges). Else just these days."""
    page_end = min(
        today + dt.timedelta(days=service.booking_horizon_days), today + dt.timedelta(days=MAX_RANGE_DAYS)
    )
    if not settings.BOOKING_OFFICE_CACHE_SECONDS or not today <= start <= page_end:
        return start, end
    weeks = max(0, -(-(end - page_end).days // 28))
    return today, page_end + dt.timedelta(days=28 * weeks)


def _static_around(service: Service, location: Location, day: dt.date, today: dt.date) -> StaticPlan:
    """The static plan of the booking page (see _plan_range), or one for the day."""
    first, last = _plan_range(service, day, day, today)
    static_key = _static_key(service, location, first, last, today)
    cached = freecache.Lookup(location.pk, {static_key: None})
    static = cached.get(static_key)
    if static is None:
        static = _static_plan(service, location, first, last, today)
        cached.put({static_key: static})
    return static


def day_room(*, service: Service, location: Location, day: dt.date, now: dt.datetime) -> int:
    """How many bookings of the service the day takes at most, bookings aside: each counsellor's
    grid starts packed earliest first, worked out with the office plan. No query once the plan
    is cached (see offer_at)."""
    return _static_around(service, location, day, timezone.localdate(now)).rooms.get(day, 0)


@dataclass(frozen=True)
class StaticPlan:
    """What changes only when an admin edits something: days, window, the counsellors' grid
    starts per day (working hours, opening hours, absences; bookings aside)."""

    window: Window
    days: list
    counsellors: list[tuple[int, dict[dt.date, Candidates]]]
    offered: bool  # the location offers the service at all
    # Per day: when the reserved capacity goes to citizens, and its units per counsellor.
    reserves: dict[dt.date, tuple[dt.datetime, dict[int, int]]] = field(default_factory=dict)
    # Per bookable day: how many bookings of the service it takes at most, bookings aside.
    rooms: dict[dt.date, int] = field(default_factory=dict)

    def candidates(self, day: dt.date, counsellor: int | None = None) -> list[tuple[int, Candidates]]:
        return [
            (pk, by_day[day])
            for pk, by_day in self.counsellors
            if by_day.get(day) and counsellor in (None, pk)
        ]

    def held(self, day: dt.date) -> dict[int, int]:
        """The units held back for staff on the day, per counsellor (empty: none)."""
        return self.reserves[day][1] if day in self.reserves else {}

    def released(self, day: dt.date, now: dt.datetime) -> bool:
        """Whether citizens may book the day's reserved capacity (or there is none)."""
        return day not in self.reserves or self.reserves[day][0] <= now


def _bookable(static: StaticPlan, day, *, staff_today: dt.date | None = None) -> bool:
    """Whether the day can be booked at all; for staff (`staff_today`) from today on, as staff
    book emergencies (no money left, a threatened loss of housing) inside the citizens' lead
    time. Times already past are left out by the callers."""
    first = staff_today if staff_today is not None else static.window.first_day
    return static.offered and day.is_open and first <= day.date <= static.window.last_day


def _static_plan(service, location, start, end, today) -> StaticPlan:
    horizon_end = today + dt.timedelta(days=service.booking_horizon_days)
    # The calendar must cover today (for the lead time) and the whole requested range.
    calendar = office_calendar(location, min(start, today), max(end, horizon_end))
    days = calendar.days(start, end)
    tz = timezone.get_default_timezone()
    duration = dt.timedelta(minutes=service.duration_minutes)
    step = dt.timedelta(minutes=settings.BOOKING_SLOT_STEP_MINUTES)
    window = booking_window(service, calendar, today)
    # Days after the horizon are shown (open or why not) but never booked, by citizens or staff.
    bookable = [d for d in days if d.is_open and d.date <= window.last_day]
    # Counsellors with the same hours and absences (most of a team) share the arithmetic.
    shared: dict[tuple, tuple[dict, dict]] = {}
    counsellors = []
    rooms: dict[dt.date, int] = {}
    plans = _counsellor_plans(service, location, start, end)
    for plan in plans:
        same = (tuple(plan.weekly), tuple(plan.absences))
        if same not in shared:
            by_day = {d.date: day_candidates(plan, d, tz, duration, step) for d in bookable}
            # How many bookings each day's grid takes, earliest first (the day's room).
            taken = {
                d: packed(day_starts([(plan.id, found)], {}, midnight(d, tz)), duration)
                for d, found in by_day.items()
            }
            shared[same] = by_day, taken
        by_day, taken = shared[same]
        counsellors.append((plan.id, by_day))
        for d, count in taken.items():
            rooms[d] = rooms.get(d, 0) + count
    static = StaticPlan(
        window,
        days,
        counsellors,
        # Plans come only from a location that offers the service: one query fewer, nearly always.
        bool(plans) or location.services.filter(pk=service.pk).exists(),
        rooms=rooms,
    )
    capacity = next(
        iter(
            ReservedCapacity.objects.filter(location=location, service=service, per_day__gt=0).order_by()[:1]
        ),
        None,
    )
    if capacity is not None:
        for day in days:
            held = reserve(static.candidates(day.date), capacity.per_day) if day.is_open else {}
            if held:
                static.reserves[day.date] = (release_at(capacity, calendar, day.date, tz), held)
    return static


def release_at(capacity: ReservedCapacity, calendar: OfficeCalendar, day: dt.date, tz) -> dt.datetime:
    """When a day's reserved capacity goes to citizens: at the release time on the location's
    open day so many open days before (closures and holidays skipped)."""
    try:
        on = (
            calendar.subtract_working_days(day, capacity.release_days_before)
            if capacity.release_days_before
            else day
        )
    except ValueError:  # no open day before within the calendar's search: released that morning
        return midnight(day, tz)
    return aware(on, capacity.release_time, tz)


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
    for pk, weekday, starts, ends in (
        WorkingHours.objects.filter(
            counsellor__location=location,
            counsellor__location__services=service,
            counsellor__services=service,
            counsellor__active=True,
        )
        .order_by()
        .values_list("counsellor_id", "weekday", "starts", "ends")
    ):
        weekly.setdefault(pk, []).append((weekday, starts, ends))
    absences: dict[int, list] = {pk: [] for pk in weekly}
    for pk, a_start, a_end in (
        Absence.objects.filter(counsellor__in=list(weekly), start__lt=range_end, end__gt=range_start)
        .order_by()
        .values_list("counsellor_id", "start", "end")
    ):
        absences[pk].append((a_start, a_end))
    return [
        CounsellorPlan(id=pk, weekly=hours, absences=absences[pk]) for pk, hours in sorted(weekly.items())
    ]


def _runs(days: list[dt.date], among: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Sorted days as runs (first, last) of days that follow each other in `among` (the days
    that could be asked for): a weekend or holiday in between does not split a run."""
    following = dict(pairwise(among))
    runs: list[list[dt.date]] = []
    for day in days:
        if runs and following.get(runs[-1][1]) == day:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return [(first, last) for first, last in runs]


def _busy(counsellors: list[int], days: list[dt.date], ignore: int | None = None, *, among=()) -> dict:
    """The busy units and bookings of the counsellors on the (sorted) days, by local day and
    counsellor (see slots.day_masks). One query on the index (counsellor, start_unit), for the
    runs of those days among the ones asked for; it compares and reads each booking's units as
    two small integers, not as datetimes."""
    if not counsellors or not days:
        return {}
    span = [days[0] + dt.timedelta(days=n) for n in range((days[-1] - days[0]).days + 1)]
    tz = timezone.get_default_timezone()
    midnights = {d: unit_number(midnight(d, tz)) for d in [*span, days[-1] + dt.timedelta(days=1)]}
    # Midnights lie on the unit grid, so "touches the days" is the same in unit numbers.
    on_days = Q()
    for first, last in _runs(days, list(among) or days):
        on_days |= Q(start_unit__lt=midnights[last + dt.timedelta(days=1)], end_unit__gt=midnights[first])
    booked = Appointment.objects.filter(
        on_days, ~Q(status=Appointment.Status.CANCELLED), counsellor__in=counsellors
    )
    if ignore is not None:
        booked = booked.exclude(pk=ignore)
    booked = booked.order_by().values_list("counsellor_id", "start_unit", "end_unit")
    return dict(zip(span, day_masks(booked, list(midnights.values())), strict=True))


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
