"""Moving a called ticket on: recall, start, finish, no-show, transfer, park, resume.

A checked-in appointment's status follows its ticket through booking's service."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from booking import visits
from booking.models import Appointment
from sozialamt.models import Service

from .. import selectors
from ..models import Desk, Ticket, TicketHistory
from .common import QueueError, feed_changed_on_commit

S = Ticket.Status
STALE = gettext_lazy(
    "Diese Wartenummer hat sich inzwischen geändert (%(number)s: %(status)s). Es wurde nichts geändert."
)

NOT_STAFFED = gettext_lazy(
    "Dieses Anliegen bedient heute kein besetzter Schalter; dort würde die Wartenummer nie aufgerufen."
)


def staffed_services(location_id: int, now: dt.datetime) -> frozenset[int]:
    """The services that a desk someone is signed in to serves today at the location. One query."""
    desks = selectors.desk_maps([location_id], timezone.localdate(now))[location_id]
    return frozenset().union(*(desks.services[d] for d in desks.staffed))


def _move(
    ticket_id: int,
    desk: Desk,
    user: AbstractBaseUser,
    seen: str,
    to: str,
    now: dt.datetime,
    updates: dict | None = None,
    note: str = "",
) -> Ticket:
    """Moves a ticket of this desk from the status the clerk saw to `to` with a conditional update
    setting `updates` too, and writes the history row."""
    ticket = Ticket.objects.select_related("location", "service").filter(pk=ticket_id).first()
    if ticket is None or ticket.location_id != desk.location_id:
        raise QueueError(_("Diese Wartenummer gibt es hier nicht."))
    if ticket.desk_id != desk.pk:
        raise QueueError(_("Diese Wartenummer gehört zu einem anderen Schalter. Es wurde nichts geändert."))
    if ticket.status != seen:
        raise QueueError(STALE % {"number": ticket.display_number, "status": ticket.get_status_display()})
    if to not in Ticket.TRANSITIONS[S(seen)]:
        raise QueueError(
            _("Bei %(number)s ist das jetzt nicht möglich (%(status)s).")
            % {"number": ticket.display_number, "status": ticket.get_status_display()}
        )
    try:
        with transaction.atomic():
            moved = Ticket.objects.filter(pk=ticket.pk, status=seen, desk=desk).update(
                status=to, **(updates or {})
            )
    except IntegrityError:
        raise QueueError(
            _("Sie haben schon eine aufgerufene Wartenummer. Bitte schließen Sie sie zuerst ab.")
        ) from None
    if not moved:
        ticket.refresh_from_db()
        raise QueueError(STALE % {"number": ticket.display_number, "status": ticket.get_status_display()})
    TicketHistory.objects.create(
        ticket=ticket, old_status=seen, new_status=to, at=now, by=user, desk=desk, note=note
    )
    ticket.refresh_from_db()
    return ticket


def _appointment_to(ticket: Ticket, status: str, user: AbstractBaseUser) -> None:
    if ticket.appointment_id is not None:
        visits.finish_visit(appointment_id=ticket.appointment_id, to=status, by=user)


@transaction.atomic
def recall_ticket(
    *, ticket_id: int, desk: Desk, user: AbstractBaseUser, now: dt.datetime | None = None
) -> Ticket:
    """Calls the desk's called ticket once more (the display shows it again)."""
    now = now or timezone.now()
    again = {"call_count": F("call_count") + 1, "called_at": now}
    ticket = _move(ticket_id, desk, user, S.CALLED, S.CALLED, now, again, note=TicketHistory.Note.RECALLED)
    feed_changed_on_commit(desk.location.slug, now)
    return ticket


@transaction.atomic
def start_service(
    *, ticket_id: int, desk: Desk, user: AbstractBaseUser, now: dt.datetime | None = None
) -> Ticket:
    """The called citizen has arrived at the desk."""
    now = now or timezone.now()
    return _move(ticket_id, desk, user, S.CALLED, S.IN_SERVICE, now, {"started_at": now})


