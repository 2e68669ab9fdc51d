"""Pure time arithmetic for messages: when a reminder is due, when a letter must be posted."""

import datetime as dt
from collections.abc import Callable

from sozialamt.hours import BERLIN, OfficeCalendar, aware


def email_reminder_due(start: dt.datetime, days_before: int) -> dt.datetime | None:
    """The moment the e-mail reminder is due: the same time of day `days_before` days earlier.

    Computed on the local calendar, so a reminder across a DST change keeps its wall-clock time.
    None when the location sends no e-mail reminders (0 days)."""
    if days_before <= 0:
        return None
    local = start.astimezone(BERLIN)
    return aware(local.date() - dt.timedelta(days=days_before), local.time().replace(tzinfo=None))


def letter_posting_day(
    calendar: OfficeCalendar | None,
    appointment_day: dt.date,
    working_days: int,
    is_holiday: Callable[[dt.date], bool] = lambda day: False,
) -> dt.date:
    """The last day a reminder letter can be posted to arrive in time: `working_days` open days
    of the office before the appointment. Without opening hours, Monday to Friday minus holidays."""
    if calendar is not None and calendar.weekly:
        try:
            return calendar.subtract_working_days(appointment_day, working_days)
        except ValueError:
            pass
    day = appointment_day
    for _ in range(working_days):
        day -= dt.timedelta(days=1)
        while day.weekday() >= 5 or is_holiday(day):
            day -= dt.timedelta(days=1)
    return day


def retry_delay(attempts: int, *, base: int, cap: int) -> dt.timedelta:
    """Capped exponential backoff after the `attempts`-th failed try (1, 2, 3 … → base, 2·base, …)."""
    return dt.timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))
