"""Every write around messages: scheduling, the sweep, the claim, sending, the call list and
deleting personal data on time.

No service queues a task: those that make e-mails due now return their ids, and the caller
(messaging/notify.py, messaging/tasks.py) hands them to the worker."""

import datetime as dt
import logging
import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from booking.models import Appointment, AppointmentHistory, ContactLock, PersonalDataAccess
from sozialamt.hours import aware
from sozialamt.selectors import office_calendar, public_holidays

from . import emails
from .models import CallListEntry, Message, PrintBatch
from .timing import email_reminder_due, letter_posting_day, retry_delay

logger = logging.getLogger(__name__)

Kind, Channel, Status = Message.Kind, Message.Channel, Message.Status


class ReminderError(Exception):
    """A staff action on messages, batches or the call list cannot be done; the text says why."""


# --- scheduling (called through messaging/notify.py inside the booking's transaction) --------


def posting_day(appointment: Appointment) -> dt.date:
    """The last day a letter about this appointment can be posted. Two queries."""
    day = timezone.localdate(appointment.start)
    window_start = day - dt.timedelta(days=60)
    calendar = office_calendar(appointment.location, window_start, day)
    holidays = public_holidays(window_start, day)
    return letter_posting_day(
        calendar, day, appointment.location.letter_working_days, is_holiday=holidays.__contains__
    )


def plan_messages(
    appointment: Appointment, now: dt.datetime
) -> tuple[dict[tuple[str, str], dt.datetime], bool]:
    """(kind, channel) → due moment of the confirmation and reminders a booking should get, and
    whether a letter would come too late (then the citizen belongs on the call list instead)."""
    planned: dict[tuple[str, str], dt.datetime] = {}
    too_late = False
    if appointment.email:  # the confirmation goes to any address given, whatever the reminder
        planned[(Kind.CONFIRMATION, Channel.EMAIL)] = now
    if appointment.status == Appointment.Status.PENDING:
        return planned, False  # a hold: only the e-mail asking to confirm, no reminder or letter
    if appointment.wants_email:
        due = email_reminder_due(appointment.start, appointment.location.email_reminder_days)
        if due is not None and due > now:
            planned[(Kind.REMINDER, Channel.EMAIL)] = due
    if appointment.wants_letter:
        day = posting_day(appointment)
        if day >= timezone.localdate(now):
            planned[(Kind.REMINDER, Channel.LETTER)] = aware(day, dt.time())
        else:
            too_late = True
    return planned, too_late


def _planned_messages(appointment: Appointment, now: dt.datetime) -> dict[tuple[str, str], dt.datetime]:
    planned, too_late = plan_messages(appointment, now)
    if too_late:
        add_to_call_list(appointment=appointment, reason=CallListEntry.Reason.TOO_LATE)
    return planned


def new_booking_messages(appointment: Appointment, link: str, now: dt.datetime) -> tuple[list[Message], bool]:
    """The unsaved message rows of a new booking, and whether it is too late for a letter."""
    planned, too_late = plan_messages(appointment, now)
    rows = [
        Message(
            appointment=appointment,
            kind=kind,
            channel=channel,
            due_at=due,
            link=link if kind == Kind.CONFIRMATION else "",
        )
        for (kind, channel), due in planned.items()
    ]
    return rows, too_late


def to_send_now(messages: Iterable[Message], now: dt.datetime) -> list[int]:
    """The ids of the e-mails among the messages that are due now (the worker sends them after commit)."""
    return [m.pk for m in messages if m.channel == Channel.EMAIL and m.due_at <= now]


@transaction.atomic(savepoint=False)
def schedule_messages(*, appointment: Appointment, link: str = "") -> list[int]:
    """Creates the confirmation and reminder rows of a new booking; returns the e-mails due now.
    Must run inside its transaction.

    `link` is the personal management link; it is kept only until the confirmation is sent."""
    now = timezone.now()
    rows, too_late = new_booking_messages(appointment, link, now)
    if too_late:
        add_to_call_list(appointment=appointment, reason=CallListEntry.Reason.TOO_LATE)
    return to_send_now(Message.objects.bulk_create(rows), now)


