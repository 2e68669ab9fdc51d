"""Reads of finding a booking: the staff member's bookings, a search, one booking, its access log."""

import datetime as dt

from django.db.models import QuerySet

from booking.models import Appointment, PersonalDataAccess
from booking.selectors import day_range
from sozialamt.selectors import StaffScope


def visible_appointments(scope: StaffScope) -> QuerySet[Appointment]:
    """The appointments of the scope's locations (and of its team's counsellors, if it has one)."""
    appointments = Appointment.objects.all()
    if scope.location_ids is not None:
        appointments = appointments.filter(location_id__in=scope.location_ids)
    if scope.team:
        appointments = appointments.filter(counsellor__team=scope.team)
    return appointments


def search(
    scope: StaffScope, *, code: str = "", name: str = "", span: tuple[dt.date, dt.date] | None = None
) -> QuerySet[Appointment]:
    """The scope's appointments with this code, or on these days (whose name contains `name`),
    soonest first, with service, location and counsellor. One query per page (plus the count)."""
    found = visible_appointments(scope).select_related("service", "location", "counsellor")
    if code:
        found = found.filter(code__iexact=code)
    else:
        start, end = day_range(*span)
        found = found.filter(start__gte=start, start__lt=end)
        if name:
            found = found.filter(name__icontains=name)
    return found.order_by("start", "pk")


def appointment(scope: StaffScope, pk: int) -> Appointment | None:
    """One appointment of the scope with service, location and counsellor, or None. One query."""
    return (
        visible_appointments(scope).select_related("service", "location", "counsellor").filter(pk=pk).first()
    )


def history(appointment: Appointment) -> QuerySet:
    """The appointment's status changes with who made them. One query."""
    return appointment.history.select_related("by").order_by("at", "pk")


def access_log(appointment: Appointment) -> QuerySet[PersonalDataAccess]:
    """Who read this appointment's personal data, when and what, newest first. One query per page."""
    return (
        PersonalDataAccess.objects.filter(appointment=appointment)
        .select_related("user")
        .order_by("-at", "-pk")
    )


def short_name(name: str) -> str:
    """The first letters of each part of a name ("Erika Mustermann" → "Eri… Mus…")."""
    return " ".join(part if len(part) <= 3 else f"{part[:3]}…" for part in name.split())
