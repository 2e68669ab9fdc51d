"""A counsellor calls their arrived citizens to the room: call, recall, start, done, no-show.

The ticket moves with a conditional update from the status the counsellor saw (a stale page
changes nothing); the appointment's status follows through booking's services."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from booking import visits
from booking.models import Appointment, AppointmentHistory, Counsellor

from ..models import Ticket, TicketHistory
from .common import QueueError, feed_changed_on_commit
from .moving import STALE

S = Ticket.Status
# What each action moves from and to, and what it sets besides the status.
ROOM_MOVES = {
    "call": (S.WAITING, S.CALLED),
    "recall": (S.CALLED, S.CALLED),
    "start": (S.CALLED, S.IN_SERVICE),
    "done": (S.IN_SERVICE, S.SERVED),
    "no_show": (S.CALLED, S.NO_SHOW),
    # The citizen checked in and left before being called (the info desk saw them go), once
    # the appointment's time has begun; a ticket called already needs the calls of "no_show".
    "gone": (S.WAITING, S.NO_SHOW),
}


def _own_ticket(ticket_id: int, counsellor: Counsellor) -> Ticket:
    ticket = (
        Ticket.objects.select_related("location", "counsellor", "appointment").filter(pk=ticket_id).first()
    )
    if ticket is None or ticket.counsellor_id != counsellor.pk:
        raise QueueError(_("Diese Wartenummer gehört nicht zu Ihren Terminen. Es wurde nichts geändert."))
    return ticket


def _updates(action: str, user: AbstractBaseUser, now: dt.datetime) -> dict:
    calling = {"clerk": user, "call_count": F("call_count") + 1, "called_at": now}
    return {
        "call": calling,
        "recall": calling,
        "start": {"started_at": now},
        "done": {"finished_at": now},
        "no_show": {"finished_at": now},
        "gone": {"finished_at": now},
    }[action]


@transaction.atomic
def act_in_room(
    *,
    ticket_id: int,
    counsellor: Counsellor,
    user: AbstractBaseUser,
    action: str,
    seen: str,
    now: dt.datetime | None = None,
) -> Ticket:
    """Moves the counsellor's own ticket by `action` (ROOM_MOVES) from the status the page
    showed; a call shows the number and the room on the waiting-room display. Raises QueueError
    when the page was stale, the ticket is another's or the move is not allowed."""
    now = now or timezone.now()
    if action not in ROOM_MOVES:
        raise QueueError(_("Diese Aktion gibt es nicht."))
    expected, to = ROOM_MOVES[action]
    ticket = _own_ticket(ticket_id, counsellor)
    if seen != expected or ticket.status != expected:
        raise QueueError(STALE % {"number": ticket.display_number, "status": ticket.get_status_display()})
    _check_no_show(ticket, action, now)
    try:
        with transaction.atomic():
            moved = Ticket.objects.filter(pk=ticket.pk, status=expected, counsellor=counsellor).update(
                status=to, **_updates(action, user, now)
            )
    except IntegrityError:
        raise QueueError(
            _("Sie haben schon jemanden aufgerufen. Bitte schließen Sie diesen Termin zuerst ab.")
        ) from None
    if not moved:
        ticket.refresh_from_db()
        raise QueueError(STALE % {"number": ticket.display_number, "status": ticket.get_status_display()})
    note = TicketHistory.Note.RECALLED if action == "recall" else ""
    TicketHistory.objects.create(
        ticket=ticket, old_status=expected, new_status=to, at=now, by=user, note=note
    )
    _appointment_follows(ticket, to, user)
    if action in ("call", "recall"):
        feed_changed_on_commit(ticket.location.slug, now)
    ticket.refresh_from_db()
    return ticket


def _check_no_show(ticket: Ticket, action: str, now: dt.datetime) -> None:
    if action == "gone" and (ticket.appointment is None or ticket.appointment.start > now):
        raise QueueError(_("Der Termin hat noch nicht begonnen. Es wurde nichts geändert."))
    needed = settings.KUNDENZENTRUM_NO_SHOW_AFTER_CALLS
    if action == "no_show" and ticket.call_count < needed:
        raise QueueError(
            _("Bitte rufen Sie %(number)s erst %(count)s-mal auf, bevor Sie „nicht erschienen“ wählen.")
            % {"number": ticket.display_number, "count": needed}
        )


def _appointment_follows(ticket: Ticket, to: str, user: AbstractBaseUser) -> None:
    status = {S.SERVED: Appointment.Status.DONE, S.NO_SHOW: Appointment.Status.NO_SHOW}.get(to)
    if status is not None and ticket.appointment_id is not None:
        visits.change_status(
            appointment_id=ticket.appointment_id,
            seen=Appointment.Status.CHECKED_IN,
            to=status,
            by=user,
            note=AppointmentHistory.Note.COUNSELLING,
        )
