"""Reads of the walk-in queue: waiting counts, estimated waits, the display feed."""

import datetime as dt
import hashlib
import json
import math
import secrets
import time
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Count, F, Min, Q
from django.utils import timezone

from sozialamt.models import Location, Service

from .models import Desk, DeskSession, Ticket

# Handling times older than this do not count as "recent".
RECENT_DAYS = 14
FEED_TTL = 60 * 60 * 12


def staffed_desks(location: Location, day: dt.date) -> list[Desk]:
    """Desks with a clerk signed in today, services prefetched. Two queries."""
    sessions = DeskSession.objects.filter(desk__location=location, day=day, ended_at__isnull=True)
    return list(Desk.objects.filter(pk__in=sessions.values("desk")).prefetch_related("services"))


def average_minutes(location: Location, services: list[Service], now: dt.datetime) -> dict[int, float]:
    """Recent average handling time per service in minutes; Service.duration_minutes when no data. One query."""
    rows = (
        Ticket.objects.filter(
            location=location,
            service__in=services,
            status=Ticket.Status.SERVED,
            started_at__isnull=False,
            finished_at__gte=now - dt.timedelta(days=RECENT_DAYS),
        )
        .values("service")
        .annotate(avg=Avg(F("finished_at") - F("started_at")))
    )
    found = {row["service"]: row["avg"].total_seconds() / 60 for row in rows if row["avg"]}
    return {s.pk: max(found.get(s.pk, s.duration_minutes), 1.0) for s in services}


@dataclass(frozen=True)
class ServiceQueue:
    service: Service
    waiting: int
    wait_minutes: int


def desks_serving(desks: list[Desk], service: Service) -> int:
    return sum(1 for desk in desks if any(s.pk == service.pk for s in desk.services.all()))


def queue_overview(location: Location, now: dt.datetime | None = None) -> list[ServiceQueue]:
    """Per walk-in service of a location: people waiting and the estimated wait. Four queries."""
    return queue_overviews([location], now)[0][1]


def queue_overviews(
    locations: list[Location], now: dt.datetime | None = None
) -> list[tuple[Location, list[ServiceQueue]]]:
    """queue_overview for several locations. Four queries, however many locations."""
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
        for loc, svc, n in Ticket.objects.filter(location__in=ids, day=today, status=Ticket.Status.WAITING)
        .values_list("location", "service")
        .annotate(n=Count("pk"))
    )
    staffed = Counter(
        DeskSession.objects.filter(desk__location__in=ids, day=today, ended_at__isnull=True).values_list(
            "desk__location", "desk__services"
        )
    )
    recent = _recent_averages(ids, now)
    result = []
    for loc in locations:
        rows = []
        for svc in offered[loc.pk]:
            waiting = counts.get((loc.pk, svc.pk), 0)
            average = max(recent.get((loc.pk, svc.pk), svc.duration_minutes), 1.0)
            rows.append(ServiceQueue(svc, waiting, estimated_wait(waiting, average, staffed[loc.pk, svc.pk])))
        result.append((loc, rows))
    return result


def _recent_averages(location_ids: list[int], now: dt.datetime) -> dict[tuple[int, int], float]:
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


def estimated_wait(ahead: int, average: float, desks: int) -> int:
    """Minutes until `ahead` people are served by `desks` desks (at least one is assumed)."""
    return math.ceil(ahead * average / max(desks, 1))


@dataclass(frozen=True)
class Position:
    ticket: Ticket
    ahead: int
    wait_minutes: int


def ticket_position(ticket: Ticket, now: dt.datetime | None = None) -> Position:
    """How many wait before a ticket and for about how long. Five queries."""
    now = now or timezone.now()
    if ticket.status != Ticket.Status.WAITING:
        return Position(ticket, 0, 0)
    ahead = (
        Ticket.objects.filter(
            location=ticket.location_id,
            day=ticket.day,
            service=ticket.service_id,
            status=Ticket.Status.WAITING,
        )
        .filter(Q(issued_at__lt=ticket.issued_at) | Q(issued_at=ticket.issued_at, pk__lt=ticket.pk))
        .count()
    )
    desks = staffed_desks(ticket.location, ticket.day)
    average = average_minutes(ticket.location, [ticket.service], now)[ticket.service_id]
    return Position(ticket, ahead, estimated_wait(ahead, average, desks_serving(desks, ticket.service)))


def desk_queue(desk: Desk, service_ids: list[int], day: dt.date, now: dt.datetime) -> dict:
    """Waiting count and longest wait for a desk's services. One query."""
    waiting = Ticket.objects.filter(
        location=desk.location_id, day=day, status=Ticket.Status.WAITING, service__in=service_ids
    ).filter(Q(for_desk__isnull=True) | Q(for_desk=desk))
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
    """The latest calls of a location for the display, from the database. One query."""
    rows = (
        Ticket.objects.filter(location__slug=slug, day=day, called_at__isnull=False)
        .exclude(status=Ticket.Status.WAITING)
        .order_by("-called_at", "-pk")
        .values_list("pk", "letter", "number", "desk__name", "called_at")[
            : settings.KUNDENZENTRUM_DISPLAY_CALLS
        ]
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
