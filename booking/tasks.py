"""Periodic work of the booking: thin tasks (the messages' tasks are in messaging/tasks.py)."""

from celery import shared_task

from . import confirming, lostlink
from .sessions import clear_expired_sessions


@shared_task(ignore_result=True)
def clear_sessions() -> int:
    """Hourly (beat): deletes expired sessions and wizard data older than 30 minutes."""
    return clear_expired_sessions()


@shared_task(ignore_result=True)
def send_new_manage_link(code: str, postcode: str, name_start: str) -> bool:
    """From /termin/finden/: a new personal link when the data match (the page does not wait)."""
    return lostlink.send_new_manage_link(code=code, postcode=postcode, name_start=name_start)


@shared_task(ignore_result=True)
def release_unconfirmed() -> int:
    """Every minute (beat): online holds not confirmed in time go back to the free times."""
    return confirming.release_unconfirmed()
