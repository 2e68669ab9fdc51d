"""Every write to appointments: book, move, cancel. The HTML views and the API call these."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from messaging import notify as notifications
from sozialamt.models import Location, Service

from . import freecache, holds
from .errors import BookingError
from .limits import check_limits, network_key
from .models import UNIT_MINUTES, Appointment, AppointmentHistory, Occupancy, PersonalDataAccess
from .selectors import availability, hash_token, offer_at
from .slots import next_free, units

# Easy to read out on the phone: no 0/O, 1/I/L look-alikes.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
UNIT = dt.timedelta(minutes=UNIT_MINUTES)


@dataclass
class Booked:
    """A new booking and its management token (shown once, never stored)."""

    appointment: Appointment
    token: str


def new_code() -> str:
    """A short booking code such as K7M-4QX9 (31^7 ≈ 2.7·10^10 possibilities)."""
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(7))
    return f"{chars[:3]}-{chars[3:]}"


def manage_url(token: str) -> str:
    """The citizen's personal management link (absolute, for e-mails)."""
    return settings.SITE_URL + reverse("booking:manage", args=[token])


def new_token() -> str:
    """A management token with 256 bits of randomness."""
    return secrets.token_urlsafe(32)


def book_appointment(
    *,
    service: Service,
    location: Location,
    start: dt.datetime,
    person: dict,
    booked_by=None,
    client_address: str = "",
    channel: str = Appointment.Channel.ONLINE,
    counsellor: int | None = None,
    override_reason: str = "",
    now: dt.datetime | None = None,
) -> Booked:
    """Books the free time `start` with the least-loaded free counsellor (or the one given).

    `person` holds validated personal fields (see forms.PersonForm); `client_address` is the
    citizen's address for an online booking (pages and API), whose network may hold only a few
    bookings of a service at a time. An online booking with an e-mail address is pending until
    the citizen confirms it by the link in the e-mail (see holds); pending holds and online
    bookings without e-mail get a small share of each day. Staff bookings (`booked_by`, a
    verified staff member) are exempt from all of this, may take the reserved capacity, and may
    pass the one-booking-per-contact limit with an `override_reason`, which the history keeps.
    Raises BookingError when the time is not bookable, was just taken (with the next free times)
    or a limit is reached."""
    now, start = now or timezone.now(), start.astimezone(dt.UTC)
    staff = booked_by is not None
    network = network_key(client_address) if client_address and not staff else ""
    wanted = {"staff": staff, "counsellor": counsellor}
    counsellors = _free_counsellors(service=service, location=location, start=start, now=now, **wanted)
    booked = _book_first_free(
        counsellors,
        service=service,
        location=location,
        start=start,
        person={**person, "origin_network": network},
        booked_by=booked_by,
        channel=channel,
        override_reason=override_reason.strip() if staff else "",
        now=now,
    )
    if booked is None:
        raise _taken(service, location, start, now, **wanted)
    return booked


def _new_appointment(
    *, token: str, service, location, start, person: dict, booked_by, channel, now
) -> Appointment:
    pending = holds.is_pending(person=person, booked_by=booked_by)
    return Appointment(
        status=Appointment.Status.PENDING if pending else Appointment.Status.BOOKED,
        confirm_until=holds.confirm_deadline(now) if pending else None,
        code=new_code(),
        token_hash=hash_token(token),
        service=service,
        location=location,
        start=start,
        booked_by=booked_by,
        channel=channel,
        **{
            name: person.get(name, Appointment._meta.get_field(name).get_default())
            for name in [*Appointment.PERSONAL_FIELDS, *Appointment.CHOICES_KEPT]
        },
    )


