"""HTTP of "Mein Tag": a counsellor's appointments of today and the week, arrivals as they
happen, and calling the citizen to the room."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from booking import services as booking_services
from booking import visits
from booking.models import Appointment
from kundenzentrum import services as queue
from kundenzentrum.services import QueueError

from . import selectors
from .access import counsellor_required

# The actions on an arrived citizen's ticket, as their addresses name them.
ROOM_ACTIONS = {"aufrufen": "call", "erneut-aufrufen": "recall", "beginnen": "start", "erledigt": "done"}
ROOM_ACTIONS |= {"nicht-erschienen": "no_show", "gegangen": "gone"}
SEEN_SESSION_KEY = "workspace.my_day.logged"


def _log_once(request: HttpRequest, appointments: list[Appointment], what: str) -> None:
    """Logs the reading of personal data; the page's own polls log only appointments this
    session has not read yet today (the log says who read whom, not how often a screen refreshed)."""
    today = timezone.localdate().isoformat()
    seen = request.session.get(SEEN_SESSION_KEY, {})
    logged = set(seen.get(today, [])) if request.htmx else set()
    new = [a.pk for a in appointments if a.pk not in logged]
    if new:
        booking_services.log_personal_data_access(user=request.user, appointments=new, what=what)
        request.session[SEEN_SESSION_KEY] = {today: sorted(logged | set(new))}


def _my_day_context(request: HttpRequest) -> dict:
    day = selectors.today()
    week = selectors.counsellor_appointments(request.counsellor, selectors.week_start(day), 7)
    today = [a for a in week if timezone.localdate(a.start) == day]
    return {
        "counsellor": request.counsellor,
        "day": day,
        "today": [(a, selectors.arrival(a)) for a in today],
        "week": [(a, selectors.arrival(a)) for a in week if timezone.localdate(a.start) != day],
        "now": timezone.now(),
    }


@counsellor_required
@never_cache
@require_GET
def my_day(request: HttpRequest) -> HttpResponse:
    context = _my_day_context(request)
    shown = [a for a, _arrival in context["today"]] + (
        [] if request.htmx else [a for a, _ in context["week"]]
    )
    _log_once(request, shown, "Mein Tag")
    if request.htmx:
        return render(request, "workspace/day/includes/_my_today.html", context)
    return render(request, "workspace/day/my_day.html", context)


@counsellor_required
@never_cache
@require_GET
def my_day_print(request: HttpRequest) -> HttpResponse:
    day = selectors.today()
    appointments = selectors.counsellor_appointments(request.counsellor, day, 1)
    booking_services.log_personal_data_access(
        user=request.user, appointments=appointments, what="Mein Tag: Druck"
    )
    rows = [(a, selectors.arrival(a)) for a in appointments]
    return render(
        request,
        "workspace/day/my_day_print.html",
        {"counsellor": request.counsellor, "day": day, "rows": rows},
    )


@counsellor_required
@require_POST
def my_day_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    appointment = get_object_or_404(Appointment, pk=pk, counsellor=request.counsellor)
    seen = request.POST.get("seen", "")
    if action == "nicht-gekommen":
        _record_no_show(request, appointment, seen)
    elif action in ROOM_ACTIONS:
        _act_in_room(request, appointment, ROOM_ACTIONS[action], seen)
    else:
        raise Http404
    return redirect(reverse("workspace:my-day") + f"#termin-{appointment.pk}")


def _act_in_room(request: HttpRequest, appointment: Appointment, action: str, seen: str) -> None:
    ticket = getattr(appointment, "ticket", None)
    if ticket is None:
        messages.error(request, _("Dieser Termin ist nicht angemeldet. Es wurde nichts geändert."))
        return
    try:
        moved = queue.act_in_room(
            ticket_id=ticket.pk, counsellor=request.counsellor, user=request.user, action=action, seen=seen
        )
    except QueueError as error:
        messages.error(request, error.message)
        return
    if action in ("call", "recall"):
        messages.success(
            request,
            _("%(number)s ist aufgerufen: Die Anzeige im Wartebereich zeigt %(place)s.")
            % {"number": moved.display_number, "place": moved.call_place},
        )


def _record_no_show(request: HttpRequest, appointment: Appointment, seen: str) -> None:
    if seen != Appointment.Status.BOOKED or not visits.record_no_show(
        appointment_id=appointment.pk, counsellor_id=request.counsellor.pk, by=request.user
    ):
        appointment.refresh_from_db()
        if appointment.start > timezone.now() and appointment.status == Appointment.Status.BOOKED:
            messages.error(request, _("Der Termin hat noch nicht begonnen. Es wurde nichts geändert."))
        else:
            messages.error(
                request,
                _("Dieser Termin hat sich inzwischen geändert (%(status)s). Es wurde nichts geändert.")
                % {"status": appointment.get_status_display()},
            )
