"""The beat schedule: every entry runs a task the worker knows, and an existing database's
stored entries follow a task that moved (DatabaseScheduler matches them by entry name)."""

import pytest
from django.conf import settings
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from sozialamt.celery import app


def test_every_beat_entry_runs_a_registered_task():
    app.loader.import_default_modules()
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks <= set(app.tasks)
    assert "messaging.tasks.sweep_messages" in tasks


@pytest.mark.django_db(transaction=True)  # the scheduler closes its connections
def test_a_stored_entry_of_a_moved_task_runs_the_task_at_its_new_place():
    every_minute = IntervalSchedule.objects.create(every=60, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="reminders-sweep-due-messages", task="booking.tasks.sweep_messages", interval=every_minute
    )
    DatabaseScheduler(app=app)
    assert (
        PeriodicTask.objects.get(name="reminders-sweep-due-messages").task == "messaging.tasks.sweep_messages"
    )
    assert (
        not PeriodicTask.objects.filter(task__startswith="booking.tasks.")
        .exclude(task__in=["booking.tasks.clear_sessions", "booking.tasks.release_unconfirmed"])
        .exists()
    )
