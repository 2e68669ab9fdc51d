"""HTTP for the walk-in queue: kiosk, info desk, clerk desk, display, public queue pages."""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sozialamt import roles
from sozialamt.models import Location
from sozialamt.roles import role_required
from sozialamt.selectors import open_status

from . import limits, selectors, services
from .forms import CheckInForm, IssueForm, TransferForm, UnlockKioskForm
from .models import Desk, DeskSession, Ticket
from .services import QueueError

KIOSK_COOKIE = "kz_kiosk"
KIOSK_SALT = "kundenzentrum.kiosk"
KIOSK_COOKIE_AGE = 60 * 60 * 24 * 365


def _location(slug: str) -> Location:
    return get_object_or_404(Location, slug=slug, active=True)


def _issue_error(error: QueueError) -> dict:
    return {"message": error.message, "next_opening": error.next_opening}


# ---------------------------------------------------------------- public pages


@require_GET
def walk_in(request: HttpRequest) -> HttpResponse:
    locations = list(Location.objects.filter(active=True))
    return render(
        request,
        "kundenzentrum/walk_in.html",
        {"statuses": open_status(locations), "queues": _queues(locations)},
    )


def _queues(locations: list[Location]) -> list[tuple[Location, list[selectors.ServiceQueue]]]:
    return selectors.queue_overviews(locations)


@require_GET
def queues(request: HttpRequest) -> HttpResponse:
    locations = list(Location.objects.filter(active=True))
    return render(request, "kundenzentrum/includes/_queues.html", {"queues": _queues(locations)})


def _ticket(public_id: str) -> Ticket:
    return get_object_or_404(
        Ticket.objects.select_related("location", "service", "desk", "counsellor"), public_id=public_id
    )


@never_cache
@require_GET
def position(request: HttpRequest, public_id: str) -> HttpResponse:
    ticket = _ticket(public_id)
    context = {"position": selectors.ticket_position(ticket)}
    if request.htmx:
        return render(request, "kundenzentrum/includes/_position.html", context)
    return render(request, "kundenzentrum/position.html", context)


def _qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


@never_cache
@require_GET
def ticket(request: HttpRequest, public_id: str) -> HttpResponse:
    found = _ticket(public_id)
    url = settings.SITE_URL + reverse("kundenzentrum:position", args=[found.public_id])
    back = request.GET.get("zurueck", "")
    back_url = {
        "kiosk": reverse("kundenzentrum:kiosk", args=[found.location.slug]),
        "infotheke": reverse("kundenzentrum:info-desk", args=[found.location.slug]),
    }.get(back)
    return render(
        request,
        "kundenzentrum/ticket.html",
        {
            "position": selectors.ticket_position(found),
            "short_url": url,
            "qr": _qr_data_uri(url),
            "back_url": back_url,
        },
    )


# ---------------------------------------------------------------- kiosk


def _kiosk_device(request: HttpRequest, location: Location):
    token = request.get_signed_cookie(KIOSK_COOKIE, default=None, salt=KIOSK_SALT)
    device = services.kiosk_for_token(token)
    return device if device and device.location_id == location.pk else None


def _locked(request: HttpRequest, location: Location) -> HttpResponse:
    return render(request, "kundenzentrum/kiosk_locked.html", {"location": location}, status=403)


def _set_kiosk_cookie(response: HttpResponse, token: str) -> None:
    response.set_signed_cookie(
        KIOSK_COOKIE,
        token,
        salt=KIOSK_SALT,
        max_age=KIOSK_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest, slug: str) -> HttpResponse:
    location = _location(slug)
    token = request.GET.get("token")
    if token:
        if limits.address_over_limit(request):
            return _too_many(request, location)
        # A kiosk started with its token in the address keeps it as a cookie, out of the address bar.
        device = services.kiosk_for_token(token)
        response = redirect("kundenzentrum:kiosk", slug=slug)
        if device and device.location_id == location.pk:
            _set_kiosk_cookie(response, token)
            return response
        return _locked(request, location)
    device = _kiosk_device(request, location)
    if device is None:
        return _locked(request, location)
    context = {"location": location, "services": list(location.services.walk_in().exclude(ticket_letter=""))}
    if request.method == "POST":
        if limits.kiosk_over_limit(request, device):
            return _too_many(request, location)
        service = next((s for s in context["services"] if str(s.pk) == request.POST.get("service")), None)
        if service is None:
            context["error"] = {"message": _("Bitte wählen Sie eines der angezeigten Anliegen.")}
        else:
            try:
                issued = services.issue_ticket(location=location, service=service)
            except QueueError as error:
                context["error"] = _issue_error(error)
            else:
                return redirect(reverse("kundenzentrum:ticket", args=[issued.public_id]) + "?zurueck=kiosk")
    context["check_in_form"] = CheckInForm(action=reverse("kundenzentrum:kiosk-check-in", args=[slug]))
    return render(request, "kundenzentrum/kiosk.html", context, status=200)


