"""Consultation appointments (Beratung nach Termin): counsellors, their hours, appointments."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from sozialamt.models import WEEKDAYS, Location, Service

from .slots import unit_span


class Counsellor(models.Model):
    """A member of staff who gives consultations for some services at one location."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Benutzerkonto"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="counsellor",
    )
    name = models.CharField(_("Name"), max_length=120)
    team = models.CharField(_("Team"), max_length=120, blank=True, help_text=_("Steht im Erinnerungsbrief."))
    room = models.CharField(_("Raum"), max_length=60, blank=True)
    location = models.ForeignKey(
        Location, verbose_name=_("Standort"), on_delete=models.PROTECT, related_name="counsellors"
    )
    services = models.ManyToManyField(Service, verbose_name=_("Berät zu"), related_name="counsellors")
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Beraterin oder Berater")
        verbose_name_plural = _("Beraterinnen und Berater")

    def __str__(self) -> str:
        return self.name


class WorkingHours(models.Model):
    """When a counsellor gives consultations on a weekday (within the opening hours)."""

    counsellor = models.ForeignKey(Counsellor, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(_("Wochentag"), choices=WEEKDAYS)
    starts = models.TimeField(_("von"))
    ends = models.TimeField(_("bis"))

    class Meta:
        ordering = ["counsellor", "weekday", "starts"]
        verbose_name = _("Beratungszeit")
        verbose_name_plural = _("Beratungszeiten")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts__lt=F("ends")),
                name="working_hours_starts_before_ends",
                violation_error_message=_("Der Beginn muss vor dem Ende liegen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"


class Absence(models.Model):
    """A counsellor is away (holiday, illness, training) from start to end."""

    counsellor = models.ForeignKey(Counsellor, on_delete=models.CASCADE, related_name="absences")
    start = models.DateTimeField(_("von"))
    end = models.DateTimeField(_("bis"))
    reason = models.CharField(_("Grund (intern)"), max_length=120, blank=True)

    class Meta:
        ordering = ["start"]
        verbose_name = _("Abwesenheit")
        verbose_name_plural = _("Abwesenheiten")
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=F("end")),
                name="absence_start_before_end",
                violation_error_message=_("Der Beginn muss vor dem Ende liegen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.counsellor}: {self.start:%d.%m.%Y}–{self.end:%d.%m.%Y}"


class AppointmentQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for appointment in objs:
            appointment.set_units()
        return super().bulk_create(objs, *args, **kwargs)


# Bookings that hold their time and count against the per-contact and per-network limits.
ACTIVE_STATUSES = Q(status__in=["pending", "booked"])


class Appointment(models.Model):
    """A booked consultation. Personal fields are emptied after the retention period."""

    class Status(models.TextChoices):
        # An online booking with an e-mail address holds its time until confirm_until; the
        # citizen's click on the link in the e-mail makes it booked, else it is released.
        PENDING = "pending", _("unbestätigt")
        BOOKED = "booked", _("gebucht")
        CHECKED_IN = "checked_in", _("angemeldet vor Ort")
        DONE = "done", _("erledigt")
        NO_SHOW = "no_show", _("nicht erschienen")
        CANCELLED = "cancelled", _("abgesagt")

    # Allowed status moves; every move writes an AppointmentHistory row.
    TRANSITIONS = {
        Status.PENDING: {Status.BOOKED, Status.CANCELLED},
        Status.BOOKED: {Status.CHECKED_IN, Status.CANCELLED, Status.NO_SHOW},
        Status.CHECKED_IN: {Status.DONE, Status.NO_SHOW},
        Status.DONE: set(),
        Status.NO_SHOW: set(),
        Status.CANCELLED: set(),
    }

    class Channel(models.TextChoices):
        """How the booking reached the office (for the statistics)."""

        ONLINE = "online", _("online")
        PHONE = "phone", _("telefonisch")
        COUNTER = "counter", _("vor Ort")

    class Reminder(models.TextChoices):
        EMAIL = "email", _("per E-Mail")
        LETTER = "letter", _("per Brief")
        BOTH = "both", _("per E-Mail und Brief")
        NONE = "none", _("keine Erinnerung")

    code = models.CharField(_("Buchungsnummer"), max_length=12, unique=True)
    # sha256 of the management token; the token itself is never stored.
    token_hash = models.CharField(max_length=64, unique=True)
    # A new token sent by "Persönlichen Link verloren?": it replaces token_hash when first used,
    # so that the old link keeps working until then (a stranger's request locks no one out).
    new_token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    # New links sent on link_requests_day (at most LOST_LINK_EMAILS_PER_DAY).
    link_requests_day = models.DateField(null=True, blank=True)
    link_requests = models.PositiveSmallIntegerField(default=0)
    service = models.ForeignKey(
        Service, verbose_name=_("Anliegen"), on_delete=models.PROTECT, related_name="appointments"
    )
    location = models.ForeignKey(
        Location, verbose_name=_("Standort"), on_delete=models.PROTECT, related_name="appointments"
    )
    # Indexed by appointment_counsellor_start (counsellor, start).
    counsellor = models.ForeignKey(
        Counsellor,
        verbose_name=_("Beratung durch"),
        on_delete=models.PROTECT,
        related_name="appointments",
        db_index=False,
    )
    start = models.DateTimeField(_("Beginn"), db_index=True)
    end = models.DateTimeField(_("Ende"))
    # The 5-minute units from start to end (slots.unit_span, the units of its Occupancy rows),
    # kept beside them so that the free-time search reads two small integers per booking, not
    # two datetimes. Set from start and end by save() and bulk_create() (AppointmentQuerySet).
    start_unit = models.IntegerField(editable=False)
    end_unit = models.IntegerField(editable=False)
    status = models.CharField(_("Status"), max_length=12, choices=Status, default=Status.BOOKED)
    created_at = models.DateTimeField(_("gebucht am"), auto_now_add=True)
    confirm_until = models.DateTimeField(_("bestätigen bis"), null=True, blank=True)
    channel = models.CharField(_("Buchungsweg"), max_length=8, choices=Channel, default=Channel.ONLINE)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebucht von (Mitarbeitende)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # Personal data: only what the office needs; emptied by the retention job.
    name = models.CharField(_("Name"), max_length=120, blank=True)
    email = models.EmailField(_("E-Mail"), max_length=254, blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    address_extra = models.CharField(_("Adresszusatz"), max_length=60, blank=True)
    street = models.CharField(_("Straße und Hausnummer"), max_length=60, blank=True)
    postcode = models.CharField(_("Postleitzahl"), max_length=5, blank=True)
    city = models.CharField(_("Ort"), max_length=60, blank=True)
    reminder = models.CharField(_("Erinnerung"), max_length=8, choices=Reminder, default=Reminder.NONE)
    language = models.CharField(_("Sprache"), max_length=8, default="de")
    interpreter_language = models.CharField(_("Dolmetschen für"), max_length=60, blank=True)
    step_free = models.BooleanField(_("stufenloser Zugang nötig"), default=False)
    accompanied = models.BooleanField(_("kommt mit Begleitperson"), default=False)
    case_reference = models.CharField(_("Aktenzeichen"), max_length=40, blank=True)
    anonymised_at = models.DateTimeField(_("anonymisiert am"), null=True, blank=True)
    # Keyed hash of the online booker's network (IPv4 /24, IPv6 /64) for the per-network limit;
    # empty for staff bookings. Emptied with the personal data.
    origin_network = models.CharField(max_length=32, blank=True, db_index=True, editable=False)

    # The one list of personal fields and their emptied values: the retention job blanks exactly
    # these. A new field about the citizen belongs here (a test refuses an unlisted one).
    PERSONAL_FIELDS = {
        "name": "",
        "email": "",
        "phone": "",
        "address_extra": "",
        "street": "",
        "postcode": "",
        "city": "",
        "interpreter_language": "",
        "case_reference": "",
        "step_free": False,
        "accompanied": False,
        "new_token_hash": None,  # an unused new link goes with the data it would show
        "origin_network": "",
    }
    # What the citizen chose that stays after retention (anonymous, for statistics).
    CHOICES_KEPT = ("reminder", "language")

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        verbose_name = _("Termin")
        verbose_name_plural = _("Termine")
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="appointment_start_before_end"),
        ]
        indexes = [
            # A counsellor's bookings of a day: who is free at a time, and who has least to do.
            models.Index(fields=["counsellor", "start"], name="appointment_counsellor_start"),
            # The same in unit numbers: the busy units of the days asked for (free times).
            models.Index(fields=["counsellor", "start_unit"], name="appointment_counsellor_unit"),
            # The one-active-booking-per-contact check of every booking (pending holds count too).
            models.Index(
                Upper("email"), "service", condition=ACTIVE_STATUSES, name="appointment_active_email"
            ),
            models.Index(
                fields=["phone", "service"], condition=ACTIVE_STATUSES, name="appointment_active_phone"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.start:%Y-%m-%d %H:%M}"

    def save(self, **kwargs) -> None:
        self.set_units()
        fields = kwargs.get("update_fields")
        if fields is not None and {"start", "end"} & set(fields):
            kwargs["update_fields"] = {*fields, "start_unit", "end_unit"}
        super().save(**kwargs)

    def set_units(self) -> None:
        """start_unit and end_unit from start and end."""
        self.start_unit, self.end_unit = unit_span(self.start, self.end)

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.Status(self.status)]

    @property
    def wants_email(self) -> bool:
        return self.reminder in (self.Reminder.EMAIL, self.Reminder.BOTH) and bool(self.email)

    @property
    def wants_letter(self) -> bool:
        return self.reminder in (self.Reminder.LETTER, self.Reminder.BOTH) and bool(self.street)


