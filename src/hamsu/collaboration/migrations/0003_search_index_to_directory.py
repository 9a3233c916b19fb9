"""The who-to-contact word index now belongs to the directory (directory 0003 took over the
tables and renamed them): drop it from collaboration's state only — the tables and their
rows stay where directory 0003 put them.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("collaboration", "0002_notifications_to_core"),
        ("directory", "0003_search_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="SearchToken"),
                migrations.DeleteModel(name="SearchIndexState"),
            ],
            database_operations=[],
        ),
    ]
