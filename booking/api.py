"""JSON API for appointments under /api/v1/: the same selectors and services as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import BaseModel

from sozialamt.models import Location, Service
from sozialamt.selectors import office_calendar

from . import lostlink, proof, services
from .forms import PersonDataForm
from .models import Appointment, Counsellor
from .ratelimit import client_ip, over_limit, too_many_anonymous
from .selectors import MAX_RANGE_DAYS, appointment_for_token, availability, service_and_location

router = Router(tags=["Termine"])
SLUG = r"^[-a-zA-Z0-9_]{1,60}$"
# Dates further than this from today are refused (they cannot be booked and bound the work).
MAX_DISTANCE_DAYS = 400


class Message(Schema):
    detail: str


class FieldError(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrors(Schema):
    detail: list[FieldError]


class LocationOut(Schema):
    slug: str
    name: str
    organisation: str
    building: str
    street: str
    postcode: str
    city: str
    phone: str
    directions: str
    accessibility: str


class ServiceOut(Schema):
    slug: str
    name: str
    description: str
    documents: list[str]
    duration_minutes: int
    channel: str
    booking_horizon_days: int
    min_lead_days: int
    locations: list[str]


class IntervalOut(Schema):
    opens: dt.datetime
    closes: dt.datetime


class OpeningDayOut(Schema):
    date: dt.date
    open: bool
    kind: str = Field(description="regular, weekend, holiday, closure or special")
    reason: str
    intervals: list[IntervalOut]


# Plain pydantic models, not ninja Schemas: the free times are built as dicts, and a Schema's
# per-object wrapper (for reading ORM attributes) cost about as much as all the rest of a cached
# answer. The JSON and the OpenAPI description are the same.
class FreeDayOut(BaseModel):
    date: dt.date
    bookable: bool
    kind: str
    reason: str
    times: list[dt.datetime]


class FreeTimesOut(BaseModel):
    service: str
    location: str
    first_bookable_day: dt.date
    last_bookable_day: dt.date
    days: list[FreeDayOut]


class BookingIn(Schema):
    service: str = Field(pattern=SLUG, examples=["grundsicherung"])
    location: str = Field(pattern=SLUG, examples=["stadthaus-3"])
    start: dt.datetime = Field(
        description=f"A free time from /free-times, at most {MAX_DISTANCE_DAYS} days from today"
    )
    name: str = Field(min_length=1, max_length=120)
    reminder: Literal["email", "letter", "both", "none"]
    email: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    phone: str = ""
    language: str = "de"
    interpreter_language: str = ""
    step_free: bool = False
    accompanied: bool = False
    case_reference: str = ""
    challenge: str = Field(
        max_length=200, description="From GET /challenge, at least BOOKING_MIN_FILL_SECONDS old, used once"
    )
    nonce: str = Field(
        max_length=40,
        description="Any text such that sha256(challenge + ':' + nonce) starts with `bits` zero bits",
    )
    website: str = Field("", max_length=200, description="Leave empty (a field only bots fill in)")


class ChallengeOut(Schema):
    challenge: str
    bits: int = Field(description="Leading zero bits sha256(challenge + ':' + nonce) must have")
    valid_after_seconds: int
    valid_for_seconds: int


class MoveIn(Schema):
    start: dt.datetime


class BookingOut(Schema):
    code: str
    status: str = Field(description="pending (until the e-mail's link is followed), booked, cancelled, …")
    confirm_until: dt.datetime | None = Field(None, description="A pending booking is released after this")
    service: str
    location: str
    start: dt.datetime
    end: dt.datetime
    room: str
    manage_url: str


class BookedOut(BookingOut):
    token: str = Field(description="Management token; shown only once, keep it secret.")


class TakenOut(Schema):
    detail: str
    next_free: list[dt.datetime]


def _errors(field: str, message: str, where: str = "query") -> Status:
    loc = [where, field] if where == "query" else [where, "payload", field]
    return Status(422, {"detail": [{"loc": loc, "msg": message, "type": "invalid"}]})


def _range(start: dt.date | None, end: dt.date | None, longest: int) -> tuple[dt.date, dt.date] | Status:
    today = timezone.localdate()
    start = start or today
    end = end or start + dt.timedelta(days=min(longest, 28))
    for name, value in (("start", start), ("end", end)):
        if abs((value - today).days) > MAX_DISTANCE_DAYS:
            return _errors(name, _("Das Datum liegt zu weit in der Vergangenheit oder Zukunft."))
    if end < start:
        return _errors("end", _("Das Ende liegt vor dem Beginn."))
    if (end - start).days > longest:
        return _errors("end", _("Höchstens %(days)d Tage auf einmal.") % {"days": longest})
    return start, end


@router.get("/locations", response=list[LocationOut], summary="Standorte")
def list_locations(request: HttpRequest):
    return Location.objects.filter(active=True)


@router.get("/services", response=list[ServiceOut], summary="Anliegen mit Termin")
def list_services(request: HttpRequest):
    found = Service.objects.by_appointment().prefetch_related("locations")
    return [
        {
            **{f: getattr(s, f) for f in ("slug", "name", "description", "duration_minutes", "channel")},
            "documents": s.document_list,
            "booking_horizon_days": s.booking_horizon_days,
            "min_lead_days": s.min_lead_days,
            "locations": [loc.slug for loc in s.locations.all() if loc.active],
        }
        for s in found
    ]


@router.get(
    "/locations/{slug}/opening-hours",
    response={200: list[OpeningDayOut], 404: Message, 422: ValidationErrors},
    summary="Öffnungszeiten, Schließungen und Feiertage je Tag",
)
def opening_hours(
    request: HttpRequest,
    slug: str = Path(..., pattern=SLUG),
    start: dt.date | None = None,
    end: dt.date | None = None,
):
    location = Location.objects.filter(active=True, slug=slug).first()
    if location is None:
        return Status(404, {"detail": _("Diesen Standort gibt es nicht.")})
    found = _range(start, end, 366)
    if isinstance(found, Status):
        return found
    calendar = office_calendar(location, *found)
    return [
        {
            "date": d.date,
            "open": d.is_open,
            "kind": d.kind,
            "reason": d.reason,
            "intervals": [{"opens": a, "closes": b} for a, b in d.intervals],
        }
        for d in calendar.days(*found)
    ]


WINDOW = f"at most {MAX_DISTANCE_DAYS} days from today"


class FreeTimesQuery(Schema):
    service: str = Field(pattern=SLUG, examples=["grundsicherung"])
    location: str = Field(pattern=SLUG, examples=["stadthaus-3"])
    start: dt.date | None = Field(None, description=f"first day (default today), {WINDOW}")
    end: dt.date | None = Field(
        None, description=f"last day, {WINDOW}, at most {MAX_RANGE_DAYS} days after start"
    )


@router.get(
    "/free-times",
    response={200: FreeTimesOut, 404: Message, 422: ValidationErrors, 429: Message},
    summary="Freie Zeiten eines Anliegens an einem Standort",
)
def free_times(request: HttpRequest, query: Query[FreeTimesQuery]):
    if over_limit(request, "search", settings.BOOKING_SEARCH_RATE):
        return Status(429, {"detail": _("Zu viele Anfragen. Bitte warten Sie eine Minute.")})
    found = _range(query.start, query.end, MAX_RANGE_DAYS)
    if isinstance(found, Status):
        return found
    service, location = service_and_location(query.service, query.location)
    if not location:
        return Status(
            404, {"detail": _("Dieses Anliegen wird an diesem Standort nicht mit Termin angeboten.")}
        )
    avail = availability(service=service, location=location, start=found[0], end=found[1])
    body = FreeTimesOut.model_validate(_free_times_out(avail)).model_dump_json()
    return HttpResponse(body, content_type="application/json; charset=utf-8")


def _free_times_out(avail) -> dict:
    return {
        "service": avail.service.slug,
        "location": avail.location.slug,
        "first_bookable_day": avail.window.first_day,
        "last_bookable_day": avail.window.last_day,
        "days": [
            {
                "date": p.date,
                "bookable": p.bookable,
                "kind": p.day.kind,
                "reason": p.day.reason,
                "times": [s.start for s in p.slots],
            }
            for p in avail.days
        ],
    }


def _booking_out(request: HttpRequest, appointment: Appointment, token: str) -> dict:
    return {
        "code": appointment.code,
        "status": appointment.status,
        "confirm_until": appointment.confirm_until
        if appointment.status == Appointment.Status.PENDING
        else None,
        "service": appointment.service.slug,
        "location": appointment.location.slug,
        "start": appointment.start,
        "end": appointment.end,
        "room": _room(appointment),
        "manage_url": request.build_absolute_uri(reverse("booking:manage", args=[token])),
    }


def _room(appointment: Appointment) -> str:
    """The counsellor's room: from the appointment's read when it joined the counsellor, else
    its one column (not the whole counsellor)."""
    if Appointment.counsellor.is_cached(appointment):
        return appointment.counsellor.room
    return Counsellor.objects.values_list("room", flat=True).get(pk=appointment.counsellor_id)


def _aware(moment: dt.datetime) -> dt.datetime | None:
    """The moment as an aware datetime (naive = office time), or None when far off."""
    if timezone.is_naive(moment):
        try:
            moment = timezone.make_aware(moment)
        except (OverflowError, ValueError):
            return None
    try:
        distance = abs((moment - timezone.now()).days)
    except OverflowError:
        return None
    return moment if distance <= MAX_DISTANCE_DAYS else None


def _service_error(error: services.BookingError):
    if error.kind == "network":
        return Status(429, {"detail": error.message})
    if error.kind == "taken":
        return Status(409, {"detail": error.message, "next_free": [s.start for s in error.next_free]})
    if error.kind == "gone":
        return Status(400, {"detail": error.message})
    field = "email" if error.kind in ("limit", "no_email_full") else "start"
    return Status(
        422, {"detail": [{"loc": ["body", "payload", field], "msg": error.message, "type": error.kind}]}
    )


@router.get(
    "/challenge",
    response={200: ChallengeOut, 429: Message},
    summary="Aufgabe (proof of work) für eine Buchung",
    description="Every booking needs a fresh challenge from here and a nonce that solves it: find a "
    "text `nonce` such that the SHA-256 hash of `challenge:nonce` (UTF-8) starts with `bits` zero bits "
    "(try 0, 1, 2, …). A challenge is good once, from `valid_after_seconds` after it was issued for "
    "`valid_for_seconds`.",
)
def challenge(request: HttpRequest):
    if over_limit(request, "search", settings.BOOKING_SEARCH_RATE):
        return Status(429, {"detail": _("Zu viele Anfragen. Bitte warten Sie eine Minute.")})
    return {
        "challenge": proof.issue_challenge(),
        "bits": settings.BOOKING_POW_BITS,
        "valid_after_seconds": settings.BOOKING_MIN_FILL_SECONDS,
        "valid_for_seconds": settings.BOOKING_CHALLENGE_MINUTES * 60,
    }


def _bot_check(payload: BookingIn) -> Status | None:
    """The form's honeypot and fill time, and the proof of work."""
    if payload.website:
        message = _("Das Formular konnte nicht gesendet werden. Bitte versuchen Sie es erneut.")
        return _errors("website", message, "body")
    problem = proof.proof_problem(payload.challenge, payload.nonce)
    return _errors(problem[0], problem[1], "body") if problem else None


