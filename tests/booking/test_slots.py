"""Free-time arithmetic without a database, including the days the clocks change."""

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from booking.slots import (
    CounsellorPlan,
    day_candidates,
    day_masks,
    day_starts,
    free_counsellors,
    midnight,
    runs,
    unit_number,
    unit_span,
    units,
)
from sozialamt.hours import OfficeCalendar, WeeklyInterval

TZ = ZoneInfo("Europe/Berlin")
WEEK = [WeeklyInterval(d, dt.time(8), dt.time(12)) for d in range(7)]


def plan(day, counsellors, busy=None, duration=30, step=15, week=WEEK, holidays=None):
    """The day's free starts and, per start, the free counsellors in the order a booking tries them."""
    [office_day] = OfficeCalendar(weekly=week, holidays=holidays or {}).days(day, day)
    length, grid = dt.timedelta(minutes=duration), dt.timedelta(minutes=step)
    candidates = [(c.id, day_candidates(c, office_day, TZ, length, grid)) for c in counsellors]
    start_of_day = midnight(day, TZ)
    booked = [(pk, start, end) for pk, intervals in (busy or {}).items() for start, end in intervals]
    [masks] = masks_of(booked, [start_of_day, midnight(day + dt.timedelta(days=1), TZ)])
    starts = day_starts(candidates, masks, start_of_day)
    return office_day, {s: free_counsellors(candidates, masks, start_of_day, s, length) for s in starts}


def masks_of(booked, midnights):
    """day_masks of bookings and midnights given as datetimes (as the database has them)."""
    rows = [(pk, *unit_span(start, end)) for pk, start, end in booked]
    return day_masks(rows, [unit_number(m) for m in midnights])


def full_day(pk=1, absences=()):
    return CounsellorPlan(pk, [(d, dt.time(8), dt.time(12)) for d in range(7)], absences)


def utc(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)


MONDAY = dt.date(2026, 3, 2)


def test_a_free_counsellor_offers_every_quarter_hour_that_fits():
    _day, starts = plan(MONDAY, [full_day()])
    assert len(starts) == 15  # 8:00 … 11:30
    assert min(starts) == utc(MONDAY, 7)


def test_a_booking_blocks_its_time_and_the_times_overlapping_it():
    _day, starts = plan(MONDAY, [full_day()], busy={1: [(utc(MONDAY, 8), utc(MONDAY, 8, 30))]})
    times = {s.time() for s in starts}
    assert dt.time(7, 30) in times and dt.time(8, 30) in times
    assert not times & {dt.time(7, 45), dt.time(8), dt.time(8, 15)}


def test_the_least_loaded_counsellor_comes_first():
    busy = {1: [(utc(MONDAY, 10), utc(MONDAY, 10, 30))]}
    _day, starts = plan(MONDAY, [full_day(1), full_day(2)], busy=busy)
    assert starts[utc(MONDAY, 7)] == (2, 1)
    assert starts[utc(MONDAY, 10)] == (2,)


def test_it_offers_nothing_on_a_holiday():
    day = dt.date(2026, 12, 25)
    office_day, starts = plan(day, [full_day()], holidays={day: "1. Weihnachtstag"})
    assert starts == {} and office_day.reason == "1. Weihnachtstag"


def test_an_absence_removes_its_times():
    assert plan(MONDAY, [full_day(absences=[(utc(MONDAY, 7), utc(MONDAY, 11))])])[1] == {}


def test_times_on_the_last_sundays_of_march_and_october_are_local_wall_clock_times():
    for day, offset in ((dt.date(2026, 3, 29), 2), (dt.date(2026, 10, 25), 1)):
        starts = sorted(plan(day, [full_day()])[1])
        assert len(starts) == 15
        assert starts[0] == utc(day, 8 - offset)


def test_a_booking_on_the_days_the_clocks_change_blocks_the_right_units():
    for day, offset in ((dt.date(2026, 3, 29), 2), (dt.date(2026, 10, 25), 1)):
        booked = (utc(day, 9 - offset), utc(day, 9 - offset, 30))  # 09:00–09:30 local
        starts = plan(day, [full_day()], busy={1: [booked]})[1]
        local = {s.astimezone(TZ).strftime("%H:%M") for s in starts}
        assert "08:30" in local and "09:30" in local and not local & {"08:45", "09:00", "09:15"}


def test_a_45_minute_appointment_covers_nine_units():
    start = utc(MONDAY, 7)
    assert len(units(start, start + dt.timedelta(minutes=45), dt.timedelta(minutes=5))) == 9


def test_k_free_units_in_a_row_are_k_shifts_and_ands():
    # Units 0–2 and 4–7 are free: three in a row start at 0, 4 and 5, not at 1–3 or 6–7.
    assert runs(0b1111_0111, 3) == 0b0011_0001
    assert runs(0b1111_0000, 4) == 0b0001_0000


def busy_mask(intervals):
    start = midnight(MONDAY, TZ)
    [masks] = masks_of(
        [(1, a, b) for a, b in intervals], [start, midnight(MONDAY + dt.timedelta(days=1), TZ)]
    )
    return masks[1]


