"""The office itself, shared by booking and kundenzentrum: locations, services, hours, closures."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

WEEKDAYS = [
    (0, _("Montag")),
    (1, _("Dienstag")),
    (2, _("Mittwoch")),
    (3, _("Donnerstag")),
    (4, _("Freitag")),
    (5, _("Samstag")),
    (6, _("Sonntag")),
]


class ServiceQuerySet(models.QuerySet):
    def active(self) -> "ServiceQuerySet":
        return self.filter(active=True)

    def by_appointment(self) -> "ServiceQuerySet":
        return self.active().filter(channel__in=[Service.Channel.APPOINTMENT, Service.Channel.BOTH])

    def walk_in(self) -> "ServiceQuerySet":
        return self.active().filter(channel__in=[Service.Channel.WALK_IN, Service.Channel.BOTH])


class Service(models.Model):
    """A concern (Anliegen) citizens come with, by appointment, walk-in or both."""

    class Channel(models.TextChoices):
        APPOINTMENT = "appointment", _("nur mit Termin")
        WALK_IN = "walk_in", _("ohne Termin (Sofortservice)")
        BOTH = "both", _("mit oder ohne Termin")

    name = models.CharField(_("Bezeichnung"), max_length=120)
    slug = models.SlugField(_("Kurzname in Adressen"), max_length=60, unique=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    documents = models.TextField(
        _("Mitzubringende Unterlagen"), blank=True, help_text=_("Eine Unterlage pro Zeile.")
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("Dauer in Minuten"), default=30, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    channel = models.CharField(_("Zugang"), max_length=12, choices=Channel, default=Channel.BOTH)
    ticket_letter = models.CharField(
        _("Buchstabe der Wartenummer"),
        max_length=1,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]$", _("Ein Großbuchstabe von A bis Z."))],
        help_text=_("Für Wartenummern im Kundenzentrum, z. B. A für A-017."),
    )
    booking_horizon_days = models.PositiveSmallIntegerField(
        _("Buchbar für Tage im Voraus"),
        default=28,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
    )
    min_lead_days = models.PositiveSmallIntegerField(
        _("Mindestvorlauf in Arbeitstagen"),
        default=1,
        validators=[MaxValueValidator(60)],
        help_text=_("1 = frühestens am nächsten Arbeitstag buchbar."),
    )
    target_wait_minutes = models.PositiveSmallIntegerField(
        _("Zielwartezeit in Minuten"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text=_(
            "Für die Statistik: Anteil der Wartenummern, die innerhalb dieser Zeit aufgerufen werden."
        ),
    )
    active = models.BooleanField(_("aktiv"), default=True)
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("Anliegen")
        verbose_name_plural = _("Anliegen")
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__gte=5), name="service_duration_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.offers_walk_in and not self.ticket_letter:
            raise ValidationError(
                {"ticket_letter": _("Anliegen ohne Termin brauchen einen Buchstaben für die Wartenummer.")}
            )

    @property
    def offers_appointment(self) -> bool:
        return self.channel in (self.Channel.APPOINTMENT, self.Channel.BOTH)

    @property
    def offers_walk_in(self) -> bool:
        return self.channel in (self.Channel.WALK_IN, self.Channel.BOTH)

    @property
    def document_list(self) -> list[str]:
        return [line.strip() for line in self.documents.splitlines() if line.strip()]


class Location(models.Model):
    """A place where citizens are served (Standort)."""

    name = models.CharField(_("Name"), max_length=120)
    slug = models.SlugField(_("Kurzname in Adressen"), max_length=60, unique=True)
    organisation = models.CharField(_("Dienststelle"), max_length=120, default="Sozialamt")
    street = models.CharField(_("Straße und Hausnummer"), max_length=120)
    postcode = models.CharField(
        _("Postleitzahl"), max_length=5, validators=[RegexValidator(r"^\d{5}$", _("Fünf Ziffern."))]
    )
    city = models.CharField(_("Ort"), max_length=80)
    building = models.CharField(_("Gebäude, Etage, Raum"), max_length=120, blank=True)
    directions = models.TextField(_("Anfahrt"), blank=True)
    accessibility = models.TextField(_("Barrierefreiheit"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    phone_hours = models.CharField(
        _("Telefonische Erreichbarkeit"),
        max_length=120,
        blank=True,
        help_text=_("z. B. Montag bis Freitag 8 bis 12 Uhr"),
    )
    email = models.EmailField(_("E-Mail"), blank=True)
    services = models.ManyToManyField(
        Service, verbose_name=_("Angebotene Anliegen"), related_name="locations", blank=True
    )
    email_reminder_days = models.PositiveSmallIntegerField(
        _("E-Mail-Erinnerung Tage vorher"), default=2, validators=[MaxValueValidator(30)]
    )
    letter_working_days = models.PositiveSmallIntegerField(
        _("Postlaufzeit für Erinnerungsbriefe in Arbeitstagen"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(15)],
    )
    active = models.BooleanField(_("aktiv"), default=True)
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("Standort")
        verbose_name_plural = _("Standorte")

    def __str__(self) -> str:
        return self.name

    @property
    def address_lines(self) -> list[str]:
        return [line for line in (self.building, self.street, f"{self.postcode} {self.city}") if line]


class OpeningHours(models.Model):
    """One opening interval on a weekday; a weekday may have several (a lunch break)."""

    location = models.ForeignKey(
        Location, verbose_name=_("Standort"), on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("Wochentag"), choices=WEEKDAYS)
    opens = models.TimeField(_("von"))
    closes = models.TimeField(_("bis"))
    valid_from = models.DateField(
        _("gültig ab"),
        default=dt.date(2001, 6, 1),
        help_text=_(
            "Öffnungszeiten mit einem späteren Datum ersetzen ab diesem Tag die ganze bisherige Woche."
        ),
    )

    class Meta:
        ordering = ["location", "valid_from", "weekday", "opens"]
        verbose_name = _("Öffnungszeit")
        verbose_name_plural = _("Öffnungszeiten")
        constraints = [
            models.CheckConstraint(
                condition=Q(opens__lt=F("closes")),
                name="opening_hours_opens_before_closes",
                violation_error_message=_("Die Öffnung muss vor der Schließung liegen."),
            ),
            models.UniqueConstraint(
                fields=["location", "valid_from", "weekday", "opens"],
                name="opening_hours_unique_start",
                violation_error_message=_("Für diesen Tag gibt es schon eine Zeit mit diesem Beginn."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Closure(models.Model):
    """A day or range closed, or open at special hours, at one location or all of them."""

    location = models.ForeignKey(
        Location,
        verbose_name=_("Standort"),
        on_delete=models.CASCADE,
        related_name="closures",
        null=True,
        blank=True,
        help_text=_("Leer lassen, wenn alle Standorte betroffen sind."),
    )
    start = models.DateField(_("von"))
    end = models.DateField(_("bis einschließlich"), null=True, blank=True, help_text=_("Leer = nur ein Tag."))
    opens = models.TimeField(_("Sonderöffnung von"), null=True, blank=True)
    closes = models.TimeField(_("Sonderöffnung bis"), null=True, blank=True)
    reason = models.CharField(
        _("Grund (für Bürgerinnen und Bürger sichtbar)"), max_length=200, help_text=_("z. B. Betriebsausflug")
    )

    class Meta:
        ordering = ["start"]
        verbose_name = _("Schließung oder Sonderöffnung")
        verbose_name_plural = _("Schließungen und Sonderöffnungen")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="closure_end_after_start",
                violation_error_message=_("Das Ende darf nicht vor dem Beginn liegen."),
            ),
            models.CheckConstraint(
                condition=Q(opens__isnull=True, closes__isnull=True)
                | Q(opens__isnull=False, closes__isnull=False, opens__lt=F("closes")),
                name="closure_special_hours_valid",
                violation_error_message=_(
                    "Für eine Sonderöffnung beide Uhrzeiten angeben, die Öffnung vor der Schließung."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start:%d.%m.%Y} {self.reason}"

    @property
    def last_day(self) -> dt.date:
        return self.end or self.start

    @property
    def is_closed(self) -> bool:
        return self.opens is None
