"""``StageEvent`` now belongs to the CRM (crm 0006 took over the table and renamed it):
drop it from the funnel's state only — the table and its rows stay where crm 0006 put them.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("funnel", "0007_solution_collateral_link"),
        ("crm", "0006_stage_event_log"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="StageEvent")],
            database_operations=[],
        ),
    ]
