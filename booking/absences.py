"""Writes of counsellors' absences entered by team leads (the admin edits them too)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from sozialamt.hours import aware

from .models import Absence, Counsellor
from .selectors import day_range


def absence_span(
    first_day: dt.date, last_day: dt.date, from_time: dt.time | None = None, until_time: dt.time | None = None
) -> tuple[dt.datetime, dt.datetime]:
    """The instants of an absence: from `from_time` on the first day (default: its start) to
    `until_time` on the last day (default: its end), local wall-clock times."""
    start, end = day_range(first_day, last_day)
    tz = timezone.get_default_timezone()
    return (
        aware(first_day, from_time, tz) if from_time else start,
        aware(last_day, until_time, tz) if until_time else end,
    )


@transaction.atomic
def add_absence(
    *,
    counsellor: Counsellor,
    first_day: dt.date,
    last_day: dt.date,
    from_time: dt.time | None = None,
    until_time: dt.time | None = None,
    reason: str = "",
) -> Absence:
    """Records that a counsellor is away, first to last day inclusive (local midnight to
    midnight, whatever the clocks do), or from and until a time (ill from 12:00). The free
    times stop offering that time at once (booking.signals); the bookings already made are the
    team lead's next step. The span must end after it starts (the form checks it)."""
    start, end = absence_span(first_day, last_day, from_time, until_time)
    return Absence.objects.create(counsellor=counsellor, start=start, end=end, reason=reason)
