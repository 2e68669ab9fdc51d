"""Reads of the walk-in queue: waiting counts, estimated waits, the display feed."""

import datetime as dt
import hashlib
import json
import math
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Count, Exists, F, Min, OuterRef, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from sozialamt.models import Location, Service

from .models import Desk, DeskSession, Ticket

# Handling times older than this do not count as "recent".
RECENT_DAYS = 14
FEED_TTL = 60 * 60 * 12


@dataclass(frozen=True)
class ServiceQueue:
    service: Service
    waiting: int
    wait_minutes: int


@dataclass(frozen=True)
class DeskMap:
    """Which active desks of a location serve which services, and which are staffed today."""

    services: dict[int, frozenset[int]]
    staffed: frozenset[int]

    def serving(self, service_id: int, for_desk_id: int | None = None) -> frozenset[int]:
        """The desks that will call a ticket of the service: the staffed ones if any, else all."""
        desks = frozenset(d for d, served in self.services.items() if service_id in served)
        if for_desk_id is not None:
            desks &= {for_desk_id}
        return (desks & self.staffed) or desks

    def staffed_serving(self, service_id: int, for_desk_id: int | None = None) -> int:
        return len(self.serving(service_id, for_desk_id) & self.staffed)

    def services_of(self, desks: frozenset[int], service_id: int) -> frozenset[int]:
        return frozenset().union(*(self.services[d] for d in desks)) | {service_id}


def desk_maps(location_ids: list[int], day: dt.date) -> dict[int, DeskMap]:
    """DeskMap per location. One query."""
    staffed = DeskSession.objects.filter(desk=OuterRef("desk"), day=day, ended_at__isnull=True)
    rows = (
        Desk.services.through.objects.filter(desk__location__in=location_ids, desk__active=True)
        .annotate(staffed=Exists(staffed))
        .values_list("desk__location", "desk", "service", "staffed")
    )
    served: dict[int, dict[int, set[int]]] = {pk: {} for pk in location_ids}
    staffed_ids: dict[int, set[int]] = {pk: set() for pk in location_ids}
    for location_id, desk_id, service_id, is_staffed in rows:
        served[location_id].setdefault(desk_id, set()).add(service_id)
        if is_staffed:
            staffed_ids[location_id].add(desk_id)
    return {
        pk: DeskMap({d: frozenset(s) for d, s in served[pk].items()}, frozenset(staffed_ids[pk]))
        for pk in location_ids
    }


@dataclass(frozen=True)
class Arrived:
    """A checked-in appointment waiting in the queue."""

    pk: int
    location_id: int
    service_id: int
    for_desk_id: int | None
    due_at: dt.datetime
    minutes: float


def arrived_appointments(
    location_ids: list[int], day: dt.date, averages: dict[tuple[int, int], float]
) -> list[Arrived]:
    """The waiting checked-in appointments of the locations that the desks call, in calling
    order (a counsellor calls their own). One query."""
    rows = (
        Ticket.objects.filter(
            location__in=location_ids,
            day=day,
            status=Ticket.Status.WAITING,
            due_at__isnull=False,
            counsellor__isnull=True,
        )
        .order_by("due_at", "pk")
        .values_list("pk", "location", "service", "for_desk", "due_at", "service__duration_minutes")
    )
    return [
        Arrived(pk, loc, svc, desk, due, handling_minutes(averages, loc, svc, duration))
        for pk, loc, svc, desk, due, duration in rows
    ]


def competing(
    arrived: list[Arrived], desks: DeskMap, service_id: int, for_desk_id: int | None = None
) -> list[Arrived]:
    """The arrived appointments that the desks calling a ticket of the service will also call."""
    serving = desks.serving(service_id, for_desk_id)
    services = desks.services_of(serving, service_id)
    return [
        a for a in arrived if a.service_id in services and (a.for_desk_id is None or a.for_desk_id in serving)
    ]


