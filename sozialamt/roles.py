"""Staff roles are Django groups; these are their names and what each may do."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

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
