"""Reads for the staff pages around letters, the call list and cancelling by the office."""

import datetime as dt

from django.db.models import QuerySet

from booking import affected
from booking.models import Appointment
from sozialamt.hours import aware
from sozialamt.selectors import StaffScope

from .models import CallListEntry, Message, PrintBatch


def visible_batches(scope: StaffScope) -> QuerySet[PrintBatch]:
    """The print batches of the scope's locations (batches without a location: administrators only)."""
    batches = PrintBatch.objects.all()
    if scope.location_ids is not None:
        batches = batches.filter(location_id__in=scope.location_ids)
    return batches


def print_batches(scope: StaffScope, limit: int = 60) -> QuerySet[PrintBatch]:
    """The latest print batches the scope may see, with who printed and posted them. One query."""
    return visible_batches(scope).select_related("location", "printed_by", "posted_by")[:limit]


def failed_letters(batch: PrintBatch) -> QuerySet[Message]:
    """The letters of a batch that could not be made, with their appointment. One query."""
    return batch.letters.filter(status=Message.Status.FAILED).select_related("appointment")


def letters_due_today(today: dt.date, scope: StaffScope) -> int:
    """How many letters of the scope's locations wait for today's (or a later) batch. One query."""
    letters = Message.objects.filter(
        channel=Message.Channel.LETTER,
        status=Message.Status.PENDING,
        batch__isnull=True,
        due_at__lt=aware(today + dt.timedelta(days=1), dt.time()),
    )
    if scope.location_ids is not None:
        letters = letters.filter(appointment__location_id__in=scope.location_ids)
    return letters.count()


def visible_calls(scope: StaffScope) -> QuerySet[CallListEntry]:
    """Call-list entries of the scope's locations (and of its team's counsellors, if it has one)."""
    entries = CallListEntry.objects.all()
    if scope.location_ids is not None:
        entries = entries.filter(appointment__location_id__in=scope.location_ids)
    if scope.team:
        entries = entries.filter(appointment__counsellor__team=scope.team)
    return entries


def open_calls(scope: StaffScope) -> QuerySet[CallListEntry]:
    """Citizens of the scope still to be phoned, soonest appointment first. One query."""
    return (
        visible_calls(scope)
        .filter(done_at__isnull=True, appointment__anonymised_at__isnull=True)
        .select_related("appointment__service", "appointment__location", "appointment__counsellor")
        .order_by("appointment__start", "pk")
    )


def recent_calls(scope: StaffScope, limit: int = 20) -> QuerySet[CallListEntry]:
    """The scope's calls ticked off last, with who did it. One query."""
    return (
        visible_calls(scope)
        .filter(done_at__isnull=False, appointment__anonymised_at__isnull=True)
        .select_related("appointment", "done_by")
        .order_by("-done_at")[:limit]
    )


def affected_appointments(
    *,
    location_id: int,
    counsellor_id: int | None,
    first_day: dt.date,
    last_day: dt.date,
    unfit_only: bool = False,
) -> QuerySet[Appointment] | list[Appointment]:
    """Booked appointments still ahead at a location (of one counsellor, if given) between two
    days; with `unfit_only` only those that no longer fit the hours, working hours and absences
    (booking.affected, the one rule for absences, closures and shorter hours). One query, five
    with `unfit_only`."""
    span = {
        "location_id": location_id,
        "counsellor_id": counsellor_id,
        "first_day": first_day,
        "last_day": last_day,
    }
    if unfit_only:
        return affected.unfit_appointments(**span)
    return affected.booked_ahead(**span)
