"""Which booked appointments no longer fit after an absence, a closure or shorter hours.

One selector for all three cases: whatever was saved, an appointment is affected when its time
no longer lies in the location's opening hours and its counsellor's working hours, outside the
counsellor's absences. The team lead then cancels them in the cancel-by-office step."""

import datetime as dt

from django.utils import timezone

from sozialamt.models import Location
from sozialamt.selectors import office_calendar

from .models import Absence, Appointment, WorkingHours
from .selectors import day_range
from .slots import CounsellorPlan, fits

# As far as the cancel-by-office step takes a range at once (messaging.forms.MAX_RANGE_DAYS).
HORIZON_DAYS = 92


def booked_ahead(*, location_id: int, counsellor_id: int | None, first_day: dt.date, last_day: dt.date):
    """Booked appointments still ahead at a location (of one counsellor, if given) from the first
    to the last day; one that has begun cannot be cancelled any more. One query."""
    range_start, range_end = day_range(first_day, last_day)
    appointments = Appointment.objects.filter(
        location_id=location_id,
        status=Appointment.Status.BOOKED,
        start__gt=timezone.now(),
        start__gte=range_start,
        start__lt=range_end,
    ).select_related("service", "counsellor")
    if counsellor_id:
        appointments = appointments.filter(counsellor_id=counsellor_id)
    return appointments.order_by("start", "pk")


def unfit_appointments(
    *, location_id: int, counsellor_id: int | None = None, first_day: dt.date, last_day: dt.date
) -> list[Appointment]:
    """The booked appointments ahead in the range that no longer fit the opening hours, the
    counsellor's working hours or absences, in time order. Five queries, however many."""
    booked = list(
        booked_ahead(
            location_id=location_id, counsellor_id=counsellor_id, first_day=first_day, last_day=last_day
        )
    )
    if not booked:
        return []
    # office_calendar needs the location's pk only: no query for the row itself.
    calendar = office_calendar(Location(pk=location_id), first_day, last_day)
    plans = _plans({a.counsellor_id for a in booked}, first_day, last_day)
    tz = timezone.get_default_timezone()
    return [
        a
        for a in booked
        if not fits(plans[a.counsellor_id], calendar.day(timezone.localdate(a.start)), tz, a.start, a.end)
    ]


def _plans(counsellor_ids: set[int], first_day: dt.date, last_day: dt.date) -> dict[int, CounsellorPlan]:
    """Working hours and absences in the range of these counsellors. Two queries."""
    range_start, range_end = day_range(first_day, last_day)
    weekly: dict[int, list] = {pk: [] for pk in counsellor_ids}
    rows = WorkingHours.objects.filter(counsellor__in=counsellor_ids)
    for pk, weekday, starts, ends in rows.values_list("counsellor_id", "weekday", "starts", "ends"):
        weekly[pk].append((weekday, starts, ends))
    absences: dict[int, list] = {pk: [] for pk in counsellor_ids}
    away = Absence.objects.filter(counsellor__in=counsellor_ids, start__lt=range_end, end__gt=range_start)
    for pk, a_start, a_end in away.values_list("counsellor_id", "start", "end"):
        absences[pk].append((a_start, a_end))
    return {pk: CounsellorPlan(id=pk, weekly=weekly[pk], absences=absences[pk]) for pk in counsellor_ids}


def affected_range(
    first_day: dt.date | None = None, last_day: dt.date | None = None
) -> tuple[dt.date, dt.date]:
    """The days a change can still hit: from today (or a later first day) to the last day, at
    most HORIZON_DAYS ahead."""
    today = timezone.localdate()
    first = max(first_day or today, today)
    horizon = today + dt.timedelta(days=HORIZON_DAYS)
    return first, min(last_day or horizon, horizon, first + dt.timedelta(days=HORIZON_DAYS))
