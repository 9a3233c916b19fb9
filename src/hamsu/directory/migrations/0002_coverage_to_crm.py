"""A person's coverage of segments, products and accounts now lives in the CRM
(``crm.Coverage``; crm 0007 copied the rows): the directory's three many-to-many tables go.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
        ("crm", "0007_coverage"),
    ]

    operations = [
        migrations.RemoveField(model_name="person", name="accounts_covered"),
        migrations.RemoveField(model_name="person", name="products"),
        migrations.RemoveField(model_name="person", name="segments"),
    ]
