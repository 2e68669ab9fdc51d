"""Every appointment keeps the 5-minute units it occupies as two integers (see slots.unit_span);
existing rows get theirs from start and end."""

import datetime as dt

from django.db import migrations, models

# As in booking.slots at the time (written out, so that this migration never changes).
EPOCH = dt.datetime(2000, 1, 3, tzinfo=dt.UTC)
UNIT = dt.timedelta(minutes=5)


def unit_span(start: dt.datetime, end: dt.datetime) -> tuple[int, int]:
    return (start - EPOCH) // UNIT, -((EPOCH - end) // UNIT)


def fill_units(apps, schema_editor):
    appointment_model = apps.get_model("booking", "Appointment")
    rows = appointment_model.objects.only("start", "end").order_by("pk")
    batch = []
    for appointment in rows.iterator(chunk_size=2000):
        appointment.start_unit, appointment.end_unit = unit_span(appointment.start, appointment.end)
        batch.append(appointment)
        if len(batch) == 2000:
            appointment_model.objects.bulk_update(batch, ["start_unit", "end_unit"])
            batch = []
    appointment_model.objects.bulk_update(batch, ["start_unit", "end_unit"])


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0012_counsellor_feed"),
    ]

    operations = [
        migrations.AddField(
            model_name="appointment",
            name="start_unit",
            field=models.IntegerField(default=0, editable=False),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="appointment",
            name="end_unit",
            field=models.IntegerField(default=0, editable=False),
            preserve_default=False,
        ),
        migrations.RunPython(fill_units, migrations.RunPython.noop),
    ]
