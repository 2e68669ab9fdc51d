"""The statistics' database queries: each returns a compact, already aggregated result.

Every query reads only what the retention job keeps (service, location, counsellor, times,
status, reminder channel, language) and costs one SQL statement, however much data there is.
Durations are grouped in the database by their whole seconds (both ends cut to the second in
UTC, the same on PostgreSQL and SQLite), so the database returns a compact histogram; whole
minutes and percentiles are taken from it in Python.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import (
    ExtractHour,
    ExtractIsoWeekDay,
    TruncDate,
    TruncSecond,
)
from django.utils import timezone

from booking.models import Appointment, AppointmentHistory
from kundenzentrum.models import Ticket, TicketHistory
from messaging.models import CallListEntry, Message, PrintBatch
from sozialamt.models import Location, Service

CURRENT, PREVIOUS = 1, 0
CLOSED_TICKET = (Ticket.Status.SERVED, Ticket.Status.NOT_SERVED, Ticket.Status.NO_SHOW)


@dataclass(frozen=True)
class Scope:
    """What the figures are about: a location and a service (None = all) and two periods."""

    location: Location | None
    service: Service | None
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous_start(self) -> dt.date:
        return self.start - dt.timedelta(days=self.days)

    @property
    def previous_end(self) -> dt.date:
        return self.start - dt.timedelta(days=1)


def local_range(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """From local midnight before `start` to local midnight after `end` (right on DST days too)."""
    tz = timezone.get_default_timezone()
    return (
        dt.datetime.combine(start, dt.time(), tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=tz),
    )


def _whole_second(field) -> TruncSecond:
    # In UTC: a difference of local wall-clock times would be an hour off across a clock change.
    return TruncSecond(field, tzinfo=dt.UTC)


def duration(earlier, later) -> ExpressionWrapper:
    """From `earlier` to `later`, both cut to the whole second: few distinct values, so that
    grouping by it gives a compact histogram (whole minutes are taken in Python)."""
    return ExpressionWrapper(_whole_second(later) - _whole_second(earlier), output_field=DurationField())


def whole_minutes(value: dt.timedelta) -> int:
    """A duration in whole minutes, rounded down (-90 seconds are -2 minutes)."""
    return int(value.total_seconds() // 60)


def _period(field: str, scope: Scope) -> Case:
    return Case(When(**{f"{field}__gte": scope.start}, then=Value(CURRENT)), default=Value(PREVIOUS))


def _local_period(field: str, scope: Scope) -> Case:
    current_from = local_range(scope.start, scope.end)[0]
    return Case(When(**{f"{field}__gte": current_from}, then=Value(CURRENT)), default=Value(PREVIOUS))


def _in_scope(scope: Scope, prefix: str = "") -> Q:
    """Tickets (under `prefix`) of both periods at the location and of the service in scope."""
    q = Q(**{f"{prefix}day__gte": scope.previous_start, f"{prefix}day__lte": scope.end})
    if scope.location:
        q &= Q(**{f"{prefix}location": scope.location})
    if scope.service:
        q &= Q(**{f"{prefix}service": scope.service})
    return q


def tickets(scope: Scope) -> QuerySet[Ticket]:
    """The tickets of both periods in scope (walk-ins and checked-in appointments)."""
    return Ticket.objects.filter(_in_scope(scope))


def ticket_days(scope: Scope) -> list[dict]:
    """Walk-in tickets per day and status: [{day, status, n}]. One query."""
    return list(
        tickets(scope)
        .filter(due_at__isnull=True)
        .values("day", "status")
        .annotate(n=Count("pk"))
        .order_by("day", "status")
    )


# The first call comes from "waiting", the first start from "called"; a transfer sends the
# ticket back to "waiting" and a later call or start repeats the move. So the first one is the
# move with no transfer of its ticket before it (transfers are few: a cheap anti-join).
FIRST_FROM = {Ticket.Status.CALLED: Ticket.Status.WAITING, Ticket.Status.IN_SERVICE: Ticket.Status.CALLED}


def _firsts(scope: Scope) -> QuerySet[TicketHistory]:
    """The first call and the first start of each ticket in scope (history rows)."""
    transferred_before = TicketHistory.objects.filter(
        Q(at__lt=OuterRef("at")) | Q(at=OuterRef("at"), pk__lt=OuterRef("pk")),
        ticket=OuterRef("ticket"),
        old_status__in=Ticket.ACTIVE,
        new_status=Ticket.Status.WAITING,
    )
    moves = Q()
    for new_status, old_status in FIRST_FROM.items():
        moves |= Q(old_status=old_status, new_status=new_status)
    return (
        TicketHistory.objects.filter(_in_scope(scope, "ticket__"))
        .filter(moves)
        .exclude(Exists(transferred_before))
        .annotate(period=_period("ticket__day", scope))
    )


WAIT, HANDLING, PUNCTUALITY = "wait", "handling", "punctuality"


def ticket_times(scope: Scope) -> list[dict]:
    """In one pass over the history: per period, the minutes a walk-in waited for its first
    call (by final service and whether the ticket is closed), the minutes from the first start
    to done of served walk-ins, and the minutes from a checked-in appointment's start to its
    first call (negative = early): [{kind, period, service, closed, minutes, n}]."""
    called = Q(new_status=Ticket.Status.CALLED)
    walk_in = Q(ticket__due_at__isnull=True)
    kind = Case(
        When(called & walk_in, then=Value(WAIT)),
        When(called, then=Value(PUNCTUALITY)),
        default=Value(HANDLING),
        output_field=CharField(),
    )
    minutes = Case(
        When(called & walk_in, then=duration(F("ticket__issued_at"), F("at"))),
        When(called, then=duration(F("ticket__due_at"), F("at"))),
        default=duration(F("at"), F("ticket__finished_at")),
        output_field=DurationField(),
    )
    closed = Case(
        When(walk_in & called & Q(ticket__status__in=CLOSED_TICKET), then=Value(1)),
        default=Value(0),
    )
    rows = (
        _firsts(scope)
        .filter(called | (walk_in & Q(ticket__status=Ticket.Status.SERVED)))
        .annotate(kind=kind, span=minutes, service=F("ticket__service_id"), closed=closed)
        .values("kind", "period", "service", "closed", "span")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _to_minutes(rows)


def _to_minutes(rows) -> list[dict]:
    """Rows per duration in seconds summed into rows per whole minute."""
    found: dict[tuple, int] = {}
    for row in rows:
        if row["span"] is None:  # a time missing (a ticket edited by hand): no duration
            continue
        key = (row["kind"], row["period"], row["service"], row["closed"], whole_minutes(row["span"]))
        found[key] = found.get(key, 0) + row["n"]
    return [
        {"kind": k, "period": p, "service": s, "closed": c, "minutes": m, "n": n}
        for (k, p, s, c, m), n in found.items()
    ]


def arrivals(scope: Scope) -> list[dict]:
    """Walk-in arrivals of the current period by local ISO weekday and hour: [{weekday, hour, n}]."""
    return list(
        tickets(scope)
        .filter(due_at__isnull=True, day__gte=scope.start)
        .annotate(weekday=ExtractIsoWeekDay("day"), hour=ExtractHour("issued_at"))
        .values("weekday", "hour")
        .annotate(n=Count("pk"))
        .order_by("weekday", "hour")
    )


def appointments(scope: Scope) -> QuerySet[Appointment]:
    """The appointments of both periods in scope, by their (final) start."""
    start, _ = local_range(scope.previous_start, scope.end)
    _, end = local_range(scope.start, scope.end)
    found = Appointment.objects.filter(start__gte=start, start__lt=end)
    if scope.location:
        found = found.filter(location=scope.location)
    if scope.service:
        found = found.filter(service=scope.service)
    return found


def appointment_days(scope: Scope) -> list[dict]:
    """Appointments per local day of start, status, channel and reminder:
    [{day, status, channel, reminder, n}]. One query."""
    return list(
        appointments(scope)
        .annotate(day=TruncDate("start"))
        .values("day", "status", "channel", "reminder")
        .annotate(n=Count("pk"))
        .order_by("day")
    )


def appointment_changes(scope: Scope) -> list[dict]:
    """Cancellations (by the citizen or by staff for the office) and moves per period:
    [{period, change, rows, appointments}]. One query."""
    change = Case(
        # The office's own cancellations carry its note; one that staff made at the citizen's
        # request (on the phone, at the counter) is the citizen's.
        When(
            new_status=Appointment.Status.CANCELLED,
            note__startswith=AppointmentHistory.Note.BY_OFFICE,
            then=Value("cancelled_by_office"),
        ),
        When(new_status=Appointment.Status.CANCELLED, then=Value("cancelled_by_citizen")),
        When(old_status=Appointment.Status.BOOKED, new_status=Appointment.Status.BOOKED, then=Value("moved")),
        default=Value(""),
        output_field=CharField(),
    )
    return list(
        AppointmentHistory.objects.filter(appointment__in=appointments(scope).values("pk"))
        .annotate(change=change, period=_local_period("appointment__start", scope))
        .exclude(change="")
        .values("period", "change")
        .annotate(rows=Count("pk"), appointments=Count("appointment", distinct=True))
        .order_by()
    )


def lead_days(scope: Scope) -> list[dict]:
    """Appointments not cancelled, per local booking day and local appointment day:
    [{period, booked_on, day, n}] (the lead time in days is day - booked_on). One query."""
    return list(
        appointments(scope)
        .exclude(status=Appointment.Status.CANCELLED)
        .annotate(
            period=_local_period("start", scope), booked_on=TruncDate("created_at"), day=TruncDate("start")
        )
        .values("period", "booked_on", "day")
        .annotate(n=Count("pk"))
        .order_by()
    )


def letters_posted(scope: Scope) -> list[dict]:
    """Reminder and cancellation letters in batches posted in either period: [{period, n}]."""
    start, _ = local_range(scope.previous_start, scope.end)
    _, end = local_range(scope.start, scope.end)
    found = Message.objects.filter(
        channel=Message.Channel.LETTER,
        batch__status=PrintBatch.Status.POSTED,
        batch__posted_at__gte=start,
        batch__posted_at__lt=end,
    )
    if scope.location:
        found = found.filter(appointment__location=scope.location)
    if scope.service:
        found = found.filter(appointment__service=scope.service)
    return list(
        found.annotate(period=_local_period("batch__posted_at", scope))
        .values("period")
        .annotate(n=Count("pk"))
        .order_by()
    )


def released_holds(scope: Scope) -> list[dict]:
    """Online holds released unconfirmed in either period (by the time of release): [{period, n}]."""
    start, _ = local_range(scope.previous_start, scope.end)
    _, end = local_range(scope.start, scope.end)
    found = AppointmentHistory.objects.filter(
        note=AppointmentHistory.Note.UNCONFIRMED, at__gte=start, at__lt=end
    )
    if scope.location:
        found = found.filter(appointment__location=scope.location)
    if scope.service:
        found = found.filter(appointment__service=scope.service)
    return list(
        found.annotate(period=_local_period("at", scope)).values("period").annotate(n=Count("pk")).order_by()
    )


def call_list_entries(scope: Scope) -> list[dict]:
    """Call-list entries made in either period, by reason: [{period, reason, n}]. One query."""
    start, _ = local_range(scope.previous_start, scope.end)
    _, end = local_range(scope.start, scope.end)
    found = CallListEntry.objects.filter(created_at__gte=start, created_at__lt=end)
    if scope.location:
        found = found.filter(appointment__location=scope.location)
    if scope.service:
        found = found.filter(appointment__service=scope.service)
    return list(
        found.annotate(period=_local_period("created_at", scope))
        .values("period", "reason")
        .annotate(n=Count("pk"))
        .order_by()
    )


def booked_minutes(scope: Scope, counsellor_ids: list[int]) -> list[dict]:
    """Minutes booked (not cancelled) with the counsellors per local day: [{day, booked}]."""
    start, _ = local_range(scope.previous_start, scope.end)
    _, end = local_range(scope.start, scope.end)
    return list(
        Appointment.objects.filter(counsellor__in=counsellor_ids, start__gte=start, start__lt=end)
        .exclude(status=Appointment.Status.CANCELLED)
        .annotate(day=TruncDate("start"))
        .values("day")
        .annotate(booked=Sum(ExpressionWrapper(F("end") - F("start"), output_field=DurationField())))
        .order_by("day")
    )


def counsellor_outcomes(scope: Scope) -> list[dict]:
    """Current period, per counsellor: appointments not cancelled, attended and no-shows."""
    attended = Q(status__in=[Appointment.Status.CHECKED_IN, Appointment.Status.DONE])
    return list(
        appointments(scope)
        .filter(start__gte=local_range(scope.start, scope.end)[0])
        .exclude(status=Appointment.Status.CANCELLED)
        .values("counsellor", "counsellor__name")
        .annotate(
            total=Count("pk"),
            attended=Count("pk", filter=attended),
            no_show=Count("pk", filter=Q(status=Appointment.Status.NO_SHOW)),
        )
        .order_by("counsellor__name", "counsellor")
    )