def _too_many(request: HttpRequest, location: Location) -> HttpResponse:
    return render(request, "kundenzentrum/kiosk_too_many.html", {"location": location}, status=429)


# What a kiosk says to any check-in it cannot do: whether a code exists, and when its appointment
# is, is for the info desk to tell (the kiosk is a public device anyone can type codes into).
KIOSK_CHECK_IN_REFUSED = gettext_lazy(
    "Mit dieser Eingabe ist hier gerade keine Anmeldung möglich. Bitte prüfen Sie die Buchungsnummer "
    "oder wenden Sie sich an die Infotheke."
)


@require_POST
def kiosk_check_in(request: HttpRequest, slug: str) -> HttpResponse:
    location = _location(slug)
    device = _kiosk_device(request, location)
    if device is None:
        return _locked(request, location)
    if limits.kiosk_over_limit(request, device):
        return _too_many(request, location)
    form = CheckInForm(request.POST, action=reverse("kundenzentrum:kiosk-check-in", args=[slug]))
    if form.is_valid():
        try:
            issued = services.check_in_appointment(code=form.cleaned_data["code"], location=location)
        except QueueError:
            form.add_error("code", str(KIOSK_CHECK_IN_REFUSED))
        else:
            return redirect(reverse("kundenzentrum:ticket", args=[issued.public_id]) + "?zurueck=kiosk")
    context = {
        "location": location,
        "services": list(location.services.walk_in().exclude(ticket_letter="")),
        "check_in_form": form,
    }
    return render(request, "kundenzentrum/kiosk.html", context)


@role_required(roles.INFO_DESK, roles.TEAM_LEAD)
@require_http_methods(["GET", "POST"])
def kiosk_unlock(request: HttpRequest, slug: str) -> HttpResponse:
    location = _location(slug)
    form = UnlockKioskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = services.unlock_kiosk(location=location, name=form.cleaned_data["name"], by=request.user)
        # The device now belongs to the public: no staff session may stay on it.
        logout(request)
        response = redirect("kundenzentrum:kiosk", slug=slug)
        _set_kiosk_cookie(response, token)
        return response
    return render(request, "kundenzentrum/kiosk_unlock.html", {"location": location, "form": form})


# ---------------------------------------------------------------- display


@require_GET
def display(request: HttpRequest, slug: str) -> HttpResponse:
    location = _location(slug)
    return render(
        request,
        "kundenzentrum/display.html",
        {"location": location, "feed": selectors.display_feed(slug)},
    )


@require_GET
def display_feed(request: HttpRequest, slug: str) -> HttpResponse:
    """The latest calls as JSON; no SQL when the cached feed is there, 304 when unchanged."""
    feed = selectors.display_feed(slug)
    if feed is None:
        raise Http404
    etag = f'"{feed["version"]}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = JsonResponse(feed)
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response


# ---------------------------------------------------------------- info desk


@role_required(roles.INFO_DESK, roles.TEAM_LEAD)
@require_GET
def info_desk_home(request: HttpRequest) -> HttpResponse:
    locations = list(Location.objects.filter(active=True))
    if len(locations) == 1:
        return redirect("kundenzentrum:info-desk", slug=locations[0].slug)
    return render(request, "kundenzentrum/info_desk_home.html", {"locations": locations})


def _info_desk_page(request, location, issue_form=None, check_in_form=None, error=None, status=200):
    context = {
        "location": location,
        "issue_form": issue_form or IssueForm(location=location),
        "check_in_form": check_in_form
        or CheckInForm(action=reverse("kundenzentrum:info-desk-check-in", args=[location.slug])),
        "queues": selectors.queue_overview(location),
        "error": error,
    }
    return render(request, "kundenzentrum/info_desk.html", context, status=status)


