from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KundenzentrumConfig(AppConfig):
    name = "kundenzentrum"
    verbose_name = _("Kundenzentrum (Sofortservice)")
