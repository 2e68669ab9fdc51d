"""Calling the next ticket to a desk: one implementation on the ORM, the same on every database.

The candidate row is locked with SELECT … FOR UPDATE SKIP LOCKED (PostgreSQL): a row another
clerk is taking is passed over, never waited for, so twenty clerks calling at once get twenty
different tickets. SQLite has no row locks; its writers take turns on the database, and the
conditional UPDATE (still waiting?) decides. A clerk holds at most one called ticket: the
constraint ticket_one_active_per_clerk refuses a second one.

A call is the clerk's busiest click, so it asks little: one query reads the desk's services
together with every check before the claim, and the claim's queries read the ticket alone."""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Q, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from sozialamt import roles
from sozialamt.models import Service

from ..models import Desk, DeskSession, Ticket, TicketHistory
from .common import QueueError, feed_changed_on_commit

S = Ticket.Status
# How often call_next_ticket tries again when another clerk took its candidate first (SQLite).
CALL_ATTEMPTS = 10
DeskService = Desk.services.through


def current_ticket(user: AbstractBaseUser) -> Ticket | None:
    """The clerk's called or in-service ticket (one at most: ticket_one_active_per_clerk). One query."""
    return (
        Ticket.objects.select_related("service", "desk")
        .filter(clerk=user, status__in=Ticket.ACTIVE)
        .order_by()
        .first()
    )


def _candidate(desk: Desk, service_ids: list[int], now: dt.datetime) -> Ticket | None:
    # Due appointments first (by due time, then number), then walk-ins by their place in the
    # queue, then appointments that arrived early. The first two groups come from one ordered
    # scan of ticket_waiting_call_idx (walk-ins have no due time and sort last) that stops at
    # the first row instead of sorting the whole queue. skip_locked: a row another clerk is
    # taking is passed over, not waited for.
    waiting = (
        Ticket.objects.filter(
            location=desk.location_id,
            day=timezone.localdate(now),
            status=S.WAITING,
            service__in=service_ids,
            counsellor__isnull=True,
        )
        .filter(Q(for_desk__isnull=True) | Q(for_desk=desk.pk))
        .select_for_update(skip_locked=True)
    )
    found = (
        waiting.filter(Q(due_at__lte=now) | Q(due_at__isnull=True))
        .order_by(F("due_at").asc(nulls_last=True), "issued_at", "pk")
        .first()
    )
    if found is not None and found.due_at is not None:
        # A due appointment waits: the scan ranks those due at the same time by arrival, the
        # call goes by number. The row found stays locked by us, and skip_locked passes over
        # only rows other transactions lock, so this finds at least that one.
        return waiting.filter(due_at__lte=now).order_by("due_at", "pk").first()
    if found is not None:
        return found
    return waiting.filter(due_at__gt=now).order_by("due_at", "pk").first()


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
    links = _desk_services(desk_id, user, now, roles_needed)
    if not links:
        return _nothing_to_call(desk_id, user, now, roles_needed)
    if roles_needed and not links[0].allowed:
        raise PermissionDenied
    services = {link.service_id: link.service for link in links}
    try:
        with transaction.atomic():
            called = _claim(links[0].desk, services, links[0].location_slug, user, now)
    except IntegrityError:
        # ticket_one_active_per_clerk: the clerk holds a called ticket already (a double click,
        # or one called meanwhile). The constraint decides, so the usual call asks nothing first.
        return current_ticket(user)
    # Nobody waiting: a clerk who holds a ticket still gets that one back.
    return called if called is not None else current_ticket(user)


def _signed_in(user: AbstractBaseUser, now: dt.datetime, prefix: str = "") -> Q:
    """The clerk's open desk session of today (a clerk has one at most: desk_session_one_per_user)."""
    fields = {"user": user, "ended_at__isnull": True, "day": timezone.localdate(now)}
    return Q(**{prefix + name: value for name, value in fields.items()})


def _desk_services(
    desk_id: int, user: AbstractBaseUser, now: dt.datetime, roles_needed: tuple[str, ...]
) -> list:
    """The desk's services with the desk, if the clerk is signed in to it today, each with the
    location's slug and whether the clerk has one of the roles: one query for every check
    before the claim. Empty when the clerk is not signed in there or the desk serves nothing."""
    allowed = Exists(roles.members(*roles_needed).filter(pk=user.pk)) if roles_needed else Value(True)
    return list(
        DeskService.objects.filter(_signed_in(user, now, "desk__sessions__"), desk_id=desk_id)
        .select_related("desk", "service")
        .annotate(allowed=allowed, location_slug=F("desk__location__slug"))
    )


def _nothing_to_call(
    desk_id: int, user: AbstractBaseUser, now: dt.datetime, roles_needed: tuple[str, ...]
) -> Ticket | None:
    """No service to call at this desk: the clerk's current ticket, refusing a clerk without the
    role or not signed in to the desk (and holding none)."""
    signed_in = DeskSession.objects.filter(_signed_in(user, now), desk_id=desk_id).exists()
    if roles_needed and not roles.has_role(user, *roles_needed):
        raise PermissionDenied
    current = current_ticket(user)
    if current is None and not signed_in:
        raise QueueError(_("Sie sind an diesem Schalter nicht angemeldet."))
    return current


def _claim(
    desk: Desk, services: dict[int, Service], slug: str, user: AbstractBaseUser, now: dt.datetime
) -> Ticket | None:
    for _attempt in range(CALL_ATTEMPTS):
        candidate = _candidate(desk, list(services), now)
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
            candidate.service = services[candidate.service_id]
            feed_changed_on_commit(slug, now)
            return candidate
    raise QueueError(_("Gerade rufen viele gleichzeitig auf. Bitte versuchen Sie es noch einmal."))