@router.post(
    "/bookings",
    response={201: BookedOut, 400: Message, 404: Message, 409: TakenOut, 422: ValidationErrors, 429: Message},
    summary="Termin buchen",
    description="With an e-mail address the booking is `pending` until the citizen confirms it by the "
    "link in the e-mail (within BOOKING_CONFIRM_MINUTES), else it is released. Needs a solved challenge "
    "(GET /challenge).",
)
def create_booking(request: HttpRequest, payload: BookingIn):
    if over_limit(request, "post", settings.BOOKING_POST_RATE):
        return Status(429, {"detail": _("Zu viele Anfragen. Bitte warten Sie eine Minute.")})
    refused = _bot_check(payload)
    if refused is not None:
        return refused
    service, location = service_and_location(payload.service, payload.location)
    if not location:
        return Status(
            404, {"detail": _("Dieses Anliegen wird an diesem Standort nicht mit Termin angeboten.")}
        )
    form = PersonDataForm(
        data=payload.dict(exclude={"service", "location", "start", "challenge", "nonce", "website"})
    )
    if not form.is_valid():
        return Status(
            422,
            {
                "detail": [
                    {"loc": ["body", "payload", field], "msg": str(message), "type": "invalid"}
                    for field, messages in form.errors.items()
                    for message in messages
                ]
            },
        )
    start = _aware(payload.start)
    if start is None:
        return _errors("start", _("Zu diesem Zeitpunkt kann kein Termin gebucht werden."), "body")
    if too_many_anonymous(request, form.person()):
        return Status(429, {"detail": _("Zu viele Buchungen ohne E-Mail oder Telefon. Bitte später erneut.")})
    try:
        booked = services.book_appointment(
            service=service,
            location=location,
            start=start,
            person=form.person(),
            client_address=client_ip(request),
        )
    except services.BookingError as error:
        return _service_error(error)
    return Status(201, {**_booking_out(request, booked.appointment, booked.token), "token": booked.token})