@transaction.atomic
def finish_ticket(
    *, ticket_id: int, desk: Desk, user: AbstractBaseUser, now: dt.datetime | None = None
) -> Ticket:
    """The concern is dealt with; a checked-in appointment is done."""
    now = now or timezone.now()
    ticket = _move(ticket_id, desk, user, S.IN_SERVICE, S.SERVED, now, {"finished_at": now})
    _appointment_to(ticket, Appointment.Status.DONE, user)
    return ticket


@transaction.atomic
def mark_no_show(
    *, ticket_id: int, desk: Desk, user: AbstractBaseUser, now: dt.datetime | None = None
) -> Ticket:
    """The citizen did not come after enough calls."""
    now = now or timezone.now()
    needed = settings.KUNDENZENTRUM_NO_SHOW_AFTER_CALLS
    ticket = Ticket.objects.filter(pk=ticket_id, desk=desk).first()
    if ticket is not None and ticket.status == S.CALLED and ticket.call_count < needed:
        raise QueueError(
            _("Bitte rufen Sie %(number)s erst %(count)s-mal auf, bevor Sie „nicht erschienen“ wählen.")
            % {"number": ticket.display_number, "count": needed}
        )
    # Between the check and the update only a transfer could lower call_count, and a transfer
    # leaves the status "waiting", which the conditional update below refuses.
    ticket = _move(ticket_id, desk, user, S.CALLED, S.NO_SHOW, now, {"finished_at": now})
    _appointment_to(ticket, Appointment.Status.NO_SHOW, user)
    return ticket


@transaction.atomic
def transfer_ticket(
    *,
    ticket_id: int,
    desk: Desk,
    user: AbstractBaseUser,
    seen: str,
    to_service: Service | None = None,
    to_desk: Desk | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """Sends a ticket back into the queue at its original place, for another service and/or desk."""
    now = now or timezone.now()
    if to_service is None and to_desk is None:
        raise QueueError(_("Bitte wählen Sie ein Anliegen oder einen Schalter für die Weiterleitung."))
    service = to_service
    if to_service is not None and (
        not to_service.active or not desk.location.services.filter(pk=to_service.pk).exists()
    ):
        raise QueueError(_("Dieses Anliegen wird an diesem Standort nicht angeboten."))
    if (
        to_service is not None
        and to_desk is None
        and to_service.pk not in staffed_services(desk.location_id, now)
    ):
        raise QueueError(NOT_STAFFED)
    if to_desk is not None:
        if to_desk.location_id != desk.location_id or not to_desk.active:
            raise QueueError(_("Diesen Schalter gibt es an diesem Standort nicht."))
        ticket = Ticket.objects.filter(pk=ticket_id).first()
        needed = service.pk if service else (ticket.service_id if ticket else None)
        if not to_desk.services.filter(pk=needed).exists():
            raise QueueError(_("Der gewählte Schalter bedient dieses Anliegen nicht."))
    updates = {"desk": None, "clerk": None, "for_desk": to_desk, "call_count": 0, "called_at": None}
    if service is not None:
        updates["service"] = service
    note = TicketHistory.Note.TRANSFERRED + (f" desk:{to_desk.pk}" if to_desk else "")
    note += f" service:{service.pk}" if service else ""
    ticket = _move(ticket_id, desk, user, seen, S.WAITING, now, updates, note=note)
    feed_changed_on_commit(desk.location.slug, now)
    return ticket


@transaction.atomic
def park_ticket(
    *, ticket_id: int, desk: Desk, user: AbstractBaseUser, seen: str, now: dt.datetime | None = None
) -> Ticket:
    """Sets a ticket aside at this desk (the citizen fetches a document); the clerk may call the next."""
    now = now or timezone.now()
    return _move(ticket_id, desk, user, seen, S.PARKED, now)


@transaction.atomic
def resume_ticket(
    *, ticket_id: int, desk: Desk, user: AbstractBaseUser, now: dt.datetime | None = None
) -> Ticket:
    """Takes a parked ticket of this desk back into service; the clerk must not hold another."""
    now = now or timezone.now()
    return _move(ticket_id, desk, user, S.PARKED, S.IN_SERVICE, now, {"clerk": user})
