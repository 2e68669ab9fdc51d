"""Notfallkontingent: times only staff can book until they are released to citizens."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from booking import slots
from booking.forms import slot_value
from booking.models import ReservedCapacity
from booking.selectors import availability
from booking.services import BookingError, book_appointment
from tests.booking.conftest import NOW, proof_fields
from tests.factories import ClosureFactory, UserFactory

pytestmark = pytest.mark.django_db

TUESDAY = dt.date(2026, 12, 1)
# The counsellor's last 45-minute time on Tuesday (working 8:00–15:30): 14:45 local.
LAST = dt.datetime(2026, 12, 1, 13, 45, tzinfo=dt.UTC)
MONDAY_NOON = dt.datetime(2026, 11, 30, 11, 0, tzinfo=dt.UTC)  # 12:00 local


@pytest.fixture
def reserve(location, appointment_service, counsellor):
    return ReservedCapacity.objects.create(location=location, service=appointment_service, per_day=1)


def starts(location, service, *, staff=False, day=TUESDAY):
    plan = availability(service=service, location=location, start=day, end=day, staff=staff).day(day)
    return [s.start for s in plan.slots]


def test_citizens_do_not_see_the_reserved_time_before_its_release(
    clock, reserve, location, appointment_service
):
    citizen, staff = starts(location, appointment_service), starts(location, appointment_service, staff=True)
    assert LAST in staff and LAST not in citizen
    # 14:15 and 14:30 would run into the held 14:45–15:30.
    assert set(staff) - set(citizen) == {LAST - dt.timedelta(minutes=m) for m in (0, 15, 30)}


def test_staff_see_which_times_are_reserved(clock, reserve, location, appointment_service):
    plan = availability(
        service=appointment_service, location=location, start=TUESDAY, end=TUESDAY, staff=True
    ).day(TUESDAY)
    assert LAST in plan.reserved


def test_a_citizen_cannot_book_the_reserved_time_before_its_release(
    clock, reserve, location, appointment_service
):
    with pytest.raises(BookingError) as error:
        book_appointment(service=appointment_service, location=location, start=LAST, person={"name": "A"})
    assert error.value.kind == "taken"
    assert all(s.start != LAST for s in error.value.next_free)


def test_staff_book_the_reserved_time_before_its_release(clock, reserve, location, appointment_service):
    clerk = UserFactory()
    booked = book_appointment(
        service=appointment_service, location=location, start=LAST, person={"name": "A"}, booked_by=clerk
    )
    assert booked.appointment.booked_by == clerk


def test_the_reserved_time_goes_to_citizens_at_noon_of_the_working_day_before(
    reserve, location, appointment_service
):
    with time_machine.travel(NOW, tick=False) as traveller:
        assert LAST not in starts(location, appointment_service)  # cached now, held back
        traveller.move_to(MONDAY_NOON - dt.timedelta(seconds=1))
        assert LAST not in starts(location, appointment_service)
        traveller.move_to(MONDAY_NOON)
        assert LAST in starts(location, appointment_service)  # the cache serves no stale answer
        booked = book_appointment(
            service=appointment_service, location=location, start=LAST, person={"name": "A"}
        )
    assert booked.appointment.booked_by is None


def test_the_release_skips_a_closed_day_before(reserve, location, appointment_service, counsellor):
    # Wednesday 2 December's reserve would go on Tuesday at noon; with Tuesday closed, on Monday.
    ClosureFactory(location=location, start=TUESDAY, end=TUESDAY)
    wednesday = dt.date(2026, 12, 2)
    last = dt.datetime(2026, 12, 2, 13, 45, tzinfo=dt.UTC)
    with time_machine.travel(NOW, tick=False) as traveller:
        assert last not in starts(location, appointment_service, day=wednesday)
        traveller.move_to(MONDAY_NOON)
        assert last in starts(location, appointment_service, day=wednesday)


def test_an_admin_edit_of_the_reserve_reaches_the_cached_free_times(
    clock, reserve, location, appointment_service
):
    assert LAST not in starts(location, appointment_service)
    reserve.delete()
    assert LAST in starts(location, appointment_service)


def test_the_citizens_day_page_and_the_api_leave_the_reserved_time_out_until_release(
    client, reserve, location, appointment_service, relaxed_limits
):
    day_url = reverse("booking:day", args=["grundsicherung", "stadthaus-3", "2026-12-01"])
    api_url = "/api/v1/free-times?service=grundsicherung&location=stadthaus-3&start=2026-12-01&end=2026-12-01"
    held = slot_value(LAST)
    with time_machine.travel(NOW, tick=False) as traveller:
        assert held not in client.get(day_url).content.decode()
        assert "2026-12-01T13:45:00Z" not in client.get(api_url).content.decode()
        refused = client.post(
            "/api/v1/bookings",
            {
                "service": "grundsicherung",
                "location": "stadthaus-3",
                "start": "2026-12-01T13:45:00Z",
                "name": "A",
                "reminder": "none",
                **proof_fields(),
            },
            content_type="application/json",
        )
        assert refused.status_code == 409
        traveller.move_to(MONDAY_NOON)
        assert held in client.get(day_url).content.decode()
        assert "2026-12-01T13:45:00Z" in client.get(api_url).content.decode()


def test_the_demo_reserves_grundsicherung_times(settings):
    settings.DEBUG = True  # the demo's published passwords load only there
    from io import StringIO

    from django.core.management import call_command

    call_command("load_demo", stdout=StringIO())
    assert ReservedCapacity.objects.filter(service__slug="grundsicherung", per_day=2).exists()


def test_the_reserve_takes_the_latest_times_in_turn_from_each_counsellor():
    # Two counsellors, starts every 15 minutes from unit 0 to unit 27, each touching 9 units.
    candidates = ((0, 9, sum(1 << u for u in range(0, 28, 3))),)
    held = slots.reserve([(1, candidates), (2, candidates)], 3)
    block = (1 << 9) - 1
    assert held == {1: block << 27 | block << 18, 2: block << 27}


def test_a_reserve_larger_than_the_day_holds_the_whole_day():
    candidates = ((0, 9, 1 | 1 << 9),)  # two times without overlap
    assert slots.reserve([(1, candidates)], 5) == {1: (1 << 18) - 1}


@pytest.mark.parametrize(
    ("day", "release"),
    [
        # Monday after the clocks go forward: released on Friday at 12:00 CET (11:00 UTC).
        (dt.date(2026, 3, 30), dt.datetime(2026, 3, 27, 11, 0, tzinfo=dt.UTC)),
        # Tuesday: released on that Monday at 12:00 CEST (10:00 UTC).
        (dt.date(2026, 3, 31), dt.datetime(2026, 3, 30, 10, 0, tzinfo=dt.UTC)),
        # Monday after the clocks go back (25 October): Friday 23 October at 12:00 CEST.
        (dt.date(2026, 10, 26), dt.datetime(2026, 10, 23, 10, 0, tzinfo=dt.UTC)),
    ],
)
def test_the_release_is_at_noon_local_time_around_the_clock_changes(
    reserve, location, appointment_service, day, release
):
    def held_back() -> bool:
        every = availability(service=appointment_service, location=location, start=day, end=day, staff=True)
        citizen = availability(service=appointment_service, location=location, start=day, end=day)
        return len(every.day(day).slots) > len(citizen.day(day).slots)

    with time_machine.travel(release - dt.timedelta(seconds=1), tick=False) as traveller:
        assert held_back()
        traveller.move_to(release)
        assert not held_back()


def test_an_admin_sets_the_reserve_in_the_admin(client, admin_user, location, appointment_service):
    from tests.staff import sign_in

    sign_in(client, admin_user)
    url = reverse("admin:booking_reservedcapacity_add")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "location": location.pk,
            "service": appointment_service.pk,
            "per_day": 2,
            "release_days_before": 1,
            "release_time": "12:00",
        },
    )
    assert response.status_code == 302
    assert ReservedCapacity.objects.get().per_day == 2
