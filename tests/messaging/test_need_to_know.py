"""Need-to-know: staff see the call list and print batches of their own locations (and team)
only; another location's entries and batches are not listed and their pages answer 404."""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse

from messaging import notify
from messaging.batches import build_print_batches
from messaging.models import CallListEntry, PrintBatch
from tests.factories import AppointmentFactory, CounsellorFactory, LocationFactory, UserFactory
from tests.staff import sign_in, works_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_location(appointment_service):
    location = LocationFactory(name="Bürgerbüro Hiltrup", slug="hiltrup", seed_hours=True)
    location.services.add(appointment_service)
    return location


def _book(counsellor, service, **kwargs):
    with transaction.atomic():
        appointment = AppointmentFactory(counsellor=counsellor, service=service, **kwargs)
        notify.appointment_booked(appointment)
    return appointment


@pytest.fixture
def both_locations(time_machine, counsellor, appointment_service, other_location):
    """A citizen of each location on the call list (booked too late for a letter)."""
    time_machine.move_to(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False)
    there = CounsellorFactory(location=other_location, services=[appointment_service], seed_hours=True)
    here = _book(counsellor, appointment_service, name="Hanna Hier", phone="0251 111")
    away = _book(there, appointment_service, name="Otto Anderswo", phone="02501 999")
    assert CallListEntry.objects.count() == 2
    return here, away


def test_a_clerk_sees_only_the_call_list_of_their_location(client, clerk, location, both_locations):
    _here, away = both_locations
    sign_in(client, works_at(clerk, location))
    page = client.get(reverse("reminders:call-list")).text
    assert "Hanna Hier" in page and "0251 111" in page
    assert "Otto Anderswo" not in page and "02501 999" not in page
    entry = CallListEntry.objects.get(appointment=away)
    assert client.post(reverse("reminders:call-done", args=[entry.pk])).status_code == 404
    entry.refresh_from_db()
    assert entry.done_at is None


def test_staff_without_a_work_area_see_no_citizen(client, both_locations):
    sign_in(client, UserFactory(username="clerk-nowhere", roles=["Sachbearbeitung"]))
    page = client.get(reverse("reminders:call-list")).text
    assert "Hanna Hier" not in page and "Otto Anderswo" not in page


def test_an_administrator_sees_every_location(client, admin_user, both_locations):
    sign_in(client, admin_user)
    page = client.get(reverse("reminders:call-list")).text
    assert "Hanna Hier" in page and "Otto Anderswo" in page


def test_a_team_sees_only_its_counsellors_citizens(
    client, clerk, location, counsellor, appointment_service, time_machine
):
    time_machine.move_to(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False)
    counsellor.team = "Team Nord"
    counsellor.save()
    south = CounsellorFactory(
        location=location, services=[appointment_service], team="Team Süd", seed_hours=True
    )
    _book(counsellor, appointment_service, name="Nora Nord", phone="0251 1")
    _book(south, appointment_service, name="Sven Süd", phone="0251 2")
    sign_in(client, works_at(clerk, location, team="Team Nord"))
    page = client.get(reverse("reminders:call-list")).text
    assert "Nora Nord" in page and "Sven Süd" not in page


def test_each_location_gets_its_own_print_batch_and_sees_only_that(
    client, clerk, location, counsellor, appointment_service, other_location, time_machine, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    time_machine.move_to(dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC), tick=False)
    there = CounsellorFactory(location=other_location, services=[appointment_service], seed_hours=True)
    _book(counsellor, appointment_service, name="Hanna Hier")
    _book(there, appointment_service, name="Otto Anderswo")
    time_machine.move_to(dt.datetime(2026, 11, 30, 5, 0, tzinfo=dt.UTC), tick=False)
    built = build_print_batches()
    assert sorted(b.location_id for b in built) == sorted([location.pk, other_location.pk])
    assert all(b.letter_count == 1 for b in built)
    mine = next(b for b in built if b.location_id == location.pk)
    theirs = next(b for b in built if b.location_id == other_location.pk)

    sign_in(client, works_at(clerk, location))
    listing = client.get(reverse("reminders:print-batches")).text
    assert reverse("reminders:print-batch", args=[mine.pk]) in listing
    assert reverse("reminders:print-batch", args=[theirs.pk]) not in listing
    assert client.get(reverse("reminders:print-batch-pdf", args=[mine.pk])).status_code == 200
    for name in ("reminders:print-batch", "reminders:print-batch-pdf"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
    mark = client.post(reverse("reminders:print-batch-mark", args=[theirs.pk]), {"status": "printed"})
    assert mark.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == PrintBatch.Status.READY


def test_a_team_lead_cancels_only_at_their_locations(client, location, other_location, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False)
    lead = works_at(UserFactory(username="lead-a", roles=["Teamleitung"]), location)
    sign_in(client, lead)
    params = {
        "location": other_location.pk,
        "first_day": "2026-12-03",
        "last_day": "2026-12-04",
        "reason": "Betriebsversammlung",
    }
    page = client.get(reverse("reminders:cancel-by-office"), params)
    assert "Bürgerbüro Hiltrup" not in page.text
    assert page.context["form"].errors["location"]
