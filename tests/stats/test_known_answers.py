"""The hand-made week of tests/stats/conftest.py gives exactly the figures worked out by hand
from the definitions on the page."""

import pytest

from stats.report import build_report

pytestmark = pytest.mark.django_db


def figures(report, group: str) -> dict:
    """The figures of one group: key -> (current, previous)."""
    found = next(g for g in report.groups if g.key == group)
    return {f.key: (f.current, f.previous) for f in found.figures}


def test_the_walk_in_figures_are_exact(known_week):
    found = figures(build_report(known_week), "tickets")
    assert found["issued"] == (7, 1)
    assert found["served"] == (4, 1)
    assert found["not_served"] == (1, 0)
    assert found["no_show"] == (1, 0)
    assert found["open"] == (1, 0)
    # First calls 5, 12, 15 (the DST Sunday: 1:50 CET to 3:05 CEST), 21, 25 minutes.
    assert found["wait_median"] == (15, 30)
    assert found["wait_p90"] == (25, 30)
    # Handled 10, 12, 27 (parked 10 minutes included), 64 (first start to done after the transfer).
    assert found["handling_median"] == (12, 10)
    assert found["handling_p90"] == (64, 10)
    # Closed: six tickets; within 20 minutes: 12, 5 (transferred to a 20-minute service), 15.
    assert found["service_level"] == (0.5, 0.0)


def test_the_appointment_figures_are_exact(known_week):
    found = figures(build_report(known_week), "appointments")
    assert found["booked"] == (5, 0)
    assert found["cancelled_by_citizen"] == (1, 0)
    assert found["cancelled_by_office"] == (1, 0)
    assert found["moved"] == (1, 0)
    assert found["moves"] == (2, 0)
    assert found["attended"] == (2, 0)
    assert found["no_show"] == (1, 0)
    assert found["no_show_rate"] == (pytest.approx(1 / 3), None)
    # Lead times 5, 10, 11 days (Ap3 from its booking to its final time).
    assert found["lead_median"] == (10, None)
    assert found["lead_p90"] == (11, None)
    # Called 3 minutes late and 2 minutes early.
    assert found["punctuality_median"] == (-2, None)
    assert found["punctuality_p90"] == (3, None)


def test_the_channel_figures_are_exact(known_week):
    found = figures(build_report(known_week), "channels")
    assert found["booked_online"] == (5, 0)
    assert found["booked_phone"] == (0, 0)
    assert found["booked_counter"] == (0, 0)
    assert found["reminder_letter"] == (2, 0)
    assert found["reminder_email"] == (1, 0)
    assert found["reminder_both"] == (1, 0)
    assert found["reminder_none"] == (1, 0)
    assert found["letters_posted"] == (1, 1)
    assert found["call_list"] == (1, 0)
    assert found["call_list_cancelled"] == (1, 0)


def test_the_capacity_figures_are_exact(known_week):
    found = figures(build_report(known_week), "capacity")
    # Mon, Wed, Thu, Fri and the night opening on Sunday; Tuesday closed. Before: Mon–Fri.
    assert found["open_days"] == (5, 5)
    # 450 + 450 + 600 + 240 minutes (the counsellor works no Sundays); before 3 × 450 + 600 + 240.
    assert found["available_hours"] == (29.0, 36.5)
    assert found["booked_hours"] == (2.3, 0.0)  # three appointments of 45 minutes, 2.25 h
    assert found["utilisation"] == (pytest.approx(135 / 1740), 0.0)
    assert found["unused_hours"] == (26.8, 36.5)  # 1605 minutes


def test_the_heat_map_and_the_counsellor_table_are_exact(known_week):
    report = build_report(known_week)
    heat = report.tables["heat_map"]
    assert heat.columns[1:] == ["01–02", "03–04", "08–09", "09–10", "11–12"]
    rows = {row[0]: row[1:] for row in heat.rows}
    assert rows["Mo"] == [0, 0, 3, 1, 1]
    assert rows["So"] == [1, 1, 0, 0, 0]
    assert rows["Di"] == [0, 0, 0, 0, 0]
    # One counsellor with three appointments: fewer than five, so no row at all.
    assert report.tables["counsellors"].rows == []
