"""The Django admin refuses impossible opening hours and closures with a clear message."""

import pytest
from django.urls import reverse

from sozialamt.models import Closure, OpeningHours
from tests.staff import sign_in

pytestmark = pytest.mark.django_db


def location_form(location, rows: list[tuple[int, str, str]]) -> dict:
    data = {
        "name": location.name,
        "slug": location.slug,
        "organisation": location.organisation,
        "street": location.street,
        "postcode": location.postcode,
        "city": location.city,
        "active": "on",
        "order": 0,
        "email_reminder_days": 2,
        "letter_working_days": 3,
        "opening_hours-TOTAL_FORMS": len(rows),
        "opening_hours-INITIAL_FORMS": 0,
        "closures-TOTAL_FORMS": 0,
        "closures-INITIAL_FORMS": 0,
    }
    for n, (weekday, opens, closes) in enumerate(rows):
        data |= {
            f"opening_hours-{n}-weekday": weekday,
            f"opening_hours-{n}-opens": opens,
            f"opening_hours-{n}-closes": closes,
            f"opening_hours-{n}-valid_from": "2001-06-01",
        }
    return data


@pytest.fixture
def bare_location(location):
    location.opening_hours.all().delete()
    return location


def post(client, admin_user, location, rows):
    sign_in(client, admin_user)
    return client.post(
        reverse("admin:sozialamt_location_change", args=[location.pk]), location_form(location, rows)
    )


def test_it_refuses_opening_after_closing(client, admin_user, bare_location):
    response = post(client, admin_user, bare_location, [(0, "15:30", "08:00")])
    assert response.status_code == 200
    assert "Die Öffnung muss vor der Schließung liegen." in response.content.decode()
    assert not OpeningHours.objects.exists()


def test_it_refuses_overlapping_intervals_on_one_day(client, admin_user, bare_location):
    response = post(client, admin_user, bare_location, [(0, "08:00", "12:30"), (0, "12:00", "15:30")])
    assert "Montag: 08:00–12:30 überschneidet sich mit 12:00–15:30." in response.content.decode()
    assert not OpeningHours.objects.exists()


def test_it_accepts_a_lunch_break(client, admin_user, bare_location):
    response = post(client, admin_user, bare_location, [(0, "08:00", "12:00"), (0, "13:00", "15:30")])
    assert response.status_code == 302
    assert OpeningHours.objects.filter(location=bare_location, weekday=0).count() == 2


def test_it_refuses_a_closure_that_ends_before_it_starts(client, admin_user, location):
    sign_in(client, admin_user)
    response = client.post(
        reverse("admin:sozialamt_closure_add"),
        {"location": location.pk, "start": "2026-12-10", "end": "2026-12-09", "reason": "Umzug"},
    )
    assert "Das Ende darf nicht vor dem Beginn liegen." in response.content.decode()
    assert not Closure.objects.exists()


def test_it_refuses_special_hours_with_only_one_time(client, admin_user, location):
    sign_in(client, admin_user)
    response = client.post(
        reverse("admin:sozialamt_closure_add"),
        {"location": location.pk, "start": "2026-12-10", "opens": "09:00", "reason": "Sonderöffnung"},
    )
    assert "beide Uhrzeiten angeben" in response.content.decode()
    assert not Closure.objects.exists()


def test_the_admin_gives_a_member_of_staff_their_locations(client, admin_user, clerk, location):
    from sozialamt.models import StaffProfile

    sign_in(client, admin_user)
    url = reverse("admin:auth_user_change", args=[clerk.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Standorte" in page.text
    data = {
        "username": clerk.username,
        "first_name": clerk.first_name,
        "last_name": clerk.last_name,
        "email": "",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
        "staff_profile-TOTAL_FORMS": 1,
        "staff_profile-INITIAL_FORMS": 0,
        "staff_profile-0-locations": [location.pk],
        "staff_profile-0-team": "Team Nord",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].errors if response.context else ""
    profile = StaffProfile.objects.get(user=clerk)
    assert list(profile.locations.all()) == [location] and profile.team == "Team Nord"
