"""Staff roles are Django groups; these are their names and what each may do.

Every staff role reads personal data, so a role counts only in a session that passed the second
factor (django-otp): one check here serves the pages, the API and the services alike."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

CLERK = "Sachbearbeitung"
INFO_DESK = "Infotheke"
TEAM_LEAD = "Teamleitung"
ALL = (CLERK, INFO_DESK, TEAM_LEAD)


def is_verified(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether the user's session passed the second factor (django-otp's OTPMiddleware sets
    otp_device; a user object that did not come through a verified request has none)."""
    return user.is_authenticated and getattr(user, "otp_device", None) is not None


def members(*roles: str) -> QuerySet:
    """The active users in one of the roles (superusers belong to all): the one statement of
    the rule, which has_role and queries that check a role on the way (call next) share; such a
    query must check is_verified for the signed-in user as well."""
    return get_user_model().objects.filter(Q(is_superuser=True) | Q(groups__name__in=roles), is_active=True)


def _in_roles(user: AbstractBaseUser | AnonymousUser, roles: tuple[str, ...]) -> bool:
    """One query."""
    if not user.is_authenticated:
        return False
    return members(*roles).filter(pk=user.pk).exists()


def has_role(user: AbstractBaseUser | AnonymousUser, *roles: str) -> bool:
    """Whether a signed-in, second-factor-verified user belongs to one of the roles (superusers
    belong to all)."""
    return is_verified(user) and _in_roles(user, roles)


def second_factor_url(next_path: str) -> str:
    """The sign-in step that asks for the code (or sets up the app first), returning to next_path."""
    return f"{reverse('otp-verify')}?{urlencode({'next': next_path})}"


def role_required(*allowed: str) -> Callable:
    """View decorator: signed in, second factor passed, and in one of the roles (any signed-in
    staff member when none is given); otherwise the login page, the code step or 403."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            user = request.user
            if not is_verified(user):
                return redirect(second_factor_url(request.get_full_path()))
            if allowed and not has_role(user, *allowed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.staff_roles = allowed  # lets the tests find every staff page
        return wrapped

    return decorator
