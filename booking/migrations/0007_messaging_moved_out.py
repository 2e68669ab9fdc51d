# The message models now belong to messaging (its 0001): forgotten here, their tables kept.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("booking", "0006_fewer_indexes"), ("messaging", "0001_initial")]
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name=name) for name in ("Message", "CallListEntry", "PrintBatch")]
        ),
    ]