def calls_before(
    walk_ins: int,
    average: float,
    arrived: list[Arrived],
    desks: int,
    now: dt.datetime,
    due_at: dt.datetime | None = None,
) -> tuple[int, float]:
    """How many the desks call before a ticket, and their work in desk-minutes. No query.

    Plays call_next_ticket's order forward in time: whenever the desks are free, an arrived
    appointment that is due by then goes first, then the `walk_ins` waiting ahead (`average`
    minutes each), then appointments that arrived early. For a walk-in (`due_at` None) the turn
    comes after those walk-ins; `arrived` in due order. For an appointment due at `due_at`, pass only
    the appointments ordered before it: its turn comes once it is due, or when nobody else waits."""
    desks = max(desks, 1)
    ahead, minutes, left, queue = 0, 0.0, walk_ins, list(reversed(arrived))
    while True:
        free_at = now + dt.timedelta(minutes=minutes / desks)
        if queue and queue[-1].due_at <= free_at:
            minutes += queue.pop().minutes
        elif due_at is not None and due_at <= free_at:
            break
        elif left:
            left -= 1
            minutes += average
        elif due_at is not None and queue:
            minutes += queue.pop().minutes
        else:
            break
        ahead += 1
    return ahead, minutes


def queue_overview(location: Location, now: dt.datetime | None = None) -> list[ServiceQueue]:
    """Per walk-in service of a location: people waiting and the estimated wait. Five queries."""
    return queue_overviews([location], now)[0][1]


def queue_overviews(
    locations: list[Location], now: dt.datetime | None = None
) -> list[tuple[Location, list[ServiceQueue]]]:
    """queue_overview for several locations: what a newcomer faces. Five queries, however many locations."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    ids = [loc.pk for loc in locations]
    offered: dict[int, list[Service]] = {pk: [] for pk in ids}
    links = (
        Location.services.through.objects.filter(location__in=ids, service__in=Service.objects.walk_in())
        .exclude(service__ticket_letter="")
        .select_related("service")
        .order_by("service__order", "service__name")
    )
    for link in links:
        offered[link.location_id].append(link.service)
    counts = dict(
        ((loc, svc), n)
        for loc, svc, n in Ticket.objects.filter(
            location__in=ids, day=today, status=Ticket.Status.WAITING, due_at__isnull=True
        )
        .values_list("location", "service")
        .annotate(n=Count("pk"))
    )
    maps = desk_maps(ids, today)
    recent = recent_averages(ids, now)
    arrived = arrived_appointments(ids, today, recent)
    result = []
    for loc in locations:
        here = [a for a in arrived if a.location_id == loc.pk]
        rows = []
        for svc in offered[loc.pk]:
            average = handling_minutes(recent, loc.pk, svc.pk, svc.duration_minutes)
            desks = maps[loc.pk].staffed_serving(svc.pk)
            ahead, minutes = calls_before(
                counts.get((loc.pk, svc.pk), 0), average, competing(here, maps[loc.pk], svc.pk), desks, now
            )
            rows.append(ServiceQueue(svc, ahead, math.ceil(minutes / max(desks, 1))))
        result.append((loc, rows))
    return result


def newcomer_minutes(
    location: Location,
    service: Service,
    now: dt.datetime,
    desks: DeskMap,
    recent: dict[tuple[int, int], float],
) -> int:
    """Minutes until a walk-in issued now would be served to the end. Two queries.

    Counts what issuing changes (waiting walk-ins, arrived appointments); the desks and handling
    times come in, so that a caller holding a lock can read them before taking it."""
    today = timezone.localdate(now)
    walk_ins = Ticket.objects.filter(
        location=location, day=today, service=service, status=Ticket.Status.WAITING, due_at__isnull=True
    ).count()
    average = handling_minutes(recent, location.pk, service.pk, service.duration_minutes)
    arrived = competing(arrived_appointments([location.pk], today, recent), desks, service.pk)
    staffed = desks.staffed_serving(service.pk)
    _ahead, minutes = calls_before(walk_ins, average, arrived, staffed, now)
    return math.ceil((minutes + average) / max(staffed, 1))


def handling_minutes(
    recent: dict[tuple[int, int], float], location_id: int, service_id: int, duration: int
) -> float:
    """Minutes a ticket of the service takes: the recent average, else the service's duration."""
    return max(recent.get((location_id, service_id), duration), 1.0)


def recent_averages(location_ids: list[int], now: dt.datetime) -> dict[tuple[int, int], float]:
    """Recent average handling minutes per (location, service) that has data. One query."""
    rows = (
        Ticket.objects.filter(
            location__in=location_ids,
            status=Ticket.Status.SERVED,
            started_at__isnull=False,
            finished_at__gte=now - dt.timedelta(days=RECENT_DAYS),
        )
        .values_list("location", "service")
        .annotate(avg=Avg(F("finished_at") - F("started_at")))
    )
    return {(loc, svc): avg.total_seconds() / 60 for loc, svc, avg in rows if avg}


