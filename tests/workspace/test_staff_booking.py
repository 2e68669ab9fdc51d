"""Booking for a caller or at the counter, and follow-ups, through the staff's pages."""

import datetime as dt

import pytest
from django.urls import reverse

from booking.forms import slot_value
from booking.models import Appointment, AppointmentHistory, PersonalDataAccess
from sozialamt import roles
from tests.booking.conftest import TUESDAY_9
from tests.factories import AppointmentFactory, CounsellorFactory, LocationFactory, UserFactory
from tests.helpers import assert_queries_do_not_grow
from tests.staff import sign_in, works_at

pytestmark = pytest.mark.django_db

CALLER = {
    "name": "Hatice Yılmaz",
    "reminder": "letter",
    "street": "Hammer Straße 12",
    "postcode": "48153",
    "city": "Münster",
    "language": "tr",
    "channel": "phone",
}


@pytest.fixture
def desk(client, clerk, location):
    works_at(clerk, location)
    sign_in(client, clerk)
    return client


def details_url(service, location, start=TUESDAY_9, **extra):
    query = f"service={service.pk}&location={location.pk}&start={slot_value(start)}"
    return reverse("workspace:book-details") + "?" + query + "".join(f"&{k}={v}" for k, v in extra.items())


def post(client, service, location, start=TUESDAY_9, **data):
    return client.post(details_url(service, location, start), {"start": slot_value(start), **CALLER, **data})


def test_a_clerk_sees_free_times_of_the_chosen_service_and_location(
    desk, clock, counsellor, location, appointment_service
):
    response = desk.get(
        reverse("workspace:book"), {"service": appointment_service.pk, "location": location.pk}
    )
    assert response.status_code == 200
    # Staff are not held to the citizens' lead time: today's next time (10:15) comes first.
    today = dt.datetime(2026, 11, 30, 9, 15, tzinfo=dt.UTC)
    assert (
        details_url(appointment_service, location, today).replace("&", "&amp;") in response.content.decode()
    )
    assert "Notfallkontingent" not in response.content.decode()


def test_a_clerk_books_for_a_caller_without_email_or_phone(
    desk, clerk, clock, counsellor, location, appointment_service
):
    response = post(desk, appointment_service, location)
    appointment = Appointment.objects.get()
    assert response.status_code == 302 and response.url == reverse("workspace:booked", args=[appointment.pk])
    assert appointment.booked_by == clerk and appointment.channel == "phone"
    assert appointment.email == "" and appointment.phone == "" and appointment.reminder == "letter"
    page = desk.get(response.url)
    assert appointment.code in page.content.decode() and "Hammer Straße 12" in page.content.decode()
    assert PersonalDataAccess.objects.filter(appointment=appointment, user=clerk).exists()


def test_a_booking_at_the_counter_with_contact_data_records_the_channel(
    desk, clock, counsellor, location, appointment_service
):
    post(
        desk,
        appointment_service,
        location,
        channel="counter",
        email="a@example.org",
        phone="0251 123",
        reminder="both",
    )
    appointment = Appointment.objects.get()
    assert (appointment.channel, appointment.email, appointment.phone) == (
        "counter",
        "a@example.org",
        "0251 123",
    )


def test_staff_are_not_held_by_the_anonymous_booking_limits(
    desk, clock, location, appointment_service, settings
):
    settings.BOOKING_ANONYMOUS_PER_HOUR = 1
    settings.BOOKING_POST_RATE = 1
    CounsellorFactory.create_batch(3, location=location, services=[appointment_service], seed_hours=True)
    for n in range(3):
        assert post(desk, appointment_service, location, name=f"Person {n}").status_code == 302
    assert Appointment.objects.count() == 3


