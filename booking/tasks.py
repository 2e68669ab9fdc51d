"""Periodic work of the booking: thin tasks (the messages' tasks are in messaging/tasks.py)."""

from celery import shared_task
from django.core.management import call_command


@shared_task(ignore_result=True)
def clear_sessions() -> None:
    """Daily (beat): deletes expired sessions, and with them any wizard data left behind."""
    call_command("clearsessions")
