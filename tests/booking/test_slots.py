"""Free-time arithmetic without a database, including the days the clocks change."""

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from booking.slots import CounsellorPlan, offers_start, plan_days, units
from sozialamt.hours import OfficeCalendar, WeeklyInterval

WEEK = [WeeklyInterval(d, dt.time(8), dt.time(12)) for d in range(7)]
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def plan(day, counsellors, duration=30, holidays=None):
    calendar = OfficeCalendar(weekly=WEEK, holidays=holidays or {})
    return plan_days(
        days=calendar.days(day, day),
        tz=calendar.tz,
        counsellors=counsellors,
        first_day=day,
        last_day=day,
        duration=dt.timedelta(minutes=duration),
        step=dt.timedelta(minutes=15),
        now=NOW,
    )[0]


def full_day(pk=1, busy=(), absences=()):
    return CounsellorPlan(pk, [(d, dt.time(8), dt.time(12)) for d in range(7)], absences, busy)


def test_a_free_counsellor_offers_every_quarter_hour_that_fits():
    day = plan(dt.date(2026, 3, 2), [full_day()])
    assert len(day.slots) == 15  # 8:00 … 11:30
    assert day.slots[0].start == dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC)


def test_a_booking_blocks_its_time_and_the_times_overlapping_it():
    booked = (dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC), dt.datetime(2026, 3, 2, 8, 30, tzinfo=dt.UTC))
    day = plan(dt.date(2026, 3, 2), [full_day(busy=[booked])])
    starts = {s.start.astimezone(dt.UTC).time() for s in day.slots}
    assert dt.time(7, 30) in starts and dt.time(8, 30) in starts
    assert not starts & {dt.time(7, 45), dt.time(8), dt.time(8, 15)}


def test_the_least_loaded_counsellor_comes_first():
    booked = (dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC), dt.datetime(2026, 3, 2, 10, 30, tzinfo=dt.UTC))
    day = plan(dt.date(2026, 3, 2), [full_day(1, busy=[booked]), full_day(2)])
    assert day.slots[0].counsellors == (2, 1)


def test_it_offers_nothing_on_a_holiday():
    day = plan(dt.date(2026, 12, 25), [full_day()], holidays={dt.date(2026, 12, 25): "1. Weihnachtstag"})
    assert day.slots == () and day.day.reason == "1. Weihnachtstag"


def test_an_absence_removes_its_times():
    away = (dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC), dt.datetime(2026, 3, 2, 11, 0, tzinfo=dt.UTC))
    assert plan(dt.date(2026, 3, 2), [full_day(absences=[away])]).slots == ()


def test_times_on_the_last_sundays_of_march_and_october_are_local_wall_clock_times():
    for day, offset in ((dt.date(2026, 3, 29), 2), (dt.date(2026, 10, 25), 1)):
        slots = plan(day, [full_day()]).slots
        assert len(slots) == 15
        assert slots[0].start == dt.datetime.combine(day, dt.time(8 - offset), tzinfo=dt.UTC)


def test_a_45_minute_appointment_covers_nine_units():
    start = dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC)
    assert len(units(start, start + dt.timedelta(minutes=45), dt.timedelta(minutes=5))) == 9


def plan_with_step(day, step, opens=dt.time(8), duration=30):
    weekly = [WeeklyInterval(d, opens, dt.time(12)) for d in range(7)]
    calendar = OfficeCalendar(weekly=weekly, holidays={})
    counsellor = CounsellorPlan(1, [(d, opens, dt.time(12)) for d in range(7)])
    return plan_days(
        days=calendar.days(day, day),
        tz=calendar.tz,
        counsellors=[counsellor],
        first_day=day,
        last_day=day,
        duration=dt.timedelta(minutes=duration),
        step=dt.timedelta(minutes=step),
        now=NOW,
    )[0]


def local_starts(day_plan):
    return [s.start.astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M") for s in day_plan.slots]


def test_a_45_minute_grid_starts_when_the_office_opens_also_on_the_days_the_clocks_change():
    for day in (dt.date(2026, 3, 2), dt.date(2026, 3, 29), dt.date(2026, 7, 1), dt.date(2026, 10, 25)):
        assert local_starts(plan_with_step(day, 45)) == ["08:00", "08:45", "09:30", "10:15", "11:00"]


def test_a_20_minute_grid_starts_when_the_office_opens_even_at_a_crooked_time():
    for day in (dt.date(2026, 3, 29), dt.date(2026, 10, 25)):
        starts = local_starts(plan_with_step(day, 20, opens=dt.time(8, 10)))
        assert starts[:3] == ["08:10", "08:30", "08:50"] and starts[-1] == "11:30"


DAYS = [dt.date(2026, 3, 2), dt.date(2026, 3, 29), dt.date(2026, 10, 25), dt.date(2026, 12, 1)]
clock_times = st.builds(dt.time, st.integers(6, 13), st.sampled_from([0, 5, 10, 15, 20, 30, 40, 45, 55]))


@given(
    day=st.sampled_from(DAYS),
    hours=st.lists(st.tuples(clock_times, clock_times), min_size=1, max_size=3),
    away=st.lists(st.tuples(st.integers(0, 60 * 8), st.integers(5, 180)), max_size=2),
    duration=st.sampled_from([15, 30, 45, 50]),
    step=st.sampled_from([5, 15, 20, 45]),
)
def test_offers_start_agrees_with_the_day_plan_for_every_moment(day, hours, away, duration, step):
    tz = ZoneInfo("Europe/Berlin")
    six = dt.datetime.combine(day, dt.time(6), tzinfo=tz)
    absences = [(six + dt.timedelta(minutes=m), six + dt.timedelta(minutes=m + length)) for m, length in away]
    counsellor = CounsellorPlan(1, [(day.weekday(), a, b) for a, b in hours if a < b], absences)
    calendar = OfficeCalendar(
        weekly=[WeeklyInterval(day.weekday(), dt.time(8), dt.time(12, 30))], holidays={}
    )
    [office_day] = calendar.days(day, day)
    [day_plan] = plan_days(
        days=[office_day],
        tz=tz,
        counsellors=[counsellor],
        first_day=day,
        last_day=day,
        duration=dt.timedelta(minutes=duration),
        step=dt.timedelta(minutes=step),
        now=NOW,
    )
    listed = {s.start for s in day_plan.slots}
    for n in range(12 * 8):
        moment = six + dt.timedelta(minutes=5 * n)
        offered = offers_start(
            counsellor, office_day, tz, moment, dt.timedelta(minutes=duration), dt.timedelta(minutes=step)
        )
        assert offered == (moment in listed), moment
