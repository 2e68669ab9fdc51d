"""JSON API of the walk-in queue under /api/v1/kundenzentrum/; the same services as the pages."""

import datetime as dt
import re
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status
from ninja.security import APIKeyHeader, django_auth

from sozialamt import roles
from sozialamt.models import Location

from . import limits, selectors, services
from .models import Desk, DeskSession, KioskDevice, Ticket
from .services import QueueError

# Database ids are 64-bit: a larger number in the path is refused with 422, not sent to the database.
ID = Path(..., ge=1, le=2**63 - 1)
router = Router(tags=["Kundenzentrum"])
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,60}")


class KioskToken(APIKeyHeader):
    """The token of an unlocked kiosk device in the X-Kiosk-Token header."""

    param_name = "X-Kiosk-Token"

    def authenticate(self, request: HttpRequest, key: str | None) -> KioskDevice | None:
        return services.kiosk_for_token(key)


class ErrorOut(Schema):
    detail: str
    field: str | None = None
    next_opening: dt.datetime | None = None


class InvalidOut(Schema):
    """Django Ninja's answer to a request that does not match the schema; names each field."""

    detail: list[dict]


class IssueIn(Schema):
    service: str = Field(
        ...,
        max_length=60,
        pattern=r"^[-a-zA-Z0-9_]+$",
        description="Kurzname (slug) eines Anliegens ohne Termin",
    )
    interpreter_language: str = Field("", max_length=60, pattern=r"^[^\x00]*$")


class TicketOut(Schema):
    public_id: str
    number: str
    service: str
    status: str
    ahead: int
    wait_minutes: int
    waits_for: str = Field(description="die Beraterin oder der Berater; leer: ein Schalter")
    place: str = Field(description="wohin die Person aufgerufen wird (Raum, Schalter); leer: noch offen")
    position_url: str


class CallOut(Schema):
    key: str
    number: str
    desk: str
    called_at: str


class FeedOut(Schema):
    version: str
    calls: list[CallOut]


class StaffTicketOut(Schema):
    id: int
    number: str
    service: str
    status: str
    call_count: int
    interpreter_language: str
    due_at: dt.datetime | None


class ActionIn(Schema):
    seen: Literal["waiting", "called", "in_service", "parked", "served", "no_show", "not_served"]
    service: str | None = Field(
        None,
        max_length=60,
        pattern=r"^[-a-zA-Z0-9_]+$",
        description="nur für transfer: Kurzname des Anliegens",
    )
    desk: int | None = Field(None, ge=1, le=2_000_000_000, description="nur für transfer: Schalter")


def _ticket_out(ticket: Ticket) -> dict:
    position = selectors.ticket_position(ticket)
    return {
        "public_id": ticket.public_id,
        "number": ticket.display_number,
        "service": ticket.service.name,
        "status": ticket.status,
        "ahead": position.ahead,
        "wait_minutes": position.wait_minutes,
        **_whom_and_where(ticket),
        "position_url": reverse("kundenzentrum:position", args=[ticket.public_id]),
    }


def _whom_and_where(ticket: Ticket) -> dict:
    """As the position page says it: the counsellor and their room, or the desk called to."""
    if ticket.status == Ticket.Status.CALLED:
        place = ticket.call_place
    elif ticket.counsellor_id is not None:
        place = ticket.counsellor.room or ticket.location.name
    else:
        place = ""
    return {"waits_for": ticket.counsellor.name if ticket.counsellor_id else "", "place": place}


def _staff_out(ticket: Ticket) -> dict:
    return {
        "id": ticket.pk,
        "number": ticket.display_number,
        "service": ticket.service.name,
        "status": ticket.status,
        "call_count": ticket.call_count,
        "interpreter_language": ticket.interpreter_language,
        "due_at": ticket.due_at,
    }


def _error(error: QueueError, field: str | None = None) -> dict:
    return {"detail": error.message, "field": field, "next_opening": error.next_opening}


@router.post(
    "/kundenzentrum/tickets",
    auth=KioskToken(),
    response={
        201: TicketOut,
        400: ErrorOut,
        401: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: InvalidOut,
        429: ErrorOut,
    },
    summary="Wartenummer ausgeben (Kiosk)",
)
def issue(request: HttpRequest, payload: IssueIn):
    device: KioskDevice = request.auth
    if limits.kiosk_over_limit(request, device):
        return Status(
            429, {"detail": _("Zu viele Wartenummern an diesem Gerät. Bitte warten Sie eine Minute.")}
        )
    location = device.location
    service = location.services.walk_in().filter(slug=payload.service).exclude(ticket_letter="").first()
    if service is None:
        return Status(
            404, {"detail": _("Dieses Anliegen gibt es hier ohne Termin nicht."), "field": "service"}
        )
    try:
        ticket = services.issue_ticket(
            location=location, service=service, interpreter_language=payload.interpreter_language
        )
    except QueueError as error:
        return Status(409, _error(error))
    return Status(201, _ticket_out(ticket))


