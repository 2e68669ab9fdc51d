"""Every page of the working day, for every role: who may open it, who gets 403, who the login
page; and tampered ids, dates and slugs give a message or 404, never a 500."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.staff import sign_in, works_at

pytestmark = pytest.mark.django_db

BOOKERS = {"clerk", "info_desk", "team_lead"}
ROUTING = {"info_desk", "team_lead"}


def pages(appointment) -> list[tuple[str, set[str]]]:
    """Each page (GET) and the roles that may open it; everybody else gets 403."""
    pk = appointment.pk
    return [
        (reverse("workspace:book"), BOOKERS),
        (reverse("workspace:booked", args=[pk]), BOOKERS | {"counsellor"}),
        (reverse("workspace:follow-up", args=[pk]), BOOKERS | {"counsellor"}),
        (reverse("workspace:my-day"), {"counsellor"}),
        (reverse("workspace:my-day-print"), {"counsellor"}),
        (reverse("workspace:calendar"), {"counsellor"}),
        (reverse("workspace:day-lists"), ROUTING),
        (reverse("workspace:day-list", args=["stadthaus-3", "heute"]), ROUTING),
        (reverse("workspace:day-list", args=["stadthaus-3", "morgen"]), ROUTING),
        (reverse("workspace:find"), BOOKERS),
        (reverse("workspace:find-detail", args=[pk]), BOOKERS),
        (reverse("workspace:find-move", args=[pk]), BOOKERS),
        (reverse("workspace:find-cancel", args=[pk]), BOOKERS),
        (reverse("workspace:find-access-log", args=[pk]), {"team_lead"}),
        (reverse("workspace:absences"), {"team_lead"}),
        (reverse("workspace:affected"), {"team_lead"}),
    ]


@pytest.fixture
def people(clerk, info_desk, team_lead, counsellor_user, my_counsellor, location):
    for user in (clerk, info_desk, team_lead):
        works_at(user, location)
    return {
        "clerk": clerk,
        "info_desk": info_desk,
        "team_lead": team_lead,
        "counsellor": counsellor_user,
        "no_role": UserFactory(username="ohne-rolle"),
    }


def test_anonymous_and_inactive_accounts_get_the_login_page_everywhere(
    client, people, my_appointment, thursday
):
    login = reverse("login")
    for url, _roles in pages(my_appointment):
        assert client.get(url)["Location"].startswith(login), url
        assert client.post(url)["Location"].startswith(login), url
    for user in people.values():
        sign_in(client, user)
        user.is_active = False
        user.save()
        for url, _roles in pages(my_appointment):
            assert client.get(url)["Location"].startswith(login), (user, url)


@pytest.mark.parametrize("role", ["clerk", "info_desk", "team_lead", "counsellor", "no_role"])
def test_each_role_opens_its_pages_and_gets_403_elsewhere(client, people, my_appointment, thursday, role):
    sign_in(client, people[role])
    for url, allowed in pages(my_appointment):
        status = client.get(url).status_code
        if role in allowed:
            assert status in (200, 302), (role, url, status)
        else:
            assert status == 403, (role, url, status)


TAMPERED = [
    "/intern/termine/99999999999999999999/",
    "/intern/termine/0/verschieben/?day=2026-02-30",
    "/intern/termine/finden/?code=%00&name=" + "x" * 500 + "&day=9999-99-99",
    "/intern/termine/finden/?first_day=2026-12-10&last_day=2026-01-01",
    "/intern/buchen/?service=abc&location=-1&day=2026-13-01",
    "/intern/buchen/angaben/?service=1&location=1&start=gestern&from=abc",
    "/intern/buchen/angaben/?from=99999999999999999999",
    "/intern/folgetermin/99999999999/",
    "/intern/tageslisten/nirgendwo/heute/",
    "/intern/tageslisten/stadthaus-3/uebermorgen/",
    "/intern/betroffene-termine/?location=1&first_day=2026-12-01&last_day=1999-01-01&counsellor=x",
    "/intern/kalender/%00/beratung.ics",
]


@pytest.mark.parametrize("role", ["clerk", "team_lead", "counsellor"])
def test_tampered_ids_dates_and_slugs_never_give_a_500(client, people, my_appointment, thursday, role):
    sign_in(client, people[role])
    for url in TAMPERED:
        assert client.get(url).status_code in (200, 302, 400, 403, 404), (role, url)
    move = reverse("workspace:find-move", args=[my_appointment.pk])
    for body in ({"day": "2026-02-30", "start": "x", "seen": "y"}, {"reason": "\x00"}):
        assert client.post(move, body).status_code in (200, 302, 400, 403, 409), (role, body)
    action = reverse("workspace:my-day-action", args=[my_appointment.pk, "aufrufen"])
    assert client.post(action, {"seen": "\x00" * 3}).status_code in (302, 403, 404)
