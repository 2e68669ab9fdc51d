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


def appointment_moved(appointment: Appointment, *, manage_url: str = "", previous_start=None) -> None:
    """A booking moved to another time: confirm the new time (naming the old), reschedule the reminders."""
    services.reschedule_messages(appointment=appointment, link=manage_url, previous_start=previous_start)


def appointment_cancelled(appointment: Appointment, *, by_office: bool = False, reason: str = "") -> None:
    """A booking was cancelled: drop its pending reminders; tell the citizen if the office cancelled."""
    services.cancel_messages(appointment=appointment, by_office=by_office, reason=reason)


def manage_link_requested(appointment: Appointment, *, manage_url: str) -> None:
    """The citizen asked for a new personal link: the confirmation goes out again with it."""
    services.resend_confirmation(appointment=appointment, link=manage_url)


def new_booking_messages(appointment: Appointment, *, manage_url: str, now) -> tuple[list, bool]:
    """For the one-statement booking on PostgreSQL: the unsaved confirmation and reminder rows
    (the statement writes them) and whether a letter would come too late."""
    return services.new_booking_messages(appointment, manage_url, now)


def letter_too_late(appointment: Appointment) -> None:
    """The one-statement booking came too late for a letter: the citizen goes on the call list
    (in the booking's transaction)."""
    services.add_to_call_list(appointment=appointment, reason=services.CallListEntry.Reason.TOO_LATE)


def booking_inserted(messages: list, *, now) -> None:
    """After the one-statement booking wrote its messages: the e-mails due now go to the worker
    after commit."""
    services.queue_after_commit(services.to_send_now(messages, now))


def due_now(messages: list, *, now) -> bool:
    """Whether any of the one-statement booking's messages is an e-mail due now."""
    return bool(services.to_send_now(messages, now))


# For a booking committed already, whose caller adds the worker's kick to the cache itself
# (together with another write): the key, value and timeout to add, then kicked(answer).
KICK = (services.KICK_KEY, 1, services.KICK_SECONDS)


def kicked(added: bool | None) -> None:
    """The e-mails due now go to the worker: the kick's add answered True, False or None."""
    services.kicked(added)
