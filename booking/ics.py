"""The iCalendar (.ics) file of an appointment, for the download and the e-mail attachment."""

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from .models import Appointment

ALARM_BEFORE = dt.timedelta(days=1)


def appointment_ics(appointment: Appointment, *, cancelled: bool = False) -> bytes:
    """An iCalendar file with one event; no personal data beyond what the citizen already has."""
    calendar = Calendar()
    calendar.add("prodid", "-//Sozialamt Termine//DE")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    # The UID's domain is the public host (not its port): the same in every e-mail and download.
    event.add("uid", f"{appointment.code}@{urlsplit(settings.SITE_URL).hostname or 'localhost'}")
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
    if not cancelled:
        event.add_component(_alarm(appointment))
    calendar.add_component(event)
    return calendar.to_ical()


def _alarm(appointment: Appointment) -> Alarm:
    """A reminder the evening before (the calendar shows it one day ahead)."""
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -ALARM_BEFORE)
    alarm.add("description", _("Termin im Sozialamt: %(service)s") % {"service": appointment.service.name})
    return alarm
