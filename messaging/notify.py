"""The one module booking calls: what happened to an appointment, and what messaging offers it.

The booking services call these inside their transaction, after the change is written. Each
writes message rows (confirmation, reminder, cancelled-by-office; unique per appointment, kind
and channel); the e-mails due now go to the worker right after the commit (one kicked sweep per
burst of commits), later ones wait for the beat's sweep, and letters for the daily print batch."""

from django.db import transaction

from booking.models import Appointment

from . import services, tasks
from .letters import address_fits_window

__all__ = [
    "address_fits_window",
    "appointment_booked",
    "appointment_cancelled",
    "appointment_confirmed",
    "appointment_moved",
    "hold_released",
    "letter_requested",
    "manage_link_requested",
]


def _send_after_commit(message_ids: list[int]) -> None:
    if message_ids:
        transaction.on_commit(tasks.kick_sweep)


def appointment_booked(appointment: Appointment, *, manage_url: str = "") -> None:
    """A new booking: schedule its confirmation and reminders.

    `manage_url` (with the raw token) goes into the confirmation e-mail only and is wiped from
    the database as soon as that e-mail is sent."""
    _send_after_commit(services.schedule_messages(appointment=appointment, link=manage_url))


def appointment_moved(appointment: Appointment, *, manage_url: str = "", previous_start=None) -> None:
    """A booking moved to another time: confirm the new time (naming the old), reschedule the reminders."""
    _send_after_commit(
        services.reschedule_messages(appointment=appointment, link=manage_url, previous_start=previous_start)
    )


def appointment_cancelled(appointment: Appointment, *, by_office: bool = False, reason: str = "") -> None:
    """A booking was cancelled: drop its pending reminders; tell the citizen if the office cancelled."""
    _send_after_commit(services.cancel_messages(appointment=appointment, by_office=by_office, reason=reason))


def manage_link_requested(appointment: Appointment, *, manage_url: str) -> None:
    """The citizen asked for a new personal link: the confirmation goes out again with it."""
    _send_after_commit(services.resend_confirmation(appointment=appointment, link=manage_url))


def letter_requested(appointment: Appointment) -> None:
    """A member of staff asked for the reminder letter again: it goes into the next print batch."""
    services.resend_letter(appointment=appointment)


def appointment_confirmed(appointment: Appointment, *, manage_url: str) -> None:
    """A pending hold was confirmed: the usual confirmation (with this link) and reminders follow."""
    _send_after_commit(services.reschedule_messages(appointment=appointment, link=manage_url))


def hold_released(appointment: Appointment) -> None:
    """A pending hold nobody confirmed was released: its e-mails lapse, nobody is told."""
    services.lapse_messages(appointment=appointment)
