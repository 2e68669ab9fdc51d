"""Closing the day: tickets still open will not be served, booked appointments nobody checked
in for are no-shows (through booking's service)."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from booking import visits
from booking.models import Appointment
from sozialamt.models import Location
from sozialamt.selectors import office_calendar

from ..models import Ticket, TicketHistory

S = Ticket.Status


def close_day(*, location: Location, now: dt.datetime | None = None) -> tuple[int, int]:
    """Ends the open tickets and missed appointments of past days and of today after closing.

    Returns (tickets not served, appointments marked no-show). Idempotent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    day = office_calendar(location, today, today).day(today)
    closed_today = day.closes is None or now >= day.closes
    last_day = today if closed_today else today - dt.timedelta(days=1)
    cutoff = min(now, _midnight(last_day + dt.timedelta(days=1)))
    # Tickets still waiting at closing time will not be served today. A ticket a clerk has
    # called, is serving or has parked stays with the clerk until the day is over.
    still_open = Q(day__lt=today, status__in=Ticket.OPEN) | Q(day=today, status=S.WAITING)
    tickets = 0
    for ticket_id, status in (
        Ticket.objects.filter(location=location, day__lte=last_day)
        .filter(still_open)
        .values_list("pk", "status")
    ):
        tickets += _close_ticket(ticket_id, status, now)
    appointments = 0
    for appointment_id in Appointment.objects.filter(
        location=location, status=Appointment.Status.BOOKED, start__lt=cutoff
    ).values_list("pk", flat=True):
        appointments += visits.mark_missed(appointment_id=appointment_id)
    return tickets, appointments


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


@transaction.atomic
def _close_ticket(ticket_id: int, status: str, now: dt.datetime) -> int:
    moved = Ticket.objects.filter(pk=ticket_id, status=status).update(status=S.NOT_SERVED, finished_at=now)
    if moved:
        TicketHistory.objects.create(
            ticket_id=ticket_id,
            old_status=status,
            new_status=S.NOT_SERVED,
            at=now,
            note=TicketHistory.Note.DAY_CLOSED,
        )
    return moved
