"""Reads of the office model used by both apps."""

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .hours import OfficeCalendar, SpecialDay, WeeklyInterval
from .models import WEEKDAYS, Closure, Location, OpeningHours, StaffProfile


@lru_cache(maxsize=64)
def _holidays_of_year(subdivision: str, year: int) -> dict[dt.date, str]:
    return dict(holidays.country_holidays("DE", subdiv=subdivision, years=year, language="de"))


def public_holidays(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """The configured state's public holidays from start to end inclusive, with German names."""
    found: dict[dt.date, str] = {}
    for year in range(start.year, end.year + 1):
        found.update(_holidays_of_year(settings.HOLIDAY_SUBDIVISION, year))
    return {day: name for day, name in sorted(found.items()) if start <= day <= end}


def office_calendars(locations: list[Location], start: dt.date, end: dt.date) -> dict[int, OfficeCalendar]:
    """An OfficeCalendar per location, valid for days from start to end. Two queries."""
    ids = [loc.pk for loc in locations]
    weekly: dict[int, list[WeeklyInterval]] = {pk: [] for pk in ids}
    # Plain rows, unordered (the calendar sorts what it needs): no model instances, no joins.
    for pk, weekday, opens, closes, valid_from in (
        OpeningHours.objects.filter(location__in=ids, valid_from__lte=end)
        .order_by()
        .values_list("location_id", "weekday", "opens", "closes", "valid_from")
    ):
        weekly[pk].append(WeeklyInterval(weekday, opens, closes, valid_from))
    closures = (
        Closure.objects.filter(Q(location__in=ids) | Q(location__isnull=True), start__lte=end)
        .filter(Q(end__gte=start) | Q(end__isnull=True, start__gte=start))
        .order_by()
        .values_list("location_id", "start", "end", "reason", "opens", "closes")
    )
    special = [
        (pk, SpecialDay(first, last or first, reason, opens, closes))
        for pk, first, last, reason, opens, closes in closures
    ]
    holiday_map = public_holidays(start, end)
    return {
        pk: OfficeCalendar(
            weekly=weekly[pk],
            special_days=[day for location_id, day in special if location_id in (None, pk)],
            holidays=holiday_map,
            tz=timezone.get_default_timezone(),
        )
        for pk in ids
    }


def office_calendar(location: Location, start: dt.date, end: dt.date) -> OfficeCalendar:
    """The OfficeCalendar of one location for days from start to end. Two queries."""
    return office_calendars([location], start, end)[location.pk]


@dataclass(frozen=True)
class OpenStatus:
    """Whether a location is open now, until when, or when it opens next."""

    location: Location
    is_open: bool
    until: dt.datetime | None
    next_opening: dt.datetime | None
    today_reason: str
    has_hours: bool


def open_status(locations: list[Location], now: dt.datetime | None = None) -> list[OpenStatus]:
    """Open-now status per location. Two queries for all locations together."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    # Closures are loaded for a generous window; next_opening beyond it may miss a closure,
    # so the window covers the longest plausible gap (Christmas to Epiphany and more).
    calendars = office_calendars(locations, today, today + dt.timedelta(days=60))
    statuses = []
    for loc in locations:
        cal = calendars[loc.pk]
        interval = cal.interval_at(now)
        statuses.append(
            OpenStatus(
                location=loc,
                is_open=interval is not None,
                until=interval[1] if interval else None,
                next_opening=None if interval else cal.next_opening(now),
                today_reason=cal.day(today).reason,
                has_hours=bool(cal.weekly),
            )
        )
    return statuses


@dataclass(frozen=True)
class WeekSchedule:
    """The regular weekly hours from one date on: (weekday name, [(opens, closes), ...]) rows."""

    valid_from: dt.date
    rows: list[tuple[str, list[tuple[dt.time, dt.time]]]]


def week_schedules(location: Location, today: dt.date) -> list[WeekSchedule]:
    """The weekly hours in force today, then any already entered for later.

    No query when the location's opening_hours are prefetched, one otherwise."""
    sets: dict[dt.date, list[OpeningHours]] = {}
    rows = sorted(location.opening_hours.all(), key=lambda h: (h.valid_from, h.weekday, h.opens))
    for row in rows:
        sets.setdefault(row.valid_from, []).append(row)
    current = max((d for d in sets if d <= today), default=None)
    schedules = []
    for valid_from, hours in sets.items():
        if valid_from < today and valid_from != current:
            continue
        rows = [(WEEKDAYS[wd][1], [(h.opens, h.closes) for h in hours if h.weekday == wd]) for wd in range(7)]
        schedules.append(WeekSchedule(valid_from, rows))
    return schedules


@dataclass(frozen=True)
class StaffScope:
    """The citizens' data a member of staff may see: None locations means every location."""

    location_ids: frozenset[int] | None
    team: str = ""

    def covers(self, location_id: int | None) -> bool:
        return self.location_ids is None or location_id in self.location_ids


def staff_scope(user) -> StaffScope:
    """The locations (their work areas in the admin, and a counsellor's own location) and team
    whose personal data the user may see; administrators see all. Two queries."""
    if user.is_superuser:
        return StaffScope(location_ids=None)
    profile = StaffProfile.objects.filter(user=user).first()
    ids = Location.objects.filter(Q(staff_profiles__user=user) | Q(counsellors__user=user)).values_list(
        "pk", flat=True
    )
    return StaffScope(location_ids=frozenset(ids), team=profile.team if profile else "")
