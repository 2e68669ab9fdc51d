"""Pure timing of reminders, without a database: DST days and postal working days."""

import datetime as dt

from messaging.timing import email_reminder_due, letter_posting_day, retry_delay
from sozialamt.hours import OfficeCalendar, WeeklyInterval

UTC = dt.UTC
MON_TO_FRI = [WeeklyInterval(day, dt.time(8), dt.time(15, 30)) for day in range(5)]


def test_the_email_reminder_keeps_its_wall_clock_time_across_the_october_dst_change():
    # Monday 26 October 2026 10:00 CET → Saturday 24 October 10:00 CEST.
    assert email_reminder_due(dt.datetime(2026, 10, 26, 9, 0, tzinfo=UTC), 2) == dt.datetime(
        2026, 10, 24, 8, 0, tzinfo=UTC
    )


def test_the_email_reminder_keeps_its_wall_clock_time_across_the_march_dst_change():
    # Tuesday 31 March 2026 10:00 CEST → Sunday 29 March 10:00 CEST (the change was at 02:00 that day).
    assert email_reminder_due(dt.datetime(2026, 3, 31, 8, 0, tzinfo=UTC), 2) == dt.datetime(
        2026, 3, 29, 8, 0, tzinfo=UTC
    )


def test_no_email_reminder_when_the_location_sets_zero_days():
    assert email_reminder_due(dt.datetime(2026, 3, 31, 8, 0, tzinfo=UTC), 0) is None


def test_the_posting_day_skips_weekends_and_holidays_in_the_office_calendar():
    calendar = OfficeCalendar(weekly=MON_TO_FRI, holidays={dt.date(2026, 5, 1): "Tag der Arbeit"})
    # Tuesday 5 May: Monday 4, (Friday 1 May holiday), Thursday 30 April, Wednesday 29 April.
    assert letter_posting_day(calendar, dt.date(2026, 5, 5), 3) == dt.date(2026, 4, 29)


def test_without_opening_hours_the_posting_day_counts_monday_to_friday_without_holidays():
    holidays = {dt.date(2026, 5, 1)}
    assert letter_posting_day(None, dt.date(2026, 5, 5), 3, holidays.__contains__) == dt.date(2026, 4, 29)


def test_retries_back_off_exponentially_up_to_the_cap():
    assert [retry_delay(n, base=60, cap=3600).total_seconds() for n in range(1, 9)] == [
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
        3600,
    ]