def _book_first_free(
    counsellors, *, service, location, start, person: dict, booked_by, channel, override_reason: str, now
) -> Booked | None:
    """Books the first counsellor whose time the database takes, in one transaction per try: a
    try that loses a race rolls back whole, and the next one counts the contact's bookings anew.
    Each try writes first and checks the limits last, so that the locks of contact, network and
    day are held only for the count and the commit, not for the writes."""
    token = new_token()
    end = start + dt.timedelta(minutes=service.duration_minutes)
    # Staff bookings are exempt from the day's share of unverified ones.
    share = None
    if booked_by is None:
        share = holds.day_share(service=service, location=location, start=start, person=person, now=now)
    tries = [*counsellors]
    while tries:
        appointment = _new_appointment(
            token=token,
            service=service,
            location=location,
            start=start,
            person=person,
            booked_by=booked_by,
            channel=channel,
            now=now,
        )
        appointment.counsellor_id, appointment.end = tries[0], end
        try:
            with transaction.atomic():
                hold(appointment)
                note = AppointmentHistory.Note.BOOKED
                if override_reason:
                    note = f"{AppointmentHistory.Note.OVERRIDE} {override_reason}"[:200]
                AppointmentHistory.objects.create(
                    appointment=appointment, new_status=appointment.status, by=booked_by, note=note
                )
                pending = appointment.status == Appointment.Status.PENDING
                link = holds.confirm_url(appointment) if pending else manage_url(token)
                notifications.appointment_booked(appointment, manage_url=link)
                # Last: the locks are held for the count and the commit only, and a booking
                # over a limit rolls back with everything it wrote.
                check_limits(
                    service=service,
                    person=person,
                    now=now,
                    contact=not override_reason,
                    share=share,
                    booking=appointment.pk,
                )
        except IntegrityError:
            # A booking code that exists already (rare) is drawn anew; else the occupancy's
            # unique constraint refused the time: the next counsellor.
            if not Appointment.objects.filter(code=appointment.code).exists():
                tries.pop(0)
            continue
        return Booked(appointment, token)
    return None


def hold(appointment: Appointment) -> None:
    """Writes the appointment and its occupancy rows; the unique constraint refuses overlaps.
    Only inside a transaction, with the checks of book_appointment (or for demo data)."""
    appointment.save(force_insert=True)
    Occupancy.objects.bulk_create(
        Occupancy(counsellor_id=appointment.counsellor_id, unit_start=u, appointment=appointment)
        for u in units(appointment.start, appointment.end, UNIT)
    )


