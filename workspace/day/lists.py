"""HTTP of the day lists: every appointment of a location today and tomorrow by counsellor,
with arrival status and check-in for a citizen without the code; printable."""

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from booking import services as booking_services
from booking.models import Appointment
from kundenzentrum import services as queue
from kundenzentrum.services import QueueError
from sozialamt.models import Location
from sozialamt.selectors import staff_scope

from . import selectors
from .access import day_list_required

DAYS = {"heute": 0, "morgen": 1}
day_list_roles = day_list_required


def _scope_location(request: HttpRequest, slug: str):
    """The location if the user works there (else 404) and the scope's team."""
    scope = staff_scope(request.user)
    location = get_object_or_404(Location, slug=slug, active=True)
    if not scope.covers(location.pk):
        raise Http404
    return location, scope


@day_list_roles
@never_cache
@require_GET
def day_lists(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request.user)
    locations = Location.objects.filter(active=True)
    if scope.location_ids is not None:
        locations = locations.filter(pk__in=scope.location_ids)
    locations = list(locations)
    if len(locations) == 1:
        return redirect("workspace:day-list", slug=locations[0].slug, which="heute")
    return render(request, "workspace/day/day_lists.html", {"locations": locations})


def _render_list(request, location, scope, which: str, errors: dict | None = None, status: int = 200):
    day = selectors.today() + dt.timedelta(days=DAYS[which])
    appointments = selectors.location_day(location.pk, day, scope.team)
    booking_services.log_personal_data_access(
        user=request.user, appointments=appointments, what=f"Tagesliste {day:%d.%m.%Y}"
    )
    errors = errors or {}
    groups: dict = {}
    for a in appointments:
        groups.setdefault(a.counsellor, []).append((a, selectors.arrival(a), errors.get(a.pk)))
    context = {
        "location": location,
        "day": day,
        "which": which,
        "is_today": which == "heute",
        "groups": list(groups.items()),
        "count": len(appointments),
        "full": request.full_view,
        "errors": errors,
    }
    return render(request, "workspace/day/day_list.html", context, status=status)


@day_list_roles
@never_cache
@require_GET
def day_list(request: HttpRequest, slug: str, which: str) -> HttpResponse:
    if which not in DAYS:
        raise Http404
    location, scope = _scope_location(request, slug)
    return _render_list(request, location, scope, which)


@day_list_roles
@require_POST
def day_list_check_in(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    location, scope = _scope_location(request, slug)
    appointment = get_object_or_404(
        Appointment.objects.select_related("counsellor"), pk=pk, location=location
    )
    if scope.team and appointment.counsellor.team != scope.team:
        raise Http404
    if request.POST.get("identity_checked") != "on":
        error = _("Bitte bestätigen Sie, dass Sie den Ausweis geprüft haben.")
        return _render_list(request, location, scope, "heute", errors={pk: error}, status=400)
    try:
        ticket = queue.check_in_appointment(code=appointment.code, location=location, by=request.user)
    except QueueError as error:
        return _render_list(request, location, scope, "heute", errors={pk: error.message}, status=409)
    return redirect(reverse("kundenzentrum:ticket", args=[ticket.public_id]) + "?zurueck=infotheke")
