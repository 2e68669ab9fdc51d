from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class SozialamtConfig(AppConfig):
    default = True
    name = "sozialamt"
    verbose_name = _("Dienststelle: Standorte, Anliegen, Öffnungszeiten")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .context_processors import location_edited
        from .models import Location

        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(location_edited, sender=Location, dispatch_uid=f"sozialamt-phone-{name}")


class StaffAdminConfig(admin_apps.AdminConfig):
    """The Django admin, on a site that lets in only staff who passed the second factor."""

    default = False
    default_site = "sozialamt.admin_site.StaffAdminSite"
