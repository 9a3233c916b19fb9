"""The bell's notifications move to ``core.Notification`` (one inbox for every app).

Rows are copied with one INSERT … SELECT (no row passes through Python, so a large inbox
moves in seconds), keeping their read state, dates and e-mail flag; then the old table
goes. Backwards, every core row moves back here — this was the inbox people read — and
the funnel's old table comes back empty (see funnel 0003).
"""

from django.db import migrations

COLUMNS = ["recipient_id", "kind", "title", "body", "url", "created_at", "read_at", "emailed"]


def _copy(schema_editor, source: str, target: str, select: list[str]) -> None:
    q = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {q(target)} ({', '.join(q(c) for c in COLUMNS)}) "
            f"SELECT {', '.join(select)} FROM {q(source)} ORDER BY {q('created_at')}, {q('id')}"
        )


def to_core(apps, schema_editor):
    source = apps.get_model("collaboration", "Notification")._meta.db_table
    target = apps.get_model("core", "Notification")._meta.db_table
    _copy(schema_editor, source, target, [schema_editor.quote_name(c) for c in COLUMNS])


def from_core(apps, schema_editor):
    source = apps.get_model("core", "Notification")._meta.db_table
    target = apps.get_model("collaboration", "Notification")._meta.db_table
    q = schema_editor.quote_name
    # This table's titles were 200 characters long; core's are 300.
    select = [q(c) for c in COLUMNS]
    select[COLUMNS.index("title")] = f"SUBSTR({q('title')}, 1, 200)"
    _copy(schema_editor, source, target, select)
    # Moved, not copied: going forward again must not count them twice.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {q(source)}")


class Migration(migrations.Migration):
    dependencies = [
        ("collaboration", "0001_initial"),
        ("core", "0002_notification"),
    ]

    operations = [
        migrations.RunPython(to_core, from_core),
        migrations.DeleteModel(name="Notification"),
    ]
