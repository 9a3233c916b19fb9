"""Per-stage deal totals kept by database triggers (see hamsu.crm.pipeline_totals)."""

from django.db import migrations, models


def forward(apps, schema_editor):
    from hamsu.crm import pipeline_totals

    pipeline_totals.install(schema_editor)


def backward(apps, schema_editor):
    from hamsu.crm import pipeline_totals

    pipeline_totals.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("crm", "0004_opportunity_stage_created_index"), ("directory", "0001_initial")]
    operations = [
        migrations.CreateModel(
            name="PipelineTotal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("stage", models.CharField(max_length=32)),
                ("team_key", models.BigIntegerField(help_text="team id, 0 for none")),
                ("segment_key", models.BigIntegerField(help_text="segment id, 0 for none")),
                ("source", models.CharField(max_length=16)),
                ("n", models.BigIntegerField()),
                ("total", models.DecimalField(decimal_places=2, max_digits=20)),
                (
                    "owner",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=models.deletion.DO_NOTHING,
                        related_name="+",
                        to="directory.person",
                    ),
                ),
            ],
            options={"db_table": "crm_pipeline_total", "managed": False},
        ),
        migrations.RunPython(forward, backward),
    ]
