"""The pure opening-hours arithmetic: no database, the clock passed in."""

import datetime as dt
from zoneinfo import ZoneInfo

import holidays
import pytest

from sozialamt.demo import SEED_HOURS
from sozialamt.hours import OfficeCalendar, SpecialDay, WeeklyInterval, aware, overlapping

BERLIN = ZoneInfo("Europe/Berlin")
SEED = [WeeklyInterval(wd, dt.time.fromisoformat(o), dt.time.fromisoformat(c)) for wd, o, c in SEED_HOURS]
NRW = dict(holidays.country_holidays("DE", subdiv="NW", years=range(2026, 2029), language="de"))


def at(day: str, time: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=BERLIN)


def local_hours(calendar: OfficeCalendar, day: str) -> list[tuple[str, str]]:
    return [
        (start.astimezone(BERLIN).strftime("%H:%M"), end.astimezone(BERLIN).strftime("%H:%M"))
        for start, end in calendar.day(dt.date.fromisoformat(day)).intervals
    ]


@pytest.fixture
def seed_calendar() -> OfficeCalendar:
    return OfficeCalendar(weekly=SEED, holidays=NRW)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-11-23", [("08:00", "15:30")]),  # Monday
        ("2026-11-24", [("08:00", "15:30")]),
        ("2026-11-25", [("08:00", "15:30")]),
        ("2026-11-26", [("08:00", "18:00")]),  # Thursday, the long day
        ("2026-11-27", [("08:00", "12:00")]),  # Friday
        ("2026-11-28", []),  # Saturday
        ("2026-11-29", []),  # Sunday
    ],
)
def test_it_opens_at_the_seed_hours_each_weekday(seed_calendar, day, expected):
    assert local_hours(seed_calendar, day) == expected


def test_it_calls_a_closed_weekend_day_a_weekend(seed_calendar):
    saturday = seed_calendar.day(dt.date(2026, 11, 28))
    assert (saturday.is_open, saturday.kind) == (False, "weekend")


@pytest.mark.parametrize(
    ("day", "name"),
    [
        ("2026-06-04", "Fronleichnam"),  # a Thursday
        ("2027-11-01", "Allerheiligen"),  # a Monday
        ("2026-12-25", "Erster Weihnachtstag"),
        ("2026-10-03", "Tag der Deutschen Einheit"),
    ],
)
def test_it_is_closed_on_nrw_holidays_and_names_them(seed_calendar, day, name):
    result = seed_calendar.day(dt.date.fromisoformat(day))
    assert not result.is_open
    assert (result.kind, result.reason) == ("holiday", name)


def test_fronleichnam_is_not_a_holiday_in_berlin():
    berlin = dict(holidays.country_holidays("DE", subdiv="BE", years=2026, language="de"))
    calendar = OfficeCalendar(weekly=SEED, holidays=berlin)
    assert calendar.day(dt.date(2026, 6, 4)).is_open


def test_a_closure_overrides_the_weekly_hours_and_gives_its_reason(seed_calendar):
    seed_calendar.special_days = [SpecialDay(dt.date(2026, 12, 1), dt.date(2026, 12, 2), "Betriebsausflug")]
    assert [seed_calendar.day(dt.date(2026, 12, d)).reason for d in (1, 2, 3)] == [
        "Betriebsausflug",
        "Betriebsausflug",
        "",
    ]
    assert seed_calendar.open_days(dt.date(2026, 11, 30), dt.date(2026, 12, 4)) == [
        dt.date(2026, 11, 30),
        dt.date(2026, 12, 3),
        dt.date(2026, 12, 4),
    ]


def test_special_hours_replace_the_day_even_on_a_holiday(seed_calendar):
    seed_calendar.special_days = [
        SpecialDay(dt.date(2026, 12, 24), dt.date(2026, 12, 24), "Heiligabend", dt.time(8), dt.time(11)),
        SpecialDay(dt.date(2026, 12, 25), dt.date(2026, 12, 25), "Notdienst", dt.time(10), dt.time(12)),
    ]
    assert local_hours(seed_calendar, "2026-12-24") == [("08:00", "11:00")]
    assert local_hours(seed_calendar, "2026-12-25") == [("10:00", "12:00")]


def test_a_one_day_closure_inside_a_longer_special_period_wins(seed_calendar):
    seed_calendar.special_days = [
        SpecialDay(dt.date(2026, 7, 1), dt.date(2026, 7, 31), "Sommerzeiten", dt.time(8), dt.time(12)),
        SpecialDay(dt.date(2026, 7, 15), dt.date(2026, 7, 15), "Umzug der Server"),
    ]
    assert local_hours(seed_calendar, "2026-07-14") == [("08:00", "12:00")]
    assert seed_calendar.day(dt.date(2026, 7, 15)).reason == "Umzug der Server"


