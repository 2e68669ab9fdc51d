"""Reads of the working day: a counsellor's appointments, a location's day list. Each is one
query however many appointments (ticket, service and location come joined)."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.models import Appointment, Counsellor
from kundenzentrum.models import Ticket
from sozialamt.hours import aware

A, T = Appointment.Status, Ticket.Status
LISTED = (A.BOOKED, A.CHECKED_IN, A.DONE, A.NO_SHOW)


def day_bounds(first: dt.date, days: int = 1) -> tuple[dt.datetime, dt.datetime]:
    """The UTC moments that begin `first` and end `days` later, in Münster's time."""
    return aware(first, dt.time(0)), aware(first + dt.timedelta(days=days), dt.time(0))


@dataclass(frozen=True)
class Arrival:
    """Where a citizen of an appointment is now, as the day list and "Mein Tag" say it."""

    code: str
    label: str
    ticket: Ticket | None


def arrival(appointment: Appointment) -> Arrival:
    """The arrival status of an appointment read with its ticket (no query)."""
    ticket = getattr(appointment, "ticket", None)
    if appointment.status == A.BOOKED:
        return Arrival("expected", _("noch nicht angemeldet"), None)
    if appointment.status == A.DONE:
        return Arrival("done", _("erledigt"), ticket)
    if appointment.status == A.NO_SHOW:
        return Arrival("no_show", _("nicht erschienen"), ticket)
    if ticket is None:
        return Arrival("arrived", _("angemeldet"), None)
    return {
        T.WAITING: Arrival("waiting", _("angemeldet, wartet"), ticket),
        T.CALLED: Arrival("called", _("aufgerufen"), ticket),
        T.IN_SERVICE: Arrival("in_service", _("im Gespräch"), ticket),
    }.get(T(ticket.status), Arrival("arrived", ticket.get_status_display(), ticket))


def _appointments():
    return Appointment.objects.filter(status__in=LISTED).select_related(
        "service", "location", "counsellor", "ticket"
    )


def counsellor_appointments(counsellor: Counsellor, first: dt.date, days: int) -> list[Appointment]:
    """The counsellor's appointments from `first` for `days` days, in time order. One query."""
    start, end = day_bounds(first, days)
    return list(
        _appointments().filter(counsellor=counsellor, start__gte=start, start__lt=end).order_by("start")
    )


def location_day(location_id: int, day: dt.date, team: str = "") -> list[Appointment]:
    """Every appointment of a location on a day by counsellor, then time (only the team's
    counsellors when a team is given). One query."""
    start, end = day_bounds(day)
    rows = _appointments().filter(location=location_id, start__gte=start, start__lt=end)
    if team:
        rows = rows.filter(counsellor__team=team)
    return list(rows.order_by("counsellor__name", "counsellor", "start"))


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def today() -> dt.date:
    return timezone.localdate()