@dataclass(frozen=True)
class Position:
    ticket: Ticket
    ahead: int
    wait_minutes: int


def ticket_position(ticket: Ticket, now: dt.datetime | None = None) -> Position:
    """How many are called before a waiting ticket, and about how long that takes. Four queries.

    In call_next_ticket's order at the desks that serve its service: walk-ins of its service issued
    earlier and the arrived appointments due by their turn; for an appointment, the appointments
    due before it and the walk-ins those desks call until it is due."""
    now = now or timezone.now()
    if ticket.status != Ticket.Status.WAITING:
        return Position(ticket, 0, 0)
    if ticket.counsellor_id is not None:
        return _position_with_counsellor(ticket, now)
    desks = desk_maps([ticket.location_id], ticket.day)[ticket.location_id]
    recent = recent_averages([ticket.location_id], now)
    arrived = competing(
        arrived_appointments([ticket.location_id], ticket.day, recent),
        desks,
        ticket.service_id,
        ticket.for_desk_id,
    )
    staffed = desks.staffed_serving(ticket.service_id, ticket.for_desk_id)
    if ticket.due_at is None:
        walk_ins, average = _walk_ins_ahead(ticket, recent)
    else:
        arrived = [a for a in arrived if (a.due_at, a.pk) < (ticket.due_at, ticket.pk)]
        walk_ins, average = _walk_ins_competing(ticket, desks, recent)
    ahead, minutes = calls_before(walk_ins, average, arrived, staffed, now, ticket.due_at)
    return Position(ticket, ahead, math.ceil(minutes / max(staffed, 1)))


def _position_with_counsellor(ticket: Ticket, now: dt.datetime) -> Position:
    """A citizen waiting for their counsellor: the counsellor's arrived appointments due before
    theirs and the one in the room now are ahead; the wait lasts at least until the booked time.
    One query."""
    before = Q(due_at__lt=ticket.due_at) | Q(due_at=ticket.due_at, pk__lt=ticket.pk)
    ahead = (
        Ticket.objects.filter(counsellor=ticket.counsellor_id, day=ticket.day)
        .filter(Q(status=Ticket.Status.WAITING) & before | Q(status__in=Ticket.ACTIVE))
        .count()
    )
    minutes = math.ceil(max((ticket.due_at - now).total_seconds(), 0) / 60) if ticket.due_at else 0
    return Position(ticket, ahead, minutes)


def _walk_ins_ahead(ticket: Ticket, recent: dict[tuple[int, int], float]) -> tuple[int, float]:
    count = (
        Ticket.objects.filter(
            location=ticket.location_id,
            day=ticket.day,
            service=ticket.service_id,
            status=Ticket.Status.WAITING,
            due_at__isnull=True,
        )
        .filter(Q(issued_at__lt=ticket.issued_at) | Q(issued_at=ticket.issued_at, pk__lt=ticket.pk))
        .count()
    )
    return count, handling_minutes(
        recent, ticket.location_id, ticket.service_id, ticket.service.duration_minutes
    )


def _walk_ins_competing(
    ticket: Ticket, desks: DeskMap, recent: dict[tuple[int, int], float]
) -> tuple[int, float]:
    # The walk-ins the desks of an appointment's service call; their order among services is
    # not needed for a count, so their handling time is the mean of their services' averages.
    serving = desks.serving(ticket.service_id, ticket.for_desk_id)
    rows = (
        Ticket.objects.filter(
            location=ticket.location_id,
            day=ticket.day,
            status=Ticket.Status.WAITING,
            due_at__isnull=True,
            service__in=desks.services_of(serving, ticket.service_id),
        )
        .filter(Q(for_desk__isnull=True) | Q(for_desk__in=serving))
        .values_list("service", "service__duration_minutes")
        .annotate(n=Count("pk"))
    )
    count = sum(n for _svc, _duration, n in rows)
    work = sum(n * handling_minutes(recent, ticket.location_id, svc, duration) for svc, duration, n in rows)
    return count, work / count if count else 1.0


