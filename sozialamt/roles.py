"""Staff roles are Django groups; these are their names and what each may do."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

CLERK = "Sachbearbeitung"
INFO_DESK = "Infotheke"
TEAM_LEAD = "Teamleitung"
ALL = (CLERK, INFO_DESK, TEAM_LEAD)


def has_role(user: AbstractBaseUser | AnonymousUser, *roles: str) -> bool:
    """Whether a signed-in user belongs to one of the roles (superusers belong to all)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(group.name in roles for group in user.groups.all())


def role_required(*allowed: str) -> Callable:
    """View decorator: signed in and in one of the roles; otherwise the login page or 403."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not has_role(request.user, *allowed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