def test_a_second_booking_of_one_contact_needs_a_reason_which_is_logged(
    desk, clerk, clock, counsellor, location, appointment_service
):
    CounsellorFactory(location=location, services=[appointment_service], seed_hours=True)
    post(desk, appointment_service, location, phone="0251 123")
    refused = post(desk, appointment_service, location, phone="0251 123")
    assert refused.status_code == 400 and Appointment.objects.count() == 1
    assert 'name="override_reason"' in refused.content.decode()
    assert "Hatice" in refused.content.decode()  # what was typed is kept
    booked = post(desk, appointment_service, location, phone="0251 123", override_reason="Räumungsklage")
    assert booked.status_code == 302
    row = AppointmentHistory.objects.get(appointment__pk=booked.url.split("/")[-3])
    assert row.note == "override Räumungsklage" and row.by == clerk
    assert row.get_note_display() == "gebucht trotz bestehendem Termin, Grund: Räumungsklage"
    assert row.get_note_display() in desk.get(booked.url).content.decode()


def test_bad_input_is_kept_next_to_the_field_and_books_nothing(
    desk, clock, counsellor, location, appointment_service
):
    response = post(desk, appointment_service, location, postcode="4815", name="Hatice")
    assert response.status_code == 400 and not Appointment.objects.exists()
    page = response.content.decode()
    assert "Die Postleitzahl hat fünf Ziffern" in page and 'value="4815"' in page


def test_a_time_taken_before_the_form_opens_says_so_and_offers_the_next_ones(
    desk, clock, counsellor, location, appointment_service
):
    AppointmentFactory(counsellor=counsellor, service=appointment_service, start=TUESDAY_9)
    page = desk.get(details_url(appointment_service, location)).content.decode()
    assert "nicht (mehr) frei" in page
    assert f'value="{slot_value(TUESDAY_9 + dt.timedelta(minutes=45))}"' in page


def test_a_time_taken_meanwhile_offers_the_next_free_times(
    desk, clock, counsellor, location, appointment_service
):
    form = desk.get(details_url(appointment_service, location))
    assert form.status_code == 200
    AppointmentFactory(counsellor=counsellor, service=appointment_service, start=TUESDAY_9)
    response = post(desk, appointment_service, location)
    page = response.content.decode()
    assert (
        response.status_code == 400
        and "nicht (mehr) frei" in page
        and not Appointment.objects.filter(booked_by__isnull=False).exists()
    )
    assert f'value="{slot_value(TUESDAY_9 + dt.timedelta(minutes=45))}"' in page and "Hatice" in page


@pytest.mark.parametrize("role", [None, "other"])
def test_other_roles_get_403(client, clock, location, appointment_service, role):
    user = UserFactory(roles=[] if role is None else ["Beratung"])
    sign_in(client, user)
    assert client.get(reverse("workspace:book")).status_code == 403
    assert client.get(details_url(appointment_service, location)).status_code == 403


def test_anonymous_users_are_sent_to_the_login(client, location, appointment_service):
    pages = [reverse("workspace:book"), details_url(appointment_service, location)]
    for url in [*pages, reverse("workspace:follow-up", args=[1]), reverse("workspace:booked", args=[1])]:
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response.url


def test_an_inactive_account_can_do_nothing(client, clerk, clock, counsellor, location, appointment_service):
    works_at(clerk, location)
    sign_in(client, clerk)
    clerk.is_active = False
    clerk.save()
    response = post(client, appointment_service, location)
    assert response.status_code == 302 and reverse("login") in response.url
    assert not Appointment.objects.exists()


def test_a_location_outside_the_staff_members_own_is_refused_next_to_the_field(
    desk, clock, appointment_service
):
    elsewhere = LocationFactory(seed_hours=True)
    elsewhere.services.add(appointment_service)
    CounsellorFactory(location=elsewhere, services=[appointment_service], seed_hours=True)
    response = desk.get(
        reverse("workspace:book"), {"service": appointment_service.pk, "location": elsewhere.pk}
    )
    assert response.status_code == 400
    assert post(desk, appointment_service, elsewhere).status_code == 302  # back to the choice
    assert not Appointment.objects.exists()


