"""Handoff counts per UTC day and team, kept by database triggers (see hamsu.funnel.handoff_totals)."""

from django.db import migrations, models


def install(apps, schema_editor):
    from hamsu.funnel.handoff_totals import HANDOFF_TOTALS

    HANDOFF_TOTALS.install(schema_editor)


def uninstall(apps, schema_editor):
    from hamsu.funnel.handoff_totals import HANDOFF_TOTALS

    HANDOFF_TOTALS.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
        ("funnel", "0004_handoff_opened_idx"),
    ]

    operations = [
        migrations.CreateModel(
            name="HandoffDayTotal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField()),
                ("team_key", models.BigIntegerField(help_text="team id, 0 for none")),
                ("mqls", models.BigIntegerField()),
                ("accepted", models.BigIntegerField()),
                ("returned", models.BigIntegerField()),
                ("closed", models.BigIntegerField()),
                ("on_time", models.BigIntegerField()),
                ("breaches", models.BigIntegerField()),
            ],
            options={
                "db_table": "funnel_handoff_day_total",
                "managed": False,
            },
        ),
        migrations.AddIndex(
            model_name="handoff",
            index=models.Index(
                condition=models.Q(("status", "open")),
                fields=["opened_at"],
                include=("team", "due_at"),
                name="handoff_open_idx",
            ),
        ),
        migrations.RunPython(install, uninstall),
    ]
