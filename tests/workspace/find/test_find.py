"""Finding a booking: by code, by name and day, by range; scoped, minimised, logged, paged."""

import datetime as dt

import pytest
from django.urls import reverse

from booking.models import PersonalDataAccess
from tests.factories import AppointmentFactory, CounsellorFactory, LocationFactory, UserFactory
from tests.helpers import assert_queries_do_not_grow
from tests.staff import sign_in, works_at

pytestmark = pytest.mark.django_db

FIND = reverse("workspace:find")
THURSDAY = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)  # 10:00 in Münster


def _at(hours: int, day: dt.datetime = THURSDAY) -> dt.datetime:
    return day + dt.timedelta(hours=hours)


def test_finding_needs_a_signed_in_member_of_staff_with_a_role(client, clock, book):
    appointment = book()
    for url in (FIND, reverse("workspace:find-detail", args=[appointment.pk])):
        assert client.get(url).status_code == 302 and "/intern/anmelden/" in client.get(url)["Location"]
    sign_in(client, UserFactory(username="nobody"))
    assert client.get(FIND).status_code == 403
    assert client.get(reverse("workspace:find-detail", args=[appointment.pk])).status_code == 403


def test_an_inactive_account_can_do_nothing(client, clock, clerk):
    sign_in(client, clerk)
    clerk.is_active = False
    clerk.save()
    assert client.get(FIND, {"code": "ABC-DEFG"}).status_code == 302


def test_a_clerk_finds_a_booking_by_its_code_as_read_out_on_the_phone(client, clock, book, clerk):
    appointment = book(code="K7M-4QX9")
    book(code="K7M-4QX8")
    sign_in(client, clerk)
    for typed in ("K7M-4QX9", "k7m4qx9", " K7M 4QX9 "):
        page = client.get(FIND, {"code": typed})
        assert page.status_code == 200 and "1 Termin gefunden" in page.text
        assert reverse("workspace:find-detail", args=[appointment.pk]) in page.text


def test_a_search_by_part_of_a_name_finds_that_day_only(client, clock, book, clerk):
    book(name="Erika Mustermann")
    book(name="Erik Mustermann-Yilmaz", start=_at(24))
    book(name="Max Muster", start=_at(2))
    sign_in(client, clerk)
    page = client.get(FIND, {"name": "muster", "day": "2026-12-03"})
    assert "2 Termine gefunden" in page.text
    page = client.get(FIND, {"name": "mann", "day": "2026-12-04"})
    assert "1 Termin gefunden" in page.text


def test_a_search_by_range_lists_its_days_page_by_page(client, clock, book, clerk):
    for n in range(30):
        book(start=_at(24 * (n % 2) + n % 8, THURSDAY), name=f"Person {n:02d}")
    book(start=_at(24 * 7))  # a week later: outside the range
    sign_in(client, clerk)
    page = client.get(FIND, {"first_day": "2026-12-03", "last_day": "2026-12-04"})
    assert "30 Termine gefunden" in page.text and "Seite 1 von 2" in page.text
    second = client.get(FIND, {"first_day": "2026-12-03", "last_day": "2026-12-04", "seite": "2"})
    assert "Seite 2 von 2" in second.text and second.text.count('href="/intern/termine/') == 5


def test_the_list_shows_only_what_tells_people_apart(client, clock, book, clerk):
    book(
        name="Erika Mustermann",
        email="erika@example.org",
        phone="0251 123456",
        street="Hammer Straße 12",
        postcode="48153",
        case_reference="AZ-4711",
        interpreter_language="Arabisch",
    )
    sign_in(client, clerk)
    page = client.get(FIND, {"first_day": "2026-12-03", "last_day": "2026-12-03"}).text
    assert "Eri… Mus…" in page and "48153" in page and "Grundsicherung" in page and "10:00" in page
    for hidden in (
        "Erika Mustermann",
        "erika@example.org",
        "0251 123456",
        "Hammer Straße",
        "AZ-4711",
        "Arabisch",
    ):
        assert hidden not in page


def test_no_one_finds_or_opens_another_locations_bookings(client, clock, book, clerk, appointment_service):
    elsewhere = LocationFactory(seed_hours=True)
    other = AppointmentFactory(
        counsellor=CounsellorFactory(location=elsewhere, services=[appointment_service]),
        service=appointment_service,
        code="ZZZ-2222",
    )
    sign_in(client, clerk)
    assert "0 Termine gefunden" in client.get(FIND, {"code": "ZZZ-2222"}).text
    assert (
        "0 Termine gefunden" in client.get(FIND, {"first_day": "2026-12-03", "last_day": "2026-12-03"}).text
    )
    assert client.get(reverse("workspace:find-detail", args=[other.pk])).status_code == 404
    works_at(clerk, elsewhere)
    assert "1 Termin gefunden" in client.get(FIND, {"code": "ZZZ-2222"}).text


