"""Online bookings nobody has verified: pending holds until the citizen confirms by e-mail, and
bookings without an e-mail address. Their share of a day is capped, so that made-up contact
data from however many addresses can never hold more than a small part of the free times.

The booking service checks the share inside its transaction (see limits.check_limits)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from sozialamt.models import Location, Service

from .errors import BookingError
from .models import Appointment
from .selectors import day_range, day_room

CODE_LENGTH = 7  # a booking code without its dash


def is_pending(*, person: dict, booked_by) -> bool:
    """An online booking with an e-mail address waits for the citizen's confirmation."""
    return booked_by is None and bool(person.get("email"))


def confirm_key(appointment: Appointment) -> str:
    """The secret of the confirmation link: the code and a keyed hash of it (128 bits). Not
    stored: only the e-mail carries it, so an API client that invented the address cannot
    confirm."""
    code = appointment.code.replace("-", "")
    return code + salted_hmac("booking.confirm", f"{appointment.pk}:{code}").hexdigest()[:32]


def confirm_url(appointment: Appointment) -> str:
    """The absolute confirmation link for the e-mail (its secret is cut out of every log)."""
    return settings.SITE_URL + reverse("booking:confirm", args=[confirm_key(appointment)])


def appointment_for_confirm_key(key: str) -> Appointment | None:
    """The appointment a confirmation link belongs to, or None. One query."""
    if len(key) != CODE_LENGTH + 32:
        return None
    code = f"{key[:3]}-{key[3:CODE_LENGTH]}".upper()
    appointment = Appointment.objects.select_related("service", "location").filter(code=code).first()
    if appointment is None or not constant_time_compare(confirm_key(appointment), key):
        return None
    return appointment


def confirm_deadline(now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(minutes=settings.BOOKING_CONFIRM_MINUTES)


@dataclass(frozen=True)
class DayShare:
    """The day's share an online booking without verified contact falls under: the key that
    locks the day, the service's bookings of the day (`on_day`) and which of them count
    against the share, how many it allows and the refusal once it is used up. check_limits
    takes the lock and counts in its one statement and query."""

    lock_key: str
    on_day: Q
    counted: Q
    allowed: int
    refused: BookingError


def day_share(
    *, service: Service, location: Location, start: dt.datetime, person: dict, now: dt.datetime
) -> DayShare:
    """The share of the day of `start`: active online bookings without verified contact, pending
    holds (BOOKING_PENDING_SHARE) or booked ones without an e-mail address
    (BOOKING_NO_EMAIL_SHARE), each in per cent of the day's room for bookings, rounded down. No
    query once the hours are cached."""
    day = timezone.localdate(start)
    with_email = bool(person.get("email"))
    share = settings.BOOKING_PENDING_SHARE if with_email else settings.BOOKING_NO_EMAIL_SHARE
    kind = (
        Q(status=Appointment.Status.PENDING) if with_email else Q(status=Appointment.Status.BOOKED, email="")
    )
    first, last = day_range(day, day)
    refusal_kind, message = refusal(person=person, location=location)
    return DayShare(
        lock_key=f"booking-unverified:{location.pk}:{service.pk}:{day}:{with_email}",
        on_day=Q(start__gte=first, start__lt=last),
        counted=kind & Q(location=location, booked_by__isnull=True),
        allowed=day_room(service=service, location=location, day=day, now=now) * share // 100,
        refused=BookingError(message, kind=refusal_kind),
    )


def refusal(*, person: dict, location: Location) -> tuple[str, str]:
    """(kind, message for the citizen) when the day's share for this booking is used up."""
    if person.get("email"):
        return "pending_full", _(
            "Für diesen Tag warten schon viele Online-Buchungen auf ihre Bestätigung. Bitte "
            "wählen Sie einen anderen Tag oder versuchen Sie es in einer halben Stunde noch einmal."
        )
    text = _(
        "Online sind für diesen Tag keine Termine ohne E-Mail-Adresse mehr frei. Bitte geben Sie "
        "eine E-Mail-Adresse an, wählen Sie einen anderen Tag oder rufen Sie uns an; wir buchen "
        "den Termin gern für Sie."
    )
    if location.phone:
        text = f"{text} {_('Telefon: %(phone)s') % {'phone': location.phone}}"
    return "no_email_full", text
