"""A real Celery worker (subprocess) with real Redis and PostgreSQL: end to end, killed, Redis down.

Delivery semantics under a killed worker: no message is lost, and at most the one e-mail in
flight (handed to SMTP, not yet marked sent) is sent a second time once its claim goes stale."""

import datetime as dt
import email
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from messaging.models import Message
from messaging.tasks import sweep_messages
from sozialamt.celery import app

pytestmark = pytest.mark.django_db(transaction=True)

Status = Message.Status
WAIT_SECONDS = 60


@contextmanager
def broker_down(working_url: str):
    """Points the sending side at a port where nothing listens, then back at the real Redis."""

    def use(url: str) -> None:
        app.conf.broker_url = url
        app._pool = None  # the connection and producer pools were made for the old URL
        app.amqp._producer_pool = None

    use("redis://127.0.0.1:1/0")
    try:
        yield
    finally:
        use(working_url)


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class Workers:
    """Starts `celery worker` subprocesses on the test database; e-mails land as files."""

    def __init__(self, tmp_path: Path, broker_url: str):
        self.mail_dir = tmp_path / "mail"
        self.mail_dir.mkdir()
        self.log = (tmp_path / "worker.log").open("ab")
        self.broker_url = broker_url
        self.processes: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": _database_url(),
            "REDIS_URL": self.broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "TEST_EMAIL_BACKEND": "tests.messaging.backends.SlowFileBackend",
            "TEST_EMAIL_FILE_PATH": str(self.mail_dir),
        }
        command = [sys.executable, "-m", "celery", "-A", "sozialamt", "worker", "--pool=solo"]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"]
        command += [f"--hostname=reminders-test-{len(self.processes)}@%h"]
        return self._spawn(command, env)

    def _spawn(self, command: list[str], env: dict) -> subprocess.Popen:
        process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def start_beat(self) -> subprocess.Popen:
        """One beat with the DatabaseScheduler, as in production."""
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": _database_url(),
            "REDIS_URL": self.broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
        }
        command = [sys.executable, "-m", "celery", "-A", "sozialamt", "beat", "--loglevel=INFO", "--pidfile="]
        command += ["--scheduler=django_celery_beat.schedulers:DatabaseScheduler"]
        return self._spawn(command, env)

    def kill(self, process: subprocess.Popen) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
        self.log.close()

    def sent(self) -> Counter:
        """How many e-mails went out per message id (from the X-Sozialamt-Message header)."""
        counts: Counter = Counter()
        for path in self.mail_dir.iterdir():
            for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                header = email.message_from_bytes(raw)["X-Sozialamt-Message"] if raw.strip() else None
                if header:  # a file being written may not have its headers yet
                    counts[int(header)] += 1
        return counts


@pytest.fixture
def workers(tmp_path, broker):
    started = Workers(tmp_path, broker)
    yield started
    started.stop()


@pytest.fixture
def book_ahead(book):
    """Books with an e-mail reminder a week ahead of the real clock, which the worker subprocesses
    run on (a fixed date would lapse, and its reminder fall due, once the calendar passes it)."""
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=7)
    return lambda: book(by_email=True, start=start)


def wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.2)


def all_sent(count: int):
    return lambda: Message.objects.filter(status=Status.SENT).count() == count


def test_a_real_worker_sends_a_reminder_end_to_end(book_ahead, workers):
    # The worker runs on the real clock, so these tests do too; the reminder is made due by
    # moving its due time, not the clock.
    appointment = book_ahead()
    Message.objects.filter(kind=Message.Kind.CONFIRMATION).delete()
    reminder = appointment.messages.get()
    Message.objects.filter(pk=reminder.pk).update(due_at=timezone.now() - dt.timedelta(minutes=1))
    workers.start()
    assert sweep_messages() == 1
    wait_until(all_sent(1), "the reminder to be sent")
    assert workers.sent() == {reminder.pk: 1}
    [path] = workers.mail_dir.iterdir()
    sent = email.message_from_bytes(path.read_bytes())
    assert sent["Subject"].startswith("Erinnerung") and sent["To"] == "buerger@example.org"
    assert {part.get_content_type() for part in sent.walk()} >= {"text/plain", "text/html", "text/calendar"}


def test_a_worker_killed_mid_batch_loses_none_and_sends_at_most_the_one_in_flight_twice(book_ahead, workers):
    for _ in range(12):
        book_ahead()
    ids = set(Message.objects.filter(kind=Message.Kind.CONFIRMATION).values_list("pk", flat=True))
    first = workers.start()
    assert sweep_messages() == 12
    wait_until(lambda: len(workers.sent()) >= 4, "some e-mails to be sent")
    workers.kill(first)
    in_flight = Message.objects.filter(status=Status.SENDING).count()
    assert in_flight <= 1
    assert Message.objects.filter(status=Status.SENT).count() < 12
    # Ids the dead worker had reserved stay unacknowledged in Redis; the sweep queues every
    # pending id again once MESSAGE_REQUEUE_SECONDS have passed, and a claim goes stale after
    # MESSAGE_CLAIM_TIMEOUT_SECONDS.
    with override_settings(MESSAGE_REQUEUE_SECONDS=0, MESSAGE_CLAIM_TIMEOUT_SECONDS=0):
        sweep_messages()
    workers.start()
    wait_until(all_sent(len(ids)), "every e-mail to be sent")
    sent = workers.sent()
    assert set(sent) == {m for m in ids if m in sent} and set(sent) == ids  # none lost
    assert sum(sent.values()) - len(ids) <= in_flight  # none twice but the one in flight


def test_redis_down_while_booking_then_messages_go_out_when_it_is_back(book_ahead, workers):
    with broker_down(workers.broker_url):
        appointment = book_ahead()  # commits; the on-commit queueing meets a dead broker
    assert redis.Redis.from_url(workers.broker_url).llen("celery") == 0  # nothing reached Redis
    assert appointment.pk and appointment.messages.get(kind="confirmation").status == Status.PENDING
    workers.start()
    assert sweep_messages() == 1
    wait_until(all_sent(1), "the confirmation to be sent")
    assert sum(workers.sent().values()) == 1


def test_beat_and_a_worker_send_a_due_message_with_nobody_queueing_it(book_ahead, workers):
    book_ahead()
    redis.Redis.from_url(workers.broker_url).flushdb()  # the on-commit queueing is lost
    # The sweep last ran two minutes ago, so beat runs it as soon as it starts.
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=60, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="reminders-sweep-due-messages",
        task="messaging.tasks.sweep_messages",
        interval=every_minute,
        last_run_at=timezone.now() - dt.timedelta(minutes=2),
    )
    workers.start()
    workers.start_beat()
    wait_until(all_sent(1), "beat and the worker to send the confirmation")
    assert sum(workers.sent().values()) == 1


def test_a_sweep_that_meets_a_dead_broker_leaves_the_messages_due_for_the_next_minute(book_ahead, broker):
    book_ahead()
    redis.Redis.from_url(broker).flushdb()
    with broker_down(broker):
        assert sweep_messages() == 0
    assert Message.objects.get(kind="confirmation").queued_at is None
    assert sweep_messages() == 1
