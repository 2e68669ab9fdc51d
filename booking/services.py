"""Every write to appointments: book, move, cancel. The HTML views and the API call these."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from sozialamt.models import Location, Service

from . import bookingsql, freecache, notifications
from .models import UNIT_MINUTES, Appointment, AppointmentHistory, ContactLock, Occupancy, PersonalDataAccess
from .selectors import availability, hash_token, static_plan
from .slots import Slot, next_free, offers_start, units

# Easy to read out on the phone: no 0/O, 1/I/L look-alikes.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
UNIT = dt.timedelta(minutes=UNIT_MINUTES)


class BookingError(Exception):
    """A booking, move or cancellation that cannot be done; the message is for the citizen."""

    def __init__(self, message: str, *, kind: str = "invalid", next_free: list[Slot] | None = None):
        super().__init__(message)
        self.message = message
        self.kind = kind  # invalid | taken | limit | gone
        self.next_free = next_free or []


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
    now: dt.datetime | None = None,
) -> Booked:
    """Books the free time `start` with the least-loaded free counsellor.

    `person` holds validated personal fields (see forms.PersonForm). Raises BookingError when
    the time is not bookable or was just taken (with the next free times)."""
    now = now or timezone.now()
    if _in_one_statement():
        return _book_in_one_statement(
            service=service, location=location, start=start, person=person, booked_by=booked_by, now=now
        )
    slot = _free_slot(service=service, location=location, start=start, now=now)
    with transaction.atomic():
        _check_contact_limit(service=service, person=person, now=now)
        booked = _book_slot(slot=slot, service=service, location=location, person=person, booked_by=booked_by)
    if booked is None:
        raise _taken(service, location, start, now)
    return booked


def _new_appointment(*, token: str, service, location, start, person: dict, booked_by) -> Appointment:
    return Appointment(
        code=new_code(),
        token_hash=hash_token(token),
        service=service,
        location=location,
        start=start,
        booked_by=booked_by,
        **{
            name: person.get(name, Appointment._meta.get_field(name).get_default())
            for name in [*Appointment.PERSONAL_FIELDS, *Appointment.CHOICES_KEPT]
        },
    )


def _book_slot(*, slot: Slot, service: Service, location: Location, person: dict, booked_by) -> Booked | None:
    token = new_token()
    for counsellor_id in slot.counsellors:
        appointment = _new_appointment(
            token=token,
            service=service,
            location=location,
            start=slot.start,
            person=person,
            booked_by=booked_by,
        )
        appointment.counsellor_id, appointment.end = counsellor_id, slot.end
        # One transaction per counsellor tried: a lost race on one rolls back only that try.
        try:
            with transaction.atomic():
                _hold(appointment)
                AppointmentHistory.objects.create(
                    appointment=appointment, new_status=appointment.status, by=booked_by, note=_("gebucht")
                )
                notifications.appointment_booked(appointment, manage_url=manage_url(token))
        except _SlotTaken:
            continue
        return Booked(appointment, token)
    return None


class _SlotTaken(Exception):
    pass


# --- PostgreSQL: one round trip per booking -------------------------------------------------


def _in_one_statement() -> bool:
    return connection.vendor == "postgresql"


def _book_in_one_statement(
    *, service: Service, location: Location, start: dt.datetime, person: dict, booked_by, now: dt.datetime
) -> Booked:
    """Books like the portable path, in one round trip to PostgreSQL.

    The time is checked against the office's and counsellors' hours without the bookings
    (cached). Then one query text locks the contact, counts its active bookings, picks the least
    loaded counsellor without a booking at the time and writes the appointment, its occupancy,
    history and messages. Several statements in one query text run as one
    transaction, each with a fresh snapshot, so the count sees every booking committed while
    this one waited for the contact's lock. The occupancy's unique constraint still decides:
    a counsellor taken meanwhile makes the statement fail, and the next try picks another."""
    candidates = _candidates(service=service, location=location, start=start, now=now)
    token = new_token()
    appointment = _new_appointment(
        token=token, service=service, location=location, start=start, person=person, booked_by=booked_by
    )
    appointment.end = start + dt.timedelta(minutes=service.duration_minutes)
    messages, too_late = notifications.new_booking_messages(
        appointment, manage_url=manage_url(token), now=now
    )
    history = AppointmentHistory(
        appointment=appointment, new_status=appointment.status, by=booked_by, note=_("gebucht")
    )
    email, phone = person.get("email", ""), person.get("phone", "")
    # A transaction of our own only when the call list must be written with the booking;
    # inside someone else's, a savepoint keeps a lost race from spoiling it.
    atomic = transaction.atomic if too_late or connection.in_atomic_block else nullcontext
    stale_once = False
    for _attempt in range(len(candidates) + 3):
        query, params = bookingsql.booking(
            appointment=appointment,
            history=history,
            messages=messages,
            candidates=candidates,
            units=units(appointment.start, appointment.end, UNIT),
            contact_keys=_contact_keys(service=service, email=email, phone=phone),
            email=email,
            phone=phone,
            max_active=settings.BOOKING_MAX_ACTIVE_PER_CONTACT,
            now=now,
        )
        try:
            with atomic():
                outcome = bookingsql.run(query, params, appointment=appointment, messages=messages)
                if outcome == bookingsql.BOOKED and too_late:
                    notifications.letter_too_late(appointment)
        except bookingsql.StaleStatement:
            if stale_once:
                raise
            stale_once = True
            continue  # prepared anew on the next try
        except IntegrityError as error:
            if bookingsql.constraint(error) == bookingsql.OCCUPANCY_CONSTRAINT:
                continue  # taken meanwhile: the next try sees it and picks another counsellor
            if Appointment.objects.filter(code=appointment.code).exists():
                appointment.code = new_code()
                continue
            raise
        break
    else:
        outcome = bookingsql.TAKEN
    if outcome == bookingsql.LIMIT:
        raise _limit_reached()
    if outcome == bookingsql.TAKEN:
        raise _taken(service, location, start, now)
    if connection.in_atomic_block or not notifications.due_now(messages, now=now):
        notifications.booking_inserted(messages, now=now)
        freecache.bump_after_commit()
    else:  # committed already: the free times' generation and the worker's kick in one round trip
        notifications.kicked(freecache.bump_and_add(*notifications.KICK))
    return Booked(appointment, token)


def _candidates(*, service: Service, location: Location, start: dt.datetime, now: dt.datetime) -> list[int]:
    """The counsellors whose hours offer `start`, bookings aside; the same refusals as _free_slot."""
    _check_offer(service=service, location=location, start=start, now=now)
    day = timezone.localtime(start).date()
    plan = static_plan(service=service, location=location, day=day, now=now)
    if not plan.offered:
        raise _not_offered()
    office_day = plan.day(day)
    if (
        office_day is None
        or not office_day.is_open
        or not plan.window.first_day <= day <= plan.window.last_day
    ):
        raise _day_not_bookable()
    duration = dt.timedelta(minutes=service.duration_minutes)
    step = dt.timedelta(minutes=settings.BOOKING_SLOT_STEP_MINUTES)
    found = plan.offering.get((start, duration, step))
    if found is None:
        tz = timezone.get_default_timezone()
        found = [c.id for c in plan.counsellors if offers_start(c, office_day, tz, start, duration, step)]
        if not found:
            raise _taken(service, location, start, now)
        plan.offering[start, duration, step] = found
    return found


def _insert_with_free_code(appointment: Appointment, attempts: int = 5) -> None:
    """Inserts the appointment; a code that exists already (rare) is replaced, not taken for a
    lost race on the time."""
    for _attempt in range(attempts):
        try:
            with transaction.atomic():
                appointment.save(force_insert=True)
            return
        except IntegrityError:
            appointment.pk = None
            if not Appointment.objects.filter(code=appointment.code).exists():
                raise
            appointment.code = new_code()
    raise IntegrityError("no free booking code")


def _hold(appointment: Appointment) -> None:
    """Writes the appointment and its occupancy rows; the unique constraint refuses overlaps."""
    try:
        _insert_with_free_code(appointment)
        Occupancy.objects.bulk_create(
            Occupancy(counsellor_id=appointment.counsellor_id, unit_start=u, appointment=appointment)
            for u in units(appointment.start, appointment.end, UNIT)
        )
    except IntegrityError as error:
        appointment.pk = None
        raise _SlotTaken from error


def cancel_appointment(
    *,
    appointment: Appointment,
    by=None,
    by_office: bool = False,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Appointment:
    """Cancels a booked appointment and frees its time at once. Only before it starts."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(appointment)
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
        note = _("Absage durch das Amt: %(reason)s") % {"reason": reason} if by_office else reason
        AppointmentHistory.objects.create(
            appointment=locked, old_status=old, new_status=locked.status, by=by, note=note[:200]
        )
        notifications.appointment_cancelled(locked, by_office=by_office, reason=reason)
    return locked


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
    *, appointment: Appointment, start: dt.datetime, token: str = "", by=None, now: dt.datetime | None = None
) -> Appointment:
    """Moves a booked appointment to another free time. The new time is held before the old
    one is released, in one transaction: if the new time is gone, nothing changes."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(appointment)
        if locked.status != Appointment.Status.BOOKED or locked.start <= now:
            raise BookingError(_("Dieser Termin kann nicht mehr verschoben werden."), kind="gone")
        slot = _free_slot(
            service=locked.service, location=locked.location, start=start, now=now, ignore=locked.pk
        )
        old_start = locked.start
        preferred = sorted(slot.counsellors, key=lambda pk: pk != locked.counsellor_id)
        if not any(_try_to_move(locked, pk, slot) for pk in preferred):
            raise _taken(locked.service, locked.location, start, now)
        note = _("verschoben von %(old)s") % {"old": timezone.localtime(old_start).strftime("%d.%m.%Y %H:%M")}
        AppointmentHistory.objects.create(
            appointment=locked, old_status=locked.status, new_status=locked.status, by=by, note=note
        )
        notifications.appointment_moved(
            locked, manage_url=manage_url(token) if token else "", previous_start=old_start
        )
    return locked


def _try_to_move(appointment: Appointment, counsellor_id: int, slot: Slot) -> bool:
    wanted = set(units(slot.start, slot.end, UNIT))
    held = Occupancy.objects.filter(appointment=appointment)
    kept = set(held.filter(counsellor_id=counsellor_id).values_list("unit_start", flat=True)) & wanted
    try:
        with transaction.atomic():
            Occupancy.objects.bulk_create(
                Occupancy(counsellor_id=counsellor_id, unit_start=u, appointment=appointment)
                for u in sorted(wanted - kept)
            )
            held.exclude(counsellor_id=counsellor_id, unit_start__in=wanted).delete()
            appointment.counsellor_id, appointment.start, appointment.end = (
                counsellor_id,
                slot.start,
                slot.end,
            )
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


def _free_slot(*, service, location, start, now, ignore: int | None = None) -> Slot:
    _check_offer(service=service, location=location, start=start, now=now)
    day = timezone.localtime(start).date()
    found = availability(
        service=service, location=location, start=day, end=day, now=now, ignore_appointment=ignore, keep=False
    )
    if not found.offered:
        raise _not_offered()
    plan = found.day(day)
    if plan is None or not plan.bookable:
        raise _day_not_bookable()
    slot = found.slot_at(start)
    if slot is None:
        raise _taken(service, location, start, now)
    return slot


def _taken(service, location, start, now) -> BookingError:
    later = availability(service=service, location=location, start=timezone.localtime(start).date(), now=now)
    return BookingError(
        _("Dieser Termin wurde gerade vergeben. Bitte wählen Sie eine andere Zeit."),
        kind="taken",
        next_free=next_free(later.days, count=3, after=start),
    )


def _contact_keys(*, service: Service, email: str, phone: str) -> list[str]:
    """The lock keys of a booking's contacts, sorted (two bookings lock in the same order and
    cannot deadlock); keyed hashes, never the addresses."""
    return sorted(
        salted_hmac("booking.contact", f"{service.pk}:{kind}:{value}").hexdigest()
        for kind, value in (("email", email.strip().lower()), ("phone", phone.strip()))
        if value
    )


def _lock_contacts(*, service: Service, email: str, phone: str) -> None:
    """Takes the row lock of each contact of this booking until the transaction ends.

    Without it two simultaneous bookings of one contact would both count zero and both insert."""
    keys = _contact_keys(service=service, email=email, phone=phone)
    for key in keys:  # always in the same order, so two bookings cannot deadlock
        ContactLock.objects.get_or_create(key=key)
    list(ContactLock.objects.select_for_update().filter(key__in=keys).order_by("key"))


def _check_contact_limit(*, service: Service, person: dict, now: dt.datetime) -> None:
    """Refuses a further active booking of the same e-mail or phone for this service.

    Must run inside the booking's transaction: the contact stays locked until it commits."""
    email, phone = person.get("email", ""), person.get("phone", "")
    if not email and not phone:
        return
    _lock_contacts(service=service, email=email, phone=phone)
    same_contact = Q(email__iexact=email) if email else Q()
    if phone:
        same_contact = (same_contact | Q(phone=phone)) if email else Q(phone=phone)
    active = Appointment.objects.filter(
        same_contact, service=service, status=Appointment.Status.BOOKED, end__gt=now
    ).count()
    if active >= settings.BOOKING_MAX_ACTIVE_PER_CONTACT:
        raise _limit_reached()


