"""Walk-in service: desks, tickets and the queue."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
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


def _public_id() -> str:
    # 10 characters of an unambiguous alphabet (~50 bits): a ticket carries no personal data,
    # the id only keeps people from watching other tickets by counting up.
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


class DeskSession(models.Model):
    """A clerk signed in to a desk for a day; the desk counts as staffed while it is open."""

    desk = models.ForeignKey(
        Desk, verbose_name=_("Schalter"), on_delete=models.CASCADE, related_name="sessions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("Mitarbeitende"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("Tag"))
    started_at = models.DateTimeField(_("angemeldet um"), default=timezone.now)
    ended_at = models.DateTimeField(_("abgemeldet um"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("Anmeldung am Schalter")
        verbose_name_plural = _("Anmeldungen am Schalter")
        constraints = [
            models.UniqueConstraint(
                fields=["desk"], condition=Q(ended_at__isnull=True), name="desk_session_one_per_desk"
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(ended_at__isnull=True), name="desk_session_one_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.desk} {self.day:%d.%m.%Y}"


class KioskDevice(models.Model):
    """A touch screen at the entrance, unlocked by a staff member; only the token's hash is stored."""

    location = models.ForeignKey(
        Location, verbose_name=_("Standort"), on_delete=models.CASCADE, related_name="kiosks"
    )
    name = models.CharField(_("Bezeichnung"), max_length=60)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("freigeschaltet am"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        ordering = ["location", "name"]
        verbose_name = _("Kiosk-Gerät")
        verbose_name_plural = _("Kiosk-Geräte")

    def __str__(self) -> str:
        return f"{self.name} ({self.location})"


class TicketCounter(models.Model):
    """The last number issued per location, day and letter; incremented under a row lock."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    letter = models.CharField(max_length=1)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["location", "day", "letter"], name="ticket_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.letter} {self.day}: {self.last_number}"


class Ticket(models.Model):
    """A numbered place in the walk-in queue (Wartenummer); carries no personal data."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("wartet")
        CALLED = "called", _("aufgerufen")
        IN_SERVICE = "in_service", _("in Bearbeitung")
        PARKED = "parked", _("zurückgestellt")
        SERVED = "served", _("erledigt")
        NO_SHOW = "no_show", _("nicht erschienen")
        NOT_SERVED = "not_served", _("nicht mehr bedient")

    # Allowed status moves; every move writes a TicketHistory row. called → called is a recall,
    # called/in_service → waiting a transfer (back in the queue at its original place);
    # not_served is also where the day close puts whatever is still open.
    TRANSITIONS = {
        # NO_SHOW from WAITING: a counsellor's citizen who checked in and left before the call.
        Status.WAITING: {Status.CALLED, Status.NOT_SERVED, Status.NO_SHOW},
        Status.CALLED: {
            Status.CALLED,
            Status.IN_SERVICE,
            Status.NO_SHOW,
            Status.WAITING,
            Status.PARKED,
            Status.NOT_SERVED,
        },
        Status.IN_SERVICE: {Status.SERVED, Status.WAITING, Status.PARKED, Status.NOT_SERVED},
        Status.PARKED: {Status.IN_SERVICE, Status.NOT_SERVED},
        Status.SERVED: set(),
        Status.NO_SHOW: set(),
        Status.NOT_SERVED: set(),
    }
    ACTIVE = (Status.CALLED, Status.IN_SERVICE)
    OPEN = (Status.WAITING, Status.CALLED, Status.IN_SERVICE, Status.PARKED)

    location = models.ForeignKey(
        Location, verbose_name=_("Standort"), on_delete=models.PROTECT, related_name="+"
    )
    service = models.ForeignKey(
        Service, verbose_name=_("Anliegen"), on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("Tag"))
    letter = models.CharField(_("Buchstabe"), max_length=1)
    number = models.PositiveIntegerField(_("Nummer"))
    public_id = models.CharField(max_length=12, unique=True, default=_public_id, editable=False)
    status = models.CharField(_("Status"), max_length=12, choices=Status, default=Status.WAITING)
    interpreter_language = models.CharField(_("Dolmetschen für"), max_length=60, blank=True)
    appointment = models.OneToOneField(
        "booking.Appointment",
        verbose_name=_("Termin"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ticket",
    )
    # A checked-in appointment its counsellor calls to their room from "Mein Tag"; the desks
    # never call such a ticket.
    counsellor = models.ForeignKey(
        "booking.Counsellor",
        verbose_name=_("Beratung durch"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # For a checked-in appointment: when it is due; walk-ins have none.
    due_at = models.DateTimeField(_("fällig um"), null=True, blank=True)
    issued_at = models.DateTimeField(_("ausgegeben um"), default=timezone.now)
    # A transfer to a particular desk: only that desk calls the ticket next.
    for_desk = models.ForeignKey(
        Desk,
        verbose_name=_("weitergeleitet an"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    desk = models.ForeignKey(
        Desk,
        verbose_name=_("Schalter"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Mitarbeitende"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    call_count = models.PositiveSmallIntegerField(_("Aufrufe"), default=0)
    called_at = models.DateTimeField(_("aufgerufen um"), null=True, blank=True)
    started_at = models.DateTimeField(_("Bearbeitung ab"), null=True, blank=True)
    finished_at = models.DateTimeField(_("beendet um"), null=True, blank=True)

    class Meta:
        ordering = ["day", "issued_at", "pk"]
        verbose_name = _("Wartenummer")
        verbose_name_plural = _("Wartenummern")
        constraints = [
            models.UniqueConstraint(
                fields=["location", "day", "letter", "number"], name="ticket_unique_number"
            ),
            # A clerk holds at most one called or in-service ticket.
            models.UniqueConstraint(
                fields=["clerk"],
                condition=Q(status__in=["called", "in_service"]),
                name="ticket_one_active_per_clerk",
            ),
        ]
        indexes = [
            models.Index(fields=["location", "day", "status"], name="ticket_queue_idx"),
            # The queue in calling order (call_next_ticket): appointments by due time, then the
            # walk-ins (no due time, sorted last) by their place in the queue.
            models.Index(
                fields=["location", "day", "due_at", "issued_at", "id"],
                condition=Q(status="waiting"),
                name="ticket_waiting_call_idx",
            ),
            # The appointment queue alone in calling order.
            models.Index(
                fields=["location", "day", "due_at", "id"],
                condition=Q(status="waiting", due_at__isnull=False),
                name="ticket_waiting_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        return f"{self.letter}-{self.number:03d}"

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.Status(self.status)]

    @property
    def call_place(self) -> str:
        """Where the citizen is called to: the desk, or the counsellor's room."""
        if self.desk_id is not None:
            return self.desk.name
        if self.counsellor_id is not None:
            return self.counsellor.room or self.counsellor.name
        return ""


class TicketHistory(models.Model):
    """One status change of a ticket: who, when, from, to, why."""

    class Note(models.TextChoices):
        """Why, stored as a code and shown in the reader's language; a transfer adds its target's
        ids (desk:<id> service:<id>) after the code."""

        RECALLED = "recalled", _("erneuter Aufruf")
        TRANSFERRED = "transferred", _("weitergeleitet")
        DAY_CLOSED = "day_closed", _("Tagesabschluss")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="history")
    old_status = models.CharField(max_length=12, blank=True)
    new_status = models.CharField(max_length=12)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    desk = models.ForeignKey(Desk, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
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
            return self.note  # written before notes were codes
        return f"{self.Note(code).label} {details}".strip()
