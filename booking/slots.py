"""Free-time arithmetic: pure functions, no database access.

All intervals are pairs of aware datetimes in UTC (see sozialamt.hours for why). Working hours
are local wall-clock times, turned into instants per day with `sozialamt.hours.aware`, so a
day on which the clocks change has the right length.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sozialamt.hours import Day, aware

Interval = tuple[dt.datetime, dt.datetime]
EPOCH = dt.datetime(2000, 1, 3, tzinfo=dt.UTC)


@dataclass(frozen=True)
class CounsellorPlan:
    """What the arithmetic needs to know about one counsellor."""

    id: int
    weekly: Sequence[tuple[int, dt.time, dt.time]]  # weekday, starts, ends (local)
    absences: Sequence[Interval] = ()
    busy: Sequence[Interval] = ()


@dataclass(frozen=True)
class Slot:
    """A bookable start time and the free counsellors, least loaded that day first."""

    start: dt.datetime
    end: dt.datetime
    counsellors: tuple[int, ...]


@dataclass(frozen=True)
class DayPlan:
    """One calendar day: the office's day (closed and why) and its free times."""

    day: Day
    bookable: bool  # inside lead time and horizon
    slots: tuple[Slot, ...] = field(default=())

    @property
    def date(self) -> dt.date:
        return self.day.date


def intersect(a: Iterable[Interval], b: Iterable[Interval]) -> list[Interval]:
    """The parts of time covered by both lists of intervals."""
    found = []
    for a_start, a_end in a:
        for b_start, b_end in b:
            start, end = max(a_start, b_start), min(a_end, b_end)
            if start < end:
                found.append((start, end))
    return sorted(found)


def subtract(intervals: Iterable[Interval], removals: Iterable[Interval]) -> list[Interval]:
    """The intervals with every removal cut out."""
    result = sorted(intervals)
    for r_start, r_end in removals:
        pieces = []
        for start, end in result:
            if r_end <= start or end <= r_start:
                pieces.append((start, end))
                continue
            if start < r_start:
                pieces.append((start, r_start))
            if r_end < end:
                pieces.append((r_end, end))
        result = pieces
    return result


def ceil_to_grid(moment: dt.datetime, step: dt.timedelta, anchor: dt.datetime = EPOCH) -> dt.datetime:
    """The first instant at or after `moment` on the grid of `step` that passes through `anchor`."""
    remainder = (moment - anchor) % step
    return moment if not remainder else moment + (step - remainder)


def units(start: dt.datetime, end: dt.datetime, unit: dt.timedelta) -> list[dt.datetime]:
    """The starts of the grid units an interval touches (the rows it occupies)."""
    first = start - ((start - EPOCH) % unit)
    count = -(-(end - first) // unit)
    return [first + n * unit for n in range(count)]


def starts_in(
    free: Iterable[Interval],
    duration: dt.timedelta,
    step: dt.timedelta,
    after: dt.datetime,
    anchor: dt.datetime,
):
    """Every grid start (counted from `anchor`) in the free intervals that leaves room for the
    whole duration."""
    for start, end in free:
        moment = ceil_to_grid(max(start, after), step, anchor)
        while moment + duration <= end:
            yield moment
            moment += step


def plan_days(
    *,
    days: Sequence[Day],
    tz: ZoneInfo,
    counsellors: Sequence[CounsellorPlan],
    first_day: dt.date,
    last_day: dt.date,
    duration: dt.timedelta,
    step: dt.timedelta,
    now: dt.datetime,
) -> list[DayPlan]:
    """Each day from start to end with its free times: a time is free when at least one
    counsellor works then, the office is open, and they are neither absent nor busy."""
    busy_by_day: dict[tuple[int, dt.date], list[Interval]] = defaultdict(list)
    for plan in counsellors:
        for interval in plan.busy:
            busy_by_day[plan.id, interval[0].astimezone(tz).date()].append(interval)
    plans = []
    for day in days:
        bookable = first_day <= day.date <= last_day and day.is_open
        slots = _day_slots(tz, counsellors, day, busy_by_day, duration, step, now) if bookable else ()
        plans.append(DayPlan(day, bookable, slots))
    return plans


def _open_working(plan: CounsellorPlan, day: Day, tz: ZoneInfo) -> list[Interval]:
    """The counsellor's working time on the day while the office is open."""
    working = [
        (aware(day.date, starts, tz), aware(day.date, ends, tz))
        for weekday, starts, ends in plan.weekly
        if weekday == day.date.weekday()
    ]
    return intersect(day.intervals, working) if working else []


def _day_slots(tz, counsellors, day: Day, busy_by_day, duration, step, now) -> tuple[Slot, ...]:
    free_at: dict[dt.datetime, list[tuple[int, int]]] = defaultdict(list)
    for plan in counsellors:
        busy = busy_by_day.get((plan.id, day.date), [])
        # The grid starts where the counsellor's open working time starts (local wall clock), so
        # any step (45 minutes too) gives 8:00, 8:45, … and not a grid drifting from a UTC epoch.
        for open_start, open_end in _open_working(plan, day, tz):
            free = subtract([(open_start, open_end)], [*plan.absences, *busy])
            for moment in starts_in(free, duration, step, now, anchor=open_start):
                free_at[moment].append((len(busy), plan.id))
    return tuple(
        Slot(moment, moment + duration, tuple(pk for _load, pk in sorted(free_at[moment])))
        for moment in sorted(free_at)
    )


def offers_start(
    plan: CounsellorPlan,
    day: Day,
    tz: ZoneInfo,
    start: dt.datetime,
    duration: dt.timedelta,
    step: dt.timedelta,
) -> bool:
    """Whether `start` is one of the counsellor's grid starts on the day, bookings aside: what
    plan_days would list for them with no bookings, asked for one moment instead of a whole day."""
    for open_start, open_end in _open_working(plan, day, tz):
        if start < open_start or (start - open_start) % step:
            continue  # not on the grid of this stretch of working time
        free = subtract([(open_start, open_end)], plan.absences)
        if any(f_start <= start and start + duration <= f_end for f_start, f_end in free):
            return True
    return False


def next_free(plans: Iterable[DayPlan], count: int = 3, after: dt.datetime | None = None) -> list[Slot]:
    """The first `count` free times (after a moment, if given)."""
    found = []
    for plan in plans:
        for slot in plan.slots:
            if after is None or slot.start > after:
                found.append(slot)
                if len(found) == count:
                    return found
    return found
