from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_outbox"),
    ]

    operations = [
        migrations.AlterField(
            model_name="clockjob",
            name="status",
            field=models.CharField(
                choices=[
                    ("never", "Not run yet"),
                    ("running", "Running"),
                    ("ok", "Succeeded"),
                    ("failed", "Failed"),
                    ("interrupted", "Interrupted"),
                ],
                default="never",
                max_length=16,
                verbose_name="status",
            ),
        ),
    ]
