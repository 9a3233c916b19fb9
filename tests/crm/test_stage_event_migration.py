"""The stage-event log moves from the funnel to the CRM without copying a row (crm 0006,
funnel 0008): the table is renamed, and everything about it — rows and their ids, the
foreign keys, the named indexes, the id sequence, append-only, the permissions granted on
it — is the same afterwards.

Runs the real migrations: back to just before the move, rows written with the historical
funnel model, then forward to the latest migrations again (and back once more)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from hamsu.crm.models import StageEvent
from hamsu.crm.stages import Stage

# Migrating renames tables, which a test's own transaction would hide or refuse.
pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("crm", "0005_pipeline_total"), ("funnel", "0007_solution_collateral_link")]
NAMED_INDEXES = {"stage_event_object_idx", "stage_event_opp_idx", "stage_event_to_idx", "stage_event_at_idx"}
COLUMNS = ["id", "object_type", "object_id", "opportunity_id", "from_stage", "to_stage", "at", "actor_id"]


def _migrate(targets=None):
    """Migrate to ``targets`` (the latest of every app when None); the apps at that state."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return MigrationExecutor(connection).loader.project_state(targets).apps


def _tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def _constraints(table: str) -> dict:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, table)


def _rows(model) -> list[tuple]:
    return list(model.objects.order_by("pk").values_list(*COLUMNS, "reason", "via"))


def _write_history(make_person, make_opportunity) -> dict:
    """Before the move: a deal's stage events and a lead's, written to the funnel's table."""
    rep = make_person("Rana Rep")
    deal = make_opportunity(rep, amount="5000")
    at = timezone.now().replace(microsecond=0) - datetime.timedelta(days=5)
    reader = Group.objects.create(name="Log readers")
    reader.permissions.add(Permission.objects.get(content_type__app_label="crm", codename="view_stageevent"))
    content_type = ContentType.objects.get(app_label="crm", model="stageevent").pk
    try:
        old = _migrate(BEFORE)
        OldEvent = old.get_model("funnel", "StageEvent")
        OldEvent.objects.create(
            object_type="opportunity", object_id=deal.pk, opportunity_id=deal.pk, from_stage=Stage.PROSPECTING,
            to_stage=Stage.QUALIFYING, at=at, actor_id=rep.user_id, reason="Budget confirmed", via="ui",
        )  # fmt: skip
        OldEvent.objects.create(
            object_type="lead", object_id=41, from_stage="inquiry", to_stage="mql",
            at=at + datetime.timedelta(hours=2), reason="Score 80", via="system",
        )  # fmt: skip
        before = _rows(OldEvent)
        tables = _tables()
    finally:
        _migrate()
    return {"deal": deal, "rep": rep, "before": before, "tables": tables, "content_type": content_type}


def test_the_log_moves_to_the_crm_with_everything_about_it(make_person, make_opportunity):
    history = _write_history(make_person, make_opportunity)
    # Before: the funnel's table, holding the deal's creation event and the two above.
    assert "funnel_stageevent" in history["tables"]
    assert "crm_stageevent" not in history["tables"]
    assert len(history["before"]) == 3

    # After: the CRM's table, every row with its id and values.
    tables = _tables()
    assert "crm_stageevent" in tables
    assert "funnel_stageevent" not in tables
    assert StageEvent._meta.db_table == "crm_stageevent"
    assert _rows(StageEvent) == history["before"]

    # The named indexes and the foreign keys went with the table.
    constraints = _constraints("crm_stageevent")
    assert set(constraints) >= NAMED_INDEXES
    targets = {tuple(c["columns"]): c["foreign_key"] for c in constraints.values() if c["foreign_key"]}
    assert targets[("opportunity_id",)] == ("crm_opportunity", "id")
    assert targets[("actor_id",)][0] == "core_user"

    # Deals read their events through the moved log; the actor and the labels come through,
    # the lead states' labels too (registered by the funnel, which the CRM does not import).
    events = history["deal"].stage_events.order_by("pk")
    assert [e.to_stage for e in events] == [Stage.PROSPECTING, Stage.QUALIFYING]
    moved = StageEvent.objects.get(reason="Budget confirmed")
    assert moved.actor_id == history["rep"].user_id
    assert moved.get_to_stage_display() == str(Stage.QUALIFYING.label)
    assert StageEvent.objects.get(object_type="lead").get_to_stage_display() == "Marketing-qualified lead"

    # New events get ids after the moved ones (the id sequence went with the table).
    fresh = StageEvent.objects.create(object_type="lead", object_id=42, to_stage="inquiry")
    assert fresh.pk > max(row[0] for row in history["before"])

    # Still append-only.
    with pytest.raises(TypeError):
        StageEvent.objects.filter(object_type="lead").delete()
    event = StageEvent.objects.get(object_type="lead", object_id=41)
    event.reason = "rewritten"
    with pytest.raises(TypeError):
        event.save()
    assert StageEvent.objects.get(object_type="lead", object_id=41).reason == "Score 80"

    # The permission granted on the log before the move still holds.
    assert ContentType.objects.get_for_model(StageEvent).pk == history["content_type"]
    granted = Group.objects.get(name="Log readers").permissions.values_list(
        "content_type__app_label", "codename"
    )
    assert list(granted) == [("crm", "view_stageevent")]


def test_going_back_puts_the_rows_in_the_funnels_table(make_person, make_opportunity):
    make_opportunity(make_person("Rana Rep"), amount="5000")
    StageEvent.objects.create(object_type="lead", object_id=7, to_stage="mql", reason="Score 90")
    after = _rows(StageEvent)
    content_type = ContentType.objects.get(app_label="crm", model="stageevent").pk
    try:
        old = _migrate(BEFORE)
        back = _rows(old.get_model("funnel", "StageEvent"))
        tables = _tables()
        indexes = set(_constraints("funnel_stageevent"))
        content_type_back = ContentType.objects.get(app_label="funnel", model="stageevent").pk
    finally:
        _migrate()
    assert back == after
    assert "crm_stageevent" not in tables
    assert indexes >= NAMED_INDEXES
    assert content_type_back == content_type
    # Forward again: the same rows, not doubled.
    assert _rows(StageEvent) == after
