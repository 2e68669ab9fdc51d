"""Finding a booking, acting on it for the citizen, and absences reaching the bookings."""

from django.urls import path

from . import absence_views, find_views

urlpatterns = [
    path("termine/finden/", find_views.find, name="find"),
    path("termine/<int:pk>/", find_views.detail, name="find-detail"),
    path("termine/<int:pk>/verschieben/", find_views.move, name="find-move"),
    path("termine/<int:pk>/absagen/", find_views.cancel, name="find-cancel"),
    path("termine/<int:pk>/erneut-senden/", find_views.resend, name="find-resend"),
    path("termine/<int:pk>/zugriffe/", find_views.access_log, name="find-access-log"),
    path("abwesenheiten/", absence_views.absences, name="absences"),
    path("betroffene-termine/", absence_views.affected, name="affected"),
]