class AppointmentHistory(models.Model):
    """One status change of an appointment: who, when, from, to, why."""

    class Note(models.TextChoices):
        """Why: stored as a code (details after a space: a time, staff's own words), shown
        translated in the reader's language, not in the language of whoever caused the change."""

        BOOKED = "booked", _("gebucht")
        MOVED = "moved", _("verschoben von")
        MOVED_ON_BEHALF = "moved_on_behalf", _("im Auftrag verschoben von")
        CANCELLED_ON_BEHALF = "cancelled_on_behalf", _("im Auftrag abgesagt:")
        BY_OFFICE = "by_office", _("Absage durch das Amt:")
        KUNDENZENTRUM = "kundenzentrum", _("im Kundenzentrum")
        DAY_CLOSED = "day_closed", _("Tagesabschluss: nicht angemeldet")
        OVERRIDE = "override", _("gebucht trotz bestehendem Termin, Grund:")
        COUNSELLING = "counselling", _("in der Beratung")
        CONFIRMED = "confirmed", _("per E-Mail bestätigt")
        UNCONFIRMED = "unconfirmed", _("nicht rechtzeitig bestätigt, Zeit freigegeben")

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="history")
    old_status = models.CharField(max_length=12, blank=True)
    new_status = models.CharField(max_length=12)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("Statusänderung")
        verbose_name_plural = _("Statusänderungen")

    def __str__(self) -> str:
        return f"{self.old_status or '–'} → {self.new_status}"

    def get_note_display(self) -> str:
        code, _sep, details = self.note.partition(" ")
        if code not in self.Note.values:
            return self.note  # a citizen's own reason, or written before notes were codes
        return f"{self.Note(code).label} {details}".strip()


