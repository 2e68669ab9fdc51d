"""HTTP of the counsellor's calendar subscription: the page to create or revoke it, and the
feed itself, which calendar apps fetch without a session (the token is the key)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from booking import feeds

from .access import counsellor_required


@counsellor_required
@never_cache
@require_http_methods(["GET", "POST"])
def calendar_page(request: HttpRequest) -> HttpResponse:
    context = {"feed": feeds.active_feed(request.counsellor), "url": None}
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "anlegen":
            # Shown once in this answer only: the database keeps the hash.
            context["url"] = feeds.feed_url(feeds.create_feed(counsellor=request.counsellor))
            context["feed"] = feeds.active_feed(request.counsellor)
        elif action == "widerrufen":
            feeds.revoke_feed(counsellor=request.counsellor)
            return redirect("workspace:calendar")
        else:
            context["error"] = _("Bitte wählen Sie „Adresse anlegen“ oder „Widerrufen“.")
    return render(request, "workspace/day/calendar.html", context, status=400 if "error" in context else 200)


@never_cache
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    counsellor = feeds.counsellor_for_token(token)
    if counsellor is None:
        raise Http404
    response = HttpResponse(feeds.counsellor_ics(counsellor), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="beratung.ics"'
    response["Referrer-Policy"] = "no-referrer"
    return response
