"""The pages over HTTP: roles, bad input, stale pages, query counts, the display feed."""

import pytest

from kundenzentrum import services
from kundenzentrum.models import KioskDevice, Ticket
from sozialamt import roles
from tests.factories import TicketFactory, UserFactory
from tests.helpers import assert_queries_do_not_grow, count_queries
from tests.staff import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def kiosk_client(client, location):
    token = services.unlock_kiosk(location=location, name="Eingang", by=None)
    response = client.get(f"/kundenzentrum/kiosk/{location.slug}/?token={token}")
    assert response.status_code == 302
    return client


def test_the_kiosk_is_locked_without_a_device_token(client, location, walk_in_service, thursday):
    assert client.get(f"/kundenzentrum/kiosk/{location.slug}/").status_code == 403
    assert client.get(f"/kundenzentrum/kiosk/{location.slug}/?token=wrong").status_code == 403
    response = client.post(f"/kundenzentrum/kiosk/{location.slug}/", {"service": walk_in_service.pk})
    assert response.status_code == 403
    assert not Ticket.objects.exists()


def test_a_kiosk_issues_a_ticket_and_shows_it_with_a_qr_code(
    kiosk_client, location, walk_in_service, thursday
):
    response = kiosk_client.post(f"/kundenzentrum/kiosk/{location.slug}/", {"service": walk_in_service.pk})
    ticket = Ticket.objects.get()
    assert response.url == f"/kundenzentrum/w/{ticket.public_id}/ticket/?zurueck=kiosk"
    page = kiosk_client.get(response.url).content.decode()
    assert "A-001" in page
    assert "data:image/svg+xml" in page
    assert f"/kundenzentrum/w/{ticket.public_id}/" in page


@pytest.mark.parametrize("value", ["", "999999", "abc", "1" * 40])
def test_the_kiosk_refuses_an_unknown_service(kiosk_client, location, walk_in_service, thursday, value):
    response = kiosk_client.post(f"/kundenzentrum/kiosk/{location.slug}/", {"service": value})
    assert response.status_code == 200
    assert "Bitte wählen Sie eines der angezeigten Anliegen" in response.content.decode()
    assert not Ticket.objects.exists()


def test_the_kiosk_when_closed_points_to_the_next_opening(kiosk_client, location, walk_in_service, thursday):
    thursday.move_to("2026-12-03T17:30:00Z")  # 18:30
    response = kiosk_client.post(f"/kundenzentrum/kiosk/{location.slug}/", {"service": walk_in_service.pk})
    page = response.content.decode()
    assert "jetzt geschlossen" in page
    assert "Freitag, 4. Dezember 2026 ab 08:00 Uhr" in page
    assert not Ticket.objects.exists()


def test_a_revoked_kiosk_is_locked_again(kiosk_client, location, thursday):
    KioskDevice.objects.update(active=False)
    assert kiosk_client.get(f"/kundenzentrum/kiosk/{location.slug}/").status_code == 403


def test_staff_pages_need_the_right_role(client, location, clerk, info_desk):
    assert client.get("/kundenzentrum/schalter/").status_code == 302
    sign_in(client, info_desk)
    assert client.get("/kundenzentrum/schalter/").status_code == 403
    sign_in(client, clerk)
    assert client.get(f"/kundenzentrum/infotheke/{location.slug}/").status_code == 403
    assert client.get(f"/kundenzentrum/kiosk/{location.slug}/freischalten/").status_code == 403


def test_the_info_desk_issues_a_ticket_with_an_interpreter_language(
    client, location, walk_in_service, info_desk, thursday
):
    sign_in(client, info_desk)
    response = client.post(
        f"/kundenzentrum/infotheke/{location.slug}/",
        {"service": walk_in_service.pk, "interpreter_language": "Arabisch"},
    )
    ticket = Ticket.objects.get()
    assert ticket.interpreter_language == "Arabisch"
    assert response.url.endswith("?zurueck=infotheke")


def test_the_info_desk_form_keeps_input_and_names_the_field(
    client, location, walk_in_service, info_desk, thursday
):
    sign_in(client, info_desk)
    response = client.post(
        f"/kundenzentrum/infotheke/{location.slug}/", {"service": "x", "interpreter_language": "Farsi"}
    )
    page = response.content.decode()
    assert "Bitte wählen Sie ein Anliegen aus der Liste" in page
    assert 'value="Farsi"' in page
    assert not Ticket.objects.exists()


def test_the_info_desk_check_in_with_a_bad_code_says_so(client, location, info_desk, thursday):
    sign_in(client, info_desk)
    response = client.post(f"/kundenzentrum/infotheke/{location.slug}/anmelden/", {"code": "XYZ"})
    page = response.content.decode()
    assert "keinen Termin" in page
    assert 'value="XYZ"' in page


def test_the_desk_page_calls_and_acts_and_refuses_a_stale_action(
    client, location, walk_in_service, desk, clerk, thursday
):
    sign_in(client, clerk)
    client.post("/kundenzentrum/schalter/", {"desk": desk.pk})
    services.issue_ticket(location=location, service=walk_in_service)
    client.post(f"/kundenzentrum/schalter/{desk.pk}/aufrufen/")
    client.post(f"/kundenzentrum/schalter/{desk.pk}/aufrufen/")  # double click
    ticket = Ticket.objects.get()
    assert (ticket.status, ticket.call_count) == ("called", 1)
    action = f"/kundenzentrum/schalter/{desk.pk}/nummer/{ticket.pk}/"
    client.post(action + "beginnen/", {"seen": "called"})
    response = client.post(action + "beginnen/", {"seen": "called"}, follow=True)
    assert "Es wurde nichts geändert" in response.content.decode()
    response = client.post(action + "zurueckstellen/", {"seen": "called"}, follow=True)
    assert "nichts geändert" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "in_service"
    client.post(action + "erledigt/", {"seen": "in_service"})
    ticket.refresh_from_db()
    assert ticket.status == "served"


