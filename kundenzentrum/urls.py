from django.urls import path

from . import views

app_name = "kundenzentrum"

urlpatterns = [
    path("", views.walk_in, name="walk-in"),
    path("warteschlange/", views.queues, name="queues"),
    path("w/<slug:public_id>/", views.position, name="position"),
    path("w/<slug:public_id>/ticket/", views.ticket, name="ticket"),
    path("kiosk/<slug:slug>/", views.kiosk, name="kiosk"),
    path("kiosk/<slug:slug>/anmelden/", views.kiosk_check_in, name="kiosk-check-in"),
    path("kiosk/<slug:slug>/freischalten/", views.kiosk_unlock, name="kiosk-unlock"),
    path("anzeige/<slug:slug>/", views.display, name="display"),
    path("anzeige/<slug:slug>/feed/", views.display_feed, name="display-feed"),
    path("infotheke/", views.info_desk_home, name="info-desk-home"),
    path("infotheke/<slug:slug>/", views.info_desk, name="info-desk"),
    path("infotheke/<slug:slug>/anmelden/", views.info_desk_check_in, name="info-desk-check-in"),
    path("schalter/", views.desks, name="desks"),
    path("schalter/abmelden/", views.desk_sign_out, name="desk-sign-out"),
    path("schalter/<int:desk_id>/", views.desk, name="desk"),
    path("schalter/<int:desk_id>/status/", views.desk_status, name="desk-status"),
    path("schalter/<int:desk_id>/aufrufen/", views.desk_call_next, name="desk-call-next"),
    path(
        "schalter/<int:desk_id>/nummer/<int:ticket_id>/<slug:action>/", views.desk_action, name="desk-action"
    ),
]
