"""Who may open the pages of the working day: counsellors their own day, info desk and team
leads the day lists of the locations they work at."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse

from booking.models import Counsellor
from sozialamt import roles
from sozialamt.roles import role_required


def counsellor_required(view: Callable) -> Callable:
    """Signed in with the second factor and linked to an active counsellor (request.counsellor);
    else the login page, the code step or 403. One query besides the sign-in's."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        counsellor = (
            Counsellor.objects.filter(user=request.user, active=True).select_related("location").first()
        )
        if counsellor is None:
            raise PermissionDenied
        request.counsellor = counsellor
        return view(request, *args, **kwargs)

    return role_required()(wrapped)


def day_list_required(view: Callable) -> Callable:
    """Signed in with the second factor as info desk or team lead (else login, code step or
    403); request.full_view says whether the user is a team lead, who sees every detail, while
    the info desk sees only what it needs to route a citizen. One query for both roles."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        def member(role: str) -> Exists:
            return Exists(roles.members(role).filter(pk=OuterRef("pk")))

        lead, desk = (
            get_user_model()
            .objects.filter(pk=request.user.pk)
            .values_list(member(roles.TEAM_LEAD), member(roles.INFO_DESK))
            .get()
        )
        if not (lead or desk):
            raise PermissionDenied
        request.full_view = lead
        return view(request, *args, **kwargs)

    return role_required()(wrapped)
