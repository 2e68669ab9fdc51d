"""Checking a booked appointment in: it joins the queue as a ticket.

The appointment's status moves through booking's service (booking.visits.check_in), which
allows only the moves of Appointment.TRANSITIONS and writes the history row."""

import datetime as dt
import re

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from booking import visits
from booking.models import Appointment
from booking.selectors import hash_token
from sozialamt.models import Location

from ..models import Desk, Ticket
from .common import QueueError, when
from .issuing import create_ticket

# A QR code scanner at the kiosk types the management link of the confirmation.
MANAGE_LINK = re.compile(r"/verwalten/([A-Za-z0-9_-]{16,100})/?")


def _appointment_lookup(code: str) -> Q | None:
    raw = (code or "").strip()
    link = MANAGE_LINK.search(raw)
    if link:
        hashed = hash_token(link.group(1))
        # A new link from the lost-link page counts before its first use, like the old one.
        return Q(token_hash=hashed) | Q(new_token_hash=hashed)
    compact = re.sub(r"[^0-9A-Za-z]", "", raw).upper()
    if not compact:
        return None
    # Codes are printed as K7M-4QX9; people type them without the dash or in lower case.
    return Q(code__in={raw.upper(), compact, f"{compact[:3]}-{compact[3:]}"})


def _find_appointment(code: str, location: Location) -> Appointment:
    lookup = _appointment_lookup(code)
    appointment = (
        Appointment.objects.select_related("service", "counsellor").filter(lookup, location=location).first()
        if lookup is not None
        else None
    )
    if appointment is None:
        raise QueueError(
            _("Zu dieser Buchungsnummer gibt es hier keinen Termin. Bitte prüfen Sie die Eingabe.")
        )
    return appointment


@transaction.atomic
def check_in_appointment(
    *, code: str, location: Location, by: AbstractBaseUser | None = None, now: dt.datetime | None = None
) -> Ticket:
    """Checks a booked appointment in and queues it; only within the check-in window of its start."""
    now = now or timezone.now()
    appointment = _find_appointment(code, location)
    if appointment.status == Appointment.Status.CHECKED_IN:
        raise QueueError(_("Dieser Termin ist schon angemeldet. Bitte nehmen Sie im Wartebereich Platz."))
    if appointment.status != Appointment.Status.BOOKED:
        raise QueueError(_("Dieser Termin ist nicht mehr gültig. Bitte wenden Sie sich an die Infotheke."))
    early = appointment.start - dt.timedelta(minutes=settings.KUNDENZENTRUM_CHECKIN_EARLY_MINUTES)
    late = appointment.start + dt.timedelta(minutes=settings.KUNDENZENTRUM_CHECKIN_LATE_MINUTES)
    if now < early:
        raise QueueError(_("Sie sind zu früh. Sie können sich ab %(time)s anmelden.") % {"time": when(early)})
    if now > late:
        raise QueueError(
            _(
                "Ihr Termin hat um %(time)s begonnen; die Anmeldung ist nicht mehr möglich. Bitte wenden Sie sich an die Infotheke."
            )
            % {"time": when(appointment.start)}
        )
    if not visits.check_in(appointment_id=appointment.pk, by=by):
        raise QueueError(_("Dieser Termin ist schon angemeldet. Bitte nehmen Sie im Wartebereich Platz."))
    return create_ticket(
        location=location,
        service=appointment.service,
        letter=appointment.service.ticket_letter or settings.KUNDENZENTRUM_APPOINTMENT_LETTER,
        now=now,
        by=by,
        appointment=appointment,
        due_at=appointment.start,
        interpreter_language=appointment.interpreter_language,
        counsellor=_called_by_counsellor(appointment),
    )


def _called_by_counsellor(appointment: Appointment):
    """The counsellor who calls the arrived citizen, or None for the walk-in desks. A counsellor
    with an account calls their own appointments from "Mein Tag"; the desks take a checked-in
    appointment only when its counsellor has no account and an active desk here serves the
    service (else nobody at a desk could call it, and it would wait for ever). One query."""
    counsellor = appointment.counsellor
    if counsellor.user_id is None:
        served_at_desks = Desk.objects.filter(
            location=appointment.location_id, active=True, services=appointment.service_id
        ).exists()
        if served_at_desks:
            return None
    return counsellor
