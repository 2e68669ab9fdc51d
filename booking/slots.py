"""Free-time arithmetic: pure functions, no database access.

All intervals are pairs of aware datetimes in UTC (see sozialamt.hours for why). Working hours
are local wall-clock times, turned into instants per day with `sozialamt.hours.aware`, so a
day on which the clocks change has the right length.

A counsellor's day is a row of 5-minute units counted from local midnight (276 or 300 of them
on the days the clocks change), held in one Python int: bit i is the unit that starts i units
after midnight. A booking occupies every unit it touches (as its Occupancy rows do), so "free
for k units from unit i" is bit i of k shifted ANDs of the free units. The grid starts a
counsellor offers (working hours, opening hours and absences, bookings aside) are masks too,
grouped by how a start sits in its unit and how many units it touches: one group when the
hours lie on the 5-minute grid, as they nearly always do.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sozialamt.hours import Day, aware

Interval = tuple[dt.datetime, dt.datetime]
# (offset of the starts in their unit in seconds, units a start touches, mask of the starts)
Candidates = tuple[tuple[int, int, int], ...]
# (mask of the busy units, number of bookings) of one counsellor on one day
Busy = tuple[int, int]
NOT_BUSY: Busy = (0, 0)
EPOCH = dt.datetime(2000, 1, 3, tzinfo=dt.UTC)
UNIT = dt.timedelta(minutes=5)  # booking.models.UNIT_MINUTES


@dataclass(frozen=True)
class CounsellorPlan:
    """What the arithmetic needs to know about one counsellor, bookings aside."""

    id: int
    weekly: Sequence[tuple[int, dt.time, dt.time]]  # weekday, starts, ends (local)
    absences: Sequence[Interval] = ()


class Slot(NamedTuple):
    """A bookable start time."""

    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True)
class DayPlan:
    """One calendar day: the office's day (closed and why) and its free times."""

    day: Day
    bookable: bool  # inside lead time and horizon
    slots: tuple[Slot, ...] = field(default=())
    # Of the slots, the starts held back for staff (Notfallkontingent, not yet released).
    reserved: frozenset[dt.datetime] = field(default=frozenset())

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


