"""The public pages: start, opening hours, services, health check."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import strip_tags

from tests.factories import ClosureFactory, LocationFactory, ServiceFactory
from tests.helpers import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db

THURSDAY_MORNING = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)  # 10:00 in Münster
FRIDAY_AFTERNOON = dt.datetime(2026, 11, 27, 13, 0, tzinfo=dt.UTC)  # 14:00, closed since 12:00


def text(response) -> str:
    return " ".join(strip_tags(response.content.decode()).split())


@time_machine.travel(THURSDAY_MORNING, tick=False)
def test_start_page_offers_both_ways_in_and_says_open_until_when(
    client, location, appointment_service, walk_in_service
):
    page = text(client.get(reverse("home")))
    assert "Beratung nach Termin" in page
    assert "Ohne Termin ins Kundenzentrum" in page
    assert "Jetzt geöffnet" in page
    assert "bis 18:00 Uhr" in page


@time_machine.travel(FRIDAY_AFTERNOON, tick=False)
def test_start_page_says_when_it_opens_next_after_closing(client, location, walk_in_service):
    page = text(client.get(reverse("home")))
    assert "Jetzt geschlossen" in page
    assert "wieder geöffnet am Montag, 30. November ab 08:00 Uhr" in page


@time_machine.travel(dt.datetime(2026, 12, 24, 10, 0, tzinfo=dt.UTC), tick=False)
def test_start_page_names_the_reason_of_a_closure_today(client, location, walk_in_service):
    ClosureFactory(location=location, start=dt.date(2026, 12, 24), reason="Heiligabend")
    page = text(client.get(reverse("home")))
    assert "Jetzt geschlossen (Heiligabend)" in page
    assert "wieder geöffnet am Montag, 28. Dezember ab 08:00 Uhr" in page


def test_start_page_without_anything_configured_says_so_politely(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    page = text(response)
    assert "noch keine Anliegen eingerichtet" in page
    assert "noch kein Standort eingerichtet" in page


def test_start_page_with_a_location_but_no_hours_says_so(client):
    LocationFactory()
    ServiceFactory()
    page = text(client.get(reverse("home")))
    assert "Öffnungszeiten sind noch nicht eingetragen" in page


@time_machine.travel(THURSDAY_MORNING, tick=False)
def test_hours_page_shows_the_week_closures_and_holidays(client, location):
    ClosureFactory(location=location, start=dt.date(2026, 12, 9), reason="Personalversammlung")
    page = text(client.get(reverse("opening-hours")))
    assert "Donnerstag 08:00–18:00 Uhr" in page
    assert "Freitag 08:00–12:00 Uhr" in page
    assert "Samstag geschlossen" in page
    assert "Mi, 09.12.2026" in page and "Personalversammlung" in page
    assert "Erster Weihnachtstag" in page
    assert "Fronleichnam" in page


@time_machine.travel(THURSDAY_MORNING, tick=False)
def test_hours_page_shows_hours_entered_for_later(client, location):
    location.opening_hours.create(
        weekday=0, opens=dt.time(7, 30), closes=dt.time(13), valid_from=dt.date(2027, 6, 1)
    )
    page = text(client.get(reverse("opening-hours")))
    assert "Ab 1. Juni 2027" in page
    assert "Montag 07:30–13:00 Uhr" in page


def test_services_page_lists_description_documents_and_channel(
    client, location, appointment_service, walk_in_service
):
    page = text(client.get(reverse("services")))
    walk_in = page.index("Ohne Termin im Kundenzentrum Unterlagen abgeben")
    by_appointment = page.index("Nur mit Termin Grundsicherung")
    assert walk_in < by_appointment
    assert "Personalausweis" in page
    assert "ServiceFactory" not in page


def test_inactive_services_are_not_listed(client, location):
    ServiceFactory(name="Altes Anliegen", inactive=True)
    assert "Altes Anliegen" not in text(client.get(reverse("services")))


@pytest.mark.parametrize("url_name", ["home", "opening-hours", "services"])
def test_public_pages_cost_the_same_queries_with_more_data(client, location, walk_in_service, url_name):
    def grow():
        for n in range(5):
            other = LocationFactory(seed_hours=True)
            service = ServiceFactory(walk_in=n % 2 == 0)
            other.services.add(service)
            location.services.add(service)
            ClosureFactory(location=other, start=dt.date(2026, 12, 1 + n))

    assert_queries_do_not_grow(lambda: client.get(reverse(url_name)), grow, limit=10)


def test_healthz_reports_database_and_redis(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body.get("redis") == ("ok" if settings.REDIS_URL else None)


def test_healthz_answers_503_when_redis_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "redis": "error"}


def test_pages_send_a_content_security_policy_that_allows_only_this_site(client):
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "http" not in policy


def test_a_citizen_can_switch_the_pages_to_english(client, location):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("opening-hours")}, follow=True
    )
    page = text(response)
    assert 'lang="en"' in response.content.decode()
    assert "Opening hours" in page and "Öffnungszeiten" not in page
