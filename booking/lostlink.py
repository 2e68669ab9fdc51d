"""'Persönlichen Link verloren?' (/termin/finden/): a new personal link by e-mail.

The page answers at once and the same for everyone (the work is a task), the old link keeps
working until the new one is used, and one booking gets at most LOST_LINK_EMAILS_PER_DAY e-mails.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from messaging import notify as notifications

from .models import Appointment
from .selectors import hash_token
from .services import manage_url, new_token

# Code and postcode are printed on every letter: whoever holds one may ask, but not flood the
# citizen's inbox.
LOST_LINK_EMAILS_PER_DAY = 3


def send_new_manage_link(
    *, code: str, postcode: str = "", name_start: str = "", now: dt.datetime | None = None
) -> bool:
    """When code and postcode (or the name's first letters) match a coming booking with an
    e-mail address, a new link goes to that address; the current link stays valid until the new
    one is used. True when sent. Runs as a task, so the page's answer reveals nothing."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update()
            .filter(code=code, status=Appointment.Status.BOOKED, start__gt=now)
            .exclude(email="")
            .first()
        )
        if appointment is None or not _identifies(appointment, postcode=postcode, name_start=name_start):
            return False
        sent_today = appointment.link_requests if appointment.link_requests_day == today else 0
        if sent_today >= LOST_LINK_EMAILS_PER_DAY:
            return False
        token = new_token()
        appointment.new_token_hash = hash_token(token)
        appointment.link_requests_day, appointment.link_requests = today, sent_today + 1
        appointment.save(update_fields=["new_token_hash", "link_requests_day", "link_requests"])
        notifications.manage_link_requested(appointment, manage_url=manage_url(token))
    return True


def adopt_new_link(*, appointment: Appointment, token: str) -> None:
    """The citizen used the new link: it becomes the link, and the old one stops working."""
    hashed = hash_token(token)
    if appointment.new_token_hash != hashed:
        return
    Appointment.objects.filter(pk=appointment.pk, new_token_hash=hashed).update(
        token_hash=hashed, new_token_hash=None
    )
    appointment.token_hash, appointment.new_token_hash = hashed, None


def _identifies(appointment: Appointment, *, postcode: str, name_start: str) -> bool:
    if postcode:
        return bool(appointment.postcode) and appointment.postcode == postcode
    name = appointment.name.strip().casefold()
    return len(name_start) >= 3 and name.startswith(name_start.strip().casefold())
