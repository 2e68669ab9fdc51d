"""The confirmation link of a pending hold (the e-mail's link): /termin/bestaetigen/<key>/."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import confirming, holds, services
from .models import Appointment
from .ratelimit import rate_limited


@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited("post", "BOOKING_POST_RATE", methods=("POST",))
def confirm(request: HttpRequest, key: str) -> HttpResponse:
    """The link in a pending hold's e-mail: a page with a button (mail scanners follow links,
    they do not send forms); the button makes the booking final."""
    appointment = holds.appointment_for_confirm_key(key)
    if appointment is None or appointment.end <= timezone.now():
        return render(request, "booking/link_invalid.html", status=404)
    context = {"appointment": appointment, "confirmed": appointment.status == Appointment.Status.BOOKED}
    if appointment.status not in (Appointment.Status.PENDING, Appointment.Status.BOOKED):
        context["error"] = _("Diese Buchung wurde nicht rechtzeitig bestätigt; die Zeit ist wieder frei.")
    elif request.method == "POST" and not context["confirmed"]:
        try:
            confirming.confirm_appointment(appointment=appointment)
        except services.BookingError as error:
            return render(request, "booking/confirm.html", {**context, "error": error.message}, status=400)
        context["confirmed"] = True
    return render(request, "booking/confirm.html", context)
