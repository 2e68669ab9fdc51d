"""Two-factor sign-in for staff: the code step after the password, and setting up the app.

A staff member without a confirmed authenticator app sets one up on the first sign-in (QR code
and key drawn here, nothing fetched from elsewhere) and receives backup codes once; someone who
has one enters its code or a backup code. Deleting a user's devices in the admin resets it."""

import base64

import django_otp
import segno
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import is_verified


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("Die sechs Ziffern aus der Authenticator-App oder einer Ihrer Ersatzcodes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text"}),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).lower()


def confirmed_devices(user: AbstractBaseUser) -> list:
    """The user's confirmed second factors: authenticator apps first, then backup codes. Two queries."""
    apps = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    return apps + list(StaticDevice.objects.filter(user=user, confirmed=True))


def verify_code(*, user: AbstractBaseUser, code: str):
    """The device that accepts the code (a backup code is used up by it), or None.

    Each device throttles its own failures with growing delays (django-otp)."""
    for device in confirmed_devices(user):
        accepted = django_otp.verify_token(user, device.persistent_id, code)
        if accepted is not None:
            return accepted
    return None


def pending_app(user: AbstractBaseUser) -> TOTPDevice:
    """The authenticator app being set up (unconfirmed; the same key until it is confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=str(_("Authenticator-App")), confirmed=False)


@transaction.atomic
def confirm_app(*, device: TOTPDevice) -> list[str]:
    """Confirms an app whose code was right and issues fresh backup codes; returns them (shown once)."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=device.user).delete()
    backup = StaticDevice.objects.create(user=device.user, name=str(_("Ersatzcodes")), confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.OTP_BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=backup, token=code) for code in codes)
    return codes


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else reverse("staff-home")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    target = _next(request)
    if is_verified(user):
        return redirect(target)
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect(f"{reverse('otp-setup')}?{request.GET.urlencode()}")
    form = CodeForm(request.POST or None)
    if form.is_valid():
        device = verify_code(user=user, code=form.cleaned_data["code"])
        if device is not None:
            django_otp.login(request, device)
            return redirect(target)
        form.add_error(
            "code",
            _(
                "Der Code stimmt nicht oder ist abgelaufen. Bitte den aktuellen Code eingeben; "
                "nach einem falschen Code einige Sekunden warten."
            ),
        )
    return render(request, "registration/otp_verify.html", {"form": form, "next": target})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    target = _next(request)
    # Once an app is confirmed, only the admin's reset opens this page again: a stolen password
    # alone must not be enough to add a second app.
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect(f"{reverse('otp-verify')}?{request.GET.urlencode()}")
    device = pending_app(user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            codes = confirm_app(device=device)
            django_otp.login(request, device)
            return render(request, "registration/otp_backup_codes.html", {"codes": codes, "next": target})
        form.add_error(
            "code",
            _(
                "Der Code stimmt nicht. Bitte den aktuellen Code aus der App eingeben; "
                "nach einem falschen Code einige Sekunden warten."
            ),
        )
    return render(
        request,
        "registration/otp_setup.html",
        {
            "form": form,
            "next": target,
            "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=5),
            "manual_key": _grouped(base64.b32encode(device.bin_key).decode()),
        },
    )


def _grouped(key: str) -> str:
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))
