"""The counsellor's private calendar subscription: no names, only a hash stored, revocable."""

import re

import pytest

from booking.models import CounsellorFeed
from booking.selectors import hash_token
from sozialamt.logs import redact
from tests.staff import sign_in

pytestmark = pytest.mark.django_db
PAGE = "/intern/mein-tag/kalender/"


def _create(client) -> str:
    page = client.post(PAGE, {"action": "anlegen"}).content.decode()
    return (
        re.search(r'value="(http[^"]+beratung\.ics)"', page)
        .group(1)
        .split("testserver")[-1]
        .split("8000")[-1]
    )


def test_the_feed_carries_code_service_and_room_but_no_personal_data(
    client, counsellor_user, my_appointment, thursday
):
    sign_in(client, counsellor_user)
    url = _create(client)
    client.logout()
    response = client.get(url)  # a calendar app has no session
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert my_appointment.code in body and my_appointment.service.name in body and "Raum E.12" in body
    for personal in ("Hildegard", "Becker", "Türkisch", "50.2-123", "Hammer", "48153"):
        assert personal not in body


def test_only_the_hash_is_stored_and_a_revoked_or_replaced_feed_answers_404(
    client, counsellor_user, my_counsellor
):
    sign_in(client, counsellor_user)
    url = _create(client)
    token = url.split("/")[-2]
    assert CounsellorFeed.objects.get().token_hash == hash_token(token)
    assert token not in str(list(CounsellorFeed.objects.values()))
    newer = _create(client)
    assert client.get(url).status_code == 404 and client.get(newer).status_code == 200
    client.post(PAGE, {"action": "widerrufen"})
    assert client.get(newer).status_code == 404
    assert client.get("/intern/kalender/unbekannt/beratung.ics").status_code == 404
    assert client.post(PAGE, {"action": "x"}).status_code == 400


def test_the_access_log_shows_no_feed_token():
    line = '127.0.0.1 - - "GET /intern/kalender/AbC_123-xyz/beratung.ics HTTP/1.1" 200'
    assert "AbC_123" not in redact(line) and "/intern/kalender/[…]/beratung.ics" in redact(line)
