from django.urls import path

from . import document_views, hold_views, views

app_name = "booking"

urlpatterns = [
    path("", views.start, name="start"),
    path("angaben/", views.details, name="details"),
    path("pruefen/", views.review, name="review"),
    path("bestaetigung/", views.done, name="done"),
    path("finden/", views.find, name="find"),
    path("mehr-zeit/", views.extend, name="extend"),
    path("bestaetigen/<str:key>/", hold_views.confirm, name="confirm"),
    path("verwalten/<str:token>/", views.manage, name="manage"),
    path("verwalten/<str:token>/absagen/", views.cancel, name="cancel"),
    path("verwalten/<str:token>/verschieben/", views.move_calendar, name="move"),
    path("verwalten/<str:token>/verschieben/<str:date>/", views.move_day, name="move-day"),
    path("verwalten/<str:token>/termin.ics", document_views.ics, name="ics"),
    path("verwalten/<str:token>/bestaetigung.pdf", document_views.pdf, name="pdf"),
    path("<slug:service>/", views.locations, name="locations"),
    path("<slug:service>/<slug:location>/", views.calendar, name="calendar"),
    path("<slug:service>/<slug:location>/<str:date>/", views.day, name="day"),
]
