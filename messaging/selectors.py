"""Reads for the staff pages around letters, the call list and cancelling by the office."""

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from booking.models import Appointment
from sozialamt.hours import aware

from .models import CallListEntry, Message, PrintBatch


def print_batches(limit: int = 60) -> QuerySet[PrintBatch]:
    """The latest print batches with who printed and posted them. One query."""
    return PrintBatch.objects.select_related("printed_by", "posted_by")[:limit]


def failed_letters(batch: PrintBatch) -> QuerySet[Message]:
    """The letters of a batch that could not be made, with their appointment. One query."""
    return batch.letters.filter(status=Message.Status.FAILED).select_related("appointment")


def letters_due_today(today: dt.date) -> int:
    """How many letters wait for today's (or a later) batch. One query."""
    return Message.objects.filter(
        channel=Message.Channel.LETTER,
        status=Message.Status.PENDING,
        batch__isnull=True,
        due_at__lt=aware(today + dt.timedelta(days=1), dt.time()),
    ).count()


def open_calls() -> QuerySet[CallListEntry]:
    """Citizens still to be phoned, soonest appointment first. One query."""
    return (
        CallListEntry.objects.filter(done_at__isnull=True, appointment__anonymised_at__isnull=True)
        .select_related("appointment__service", "appointment__location", "appointment__counsellor")
        .order_by("appointment__start", "pk")
    )


def recent_calls(limit: int = 20) -> QuerySet[CallListEntry]:
    """The calls ticked off last, with who did it. One query."""
    return (
        CallListEntry.objects.filter(done_at__isnull=False, appointment__anonymised_at__isnull=True)
        .select_related("appointment", "done_by")
        .order_by("-done_at")[:limit]
    )


def affected_appointments(
    *, location_id: int, counsellor_id: int | None, first_day: dt.date, last_day: dt.date
) -> QuerySet[Appointment]:
    """Booked appointments still ahead at a location (of one counsellor, if given) between two
    days; one that has begun cannot be cancelled any more. One query."""
    appointments = Appointment.objects.filter(
        location_id=location_id,
        status=Appointment.Status.BOOKED,
        start__gt=timezone.now(),
        start__gte=aware(first_day, dt.time()),
        start__lt=aware(last_day + dt.timedelta(days=1), dt.time()),
    ).select_related("service", "counsellor")
    if counsellor_id:
        appointments = appointments.filter(counsellor_id=counsellor_id)
    return appointments.order_by("start")
