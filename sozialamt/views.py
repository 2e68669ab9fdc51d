"""Public pages of the office: start, opening hours, services; staff start; health check."""

import datetime as dt
import threading
import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import roles
from .models import Closure, Location, Service
from .selectors import open_status, public_holidays, week_schedules

UPCOMING_DAYS = 365
# BITV 2.0 § 7: the statement names the day it was made; change it with every review.
ACCESSIBILITY_STATEMENT_DATE = dt.date(2026, 12, 1)


def _active_locations():
    return Location.objects.filter(active=True)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    locations = list(_active_locations())
    services = list(Service.objects.active())
    return render(
        request,
        "sozialamt/home.html",
        {
            "statuses": open_status(locations),
            "has_appointment_services": any(s.offers_appointment for s in services),
            "has_walk_in_services": any(s.offers_walk_in for s in services),
            "has_services": bool(services),
        },
    )


@require_GET
def opening_hours(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    until = today + dt.timedelta(days=UPCOMING_DAYS)
    locations = list(_active_locations().prefetch_related("opening_hours"))
    closures = list(
        Closure.objects.filter(Q(end__gte=today) | Q(end__isnull=True, start__gte=today))
        .filter(start__lte=until)
        .select_related("location")
    )
    return render(
        request,
        "sozialamt/opening_hours.html",
        {
            "locations": [(loc, week_schedules(loc, today)) for loc in locations],
            "closures": closures,
            "holidays": public_holidays(today, until).items(),
            "today": today,
        },
    )


@require_GET
def services(request: HttpRequest) -> HttpResponse:
    active_locations = Prefetch("locations", queryset=_active_locations())
    found = list(Service.objects.active().prefetch_related(active_locations))
    groups = [
        ("ohne-termin", _("Ohne Termin im Kundenzentrum"), Service.Channel.WALK_IN),
        ("mit-oder-ohne-termin", _("Mit oder ohne Termin"), Service.Channel.BOTH),
        ("mit-termin", _("Nur mit Termin"), Service.Channel.APPOINTMENT),
    ]
    sections = [
        (anchor, title, [s for s in found if s.channel == channel]) for anchor, title, channel in groups
    ]
    return render(
        request,
        "sozialamt/services.html",
        {"sections": [section for section in sections if section[2]], "has_services": bool(found)},
    )


EASY_LANGUAGE_TOPICS = ("kundenzentrum", "termin", "mitbringen", "absagen", "hilfe")


@require_GET
def easy_language(request: HttpRequest, topic: str = "index") -> HttpResponse:
    """Pages in Leichte Sprache (German only, by definition)."""
    if topic != "index" and topic not in EASY_LANGUAGE_TOPICS:
        raise Http404
    return render(request, f"sozialamt/leichte_sprache/{topic}.html")


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "sozialamt/privacy.html")


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "sozialamt/accessibility.html", {"statement_date": ACCESSIBILITY_STATEMENT_DATE})


@login_required
@require_GET
def staff_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "sozialamt/staff_home.html",
        {
            "is_clerk": roles.has_role(user, roles.CLERK),
            "is_info_desk": roles.has_role(user, roles.INFO_DESK),
            "is_team_lead": roles.has_role(user, roles.TEAM_LEAD),
        },
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The database and Redis, each probed in a thread of its own and given HEALTH_DEADLINE
    seconds together: a hung server is reported as an error, never waited for."""
    probes = {"database": _check_database}
    if _redis_configured():
        probes["redis"] = _check_redis
    checks = _run_probes(probes)
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


HEALTH_DEADLINE = 1.0
# A probe that hangs holds its thread until its own timeout ends it (the database's
# connect_timeout, Redis' socket timeout); while this many hang, further probes are not started.
_in_flight = threading.BoundedSemaphore(8)


def _run_probes(probes: dict) -> dict[str, str]:
    results: dict[str, str] = {}
    threads = []
    for name, probe in probes.items():
        if not _in_flight.acquire(blocking=False):
            continue
        # Daemon threads: a worker that exits does not wait for a hung probe.
        thread = threading.Thread(target=_probe_into, args=(results, name, probe), daemon=True)
        thread.start()
        threads.append(thread)
    deadline = time.monotonic() + HEALTH_DEADLINE
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return {name: results.get(name, "timeout") for name in probes}


def _probe_into(results: dict, name: str, probe) -> None:
    try:
        results[name] = probe()
    finally:
        _in_flight.release()


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:  # any driver error means "down" here
        return "error"
    finally:
        connection.close()  # the probe thread's own connection; none is left open between probes


def _redis_configured() -> bool:
    return bool(settings.REDIS_URL)


def _check_redis() -> str:
    try:
        cache.set("healthz", "1", 5)
        return "ok" if cache.get("healthz") == "1" else "error"
    except Exception:  # the cache backend raises redis' own connection errors
        return "error"
