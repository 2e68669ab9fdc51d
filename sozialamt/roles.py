"""Staff roles are Django groups; these are their names and what each may do."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse

CLERK = "Sachbearbeitung"
INFO_DESK = "Infotheke"
TEAM_LEAD = "Teamleitung"
ALL = (CLERK, INFO_DESK, TEAM_LEAD)


def members(*roles: str) -> QuerySet:
    """The active users in one of the roles (superusers belong to all): the one statement of
    the rule, which has_role and queries that check a role on the way (call next) share."""
    return get_user_model().objects.filter(Q(is_superuser=True) | Q(groups__name__in=roles), is_active=True)


def has_role(user: AbstractBaseUser | AnonymousUser, *roles: str) -> bool:
    """Whether a signed-in user belongs to one of the roles. One query."""
    if not user.is_authenticated:
        return False
    return members(*roles).filter(pk=user.pk).exists()


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