@role_required(roles.INFO_DESK, roles.TEAM_LEAD)
@require_http_methods(["GET", "POST"])
def info_desk(request: HttpRequest, slug: str) -> HttpResponse:
    location = _location(slug)
    if request.method == "GET":
        return _info_desk_page(request, location)
    form = IssueForm(request.POST, location=location)
    if not form.is_valid():
        return _info_desk_page(request, location, issue_form=form)
    try:
        issued = services.issue_ticket(
            location=location,
            service=form.cleaned_data["service"],
            interpreter_language=form.cleaned_data["interpreter_language"],
            by=request.user,
        )
    except QueueError as error:
        return _info_desk_page(request, location, issue_form=form, error=_issue_error(error))
    return redirect(reverse("kundenzentrum:ticket", args=[issued.public_id]) + "?zurueck=infotheke")


@role_required(roles.INFO_DESK, roles.TEAM_LEAD)
@require_POST
def info_desk_check_in(request: HttpRequest, slug: str) -> HttpResponse:
    location = _location(slug)
    form = CheckInForm(request.POST, action=reverse("kundenzentrum:info-desk-check-in", args=[slug]))
    if form.is_valid():
        try:
            issued = services.check_in_appointment(
                code=form.cleaned_data["code"], location=location, by=request.user
            )
        except QueueError as error:
            form.add_error("code", error.message)
        else:
            return redirect(reverse("kundenzentrum:ticket", args=[issued.public_id]) + "?zurueck=infotheke")
    return _info_desk_page(request, location, check_in_form=form)


# ---------------------------------------------------------------- clerk desk


