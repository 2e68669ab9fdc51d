"""The statistics page: who may see it, its filter, and what it costs."""

import datetime as dt

import pytest
import time_machine

from kundenzentrum import services as queue
from tests.factories import AppointmentFactory, CounsellorFactory, DeskFactory, ServiceFactory, TicketFactory
from tests.helpers import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db
URL = "/intern/statistik/"
# Friday 4 December 2026, 10:00 in Münster (open 8:00–12:00).
FRIDAY_10 = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def friday():
    with time_machine.travel(FRIDAY_10, tick=False):
        yield


def test_a_team_lead_sees_the_page_and_others_do_not(client, team_lead, clerk, info_desk, location):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/intern/anmelden/")
    for user in (clerk, info_desk):
        client.force_login(user)
        assert client.get(URL).status_code == 403
    client.force_login(team_lead)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") == 3 and 'role="img"' in html and "<desc id=" in html
    assert "Definitionen" in html and "Servicelevel" in html
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]  # nothing needs JavaScript


def test_the_default_is_the_last_four_weeks_with_the_four_before(client, team_lead, location):
    client.force_login(team_lead)
    scope = client.get(URL).context["report"].scope
    assert (scope.start, scope.end) == (dt.date(2026, 11, 7), dt.date(2026, 12, 4))
    assert (scope.previous_start, scope.previous_end) == (dt.date(2026, 10, 10), dt.date(2026, 11, 6))
    html = client.get(URL).content.decode()  # the fields show the range the figures are for
    assert 'name="start" value="2026-11-07"' in html and 'name="end" value="2026-12-04"' in html


def test_the_staff_start_page_links_to_it_for_team_leads_only(client, team_lead, clerk):
    client.force_login(clerk)
    assert URL not in client.get("/intern/").content.decode()
    client.force_login(team_lead)
    assert URL in client.get("/intern/").content.decode()


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("start=2026-12-10&end=2026-12-01", "end", "nicht vor dem Beginn"),
        ("start=2020-01-01&end=2026-12-01", "end", "höchstens zwei Jahre"),
        ("start=1999-01-01&end=1999-01-02", "start", "ab dem 1. Juni 2001"),
        ("start=gestern", "start", "gültiges Datum"),
        ("start=9999-12-31&end=9999-12-31", "end", "früheres Datum"),
        ("location=gibt-es-nicht", "location", "gültige Auswahl"),
        ("service=%00", "service", "Nullzeichen"),
    ],
)
def test_bad_input_gets_a_message_at_the_field_and_keeps_what_was_typed(
    client, team_lead, location, query, field, message
):
    client.force_login(team_lead)
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    html = response.content.decode()
    assert f'id="id_{field}-error"' in html and 'aria-invalid="true"' in html
    if field == "start" and "gestern" in query:
        assert 'value="gestern"' in html


def test_a_location_and_service_narrow_the_figures(client, team_lead, location, walk_in_service):
    other = ServiceFactory(name="Anderes", slug="anderes", walk_in=True, ticket_letter="Q")
    TicketFactory(location=location, service=walk_in_service, day=dt.date(2026, 12, 1))
    TicketFactory(location=location, service=other, day=dt.date(2026, 12, 1))
    client.force_login(team_lead)
    figures = (
        client.get(f"{URL}?location={location.slug}&service={walk_in_service.slug}")
        .context["report"]
        .groups[0]
    )
    assert figures.figures[0].key == "issued" and figures.figures[0].current == 1


def _year_of_data(location, service, counsellor, appointment_service, day: dt.date, n: int) -> None:
    for i in range(n):
        issued = dt.datetime.combine(day, dt.time(8, i), tzinfo=dt.UTC)
        ticket = TicketFactory(
            location=location,
            service=service,
            day=day,
            issued_at=issued,
            status="served",
            finished_at=issued + dt.timedelta(minutes=20),
        )
        ticket.history.create(new_status="waiting", at=issued)
        ticket.history.create(old_status="waiting", new_status="called", at=issued + dt.timedelta(minutes=7))
        ticket.history.create(
            old_status="called", new_status="in_service", at=issued + dt.timedelta(minutes=8)
        )
        AppointmentFactory(
            counsellor=counsellor,
            service=appointment_service,
            start=dt.datetime.combine(day, dt.time(7 + i, 0), tzinfo=dt.UTC),
            status="done",
        )


def test_the_page_costs_the_same_queries_for_more_data(
    client, team_lead, location, walk_in_service, appointment_service
):
    counsellor = CounsellorFactory(location=location, services=[appointment_service], seed_hours=True)
    desk = DeskFactory(location=location)
    desk.services.set([walk_in_service])
    queue.sign_in_to_desk(desk=desk, user=team_lead)
    queue.issue_ticket(location=location, service=walk_in_service)
    _year_of_data(location, walk_in_service, counsellor, appointment_service, dt.date(2026, 11, 30), 2)
    client.force_login(team_lead)

    def page():
        assert client.get(f"{URL}?start=2026-01-01&end=2026-12-31").status_code == 200

    def grow():
        for day in (dt.date(2026, 3, 2), dt.date(2026, 6, 10), dt.date(2026, 11, 12)):
            _year_of_data(location, walk_in_service, counsellor, appointment_service, day, 5)
        CounsellorFactory(location=location, services=[appointment_service], seed_hours=True)

    assert_queries_do_not_grow(page, grow, limit=30)


def test_the_page_speaks_english_too(client, team_lead, location, settings):
    client.force_login(team_lead)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(URL).content.decode()
    assert "<h1>Statistics</h1>" in html
    assert "Walk-in tickets" in html and "Service level" in html and "Definitions" in html
