"""Counsellors' available minutes per day and the minutes booked with them (utilisation)."""

import datetime as dt
from collections import defaultdict

from django.db.models import Prefetch

from booking.models import Absence, Counsellor, WorkingHours
from booking.slots import CounsellorPlan, intersect, subtract
from sozialamt.hours import Day, OfficeCalendar, aware

from . import queries
from .queries import Scope


def counsellor_plans(scope: Scope) -> dict[int, list[CounsellorPlan]]:
    """The counsellors in scope with their weekly hours and absences, by location. Three queries."""
    counsellors = Counsellor.objects.prefetch_related(
        Prefetch(
            "working_hours", queryset=WorkingHours.objects.only("weekday", "starts", "ends", "counsellor_id")
        )
    ).only("pk", "location_id")
    if scope.location:
        counsellors = counsellors.filter(location=scope.location)
    if scope.service:
        counsellors = counsellors.filter(services=scope.service)
    counsellors = list(counsellors)
    start, _ = queries.local_range(scope.previous_start, scope.end)
    _, end = queries.local_range(scope.start, scope.end)
    absences: dict[int, list] = defaultdict(list)
    for pk, a_start, a_end in Absence.objects.filter(
        counsellor__in=[c.pk for c in counsellors], start__lt=end, end__gt=start
    ).values_list("counsellor_id", "start", "end"):
        absences[pk].append((a_start, a_end))
    plans: dict[int, list[CounsellorPlan]] = defaultdict(list)
    for c in counsellors:
        weekly = [(h.weekday, h.starts, h.ends) for h in c.working_hours.all()]
        plans[c.location_id].append(CounsellorPlan(id=c.pk, weekly=weekly, absences=absences[c.pk]))
    return plans


def available_minutes(
    plans: dict[int, list[CounsellorPlan]], calendars: dict[int, OfficeCalendar], start: dt.date, end: dt.date
) -> dict[dt.date, int]:
    """Per day: the counsellors' working minutes while their location is open, less absences."""
    found: dict[dt.date, int] = {}
    # Days with the same weekday and the same local opening hours give the same minutes, unless
    # an absence touches the day: computed once per such kind of day.
    memo: dict[tuple, int] = {}
    for offset in range((end - start).days + 1):
        day = start + dt.timedelta(days=offset)
        found[day] = 0
        for location_id, location_plans in plans.items():
            calendar = calendars[location_id]
            office = calendar.day(day)
            if not office.is_open:
                continue
            # Wall-clock hours and real lengths (a night opening over a clock change differs).
            hours = tuple(
                (s.astimezone(calendar.tz).time(), int((e - s).total_seconds())) for s, e in office.intervals
            )
            for plan in location_plans:
                if _absent(plan, office):
                    found[day] += _day_minutes(plan, office, calendar.tz)
                    continue
                key = (plan.id, day.weekday(), hours)
                if key not in memo:
                    memo[key] = _day_minutes(plan, office, calendar.tz)
                found[day] += memo[key]
    return found


def _absent(plan: CounsellorPlan, office: Day) -> bool:
    opens, closes = office.opens, office.closes
    return any(a_start < closes and opens < a_end for a_start, a_end in plan.absences)


def _day_minutes(plan: CounsellorPlan, office: Day, tz) -> int:
    day = office.date
    working = [
        (aware(day, starts, tz), aware(day, ends, tz))
        for weekday, starts, ends in plan.weekly
        if weekday == day.weekday()
    ]
    if not working:
        return 0
    free = subtract(intersect(office.intervals, working), plan.absences)
    return sum(int((e - s).total_seconds()) // 60 for s, e in free)


def booked_by_day(scope: Scope, plans: dict[int, list[CounsellorPlan]]) -> dict[dt.date, int]:
    """Minutes booked with the counsellors in scope per local day. One query (none without any)."""
    ids = [plan.id for location_plans in plans.values() for plan in location_plans]
    if not ids:
        return {}
    return {
        row["day"]: int(row["booked"].total_seconds()) // 60 for row in queries.booked_minutes(scope, ids)
    }
