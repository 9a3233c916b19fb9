"""The stage-event log moves from the funnel to the CRM, which writes it (deal stage changes)
and sits below every app that reads it. No row is copied.

1. State only: ``crm.StageEvent`` starts out over the funnel's table as it stands — same
   columns, indexes and foreign keys (funnel 0008 then drops ``funnel.StageEvent`` from the
   state; the table itself is never dropped).
2. ``AlterModelTable`` renames ``funnel_stageevent`` to ``crm_stageevent``. We rename rather
   than pin ``Meta.db_table = "funnel_stageevent"`` so the table is named after the app that
   owns it, as every other table is, and nobody reading the schema or raw SQL (the demo's
   bulk COPY, a DBA) looks for the log in the funnel. A rename is a change to the catalogue
   on both databases, not a rewrite: the rows, their ids, the identity sequence (PostgreSQL),
   the named indexes, the foreign keys to opportunities and users go with the table. No
   foreign key points at the log, and no trigger watches it. Append-only is kept by the
   model (``AppendOnlyModel``), which moved with it.
3. The content type row moves from ``funnel`` to ``crm``, so the permissions on the log
   (and the admin's history) that groups already hold keep pointing at it.

Reversible: backwards, the table gets its old name and the content type its old app.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def _move_content_type(apps, schema_editor, *, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    # A fresh database has neither row yet (they are made after migrate); one that somehow
    # has both keeps them as they are rather than break the unique (app, model) key.
    if not types.filter(app_label=target, model="stageevent").exists():
        types.filter(app_label=source, model="stageevent").update(app_label=target)


def content_type_to_crm(apps, schema_editor):
    _move_content_type(apps, schema_editor, source="funnel", target="crm")


def content_type_to_funnel(apps, schema_editor):
    _move_content_type(apps, schema_editor, source="crm", target="funnel")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("crm", "0005_pipeline_total"),
        # The table was created by the funnel's first migration and never changed since.
        ("funnel", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="StageEvent",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("object_type", models.CharField(choices=[("opportunity", "Opportunity"), ("lead", "Lead")], max_length=16, verbose_name="object type")),
                        ("object_id", models.BigIntegerField(verbose_name="object id")),
                        ("from_stage", models.CharField(blank=True, max_length=32, verbose_name="from")),
                        ("to_stage", models.CharField(max_length=32, verbose_name="to")),
                        ("at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="at")),
                        ("reason", models.CharField(blank=True, max_length=300, verbose_name="why")),
                        ("via", models.CharField(blank=True, max_length=16, verbose_name="via")),
                        ("actor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="by")),
                        ("opportunity", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="stage_events", to="crm.opportunity", verbose_name="opportunity")),
                    ],
                    options={
                        "verbose_name": "stage event",
                        "verbose_name_plural": "stage events",
                        "db_table": "funnel_stageevent",
                        "indexes": [
                            models.Index(fields=["object_type", "object_id", "at"], name="stage_event_object_idx"),
                            models.Index(fields=["opportunity", "at"], name="stage_event_opp_idx"),
                            models.Index(fields=["to_stage", "at"], name="stage_event_to_idx"),
                            models.Index(fields=["at", "id"], name="stage_event_at_idx"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="stageevent", table=None),
        migrations.RunPython(content_type_to_crm, content_type_to_funnel),
    ]
