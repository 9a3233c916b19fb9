"""A person's coverage of segments, products and accounts moves from the directory's three
many-to-many tables (``Person.segments``, ``Person.products``, ``Person.accounts_covered``)
into one CRM table, so the directory no longer links to the CRM at the model level.

The rows are copied here, in the database (``INSERT … SELECT``, oldest first), before
directory 0002 drops the old tables; backwards, they are copied back into the tables
directory 0002 recreates. A person covers a record at most once, as before, and each row
names exactly one record.
"""

import django.db.models.deletion
from django.db import migrations, models

# Coverage column ← (the directory's many-to-many field, its column for the record).
OLD_TABLES = {"segment_id": "segments", "product_id": "products", "account_id": "accounts_covered"}


def _old_table(apps, field: str) -> str:
    person = apps.get_model("directory", "Person")
    return person._meta.get_field(field).remote_field.through._meta.db_table


def copy_to_crm(apps, schema_editor):
    q = schema_editor.quote_name
    new = q(apps.get_model("crm", "Coverage")._meta.db_table)
    for column, field in OLD_TABLES.items():
        schema_editor.execute(
            f"INSERT INTO {new} ({q('person_id')}, {q(column)}) "
            f"SELECT {q('person_id')}, {q(column)} FROM {q(_old_table(apps, field))} ORDER BY {q('id')}"
        )


def copy_to_directory(apps, schema_editor):
    q = schema_editor.quote_name
    new = q(apps.get_model("crm", "Coverage")._meta.db_table)
    for column, field in OLD_TABLES.items():
        schema_editor.execute(
            f"INSERT INTO {q(_old_table(apps, field))} ({q('person_id')}, {q(column)}) "
            f"SELECT {q('person_id')}, {q(column)} FROM {new} WHERE {q(column)} IS NOT NULL ORDER BY {q('id')}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0006_stage_event_log"),
        ("directory", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Coverage",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("account", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="coverage", to="crm.account", verbose_name="account")),
                ("person", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="directory.person", verbose_name="person")),
                ("product", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="coverage", to="crm.product", verbose_name="product")),
                ("segment", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="coverage", to="crm.segment", verbose_name="segment")),
            ],
            options={
                "verbose_name": "coverage",
                "verbose_name_plural": "coverage",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("account__isnull", True), ("product__isnull", True), ("segment__isnull", False)),
                            models.Q(("account__isnull", True), ("product__isnull", False), ("segment__isnull", True)),
                            models.Q(("account__isnull", False), ("product__isnull", True), ("segment__isnull", True)),
                            _connector="OR",
                        ),
                        name="coverage_one_record",
                    ),
                    models.UniqueConstraint(condition=models.Q(("segment__isnull", False)), fields=("person", "segment"), name="coverage_segment_once"),
                    models.UniqueConstraint(condition=models.Q(("product__isnull", False)), fields=("person", "product"), name="coverage_product_once"),
                    models.UniqueConstraint(condition=models.Q(("account__isnull", False)), fields=("person", "account"), name="coverage_account_once"),
                ],
            },
        ),
        migrations.RunPython(copy_to_crm, copy_to_directory),
    ]
