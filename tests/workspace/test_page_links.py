"""The working-day pages lead into each other and name their empty choices in German."""

import pytest
from django.urls import reverse

from tests.staff import sign_in, works_at

pytestmark = pytest.mark.django_db


def test_a_day_list_entry_leads_to_the_booking_and_the_list_to_booking_at_the_counter(
    client, info_desk, location, my_appointment, thursday
):
    sign_in(client, works_at(info_desk, location))
    page = client.get(reverse("workspace:day-list", args=[location.slug, "heute"])).text
    assert f'href="{reverse("workspace:find-detail", args=[my_appointment.pk])}"' in page
    assert f'href="{reverse("workspace:book")}"' in page


def test_a_found_booking_leads_to_its_follow_up(client, clerk, location, my_appointment, thursday):
    sign_in(client, works_at(clerk, location))
    page = client.get(reverse("workspace:find-detail", args=[my_appointment.pk])).text
    assert f'href="{reverse("workspace:follow-up", args=[my_appointment.pk])}"' in page


def test_the_choices_say_bitte_waehlen_not_dashes(
    client, clerk, team_lead, location, my_counsellor, thursday
):
    sign_in(client, works_at(clerk, location))
    assert "Bitte wählen" in client.get(reverse("workspace:book")).text
    sign_in(client, works_at(team_lead, location))
    for url in (reverse("workspace:absences"), reverse("workspace:affected")):
        assert "---------" not in client.get(url).text, url
    assert "alle Beraterinnen und Berater" in client.get(reverse("workspace:affected")).text
