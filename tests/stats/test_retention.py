"""Anonymous by construction: deleting the personal data on time changes no figure."""

import datetime as dt

import pytest
import time_machine

from booking.models import Appointment
from messaging.models import CallListEntry
from messaging.tasks import delete_personal_data
from stats import export
from stats.report import build_report

pytestmark = pytest.mark.django_db
# Long after the retention periods of the known week.
LATER = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)


def everything(scope) -> tuple:
    report = build_report(scope, with_today=False)
    figures = [(f.key, f.current, f.previous) for group in report.groups for f in group.figures]
    tables = {key: (table.columns, table.rows) for key, table in report.tables.items()}
    return figures, tables, list(export.ticket_rows(scope))


def test_deleting_the_personal_data_leaves_every_figure_unchanged(known_week):
    with time_machine.travel(LATER, tick=False):
        before = everything(known_week)
        counts = delete_personal_data()
        assert counts["appointments"] == Appointment.objects.count() == 5
        assert not Appointment.objects.exclude(name="").exists()
        assert not Appointment.objects.filter(anonymised_at__isnull=True).exists()
        assert CallListEntry.objects.filter(done_at__isnull=True).count() == 0
        after = everything(known_week)
    assert after == before
    assert before[0]  # there are figures to compare