def test_several_intervals_a_day_leave_a_lunch_break():
    calendar = OfficeCalendar(
        weekly=[WeeklyInterval(0, dt.time(13), dt.time(15)), WeeklyInterval(0, dt.time(8), dt.time(12))]
    )
    assert local_hours(calendar, "2026-11-23") == [("08:00", "12:00"), ("13:00", "15:00")]
    assert not calendar.is_open_at(at("2026-11-23", "12:30"))
    assert calendar.next_opening(at("2026-11-23", "12:30")) == at("2026-11-23", "13:00")


def test_new_hours_take_over_the_whole_week_from_their_valid_from_date():
    winter = [WeeklyInterval(wd, dt.time(8), dt.time(15, 30), dt.date(2001, 6, 1)) for wd in range(5)]
    summer = [WeeklyInterval(wd, dt.time(7, 30), dt.time(13), dt.date(2027, 6, 1)) for wd in range(4)]
    calendar = OfficeCalendar(weekly=winter + summer)
    assert local_hours(calendar, "2027-05-31") == [("08:00", "15:30")]
    assert local_hours(calendar, "2027-06-01") == [("07:30", "13:00")]
    assert local_hours(calendar, "2027-06-04") == []  # Friday: not in the summer set


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        ("2026-11-26T07:59:59", False),
        ("2026-11-26T08:00:00", True),
        ("2026-11-26T17:59:59", True),
        ("2026-11-26T18:00:00", False),  # closing time itself is closed
        ("2026-11-27T12:00:00", False),
        ("2026-11-28T10:00:00", False),
    ],
)
def test_is_open_at_respects_the_interval_ends(seed_calendar, moment, is_open):
    assert seed_calendar.is_open_at(dt.datetime.fromisoformat(moment).replace(tzinfo=BERLIN)) is is_open


def test_it_answers_for_a_moment_given_in_utc(seed_calendar):
    # 17:30 UTC on a Thursday in November is 18:30 in Münster: closed.
    assert not seed_calendar.is_open_at(dt.datetime(2026, 11, 26, 17, 30, tzinfo=dt.UTC))
    assert seed_calendar.is_open_at(dt.datetime(2026, 11, 26, 16, 30, tzinfo=dt.UTC))


def test_next_opening_skips_the_weekend_and_a_holiday(seed_calendar):
    # Friday before Christmas 2026 after closing: Mon 21 is open.
    assert seed_calendar.next_opening(at("2026-12-18", "12:00")) == at("2026-12-21", "08:00")
    # Thursday 24 Dec after closing: 25 and 26 are holidays, 27 Sunday, so Monday 28.
    assert seed_calendar.next_opening(at("2026-12-24", "18:00")) == at("2026-12-28", "08:00")


def test_next_opening_is_none_when_nothing_ever_opens():
    assert OfficeCalendar(weekly=[]).next_opening(at("2026-11-23", "08:00")) is None


@pytest.mark.parametrize(
    ("day", "hours"),
    [("2026-03-29", 2), ("2026-10-25", 4)],  # the two daylight-saving Sundays of 2026
)
def test_special_hours_across_the_clock_change_have_their_real_length(day, hours):
    sunday = dt.date.fromisoformat(day)
    calendar = OfficeCalendar(
        weekly=SEED, special_days=[SpecialDay(sunday, sunday, "Nachtaktion", dt.time(1), dt.time(4))]
    )
    ((start, end),) = calendar.day(sunday).intervals
    assert end - start == dt.timedelta(hours=hours)


@pytest.mark.parametrize("day", ["2026-03-29", "2026-10-25"])
def test_the_daylight_saving_sundays_are_closed_and_monday_opens_at_eight_local_time(seed_calendar, day):
    sunday = dt.date.fromisoformat(day)
    assert not seed_calendar.day(sunday).is_open
    monday_opening = seed_calendar.next_opening(at(day, "12:00"))
    assert monday_opening.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M") == (
        f"{sunday + dt.timedelta(days=1)} 08:00"
    )
    # UTC offset changes: 07:00 UTC in summer time, 07:00 in winter is 08:00 CET.
    expected_utc_hour = 6 if day.startswith("2026-03") else 7
    assert monday_opening.astimezone(dt.UTC).hour == expected_utc_hour


def test_a_wall_time_in_the_spring_gap_moves_to_the_real_instant():
    moment = aware(dt.date(2026, 3, 29), dt.time(2, 30))
    assert moment == dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)


def test_working_days_skip_weekends_and_holidays(seed_calendar):
    # From Wed 23 Dec 2026: Thu 24, then Mon 28 (25/26 holidays, weekend).
    assert seed_calendar.add_working_days(dt.date(2026, 12, 23), 2) == dt.date(2026, 12, 28)
    assert seed_calendar.subtract_working_days(dt.date(2026, 12, 28), 3) == dt.date(2026, 12, 22)


def test_overlapping_finds_overlaps_but_not_touching_intervals():
    t = dt.time
    assert overlapping([(t(8), t(12)), (t(12), t(15))]) == []
    assert overlapping([(t(8), t(12)), (t(11), t(15))]) == [((t(8), t(12)), (t(11), t(15)))]
