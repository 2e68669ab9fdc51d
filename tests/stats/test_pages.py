"""The statistics page: who may see it, its filter, its exports, and what it costs."""

import datetime as dt

import pytest
import time_machine

pytestmark = pytest.mark.django_db
URL = "/intern/statistik/"
# Friday 4 December 2026, 10:00 in Münster (open 8:00–12:00).
FRIDAY_10 = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def friday():
    with time_machine.travel(FRIDAY_10, tick=False):
        yield


def test_a_team_lead_sees_the_page_and_others_do_not(client, team_lead, clerk, location):
    assert client.get(URL).status_code == 302
    assert "/intern/anmelden/" in client.get(URL)["Location"]
    client.force_login(clerk)
    assert client.get(URL).status_code == 403
    client.force_login(team_lead)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and "<title id=" in html and "Definitionen" in html
    assert "<script" not in html.split("<main", 1)[1]


def test_the_staff_start_page_links_to_it_for_team_leads_only(client, team_lead, clerk):
    client.force_login(clerk)
    assert URL not in client.get("/intern/").content.decode()
    client.force_login(team_lead)
    assert URL in client.get("/intern/").content.decode()
