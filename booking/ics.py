"""The iCalendar (.ics) file of an appointment, for the download and the e-mail attachment."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import Appointment


def appointment_ics(appointment: Appointment, *, cancelled: bool = False) -> bytes:
    """An iCalendar file with one event; no personal data beyond what the citizen already has."""
    calendar = Calendar()
    calendar.add("prodid", "-//Sozialamt Termine//DE")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"{appointment.code}@{settings.SITE_URL.split('://')[-1]}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", appointment.start)
    event.add("dtend", appointment.end)
    event.add("summary", _("Termin im Sozialamt: %(service)s") % {"service": appointment.service.name})
    location = appointment.location
    event.add("location", ", ".join([location.name, *location.address_lines]))
    lines = [_("Buchungsnummer: %(code)s") % {"code": appointment.code}]
    if appointment.service.document_list:
        lines.append(_("Bitte mitbringen:"))
        lines += [f"- {doc}" for doc in appointment.service.document_list]
    event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    # Calendars apply an update only with a higher SEQUENCE under the same UID: every change
    # (move, cancellation) writes a history row after the booking's first one.
    changes = appointment.history.count() - 1
    event.add("sequence", max(changes, 1 if cancelled else 0))
    calendar.add_component(event)
    return calendar.to_ical()
