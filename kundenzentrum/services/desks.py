"""Kiosk devices and clerks' desk sessions."""

import datetime as dt
import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sozialamt.models import Location

from ..models import Desk, DeskSession, KioskDevice, Ticket
from .common import QueueError, hash_token


def unlock_kiosk(*, location: Location, name: str, by: AbstractBaseUser | None) -> str:
    """Registers a kiosk device and returns its token (only the hash is stored)."""
    token = secrets.token_urlsafe(32)
    KioskDevice.objects.create(location=location, name=name, token_hash=hash_token(token), created_by=by)
    return token


def kiosk_for_token(token: str | None) -> KioskDevice | None:
    """The active kiosk device a token unlocks, with its location. One query."""
    if not token:
        return None
    return (
        KioskDevice.objects.select_related("location")
        .filter(token_hash=hash_token(token), active=True, location__active=True)
        .first()
    )


@transaction.atomic
def sign_in_to_desk(*, desk: Desk, user: AbstractBaseUser, now: dt.datetime | None = None) -> DeskSession:
    """Signs a clerk in to a desk for today, ending their other session; the desk must be free."""
    now = now or timezone.now()
    if not desk.active:
        raise QueueError(_("Dieser Schalter ist nicht aktiv."))
    current = DeskSession.objects.filter(user=user, ended_at__isnull=True).first()
    if current and current.desk_id == desk.pk and current.day == timezone.localdate(now):
        return current
    if Ticket.objects.filter(clerk=user, status__in=Ticket.ACTIVE).exists():
        raise QueueError(_("Bitte schließen Sie zuerst Ihre aufgerufene Wartenummer ab."))
    DeskSession.objects.filter(user=user, ended_at__isnull=True).update(ended_at=now)
    # Yesterday's forgotten session of this desk does not block it.
    DeskSession.objects.filter(desk=desk, ended_at__isnull=True, day__lt=timezone.localdate(now)).update(
        ended_at=now
    )
    try:
        with transaction.atomic():
            return DeskSession.objects.create(
                desk=desk, user=user, day=timezone.localdate(now), started_at=now
            )
    except IntegrityError:
        raise QueueError(_("An diesem Schalter ist schon jemand angemeldet.")) from None


@transaction.atomic
def sign_out_of_desk(*, user: AbstractBaseUser, now: dt.datetime | None = None) -> None:
    """Ends the clerk's desk session; a called ticket must be finished first."""
    if Ticket.objects.filter(clerk=user, status__in=Ticket.ACTIVE).exists():
        raise QueueError(_("Bitte schließen Sie zuerst Ihre aufgerufene Wartenummer ab."))
    DeskSession.objects.filter(user=user, ended_at__isnull=True).update(ended_at=now or timezone.now())
