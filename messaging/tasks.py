"""Celery tasks of messaging: thin, idempotent, taking ids; the work is in services.py and
batches.py. Also how the web process hands due e-mails to the worker (kick_sweep)."""

import logging
from collections.abc import Iterable

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from . import batches, services
from .models import Message

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def send_message(message_id: int) -> str:
    """Sends one due e-mail once (the claim makes a second run a no-op)."""
    return services.send_email_message(message_id=message_id)


@shared_task(ignore_result=True)
def sweep_messages() -> int:
    """Every minute (beat), and when a commit kicks it: queues the ids of due e-mails, one
    batch of a fixed query count."""
    cache.delete(KICK_KEY)  # the sweep begins: the next commit kicks again
    return queue_messages(services.sweep_due_messages())


@shared_task(
    ignore_result=True,
    soft_time_limit=settings.PRINT_BATCH_SOFT_TIME_LIMIT,
    time_limit=settings.PRINT_BATCH_TIME_LIMIT,
)
def build_print_batch() -> list[int]:
    """Daily (beat) or on a clerk's request: one PDF per location with every letter due today."""
    return [batch.pk for batch in batches.build_print_batches()]


@shared_task(ignore_result=True)
def delete_personal_data() -> dict:
    """Daily (beat): empties personal data and deletes print files after their retention period."""
    counts = services.delete_personal_data()
    logger.info("Deleted on time: %s", counts)
    return counts


# A sweep queued by a kick and not yet begun holds back further kicks for this long at most
# (should it get lost, the beat's sweep every minute still finds every due e-mail).
KICK_KEY = "messaging:sweep-kicked"
KICK_SECONDS = 60


def kick_sweep() -> None:
    """Queues a sweep of the due e-mails now, unless one is queued already and has not begun:
    that one will find them. So a burst of bookings costs the web process one cache write each
    and the broker one task, not one per e-mail.

    Why nothing is missed: a booking commits before it kicks; a kick finds the key only while
    a queued sweep has not begun, and a sweep deletes the key before it reads the due e-mails."""
    # True: added; False: a sweep is queued and has not begun; None: the cache could not say
    # (django-redis ignores its errors), so a sweep is queued anyway.
    if cache.add(KICK_KEY, 1, timeout=KICK_SECONDS) is False:
        return
    try:
        sweep_messages.apply_async(retry=False)
    except Exception as exc:  # kombu raises OperationalError and the transport's own errors
        cache.delete(KICK_KEY)
        logger.warning("Broker unavailable, e-mails wait for the next sweep: %s", exc)


def queue_messages(message_ids: Iterable[int]) -> int:
    """Hands message ids to the broker; returns how many went. A broker that is down is not an
    error here: the rows stay pending and the next sweep queues them again."""
    ids = list(message_ids)
    for queued, message_id in enumerate(ids):
        try:
            send_message.apply_async((message_id,), retry=False)
        except Exception as exc:  # kombu raises OperationalError and the transport's own errors
            logger.warning(
                "Broker unavailable, %s e-mails wait for the next sweep: %s", len(ids) - queued, exc
            )
            Message.objects.filter(pk__in=ids[queued:]).update(queued_at=None)
            return queued
    return len(ids)
