"""Every write of the walk-in queue: issuing, checking in, calling and moving tickets, closing the day."""

import datetime as dt
import functools
import hashlib
import re
import secrets
from collections.abc import Callable
from contextlib import nullcontext

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from booking.models import Appointment, AppointmentHistory
from sozialamt import roles
from sozialamt.hours import OfficeCalendar
from sozialamt.models import Location, Service
from sozialamt.selectors import office_calendar

from . import selectors
from .models import Desk, DeskSession, KioskDevice, Ticket, TicketCounter, TicketHistory

S = Ticket.Status
# How often call_next_ticket tries again when another clerk took its candidate first.
CALL_ATTEMPTS = 10


class QueueError(Exception):
    """A domain error with a message for the user; nothing was changed."""

    def __init__(self, message: str, *, next_opening: dt.datetime | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.next_opening = next_opening


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _when(moment: dt.datetime) -> str:
    """Weekday, date and time as the visitor's language writes them."""
    local = timezone.localtime(moment)
    day = f"{formats.date_format(local, 'l')}, {formats.date_format(local, 'DATE_FORMAT')}"
    return f"{day}, {formats.time_format(local, 'TIME_FORMAT')}"


# ---------------------------------------------------------------- kiosks and desks


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


# ---------------------------------------------------------------- issuing


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


def _create_ticket(*, location, service, letter, now, by, under_lock=None, **fields) -> Ticket:
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
    TicketHistory.objects.create(ticket=ticket, new_status=S.WAITING, at=issued_at, by=by)
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
    return _create_ticket(
        location=location,
        service=service,
        letter=service.ticket_letter,
        now=now,
        by=by,
        under_lock=room_left,
        interpreter_language=interpreter_language.strip()[:60],
    )


# ---------------------------------------------------------------- check-in


# A QR code scanner at the kiosk types the management link of the confirmation.
MANAGE_LINK = re.compile(r"/verwalten/([A-Za-z0-9_-]{16,100})/?")


def _appointment_lookup(code: str) -> Q | None:
    raw = (code or "").strip()
    link = MANAGE_LINK.search(raw)
    if link:
        return Q(token_hash=hash_token(link.group(1)))
    compact = re.sub(r"[^0-9A-Za-z]", "", raw).upper()
    if not compact:
        return None
    # Codes are printed as K7M-4QX9; people type them without the dash or in lower case.
    return Q(code__in={raw.upper(), compact, f"{compact[:3]}-{compact[3:]}"})


def _find_appointment(code: str, location: Location) -> Appointment:
    lookup = _appointment_lookup(code)
    appointment = (
        Appointment.objects.select_related("service").filter(lookup, location=location).first()
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
        raise QueueError(
            _("Sie sind zu früh. Sie können sich ab %(time)s anmelden.") % {"time": _when(early)}
        )
    if now > late:
        raise QueueError(
            _(
                "Ihr Termin hat um %(time)s begonnen; die Anmeldung ist nicht mehr möglich. Bitte wenden Sie sich an die Infotheke."
            )
            % {"time": _when(appointment.start)}
        )
    moved = Appointment.objects.filter(pk=appointment.pk, status=Appointment.Status.BOOKED).update(
        status=Appointment.Status.CHECKED_IN
    )
    if not moved:
        raise QueueError(_("Dieser Termin ist schon angemeldet. Bitte nehmen Sie im Wartebereich Platz."))
    AppointmentHistory.objects.create(
        appointment=appointment,
        old_status=Appointment.Status.BOOKED,
        new_status=Appointment.Status.CHECKED_IN,
        by=by,
        note="Anmeldung im Kundenzentrum",
    )
    return _create_ticket(
        location=location,
        service=appointment.service,
        letter=appointment.service.ticket_letter or settings.KUNDENZENTRUM_APPOINTMENT_LETTER,
        now=now,
        by=by,
        appointment=appointment,
        due_at=appointment.start,
        interpreter_language=appointment.interpreter_language,
    )


# ---------------------------------------------------------------- calling


def current_ticket(user: AbstractBaseUser) -> Ticket | None:
    """The clerk's called or in-service ticket. One query."""
    return (
        Ticket.objects.select_related("service", "desk").filter(clerk=user, status__in=Ticket.ACTIVE).first()
    )


def _signed_in(desk_id: int, user: AbstractBaseUser, now: dt.datetime) -> bool:
    return DeskSession.objects.filter(
        desk_id=desk_id, user=user, ended_at__isnull=True, day=timezone.localdate(now)
    ).exists()


def _active_session(desk_id: int, user: AbstractBaseUser, now: dt.datetime) -> None:
    if not _signed_in(desk_id, user, now):
        raise QueueError(_("Sie sind an diesem Schalter nicht angemeldet."))


def _candidate(desk: Desk, service_ids: list[int], now: dt.datetime) -> Ticket | None:
    # Due appointments first, then walk-ins by their place in the queue, then appointments
    # that arrived early. skip_locked: a row another clerk is taking is skipped, not waited for.
    # One query per group, each an ordered scan of a partial index, instead of sorting the queue.
    waiting = (
        Ticket.objects.filter(
            location=desk.location_id, day=timezone.localdate(now), status=S.WAITING, service__in=service_ids
        )
        .filter(Q(for_desk__isnull=True) | Q(for_desk=desk))
        .select_related("service")
        .select_for_update(skip_locked=True, of=("self",))
    )
    groups = (
        waiting.filter(due_at__lte=now).order_by("due_at", "pk"),
        waiting.filter(due_at__isnull=True).order_by("issued_at", "pk"),
        waiting.filter(due_at__gt=now).order_by("due_at", "pk"),
    )
    for group in groups:
        found = group.first()
        if found is not None:
            return found
    return None


def call_next_ticket(
    *,
    desk_id: int,
    user: AbstractBaseUser,
    now: dt.datetime | None = None,
    roles_needed: tuple[str, ...] = (),
) -> Ticket | None:
    """Calls the next ticket to the desk, or returns the clerk's current one (a double click). None when empty.

    The clerk must be signed in to the desk today and, if roles_needed is given, hold one of those
    roles (else PermissionDenied). On PostgreSQL the common case is one statement with every check."""
    now = now or timezone.now()
    postgresql = _claim_in_one_statement()
    claim = _claim_postgresql if postgresql else _claim_portable
    # On PostgreSQL the claim is one statement: in autocommit it is its own transaction (a
    # failed one leaves nothing behind), which spares BEGIN and COMMIT round trips.
    atomic = nullcontext() if postgresql and connection.get_autocommit() else transaction.atomic()
    try:
        with atomic:
            called = claim(desk_id, user, now, roles_needed)
    except IntegrityError:
        # ticket_one_active_per_clerk: the clerk already holds a ticket (a double click).
        called = None
    if called is not None:
        ticket, slug = called
        day = timezone.localdate(now)
        transaction.on_commit(lambda: selectors.display_feed_changed(slug, day))
        return ticket
    if roles_needed and not roles.has_role(user, *roles_needed):
        raise PermissionDenied
    current = current_ticket(user)
    if current is not None:
        return current
    _active_session(desk_id, user, now)
    return None


def _claim_in_one_statement() -> bool:
    return connection.vendor == "postgresql"


def _claim_portable(
    desk_id: int, user: AbstractBaseUser, now: dt.datetime, roles_needed: tuple[str, ...]
) -> tuple[Ticket, str] | None:
    """Claims the next ticket with the ORM (SQLite and others): pick, conditional update, history."""
    if roles_needed and not roles.has_role(user, *roles_needed):
        return None
    if current_ticket(user) is not None or not _signed_in(desk_id, user, now):
        return None
    desk = Desk.objects.select_related("location").get(pk=desk_id)
    service_ids = list(desk.services.values_list("pk", flat=True))
    for _attempt in range(CALL_ATTEMPTS):
        candidate = _candidate(desk, service_ids, now)
        if candidate is None:
            return None
        called = Ticket.objects.filter(pk=candidate.pk, status=S.WAITING).update(
            status=S.CALLED,
            desk=desk,
            clerk=user,
            for_desk=None,
            call_count=F("call_count") + 1,
            called_at=now,
        )
        if called:
            TicketHistory.objects.create(
                ticket=candidate, old_status=S.WAITING, new_status=S.CALLED, at=now, by=user, desk=desk
            )
            return current_ticket(user), desk.location.slug
    raise QueueError(_("Gerade rufen viele gleichzeitig auf. Bitte versuchen Sie es noch einmal."))


def _claim_postgresql(
    desk_id: int, user: AbstractBaseUser, now: dt.datetime, roles_needed: tuple[str, ...]
) -> tuple[Ticket, str] | None:
    """Claims the next ticket, writes its history row and returns it with service, desk and the
    location's slug: one statement.

    None when nothing is waiting for the desk, the clerk is not signed in to it or lacks the role,
    or every candidate is being claimed by another clerk right now (SKIP LOCKED: nobody waits)."""
    params = {
        "desk": desk_id,
        "user": user.pk,
        "day": timezone.localdate(now),
        "now": now,
        "waiting": S.WAITING,
        "called": S.CALLED,
        "any_role": not roles_needed or bool(user.is_active and user.is_superuser),
        "roles": list(roles_needed),
    }
    with connection.cursor() as cursor:
        cursor.execute(_claim_sql(), params)
        row = cursor.fetchone()
    if row is None:
        return None
    objects = []
    for model, fields in zip((Ticket, Service, Desk), _claim_fields(), strict=True):
        objects.append(model.from_db("default", [f.attname for f in fields], row[: len(fields)]))
        row = row[len(fields) :]
    ticket, ticket.service, ticket.desk = objects
    return ticket, row[0]


def _claim_fields() -> tuple[list, list, list]:
    return tuple(list(model._meta.concrete_fields) for model in (Ticket, Service, Desk))


@functools.cache
def _claim_sql() -> str:
    # Only table and column names of our models go into the text; every value is a parameter.
    qn = connection.ops.quote_name
    ticket_fields, service_fields, desk_fields = _claim_fields()
    ticket, service, desk = qn(Ticket._meta.db_table), qn(Service._meta.db_table), qn(Desk._meta.db_table)
    desk_services = qn(Desk.services.through._meta.db_table)
    # The fair order of _candidate: due appointments, walk-ins by number, early appointments.
    # Each group is an ordered scan of a partial index; COALESCE stops at the first group that
    # yields a row, and FOR UPDATE SKIP LOCKED passes over a row another clerk is claiming.
    pick = (
        f"SELECT id FROM {ticket} WHERE day = %(day)s"  # noqa: S608
        f" AND location_id = (SELECT location_id FROM {desk} WHERE id = %(desk)s)"
        " AND status = %(waiting)s AND (for_desk_id IS NULL OR for_desk_id = %(desk)s)"
        f" AND service_id IN (SELECT service_id FROM {desk_services} WHERE desk_id = %(desk)s)"
    )
    groups = [
        "due_at <= %(now)s ORDER BY due_at, id",
        "due_at IS NULL ORDER BY issued_at, id",
        "due_at > %(now)s ORDER BY due_at, id",
    ]
    candidate = ", ".join(f"({pick} AND {group} LIMIT 1 FOR UPDATE SKIP LOCKED)" for group in groups)
    signed_in = (
        f"SELECT 1 FROM {qn(DeskSession._meta.db_table)} WHERE desk_id = %(desk)s AND user_id = %(user)s"  # noqa: S608
        " AND ended_at IS NULL AND day = %(day)s"
    )
    user_groups = qn(get_user_model().groups.through._meta.db_table)
    has_role = (
        f"%(any_role)s OR EXISTS (SELECT 1 FROM {user_groups} ug JOIN {qn(Group._meta.db_table)} g"  # noqa: S608
        " ON g.id = ug.group_id WHERE ug.user_id = %(user)s AND g.name = ANY(%(roles)s))"
    )
    returned = ", ".join(f"claimed.{qn(f.column)}" for f in ticket_fields)
    returned_service = ", ".join(f"s.{qn(f.column)}" for f in service_fields)
    returned_desk = ", ".join(f"d.{qn(f.column)}" for f in desk_fields)
    return (
        f"WITH claimed AS (UPDATE {ticket} SET status = %(called)s, desk_id = %(desk)s,"  # noqa: S608
        " clerk_id = %(user)s, for_desk_id = NULL, call_count = call_count + 1, called_at = %(now)s"
        f" WHERE id = COALESCE({candidate}) AND status = %(waiting)s AND EXISTS ({signed_in}) AND ({has_role})"
        f" RETURNING {ticket}.*),"
        f" logged AS (INSERT INTO {qn(TicketHistory._meta.db_table)}"
        " (ticket_id, old_status, new_status, at, by_id, desk_id, note)"
        " SELECT id, %(waiting)s, %(called)s, %(now)s, %(user)s, %(desk)s, '' FROM claimed)"
        f" SELECT {returned}, {returned_service}, {returned_desk}, loc.slug FROM claimed"
        f" JOIN {service} s ON s.id = claimed.service_id JOIN {desk} d ON d.id = claimed.desk_id"
        f" JOIN {qn(Location._meta.db_table)} loc ON loc.id = claimed.location_id"
    )


def _feed_changed_on_commit(location: Location, now: dt.datetime) -> None:
    slug, day = location.slug, timezone.localdate(now)
    transaction.on_commit(lambda: selectors.display_feed_changed(slug, day))


STALE = _(
    "Diese Wartenummer hat sich inzwischen geändert (%(number)s: %(status)s). Es wurde nichts geändert."
)


def _move(
    *,
    ticket_id: int,
    desk: Desk,
    user: AbstractBaseUser,
    seen: str,
    to: str,
    now: dt.datetime,
    note: str = "",
    updates: dict | None = None,
) -> Ticket:
    """Moves a ticket of this desk from the status the clerk saw to `to` with a conditional update."""
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
    if ticket.appointment_id is None:
        return
    moved = Appointment.objects.filter(pk=ticket.appointment_id, status=Appointment.Status.CHECKED_IN).update(
        status=status
    )
    if moved:
        AppointmentHistory.objects.create(
            appointment_id=ticket.appointment_id,
            old_status=Appointment.Status.CHECKED_IN,
            new_status=status,
            by=user,
            note="Kundenzentrum",
        )


@transaction.atomic
def recall_ticket(
    *, ticket_id: int, desk: Desk, user: AbstractBaseUser, now: dt.datetime | None = None
) -> Ticket:
    """Calls the desk's called ticket once more (the display shows it again)."""
    now = now or timezone.now()
    ticket = _move(
        ticket_id=ticket_id,
        desk=desk,
        user=user,
        seen=S.CALLED,
        to=S.CALLED,
        now=now,
        note="erneuter Aufruf",
        updates={"call_count": F("call_count") + 1, "called_at": now},
    )
    _feed_changed_on_commit(desk.location, now)
    return ticket


@transaction.atomic
def start_service(
    *, ticket_id: int, desk: Desk, user: AbstractBaseUser, now: dt.datetime | None = None
) -> Ticket:
    """The called citizen has arrived at the desk."""
    now = now or timezone.now()
    return _move(
        ticket_id=ticket_id,
        desk=desk,
        user=user,
        seen=S.CALLED,
        to=S.IN_SERVICE,
        now=now,
        updates={"started_at": now},
    )


@transaction.atomic
def finish_ticket(
    *, ticket_id: int, desk: Desk, user: AbstractBaseUser, now: dt.datetime | None = None
) -> Ticket:
    """The concern is dealt with; a checked-in appointment is done."""
    now = now or timezone.now()
    ticket = _move(
        ticket_id=ticket_id,
        desk=desk,
        user=user,
        seen=S.IN_SERVICE,
        to=S.SERVED,
        now=now,
        updates={"finished_at": now},
    )
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
    ticket = _move(
        ticket_id=ticket_id,
        desk=desk,
        user=user,
        seen=S.CALLED,
        to=S.NO_SHOW,
        now=now,
        updates={"finished_at": now},
    )
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
    note = (
        "weitergeleitet"
        + (f" an {to_desk.name}" if to_desk else "")
        + (f" zu {service.name}" if service else "")
    )
    ticket = _move(
        ticket_id=ticket_id,
        desk=desk,
        user=user,
        seen=seen,
        to=S.WAITING,
        now=now,
        note=note[:200],
        updates=updates,
    )
    _feed_changed_on_commit(desk.location, now)
    return ticket


@transaction.atomic
def park_ticket(
    *, ticket_id: int, desk: Desk, user: AbstractBaseUser, seen: str, now: dt.datetime | None = None
) -> Ticket:
    """Sets a ticket aside at this desk (the citizen fetches a document); the clerk may call the next."""
    now = now or timezone.now()
    return _move(ticket_id=ticket_id, desk=desk, user=user, seen=seen, to=S.PARKED, now=now)


@transaction.atomic
def resume_ticket(
    *, ticket_id: int, desk: Desk, user: AbstractBaseUser, now: dt.datetime | None = None
) -> Ticket:
    """Takes a parked ticket of this desk back into service; the clerk must not hold another."""
    now = now or timezone.now()
    return _move(
        ticket_id=ticket_id,
        desk=desk,
        user=user,
        seen=S.PARKED,
        to=S.IN_SERVICE,
        now=now,
        updates={"clerk": user},
    )


# ---------------------------------------------------------------- day close


def close_day(*, location: Location, now: dt.datetime | None = None) -> tuple[int, int]:
    """Ends the open tickets and missed appointments of past days and of today after closing.

    Returns (tickets not served, appointments marked no-show). Idempotent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    day = office_calendar(location, today, today).day(today)
    closed_today = day.closes is None or now >= day.closes
    last_day = today if closed_today else today - dt.timedelta(days=1)
    cutoff = min(now, _midnight(last_day + dt.timedelta(days=1)))
    # Tickets still waiting at closing time will not be served today. A ticket a clerk has
    # called, is serving or has parked stays with the clerk until the day is over.
    still_open = Q(day__lt=today, status__in=Ticket.OPEN) | Q(day=today, status=S.WAITING)
    tickets = 0
    for ticket_id, status in (
        Ticket.objects.filter(location=location, day__lte=last_day)
        .filter(still_open)
        .values_list("pk", "status")
    ):
        tickets += _close_ticket(ticket_id, status, now)
    appointments = 0
    for appointment_id in Appointment.objects.filter(
        location=location, status=Appointment.Status.BOOKED, start__lt=cutoff
    ).values_list("pk", flat=True):
        appointments += _mark_appointment_no_show(appointment_id)
    return tickets, appointments


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


@transaction.atomic
def _close_ticket(ticket_id: int, status: str, now: dt.datetime) -> int:
    moved = Ticket.objects.filter(pk=ticket_id, status=status).update(status=S.NOT_SERVED, finished_at=now)
    if moved:
        TicketHistory.objects.create(
            ticket_id=ticket_id, old_status=status, new_status=S.NOT_SERVED, at=now, note="Tagesabschluss"
        )
    return moved


@transaction.atomic
def _mark_appointment_no_show(appointment_id: int) -> int:
    moved = Appointment.objects.filter(pk=appointment_id, status=Appointment.Status.BOOKED).update(
        status=Appointment.Status.NO_SHOW
    )
    if moved:
        AppointmentHistory.objects.create(
            appointment_id=appointment_id,
            old_status=Appointment.Status.BOOKED,
            new_status=Appointment.Status.NO_SHOW,
            note="Tagesabschluss: nicht angemeldet",
        )
    return moved
