from django.http import HttpRequest, HttpResponse
from django.urls import path

from sozialamt.urls import urlpatterns as site


def trivial(request: HttpRequest) -> HttpResponse:
    """The cheapest Django view: the yardstick for the booking endpoints."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial", trivial), *site]
