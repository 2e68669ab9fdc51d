"""Walk-in service: desks, tickets and the queue."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from sozialamt.models import Location, Service


class Desk(models.Model):
    """A counter (Schalter) where a clerk serves walk-in tickets of some services."""

    location = models.ForeignKey(
        Location, verbose_name=_("Standort"), on_delete=models.CASCADE, related_name="desks"
    )
    name = models.CharField(
        _("Bezeichnung auf der Anzeige"), max_length=40, help_text=_("z. B. Platz 3 – kurz und gut lesbar.")
    )
    room = models.CharField(_("Raum"), max_length=60, blank=True)
    services = models.ManyToManyField(Service, verbose_name=_("Bediente Anliegen"), related_name="desks")
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        ordering = ["location", "name"]
        verbose_name = _("Schalter")
        verbose_name_plural = _("Schalter")
        constraints = [
            models.UniqueConstraint(fields=["location", "name"], name="desk_unique_name_per_location")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.location})"