def units(start: dt.datetime, end: dt.datetime, unit: dt.timedelta = UNIT) -> list[dt.datetime]:
    """The starts of the grid units an interval touches (the rows it occupies)."""
    first = start - ((start - EPOCH) % unit)
    count = -(-(end - first) // unit)
    return [first + n * unit for n in range(count)]


def unit_number(moment: dt.datetime) -> int:
    """The number of the unit a moment falls in, counted from EPOCH."""
    return (moment - EPOCH) // UNIT


def unit_span(start: dt.datetime, end: dt.datetime) -> tuple[int, int]:
    """The numbers of the first unit an interval touches and of the unit after its last one:
    the units of its Occupancy rows, as two small integers."""
    return unit_number(start), -((EPOCH - end) // UNIT)


def midnight(date: dt.date, tz: ZoneInfo) -> dt.datetime:
    """Local midnight of the day as a UTC instant: unit 0 of the day's row."""
    return aware(date, dt.time(), tz)


def _touched(start: dt.datetime, end: dt.datetime, day_start: dt.datetime) -> tuple[int, int]:
    """The first unit an interval touches and how many it touches."""
    first = (start - day_start) // UNIT
    return first, -(-(end - day_start) // UNIT) - first


def _open_working(plan: CounsellorPlan, day: Day, tz: ZoneInfo) -> list[Interval]:
    """The counsellor's working time on the day while the office is open."""
    working = [
        (aware(day.date, starts, tz), aware(day.date, ends, tz))
        for weekday, starts, ends in plan.weekly
        if weekday == day.date.weekday()
    ]
    return intersect(day.intervals, working) if working else []


def fits(plan: CounsellorPlan, day: Day, tz: ZoneInfo, start: dt.datetime, end: dt.datetime) -> bool:
    """Whether a booked time still lies wholly in the counsellor's open working time of the
    day, outside their absences (after hours, a closure or an absence were changed)."""
    free = subtract(_open_working(plan, day, tz), plan.absences)
    return any(f_start <= start and end <= f_end for f_start, f_end in free)


def _comb(stride: int, count: int) -> int:
    """count bits, stride apart, from bit 0 (the binary repunit of base 2**stride)."""
    return ((1 << (stride * count)) - 1) // ((1 << stride) - 1)


def day_candidates(
    plan: CounsellorPlan, day: Day, tz: ZoneInfo, duration: dt.timedelta, step: dt.timedelta
) -> Candidates:
    """The grid starts the counsellor offers on the day, bookings aside, as masks.

    The grid starts where the counsellor's open working time starts (local wall clock), so any
    step (45 minutes too) gives 8:00, 8:45, … and not a grid drifting from a UTC epoch."""
    day_start = midnight(day.date, tz)
    groups: dict[tuple[int, int], int] = {}
    for anchor, open_end in _open_working(plan, day, tz):
        aligned = not (anchor - day_start) % UNIT and not step % UNIT
        for free_start, free_end in subtract([(anchor, open_end)], plan.absences):
            first = ceil_to_grid(free_start, step, anchor)
            count = (free_end - duration - first) // step + 1 if first + duration <= free_end else 0
            if count <= 0:
                continue
            if aligned:  # every start sits on a unit boundary and touches as many units
                unit, touched = _touched(first, first + duration, day_start)
                mask = _comb(step // UNIT, count) << unit
                groups[0, touched] = groups.get((0, touched), 0) | mask
                continue
            for n in range(count):
                moment = first + n * step
                unit, touched = _touched(moment, moment + duration, day_start)
                key = (int(((moment - day_start) % UNIT).total_seconds()), touched)
                groups[key] = groups.get(key, 0) | (1 << unit)
    return tuple((offset, touched, mask) for (offset, touched), mask in sorted(groups.items()))


def day_masks(booked: Iterable[tuple[int, int, int]], midnights: Sequence[int]) -> list[dict[int, Busy]]:
    """Per day (from each midnight to the next, as unit numbers of unit_span) and counsellor:
    the mask of the units the booked intervals (counsellor, first unit, unit after the last)
    touch and how many intervals touch the day.

    Integer unit numbers throughout, so a row costs two subtractions and a shift."""
    base = midnights[0]
    edges = [m - base for m in midnights]
    found: list[dict[int, Busy]] = [{} for _ in edges[1:]]
    within = edges[-1]
    for pk, start_unit, end_unit in booked:
        first, last = start_unit - base, end_unit - base
        # The day a booking starts on, by bisection: days differ in length when the clocks change.
        if 0 <= first < within and last <= edges[(n := bisect_right(edges, first) - 1) + 1]:
            day, low = found[n], first - edges[n]  # as nearly every booking: within one day
            mask, count = day.get(pk, NOT_BUSY)
            day[pk] = (mask | ((1 << (last - first)) - 1) << low, count + 1)
            continue
        # Began before the first day or ends after a midnight: each day it touches.
        for n in range(len(found)):
            if edges[n] < last and first < edges[n + 1]:
                day, low, high = found[n], max(first, edges[n]) - edges[n], min(last, edges[n + 1]) - edges[n]
                mask, count = day.get(pk, NOT_BUSY)
                day[pk] = (mask | ((1 << (high - low)) - 1) << low, count + 1)
    return found


def runs(free: int, length: int) -> int:
    """Bit i is set where bits i … i+length-1 of `free` are all set: runs of a power of two by
    doubling, then two of those overlapping (log2(length) + 1 shifts, not length - 1)."""
    found, have = free, 1
    while have * 2 <= length:
        found &= found >> have
        have *= 2
    return found & (found >> (length - have)) if have < length else found


def day_starts(
    counsellors: Iterable[tuple[int, Candidates]],
    busy: Mapping[int, Busy],
    day_start: dt.datetime,
) -> list[dt.datetime]:
    """Every start at which at least one counsellor is free, in order."""
    return day_answers(counsellors, busy, {}, day_start)[0]


def day_answers(
    counsellors: Iterable[tuple[int, Candidates]],
    busy: Mapping[int, Busy],
    held: Mapping[int, int],
    day_start: dt.datetime,
) -> tuple[list[dt.datetime], list[dt.datetime] | None]:
    """Every start at which at least one counsellor is free, in order, and the same with the
    held units (see reserve) taken (None when nothing is held): one pass over the counsellors,
    the held ones worked out twice."""
    # Per offset in the unit one mask (starts of different lengths share their bits).
    every: dict[int, int] = {}
    cited: dict[int, int] = {}
    for counsellor, candidates in counsellors:
        blocked = busy.get(counsellor, NOT_BUSY)[0]
        kept = held.get(counsellor, 0)
        for offset, touched, mask in candidates:
            free = mask & runs(~blocked, touched) if blocked else mask
            every[offset] = every.get(offset, 0) | free
            if kept:
                free &= runs(~(blocked | kept), touched)
            cited[offset] = cited.get(offset, 0) | free
    return _starts(every, day_start), _starts(cited, day_start) if held else None


def _starts(by_offset: dict[int, int], day_start: dt.datetime) -> list[dt.datetime]:
    # The bits of one mask come out in order, so only several offsets need sorting.
    found = [
        day_start + dt.timedelta(seconds=offset) + unit * UNIT
        for offset, mask in by_offset.items()
        for unit in _bits(mask)
    ]
    return found if len(by_offset) < 2 else sorted(found)


def packed(starts: Sequence[dt.datetime], duration: dt.timedelta) -> int:
    """How many bookings of `duration` fit one counsellor's sorted starts, earliest first."""
    count, free_from = 0, None
    for start in starts:
        if free_from is None or start >= free_from:
            count, free_from = count + 1, start + duration
    return count


def free_counsellors(
    counsellors: Iterable[tuple[int, Candidates]],
    busy: Mapping[int, Busy],
    day_start: dt.datetime,
    start: dt.datetime,
    duration: dt.timedelta,
) -> tuple[int, ...]:
    """The counsellors who offer `start` and are free for the whole duration, the least loaded
    that day first (fewest bookings), then by id."""
    unit, touched = _touched(start, start + duration, day_start)
    key = (int(((start - day_start) % UNIT).total_seconds()), touched)
    free = []
    for counsellor, candidates in counsellors:
        blocked, load = busy.get(counsellor, NOT_BUSY)
        for offset, length, mask in candidates:
            if (offset, length) == key and mask >> unit & 1 and not blocked >> unit & ((1 << length) - 1):
                free.append((load, counsellor))
    return tuple(counsellor for _load, counsellor in sorted(free))


def reserve(counsellors: Iterable[tuple[int, Candidates]], count: int) -> dict[int, int]:
    """The units of `count` grid starts held back for staff: the latest of the day first, taken
    in turn from each counsellor, none overlapping another of the same counsellor. Per
    counsellor, the mask of the units the held starts touch (bookings aside: the same every time
    for the same hours, so a held time stays held while citizens book the others)."""
    options = []
    for counsellor, candidates in counsellors:
        starts = [(unit, touched) for _offset, touched, mask in candidates for unit in _bits(mask)]
        options.append((counsellor, sorted(starts, reverse=True)))
    held: dict[int, int] = {}
    while count > 0 and any(starts for _c, starts in options):
        for counsellor, starts in options:
            if count == 0:
                break
            while starts:
                unit, touched = starts.pop(0)
                block = ((1 << touched) - 1) << unit
                if not held.get(counsellor, 0) & block:
                    held[counsellor] = held.get(counsellor, 0) | block
                    count -= 1
                    break
    return held


def with_reserve(busy: Mapping[int, Busy], held: Mapping[int, int]) -> dict[int, Busy]:
    """The busy masks as citizens see them: the held units count as taken."""
    found = dict(busy)
    for counsellor, mask in held.items():
        blocked, load = found.get(counsellor, NOT_BUSY)
        found[counsellor] = (blocked | mask, load)
    return found


def _bits(mask: int) -> list[int]:
    found = []
    while mask:
        low = mask & -mask
        found.append(low.bit_length() - 1)
        mask ^= low
    return found


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