def desk_queue(desk: Desk, service_ids: list[int], day: dt.date, now: dt.datetime) -> dict:
    """Waiting count and longest wait for a desk's services. One query."""
    waiting = Ticket.objects.filter(
        location=desk.location_id, day=day, status=Ticket.Status.WAITING, service__in=service_ids
    ).filter(Q(for_desk__isnull=True) | Q(for_desk=desk), counsellor__isnull=True)
    stats = waiting.aggregate(count=Count("pk"), first=Min("issued_at"))
    longest = int((now - stats["first"]).total_seconds() // 60) if stats["first"] else 0
    return {"waiting": stats["count"], "longest_minutes": max(longest, 0)}


# The display feed lives in the cache so that polling screens cost no query while nothing
# changes. A call only marks it outdated (a new random "change" mark, no SQL); the next poll
# rebuilds it with one query. The feed remembers the mark it was built under, read before its
# query: a rebuild that raced with a later call carries the older mark and is rebuilt again.
def _feed_key(slug: str, day: dt.date) -> str:
    return f"kz:feed:{slug}:{day.isoformat()}"


def _change_key(slug: str, day: dt.date) -> str:
    return f"kz:feed-changed:{slug}:{day.isoformat()}"


def display_feed_changed(slug: str, day: dt.date) -> None:
    """Marks the display feed of a location and day outdated; call after the change is committed. No SQL."""
    cache.set(_change_key(slug, day), secrets.token_hex(8), FEED_TTL)
    _local.pop(_feed_key(slug, day), None)


def build_display_feed(slug: str, day: dt.date) -> dict:
    """The latest calls of a location for the display, from the database: the desk, or the
    counsellor's room for a call to the room. One query."""
    rows = (
        Ticket.objects.filter(location__slug=slug, day=day, called_at__isnull=False)
        .exclude(status=Ticket.Status.WAITING)
        .order_by("-called_at", "-pk")
        .annotate(place=Coalesce("desk__name", NullIf("counsellor__room", Value("")), "counsellor__name"))
        .values_list("pk", "letter", "number", "place", "called_at")[: settings.KUNDENZENTRUM_DISPLAY_CALLS]
    )
    calls = [
        {
            # The moment of the call, not the call count: a transfer starts the count again,
            # and the screens must still flash and announce the next call of that ticket.
            "key": f"{pk}-{called.timestamp():.6f}",
            "number": f"{letter}-{number:03d}",
            "desk": desk or "",
            "called_at": timezone.localtime(called).strftime("%H:%M"),
        }
        for pk, letter, number, desk, called in rows
    ]
    version = hashlib.sha256(json.dumps(calls, sort_keys=True).encode()).hexdigest()[:16]
    return {"version": version, "calls": calls}


def refresh_display_feed(slug: str, day: dt.date, change: str | None = None) -> dict | None:
    """Rebuilds and stores the feed under the change mark read before. One query, two when empty."""
    feed = build_display_feed(slug, day)
    if not feed["calls"] and not Location.objects.filter(slug=slug, active=True).exists():
        cache.set(_feed_key(slug, day), {"missing": True, "change": change}, 60)
        return None
    cache.set(_feed_key(slug, day), {**feed, "change": change}, FEED_TTL)
    _remember(_feed_key(slug, day), feed)
    return feed


# Fifty screens polling every two seconds would ask Redis 25 times a second for the same few
# hundred bytes; each web process keeps the feed for a second (screens still update within 3 s).
LOCAL_SECONDS = 1.0
_local: dict[str, tuple[float, dict]] = {}


def _remember(key: str, feed: dict) -> None:
    if len(_local) > 256:  # one entry per location and day; old days are dropped wholesale
        _local.clear()
    _local[key] = (time.monotonic(), feed)


def display_feed(slug: str, day: dt.date | None = None) -> dict | None:
    """The display feed, None for an unknown location; SQL only after a change or when the cache lost it."""
    day = day or timezone.localdate()
    key, change_key = _feed_key(slug, day), _change_key(slug, day)
    hit = _local.get(key)
    if hit is not None and time.monotonic() - hit[0] < LOCAL_SECONDS:
        return hit[1]
    found = cache.get_many([key, change_key])
    feed, change = found.get(key), found.get(change_key)
    if feed is None or feed.get("change") != change:
        return refresh_display_feed(slug, day, change)
    if feed.get("missing"):
        return None
    feed = {"version": feed["version"], "calls": feed["calls"]}
    _remember(key, feed)
    return feed
