"""The statistics API: the page's figures for team leads, documented in the OpenAPI schema."""

import pytest

from tests.stats.known_week import END, START

pytestmark = pytest.mark.django_db
URL = "/api/v1/statistics/summary"


def test_a_team_lead_gets_the_same_figures_as_the_page(client, known_week, team_lead, location):
    client.force_login(team_lead)
    query = f"?location={location.slug}&start={START.isoformat()}&end={END.isoformat()}"
    body = client.get(URL + query).json()
    assert body["scope"] == {
        "location": location.slug,
        "service": None,
        "start": "2026-03-23",
        "end": "2026-03-29",
        "previous_start": "2026-03-16",
        "previous_end": "2026-03-22",
    }
    figures = {f["key"]: f for f in body["groups"][0]["figures"]}
    assert body["groups"][0]["key"] == "tickets"
    assert (figures["issued"]["current"], figures["issued"]["previous"]) == (7, 1)
    assert figures["wait_median"]["current"] == 15 and figures["service_level"]["current"] == 0.5
    assert figures["wait_median"]["definition"].startswith("Vom Ausgeben der Wartenummer")
    page = client.get("/intern/statistik/" + query).context["report"]
    assert [t["key"] for t in body["tables"]] == list(page.tables)
    assert [t["rows"] for t in body["tables"]] == [t.rows for t in page.tables.values()]


def test_others_are_refused(client, clerk, location):
    assert client.get(URL).status_code == 401
    client.force_login(clerk)
    assert client.get(URL).status_code == 403


def test_bad_input_names_the_field(client, team_lead, location):
    client.force_login(team_lead)
    response = client.get(URL + "?start=2026-12-10&end=2026-12-01")
    assert response.status_code == 400
    assert "end" in response.json()["errors"]


def test_it_is_in_the_schema_with_staff_authentication(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"][URL]["get"]
    assert operation["security"] == [{"SessionAuth": []}]
    assert {"400", "401", "403"} <= set(operation["responses"])
    assert schema["components"]["securitySchemes"]["SessionAuth"]["in"] == "cookie"
