# Message, PrintBatch and CallListEntry move here from booking: state only. Their tables
# (booking_message, booking_printbatch, booking_calllistentry) and every row stay as they are.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ["message", "printbatch", "calllistentry"]


def _content_types(source, target):
    def move(apps, schema_editor):
        """Permissions and admin log entries of the three models stay theirs under the new app."""
        content_types = apps.get_model("contenttypes", "ContentType").objects
        content_types.filter(app_label=source, model__in=MODELS).update(app_label=target)

    return move


USER = settings.AUTH_USER_MODEL
SET_NULL, CASCADE, PROTECT = (django.db.models.deletion.SET_NULL, django.db.models.deletion.CASCADE,
                              django.db.models.deletion.PROTECT)


def _id():
    return models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")


def _by():
    return models.ForeignKey(blank=True, null=True, on_delete=SET_NULL, related_name="+", to=USER)


def _when(label=None):
    return models.DateTimeField(blank=True, null=True, **({"verbose_name": label} if label else {}))


PRINT_BATCH = migrations.CreateModel(
    name="PrintBatch",
    fields=[
        ("id", _id()),
        ("day", models.DateField(db_index=True, verbose_name="Versandtag")),
        ("status", models.CharField(choices=[("building", "wird erstellt"), ("ready", "bereit zum Druck"), ("printed", "gedruckt"), ("posted", "zur Post gegeben")], default="building", max_length=10, verbose_name="Status")),
        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="erstellt am")),
        ("finished_at", _when("fertig am")),
        ("letter_count", models.PositiveIntegerField(default=0, verbose_name="Briefe")),
        ("failed_count", models.PositiveIntegerField(default=0, verbose_name="fehlgeschlagen")),
        ("file", models.FileField(blank=True, upload_to="print-batches/", verbose_name="PDF")),
        ("printed_at", _when("gedruckt am")),
        ("posted_at", _when("zur Post gegeben am")),
        ("file_deleted_at", _when("PDF gelöscht am")),
        ("posted_by", _by()),
        ("printed_by", _by()),
    ],
    options={"verbose_name": "Druckstapel", "verbose_name_plural": "Druckstapel", "db_table": "booking_printbatch", "ordering": ["-created_at", "-pk"]},
)
CALL_LIST_ENTRY = migrations.CreateModel(
    name="CallListEntry",
    fields=[
        ("id", _id()),
        ("reason", models.CharField(choices=[("too_late", "Brief käme zu spät – bitte anrufen und erinnern"), ("cancelled", "Termin vom Amt abgesagt – bitte anrufen"), ("letter_failed", "Brief konnte nicht erstellt werden – bitte anrufen"), ("email_failed", "E-Mail kam nicht an – bitte anrufen"), ("moved_late", "Nach dem Brief verschoben – bitte neue Zeit mitteilen")], max_length=16, verbose_name="Grund")),
        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="eingetragen am")),
        ("done_at", _when("erledigt am")),
        ("appointment", models.ForeignKey(on_delete=CASCADE, related_name="call_list_entries", to="booking.appointment")),
        ("done_by", _by()),
    ],
    options={
        "verbose_name": "Anrufliste-Eintrag", "verbose_name_plural": "Anrufliste", "db_table": "booking_calllistentry", "ordering": ["created_at", "pk"],
        "constraints": [models.UniqueConstraint(fields=("appointment", "reason"), name="call_list_unique_per_reason")],
    },
)
MESSAGE = migrations.CreateModel(
    name="Message",
    fields=[
        ("id", _id()),
        ("kind", models.CharField(choices=[("confirmation", "Buchungsbestätigung"), ("reminder", "Erinnerung"), ("cancelled", "Absage durch das Amt")], max_length=12, verbose_name="Art")),
        ("channel", models.CharField(choices=[("email", "E-Mail"), ("letter", "Brief")], max_length=8, verbose_name="Weg")),
        ("status", models.CharField(choices=[("pending", "wartet"), ("sending", "wird versandt"), ("sent", "versandt"), ("failed", "fehlgeschlagen"), ("cancelled", "entfallen")], default="pending", max_length=10, verbose_name="Status")),
        ("due_at", models.DateTimeField(verbose_name="fällig ab")),
        ("queued_at", _when()),
        ("claimed_at", _when()),
        ("sent_at", _when("versandt am")),
        ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="Versuche")),
        ("last_error", models.CharField(blank=True, max_length=500, verbose_name="letzter Fehler")),
        ("reason", models.CharField(blank=True, max_length=200, verbose_name="Grund")),
        ("link", models.CharField(blank=True, max_length=300)),
        ("created_at", models.DateTimeField(auto_now_add=True)),
        ("appointment", models.ForeignKey(db_index=False, on_delete=CASCADE, related_name="messages", to="booking.appointment")),
        ("batch", models.ForeignKey(blank=True, null=True, on_delete=PROTECT, related_name="letters", to="messaging.printbatch", verbose_name="Druckstapel")),
    ],
    options={
        "verbose_name": "Nachricht", "verbose_name_plural": "Nachrichten", "db_table": "booking_message", "ordering": ["due_at", "pk"],
        "indexes": [models.Index(fields=["channel", "status", "due_at"], name="message_due_idx")],
        "constraints": [
            models.UniqueConstraint(fields=("appointment", "kind", "channel"), name="message_unique_per_kind"),
            models.CheckConstraint(condition=models.Q(("batch__isnull", True), ("channel", "letter"), _connector="OR"), name="message_batch_only_letters"),
        ],
    },
)


class Migration(migrations.Migration):
    initial = True
    dependencies = [
        ("booking", "0006_fewer_indexes"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]
    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[PRINT_BATCH, CALL_LIST_ENTRY, MESSAGE]),
        migrations.RunPython(_content_types("booking", "messaging"), _content_types("messaging", "booking")),
    ]
