"""Consultation appointments (Beratung nach Termin): counsellors, their hours, appointments."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from sozialamt.models import WEEKDAYS, Location, Service


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


class Appointment(models.Model):
    """A booked consultation. Personal fields are emptied after the retention period."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("gebucht")
        CHECKED_IN = "checked_in", _("angemeldet vor Ort")
        DONE = "done", _("erledigt")
        NO_SHOW = "no_show", _("nicht erschienen")
        CANCELLED = "cancelled", _("abgesagt")

    # Allowed status moves; every move writes an AppointmentHistory row.
    TRANSITIONS = {
        Status.BOOKED: {Status.CHECKED_IN, Status.CANCELLED, Status.NO_SHOW},
        Status.CHECKED_IN: {Status.DONE, Status.NO_SHOW},
        Status.DONE: set(),
        Status.NO_SHOW: set(),
        Status.CANCELLED: set(),
    }

    class Reminder(models.TextChoices):
        EMAIL = "email", _("per E-Mail")
        LETTER = "letter", _("per Brief")
        BOTH = "both", _("per E-Mail und Brief")
        NONE = "none", _("keine Erinnerung")

    code = models.CharField(_("Buchungsnummer"), max_length=12, unique=True)
    # sha256 of the management token; the token itself is never stored.
    token_hash = models.CharField(max_length=64, unique=True)
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
    status = models.CharField(_("Status"), max_length=12, choices=Status, default=Status.BOOKED)
    created_at = models.DateTimeField(_("gebucht am"), auto_now_add=True)
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
    }
    # What the citizen chose that stays after retention (anonymous, for statistics).
    CHOICES_KEPT = ("reminder", "language")

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
            # The one-active-booking-per-contact check of every booking.
            models.Index(
                Upper("email"), "service", condition=Q(status="booked"), name="appointment_active_email"
            ),
            models.Index(
                fields=["phone", "service"], condition=Q(status="booked"), name="appointment_active_phone"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.start:%Y-%m-%d %H:%M}"

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


class Message(models.Model):
    """One message to a citizen about an appointment, sent once by the worker (or printed as a letter).

    A row exists per appointment, kind and channel; the beat sweep queues due e-mails, the worker
    claims a row with a conditional UPDATE (pending → sending) before it sends. Letters are
    collected into a PrintBatch instead."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("Buchungsbestätigung")
        REMINDER = "reminder", _("Erinnerung")
        CANCELLED = "cancelled", _("Absage durch das Amt")
        RECEIPT = "receipt", _("Bestätigung der eigenen Absage")

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-Mail")
        LETTER = "letter", _("Brief")

    class Status(models.TextChoices):
        PENDING = "pending", _("wartet")
        SENDING = "sending", _("wird versandt")
        SENT = "sent", _("versandt")
        FAILED = "failed", _("fehlgeschlagen")
        CANCELLED = "cancelled", _("entfallen")

    # Indexed by message_unique_per_kind (appointment, kind, channel).
    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="messages", db_index=False
    )
    kind = models.CharField(_("Art"), max_length=12, choices=Kind)
    channel = models.CharField(_("Weg"), max_length=8, choices=Channel)
    status = models.CharField(_("Status"), max_length=10, choices=Status, default=Status.PENDING)
    due_at = models.DateTimeField(_("fällig ab"))
    queued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("versandt am"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    last_error = models.CharField(_("letzter Fehler"), max_length=500, blank=True)
    # Why the office cancelled (shown to the citizen); empty for other kinds.
    reason = models.CharField(_("Grund"), max_length=200, blank=True)
    # The time before the last move, so that its confirmation names both; empty otherwise.
    previous_start = models.DateTimeField(_("vorheriger Beginn"), null=True, blank=True)
    # The personal management link, known only at booking time; wiped once the e-mail is sent.
    link = models.CharField(max_length=300, blank=True)
    batch = models.ForeignKey(
        "PrintBatch",
        verbose_name=_("Druckstapel"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("Nachricht")
        verbose_name_plural = _("Nachrichten")
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "kind", "channel"], name="message_unique_per_kind"
            ),
            # A letter is in at most one batch (the FK), and only letters go into batches.
            models.CheckConstraint(
                condition=Q(batch__isnull=True) | Q(channel="letter"), name="message_batch_only_letters"
            ),
        ]
        indexes = [models.Index(fields=["channel", "status", "due_at"], name="message_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_channel_display()}) {self.appointment_id}"


class PrintBatch(models.Model):
    """The letters of one print run: one PDF with a cover sheet; printed and posted by staff."""

    class Status(models.TextChoices):
        BUILDING = "building", _("wird erstellt")
        READY = "ready", _("bereit zum Druck")
        PRINTED = "printed", _("gedruckt")
        POSTED = "posted", _("zur Post gegeben")

    TRANSITIONS = {
        Status.BUILDING: {Status.READY},
        Status.READY: {Status.PRINTED},
        Status.PRINTED: {Status.POSTED},
        Status.POSTED: set(),
    }

    day = models.DateField(_("Versandtag"), db_index=True)
    status = models.CharField(_("Status"), max_length=10, choices=Status, default=Status.BUILDING)
    created_at = models.DateTimeField(_("erstellt am"), auto_now_add=True)
    finished_at = models.DateTimeField(_("fertig am"), null=True, blank=True)
    letter_count = models.PositiveIntegerField(_("Briefe"), default=0)
    failed_count = models.PositiveIntegerField(_("fehlgeschlagen"), default=0)
    file = models.FileField(_("PDF"), upload_to="print-batches/", blank=True)
    printed_at = models.DateTimeField(_("gedruckt am"), null=True, blank=True)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    posted_at = models.DateTimeField(_("zur Post gegeben am"), null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file_deleted_at = models.DateTimeField(_("PDF gelöscht am"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Druckstapel")
        verbose_name_plural = _("Druckstapel")

    def __str__(self) -> str:
        return f"{self.day:%d.%m.%Y} ({self.letter_count})"


class CallListEntry(models.Model):
    """A citizen the office must phone: a letter could not arrive in time or could not be made."""

    class Reason(models.TextChoices):
        TOO_LATE = "too_late", _("Brief käme zu spät – bitte anrufen und erinnern")
        CANCELLED = "cancelled", _("Termin vom Amt abgesagt – bitte anrufen")
        LETTER_FAILED = "letter_failed", _("Brief konnte nicht erstellt werden – bitte anrufen")
        EMAIL_FAILED = "email_failed", _("E-Mail kam nicht an – bitte anrufen")
        MOVED_AFTER_LETTER = "moved_late", _("Nach dem Brief verschoben – bitte neue Zeit mitteilen")

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="call_list_entries")
    reason = models.CharField(_("Grund"), max_length=16, choices=Reason)
    created_at = models.DateTimeField(_("eingetragen am"), auto_now_add=True)
    done_at = models.DateTimeField(_("erledigt am"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("Anrufliste-Eintrag")
        verbose_name_plural = _("Anrufliste")
        constraints = [
            models.UniqueConstraint(fields=["appointment", "reason"], name="call_list_unique_per_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.appointment_id}: {self.get_reason_display()}"


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
