"""The messages a citizen gets around an appointment: the one entry point for the services.

The booking services call these inside their transaction, after the change is written. Each
writes message rows (confirmation, reminder, cancelled-by-office; unique per appointment, kind
and channel) that the worker sends after commit or the beat sweep picks up when due; letters go
into the daily print batch. See booking/reminders/.
"""

from .models import Appointment
from .reminders import services


def appointment_booked(appointment: Appointment, *, manage_url: str = "") -> None:
    """A new booking: schedule its confirmation and reminders.

    `manage_url` (with the raw token) goes into the confirmation e-mail only and is wiped from
    the database as soon as that e-mail is sent."""
    services.schedule_messages(appointment=appointment, link=manage_url)


def appointment_moved(appointment: Appointment, *, manage_url: str = "") -> None:
    """A booking moved to another time: confirm the new time, reschedule the reminders."""
    services.reschedule_messages(appointment=appointment, link=manage_url)


def appointment_cancelled(appointment: Appointment, *, by_office: bool = False, reason: str = "") -> None:
    """A booking was cancelled: drop its pending reminders; tell the citizen if the office cancelled."""
    services.cancel_messages(appointment=appointment, by_office=by_office, reason=reason)


def manage_link_requested(appointment: Appointment, *, manage_url: str) -> None:
    """The citizen asked for a new personal link: the confirmation goes out again with it."""
    services.resend_confirmation(appointment=appointment, link=manage_url)
