"""The query text of a booking on PostgreSQL: one round trip (see services._book_in_one_statement).

Only table and column names and status values of our models go into the text, taken from the
models so that it follows their changes; every value from a request is a parameter.
"""

# ruff: noqa: S608 (the texts hold only names from the models; values are parameters)

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID
from weakref import WeakKeyDictionary

from django.db import DatabaseError, IntegrityError, connection, models
from django.utils import timezone
from django.utils.functional import Promise

from messaging.models import Message

from .models import UNIT_MINUTES, Appointment, AppointmentHistory, ContactLock, Counsellor, Occupancy
from .selectors import day_range

BOOKED, TAKEN, LIMIT = "booked", "taken", "limit"
# The constraint that refuses a counsellor's time twice (a lost race: try the next one).
OCCUPANCY_CONSTRAINT = next(c.name for c in Occupancy._meta.constraints if c.name.startswith("occupancy_"))


def booking(
    *,
    appointment: Appointment,
    history: AppointmentHistory,
    messages: list[Message],
    candidates: list[int],
    units: list[dt.datetime],
    contact_keys: list[str],
    email: str,
    phone: str,
    max_active: int,
    now: dt.datetime,
) -> tuple[Text, dict]:
    """The query text and its parameters. The appointment, history and messages are unsaved
    model instances; the counsellor and the appointment id come from the statement."""
    day = timezone.localtime(appointment.start).date()
    day_start, day_end = day_range(day, day)
    params = {
        "now": now,
        "email": email,
        "phone": phone,
        "max_active": max_active,
        "service": appointment.service_id,
        # An array literal: the driver adapts a list item by item, a str at once.
        "candidates": "{" + ",".join(str(int(c)) for c in candidates) + "}",
        "first_unit": units[0],
        "last_unit": units[-1],
        "start": appointment.start,
        # No appointment lasts a day: bounds the index scan of the counsellor's bookings.
        "day_before": appointment.start - dt.timedelta(days=1),
        "end": appointment.end,
        "day_start": day_start,
        "day_end": day_end,
    }
    # Times in ISO form: the driver adapts a datetime through Python calls, a str at once.
    params = {name: v.isoformat() if isinstance(v, dt.datetime) else v for name, v in params.items()}
    params |= {f"key{n}": key for n, key in enumerate(contact_keys)}
    params |= _values("a", appointment, skip=frozenset({"counsellor_id"}))
    params |= _values("h", history, skip=frozenset({"appointment_id"}))
    for n, message in enumerate(messages):
        params |= _values(f"m{n}", message, skip=frozenset({"appointment_id"}))
    return _text(len(contact_keys), bool(email), bool(phone), len(messages)), params


def run(query: Text, params: dict, *, appointment: Appointment, messages: list[Message]) -> str:
    """Runs the query; on BOOKED the instances get their ids and the counsellor.

    The main statement is a prepared statement of this connection (prepared on its first use
    here, in a round trip of its own): PostgreSQL plans it once, not for every booking. Raises
    StaleStatement when the connection lost it or a migration changed what it returns: the
    caller tries again once, and it is prepared anew."""
    with connection.cursor() as cursor:
        state = _prepared.setdefault(connection.connection, {})
        if state.get(query.name) != _READY:
            _prepare(cursor, query, stale=query.name in state)
            state[query.name] = _READY
        try:
            cursor.execute(query.execute, [params[name] for name in query.params])
        except DatabaseError as error:
            if getattr(error.__cause__, "pgcode", None) in _STALE_CODES:
                state[query.name] = _STALE
                raise StaleStatement from error
            raise
        row = cursor.fetchone()
    free, allowed, appointment_id, message_ids, *counsellor = row
    if not free:
        return TAKEN
    if not allowed:
        return LIMIT
    appointment.pk = appointment_id
    appointment.counsellor = Counsellor.from_db(connection.alias, _columns(Counsellor), counsellor)
    for instance in (appointment, *messages):
        instance._state.adding, instance._state.db = False, connection.alias
    for message, message_id in zip(messages, message_ids, strict=True):
        message.pk, message.appointment = message_id, appointment
    return BOOKED


class StaleStatement(Exception):
    """The connection's prepared statement is gone (a pooler that resets sessions) or outdated
    (a migration changed a column it returns): prepare it again."""


