from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class SozialamtConfig(AppConfig):
    default = True
    name = "sozialamt"
    verbose_name = _("Dienststelle: Standorte, Anliegen, Öffnungszeiten")


class StaffAdminConfig(admin_apps.AdminConfig):
    """The Django admin, on a site that lets in only staff who passed the second factor."""

    default = False
    default_site = "sozialamt.admin_site.StaffAdminSite"