def test_bad_search_input_is_refused_next_to_the_field_and_kept(client, clock, clerk):
    sign_in(client, clerk)
    page = client.get(FIND, {"name": "Erika"})
    assert page.status_code == 400 and "Bitte geben Sie zum Namen den Tag" in page.text
    assert 'value="Erika"' in page.text
    page = client.get(FIND, {"first_day": "2026-12-10", "last_day": "2026-12-01"})
    assert page.status_code == 400 and "Das Ende darf nicht vor dem Beginn liegen." in page.text
    assert 'value="2026-12-10"' in page.text
    page = client.get(FIND, {"first_day": "2026-12-01", "last_day": "2027-03-01"})
    assert "höchstens 31 Tage" in page.text
    page = client.get(FIND, {"day": "gestern", "seite": "x"})
    assert page.status_code == 400 and 'value="gestern"' in page.text
    assert client.get(FIND, {"code": "\x00" * 20}).status_code == 400
    page = client.get(FIND, {"seite": "1"})
    assert page.status_code == 400 and "Buchungsnummer, einen Namen mit Tag oder einen Zeitraum" in page.text


def test_the_list_and_the_booking_page_log_who_saw_whose_data(client, clock, book, clerk):
    shown = [book(start=_at(n)) for n in range(3)]
    sign_in(client, clerk)
    client.get(FIND, {"first_day": "2026-12-03", "last_day": "2026-12-03"})
    rows = PersonalDataAccess.objects.filter(user=clerk)
    assert sorted(rows.values_list("appointment_id", flat=True)) == sorted(a.pk for a in shown)
    assert set(rows.values_list("what", flat=True)) == {"Arbeitsplatz: Suchergebnis"}
    client.get(reverse("workspace:find-detail", args=[shown[0].pk]))
    assert PersonalDataAccess.objects.filter(
        user=clerk, appointment=shown[0], what="Arbeitsplatz: Termin"
    ).exists()


def test_the_search_costs_the_same_queries_however_many_bookings(client, clock, book, clerk):
    for n in range(3):
        book(start=_at(n))
    sign_in(client, clerk)
    params = {"first_day": "2026-12-03", "last_day": "2026-12-04"}

    def grow():
        for n in range(40):
            book(start=_at(24 + n % 8), name=f"Person {n}")

    assert_queries_do_not_grow(lambda: client.get(FIND, params), grow, limit=12)


def test_the_info_desk_sees_what_routes_the_citizen_but_no_contacts(client, clock, book, info_desk):
    appointment = book(
        name="Erika Mustermann",
        phone="0251 123456",
        case_reference="AZ-4711",
        interpreter_language="Arabisch",
        step_free=True,
    )
    sign_in(client, info_desk)
    page = client.get(reverse("workspace:find-detail", args=[appointment.pk])).text
    assert "Erika Mustermann" in page and "Arabisch" in page and "stufenloser Zugang" in page
    assert "0251 123456" not in page and "AZ-4711" not in page and "Hammer Straße" not in page
    assert "Zugriffsprotokoll" not in page
    assert client.get(reverse("workspace:find-access-log", args=[appointment.pk])).status_code == 403


def test_a_team_lead_sees_who_opened_a_booking(client, clock, book, clerk, team_lead):
    appointment = book()
    sign_in(client, clerk)
    client.get(reverse("workspace:find-detail", args=[appointment.pk]))
    assert client.get(reverse("workspace:find-access-log", args=[appointment.pk])).status_code == 403
    sign_in(client, team_lead)
    page = client.get(reverse("workspace:find-detail", args=[appointment.pk]))
    assert "Zugriffsprotokoll dieses Termins" in page.text
    log = client.get(reverse("workspace:find-access-log", args=[appointment.pk])).text
    assert log.count("Arbeitsplatz: Termin") == 2 and clerk.get_full_name() in log


def test_the_booking_page_and_its_log_cost_the_same_queries_however_long_the_history(
    client, clock, book, team_lead
):
    appointment = book()
    sign_in(client, team_lead)
    detail = reverse("workspace:find-detail", args=[appointment.pk])
    log = reverse("workspace:find-access-log", args=[appointment.pk])

    def grow():
        for _ in range(5):
            client.get(detail)
            appointment.history.create(new_status="booked", by=team_lead, note="moved 01.12.2026 10:00")

    assert_queries_do_not_grow(lambda: client.get(detail), grow, limit=12)
    assert_queries_do_not_grow(lambda: client.get(log), grow, limit=10)
