"""CSV and ODS exports of the tables, and the anonymous ticket rows as a streamed CSV.

A cell that a spreadsheet would run as a formula (text starting with =, +, -, @, a tab or a
carriage return) gets a leading apostrophe, so that it stays text."""

import csv
import datetime as dt
from collections.abc import Iterable, Iterator

import tablib
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.text import slugify

from kundenzentrum.models import Ticket, TicketHistory

from .figures import Table
from .queries import Scope

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000


def neutralise(value):
    """The value, with text that a spreadsheet would evaluate turned into plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _cell(value):
    if isinstance(value, float):
        return round(value, 4)
    return neutralise(value)


def dataset(table: Table) -> tablib.Dataset:
    """The table as a tablib Dataset (title = sheet name)."""
    data = tablib.Dataset(headers=[neutralise(c) for c in table.columns], title=table.key[:31])
    for row in table.rows:
        data.append([_cell(v) for v in row])
    return data


def ods(tables: Iterable[Table]) -> bytes:
    """An ODS workbook with one sheet per table."""
    return tablib.Databook([dataset(t) for t in tables]).export("ods")


def csv_text(table: Table) -> str:
    """One table as CSV text."""
    return dataset(table).export("csv")


def filename(scope: Scope, what: str, extension: str) -> str:
    """statistik-<location>-<from>-<to>-<what>.<extension>"""
    place = scope.location.slug if scope.location else "alle-standorte"
    return f"statistik-{slugify(place)}-{scope.start.isoformat()}-{scope.end.isoformat()}-{slugify(what)}.{extension}"


class _Echo:
    """A file-like object whose write returns the line (csv.writer into a generator)."""

    def write(self, value: str) -> str:
        return value


TICKET_COLUMNS = [
    "standort",
    "anliegen",
    "tag",
    "mit_termin",
    "status",
    "ausgegeben",
    "erster_aufruf",
    "erste_bearbeitung",
    "beendet",
]


def ticket_rows(scope: Scope) -> Iterator[str]:
    """The anonymous rows of the current period's tickets as CSV lines, read in chunks."""
    writer = csv.writer(_Echo())
    yield writer.writerow(TICKET_COLUMNS)
    for row in _ticket_values(scope).iterator(chunk_size=CHUNK):
        values = [*row[:3], "ja" if row[3] else "nein", *row[4:]]
        yield writer.writerow([neutralise(_plain(v)) for v in values])


def _first(status: str) -> Subquery:
    return Subquery(
        TicketHistory.objects.filter(ticket=OuterRef("pk"), new_status=status)
        .order_by("at", "pk")
        .values("at")[:1]
    )


def _ticket_values(scope: Scope):
    found = Ticket.objects.filter(day__gte=scope.start, day__lte=scope.end)
    if scope.location:
        found = found.filter(location=scope.location)
    if scope.service:
        found = found.filter(service=scope.service)
    return (
        found.annotate(
            location_name=F("location__name"),
            service_name=F("service__name"),
            first_call=_first(Ticket.Status.CALLED),
            first_start=_first(Ticket.Status.IN_SERVICE),
        )
        .order_by("day", "issued_at", "pk")
        .values_list(
            "location_name",
            "service_name",
            "day",
            "due_at",
            "status",
            "issued_at",
            "first_call",
            "first_start",
            "finished_at",
        )
    )


def _plain(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else value
