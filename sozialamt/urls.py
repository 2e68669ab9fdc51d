from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import twofactor, views
from .api import api

urlpatterns = [
    # First: the waiting-room screens poll their feed every two seconds, each poll resolved anew.
    path("kundenzentrum/", include("kundenzentrum.urls")),
    path("", views.home, name="home"),
    path("oeffnungszeiten/", views.opening_hours, name="opening-hours"),
    path("anliegen/", views.services, name="services"),
    path("datenschutz/", views.privacy, name="privacy"),
    path("barrierefreiheit/", views.accessibility, name="accessibility"),
    path("leichte-sprache/", views.easy_language, name="easy-language"),
    path("leichte-sprache/<slug:topic>/", views.easy_language, name="easy-language-topic"),
    path("intern/", views.staff_home, name="staff-home"),
    path("intern/anmelden/", auth_views.LoginView.as_view(), name="login"),
    path("intern/anmelden/code/", twofactor.verify, name="otp-verify"),
    path("intern/anmelden/einrichten/", twofactor.setup, name="otp-setup"),
    path("intern/abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path("intern/", include("messaging.urls")),
    path("intern/", include("workspace.urls")),
    path("intern/statistik/", include("stats.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("termin/", include("booking.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler404 = "sozialamt.errors.page_not_found"
handler500 = "sozialamt.errors.server_error"
