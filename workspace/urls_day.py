from django.urls import path

from .day import feed, lists, views

urlpatterns = [
    path("mein-tag/", views.my_day, name="my-day"),
    path("mein-tag/drucken/", views.my_day_print, name="my-day-print"),
    path("mein-tag/termin/<int:pk>/<slug:action>/", views.my_day_action, name="my-day-action"),
    path("mein-tag/kalender/", feed.calendar_page, name="calendar"),
    # The token is the key: the access log shows it as […] (sozialamt.logs).
    path("kalender/<str:token>/beratung.ics", feed.calendar_feed, name="calendar-feed"),
    path("tageslisten/", lists.day_lists, name="day-lists"),
    path("tageslisten/<slug:slug>/<slug:which>/", lists.day_list, name="day-list"),
    path("tageslisten/<slug:slug>/anmelden/<int:pk>/", lists.day_list_check_in, name="day-list-check-in"),
]
