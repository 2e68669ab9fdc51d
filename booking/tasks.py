"""Celery tasks: thin, idempotent, taking ids; the work is in booking/reminders/services.py."""

import logging

from celery import shared_task
from django.conf import settings

from . import lostlink
from .reminders import batches, services
from .sessions import clear_expired_sessions

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def send_message(message_id: int) -> str:
    """Sends one due e-mail once (the claim makes a second run a no-op)."""
    return services.send_email_message(message_id=message_id)


@shared_task(ignore_result=True)
def sweep_messages() -> int:
    """Every minute (beat), and when a commit kicks it: queues the ids of due e-mails, one
    batch of a fixed query count."""
    services.sweep_kicked()
    ids = services.sweep_due_messages()
    return services.queue_messages(ids)


@shared_task(
    ignore_result=True,
    soft_time_limit=settings.PRINT_BATCH_SOFT_TIME_LIMIT,
    time_limit=settings.PRINT_BATCH_TIME_LIMIT,
)
def build_print_batch() -> int | None:
    """Daily (beat) or on a clerk's request: one PDF with every letter due today."""
    batch = batches.build_print_batch()
    return batch.pk if batch else None


@shared_task(ignore_result=True)
def delete_personal_data() -> dict:
    """Daily (beat): empties personal data and deletes print files after their retention period."""
    counts = services.delete_personal_data()
    logger.info("Deleted on time: %s", counts)
    return counts


@shared_task(ignore_result=True)
def clear_sessions() -> int:
    """Hourly (beat): deletes expired sessions and wizard data older than 30 minutes."""
    return clear_expired_sessions()


@shared_task(ignore_result=True)
def send_new_manage_link(code: str, postcode: str, name_start: str) -> bool:
    """From /termin/finden/: a new personal link when the data match (the page does not wait)."""
    return lostlink.send_new_manage_link(code=code, postcode=postcode, name_start=name_start)
