from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SozialamtConfig(AppConfig):
    name = "sozialamt"
    verbose_name = _("Dienststelle: Standorte, Anliegen, Öffnungszeiten")