@pytest.mark.parametrize("path", ["nummer/999/beginnen/", "nummer/1/unbekannt/"])
def test_bad_desk_actions_never_fail_with_500(client, desk, clerk, thursday, path):
    sign_in(client, clerk)
    client.post("/kundenzentrum/schalter/", {"desk": desk.pk})
    response = client.post(f"/kundenzentrum/schalter/{desk.pk}/{path}", {"seen": "bogus"})
    assert response.status_code in (302, 404)


def test_an_empty_queue_says_nobody_is_waiting(client, desk, clerk, thursday):
    sign_in(client, clerk)
    client.post("/kundenzentrum/schalter/", {"desk": desk.pk})
    response = client.post(f"/kundenzentrum/schalter/{desk.pk}/aufrufen/", follow=True)
    assert "wartet niemand" in response.content.decode()


def test_the_desk_page_queries_do_not_grow(client, location, walk_in_service, desk, clerk, thursday):
    sign_in(client, clerk)
    client.post("/kundenzentrum/schalter/", {"desk": desk.pk})
    services.call_next_ticket(desk_id=desk.pk, user=clerk)
    assert_queries_do_not_grow(
        lambda: client.get(f"/kundenzentrum/schalter/{desk.pk}/"),
        lambda: TicketFactory.create_batch(5, location=location, service=walk_in_service, day="2026-12-03"),
    )


def test_the_position_page_queries_do_not_grow(client, location, walk_in_service, thursday):
    ticket = services.issue_ticket(location=location, service=walk_in_service)
    assert_queries_do_not_grow(
        lambda: client.get(f"/kundenzentrum/w/{ticket.public_id}/"),
        lambda: TicketFactory.create_batch(5, location=location, service=walk_in_service, day="2026-12-03"),
    )


def test_a_display_poll_costs_no_query_when_cached_and_304_when_unchanged(
    client, location, walk_in_service, desk, signed_in_clerk, django_capture_on_commit_callbacks
):
    services.issue_ticket(location=location, service=walk_in_service)
    with django_capture_on_commit_callbacks(execute=True):
        services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk)
    url = f"/kundenzentrum/anzeige/{location.slug}/feed/"
    first = client.get(url)
    assert first.json()["calls"][0]["number"] == "A-001"
    assert count_queries(lambda: client.get(url)) == 0
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304


def test_a_display_poll_after_the_cache_lost_the_feed_costs_one_query(
    client, location, walk_in_service, desk, signed_in_clerk
):
    services.issue_ticket(location=location, service=walk_in_service)
    services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk)
    from django.core.cache import cache

    cache.clear()
    assert count_queries(lambda: client.get(f"/kundenzentrum/anzeige/{location.slug}/feed/")) == 1


def test_the_feed_of_an_unknown_location_is_404(client, db):
    assert client.get("/kundenzentrum/anzeige/gibt-es-nicht/feed/").status_code == 404


def test_the_start_page_shows_the_waiting_count(client, location, walk_in_service, thursday):
    services.issue_ticket(location=location, service=walk_in_service)
    page = client.get("/").content.decode()
    assert "So voll ist es gerade" in page
    assert "Unterlagen abgeben" in page


def test_the_walk_in_page_is_public(client, location, walk_in_service, thursday):
    assert client.get("/kundenzentrum/").status_code == 200


def test_an_info_desk_member_unlocks_a_kiosk(client, location, walk_in_service, thursday):
    staff = UserFactory(username="lead", roles=[roles.INFO_DESK])
    sign_in(client, staff)
    response = client.post(f"/kundenzentrum/kiosk/{location.slug}/freischalten/", {"name": "Eingang links"})
    assert response.status_code == 302
    cookie = client.cookies["kz_kiosk"].value
    assert "_auth_user_id" not in client.session  # no staff session stays on a public device
    client.logout()  # forgets every cookie; the kiosk keeps only its own
    client.cookies["kz_kiosk"] = cookie
    assert client.get(f"/kundenzentrum/kiosk/{location.slug}/").status_code == 200
    assert KioskDevice.objects.get().token_hash not in cookie


@pytest.mark.parametrize("model", ["ticket", "kioskdevice", "desksession", "desk"])
def test_the_admin_lists_the_queue_models(
    client, admin_user, location, walk_in_service, desk, model, thursday
):
    ticket = services.issue_ticket(location=location, service=walk_in_service)
    sign_in(client, admin_user)
    assert client.get(f"/admin/kundenzentrum/{model}/").status_code == 200
    assert client.get(f"/admin/kundenzentrum/ticket/{ticket.pk}/change/").status_code == 200


def test_the_display_feed_still_answers_while_redis_is_away(
    client, location, walk_in_service, desk, signed_in_clerk, dead_cache
):
    services.issue_ticket(location=location, service=walk_in_service)
    services.call_next_ticket(desk_id=desk.pk, user=signed_in_clerk)
    response = client.get(f"/kundenzentrum/anzeige/{location.slug}/feed/")
    assert response.json()["calls"][0]["number"] == "A-001"
