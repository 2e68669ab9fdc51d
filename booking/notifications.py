"""The messages a citizen gets around an appointment: the one entry point for the services.

The booking services call these inside their transaction, after the change is written.
Issue 5 (reminders) implements them with message rows in the database (confirmation,
reminder, cancelled-by-office) that a beat job sweeps and a worker sends after commit;
until then they record nothing.
"""

from .models import Appointment


def appointment_booked(appointment: Appointment) -> None:
    """A new booking: schedule its confirmation and reminders."""


def appointment_moved(appointment: Appointment) -> None:
    """A booking moved to another time: confirm the new time, reschedule the reminders."""


def appointment_cancelled(appointment: Appointment, *, by_office: bool = False, reason: str = "") -> None:
    """A booking was cancelled: drop its pending reminders; tell the citizen if the office cancelled."""
