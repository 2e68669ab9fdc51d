"""The one module booking calls: what happened to an appointment, and what messaging offers it.

The booking services call these inside their transaction, after the change is written. Each
writes message rows (confirmation, reminder, cancelled-by-office; unique per appointment, kind
and channel); the e-mails due now go to the worker right after the commit (one kicked sweep per
burst of commits), later ones wait for the beat's sweep, and letters for the daily print batch."""

from django.db import transaction

from booking.models import Appointment

from . import services, tasks
from .letters import address_fits_window
from .models import CallListEntry

__all__ = [
    "address_fits_window",
    "appointment_booked",
    "appointment_cancelled",
    "appointment_moved",
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


def appointment_moved(appointment: Appointment, *, manage_url: str = "") -> None:
    """A booking moved to another time: confirm the new time, reschedule the reminders."""
    _send_after_commit(services.reschedule_messages(appointment=appointment, link=manage_url))


def appointment_cancelled(appointment: Appointment, *, by_office: bool = False, reason: str = "") -> None:
    """A booking was cancelled: drop its pending reminders; tell the citizen if the office cancelled."""
    _send_after_commit(services.cancel_messages(appointment=appointment, by_office=by_office, reason=reason))


def manage_link_requested(appointment: Appointment, *, manage_url: str) -> None:
    """The citizen asked for a new personal link: the confirmation goes out again with it."""
    _send_after_commit(services.resend_confirmation(appointment=appointment, link=manage_url))


# --- for the one-statement booking on PostgreSQL (booking/bookingsql.py), which writes the
# message rows itself; this section goes when that path does.


def new_booking_messages(appointment: Appointment, *, manage_url: str, now) -> tuple[list, bool]:
    """The unsaved confirmation and reminder rows and whether a letter would come too late."""
    return services.new_booking_messages(appointment, manage_url, now)


def letter_too_late(appointment: Appointment) -> None:
    """Too late for a letter: the citizen goes on the call list (in the booking's transaction)."""
    services.add_to_call_list(appointment=appointment, reason=CallListEntry.Reason.TOO_LATE)


def booking_inserted(messages: list, *, now) -> None:
    """After the statement wrote its messages: the e-mails due now go to the worker after commit."""
    _send_after_commit(services.to_send_now(messages, now))


def due_now(messages: list, *, now) -> bool:
    """Whether any of the statement's messages is an e-mail due now."""
    return bool(services.to_send_now(messages, now))


# For a booking committed already, whose caller adds the worker's kick to the cache itself
# (together with another write): the key, value and timeout to add, then kicked(answer).
KICK = (tasks.KICK_KEY, 1, tasks.KICK_SECONDS)
kicked = tasks.kicked