@transaction.atomic
def reschedule_messages(
    *, appointment: Appointment, link: str = "", previous_start: dt.datetime | None = None
) -> list[int]:
    """A booking moved: confirm the new time (naming the old) and plan the reminders anew;
    returns the e-mails due now.

    A letter already in a print batch stays there (it names the old time): the citizen goes on
    the call list instead. An e-mail in flight is left alone."""
    now = timezone.now()
    planned = _planned_messages(appointment, now)
    existing = {
        (m.kind, m.channel): m
        for m in appointment.messages.filter(kind__in=[Kind.CONFIRMATION, Kind.REMINDER])
    }
    for key, message in existing.items():
        if key not in planned and message.status == Status.PENDING:
            Message.objects.filter(pk=message.pk, status=Status.PENDING).update(
                status=Status.CANCELLED, link=""
            )
    queue = []
    for (kind, channel), due in planned.items():
        message = existing.get((kind, channel))
        values = {
            "status": Status.PENDING,
            "due_at": due,
            "attempts": 0,
            "sent_at": None,
            "claimed_at": None,
            "queued_at": None,
            "last_error": "",
            "link": link if kind == Kind.CONFIRMATION else "",
            "previous_start": previous_start if kind == Kind.CONFIRMATION else None,
        }
        if message is None:
            message = Message.objects.create(appointment=appointment, kind=kind, channel=channel, **values)
        elif (
            not Message.objects.filter(pk=message.pk, batch__isnull=True)
            .exclude(status=Status.SENDING)
            .update(**values)
        ):
            if channel == Channel.LETTER:
                add_to_call_list(appointment=appointment, reason=CallListEntry.Reason.MOVED_AFTER_LETTER)
            continue
        if channel == Channel.EMAIL and due <= now:
            queue.append(message.pk)
    return queue


@transaction.atomic
def resend_confirmation(*, appointment: Appointment, link: str) -> list[int]:
    """Makes the confirmation e-mail due again, now with this personal link (a new token)."""
    now = timezone.now()
    message, _ = Message.objects.get_or_create(
        appointment=appointment, kind=Kind.CONFIRMATION, channel=Channel.EMAIL, defaults={"due_at": now}
    )
    fresh = {"status": Status.PENDING, "due_at": now, "attempts": 0, "sent_at": None, "link": link}
    fresh |= {"previous_start": None}  # a new link, not a new time
    fresh |= {"claimed_at": None, "queued_at": None, "last_error": ""}
    # One being sent at this very moment is left alone (the citizen can simply ask again).
    if Message.objects.filter(pk=message.pk).exclude(status=Status.SENDING).update(**fresh):
        return [message.pk]
    return []


def lapse_messages(*, appointment: Appointment) -> int:
    """The appointment's messages not sent yet will not be sent (a released hold)."""
    return appointment.messages.filter(status=Status.PENDING).update(status=Status.CANCELLED, link="")


@transaction.atomic
def resend_letter(*, appointment: Appointment) -> None:
    """Makes the reminder letter due today again, for the next print batch: one already printed
    leaves its batch (the batch's PDF keeps the copy that was posted). One being printed at
    this very moment is left alone."""
    today = aware(timezone.localdate(), dt.time())
    fresh = {"status": Status.PENDING, "due_at": today, "batch": None, "sent_at": None, "claimed_at": None}
    message, created = Message.objects.get_or_create(
        appointment=appointment, kind=Kind.REMINDER, channel=Channel.LETTER, defaults={"due_at": today}
    )
    if not created:
        Message.objects.filter(pk=message.pk).exclude(status=Status.SENDING).update(**fresh, last_error="")


@transaction.atomic
def cancel_messages(*, appointment: Appointment, by_office: bool = False, reason: str = "") -> list[int]:
    """A booking was cancelled: its pending messages lapse; if the office cancelled, the citizen
    is told through their channel (or put on the call list when a letter would come too late);
    if the citizen cancelled, they get a receipt. Returns the e-mails due now."""
    appointment.messages.filter(status=Status.PENDING).exclude(
        kind__in=[Kind.CANCELLED, Kind.RECEIPT]
    ).update(status=Status.CANCELLED, link="")
    if not by_office:
        return send_receipt(appointment=appointment)
    planned = _reachable_now(appointment)
    if Channel.LETTER not in planned and (appointment.wants_letter or (not planned and appointment.phone)):
        add_to_call_list(appointment=appointment, reason=CallListEntry.Reason.CANCELLED)
    return _notices(appointment, Kind.CANCELLED, planned, reason=reason[:200])


def _reachable_now(appointment: Appointment) -> dict[str, dt.datetime]:
    """When a notice about the appointment goes out by each channel that still reaches the
    citizen: e-mail to any address given (even if they chose a letter or nothing), a letter
    when one can still be posted before the appointment's day."""
    now = timezone.now()
    planned: dict[str, dt.datetime] = {}
    if appointment.email:
        planned[Channel.EMAIL] = now
    if appointment.wants_letter and posting_day(appointment) >= timezone.localdate(now):
        planned[Channel.LETTER] = aware(timezone.localdate(now), dt.time())
    return planned


