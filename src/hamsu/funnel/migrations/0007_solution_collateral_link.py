"""The default funnel's "Solution collateral library" pointed at the campaign list; point
the versions published from that default at the collateral library instead.

Only the entry exactly as the default wrote it is changed: a material a company edited
is its own and stays as it is.
"""

from django.db import migrations

OLD = {"title": "Solution collateral library", "url": "/campaigns/"}
NEW = {"title": "Solution collateral library", "url": "/together/collateral/"}


def forwards(apps, schema_editor):
    FunnelStage = apps.get_model("funnel", "FunnelStage")
    for stage in FunnelStage.objects.filter(code="solution_development").only("pk", "materials"):
        materials = stage.materials if isinstance(stage.materials, list) else []
        if OLD in materials:
            stage.materials = [NEW if m == OLD else m for m in materials]
            stage.save(update_fields=["materials"])


class Migration(migrations.Migration):
    dependencies = [("funnel", "0006_routing_rule_conditions")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
