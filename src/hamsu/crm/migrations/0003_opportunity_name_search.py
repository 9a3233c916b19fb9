"""Full-text index for opportunity name search (see hamsu.crm.search)."""

from django.db import migrations


def forward(apps, schema_editor):
    from hamsu.crm import search

    search.install(schema_editor)


def backward(apps, schema_editor):
    from hamsu.crm import search

    search.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("crm", "0002_initial")]
    operations = [migrations.RunPython(forward, backward)]
