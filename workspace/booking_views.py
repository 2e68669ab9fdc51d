"""Booking for a caller or at the counter, follow-up appointments, and the staff's confirmation.

The same booking service as the citizens' pages, with `booked_by` and the channel: staff pass
no anti-bot checks or rate limits, may use the reserved capacity, and book past the
one-booking-per-contact limit only with a reason. No JavaScript needed anywhere."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from booking import services
from booking.forms import slot_value
from booking.models import Appointment, AppointmentHistory
from booking.selectors import Availability, availability
from booking.slots import next_free
from sozialamt import roles
from sozialamt.selectors import staff_scope

from .booking_forms import OfferForm, StaffPersonForm, parse_start, person_of

BOOKING_ROLES = (roles.CLERK, roles.INFO_DESK, roles.TEAM_LEAD)
FIRST_TIMES = 12
TOKENS_KEY = "workspace:booked"  # the personal links of the last bookings, for their PDF


def _offer_query(offer: dict, **extra) -> str:
    values = {
        "service": offer["service"].pk,
        "location": offer["location"].pk,
        **({"counsellor": offer["counsellor"].pk} if offer.get("counsellor") else {}),
        **{k: v for k, v in extra.items() if v},
    }
    return urlencode(values, safe=":")


def _times(offer: dict, day: dt.date | None, after: dt.datetime | None = None) -> tuple[Availability, list]:
    counsellor = offer.get("counsellor")
    avail = availability(
        service=offer["service"],
        location=offer["location"],
        staff=True,
        counsellor=counsellor.pk if counsellor else None,
    )
    plan = avail.day(day) if day else None
    slots = list(plan.slots) if plan else next_free(avail.days, count=FIRST_TIMES, after=after)
    reserved = frozenset().union(*(p.reserved for p in avail.days))
    return avail, [(s, s.start in reserved) for s in slots]


def _pick_context(offer: dict, day: dt.date | None, follow_up: Appointment | None = None) -> dict:
    # A follow-up comes after the appointment it follows (staff may book from today on).
    avail, slots = _times(offer, day, after=follow_up.end - dt.timedelta(seconds=1) if follow_up else None)
    details = reverse("workspace:book-details")
    query = {"from": follow_up.pk if follow_up else None}
    return {
        "availability": avail,
        "chosen_day": day,
        "times": [
            (s, reserved, f"{details}?{_offer_query(offer, start=slot_value(s.start), **query)}")
            for s, reserved in slots
        ],
        "days": [(p, f"?{_offer_query(offer, day=p.date.isoformat())}") for p in avail.days if p.slots],
        "follow_up": follow_up,
    }


def _day(value: str) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None
    return day if day and 0 <= (day - timezone.localdate()).days <= 400 else None


@roles.role_required(*BOOKING_ROLES)
@require_GET
def book(request: HttpRequest) -> HttpResponse:
    """Choose service, location and counsellor; then the free times, reserved ones included."""
    scope = staff_scope(request.user)
    form = OfferForm(request.GET or None, scope=scope)
    context: dict = {"form": form}
    if request.GET and form.is_valid():
        context.update(_pick_context(form.cleaned_data, _day(request.GET.get("day", ""))))
    status = 400 if form.errors else 200
    return render(request, "workspace/booking/book.html", context, status=status)


def _may_follow_up(request: HttpRequest, appointment: Appointment) -> None:
    """Booking staff of the location, and the appointment's own counsellor."""
    if appointment.counsellor.user_id == request.user.pk:
        return
    if not roles.has_role(request.user, *BOOKING_ROLES):
        raise PermissionDenied
    if not staff_scope(request.user).covers(appointment.location_id):
        raise PermissionDenied


@roles.role_required()
@require_GET
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    """The next appointment with the same counsellor: their free times first."""
    appointment = (
        Appointment.objects.select_related("service", "location", "counsellor").filter(pk=pk).first()
    )
    if appointment is None:
        raise Http404
    _may_follow_up(request, appointment)
    offer = {
        "service": appointment.service,
        "location": appointment.location,
        "counsellor": appointment.counsellor,
    }
    context = _pick_context(offer, _day(request.GET.get("day", "")), follow_up=appointment)
    return render(request, "workspace/booking/follow_up.html", {**context, "appointment": appointment})


@roles.role_required()
@never_cache
@require_http_methods(["GET", "POST"])
def details(request: HttpRequest) -> HttpResponse:
    """The person's data (carried over for a follow-up), the channel, then book."""
    offer, follow = _details_offer(request)
    if offer is None:
        return redirect("workspace:book")
    start = parse_start(request.GET.get("start", ""))
    slots = _slots_around(offer, start)
    if request.method == "POST":
        form = StaffPersonForm(request.POST, slots=slots)
        if form.is_valid():
            return _book(request, form, offer, follow)
    else:
        initial = person_of(follow) if follow else {"reminder": "letter", "language": "de"}
        chosen = next((slot_value(s.start) for s in slots if s.start == start), None)
        form = StaffPersonForm(initial={**initial, "start": chosen, "channel": "phone"}, slots=slots)
        if chosen is None:  # taken since the list of times was shown, or never offered
            gone = _("Diese Zeit ist nicht (mehr) frei. Bitte wählen Sie eine der angezeigten Zeiten.")
            return _details_page(request, form, offer, follow, error=gone, status=200)
    return _details_page(request, form, offer, follow)