def test_a_busy_interval_marks_every_unit_it_touches():
    start = midnight(MONDAY, TZ)
    assert busy_mask([(start + dt.timedelta(minutes=7), start + dt.timedelta(minutes=16))]) == (0b1110, 1)
    yesterday = (start - dt.timedelta(minutes=10), start + dt.timedelta(minutes=5))
    assert busy_mask([yesterday]) == (0b1, 1)


def test_an_interval_past_midnight_counts_on_both_days():
    start, tomorrow = midnight(MONDAY, TZ), midnight(MONDAY + dt.timedelta(days=1), TZ)
    late = (tomorrow - dt.timedelta(minutes=10), tomorrow + dt.timedelta(minutes=5))
    today, next_day = masks_of([(1, *late)], [start, tomorrow, midnight(MONDAY + dt.timedelta(days=2), TZ)])
    units_today = (tomorrow - start) // dt.timedelta(minutes=5)
    assert today[1] == (0b11 << (units_today - 2), 1)
    assert next_day[1] == (0b1, 1)


def local_starts(day, step, opens=dt.time(8), duration=30):
    week = [WeeklyInterval(d, opens, dt.time(12)) for d in range(7)]
    counsellor = CounsellorPlan(1, [(d, opens, dt.time(12)) for d in range(7)])
    starts = plan(day, [counsellor], duration=duration, step=step, week=week)[1]
    return [s.astimezone(TZ).strftime("%H:%M") for s in sorted(starts)]


def test_a_45_minute_grid_starts_when_the_office_opens_also_on_the_days_the_clocks_change():
    for day in (MONDAY, dt.date(2026, 3, 29), dt.date(2026, 7, 1), dt.date(2026, 10, 25)):
        assert local_starts(day, 45) == ["08:00", "08:45", "09:30", "10:15", "11:00"]


def test_a_20_minute_grid_starts_when_the_office_opens_even_at_a_crooked_time():
    for day in (dt.date(2026, 3, 29), dt.date(2026, 10, 25)):
        starts = local_starts(day, 20, opens=dt.time(8, 10))
        assert starts[:3] == ["08:10", "08:30", "08:50"] and starts[-1] == "11:30"


def test_hours_off_the_five_minute_grid_still_give_their_starts():
    starts = local_starts(MONDAY, 15, opens=dt.time(8, 2))
    assert starts[:2] == ["08:02", "08:17"] and starts[-1] == "11:17"


DAYS = [MONDAY, dt.date(2026, 3, 29), dt.date(2026, 10, 25), dt.date(2026, 12, 1)]
clock_times = st.builds(dt.time, st.integers(6, 13), st.sampled_from([0, 2, 5, 10, 15, 20, 30, 40, 45, 55]))
spans = st.lists(st.tuples(st.integers(0, 60 * 8), st.integers(5, 180)), max_size=2)


@given(
    day=st.sampled_from(DAYS),
    hours=st.lists(st.tuples(clock_times, clock_times), min_size=1, max_size=3),
    away=spans,
    booked=spans,
    duration=st.sampled_from([15, 30, 45, 50]),
    step=st.sampled_from([5, 15, 20, 45]),
)
def test_the_arithmetic_agrees_with_a_plain_check_of_every_moment(day, hours, away, booked, duration, step):
    """A start is listed exactly when it is on the grid of a stretch of open working time, the
    whole duration fits in it outside every absence, and no unit it touches is booked."""
    six = dt.datetime.combine(day, dt.time(6), tzinfo=TZ)
    absences = [(six + dt.timedelta(minutes=m), six + dt.timedelta(minutes=m + n)) for m, n in away]
    busy = [(six + dt.timedelta(minutes=m), six + dt.timedelta(minutes=m + n)) for m, n in booked]
    counsellor = CounsellorPlan(1, [(day.weekday(), a, b) for a, b in hours if a < b], absences)
    week = [WeeklyInterval(day.weekday(), dt.time(8), dt.time(12, 30))]
    office_day, listed = plan(day, [counsellor], {1: busy}, duration, step, week)
    length, grid = dt.timedelta(minutes=duration), dt.timedelta(minutes=step)
    taken = {u for b_start, b_end in busy for u in units(b_start, b_end)}
    expected = set()
    for o_start, o_end in office_day.intervals:
        for _wd, a, b in counsellor.weekly:
            w_start = max(o_start, dt.datetime.combine(day, a, tzinfo=TZ).astimezone(dt.UTC))
            w_end = min(o_end, dt.datetime.combine(day, b, tzinfo=TZ).astimezone(dt.UTC))
            moment = w_start
            while moment + length <= w_end:
                clear = all(moment + length <= a_s or a_e <= moment for a_s, a_e in absences)
                if clear and not taken & set(units(moment, moment + length)):
                    expected.add(moment)
                moment += grid
    assert set(listed) == expected
    assert all(found == (1,) for found in listed.values())
