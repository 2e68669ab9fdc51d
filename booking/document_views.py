"""The citizen's documents of a booking: the calendar file and the PDF confirmation (both only
once the booking is confirmed), behind the personal link like the manage page."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from .ics import appointment_ics
from .models import Appointment
from .views import manage_context, with_token


@require_GET
@with_token
def ics(request: HttpRequest, appointment: Appointment, token: str) -> HttpResponse:
    if appointment.status == Appointment.Status.PENDING:
        return redirect("booking:manage", token=token)  # no calendar file before it is confirmed
    cancelled = appointment.status == Appointment.Status.CANCELLED
    response = HttpResponse(appointment_ics(appointment, cancelled=cancelled), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="termin-{appointment.code}.ics"'
    return response


@require_GET
@with_token
def pdf(request: HttpRequest, appointment: Appointment, token: str) -> HttpResponse:
    if appointment.status == Appointment.Status.PENDING:
        return redirect("booking:manage", token=token)
    from weasyprint import HTML

    html = render_to_string(
        "booking/confirmation_pdf.html", manage_context(request, appointment, token), request
    )
    # Tagged (PDF/UA-1: structure, language, title), as the letters are.
    document = HTML(string=html, base_url=str(settings.BASE_DIR))
    response = HttpResponse(
        document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="termin-{appointment.code}.pdf"'
    return response
