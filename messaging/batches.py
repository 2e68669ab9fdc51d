"""The daily print batch: every letter due today in one PDF with a cover sheet.

Memory stays bounded: letters are rendered PRINT_BATCH_CHUNK at a time into temporary PDFs,
which pypdf then concatenates into the batch file."""

import datetime as dt
import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files import File
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from pypdf import PdfWriter

from booking.models import Appointment
from sozialamt.hours import aware

from .letters import LetterError, document_html, letter_html, write_pdf
from .models import CallListEntry, Message, PrintBatch
from .services import ReminderError, add_to_call_list

logger = logging.getLogger(__name__)

Status, Channel = Message.Status, Message.Channel


def stale_build_age() -> dt.timedelta:
    """A batch still "building" after this long was left by a dead worker; its letters go back.

    Longer than the task's hard time limit, so a build that is still running is never released."""
    return dt.timedelta(seconds=settings.PRINT_BATCH_TIME_LIMIT + 600)


def build_print_batch(*, day: dt.date | None = None) -> PrintBatch | None:
    """Collects every pending letter due by the end of `day` (today) into a new batch and renders it.

    Letters whose posting day has passed go to the call list instead: they would arrive too late.
    None when no letter is due."""
    now = timezone.now()
    day = day or timezone.localdate(now)
    _release_stale_builds(now)
    _move_late_letters_to_call_list(day)
    batch = _claim_letters(day, now)
    if batch is None:
        return None
    try:
        _render(batch)
    except Exception:
        # Letters stay SENDING until the file exists, so an error hands every one of them back.
        _discard_build(batch.pk)
        raise
    batch.refresh_from_db()
    return batch


def _release_stale_builds(now: dt.datetime) -> None:
    stale = PrintBatch.objects.filter(
        status=PrintBatch.Status.BUILDING, created_at__lt=now - stale_build_age()
    )
    for batch_id in stale.values_list("pk", flat=True):
        _discard_build(batch_id)


@transaction.atomic
def _discard_build(batch_id: int) -> None:
    """Gives every letter of an unfinished batch back (or leaves it failed) and deletes the batch."""
    batch = (
        PrintBatch.objects.select_for_update().filter(pk=batch_id, status=PrintBatch.Status.BUILDING).first()
    )
    if batch is None:  # finished meanwhile, or already discarded
        return
    batch.letters.filter(status__in=[Status.SENDING, Status.SENT]).update(
        status=Status.PENDING, batch=None, claimed_at=None, sent_at=None
    )
    batch.letters.update(batch=None)  # failed and dropped letters keep their status
    if batch.file:
        batch.file.delete(save=False)
    batch.delete()


def _move_late_letters_to_call_list(day: dt.date) -> None:
    late = Message.objects.filter(
        channel=Channel.LETTER, status=Status.PENDING, batch__isnull=True, due_at__lt=aware(day, dt.time())
    ).select_related("appointment")
    for message in late:
        with transaction.atomic():
            lapsed = Message.objects.filter(pk=message.pk, status=Status.PENDING).update(
                status=Status.CANCELLED
            )
            # A receipt the citizen can do without: it lapses; anything else needs a call.
            if lapsed and message.kind != Message.Kind.RECEIPT:
                reason = (
                    CallListEntry.Reason.CANCELLED
                    if message.kind == Message.Kind.CANCELLED
                    else CallListEntry.Reason.TOO_LATE
                )
                add_to_call_list(appointment=message.appointment, reason=reason)


@transaction.atomic
def _claim_letters(day: dt.date, now: dt.datetime) -> PrintBatch | None:
    batch = PrintBatch.objects.create(day=day)
    claimed = Message.objects.filter(
        channel=Channel.LETTER,
        status=Status.PENDING,
        batch__isnull=True,
        due_at__lt=aware(day + dt.timedelta(days=1), dt.time()),
    ).update(batch=batch, status=Status.SENDING, claimed_at=now)
    if not claimed:
        transaction.set_rollback(True)
        return None
    return batch