def _limit_reached() -> BookingError:
    return BookingError(
        _(
            "Für dieses Anliegen haben Sie schon einen Termin. Bitte sagen Sie ihn ab oder "
            "verschieben Sie ihn über den Link in Ihrer Bestätigung."
        ),
        kind="limit",
    )


def send_new_manage_link(
    *, code: str, postcode: str = "", name_start: str = "", now: dt.datetime | None = None
) -> bool:
    """A citizen lost the personal link: when code and postcode (or the name's first letters)
    match a coming booking with an e-mail address, a new token replaces the old one and the
    confirmation with the new link goes to that address. True when sent; the caller must not
    tell the citizen which, so the page reveals nothing about a booking."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update()
            .filter(code=code, status=Appointment.Status.BOOKED, start__gt=now)
            .exclude(email="")
            .first()
        )
        if appointment is None or not _identifies(appointment, postcode=postcode, name_start=name_start):
            return False
        token = new_token()
        appointment.token_hash = hash_token(token)
        appointment.save(update_fields=["token_hash"])
        notifications.manage_link_requested(appointment, manage_url=manage_url(token))
    return True


def _identifies(appointment: Appointment, *, postcode: str, name_start: str) -> bool:
    if postcode:
        return bool(appointment.postcode) and appointment.postcode == postcode
    name = appointment.name.strip().casefold()
    return len(name_start) >= 3 and name.startswith(name_start.strip().casefold())
