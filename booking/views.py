"""The citizen's booking pages: concern → location → calendar → time → data → review → done,
and the management link (show, move, cancel, .ics, PDF). No JavaScript needed anywhere.

The wizard's state lives in the server-side session; a value sent back that is not one of
those offered (a tampered time, service or day) gets a message and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import time as time_filter
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sozialamt.models import Location, Service
from sozialamt.templatetags.office import long_date, long_day

from . import lostlink, services, tasks
from .forms import FindForm, PersonPageForm, TimeForm, slot_value, with_email_refused
from .models import Appointment
from .ratelimit import client_ip, over_limit, rate_limited, too_many_anonymous
from .selectors import (
    Availability,
    appointment_for_token,
    availability,
    bookable_services,
    service_and_location,
)
from .sessions import (
    DONE_KEY,
    EXPIRED_KEY,
    SESSION_DATA_TTL,
    SESSION_KEY,
    expire_with_wizard_data,
    expired_choice,
    expires_in,
    forget_choice,
    remember_choice,
    session_context,
    session_entry,
)
from .slots import DayPlan

MAX_DISTANCE_DAYS = 400


def _service_or_none(slug: str) -> Service | None:
    return Service.objects.by_appointment().filter(slug=slug).first()


def _parse_day(value: str) -> dt.date | None:
    """A day from the URL, or None when malformed or further than a year and a bit away."""
    try:
        day = dt.date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None
    return day if day and abs((day - timezone.localdate()).days) <= MAX_DISTANCE_DAYS else None


def _restart(request: HttpRequest, message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect("booking:start")


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    return render(request, "booking/start.html", {"services": bookable_services()})


@require_GET
def locations(request: HttpRequest, service: str) -> HttpResponse:
    found = _service_or_none(service)
    if found is None:
        return _restart(request, _("Dieses Anliegen gibt es nicht. Bitte wählen Sie aus der Liste."))
    places = list(Location.objects.filter(active=True, services=found))
    if len(places) == 1:
        return redirect("booking:calendar", service=found.slug, location=places[0].slug)
    return render(request, "booking/locations.html", {"service": found, "locations": places})


@require_GET
@rate_limited("search", "BOOKING_SEARCH_RATE")
def calendar(request: HttpRequest, service: str, location: str) -> HttpResponse:
    found, place = service_and_location(service, location)
    if not place:
        return _restart(request, _("Dieses Anliegen wird an diesem Standort nicht angeboten."))
    avail = availability(service=found, location=place)
    return render(
        request,
        "booking/calendar.html",
        {
            "availability": avail,
            **_weeks(avail, lambda d: reverse("booking:day", args=[found.slug, place.slug, d])),
        },
    )


@require_http_methods(["GET", "POST"])
@rate_limited("search", "BOOKING_SEARCH_RATE", methods=("GET",))
@rate_limited("post", "BOOKING_POST_RATE", methods=("POST",))
def day(request: HttpRequest, service: str, location: str, date: str) -> HttpResponse:
    found, place = service_and_location(service, location)
    chosen = _parse_day(date)
    if not place or not chosen:
        return _restart(request, _("Diese Auswahl ist ungültig. Bitte beginnen Sie noch einmal."))
    avail = availability(service=found, location=place, start=chosen, end=chosen)
    plan = avail.day(chosen)
    form = TimeForm(request.POST or None, slots=plan.slots if plan else ())
    if request.method == "POST" and form.is_valid():
        request.session.pop(DONE_KEY, None)  # a new booking: the last confirmation's token goes
        request.session.pop(EXPIRED_KEY, None)
        request.session[SESSION_KEY] = {
            "service": found.pk,
            "location": place.pk,
            "start": form.slot.start.isoformat(),
            "at": timezone.now().timestamp(),
        }
        expire_with_wizard_data(request)
        return remember_choice(redirect("booking:details"), request.session[SESSION_KEY])
    back = reverse("booking:calendar", args=[found.slug, place.slug])
    context = {"availability": avail, "plan": plan, "date": chosen, "form": form, "back": back}
    return render(request, "booking/day.html", context, status=400 if form.errors else 200)


def _wizard(request: HttpRequest):
    """The service, location and time chosen so far, or None when the session has none."""
    state = session_entry(request, SESSION_KEY) or {}
    try:
        service = Service.objects.get(pk=state["service"])
        location = Location.objects.get(pk=state["location"])
        start = dt.datetime.fromisoformat(state["start"])
    except (KeyError, TypeError, ValueError, Service.DoesNotExist, Location.DoesNotExist):
        return None
    return state, service, location, start


@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited("post", "BOOKING_POST_RATE", methods=("POST",))
def details(request: HttpRequest) -> HttpResponse:
    wizard = _wizard(request)
    if wizard is None:
        return _expired_or_restart(request)
    state, service, location, start = wizard
    if request.method == "POST":
        form = PersonPageForm(request.POST)
        if form.is_valid():
            state["person"] = form.person()
            state["at"] = timezone.now().timestamp()
            request.session[SESSION_KEY] = state
            expire_with_wizard_data(request)
            return redirect("booking:review")
    elif refused := state.pop("email_refused", None):
        request.session[SESSION_KEY] = state
        form = with_email_refused(state["person"], filled_at=state["at"], message=refused)
    else:
        language = translation.get_language() or settings.LANGUAGE_CODE
        form = PersonPageForm(initial=state.get("person") or {"language": language, "reminder": "letter"})
    context = {
        **session_context(state),
        "form": form,
        "service": service,
        "location": location,
        "start": start,
        # The privacy notice states the real periods of delete_personal_data.
        "retention_days": settings.RETENTION_APPOINTMENT_DAYS,
        "retention_cancelled_days": settings.RETENTION_CANCELLED_DAYS,
    }
    return render(request, "booking/details.html", context, status=400 if form.errors else 200)


@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited("post", "BOOKING_POST_RATE", methods=("POST",))
def review(request: HttpRequest) -> HttpResponse:
    wizard = _wizard(request)
    if wizard is None and request.method == "POST" and session_entry(request, DONE_KEY):
        return redirect("booking:done")  # a second click on "book": show the booking made
    if wizard is None:
        return _expired_or_restart(request)
    if "person" not in wizard[0]:
        return redirect("booking:details")
    state, service, location, start = wizard
    context = {
        "service": service,
        "location": location,
        "start": start,
        "person": state["person"],
        "confirm_minutes": settings.BOOKING_CONFIRM_MINUTES,
        **session_context(state),
    }
    if request.method == "POST":
        if too_many_anonymous(request, state["person"]):
            return render(request, "booking/too_many.html", status=429)
        # Taken out (and saved) before booking: a second click finds no wizard and books nothing.
        request.session.pop(SESSION_KEY)
        request.session.save()
        try:
            booked = services.book_appointment(
                service=service,
                location=location,
                start=start,
                person=state["person"],
                client_address=client_ip(request),
            )
        except services.BookingError as error:
            if error.kind == "no_email_full":  # said at the e-mail field of the data page
                state["email_refused"] = error.message
            request.session[SESSION_KEY] = state
            if error.kind == "no_email_full":
                return redirect("booking:details")
            return _booking_failed(request, error, service, location, context)
        request.session[DONE_KEY] = {
            "code": booked.appointment.code,
            "token": booked.token,
            "at": timezone.now().timestamp(),
        }
        expire_with_wizard_data(request)
        return forget_choice(redirect("booking:done"))
    return render(request, "booking/review.html", context)


def _expired_or_restart(request: HttpRequest) -> HttpResponse:
    """After the data was forgotten: say so, and offer the chosen service and time again."""
    choice = expired_choice(request)
    try:
        service_slug = Service.objects.values_list("slug", flat=True).get(pk=choice["service"])
        location_slug = Location.objects.values_list("slug", flat=True).get(pk=choice["location"])
        start = dt.datetime.fromisoformat(choice["start"])
    except (KeyError, TypeError, ValueError, Service.DoesNotExist, Location.DoesNotExist):
        return _restart(request, _("Bitte wählen Sie zuerst Anliegen und Zeit."))
    service, location = service_and_location(service_slug, location_slug)
    if not location:
        return _restart(request, _("Bitte wählen Sie zuerst Anliegen und Zeit."))
    day = timezone.localdate(start)
    plan = availability(service=service, location=location, start=day, end=day).day(day)
    free = plan is not None and any(slot.start == start for slot in plan.slots)
    context = {
        "service": service,
        "location": location,
        "start": start,
        "still_free": free,
        "slot_value": slot_value(start),
        "day_url": reverse("booking:day", args=[service.slug, location.slug, day.isoformat()]),
        "calendar_url": reverse("booking:calendar", args=[service.slug, location.slug]),
        "ttl_minutes": int(SESSION_DATA_TTL.total_seconds() // 60),
    }
    return render(request, "booking/expired.html", context)


@require_POST
def extend(request: HttpRequest) -> HttpResponse:
    """More time for the wizard: its data is kept another full period from now."""
    state = session_entry(request, SESSION_KEY)
    if state is not None:
        state["at"] = timezone.now().timestamp()
        request.session[SESSION_KEY] = state
        expire_with_wizard_data(request)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"expires_in": expires_in(state) if state else 0})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("booking:details")
    return redirect(target)


def _booking_failed(request, error, service, location, context, token: str = "") -> HttpResponse:
    if error.kind != "taken":
        # With a token this is a failed move: back to the appointment's page, not the cancel form.
        template = "booking/manage.html" if token else "booking/review.html"
        return render(request, template, {**context, "error": error.message}, status=400)

    def day_url(date: dt.date) -> str:
        if token:
            return reverse("booking:move-day", args=[token, date.isoformat()])
        return reverse("booking:day", args=[service.slug, location.slug, date.isoformat()])

    next_free = [(s, day_url(timezone.localtime(s.start).date())) for s in error.next_free]
    if token:
        calendar_url = reverse("booking:move", args=[token])
    else:
        calendar_url = reverse("booking:calendar", args=[service.slug, location.slug])
    return render(
        request,
        "booking/taken.html",
        {"error": error.message, "next_free": next_free, "calendar_url": calendar_url},
        status=409,
    )


@never_cache
@require_GET
def done(request: HttpRequest) -> HttpResponse:
    booked = session_entry(request, DONE_KEY) or {}
    appointment = appointment_for_token(booked.get("token", ""))
    if appointment is None:
        return _restart(request, _("Es gibt keine neue Buchung in dieser Sitzung."))
    return render(request, "booking/done.html", manage_context(request, appointment, booked["token"]))


def manage_context(request, appointment: Appointment, token: str) -> dict:
    manage_url = request.build_absolute_uri(reverse("booking:manage", args=[token]))
    return {"appointment": appointment, "token": token, "manage_url": manage_url}


def with_token(view):
    """Loads the appointment of a management link; an unknown or expired link gets a 404 page."""

    @never_cache  # personal data: no browser or proxy keeps a copy
    @wraps(view)
    def wrapper(request, token: str, *args, **kwargs):
        appointment = appointment_for_token(token)
        if appointment is None:
            return render(request, "booking/link_invalid.html", status=404)
        lostlink.adopt_new_link(appointment=appointment, token=token)
        return view(request, appointment, token, *args, **kwargs)

    return wrapper


@require_GET
@with_token
def manage(request: HttpRequest, appointment: Appointment, token: str) -> HttpResponse:
    return render(request, "booking/manage.html", manage_context(request, appointment, token))


@require_http_methods(["GET", "POST"])
@rate_limited("post", "BOOKING_POST_RATE", methods=("POST",))
@with_token
def cancel(request: HttpRequest, appointment: Appointment, token: str) -> HttpResponse:
    context = manage_context(request, appointment, token)
    if request.method == "POST":
        try:
            services.cancel_appointment(appointment=appointment)
        except services.BookingError as error:
            return render(request, "booking/cancel.html", {**context, "error": error.message}, status=400)
        if appointment.email or appointment.wants_letter:
            text = _(
                "Ihr Termin ist abgesagt. Die Zeit ist wieder frei für andere. Sie bekommen eine Bestätigung."
            )
        else:
            text = _("Ihr Termin ist abgesagt. Die Zeit ist wieder frei für andere.")
        messages.success(request, text)
        return redirect("booking:manage", token=token)
    return render(request, "booking/cancel.html", context)


@require_GET
@rate_limited("search", "BOOKING_SEARCH_RATE")
@with_token
def move_calendar(request: HttpRequest, appointment: Appointment, token: str) -> HttpResponse:
    if appointment.status != Appointment.Status.BOOKED:
        raise Http404
    avail = availability(
        service=appointment.service, location=appointment.location, ignore_appointment=appointment
    )
    return render(
        request,
        "booking/calendar.html",
        {
            "availability": avail,
            **_weeks(avail, lambda d: reverse("booking:move-day", args=[token, d])),
            "appointment": appointment,
            "back": reverse("booking:manage", args=[token]),
        },
    )


@require_http_methods(["GET", "POST"])
@rate_limited("post", "BOOKING_POST_RATE", methods=("POST",))
@with_token
def move_day(request: HttpRequest, appointment: Appointment, token: str, date: str) -> HttpResponse:
    chosen = _parse_day(date)
    if appointment.status != Appointment.Status.BOOKED or chosen is None:
        messages.error(request, _("Diese Auswahl ist ungültig."))
        return redirect("booking:manage", token=token)
    avail = availability(
        service=appointment.service,
        location=appointment.location,
        start=chosen,
        end=chosen,
        ignore_appointment=appointment,
    )
    plan = avail.day(chosen)
    form = TimeForm(
        request.POST or None, slots=plan.slots if plan else (), submit_label=_("Termin verschieben")
    )
    if request.method == "POST" and form.is_valid():
        old_start = appointment.start
        try:
            services.move_appointment(appointment=appointment, start=form.slot.start, token=token)
        except services.BookingError as error:
            context = manage_context(request, appointment, token)
            return _booking_failed(request, error, appointment.service, appointment.location, context, token)
        messages.success(
            request,
            _("Ihr Termin ist verschoben. Bisher: %(old)s. Neu: %(new)s.")
            % {"old": _moment(old_start), "new": _moment(form.slot.start)},
        )
        return redirect("booking:manage", token=token)
    back = reverse("booking:move", args=[token])
    context = {
        "availability": avail,
        "plan": plan,
        "date": chosen,
        "form": form,
        "back": back,
        "appointment": appointment,
    }
    return render(request, "booking/day.html", context, status=400 if form.errors else 200)


def _moment(start: dt.datetime) -> str:
    """Weekday, date and time as the current language writes them."""
    return f"{long_date(start)}, {time_filter(timezone.localtime(start), 'TIME_FORMAT')}"


def _weeks(avail: Availability, url_for) -> dict:
    """Monday-to-Sunday rows of day cells for the calendar table, from today to the horizon
    ("weeks"), and the names of the weekdays, short and long, for its column headings."""
    plans = [p for p in avail.days if p.date <= avail.window.last_day]
    if not plans:
        return {"weeks": [], "weekdays": []}
    first = plans[0].date - dt.timedelta(days=plans[0].date.weekday())
    by_date = {p.date: p for p in plans}
    weeks = []
    for week_start in range(0, (plans[-1].date - first).days + 1, 7):
        days = [first + dt.timedelta(days=week_start + n) for n in range(7)]
        weeks.append([_cell(d, by_date.get(d), url_for) for d in days])
    monday = [first + dt.timedelta(days=n) for n in range(7)]
    return {"weeks": weeks, "weekdays": [(date_format(d, "D"), date_format(d, "l")) for d in monday]}


def _cell(date: dt.date, plan: DayPlan | None, url_for) -> dict:
    if plan is None:
        return {"date": date, "blank": True}
    # Each label once here, not once per use in the template (a calendar has some 60 days).
    labels = {"label": long_day(date), "short": date_format(date, "MONTH_DAY_FORMAT")}
    return {**labels, **_cell_state(date, plan, url_for)}


def _cell_state(date: dt.date, plan: DayPlan, url_for) -> dict:
    day = plan.day
    if not day.is_open:
        reason = {"weekend": _("Wochenende"), "holiday": _("Feiertag: %s") % day.reason}.get(day.kind)
        return {"date": date, "text": reason or day.reason or _("geschlossen"), "kind": "closed"}
    if not plan.bookable:
        return {"date": date, "text": _("nicht buchbar"), "kind": "closed"}
    if not plan.slots:
        return {"date": date, "text": _("ausgebucht"), "kind": "full"}
    count = len(plan.slots)
    return {
        "date": date,
        "count": count,
        "url": url_for(date.isoformat()),
        "kind": "free",
        "note": day.reason,
    }


@require_http_methods(["GET", "POST"])
@rate_limited("post", "BOOKING_POST_RATE", methods=("POST",))
def find(request: HttpRequest) -> HttpResponse:
    """Booking code + postcode or name → a new personal link by e-mail. The answer is the same
    whether or not a booking matched, so the page reveals nothing about anyone's booking."""
    form = FindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if over_limit(request, "find", settings.BOOKING_FIND_PER_HOUR, window=3600):
            return render(request, "booking/too_many.html", status=429)
        # The same work whether or not anything matches: the task finds out (constant time).
        tasks.send_new_manage_link.delay(
            form.cleaned_data["code"], form.cleaned_data["postcode"], form.cleaned_data["name_start"]
        )
        return render(request, "booking/find.html", {"form": FindForm(), "requested": True})
    return render(request, "booking/find.html", {"form": form}, status=400 if form.errors else 200)
