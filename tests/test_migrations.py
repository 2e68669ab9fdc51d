"""A database holding rows at the heads before messaging became its own app migrates forward
with every row in place: appointments, messages, print batches, call lists and tickets."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from booking.models import Appointment, Occupancy
from booking.slots import unit_span
from kundenzentrum.models import Ticket
from messaging.models import CallListEntry, Message, PrintBatch

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("sozialamt", "0001_initial"),
    ("booking", "0006_fewer_indexes"),
    ("kundenzentrum", "0002_tickets"),
    ("messaging", None),
]
START = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)


def _seed(apps) -> dict:
    """Rows as the old code wrote them, through the models of that time."""
    location = apps.get_model("sozialamt", "Location").objects.create(
        name="Stadthaus III",
        slug="stadthaus-3",
        street="Albersloher Weg 33",
        postcode="48155",
        city="Münster",
    )
    service = apps.get_model("sozialamt", "Service").objects.create(
        name="Grundsicherung", slug="grundsicherung", duration_minutes=30, channel="both", ticket_letter="G"
    )
    counsellor = apps.get_model("booking", "Counsellor").objects.create(
        name="Frau Beispiel", location=location
    )
    appointment = apps.get_model("booking", "Appointment").objects.create(
        code="K7M-4QX9", token_hash="a" * 64, service=service, location=location, counsellor=counsellor,
        start=START, end=START + dt.timedelta(minutes=30), status="checked_in", name="Erika Muster",
        street="Hauptstr. 1", postcode="48143", city="Münster", reminder="letter",
    )  # fmt: skip
    apps.get_model("booking", "Occupancy").objects.bulk_create(
        apps.get_model("booking", "Occupancy")(
            counsellor=counsellor, appointment=appointment, unit_start=START + dt.timedelta(minutes=5 * n)
        )
        for n in range(6)
    )
    batch = apps.get_model("booking", "PrintBatch").objects.create(
        day=START.date(), status="ready", letter_count=1
    )
    message_model = apps.get_model("booking", "Message")
    letter = message_model.objects.create(
        appointment=appointment, kind="reminder", channel="letter", status="sent", due_at=START, batch=batch
    )
    email = message_model.objects.create(
        appointment=appointment, kind="confirmation", channel="email", status="pending", due_at=START
    )
    entry = apps.get_model("booking", "CallListEntry").objects.create(
        appointment=appointment, reason="too_late"
    )
    ticket = apps.get_model("kundenzentrum", "Ticket").objects.create(
        location=location, service=service, day=START.date(), letter="G", number=1, appointment=appointment,
        due_at=START, issued_at=START,
    )  # fmt: skip
    return {"appointment": appointment.pk, "batch": batch.pk, "letter": letter.pk, "email": email.pk}, {
        "entry": entry.pk,
        "ticket": ticket.pk,
    }


def test_rows_at_the_old_heads_are_all_there_after_migrating_forward():
    executor = MigrationExecutor(connection)
    content_type = ContentType.objects.get_for_model(Message).pk
    executor.migrate(BEFORE)
    (ids, more) = _seed(executor.loader.project_state(BEFORE[:3]).apps)

    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    appointment = Appointment.objects.get(pk=ids["appointment"])
    assert (appointment.code, appointment.status, appointment.name) == (
        "K7M-4QX9",
        "checked_in",
        "Erika Muster",
    )
    assert Occupancy.objects.filter(appointment=appointment).count() == 6
    # Its 5-minute units were filled in from start and end: the six of its occupancy rows.
    assert (appointment.start_unit, appointment.end_unit) == unit_span(appointment.start, appointment.end)
    assert appointment.end_unit - appointment.start_unit == 6
    letter, email = Message.objects.get(pk=ids["letter"]), Message.objects.get(pk=ids["email"])
    assert (letter.appointment_id, letter.batch_id, letter.status) == (appointment.pk, ids["batch"], "sent")
    assert (email.kind, email.channel, email.status) == ("confirmation", "email", "pending")
    assert set(appointment.messages.values_list("pk", flat=True)) == {letter.pk, email.pk}
    batch = PrintBatch.objects.get(pk=ids["batch"])
    assert (batch.status, batch.letter_count, list(batch.letters.all())) == ("ready", 1, [letter])
    entry = CallListEntry.objects.get(pk=more["entry"])
    assert (entry.appointment_id, entry.get_reason_display()) == (
        appointment.pk,
        CallListEntry.Reason.TOO_LATE.label,
    )
    ticket = Ticket.objects.get(pk=more["ticket"])
    assert (ticket.appointment_id, ticket.display_number) == (appointment.pk, "G-001")
    # The models' content types (and with them their permissions) moved along, not copied.
    assert ContentType.objects.get_for_model(Message).pk == content_type
    assert not ContentType.objects.filter(app_label="booking", model="message").exists()
    # New rows go on from the old sequences.
    assert (
        Message.objects.create(appointment=appointment, kind="reminder", channel="email", due_at=START).pk
        > email.pk
    )
