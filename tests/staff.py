"""Staff sign-in for tests, second factor included: a real authenticator device per user and
its real current code, or django-otp's own login() on the test client's session."""

import django_otp
from django.test import RequestFactory
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def authenticator(user, *, fresh: bool = False) -> TOTPDevice:
    """The user's confirmed authenticator app (a new one when fresh, so its codes are unused)."""
    device = None if fresh else TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test-App", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    """The code the app shows now, computed from the device's key as the app would."""
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return f"{value:0{device.digits}d}"


def sign_in(client, user):
    """Signs the user in on the test client and passes the second factor with a real device."""
    client.force_login(user)
    request = RequestFactory().get("/")
    request.session = client.session
    request.user = user
    django_otp.login(request, authenticator(user))
    request.session.save()
    return user


def verified(user):
    """The user as a request that passed the second factor carries it (for service calls)."""
    user.otp_device = authenticator(user)
    return user


def works_at(user, *locations, team: str = ""):
    """Gives the user a work area in the admin's sense: these locations (and team)."""
    from sozialamt.models import StaffProfile

    profile, _ = StaffProfile.objects.update_or_create(user=user, defaults={"team": team})
    profile.locations.add(*locations)
    return user
