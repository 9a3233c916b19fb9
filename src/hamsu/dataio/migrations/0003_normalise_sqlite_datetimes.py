"""Rewrite datetimes that bulk writes stored with an offset into the ORM's text (SQLite).

Until ``hamsu.core.db_datetimes`` made the ORM's adaptation the sqlite3 driver's, bulk
imports, the demo generator and raw updates stored ``2018-05-31 00:00:00+00:00`` where the
ORM writes and compares ``2018-05-31 00:00:00``, so those rows escaped date filters and
keyset cursors. Every DateTimeField of Hamsu's tables (and the users', which a restore
writes) is rewritten; PostgreSQL stores timestamptz and needs nothing.
"""

from django.db import migrations, models

from hamsu.core.db_datetimes import normalise_sqlite_datetimes

# Hamsu's apps (a migration's apps know labels only) and auth, whose users a restore writes.
APP_LABELS = {
    "auth",
    "core",
    "directory",
    "crm",
    "funnel",
    "campaigns",
    "scorecard",
    "alignment",
    "collaboration",
    "dataio",
    "api",
    "demo",
}


def _datetime_columns(apps) -> list[tuple[str, list[str]]]:
    tables = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        if meta.app_label not in APP_LABELS:
            continue
        columns = [f.column for f in meta.local_concrete_fields if isinstance(f, models.DateTimeField)]
        if columns:
            tables.append((meta.db_table, columns))
    return tables


def normalise(apps, schema_editor) -> None:
    normalise_sqlite_datetimes(schema_editor.connection, _datetime_columns(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("alignment", "0001_initial"),
        ("campaigns", "0002_attributionsnapshot"),
        ("collaboration", "0002_notifications_to_core"),
        ("core", "0003_clock_job"),
        ("crm", "0005_pipeline_total"),
        ("dataio", "0002_import_kind_costs"),
        ("directory", "0001_initial"),
        ("funnel", "0006_routing_rule_conditions"),
        ("scorecard", "0004_seller_dimensions_and_won_cycles"),
    ]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop, elidable=True)]