def test_a_follow_up_keeps_the_counsellor_and_carries_the_data(
    desk, clerk, clock, counsellor, location, appointment_service
):
    CounsellorFactory(location=location, services=[appointment_service], seed_hours=True)
    first = AppointmentFactory(
        counsellor=counsellor,
        service=appointment_service,
        start=TUESDAY_9,
        name="Olena Koval",
        language="uk",
        phone="0251 999",
        checked_in=True,  # the counsellor books the next one during the consultation
    )
    page = desk.get(reverse("workspace:follow-up", args=[first.pk]))
    assert page.status_code == 200
    later = TUESDAY_9 + dt.timedelta(minutes=45)  # the counsellor's next free time
    url = reverse("workspace:book-details") + f"?start={slot_value(later)}&from={first.pk}"
    assert url.split("?")[1].split("&")[0] in page.content.decode()
    form = desk.get(url)
    assert 'value="Olena Koval"' in form.content.decode()
    data = {k: v for k, v in form.context["form"].initial.items() if v not in (None, False)}
    response = desk.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    follow = Appointment.objects.exclude(pk=first.pk).get()
    assert follow.counsellor == counsellor and follow.name == "Olena Koval" and follow.language == "uk"
    assert follow.phone == "0251 999" and follow.booked_by == clerk


def test_the_counsellor_books_their_own_follow_up(client, clock, counsellor, location, appointment_service):
    counsellor.user = UserFactory()
    counsellor.save()
    first = AppointmentFactory(counsellor=counsellor, service=appointment_service, start=TUESDAY_9)
    sign_in(client, counsellor.user)
    assert client.get(reverse("workspace:follow-up", args=[first.pk])).status_code == 200
    other = UserFactory(roles=[roles.CLERK])  # a clerk of another location
    sign_in(client, other)
    assert client.get(reverse("workspace:follow-up", args=[first.pk])).status_code == 403


def test_the_pages_cost_the_same_queries_however_many_bookings(
    desk, clerk, clock, counsellor, location, appointment_service, settings
):
    settings.BOOKING_FREE_TIMES_CACHE_SECONDS = 0  # each request works the free times out afresh
    settings.BOOKING_OFFICE_CACHE_SECONDS = 0  # the office plan too
    pick = reverse("workspace:book") + f"?service={appointment_service.pk}&location={location.pk}"
    first = AppointmentFactory(counsellor=counsellor, service=appointment_service, start=TUESDAY_9)
    follow = reverse("workspace:follow-up", args=[first.pk])
    later = TUESDAY_9 + dt.timedelta(days=1)
    days = iter(range(2, 30))

    def grow():
        for _ in range(3):
            start = TUESDAY_9 + dt.timedelta(days=next(days))
            AppointmentFactory(counsellor=counsellor, service=appointment_service, start=start)

    for url in (pick, follow, details_url(appointment_service, location, later)):
        assert_queries_do_not_grow(lambda url=url: desk.get(url), grow, limit=20)


def test_staff_see_the_reserved_times_marked(desk, clock, counsellor, location, appointment_service):
    from booking.models import ReservedCapacity

    ReservedCapacity.objects.create(location=location, service=appointment_service, per_day=1)
    query = {"service": appointment_service.pk, "location": location.pk, "day": "2026-12-01"}
    page = desk.get(reverse("workspace:book"), query).content.decode()
    reserved_link = details_url(
        appointment_service, location, dt.datetime(2026, 12, 1, 13, 45, tzinfo=dt.UTC)
    )
    assert reserved_link.replace("&", "&amp;") in page and "Notfallkontingent" in page


@pytest.mark.parametrize(
    "query",
    [
        "service=x&location=%00",
        "service={s}&location={l}&start=2026-13-01T99:99Z",
        "service={s}&location={l}&counsellor={c}&day=2026-02-30",
        "service={s}&location={l}&start=2030-01-01T08:00Z",
        "from=abc",
        "from=99999999",
        "from=1&start=x",
        "service=99999&location=99999&counsellor=-1&start=",
    ],
)
def test_tampered_urls_get_a_page_not_an_error(desk, clock, counsellor, location, appointment_service, query):
    query = query.format(s=appointment_service.pk, l=location.pk, c=counsellor.pk)
    for url in (reverse("workspace:book"), reverse("workspace:book-details")):
        assert desk.get(f"{url}?{query}").status_code in (200, 302, 400, 404)
        assert desk.post(f"{url}?{query}", {"start": "x", "name": "\x00"}).status_code in (302, 400, 404, 405)
    assert not Appointment.objects.exists()
