from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('funnel', '0005_handoff_day_total'),
    ]

    operations = [
        migrations.AddField(
            model_name='routingrule',
            name='conditions',
            field=models.JSONField(blank=True, default=dict, verbose_name='conditions'),
        ),
    ]
