"""The booking's main statement is a prepared statement of each connection: prepared once, used
for every booking after, and prepared anew when the connection lost it or a migration outdated it."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from booking import bookingsql
from booking.models import Appointment, Counsellor
from booking.services import book_appointment
from tests.booking.conftest import TUESDAY_9

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def book(clock, counsellor, location, appointment_service, person):
    """Books TUESDAY_9 plus `hours` for a citizen of its own (one active booking per contact)."""
    person = {**person, "reminder": "email"}  # no letter that comes too late: no call list

    def _book(hours: int):
        email = f"buerger{hours}@example.org"
        start = TUESDAY_9 + dt.timedelta(hours=hours)
        booked = book_appointment(
            service=appointment_service, location=location, start=start, person={**person, "email": email}
        )
        assert Appointment.objects.get(start=start, email=email) == booked.appointment
        assert booked.appointment.counsellor == counsellor
        return booked

    return _book


def prepared_here() -> list[str]:
    """The booking statements PostgreSQL holds for this connection's session."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements WHERE starts_with(name, 'booking_')")
        return [name for (name,) in cursor.fetchall()]


def statements(captured: CaptureQueriesContext) -> list[str]:
    """What the captured queries did with the booking's prepared statement, in order."""
    kinds = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if sql.startswith("PREPARE booking_"):
            kinds.append("prepare")
        elif sql.startswith("DEALLOCATE"):
            kinds.append("deallocate")
        elif "pg_prepared_statements" in sql:
            kinds.append("look up")
        elif "EXECUTE booking_" in sql:
            kinds.append("execute")
    return kinds


def without_look_ups(kinds: list[str]) -> list[str]:
    return [kind for kind in kinds if kind != "look up"]


def backend_pid() -> int:
    connection.ensure_connection()
    return connection.connection.info.backend_pid


def test_the_statement_is_prepared_once_per_connection_and_used_for_every_booking_after(book):
    connection.close()  # a new connection: nothing prepared yet
    with CaptureQueriesContext(connection) as first:
        book(0)
    assert statements(first) == ["prepare", "execute"]
    with CaptureQueriesContext(connection) as second:
        book(1)
    assert statements(second) == ["execute"]
    [name] = prepared_here()
    pid = backend_pid()

    connection.close()
    with CaptureQueriesContext(connection) as on_a_new_connection:
        book(2)
    assert backend_pid() != pid
    assert statements(on_a_new_connection) == ["prepare", "execute"]
    assert prepared_here() == [name]


def test_a_statement_dropped_by_a_pooler_is_prepared_anew_in_autocommit(book):
    book(0)
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # as a pooler resetting the session would
    assert prepared_here() == []
    assert not connection.in_atomic_block
    with CaptureQueriesContext(connection) as captured:
        book(1)
    assert without_look_ups(statements(captured)) == ["execute", "prepare", "execute"]
    assert len(prepared_here()) == 1
    with CaptureQueriesContext(connection) as after:
        book(2)
    assert statements(after) == ["execute"]


def test_a_statement_dropped_by_a_pooler_is_prepared_anew_inside_a_transaction(book):
    book(0)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DEALLOCATE ALL")
        with CaptureQueriesContext(connection) as captured:
            booked = book(1)
        # The failed EXECUTE is rolled back to a savepoint: the transaction goes on.
        assert Appointment.objects.filter(pk=booked.appointment.pk).exists()
    assert without_look_ups(statements(captured)) == ["execute", "prepare", "execute"]
    assert Appointment.objects.filter(pk=booked.appointment.pk).exists()  # committed
    assert len(prepared_here()) == 1


def test_a_statement_outdated_by_a_migration_is_deallocated_and_prepared_anew(book, counsellor):
    """PostgreSQL refuses to run a prepared statement whose result columns changed type
    ("cached plan must not change result type"): the booking prepares it again."""
    book(0)
    [name] = prepared_here()
    room = Counsellor._meta.get_field("room")
    table, column = (
        connection.ops.quote_name(Counsellor._meta.db_table),
        connection.ops.quote_name(room.column),
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE varchar({room.max_length + 1})")
        with CaptureQueriesContext(connection) as captured:
            booked = book(1)
        assert statements(captured) == ["execute", "look up", "deallocate", "prepare", "execute"]
        assert prepared_here() == [name]
        assert booked.appointment.counsellor.room == counsellor.room
    finally:
        with connection.cursor() as cursor:  # the flush after the test does not undo DDL
            cursor.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE {room.db_type(connection)}")
        connection.close()  # the statement of this session is outdated again


def test_a_statement_that_stays_lost_raises_instead_of_trying_on(book, monkeypatch):
    real_prepare, prepared = bookingsql._prepare, []

    def prepare_and_lose(cursor, query, *, stale):
        real_prepare(cursor, query, stale=stale)
        prepared.append(query.name)
        cursor.execute(f"DEALLOCATE {query.name}")  # lost again before each EXECUTE

    monkeypatch.setattr(bookingsql, "_prepare", prepare_and_lose)
    connection.close()
    with pytest.raises(bookingsql.StaleStatement):
        book(0)
    assert len(prepared) == 2  # prepared, then once anew, then no more
    assert not Appointment.objects.exists()


def test_a_row_goes_as_one_json_value_that_postgres_reads_back_as_typed_columns(clock, counsellor):
    """What the statement gets for a row: times with their offset, choices and lazy texts as
    text, nothing lost; PostgreSQL makes the table's row of it."""
    import json

    from django.utils.translation import gettext_lazy

    from booking import bookingsql
    from booking.models import AppointmentHistory

    history = AppointmentHistory(
        appointment_id=None, new_status=Appointment.Status.BOOKED, note=gettext_lazy("gebucht")
    )
    [(name, text)] = bookingsql._values("h", history, skip=frozenset({"appointment_id"})).items()
    row = json.loads(text)
    note = str(history.note)  # in the language active now
    assert name == "h" and row["new_status"] == "booked" and row["note"] == note
    assert row["at"].endswith("+00:00")  # auto_now_add filled, with its offset
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.new_status, r.note, r.at FROM jsonb_populate_record(NULL::booking_appointmenthistory, %s) r",
            [text],
        )
        assert cursor.fetchone() == ("booked", note, history.at)