@router.get(
    "/kundenzentrum/tickets/{public_id}",
    response={200: TicketOut, 404: ErrorOut, 422: InvalidOut},
    summary="Platz einer Wartenummer in der Warteschlange",
)
def ticket_position(request: HttpRequest, public_id: str):
    ticket = (
        Ticket.objects.select_related("location", "service", "counsellor", "desk")
        .filter(public_id=public_id)
        .first()
        if SLUG.fullmatch(public_id)
        else None
    )
    if ticket is None:
        return Status(404, {"detail": _("Diese Wartenummer gibt es nicht."), "field": "public_id"})
    return Status(200, _ticket_out(ticket))


@router.get(
    "/kundenzentrum/locations/{slug}/display",
    response={200: FeedOut, 404: ErrorOut, 422: InvalidOut},
    summary="Die letzten Aufrufe eines Standorts (Aufrufanzeige)",
)
def display(request: HttpRequest, slug: str):
    feed = selectors.display_feed(slug) if SLUG.fullmatch(slug) else None
    if feed is None:
        return Status(404, {"detail": _("Diesen Standort gibt es nicht."), "field": "slug"})
    return Status(200, feed)


def _second_factor_missing() -> Status:
    return Status(401, {"detail": _("Anmeldung unvollständig: Der zweite Schritt (Code) fehlt.")})


def _clerk_desk(request: HttpRequest, desk_id: int) -> tuple[Desk | None, Status | None]:
    user = request.auth
    if not roles.is_verified(user):
        return None, _second_factor_missing()
    if not roles.has_role(user, roles.CLERK, roles.TEAM_LEAD):
        return None, Status(403, {"detail": _("Nur für Sachbearbeitung.")})
    session = (
        DeskSession.objects.select_related("desk__location")
        .filter(user=user, desk_id=desk_id, ended_at__isnull=True, day=timezone.localdate())
        .first()
    )
    if session is None:
        return None, Status(
            409, {"detail": _("Sie sind an diesem Schalter nicht angemeldet."), "field": "desk_id"}
        )
    return session.desk, None


@router.post(
    "/kundenzentrum/desks/{desk_id}/call-next",
    auth=django_auth,
    response={
        200: StaffTicketOut,
        204: None,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        409: ErrorOut,
        422: InvalidOut,
    },
    summary="Nächste Wartenummer aufrufen (Sachbearbeitung)",
)
def call_next(request: HttpRequest, desk_id: int = ID):
    # The role (sozialamt.roles) and the desk session are checked by call_next_ticket.
    if not roles.is_verified(request.auth):
        return _second_factor_missing()
    try:
        ticket = services.call_next_ticket(
            desk_id=desk_id, user=request.auth, roles_needed=(roles.CLERK, roles.TEAM_LEAD)
        )
    except PermissionDenied:
        return Status(403, {"detail": _("Nur für Sachbearbeitung.")})
    except QueueError as error:
        return Status(409, _error(error, field="desk_id"))
    if ticket is None:
        return Status(204, None)
    return Status(200, _staff_out(ticket))


ACTIONS = Literal["recall", "start", "finish", "no-show", "park", "resume", "transfer"]


@router.post(
    "/kundenzentrum/desks/{desk_id}/tickets/{ticket_id}/{action}",
    auth=django_auth,
    response={
        200: StaffTicketOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        409: ErrorOut,
        422: InvalidOut,
    },
    summary="Status einer Wartenummer ändern (Sachbearbeitung)",
)
def act(request: HttpRequest, action: ACTIONS, payload: ActionIn, desk_id: int = ID, ticket_id: int = ID):
    desk, refusal = _clerk_desk(request, desk_id)
    if refusal:
        return refusal
    user = request.auth
    args = {"ticket_id": ticket_id, "desk": desk, "user": user}
    try:
        if action == "transfer":
            ticket = _transfer(desk, payload, args)
        elif action in ("park",):
            ticket = services.park_ticket(**args, seen=payload.seen)
        else:
            expected = {"recall": "called", "start": "called", "finish": "in_service", "no-show": "called"}
            if action in expected and payload.seen != expected[action]:
                raise QueueError(
                    _("Die Wartenummer hat nicht den erwarteten Status. Es wurde nichts geändert.")
                )
            ticket = {
                "recall": services.recall_ticket,
                "start": services.start_service,
                "finish": services.finish_ticket,
                "no-show": services.mark_no_show,
                "resume": services.resume_ticket,
            }[action](**args)
    except QueueError as error:
        return Status(409, _error(error))
    return Status(200, _staff_out(ticket))


def _transfer(desk: Desk, payload: ActionIn, args: dict) -> Ticket:
    location: Location = desk.location
    to_service = location.services.filter(slug=payload.service).first() if payload.service else None
    if payload.service and to_service is None:
        raise QueueError(_("Dieses Anliegen gibt es an diesem Standort nicht."))
    to_desk = Desk.objects.filter(pk=payload.desk).first() if payload.desk else None
    if payload.desk and to_desk is None:
        raise QueueError(_("Diesen Schalter gibt es nicht."))
    return services.transfer_ticket(**args, seen=payload.seen, to_service=to_service, to_desk=to_desk)
