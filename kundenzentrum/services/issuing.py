"""Issuing walk-in tickets: gap-free numbers per letter and day, only while there is time left."""

import datetime as dt
from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sozialamt.hours import OfficeCalendar
from sozialamt.models import Location, Service
from sozialamt.selectors import office_calendar

from .. import selectors
from ..models import Ticket, TicketCounter, TicketHistory
from .common import QueueError


def _check_service(location: Location, service: Service) -> None:
    if not (service.active and service.offers_walk_in and service.ticket_letter):
        raise QueueError(_("Für dieses Anliegen gibt es keine Wartenummern."))
    if not location.services.filter(pk=service.pk).exists():
        raise QueueError(_("Dieses Anliegen wird an diesem Standort nicht angeboten."))


def _open_until(location: Location, now: dt.datetime) -> tuple[dt.datetime, OfficeCalendar]:
    """The end of the opening interval at `now` (and the calendar); QueueError when closed."""
    today = timezone.localdate(now)
    calendar = office_calendar(location, today, today + dt.timedelta(days=60))
    interval = calendar.interval_at(now)
    if interval is None:
        raise QueueError(
            _("Das Kundenzentrum ist jetzt geschlossen."), next_opening=calendar.next_opening(now)
        )
    return interval[1], calendar


def check_capacity(*, location: Location, service: Service, now: dt.datetime) -> Callable[[], None]:
    """Raises QueueError when the location is closed; returns the check that the people waiting
    plus a newcomer still fit into the open time left, to be run under the counter lock."""
    closes, calendar = _open_until(location, now)
    desks = selectors.desk_maps([location.pk], timezone.localdate(now))[location.pk]
    recent = selectors.recent_averages([location.pk], now)

    def room_left() -> None:
        remaining = (closes - now).total_seconds() / 60
        if selectors.newcomer_minutes(location, service, now, desks, recent) > remaining:
            raise QueueError(
                _("Für heute können wir leider keine Wartenummern für dieses Anliegen mehr ausgeben."),
                next_opening=calendar.next_opening(now),
            )

    return room_left


def _next_number(location: Location, day: dt.date, letter: str) -> int:
    # The counter row is locked by the UPDATE until the transaction ends: concurrent issuers
    # queue on it, so numbers are gap-free (a rolled-back ticket rolls its number back too).
    counter, _created = TicketCounter.objects.get_or_create(location=location, day=day, letter=letter)
    TicketCounter.objects.filter(pk=counter.pk).update(last_number=F("last_number") + 1)
    return TicketCounter.objects.values_list("last_number", flat=True).get(pk=counter.pk)


def create_ticket(*, location, service, letter, now, by, under_lock=None, **fields) -> Ticket:
    day = timezone.localdate(now)
    number = _next_number(location, day, letter)
    if under_lock is not None:
        # Every issuer of this service takes this letter's row: an earlier one has committed (and
        # each statement after the lock reads what is committed, READ COMMITTED), a later one
        # waits for us. So two kiosks cannot both take the last place before closing.
        under_lock()
    # The queue is ordered by issue time: read the clock only after the counter row is ours, so
    # that A-006 can never carry an earlier time than A-005 issued concurrently.
    issued_at = max(now, timezone.now())
    ticket = Ticket.objects.create(
        location=location,
        service=service,
        day=day,
        letter=letter,
        number=number,
        issued_at=issued_at,
        **fields,
    )
    TicketHistory.objects.create(ticket=ticket, new_status=Ticket.Status.WAITING, at=issued_at, by=by)
    return ticket


@transaction.atomic
def issue_ticket(
    *,
    location: Location,
    service: Service,
    interpreter_language: str = "",
    by: AbstractBaseUser | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """Issues the next walk-in number of a service; the location must be open with time left."""
    now = now or timezone.now()
    _check_service(location, service)
    room_left = check_capacity(location=location, service=service, now=now)
    return create_ticket(
        location=location,
        service=service,
        letter=service.ticket_letter,
        now=now,
        by=by,
        under_lock=room_left,
        interpreter_language=interpreter_language.strip()[:60],
    )
