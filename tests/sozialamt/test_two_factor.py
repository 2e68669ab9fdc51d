"""Staff sign in with password and a second factor; no staff page, API call or admin page
opens in a session that skipped the code."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sozialamt import roles
from tests.factories import DeskFactory
from tests.staff import authenticator, current_code, sign_in

pytestmark = pytest.mark.django_db


def _staff_routes(patterns=None, prefix: str = ""):
    """Every URL whose view carries sozialamt.roles.role_required, as a path with sample values."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _staff_routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and hasattr(pattern.callback, "staff_roles"):
            yield "/" + re.sub(r"<int:\w+>", "1", re.sub(r"<slug:\w+>", "stadthaus-3", route))


def _password_only(client, user) -> None:
    """Signed in with the password form (no code yet)."""
    response = client.post(reverse("login"), {"username": user.username, "password": "secret-password"})
    assert response.status_code == 302


def test_every_staff_page_sends_a_session_without_the_code_to_the_code_step(client, clerk, location):
    authenticator(clerk)
    _password_only(client, clerk)
    routes = sorted(set(_staff_routes()))
    assert "/intern/" in routes and "/intern/anrufliste/" in routes and "/kundenzentrum/schalter/" in routes
    assert len(routes) >= 15
    for path in routes:
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code == 302, (path, response.status_code)
            assert response["Location"].startswith(reverse("otp-verify") + "?next="), path


def test_the_staff_api_refuses_a_session_without_the_code(client, clerk, location):
    desk = DeskFactory(location=location)
    _password_only(client, clerk)
    base = "/api/v1/kundenzentrum/desks"
    for url, body in (
        (f"{base}/{desk.pk}/call-next", None),
        (f"{base}/{desk.pk}/tickets/1/recall", {"seen": "called"}),
    ):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 401, url
    sign_in(client, clerk)
    assert client.post(f"{base}/{desk.pk}/call-next", content_type="application/json").status_code == 409


def test_roles_count_only_with_a_verified_second_factor(clerk):
    assert not roles.has_role(AnonymousUser(), roles.CLERK)
    assert not roles.has_role(clerk, roles.CLERK)
    clerk.otp_device = authenticator(clerk)
    assert roles.has_role(clerk, roles.CLERK)


def test_first_sign_in_sets_up_the_app_with_its_real_code_and_gives_backup_codes(client, clerk):
    _password_only(client, clerk)
    response = client.get(reverse("staff-home"))
    assert response["Location"].startswith(reverse("otp-verify"))
    response = client.get(response["Location"], follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("otp-setup"))
    page = response.content.decode()
    assert 'src="data:image/svg+xml' in page  # the QR code is drawn here, not fetched
    key = re.search(r'<code id="manual-key">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    device = TOTPDevice.objects.get(user=clerk, confirmed=False)
    assert key == __import__("base64").b32encode(device.bin_key).decode()

    wrong = client.post(
        reverse("otp-setup"), {"code": "000000" if current_code(device) != "000000" else "111111"}
    )
    assert "Der Code stimmt nicht" in wrong.content.decode()
    assert client.get(reverse("staff-home")).status_code == 302

    # Each wrong code makes the next try wait longer (1 s after the first).
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=2), tick=True):
        response = client.post(reverse("otp-setup"), {"code": current_code(device), "next": "/intern/"})
    assert response.status_code == 200
    codes = re.findall(r"<li>(\w+)</li>", response.content.decode().split('id="backup-codes"')[1])
    assert len(codes) == 10
    assert set(StaticToken.objects.filter(device__user=clerk).values_list("token", flat=True)) == set(codes)
    assert TOTPDevice.objects.get(user=clerk).confirmed
    assert client.get(reverse("staff-home")).status_code == 200


def test_a_confirmed_app_cannot_be_replaced_by_someone_with_the_password(client, clerk):
    authenticator(clerk)
    _password_only(client, clerk)
    response = client.get(reverse("otp-setup"))
    assert response["Location"].startswith(reverse("otp-verify"))
    assert TOTPDevice.objects.filter(user=clerk).count() == 1


def test_the_code_step_accepts_the_current_code_and_refuses_a_wrong_one(client, clerk):
    device = authenticator(clerk)
    _password_only(client, clerk)
    url = f"{reverse('otp-verify')}?next=/intern/anrufliste/"
    response = client.post(url, {"code": "12 34"})
    assert response.status_code == 200
    assert "Der Code stimmt nicht" in response.content.decode()
    assert client.post(url, {"code": current_code(device)}).status_code == 200  # too soon after
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=5), tick=True):
        response = client.post(url, {"code": current_code(device), "next": "/intern/anrufliste/"})
    assert response["Location"] == "/intern/anrufliste/"


def test_the_code_step_never_sends_to_another_host(client, clerk):
    device = authenticator(clerk)
    _password_only(client, clerk)
    response = client.post(
        reverse("otp-verify"), {"code": current_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("staff-home")


def test_a_backup_code_works_once(client, clerk):
    authenticator(clerk)
    backup = StaticDevice.objects.create(user=clerk, name="Ersatzcodes", confirmed=True)
    StaticToken.objects.create(device=backup, token="abcd2345")
    _password_only(client, clerk)
    response = client.post(reverse("otp-verify"), {"code": "ABCD 2345", "next": "/intern/"})
    assert response["Location"] == "/intern/"
    assert client.get("/intern/").status_code == 200
    client.post(reverse("logout"))
    _password_only(client, clerk)
    response = client.post(reverse("otp-verify"), {"code": "abcd2345", "next": "/intern/"})
    assert response.status_code == 200
    assert "Der Code stimmt nicht" in response.content.decode()
    assert client.get("/intern/").status_code == 302


def test_the_admin_requires_the_second_factor(client, admin_user):
    response = client.get("/admin/")
    assert response.status_code == 302
    login_redirect = client.get(response["Location"])
    assert login_redirect["Location"].startswith(reverse("login"))
    authenticator(admin_user)
    _password_only(client, admin_user)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("otp-verify"))
    sign_in(client, admin_user)
    assert client.get("/admin/").status_code == 200


def test_deleting_the_devices_in_the_admin_makes_the_user_set_up_again(client, admin_user, clerk):
    device = authenticator(clerk)
    sign_in(client, admin_user)
    url = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=clerk).exists()
    client.post(reverse("logout"))
    _password_only(client, clerk)
    response = client.get(reverse("otp-verify"))
    assert response["Location"].startswith(reverse("otp-setup"))


def test_a_service_that_needs_a_role_refuses_a_user_without_the_second_factor(clerk, location):
    from django.core.exceptions import PermissionDenied

    from kundenzentrum import services

    desk = DeskFactory(location=location)
    with pytest.raises(PermissionDenied):
        services.call_next_ticket(desk_id=desk.pk, user=clerk, roles_needed=(roles.CLERK,))
