"""Periodic work of the walk-in queue."""

from celery import shared_task

from sozialamt.models import Location

from . import services


@shared_task
def close_days() -> int:
    """Closes the day of every location whose closing time has passed; idempotent."""
    closed = 0
    for location in Location.objects.filter(active=True):
        tickets, appointments = services.close_day(location=location)
        closed += tickets + appointments
    return closed
