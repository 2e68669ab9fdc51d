"""Opening-hours arithmetic: pure functions and value objects, no database access.

Opening hours are local wall-clock times at the office. Every interval returned here is a
pair of aware datetimes in UTC, built from the wall-clock times with zoneinfo: Python
subtracts two datetimes of the same zone by wall clock, so arithmetic in local time would
get the length of a day on which the clocks change (23 or 25 hours) wrong.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
# How far next_opening looks ahead before it gives up (a long closure over Christmas, say).
SEARCH_DAYS = 400


@dataclass(frozen=True)
class WeeklyInterval:
    """One opening interval on a weekday (0 = Monday), valid from a date on."""

    weekday: int
    opens: dt.time
    closes: dt.time
    valid_from: dt.date = dt.date.min


@dataclass(frozen=True)
class SpecialDay:
    """A closure (no times) or special hours on each day from start to end inclusive."""

    start: dt.date
    end: dt.date
    reason: str
    opens: dt.time | None = None
    closes: dt.time | None = None

    @property
    def is_closed(self) -> bool:
        return self.opens is None or self.closes is None

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Day:
    """What one calendar day looks like at a location."""

    date: dt.date
    intervals: tuple[tuple[dt.datetime, dt.datetime], ...]
    # Why the office is closed or has special hours (holiday name, closure reason,
    # "Wochenende"); empty on an ordinary day.
    reason: str = ""
    kind: str = "regular"  # regular | weekend | holiday | closure | special

    @property
    def is_open(self) -> bool:
        return bool(self.intervals)

    @property
    def opens(self) -> dt.datetime | None:
        return self.intervals[0][0] if self.intervals else None

    @property
    def closes(self) -> dt.datetime | None:
        return self.intervals[-1][1] if self.intervals else None


def aware(day: dt.date, time: dt.time, tz: ZoneInfo = BERLIN) -> dt.datetime:
    """The instant (in UTC) of a wall-clock time on a day at the office."""
    # A wall time in the spring gap (02:30 on the last Sunday of March) does not exist;
    # zoneinfo reads it with the winter offset, which is the instant one hour later.
    return dt.datetime.combine(day, time).replace(tzinfo=tz).astimezone(dt.UTC)


def weekly_for(day: dt.date, weekly: Iterable[WeeklyInterval]) -> list[WeeklyInterval]:
    """The weekly intervals in force on a day: the newest set whose valid_from has begun."""
    started = [w for w in weekly if w.valid_from <= day]
    if not started:
        return []
    current = max(w.valid_from for w in started)
    return sorted(
        (w for w in started if w.valid_from == current and w.weekday == day.weekday()),
        key=lambda w: w.opens,
    )


def overlapping(intervals: Iterable[tuple[dt.time, dt.time]]) -> list[tuple]:
    """Pairs of intervals that overlap (touching ends do not overlap)."""
    ordered = sorted(intervals)
    return [(a, b) for a, b in pairwise(ordered) if b[0] < a[1]]


@dataclass
class OfficeCalendar:
    """The opening hours of one location, answering every "is it open / when" question."""

    weekly: list[WeeklyInterval]
    special_days: list[SpecialDay] = field(default_factory=list)
    holidays: Mapping[dt.date, str] = field(default_factory=dict)
    tz: ZoneInfo = BERLIN

    def day(self, day: dt.date) -> Day:
        """The open intervals of a day and, when it differs from the ordinary week, why."""
        special = self._special(day)
        if special is not None:
            if special.is_closed:
                return Day(day, (), special.reason, "closure")
            return Day(day, self._interval(day, special.opens, special.closes), special.reason, "special")
        if day in self.holidays:
            return Day(day, (), self.holidays[day], "holiday")
        rules = weekly_for(day, self.weekly)
        intervals = sum((self._interval(day, r.opens, r.closes) for r in rules), ())
        if not intervals and day.weekday() >= 5:
            return Day(day, (), "", "weekend")
        return Day(day, intervals)

    def days(self, start: dt.date, end: dt.date) -> list[Day]:
        """Every day from start to end inclusive."""
        return [self.day(start + dt.timedelta(n)) for n in range((end - start).days + 1)]

    def open_days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """The days from start to end inclusive on which the location opens at all."""
        return [d.date for d in self.days(start, end) if d.is_open]

    def interval_at(self, moment: dt.datetime) -> tuple[dt.datetime, dt.datetime] | None:
        """The open interval that contains the moment, or None when closed then."""
        local = moment.astimezone(self.tz)
        for start, end in self.day(local.date()).intervals:
            if start <= local < end:
                return start, end
        return None

    def is_open_at(self, moment: dt.datetime) -> bool:
        """Whether the location is open at an aware moment."""
        return self.interval_at(moment) is not None

    def next_opening(self, moment: dt.datetime) -> dt.datetime | None:
        """The next moment strictly after `moment` at which an open interval begins."""
        local = moment.astimezone(self.tz)
        for offset in range(SEARCH_DAYS):
            for start, _end in self.day(local.date() + dt.timedelta(offset)).intervals:
                if start > local:
                    return start
        return None

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        """The open day `count` open days after `day` (count >= 1)."""
        found = day
        for _ in range(count):
            found = self._next_open_day(found)
        return found

    def subtract_working_days(self, day: dt.date, count: int) -> dt.date:
        """The open day `count` open days before `day` (count >= 1)."""
        found = day
        for _ in range(count):
            found = self._next_open_day(found, step=-1)
        return found

    def _next_open_day(self, day: dt.date, step: int = 1) -> dt.date:
        for offset in range(1, SEARCH_DAYS):
            candidate = day + dt.timedelta(step * offset)
            if self.day(candidate).is_open:
                return candidate
        raise ValueError("no open day within the search window")

    def _special(self, day: dt.date) -> SpecialDay | None:
        # Of several special days on one date, the one that started last wins: a closure
        # entered for one day inside a longer special-hours period overrides it.
        matching = [s for s in self.special_days if s.covers(day)]
        return max(matching, key=lambda s: (s.start, s.is_closed)) if matching else None

    def _interval(self, day: dt.date, opens: dt.time, closes: dt.time) -> tuple:
        start, end = aware(day, opens, self.tz), aware(day, closes, self.tz)
        return ((start, end),) if start < end else ()
