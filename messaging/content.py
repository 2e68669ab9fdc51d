"""What every message says, shared by e-mails and letters: the context and the language."""

from contextlib import contextmanager

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from booking.selectors import availability
from booking.slots import next_free

from .models import Message


def message_language(code: str) -> str:
    """The citizen's language where the site has it, German otherwise."""
    available = {lang for lang, _name in settings.LANGUAGES}
    return code if code in available else settings.LANGUAGE_CODE


@contextmanager
def citizen_language(message: Message):
    with translation.override(message_language(message.appointment.language)):
        yield


def rebooking_url() -> str:
    """The public booking page: printed on letters instead of a personal link (see README)."""
    try:
        path = reverse("booking:start")
    except NoReverseMatch:
        path = "/"
    return f"{settings.SITE_URL}{path}"


def find_url() -> str:
    """The page where a citizen with booking code and postcode gets a new personal link."""
    try:
        return f"{settings.SITE_URL}{reverse('booking:find')}"
    except NoReverseMatch:
        return rebooking_url()


def next_free_starts(appointment, days: int = 3) -> list:
    """The first free time of each of the next few days with one, for the cancelled
    appointment's service and location (local): offered in the office's cancellation, so that
    the citizen can ring or book one at once. Several days rather than three times in a row:
    one of them more likely suits. Free when the message is made; the text says so."""
    now = timezone.now()
    plans = availability(service=appointment.service, location=appointment.location, now=now).days
    # Not the cancelled day itself: the office cancelled it (a staff meeting, say), even where
    # no closure or absence was entered that would keep its times from being offered.
    cancelled_day = timezone.localdate(appointment.start)
    firsts = (next_free([plan], count=1, after=now) for plan in plans if plan.date != cancelled_day)
    return [timezone.localtime(found[0].start) for found in firsts if found][:days]


def message_context(message: Message) -> dict:
    appointment = message.appointment
    location = appointment.location
    return {
        "message": message,
        "appointment": appointment,
        "service": appointment.service,
        "location": location,
        "counsellor": appointment.counsellor,
        "start": timezone.localtime(appointment.start),
        "end": timezone.localtime(appointment.end),
        "documents": appointment.service.document_list,
        "manage_url": message.link,
        "rebooking_url": rebooking_url(),
        "find_url": find_url(),
        "phone": location.phone,
        "phone_hours": location.phone_hours,
        "previous_start": timezone.localtime(message.previous_start) if message.previous_start else None,
        "confirm_until": timezone.localtime(appointment.confirm_until) if appointment.confirm_until else None,
        "reason": message.reason,
        "site_url": settings.SITE_URL,
        "next_free": next_free_starts(appointment) if message.kind == Message.Kind.CANCELLED else [],
    }