@role_required(roles.CLERK, roles.TEAM_LEAD)
@require_http_methods(["GET", "POST"])
def desks(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        raw = request.POST.get("desk", "")
        desk = (
            Desk.objects.filter(pk=int(raw), active=True).first() if raw.isdigit() and len(raw) < 10 else None
        )
        if desk is None:
            messages.error(request, _("Bitte wählen Sie einen Schalter aus der Liste."))
            return redirect("kundenzentrum:desks")
        try:
            services.sign_in_to_desk(desk=desk, user=request.user)
        except QueueError as error:
            messages.error(request, error.message)
            return redirect("kundenzentrum:desks")
        return redirect("kundenzentrum:desk", desk_id=desk.pk)
    today = timezone.localdate()
    sessions = {
        s.desk_id: s
        for s in DeskSession.objects.filter(ended_at__isnull=True, day=today).select_related("user")
    }
    all_desks = Desk.objects.filter(active=True, location__active=True).select_related("location")
    return render(
        request,
        "kundenzentrum/desks.html",
        {"desks": [(d, sessions.get(d.pk)) for d in all_desks], "mine": _my_session(request.user)},
    )


def _my_session(user) -> DeskSession | None:
    return (
        DeskSession.objects.filter(user=user, ended_at__isnull=True, day=timezone.localdate())
        .select_related("desk")
        .first()
    )


@role_required(roles.CLERK, roles.TEAM_LEAD)
@require_POST
def desk_sign_out(request: HttpRequest) -> HttpResponse:
    try:
        services.sign_out_of_desk(user=request.user)
    except QueueError as error:
        messages.error(request, error.message)
        session = _my_session(request.user)
        if session:
            return redirect("kundenzentrum:desk", desk_id=session.desk_id)
    else:
        messages.success(request, _("Sie sind vom Schalter abgemeldet."))
    return redirect("kundenzentrum:desks")


def _my_desk(request: HttpRequest, desk_id: int) -> Desk | None:
    desk = get_object_or_404(Desk.objects.select_related("location"), pk=desk_id)
    session = _my_session(request.user)
    if session is None or session.desk_id != desk.pk:
        messages.error(request, _("Bitte melden Sie sich zuerst an diesem Schalter an."))
        return None
    return desk


def _desk_context(desk: Desk, user) -> dict:
    now = timezone.now()
    service_ids = list(desk.services.values_list("pk", flat=True))
    current = services.current_ticket(user)
    return {
        "desk": desk,
        "current": current,
        "parked": list(
            Ticket.objects.filter(
                desk=desk, status=Ticket.Status.PARKED, day=timezone.localdate(now)
            ).select_related("service")
        ),
        "stats": selectors.desk_queue(desk, service_ids, timezone.localdate(now), now),
        "no_show_after": settings.KUNDENZENTRUM_NO_SHOW_AFTER_CALLS,
        "transfer_form": TransferForm(desk=desk, initial={"seen": current.status}) if current else None,
    }


@role_required(roles.CLERK, roles.TEAM_LEAD)
@never_cache
@require_GET
def desk(request: HttpRequest, desk_id: int) -> HttpResponse:
    found = _my_desk(request, desk_id)
    if found is None:
        return redirect("kundenzentrum:desks")
    return render(request, "kundenzentrum/desk.html", _desk_context(found, request.user))


@role_required(roles.CLERK, roles.TEAM_LEAD)
@never_cache
@require_GET
def desk_status(request: HttpRequest, desk_id: int) -> HttpResponse:
    found = get_object_or_404(Desk, pk=desk_id)
    now = timezone.now()
    stats = selectors.desk_queue(
        found, list(found.services.values_list("pk", flat=True)), timezone.localdate(now), now
    )
    return render(request, "kundenzentrum/includes/_desk_status.html", {"desk": found, "stats": stats})


@role_required(roles.CLERK, roles.TEAM_LEAD)
@require_POST
def desk_call_next(request: HttpRequest, desk_id: int) -> HttpResponse:
    found = _my_desk(request, desk_id)
    if found is None:
        return redirect("kundenzentrum:desks")
    try:
        called = services.call_next_ticket(desk_id=found.pk, user=request.user)
    except QueueError as error:
        messages.error(request, error.message)
    else:
        if called is None:
            messages.info(request, _("Zurzeit wartet niemand auf Ihre Anliegen."))
    return redirect("kundenzentrum:desk", desk_id=desk_id)


ACTIONS = {
    "erneut-aufrufen": lambda t, d, u, seen: services.recall_ticket(ticket_id=t, desk=d, user=u),
    "beginnen": lambda t, d, u, seen: services.start_service(ticket_id=t, desk=d, user=u),
    "erledigt": lambda t, d, u, seen: services.finish_ticket(ticket_id=t, desk=d, user=u),
    "nicht-erschienen": lambda t, d, u, seen: services.mark_no_show(ticket_id=t, desk=d, user=u),
    "zurueckstellen": lambda t, d, u, seen: services.park_ticket(ticket_id=t, desk=d, user=u, seen=seen),
    "fortsetzen": lambda t, d, u, seen: services.resume_ticket(ticket_id=t, desk=d, user=u),
}
# The status each action expects; a page showing another one is stale.
EXPECTS = {
    "erneut-aufrufen": Ticket.Status.CALLED,
    "beginnen": Ticket.Status.CALLED,
    "erledigt": Ticket.Status.IN_SERVICE,
    "nicht-erschienen": Ticket.Status.CALLED,
    "fortsetzen": Ticket.Status.PARKED,
}


@role_required(roles.CLERK, roles.TEAM_LEAD)
@require_POST
def desk_action(request: HttpRequest, desk_id: int, ticket_id: int, action: str) -> HttpResponse:
    found = _my_desk(request, desk_id)
    if found is None:
        return redirect("kundenzentrum:desks")
    if action != "weiterleiten" and action not in ACTIONS:
        raise Http404
    seen = request.POST.get("seen", "")
    try:
        if seen not in Ticket.Status.values or (action in EXPECTS and seen != EXPECTS[action]):
            raise QueueError(_("Die Seite war nicht mehr aktuell. Es wurde nichts geändert."))
        if action == "weiterleiten":
            _transfer(request, found, ticket_id, seen)
        else:
            ACTIONS[action](ticket_id, found, request.user, seen)
    except QueueError as error:
        messages.error(request, error.message)
    return redirect("kundenzentrum:desk", desk_id=desk_id)


def _transfer(request: HttpRequest, desk: Desk, ticket_id: int, seen: str) -> None:
    form = TransferForm(request.POST, desk=desk)
    if not form.is_valid():
        raise QueueError(" ".join(str(e) for errors in form.errors.values() for e in errors))
    moved = services.transfer_ticket(
        ticket_id=ticket_id,
        desk=desk,
        user=request.user,
        seen=seen,
        to_service=form.cleaned_data["service"],
        to_desk=form.cleaned_data["desk"],
    )
    messages.success(
        request, _("%(number)s ist wieder in der Warteschlange.") % {"number": moved.display_number}
    )
