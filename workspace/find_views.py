"""Finding a booking and acting on it for the citizen: search, detail, move, cancel, resend,
and the booking's access log for team leads. Every view parses, calls one service, renders."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from booking import services
from booking.models import Appointment
from booking.selectors import availability
from sozialamt import roles
from sozialamt.selectors import staff_scope

from . import find_selectors as selectors
from .find_forms import CancelForm, DayForm, FindForm, MoveForm

finders = roles.role_required(roles.CLERK, roles.INFO_DESK, roles.TEAM_LEAD)
PER_PAGE = 25


@never_cache
@finders
@require_GET
def find(request: HttpRequest) -> HttpResponse:
    form = FindForm(request.GET or None)
    page = None
    if form.is_valid():
        data = form.cleaned_data
        found = selectors.search(
            staff_scope(request.user), code=data["code"], name=data["name"], span=form.span
        )
        page = Paginator(found, PER_PAGE).get_page(request.GET.get("seite"))
        # The list shows only what tells people apart (time, service, counsellor, the first
        # letters of the name, postcode, code): whoever stands near the screen or searched a
        # whole month sees no full names, addresses, contacts, case references or support
        # needs; those are on the booking's own page. Even this much is personal: logged.
        services.log_personal_data_access(
            user=request.user, appointments=list(page.object_list), what="Arbeitsplatz: Suchergebnis"
        )
        for a in page.object_list:
            a.short_name = selectors.short_name(a.name)
    query = request.GET.copy()
    query.pop("seite", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "workspace/find/find.html", context, status=400 if form.errors else 200)


def _appointment(request: HttpRequest, pk: int) -> Appointment:
    found = selectors.appointment(staff_scope(request.user), pk)
    if found is None:  # another location's booking is as unknown as a missing one
        raise Http404
    return found


@never_cache
@finders
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment(request, pk)
    services.log_personal_data_access(user=request.user, appointment=appointment, what="Arbeitsplatz: Termin")
    context = {
        "a": appointment,
        "history": selectors.history(appointment),
        # The info desk routes the citizen: it needs time, room, interpreter and step-free
        # access, not contacts, the address or the case reference.
        "sees_contact": roles.has_role(request.user, roles.CLERK, roles.TEAM_LEAD),
        "is_team_lead": roles.has_role(request.user, roles.TEAM_LEAD),
        "changeable": appointment.status == Appointment.Status.BOOKED and appointment.start > timezone.now(),
    }
    return render(request, "workspace/find/detail.html", context)


def _seen(appointment: Appointment) -> dict:
    return {"seen": appointment.start.isoformat()}


@never_cache
@finders
@require_http_methods(["GET", "POST"])
def move(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment(request, pk)
    if appointment.status != Appointment.Status.BOOKED:
        messages.error(request, _("Dieser Termin kann nicht mehr verschoben werden."))
        return redirect("workspace:find-detail", pk=pk)
    day_form = DayForm(request.GET if "day" in request.GET else None)
    day = day_form.cleaned_data["day"] if day_form.is_valid() else None
    slots = ()
    if day is not None:
        avail = availability(
            service=appointment.service,
            location=appointment.location,
            start=day,
            end=day,
            ignore_appointment=appointment,
            staff=True,  # the times the move service lets staff book (today's and the reserve too)
        )
        plan = avail.day(day)
        slots = plan.slots if plan else ()
    form = MoveForm(request.POST or None, slots=slots, initial=_seen(appointment))
    status = 400 if day_form.errors else 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.move_appointment(
                    appointment=appointment,
                    start=form.slot.start,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    seen_start=form.cleaned_data["seen"],
                )
            except services.BookingError as error:
                messages.error(request, error.message)
                if error.kind in ("stale", "gone"):  # show the booking as it is now
                    return redirect("workspace:find-detail", pk=pk)
                status = 409 if error.kind == "taken" else 400
            else:
                messages.success(
                    request, _("Der Termin ist verschoben; die Bürgerin oder der Bürger wird benachrichtigt.")
                )
                return redirect("workspace:find-detail", pk=pk)
        else:
            status = 400
    context = {"a": appointment, "day_form": day_form, "day": day, "form": form, "slots": slots}
    return render(request, "workspace/find/move.html", context, status=status)


@never_cache
@finders
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment(request, pk)
    form = CancelForm(request.POST or None, initial=_seen(appointment))
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_appointment(
                appointment=appointment,
                by=request.user,
                on_behalf=True,
                reason=form.cleaned_data["reason"],
                seen_start=form.cleaned_data["seen"],
            )
        except services.BookingError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Der Termin ist abgesagt; die Bürgerin oder der Bürger wird benachrichtigt.")
            )
        return redirect("workspace:find-detail", pk=pk)
    status = 400 if form.errors else 200
    return render(request, "workspace/find/cancel.html", {"a": appointment, "form": form}, status=status)


@finders
@require_POST
def resend(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment(request, pk)
    channel = request.POST.get("channel", "")
    try:
        if channel == "email":
            services.resend_confirmation(appointment=appointment)
            text = _("Die Bestätigung geht noch einmal per E-Mail hinaus, mit einem neuen persönlichen Link.")
        elif channel == "letter":
            services.resend_letter(appointment=appointment)
            text = _("Der Erinnerungsbrief kommt in den nächsten Druckstapel.")
        else:
            raise services.BookingError(_("Diese Auswahl ist ungültig."))
    except services.BookingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, text)
    return redirect("workspace:find-detail", pk=pk)


@never_cache
@roles.role_required(roles.TEAM_LEAD)
@require_GET
def access_log(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment(request, pk)
    page = Paginator(selectors.access_log(appointment), 50).get_page(request.GET.get("seite"))
    return render(request, "workspace/find/access_log.html", {"a": appointment, "page": page})
