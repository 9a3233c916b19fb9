from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("scorecard", "0008_record_versions"),
    ]

    operations = [
        migrations.AddField(
            model_name="funnelplan",
            name="edit_version",
            field=models.PositiveIntegerField(
                db_default=1,
                default=1,
                editable=False,
                help_text="Goes up by one with every adjustment or signature of this version of the plan.",
                verbose_name="edit version",
            ),
        ),
    ]
