"""Calling the next ticket to a desk: one implementation on the ORM, the same on every database.

The candidate row is locked with SELECT … FOR UPDATE SKIP LOCKED (PostgreSQL): a row another
clerk is taking is passed over, never waited for, so twenty clerks calling at once get twenty
different tickets. SQLite has no row locks; its writers take turns on the database, and the
conditional UPDATE (still waiting?) decides. A clerk holds at most one called ticket: the
constraint ticket_one_active_per_clerk refuses a second one."""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from sozialamt import roles

from ..models import Desk, DeskSession, Ticket, TicketHistory
from .common import QueueError, feed_changed_on_commit

S = Ticket.Status
# How often call_next_ticket tries again when another clerk took its candidate first (SQLite).
CALL_ATTEMPTS = 10


def current_ticket(user: AbstractBaseUser) -> Ticket | None:
    """The clerk's called or in-service ticket. One query."""
    return (
        Ticket.objects.select_related("service", "desk").filter(clerk=user, status__in=Ticket.ACTIVE).first()
    )


def _candidate(desk: Desk, now: dt.datetime) -> Ticket | None:
    # Due appointments first, then walk-ins by their place in the queue, then appointments
    # that arrived early. One query per group, each an ordered scan of a partial index that
    # stops at the first row, instead of sorting the whole queue. skip_locked: a row another
    # clerk is taking is passed over, not waited for.
    waiting = (
        Ticket.objects.filter(location=desk.location_id, day=timezone.localdate(now), status=S.WAITING)
        .filter(service__in=Desk.services.through.objects.filter(desk=desk).values("service"))
        .filter(Q(for_desk__isnull=True) | Q(for_desk=desk), counsellor__isnull=True)
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

    The clerk must be signed in to the desk today (else QueueError) and, if roles_needed is
    given, hold one of those roles (sozialamt.roles, else PermissionDenied)."""
    now = now or timezone.now()
    if roles_needed and not roles.is_verified(user):  # a role counts only after the second factor
        raise PermissionDenied
    session = _session(desk_id, user, now, roles_needed)
    if roles_needed and not (session.allowed if session is not None else roles.has_role(user, *roles_needed)):
        raise PermissionDenied
    if session is None or session.holding:
        current = current_ticket(user)
        if current is not None:
            return current
    if session is None:
        raise QueueError(_("Sie sind an diesem Schalter nicht angemeldet."))
    try:
        with transaction.atomic():
            return _claim(session.desk, user, now)
    except IntegrityError:
        # ticket_one_active_per_clerk: the clerk called one meanwhile (a double click).
        return current_ticket(user)


def _session(
    desk_id: int, user: AbstractBaseUser, now: dt.datetime, roles_needed: tuple[str, ...]
) -> DeskSession | None:
    """The clerk's session at this desk today with its desk and location, whether the clerk
    holds a called ticket already and has one of the roles: one query for every check before
    the claim."""
    holding = Ticket.objects.filter(clerk=user, status__in=Ticket.ACTIVE)
    allowed = (
        Exists(roles.members(*roles_needed).filter(pk=OuterRef("user_id"))) if roles_needed else Value(True)
    )
    return (
        DeskSession.objects.select_related("desk__location")
        .filter(desk_id=desk_id, user=user, ended_at__isnull=True, day=timezone.localdate(now))
        .annotate(holding=Exists(holding), allowed=allowed)
        .first()
    )


def _claim(desk: Desk, user: AbstractBaseUser, now: dt.datetime) -> Ticket | None:
    for _attempt in range(CALL_ATTEMPTS):
        candidate = _candidate(desk, now)
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
            candidate.status, candidate.desk, candidate.clerk, candidate.for_desk = S.CALLED, desk, user, None
            candidate.call_count, candidate.called_at = candidate.call_count + 1, now
            feed_changed_on_commit(desk.location, now)
            return candidate
    raise QueueError(_("Gerade rufen viele gleichzeitig auf. Bitte versuchen Sie es noch einmal."))
