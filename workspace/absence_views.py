"""Absences and changed hours reach the bookings: a team lead enters an absence, then sees the
booked appointments it hits ("n Termine betroffen") and goes on to the cancel-by-office step."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from booking import absences as absence_services
from booking import affected as affected_selectors
from booking.models import Absence
from sozialamt import roles
from sozialamt.selectors import staff_scope

from .find_forms import AbsenceForm, AffectedForm

lead = roles.role_required(roles.TEAM_LEAD)


def affected_url(*, location_id: int, counsellor_id: int | None, first_day, last_day) -> str:
    """The page listing what a change hits, for these days (the admin's message links here too)."""
    first, last = affected_selectors.affected_range(first_day, last_day)
    query = {"location": location_id, "first_day": first.isoformat(), "last_day": last.isoformat()}
    if counsellor_id:
        query["counsellor"] = counsellor_id
    return f"{reverse('workspace:affected')}?{urlencode(query)}"


@never_cache
@lead
@require_http_methods(["GET", "POST"])
def absences(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request.user)
    form = AbsenceForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        absence_services.add_absence(
            counsellor=data["counsellor"],
            first_day=data["first_day"],
            last_day=data["last_day"],
            from_time=data["from_time"],
            until_time=data["until_time"],
            reason=data["reason"],
        )
        messages.success(request, _("Die Abwesenheit ist gespeichert."))
        counsellor = data["counsellor"]
        return redirect(
            affected_url(
                location_id=counsellor.location_id,
                counsellor_id=counsellor.pk,
                first_day=data["first_day"],
                last_day=data["last_day"],
            )
        )
    upcoming = Absence.objects.filter(
        end__gt=timezone.now(), counsellor__in=form.fields["counsellor"].queryset
    ).select_related("counsellor")[:100]
    status = 400 if form.errors else 200
    return render(
        request, "workspace/find/absences.html", {"form": form, "upcoming": upcoming}, status=status
    )


@never_cache
@lead
@require_GET
def affected(request: HttpRequest) -> HttpResponse:
    form = AffectedForm(request.GET or None, scope=staff_scope(request.user))
    found, cancel_fields = [], []
    if form.is_valid():
        data = form.cleaned_data
        first, last = affected_selectors.affected_range(data["first_day"], data["last_day"])
        counsellor_id = data["counsellor"].pk if data["counsellor"] else None
        found = affected_selectors.unfit_appointments(
            location_id=data["location"].pk, counsellor_id=counsellor_id, first_day=first, last_day=last
        )
        # Carried into the cancel-by-office step, which lists the same appointments to tick.
        cancel_fields = [
            ("location", data["location"].pk),
            ("counsellor", counsellor_id or ""),
            ("first_day", first.isoformat()),
            ("last_day", last.isoformat()),
            ("unfit_only", "on"),
        ]
    context = {"form": form, "affected": found, "cancel_fields": cancel_fields}
    return render(request, "workspace/find/affected.html", context, status=400 if form.errors else 200)
