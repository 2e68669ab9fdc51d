"""The "today" panel: the queue as it is now, per location and service."""

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kundenzentrum.models import DeskSession, Ticket
from sozialamt.models import Location
from sozialamt.selectors import office_calendars

from .queries import Scope


@dataclass
class LocationToday:
    location: str
    waiting: int
    longest_wait: int | None  # minutes
    desks_staffed: int
    closes: dt.datetime | None
    forecast: str  # yes | no | closed | unknown | empty


FORECAST_LABELS = {
    "yes": _("ja"),
    "no": _("nein"),
    "closed": _("heute geschlossen oder schon geschlossen"),
    "unknown": _("nicht abschätzbar (noch keine Bearbeitungszeiten)"),
    "empty": _("niemand wartet"),
}


def today_panel(scope: Scope, handling_median: int | None, now: dt.datetime | None = None) -> dict:
    """Waiting now per service and per location, desks staffed, and whether the queue fits
    into the time left. Four queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    locations = [scope.location] if scope.location else list(Location.objects.filter(active=True))
    ids = [loc.pk for loc in locations]
    waiting = Ticket.objects.filter(location__in=ids, day=today, status=Ticket.Status.WAITING)
    if scope.service:
        waiting = waiting.filter(service=scope.service)
    rows = list(
        waiting.values("location", "service__name")
        .annotate(n=Count("pk"), since=Min("issued_at"))
        .order_by("location", "service__name")
    )
    staffed = dict(
        DeskSession.objects.filter(desk__location__in=ids, day=today, ended_at__isnull=True)
        .values_list("desk__location")
        .annotate(n=Count("pk"))
        .values_list("desk__location", "n")
    )
    calendars = office_calendars(locations, today, today)
    per_location = [
        _location_today(
            loc, rows, staffed.get(loc.pk, 0), calendars[loc.pk].day(today).closes, handling_median, now
        )
        for loc in locations
    ]
    services = [
        {"service": r["service__name"], "waiting": r["n"], "longest_wait": _minutes(now - r["since"])}
        for r in rows
    ]
    return {"locations": per_location, "services": _merge_services(services), "now": now}


def _minutes(delta: dt.timedelta) -> int:
    return max(0, int(delta.total_seconds()) // 60)


def _location_today(location, rows, desks, closes, handling_median, now) -> LocationToday:
    mine = [r for r in rows if r["location"] == location.pk]
    waiting = sum(r["n"] for r in mine)
    longest = _minutes(now - min(r["since"] for r in mine)) if mine else None
    return LocationToday(
        location=location.name,
        waiting=waiting,
        longest_wait=longest,
        desks_staffed=desks,
        closes=closes,
        forecast=forecast(waiting, desks, handling_median, now, closes),
    )


def forecast(waiting: int, desks: int, handling_median: int | None, now, closes) -> str:
    """Whether the waiting tickets will be served before closing (see the definition)."""
    if not waiting:
        return "empty"
    if closes is None or now >= closes:
        return "closed"
    if not desks:
        return "no"
    if handling_median is None:
        return "unknown"
    needed = math.ceil(waiting * handling_median / desks)
    return "yes" if now + dt.timedelta(minutes=needed) <= closes else "no"


def _merge_services(rows: list[dict]) -> list[dict]:
    merged: dict[str, dict] = {}
    for row in rows:
        found = merged.setdefault(
            row["service"], {"service": row["service"], "waiting": 0, "longest_wait": 0}
        )
        found["waiting"] += row["waiting"]
        found["longest_wait"] = max(found["longest_wait"], row["longest_wait"])
    return sorted(merged.values(), key=lambda r: r["service"])
