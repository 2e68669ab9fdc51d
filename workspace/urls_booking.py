from django.urls import path

from . import booking_views

urlpatterns = [
    path("buchen/", booking_views.book, name="book"),
    path("buchen/angaben/", booking_views.details, name="book-details"),
    path("buchen/<int:pk>/bestaetigung/", booking_views.booked, name="booked"),
    path("folgetermin/<int:pk>/", booking_views.follow_up, name="follow-up"),
]
