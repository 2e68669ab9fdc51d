"""What reaches the citizen later: e-mails and letters about an appointment, the print batches
of the letters and the clerks' call list.

The tables kept their names from when these models lived in booking (moved without copying)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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
        "booking.Appointment", on_delete=models.CASCADE, related_name="messages", db_index=False
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
        db_table = "booking_message"
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
        db_table = "booking_printbatch"
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

    appointment = models.ForeignKey(
        "booking.Appointment", on_delete=models.CASCADE, related_name="call_list_entries"
    )
    reason = models.CharField(_("Grund"), max_length=16, choices=Reason)
    created_at = models.DateTimeField(_("eingetragen am"), auto_now_add=True)
    done_at = models.DateTimeField(_("erledigt am"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        db_table = "booking_calllistentry"
        ordering = ["created_at", "pk"]
        verbose_name = _("Anrufliste-Eintrag")
        verbose_name_plural = _("Anrufliste")
        constraints = [
            models.UniqueConstraint(fields=["appointment", "reason"], name="call_list_unique_per_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.appointment_id}: {self.get_reason_display()}"
