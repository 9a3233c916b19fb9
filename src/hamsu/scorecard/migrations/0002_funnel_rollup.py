from django.db import migrations, models
from django.db.models import Sum

MEASURES = (
    "reached",
    "reached_amount",
    "gross_profit",
    "new_customers",
    "exits",
    "exit_seconds",
    "cycle_seconds",
    "leaked",
)
KEYS = ("month", "stage", "team_id", "segment_id", "source", "influenced")


def roll_up_existing(apps, schema_editor):
    """Fill the roll-up from the aggregates already built, so no rebuild is needed."""
    stat = apps.get_model("scorecard", "FunnelMonthStat")
    rollup = apps.get_model("scorecard", "FunnelMonthRollup")
    rows = stat.objects.values(*KEYS).annotate(**{f"sum_{m}": Sum(m) for m in MEASURES}).order_by()
    rollup.objects.bulk_create(
        (
            rollup(**{k: row[k] for k in KEYS}, **{m: row[f"sum_{m}"] or 0 for m in MEASURES})
            for row in rows.iterator(chunk_size=5000)
        ),
        batch_size=5000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("scorecard", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="FunnelMonthRollup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.DateField()),
                ("stage", models.CharField(max_length=32)),
                ("reached", models.IntegerField(default=0)),
                ("reached_amount", models.DecimalField(decimal_places=2, default=0, max_digits=16)),
                ("gross_profit", models.DecimalField(decimal_places=2, default=0, max_digits=16)),
                ("new_customers", models.IntegerField(default=0)),
                ("exits", models.IntegerField(default=0)),
                ("exit_seconds", models.BigIntegerField(default=0)),
                ("cycle_seconds", models.BigIntegerField(default=0)),
                ("leaked", models.IntegerField(default=0)),
                ("team_id", models.BigIntegerField(default=0)),
                ("segment_id", models.BigIntegerField(default=0)),
                ("source", models.CharField(blank=True, max_length=16)),
                ("influenced", models.BooleanField(default=False)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("month", "stage", "team_id", "segment_id", "source", "influenced"),
                        name="uniq_funnel_rollup",
                    )
                ],
            },
        ),
        migrations.RunPython(roll_up_existing, migrations.RunPython.noop),
    ]