# Every appointment holds one row per UNIT it covers, per counsellor. The unique constraint on
# (counsellor, unit_start) is what makes double booking impossible on PostgreSQL and SQLite
# alike: two overlapping bookings would need the same row, and the second insert fails.
UNIT_MINUTES = 5


class Occupancy(models.Model):
    """One 5-minute unit of a counsellor's time taken by an appointment."""

    # No index of its own: the constraint's index (counsellor, unit_start) serves it.
    counsellor = models.ForeignKey(Counsellor, on_delete=models.CASCADE, related_name="+", db_index=False)
    unit_start = models.DateTimeField()
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="occupancy")

    class Meta:
        verbose_name = _("belegte Zeit")
        verbose_name_plural = _("belegte Zeiten")
        constraints = [
            models.UniqueConstraint(
                fields=["counsellor", "unit_start"], name="occupancy_one_booking_per_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.counsellor_id} {self.unit_start:%Y-%m-%d %H:%M}"


class PersonalDataAccess(models.Model):
    """A member of staff read a citizen's personal data: who, what, when."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    appointment = models.ForeignKey(Appointment, on_delete=models.SET_NULL, null=True, related_name="+")
    what = models.CharField(_("was"), max_length=200)
    at = models.DateTimeField(_("wann"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("Zugriff auf personenbezogene Daten")
        verbose_name_plural = _("Zugriffe auf personenbezogene Daten")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.what}"


class ContactLock(models.Model):
    """One row per service and contact (e-mail or phone), locked while a booking checks the
    one-active-booking limit: two bookings for the same contact take turns, others do not wait.

    The key is a keyed hash (HMAC with SECRET_KEY), never the address itself; rows are only
    locks and are deleted together with old personal data."""

    key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Sperre je Kontakt")
        verbose_name_plural = _("Sperren je Kontakt")

    def __str__(self) -> str:
        return self.key[:12]


class ReservedCapacity(models.Model):
    """Notfallkontingent: appointments a day of a service at a location that only staff can
    book, released to citizens at `release_time` on the location's open day
    `release_days_before` open days before (0: on the day itself)."""

    location = models.ForeignKey(
        Location, verbose_name=_("Standort"), on_delete=models.CASCADE, related_name="reserved_capacities"
    )
    service = models.ForeignKey(
        Service, verbose_name=_("Anliegen"), on_delete=models.CASCADE, related_name="reserved_capacities"
    )
    per_day = models.PositiveSmallIntegerField(
        _("Termine je Tag"), default=1, help_text=_("So viele Termine am Tag kann nur das Amt buchen.")
    )
    release_days_before = models.PositiveSmallIntegerField(
        _("Freigabe Öffnungstage vorher"),
        default=1,
        help_text=_("1: am Öffnungstag davor; 0: am Tag selbst."),
    )
    release_time = models.TimeField(_("Freigabe um"), default=dt.time(12))

    class Meta:
        verbose_name = _("Notfallkontingent")
        verbose_name_plural = _("Notfallkontingente")
        constraints = [
            models.UniqueConstraint(fields=["location", "service"], name="reserved_capacity_one_per_offer"),
        ]

    def __str__(self) -> str:
        return f"{self.location}: {self.service} ({self.per_day})"


class CounsellorFeed(models.Model):
    """A counsellor's private calendar subscription; only a hash of its token is stored, and a
    revoked feed answers 404."""

    counsellor = models.ForeignKey(Counsellor, on_delete=models.CASCADE, related_name="feeds")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("widerrufen am"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Kalender-Abonnement")
        verbose_name_plural = _("Kalender-Abonnements")
        constraints = [
            models.UniqueConstraint(
                fields=["counsellor"], condition=Q(revoked_at__isnull=True), name="counsellor_feed_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.counsellor} {self.created_at:%Y-%m-%d}"
