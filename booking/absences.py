"""Writes of counsellors' absences entered by team leads (the admin edits them too)."""

import datetime as dt

from django.db import transaction

from .models import Absence, Counsellor
from .selectors import day_range


@transaction.atomic
def add_absence(
    *, counsellor: Counsellor, first_day: dt.date, last_day: dt.date, reason: str = ""
) -> Absence:
    """Records that a counsellor is away on whole days, first to last inclusive (local midnight
    to midnight, whatever the clocks do). The free times stop offering those days at once
    (booking.signals); the bookings already made are the team lead's next step."""
    start, end = day_range(first_day, last_day)
    return Absence.objects.create(counsellor=counsellor, start=start, end=end, reason=reason)