# invalid_sql_statement_name ("prepared statement … does not exist") and feature_not_supported
# ("cached plan must not change result type").
_STALE_CODES = {"26000", "0A000"}
_READY, _STALE = "ready", "stale"
# The statements prepared on each open connection (PostgreSQL keeps them for the session, also
# past a rollback); a new connection starts empty.
_prepared: WeakKeyDictionary = WeakKeyDictionary()


def _prepare(cursor, query: Text, *, stale: bool) -> None:
    if stale:  # an outdated one still holds the name
        cursor.execute("SELECT 1 FROM pg_prepared_statements WHERE name = %s", [query.name])
        if cursor.fetchone():
            cursor.execute(f"DEALLOCATE {query.name}")
    cursor.execute(query.prepare)


@dataclass(frozen=True)
class Text:
    """One variant of the booking's query text, split for a prepared statement."""

    name: str
    prepare: str  # PREPARE name AS the main statement, with $1, $2, …
    execute: str  # the contact locks (if any), then EXECUTE name(%s, …)
    params: tuple[str, ...]  # the parameter names, in the order of execute's placeholders


def _literal(value: str) -> str:
    """A status of our models as an SQL literal (such names need no escaping)."""
    if not value.isidentifier():
        raise ValueError(f"not a plain status name: {value!r}")
    return f"'{value}'"


_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _prepared_text(lock: str, main: str) -> Text:
    order: list[str] = []

    def number(match: re.Match) -> str:
        if match[1] not in order:
            order.append(match[1])
        return f"${order.index(match[1]) + 1}"

    numbered = _PLACEHOLDER.sub(number, main)
    name = "booking_" + hashlib.sha256(numbered.encode()).hexdigest()[:16]
    lock_params = _PLACEHOLDER.findall(lock)
    execute = f"EXECUTE {name}({', '.join(['%s'] * len(order))})"
    return Text(
        name=name,
        prepare=f"PREPARE {name} AS {numbered}",
        execute=f"{_PLACEHOLDER.sub('%s', lock)}; {execute}" if lock else execute,
        params=(*lock_params, *order),
    )


def constraint(error: IntegrityError) -> str:
    """The name of the constraint a write broke ('' when unknown)."""
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", "") or ""


@functools.cache
def _fields(model: type[models.Model], skip: frozenset[str] = frozenset()) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key and f.attname not in skip]


def _columns(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def _values(prefix: str, instance: models.Model, skip: frozenset[str]) -> dict:
    """The row as one JSON parameter, keyed by column: the statement makes a row of the table's
    type of it (jsonb_populate_record), so the driver quotes one value, not one per column."""
    # pre_save fills auto_now_add fields, as Model.save does. The values go as they are: the
    # database converts the JSON text to each column's type (get_db_prep_save would only copy
    # them for these fields, and costs as much as all the rest).
    row = {f.column: f.pre_save(instance, True) for f in _fields(type(instance), skip)}
    return {prefix: json.dumps(row, default=_json_value, ensure_ascii=False)}


def _json_value(value) -> str:
    if isinstance(value, dt.date | dt.time):  # datetime too, with its offset
        return value.isoformat()
    if isinstance(value, Decimal | UUID | Promise):  # Promise: a lazy translation
        return str(value)
    raise TypeError(f"no JSON form for {type(value).__name__}")


def _insert(table_model: type[models.Model], prefix: str, source: str, from_source: dict[str, str]) -> str:
    """INSERT … SELECT of one row from the JSON parameter `prefix` (see _values); columns
    named in from_source come from the source row instead."""
    fields = _fields(table_model, frozenset(from_source))
    qn = connection.ops.quote_name
    table = qn(table_model._meta.db_table)
    columns = [qn(f.column) for f in fields] + [qn(column) for column in from_source]
    values = [f"r.{qn(f.column)}" for f in fields] + list(from_source.values())
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)}"
        f" FROM {source}, jsonb_populate_record(NULL::{table}, %({prefix})s::jsonb) AS r"
    )