def _notices(appointment: Appointment, kind: str, planned: dict[str, dt.datetime], **fields) -> list[int]:
    """Writes (or makes due again) one notice per planned channel; returns the e-mails due now."""
    queue = []
    for channel, due in planned.items():
        message, _ = Message.objects.update_or_create(
            appointment=appointment,
            kind=kind,
            channel=channel,
            defaults={"due_at": due, "status": Status.PENDING, **fields},
        )
        if channel == Channel.EMAIL:
            queue.append(message.pk)
    return queue


def send_receipt(*, appointment: Appointment) -> list[int]:
    """The citizen cancelled: a receipt through their channel, by e-mail to any address given
    and by letter when one can still be posted before the appointment's day (no call list:
    the citizen knows already)."""
    return _notices(appointment, Kind.RECEIPT, _reachable_now(appointment))


def add_to_call_list(*, appointment: Appointment, reason: str) -> None:
    """Puts a citizen on the clerks' call list (once per reason)."""
    CallListEntry.objects.get_or_create(appointment=appointment, reason=reason)


# --- the sweep, the claim, sending --------------------------------------------------------------


def sweep_due_messages(*, now: dt.datetime | None = None, limit: int | None = None) -> list[int]:
    """Ids of due e-mails to queue now (at most `limit`), marked as queued. Three queries.

    First releases claims older than MESSAGE_CLAIM_TIMEOUT_SECONDS: their worker died."""
    now = now or timezone.now()
    limit = limit or settings.MESSAGE_SWEEP_BATCH
    stale = now - dt.timedelta(seconds=settings.MESSAGE_CLAIM_TIMEOUT_SECONDS)
    Message.objects.filter(channel=Channel.EMAIL, status=Status.SENDING, claimed_at__lt=stale).update(
        status=Status.PENDING, claimed_at=None, queued_at=None
    )
    requeue = now - dt.timedelta(seconds=settings.MESSAGE_REQUEUE_SECONDS)
    # Sweeps that overlap (the beat's and a kicked one) take different rows, not the same twice.
    with transaction.atomic():
        ids = list(
            Message.objects.filter(channel=Channel.EMAIL, status=Status.PENDING, due_at__lte=now)
            .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=requeue))
            .order_by("due_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Message.objects.filter(pk__in=ids).update(queued_at=now)
    return ids


def claim_message(*, message_id: int, now: dt.datetime) -> bool:
    """Takes a due e-mail for sending: a conditional UPDATE that only one worker can win."""
    return bool(
        Message.objects.filter(
            pk=message_id, channel=Channel.EMAIL, status=Status.PENDING, due_at__lte=now
        ).update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )


def send_email_message(*, message_id: int) -> str:
    """Sends one due e-mail once: claim, send, mark sent. Returns what happened.

    Deliberately not one transaction: the claim must be committed before the SMTP conversation
    so that no other worker sends it meanwhile. If this worker dies between sending and marking
    sent, the claim goes stale and the message is sent again: at most the one in flight twice."""
    now = timezone.now()
    if not claim_message(message_id=message_id, now=now):
        return "not-due-or-taken"
    message = Message.objects.select_related(
        "appointment__service", "appointment__location", "appointment__counsellor"
    ).get(pk=message_id)
    mine = Message.objects.filter(pk=message_id, status=Status.SENDING, claimed_at=now)
    if _lapsed(message, now):
        mine.update(status=Status.CANCELLED, link="")
        return "lapsed"
    try:
        emails.build_email(message).send()
    except (smtplib.SMTPException, OSError) as exc:
        return _failed_attempt(mine, message, exc, now)
    except Exception as exc:  # a template or data error will not heal by retrying
        # Class and id only: the message text or a traceback could carry personal data.
        logger.error("E-mail %s could not be built: %s", message_id, type(exc).__name__)
        mine.update(status=Status.FAILED, last_error=f"{type(exc).__name__}: {exc}"[:500], link="")
        return "failed"
    mine.update(status=Status.SENT, sent_at=timezone.now(), link="", last_error="")
    return "sent"


def _lapsed(message: Message, now: dt.datetime) -> bool:
    appointment = message.appointment
    if message.kind in (Kind.CANCELLED, Kind.RECEIPT):  # about a cancelled booking, on purpose
        return False
    wanted = appointment.email if message.kind == Kind.CONFIRMATION else appointment.wants_email
    # A pending hold gets its confirmation (which asks to confirm), nothing else.
    live = appointment.status == Appointment.Status.BOOKED or (
        appointment.status == Appointment.Status.PENDING and message.kind == Kind.CONFIRMATION
    )
    return not live or appointment.start <= now or not wanted


def _failed_attempt(mine, message: Message, exc: Exception, now: dt.datetime) -> str:
    error = f"{type(exc).__name__}: {exc}"[:500]
    # The SMTP reply names the recipient: the log gets the class and the message id only.
    logger.warning("E-mail %s failed (attempt %s): %s", message.pk, message.attempts, type(exc).__name__)
    if message.attempts >= settings.MESSAGE_MAX_ATTEMPTS:
        mine.update(status=Status.FAILED, last_error=error, link="")
        if message.appointment.start > now:
            add_to_call_list(appointment=message.appointment, reason=CallListEntry.Reason.EMAIL_FAILED)
        return "failed"
    delay = retry_delay(
        message.attempts, base=settings.MESSAGE_RETRY_BASE_SECONDS, cap=settings.MESSAGE_RETRY_MAX_SECONDS
    )
    mine.update(status=Status.PENDING, due_at=now + delay, claimed_at=None, queued_at=None, last_error=error)
    return "retry"


# --- staff actions ---------------------------------------------------------------------------------


@transaction.atomic
def tick_off_call(*, entry_id: int, user: AbstractBaseUser) -> None:
    """A clerk has phoned the citizen; the entry leaves the open call list."""
    if not CallListEntry.objects.filter(pk=entry_id, done_at__isnull=True).update(
        done_at=timezone.now(), done_by=user
    ):
        raise ReminderError("Dieser Eintrag ist schon erledigt.")


# --- deleting on time -----------------------------------------------------------------------------


@transaction.atomic
def delete_personal_data(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Empties the personal data of past and cancelled appointments and deletes old print files.

    What stays is anonymous: service, location, counsellor, time, status, reminder channel,
    language, the message rows without address or error text and the call-list entries (for
    statistics)."""
    now = now or timezone.now()
    days = dt.timedelta
    cancelled_long_ago = AppointmentHistory.objects.filter(
        appointment=OuterRef("pk"),
        new_status=Appointment.Status.CANCELLED,
        at__lt=now - days(days=settings.RETENTION_CANCELLED_DAYS),
    )
    due = Appointment.objects.filter(anonymised_at__isnull=True).filter(
        Q(end__lt=now - days(days=settings.RETENTION_APPOINTMENT_DAYS))
        | Q(status=Appointment.Status.CANCELLED, end__lt=now)
        | Q(Exists(cancelled_long_ago), status=Appointment.Status.CANCELLED)
    )
    ids = list(due.values_list("pk", flat=True))
    counts = {
        "appointments": Appointment.objects.filter(pk__in=ids).update(
            **Appointment.PERSONAL_FIELDS, anonymised_at=now
        )
    }
    Message.objects.filter(appointment__in=ids).update(link="", last_error="")
    # The entry itself names nobody once its appointment is emptied; it stays (ticked off) for
    # the statistics and leaves the clerks' lists.
    counts["call_list"] = CallListEntry.objects.filter(appointment__in=ids, done_at__isnull=True).update(
        done_at=now
    )
    counts["print_batches"] = _delete_print_files(now)
    # Contact locks only serialise simultaneous bookings; a day later they are of no use.
    ContactLock.objects.filter(created_at__lt=now - days(days=1)).delete()
    counts["access_log"] = PersonalDataAccess.objects.filter(
        at__lt=now - days(days=settings.RETENTION_ACCESS_LOG_DAYS)
    ).delete()[0]
    return counts


def _delete_print_files(now: dt.datetime) -> int:
    days = dt.timedelta
    batches = PrintBatch.objects.filter(file_deleted_at__isnull=True).filter(
        Q(posted_at__lt=now - days(days=settings.RETENTION_PRINT_BATCH_DAYS))
        | Q(
            posted_at__isnull=True,
            created_at__lt=now - days(days=settings.RETENTION_UNPOSTED_PRINT_BATCH_DAYS),
        )
    )
    deleted = 0
    for batch in batches:
        if batch.file:
            batch.file.delete(save=False)
        PrintBatch.objects.filter(pk=batch.pk).update(file="", file_deleted_at=now)
        deleted += 1
    return deleted
