"""The admin site: staff status and a session that passed the second factor."""

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from .roles import is_verified, second_factor_url


class StaffAdminSite(admin.AdminSite):
    """Django's admin site; sign-in goes through the staff sign-in with its code step."""

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and is_verified(request.user)

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        target = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index", current_app=self.name)
        if request.user.is_authenticated and not is_verified(request.user):
            return redirect(second_factor_url(target))
        if request.user.is_authenticated:  # verified but not staff: the admin is not for them
            return super().login(request, extra_context)
        return redirect(f"{reverse('login')}?{urlencode({REDIRECT_FIELD_NAME: target})}")
