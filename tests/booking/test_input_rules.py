"""Input rules the pages and the API share, and the constraints the OpenAPI schema documents."""

import pytest

from booking.models import Appointment
from tests.booking.test_api import BASE, payload
from tests.booking.test_pages import PERSON, choose_time, rendered

pytestmark = pytest.mark.django_db

INVISIBLE = ["\u202e", "\u200b", "\u2066", "\ufeff"]


@pytest.mark.parametrize("char", INVISIBLE)
def test_the_form_refuses_bidi_and_zero_width_characters_in_names(
    client, clock, counsellor, relaxed_limits, char
):
    choose_time(client)
    name = f"Erika {char}nnamretsuM"
    response = client.post("/termin/angaben/", {**PERSON, "name": name, "rendered": rendered()})
    assert response.status_code == 400
    assert "unzulässige Zeichen" in response.content.decode()
    assert name in response.content.decode()  # what was typed stays in the field


@pytest.mark.parametrize("char", INVISIBLE)
def test_the_api_refuses_bidi_and_zero_width_characters_in_names(
    client, clock, counsellor, relaxed_limits, char
):
    response = client.post(
        f"{BASE}/bookings", payload(name=f"Erika{char} M"), content_type="application/json"
    )
    assert response.status_code == 422
    assert [e["loc"][-1] for e in response.json()["detail"]] == ["name"]
    assert not Appointment.objects.exists()


def test_a_persian_name_with_a_zero_width_non_joiner_is_accepted(client, clock, counsellor, relaxed_limits):
    response = client.post(f"{BASE}/bookings", payload(name="مهر\u200cناز"), content_type="application/json")
    assert response.status_code == 201


def test_the_openapi_schema_shows_the_real_constraints(client):
    schemas = client.get(f"{BASE}/openapi.json").json()["components"]["schemas"]
    booking = schemas["BookingIn"]["properties"]
    assert booking["name"]["minLength"] == 1 and booking["name"]["maxLength"] == 120
    assert booking["reminder"]["enum"] == ["email", "letter", "both", "none"]
    assert "400 days" in booking["start"]["description"]
    query = client.get(f"{BASE}/openapi.json").json()["paths"]["/api/v1/free-times"]["get"]["parameters"]
    start = next(p for p in query if p["name"] == "start")
    assert "400 days" in start["description"]
