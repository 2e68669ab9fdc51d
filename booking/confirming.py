"""Pending holds: confirmed by the citizen's click on the e-mail's link, or released when the
confirm window has passed (see holds for who gets a hold and the day's shares)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from messaging import notify as notifications

from .models import Appointment, AppointmentHistory, Occupancy
from .selectors import hash_token
from .services import BookingError, _locked, manage_url, new_token


def confirm_appointment(*, appointment: Appointment, now: dt.datetime | None = None) -> bool:
    """The citizen clicked the link in the e-mail: a pending hold becomes booked, and the usual
    confirmation (with a new personal link, the old one keeps working) and reminders follow.
    False when it was confirmed already; BookingError when it was released or cancelled."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(appointment)
        if locked.status != Appointment.Status.PENDING:
            if locked.status == Appointment.Status.BOOKED:
                return False
            raise BookingError(
                _("Diese Buchung wurde nicht rechtzeitig bestätigt; die Zeit ist wieder frei."), kind="gone"
            )
        token = new_token()
        locked.status, locked.new_token_hash = Appointment.Status.BOOKED, hash_token(token)
        locked.save(update_fields=["status", "new_token_hash"])
        AppointmentHistory.objects.create(
            appointment=locked,
            old_status=Appointment.Status.PENDING,
            new_status=locked.status,
            note=AppointmentHistory.Note.CONFIRMED,
        )
        notifications.appointment_confirmed(locked, manage_url=manage_url(token))
    appointment.status = locked.status
    return True


def release_unconfirmed(*, now: dt.datetime | None = None) -> int:
    """Cancels the pending holds whose confirm_until has passed and frees their time; their
    e-mails lapse. Idempotent: a hold confirmed or released meanwhile is skipped."""
    now = now or timezone.now()
    due = Appointment.objects.filter(status=Appointment.Status.PENDING, confirm_until__lte=now)
    released = 0
    for pk in due.values_list("pk", flat=True)[:1000]:
        with transaction.atomic():
            locked = (
                Appointment.objects.select_for_update()
                .filter(pk=pk, status=Appointment.Status.PENDING, confirm_until__lte=now)
                .first()
            )
            if locked is None:
                continue
            locked.status = Appointment.Status.CANCELLED
            locked.save(update_fields=["status"])  # the save invalidates the day's free times
            Occupancy.objects.filter(appointment=locked).delete()
            AppointmentHistory.objects.create(
                appointment=locked,
                old_status=Appointment.Status.PENDING,
                new_status=locked.status,
                note=AppointmentHistory.Note.UNCONFIRMED,
            )
            notifications.hold_released(locked)
            released += 1
    return released