def _render(batch: PrintBatch) -> None:
    letters = (
        batch.letters.filter(status=Status.SENDING)
        .select_related("appointment__service", "appointment__location", "appointment__counsellor")
        .order_by("appointment__postcode", "pk")
    )
    chunk_size = settings.PRINT_BATCH_CHUNK
    with tempfile.TemporaryDirectory(prefix="print-batch-") as tmp:
        parts: list[Path] = []
        sections: list[str] = []
        rendered: list[int] = []
        counts = {"ok": 0, "failed": 0}
        for message in letters.iterator(chunk_size=chunk_size):
            section = _letter_section(message, counts)
            if section is None:
                continue
            sections.append(section)
            rendered.append(message.pk)
            if len(sections) >= chunk_size:
                parts.append(_render_chunk(sections, Path(tmp), len(parts)))
                sections = []
        if sections:
            parts.append(_render_chunk(sections, Path(tmp), len(parts)))
        cover = Path(tmp) / "cover.pdf"
        cover_html = render_to_string(
            "letters/cover.html", {"batch": batch, "count": counts["ok"], "failed": counts["failed"]}
        )
        write_pdf(document_html([cover_html], title=f"Druckstapel {batch.day:%d.%m.%Y}"), cover, tagged=False)
        _finish(batch, [cover, *parts], rendered, Path(tmp), counts)


def _letter_section(message: Message, counts: dict) -> str | None:
    if message.kind == Message.Kind.REMINDER and message.appointment.status != Appointment.Status.BOOKED:
        Message.objects.filter(pk=message.pk).update(status=Status.CANCELLED)
        return None
    try:
        section = letter_html(message)
    except LetterError as exc:
        logger.error("Letter %s (appointment %s) failed: %s", message.pk, message.appointment.code, exc)
        Message.objects.filter(pk=message.pk).update(status=Status.FAILED, last_error=str(exc)[:500])
        add_to_call_list(appointment=message.appointment, reason=CallListEntry.Reason.LETTER_FAILED)
        counts["failed"] += 1
        return None
    counts["ok"] += 1
    return section


def _render_chunk(sections: list[str], tmp: Path, index: int) -> Path:
    # The letters stay SENDING: they are sent only once the merged file exists (_finish).
    target = tmp / f"part-{index:05d}.pdf"
    write_pdf(document_html(sections, title="Druckstapel"), target, tagged=False)
    return target


def _finish(batch: PrintBatch, parts: list[Path], message_ids: list[int], tmp: Path, counts: dict) -> None:
    merged = tmp / "batch.pdf"
    writer = PdfWriter()
    for part in parts:
        writer.append(str(part))
    with merged.open("wb") as out:
        writer.write(out)
    writer.close()
    with merged.open("rb") as handle:
        batch.file.save(f"druckstapel-{batch.day:%Y-%m-%d}-{batch.pk}.pdf", File(handle), save=False)
    now = timezone.now()
    with transaction.atomic():
        locked = PrintBatch.objects.select_for_update().filter(pk=batch.pk, status=PrintBatch.Status.BUILDING)
        if not locked.exists():  # discarded as stale meanwhile: its letters are already back
            batch.file.delete(save=False)
            raise ReminderError("Der Druckstapel wurde verworfen, bevor er fertig war.")
        batch.letters.filter(pk__in=message_ids, status=Status.SENDING).update(
            status=Status.SENT, sent_at=now
        )
        locked.update(
            file=batch.file.name,
            status=PrintBatch.Status.READY,
            letter_count=counts["ok"],
            failed_count=counts["failed"],
            finished_at=now,
        )


@transaction.atomic
def mark_batch(*, batch_id: int, status: str, user: AbstractBaseUser) -> PrintBatch:
    """Records that a batch was printed or handed to the post, by whom and when."""
    batch = PrintBatch.objects.select_for_update().get(pk=batch_id)
    if status not in batch.TRANSITIONS[PrintBatch.Status(batch.status)]:
        raise ReminderError("Dieser Schritt passt nicht zum Stand des Druckstapels.")
    now = timezone.now()
    fields = {"printed_at": now, "printed_by": user} if status == PrintBatch.Status.PRINTED else {}
    if status == PrintBatch.Status.POSTED:
        fields = {"posted_at": now, "posted_by": user}
    PrintBatch.objects.filter(pk=batch.pk, status=batch.status).update(status=status, **fields)
    batch.refresh_from_db()
    return batch