@functools.cache
def _text(keys: int, email: bool, phone: bool, messages: int) -> Text:
    qn = connection.ops.quote_name
    appointments, occupancy = qn(Appointment._meta.db_table), qn(Occupancy._meta.db_table)
    # Literals, not parameters: a plan made once for every booking can use the partial indexes
    # on active bookings only when it sees the status.
    booked, cancelled = _literal(Appointment.Status.BOOKED), _literal(Appointment.Status.CANCELLED)
    lock = ""
    if keys:
        # Takes each contact's row lock (creating the row the first time) until the end.
        rows = ", ".join(f"(%(key{n})s, %(now)s)" for n in range(keys))
        lock = (
            f"INSERT INTO {qn(ContactLock._meta.db_table)} ({qn('key')}, created_at) VALUES {rows}"
            f" ON CONFLICT ({qn('key')}) DO UPDATE SET {qn('key')} = EXCLUDED.{qn('key')}"
        )
    same_contact = [
        *(["UPPER(email::text) = UPPER(%(email)s)"] if email else []),
        *(["phone = %(phone)s"] if phone else []),
    ]
    limit = (
        f"SELECT count(*) < %(max_active)s AS ok FROM {appointments} WHERE service_id = %(service)s"
        f' AND status = {booked} AND "end" > %(now)s AND ({" OR ".join(same_contact)})'
        if same_contact
        else "SELECT true AS ok"
    )
    # The least loaded counsellor that day first (as slots.plan_days orders them), then by id.
    load = (
        f"(SELECT count(*) FROM {appointments} b WHERE b.counsellor_id = c.id"
        f" AND b.start >= %(day_start)s AND b.start < %(day_end)s AND b.status <> {cancelled})"
    )
    pick = (
        "SELECT c.id FROM unnest(%(candidates)s::bigint[]) AS c(id)"
        # Busy as the free times count it (selectors._busy) …
        f" WHERE NOT EXISTS (SELECT 1 FROM {appointments} b WHERE b.counsellor_id = c.id"
        ' AND b.start < %(end)s AND b.start > %(day_before)s AND b."end" > %(start)s'
        f" AND b.status <> {cancelled})"
        # … and as the occupancy constraint counts it (5-minute units), or a time that shares
        # a unit with a booking ending inside it would be retried with the same counsellor.
        # A range on the constraint's index (counsellor, unit): the units are consecutive.
        f" AND NOT EXISTS (SELECT 1 FROM {occupancy} o WHERE o.counsellor_id = c.id"
        " AND o.unit_start >= %(first_unit)s AND o.unit_start <= %(last_unit)s)"
        f" ORDER BY {load}, c.id LIMIT 1"
    )
    parts = [
        f"limit_ok AS ({limit})",
        f"pick AS ({pick})",
        # A taken time is reported before the contact limit, as on the portable path.
        f"appointment AS ({_insert(Appointment, 'a', 'pick, limit_ok', {'counsellor_id': 'pick.id'})}"
        " WHERE limit_ok.ok RETURNING id, counsellor_id)",
        f"occupancy AS (INSERT INTO {occupancy} (counsellor_id, unit_start, appointment_id)"
        " SELECT a.counsellor_id, u, a.id FROM appointment a, generate_series(%(first_unit)s::timestamptz,"
        f" %(last_unit)s::timestamptz, interval '{UNIT_MINUTES} minutes') AS u)",
        f"history AS ({_insert(AppointmentHistory, 'h', 'appointment a', {'appointment_id': 'a.id'})})",
        *(
            f"m{n} AS ({_insert(Message, f'm{n}', 'appointment a', {'appointment_id': 'a.id'})} RETURNING id)"
            for n in range(messages)
        ),
    ]
    message_ids = ", ".join(f"(SELECT id FROM m{n})" for n in range(messages))
    counsellor = ", ".join(f"c.{qn(f.column)}" for f in Counsellor._meta.concrete_fields)
    main = (
        f"WITH {', '.join(parts)}"
        f" SELECT EXISTS (SELECT 1 FROM pick), limit_ok.ok, a.id, ARRAY[{message_ids}]::bigint[], {counsellor}"
        f" FROM limit_ok LEFT JOIN appointment a ON true"
        f" LEFT JOIN {qn(Counsellor._meta.db_table)} c ON c.id = a.counsellor_id"
    )
    return _prepared_text(lock, main)