def _by_token(token: str) -> Appointment | None:
    appointment = appointment_for_token(token)
    if appointment is not None:
        lostlink.adopt_new_link(appointment=appointment, token=token)
    return appointment


@router.get("/bookings/{token}", response={200: BookingOut, 404: Message}, summary="Buchung ansehen")
def read_booking(request: HttpRequest, token: str):
    appointment = _by_token(token)
    if appointment is None:
        return Status(404, {"detail": _("Diese Buchung gibt es nicht (mehr).")})
    return _booking_out(request, appointment, token)


@router.post(
    "/bookings/{token}/move",
    response={
        200: BookingOut,
        400: Message,
        404: Message,
        409: TakenOut,
        422: ValidationErrors,
        429: Message,
    },
    summary="Buchung verschieben",
)
def move_booking(request: HttpRequest, token: str, payload: MoveIn):
    if over_limit(request, "post", settings.BOOKING_POST_RATE):
        return Status(429, {"detail": _("Zu viele Anfragen. Bitte warten Sie eine Minute.")})
    appointment = _by_token(token)
    if appointment is None:
        return Status(404, {"detail": _("Diese Buchung gibt es nicht (mehr).")})
    start = _aware(payload.start)
    if start is None:
        return _errors("start", _("Zu diesem Zeitpunkt kann kein Termin gebucht werden."), "body")
    try:
        moved = services.move_appointment(appointment=appointment, start=start, token=token)
    except services.BookingError as error:
        return _service_error(error)
    return _booking_out(request, moved, token)


@router.post(
    "/bookings/{token}/cancel",
    response={200: BookingOut, 400: Message, 404: Message, 429: Message},
    summary="Buchung absagen",
)
def cancel_booking(request: HttpRequest, token: str):
    if over_limit(request, "post", settings.BOOKING_POST_RATE):
        return Status(429, {"detail": _("Zu viele Anfragen. Bitte warten Sie eine Minute.")})
    appointment = _by_token(token)
    if appointment is None:
        return Status(404, {"detail": _("Diese Buchung gibt es nicht (mehr).")})
    try:
        cancelled = services.cancel_appointment(appointment=appointment)
    except services.BookingError as error:
        return _service_error(error)
    return _booking_out(request, cancelled, token)
