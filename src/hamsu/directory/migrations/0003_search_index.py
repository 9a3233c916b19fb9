"""The who-to-contact word index moves from collaboration to the directory, whose people it
indexes and whose search reads it. No row is copied.

1. State only: ``directory.SearchToken`` and ``directory.SearchIndexState`` start out over
   collaboration's tables as they stand (collaboration 0003 then drops them from its state;
   the tables are never dropped).
2. ``AlterModelTable`` renames ``collaboration_searchtoken`` and
   ``collaboration_searchindexstate`` to the directory's names: a change to the catalogue
   on both databases, so the words, their ids, the named indexes and the bookmark go with
   the tables, and the search does not fall back to slow scans while the index would be
   rebuilt.
3. The content types move from ``collaboration`` to ``directory``, so permissions granted
   on them keep pointing at them.

Reversible: backwards, the tables get their old names and the content types their old app.
"""

from django.db import migrations, models

MODELS = ("searchtoken", "searchindexstate")


def _move_content_types(apps, schema_editor, *, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    for model in MODELS:
        # A fresh database has no rows yet (they are made after migrate).
        if not types.filter(app_label=target, model=model).exists():
            types.filter(app_label=source, model=model).update(app_label=target)


def content_types_to_directory(apps, schema_editor):
    _move_content_types(apps, schema_editor, source="collaboration", target="directory")


def content_types_to_collaboration(apps, schema_editor):
    _move_content_types(apps, schema_editor, source="directory", target="collaboration")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("directory", "0002_coverage_to_crm"),
        # The tables were created by collaboration's first migration and never changed since.
        ("collaboration", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SearchToken",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=[("person", "Person"), ("account", "Account")], max_length=8)),
                        ("token", models.CharField(max_length=64)),
                        ("object_id", models.BigIntegerField()),
                    ],
                    options={
                        "verbose_name": "search word",
                        "verbose_name_plural": "search words",
                        "db_table": "collaboration_searchtoken",
                        "indexes": [
                            models.Index(fields=["kind", "token", "object_id"], name="search_token_idx"),
                            models.Index(fields=["kind", "object_id"], name="search_token_object_idx"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="SearchIndexState",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("built_at", models.DateTimeField(blank=True, null=True)),
                        ("accounts_until", models.DateTimeField(blank=True, null=True)),
                        ("people_until", models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        "verbose_name": "search index state",
                        "verbose_name_plural": "search index state",
                        "db_table": "collaboration_searchindexstate",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="searchtoken", table=None),
        migrations.AlterModelTable(name="searchindexstate", table=None),
        migrations.RunPython(content_types_to_directory, content_types_to_collaboration),
    ]
