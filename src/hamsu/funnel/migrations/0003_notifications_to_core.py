"""The funnel's in-app notices (SLA escalations, rules-of-engagement alerts) move to
``core.Notification``, the inbox the bell shows, so nobody misses them.

Rows are copied with one INSERT … SELECT (``link`` becomes ``url``; these were never
e-mailed from the row, so ``emailed`` is false), keeping read state and dates; then the
old table goes. Backwards, the old table comes back empty: collaboration 0002's reverse
puts every core row back into the bell's table.
"""

from django.db import migrations

TARGET = ["recipient_id", "kind", "title", "body", "url", "created_at", "read_at", "emailed"]
SOURCE = ["recipient_id", "kind", "title", "body", "link", "created_at", "read_at"]


def to_core(apps, schema_editor):
    source = apps.get_model("funnel", "Notification")._meta.db_table
    target = apps.get_model("core", "Notification")._meta.db_table
    q = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {q(target)} ({', '.join(q(c) for c in TARGET)}) "
            f"SELECT {', '.join(q(c) for c in SOURCE)}, %s FROM {q(source)} "
            f"ORDER BY {q('created_at')}, {q('id')}",
            [False],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("funnel", "0002_capture_intake"),
        ("core", "0002_notification"),
    ]

    operations = [
        migrations.RunPython(to_core, migrations.RunPython.noop),
        migrations.DeleteModel(name="Notification"),
    ]