def cancel_appointment(
    *,
    appointment: Appointment,
    by=None,
    by_office: bool = False,
    on_behalf: bool = False,
    reason: str = "",
    seen_start: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    """Cancels a booked appointment and frees its time at once. Only before it starts.

    `on_behalf`: a member of staff (`by`) cancels at the citizen's request, with a reason; the
    citizen gets the same receipt as after cancelling themselves. `seen_start`: the start the
    member of staff saw; a booking moved meanwhile is refused (kind "stale"), not overwritten."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(appointment)
        _check_seen(locked, seen_start)
        if not locked.can_move_to(Appointment.Status.CANCELLED):
            raise BookingError(_("Dieser Termin ist schon abgesagt oder vorbei."), kind="gone")
        if locked.start <= now and not by_office:
            raise BookingError(
                _("Dieser Termin hat schon begonnen und kann nicht mehr abgesagt werden."), kind="gone"
            )
        old = locked.status
        locked.status = Appointment.Status.CANCELLED
        locked.save(update_fields=["status"])
        Occupancy.objects.filter(appointment=locked).delete()
        note = reason
        if by_office:
            note = f"{AppointmentHistory.Note.BY_OFFICE} {reason}"
        elif on_behalf:
            note = f"{AppointmentHistory.Note.CANCELLED_ON_BEHALF} {reason}"
        note = note[:200]
        AppointmentHistory.objects.create(
            appointment=locked, old_status=old, new_status=locked.status, by=by, note=note
        )
        notifications.appointment_cancelled(locked, by_office=by_office, reason=reason)
    return locked


def _check_seen(locked: Appointment, seen_start: dt.datetime | None) -> None:
    """Refuses a change made from a page that showed another time than the booking has now."""
    if seen_start is not None and locked.start != seen_start:
        raise BookingError(
            _(
                "Dieser Termin wurde inzwischen geändert. Bitte prüfen Sie die aktuellen Angaben "
                "und wählen Sie dann erneut."
            ),
            kind="stale",
        )


def _locked(appointment: Appointment) -> Appointment:
    """The appointment read again under a row lock (inside the caller's transaction)."""
    return (
        Appointment.objects.select_for_update().select_related("service", "location").get(pk=appointment.pk)
    )


def cancel_for_office(*, appointment_ids: list[int], reason: str, by) -> list[Appointment]:
    """Cancels booked appointments for the office (absence, closure) in one step; each citizen
    is told through their channel. One cancelled meanwhile by the citizen, or begun, is skipped."""
    if not reason.strip():
        raise BookingError(_("Bitte geben Sie einen Grund an."))
    cancelled = []
    ahead = Appointment.objects.filter(
        pk__in=appointment_ids, status=Appointment.Status.BOOKED, start__gt=timezone.now()
    )
    for appointment in ahead:
        try:
            cancelled.append(
                cancel_appointment(appointment=appointment, by=by, by_office=True, reason=reason)
            )
        except BookingError:
            continue
    return cancelled


def move_appointment(
    *,
    appointment: Appointment,
    start: dt.datetime,
    token: str = "",
    by=None,
    reason: str = "",
    seen_start: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    """Moves a booked appointment to another free time. The new time is held before the old
    one is released, in one transaction: if the new time is gone, nothing changes.

    A member of staff moving it for the citizen passes `by` and a `reason` (kept in the history)
    and the start their page showed (`seen_start`): a booking moved meanwhile is refused."""
    now, start = now or timezone.now(), start.astimezone(dt.UTC)
    with transaction.atomic():
        locked = _locked(appointment)
        _check_seen(locked, seen_start)
        if locked.status != Appointment.Status.BOOKED or locked.start <= now:
            raise BookingError(_("Dieser Termin kann nicht mehr verschoben werden."), kind="gone")
        # Staff moving a booking for the citizen may use the reserved capacity.
        wanted = {"staff": by is not None, "counsellor": None}
        free = _free_counsellors(
            service=locked.service, location=locked.location, start=start, now=now, ignore=locked.pk, **wanted
        )
        old_start = locked.start
        end = start + dt.timedelta(minutes=locked.service.duration_minutes)
        preferred = sorted(free, key=lambda pk: pk != locked.counsellor_id)
        if not any(_try_to_move(locked, pk, start, end) for pk in preferred):
            raise _taken(locked.service, locked.location, start, now, **wanted)
        freecache.days_changed(locked.location_id, [timezone.localdate(old_start)])
        code = AppointmentHistory.Note.MOVED_ON_BEHALF if reason else AppointmentHistory.Note.MOVED
        note = f"{code} {timezone.localtime(old_start):%d.%m.%Y %H:%M}"
        note = (f"{note} – {reason}" if reason else note)[:200]
        AppointmentHistory.objects.create(
            appointment=locked, old_status=locked.status, new_status=locked.status, by=by, note=note
        )
        notifications.appointment_moved(
            locked, manage_url=manage_url(token) if token else "", previous_start=old_start
        )
    return locked


def _try_to_move(appointment: Appointment, counsellor_id: int, start: dt.datetime, end: dt.datetime) -> bool:
    wanted = set(units(start, end, UNIT))
    held = Occupancy.objects.filter(appointment=appointment)
    kept = set(held.filter(counsellor_id=counsellor_id).values_list("unit_start", flat=True)) & wanted
    try:
        with transaction.atomic():
            Occupancy.objects.bulk_create(
                Occupancy(counsellor_id=counsellor_id, unit_start=u, appointment=appointment)
                for u in sorted(wanted - kept)
            )
            held.exclude(counsellor_id=counsellor_id, unit_start__in=wanted).delete()
            appointment.counsellor_id, appointment.start, appointment.end = counsellor_id, start, end
            appointment.save(update_fields=["counsellor", "start", "end"])
    except IntegrityError:
        return False
    return True


def log_personal_data_access(
    *,
    user,
    what: str,
    appointment: Appointment | None = None,
    appointments: Iterable[Appointment | int] = (),
) -> int:
    """Records that a member of staff read citizens' personal data: one row per appointment
    shown (who, whose, what; when is the row's time). One query, however many appointments."""
    ids = [getattr(a, "pk", a) for a in appointments]
    if appointment is not None:
        ids.append(appointment.pk)
    rows = [PersonalDataAccess(user=user, appointment_id=pk, what=what[:200]) for pk in ids]
    return len(PersonalDataAccess.objects.bulk_create(rows))


def resend_confirmation(*, appointment: Appointment) -> None:
    """Sends the confirmation e-mail again for a member of staff, with a new personal link (the
    old one keeps working until the new one is used, as with "Persönlichen Link verloren?").
    Only for a coming booking with an e-mail address."""
    with transaction.atomic():
        locked = _locked(appointment)
        if locked.status != Appointment.Status.BOOKED or locked.start <= timezone.now() or not locked.email:
            raise BookingError(
                _("Für diesen Termin kann keine Bestätigung mehr gesendet werden."), kind="gone"
            )
        token = new_token()
        locked.new_token_hash = hash_token(token)
        locked.save(update_fields=["new_token_hash"])
        notifications.manage_link_requested(locked, manage_url=manage_url(token))


def resend_letter(*, appointment: Appointment) -> None:
    """Puts the reminder letter of a coming booking into the next print batch again (a member
    of staff asked for it, e.g. the citizen lost it)."""
    with transaction.atomic():
        locked = _locked(appointment)
        if locked.status != Appointment.Status.BOOKED or locked.start <= timezone.now() or not locked.street:
            raise BookingError(_("Für diesen Termin kann kein Brief mehr gesendet werden."), kind="gone")
        notifications.letter_requested(locked)


def _check_offer(*, service, location, start, now) -> None:
    if not service.offers_appointment or not service.active or not location.active:
        raise BookingError(_("Für dieses Anliegen kann hier kein Termin gebucht werden."))
    if start <= now:
        raise BookingError(_("Diese Zeit liegt in der Vergangenheit. Bitte wählen Sie eine andere Zeit."))


def _not_offered() -> BookingError:
    return BookingError(_("Dieses Anliegen wird an diesem Standort nicht angeboten."))


def _day_not_bookable() -> BookingError:
    return BookingError(
        _("An diesem Tag können Sie keinen Termin buchen. Bitte wählen Sie einen anderen Tag.")
    )


def _free_counsellors(
    *, service, location, start, now, ignore: int | None = None, staff: bool = False, counsellor=None
) -> tuple[int, ...]:
    """The counsellors free at `start` (least loaded first), or the reason why there is none."""
    _check_offer(service=service, location=location, start=start, now=now)
    wanted = {"staff": staff, "counsellor": counsellor}
    offer = offer_at(service=service, location=location, start=start, now=now, ignore=ignore, **wanted)
    if not offer.offered:
        raise _not_offered()
    if not offer.bookable_day:
        raise _day_not_bookable()
    if not offer.counsellors:
        raise _taken(service, location, start, now, **wanted)
    return offer.counsellors


def _taken(service, location, start, now, *, staff: bool = False, counsellor=None) -> BookingError:
    later = availability(
        service=service,
        location=location,
        start=timezone.localtime(start).date(),
        now=now,
        staff=staff,
        counsellor=counsellor,
    )
    return BookingError(
        _("Dieser Termin wurde gerade vergeben. Bitte wählen Sie eine andere Zeit."),
        kind="taken",
        next_free=next_free(later.days, count=3, after=start),
    )
