"""The default funnel's solution-collateral material links to the collateral library
(defect 8: it pointed at the campaign list)."""

import importlib

import pytest
from django.apps import apps
from django.urls import resolve

from hamsu.funnel.defaults import DEFAULT_FUNNEL
from hamsu.funnel.models import FunnelVersion

pytestmark = pytest.mark.django_db
migration = importlib.import_module("hamsu.funnel.migrations.0007_solution_collateral_link")


def test_the_default_solution_collateral_links_to_the_collateral_library():
    [stage] = [s for s in DEFAULT_FUNNEL if s["code"] == "solution_development"]
    assert resolve(stage["materials"][0]["url"]).view_name == "collaboration:collateral"


def test_published_versions_get_the_new_link_and_keep_their_own_materials():
    version = FunnelVersion.objects.create(number=1)
    own = {"title": "Our templates", "url": "/campaigns/"}
    stage = version.stages.create(
        funnel="sales",
        position=1,
        code="solution_development",
        name="Solution development",
        owner_function="shared",
        materials=[migration.OLD, own],
    )
    migration.forwards(apps, None)
    stage.refresh_from_db()
    assert stage.materials == [migration.NEW, own]
