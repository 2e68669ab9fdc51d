"""Staff pages of the working day, each area in its own module."""

from django.urls import include, path

app_name = "workspace"

urlpatterns = [
    path("", include("workspace.urls_day")),
    path("", include("workspace.urls_booking")),
    path("", include("workspace.urls_find")),
]
