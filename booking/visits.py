"""Status moves of the day of the appointment: arrival, counselling, end, no-show. The
Kundenzentrum and the counsellors' "Mein Tag" report them here; every move is one of
Appointment.TRANSITIONS and writes its history row."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from .models import Appointment, AppointmentHistory


def change_status(*, appointment_id: int, seen: str, to: str, by=None, note: str = "") -> bool:
    """Moves an appointment from `seen` to `to` with its history row; False when it is no longer
    in `seen` (moved meanwhile). Only moves of Appointment.TRANSITIONS; two queries."""
    if to not in Appointment.TRANSITIONS[Appointment.Status(seen)]:
        raise ValueError(f"An appointment does not move from {seen} to {to}.")
    with transaction.atomic():
        moved = Appointment.objects.filter(pk=appointment_id, status=seen).update(status=to)
        if moved:
            AppointmentHistory.objects.create(
                appointment_id=appointment_id, old_status=seen, new_status=to, by=by, note=note
            )
    return bool(moved)


def check_in(*, appointment_id: int, by=None) -> bool:
    """The citizen has arrived for a booked appointment; False when it is no longer booked."""
    S = Appointment.Status
    note = AppointmentHistory.Note.KUNDENZENTRUM
    return change_status(appointment_id=appointment_id, seen=S.BOOKED, to=S.CHECKED_IN, by=by, note=note)


def finish_visit(*, appointment_id: int, to: str, by=None) -> bool:
    """A checked-in appointment ended at the desk: done, or no-show when the citizen did not come."""
    note = AppointmentHistory.Note.KUNDENZENTRUM
    seen = Appointment.Status.CHECKED_IN
    return change_status(appointment_id=appointment_id, seen=seen, to=to, by=by, note=note)


def mark_missed(*, appointment_id: int) -> bool:
    """Close of day: a booked appointment nobody checked in for is a no-show."""
    S = Appointment.Status
    note = AppointmentHistory.Note.DAY_CLOSED
    return change_status(appointment_id=appointment_id, seen=S.BOOKED, to=S.NO_SHOW, note=note)


def record_no_show(*, appointment_id: int, counsellor_id: int, by, now: dt.datetime | None = None) -> bool:
    """The counsellor records that the citizen of a booked appointment did not come; only once
    its time has begun. False when it is not theirs, not booked any more or not begun."""
    now = now or timezone.now()
    S = Appointment.Status
    if not Appointment.objects.filter(pk=appointment_id, counsellor=counsellor_id, start__lte=now).exists():
        return False
    note = AppointmentHistory.Note.COUNSELLING
    return change_status(appointment_id=appointment_id, seen=S.BOOKED, to=S.NO_SHOW, by=by, note=note)
