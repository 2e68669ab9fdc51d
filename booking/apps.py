from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingConfig(AppConfig):
    name = "booking"
    verbose_name = _("Beratung nach Termin")

    def ready(self) -> None:
        from . import signals

        signals.connect()