def _details_offer(request: HttpRequest) -> tuple[dict | None, Appointment | None]:
    """The service, location and counsellor from the URL (a follow-up's from its appointment),
    within the staff member's locations; None when they are not valid."""
    pk = request.GET.get("from", "")
    if pk:
        if not pk.isdigit() or len(pk) > 12:
            return None, None
        follow = (
            Appointment.objects.select_related("service", "location", "counsellor").filter(pk=int(pk)).first()
        )
        if follow is None:
            raise Http404
        _may_follow_up(request, follow)
        return {
            "service": follow.service,
            "location": follow.location,
            "counsellor": follow.counsellor,
        }, follow
    if not roles.has_role(request.user, *BOOKING_ROLES):
        raise PermissionDenied
    form = OfferForm(request.GET, scope=staff_scope(request.user))
    return (form.cleaned_data, None) if form.is_valid() else (None, None)


def _slots_around(offer: dict, start: dt.datetime | None) -> list:
    """The free times from the chosen one on (so that another can be picked when it is gone)."""
    counsellor = offer.get("counsellor")
    avail = availability(
        service=offer["service"],
        location=offer["location"],
        start=timezone.localdate(start) if start else None,
        staff=True,
        counsellor=counsellor.pk if counsellor else None,
    )
    after = start - dt.timedelta(seconds=1) if start else None
    return next_free(avail.days, count=FIRST_TIMES, after=after)


def _details_page(
    request, form, offer, follow, *, error: str = "", status: int | None = None
) -> HttpResponse:
    if follow is not None:
        services.log_personal_data_access(
            user=request.user, appointment=follow, what="Folgetermin: Daten übernommen"
        )
    context = {"form": form, "offer": offer, "follow_up": follow, "error": error}
    return render(
        request, "workspace/booking/details.html", context, status=status or (400 if form.errors else 200)
    )


def _book(request, form: StaffPersonForm, offer: dict, follow) -> HttpResponse:
    counsellor = offer.get("counsellor")
    try:
        booked = services.book_appointment(
            service=offer["service"],
            location=offer["location"],
            start=form.slot.start,
            person=form.person(),
            booked_by=request.user,
            channel=form.cleaned_data["channel"],
            counsellor=counsellor.pk if counsellor else None,
            override_reason=form.cleaned_data.get("override_reason", ""),
        )
    except services.BookingError as error:
        return _refused(request, form, offer, follow, error)
    tokens = {**request.session.get(TOKENS_KEY, {}), str(booked.appointment.pk): booked.token}
    request.session[TOKENS_KEY] = dict(list(tokens.items())[-10:])
    return redirect("workspace:booked", pk=booked.appointment.pk)


def _refused(request, form: StaffPersonForm, offer: dict, follow, error) -> HttpResponse:
    """A refusal next to the field it concerns, with what was typed kept."""
    data = request.POST.copy()
    if error.kind == "taken":
        slots = error.next_free or []
        data.pop("start", None)
        form = StaffPersonForm(data, slots=slots, offer_override="override_reason" in form.fields)
        form.is_valid()
        form.errors.pop("start", None)
        form.add_error(
            "start",
            error.message
            + " "
            + (_("Die nächsten freien Zeiten:") if slots else _("Es gibt keine freien Zeiten mehr.")),
        )
        return _details_page(request, form, offer, follow, status=409)
    if error.kind == "limit":
        form = StaffPersonForm(data, slots=list(form.slots.values()), offer_override=True)
        form.is_valid()
        form.add_error(
            "override_reason",
            _(
                "Für diese Person und dieses Anliegen besteht schon ein Termin. Buchen Sie trotzdem nur mit Grund."
            ),
        )
        return _details_page(request, form, offer, follow)
    return _details_page(request, form, offer, follow, error=error.message, status=400)


@roles.role_required()
@never_cache
@require_GET
def booked(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable confirmation to hand over or post (in the citizen's language)."""
    appointment = (
        Appointment.objects.select_related("service", "location", "counsellor").filter(pk=pk).first()
    )
    if appointment is None:
        raise Http404
    if appointment.booked_by_id != request.user.pk:
        _may_follow_up(request, appointment)
    services.log_personal_data_access(
        user=request.user, appointment=appointment, what="Buchungsbestätigung angesehen"
    )
    token = request.session.get(TOKENS_KEY, {}).get(str(pk), "")
    context = {
        "appointment": appointment,
        "token": token,
        "manage_url": request.build_absolute_uri(reverse("booking:manage", args=[token])) if token else "",
        "override": _override_note(appointment),
    }
    return render(request, "workspace/booking/booked.html", context)


def _override_note(appointment: Appointment) -> str:
    """The reason given for booking past the contact limit, as the history shows it ("" if none)."""
    first = appointment.history.order_by("pk").first()
    if first is None or not first.note.startswith(f"{AppointmentHistory.Note.OVERRIDE} "):
        return ""
    return first.get_note_display()
