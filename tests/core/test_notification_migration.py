"""The two old notification tables (collaboration's bell, the funnel's notices) are copied
into core's one inbox by the migrations, keeping who, what, when and whether it was read.

Runs the real migrations: back to just before the move, rows written with the historical
models, then forward to the latest migrations again."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from hamsu.core.models import Notification

# Migrating rewrites tables, which a test's own transaction would hide or refuse.
pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("core", "0002_notification"), ("collaboration", "0001_initial"), ("funnel", "0002_capture_intake")]


def _migrate(targets=None):
    """Migrate to ``targets`` (the latest of every app when None); the apps at that state."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def test_both_old_tables_are_copied_into_the_one_inbox(make_person):
    rep, manager = make_person("Rana Rep"), make_person("Mani Manager")
    t0 = timezone.now().replace(microsecond=0) - datetime.timedelta(days=3)
    try:
        old = _migrate(BEFORE)
        Bell = old.get_model("collaboration", "Notification")
        Notices = old.get_model("funnel", "Notification")
        Bell.objects.create(
            recipient_id=rep.pk, kind="meeting", title="Invitation: Monthly", body="Room 2",
            url="/together/meetings/1/", created_at=t0, read_at=t0 + datetime.timedelta(hours=1), emailed=True,
        )  # fmt: skip
        Bell.objects.create(recipient_id=manager.pk, kind="digest", title="Digest", created_at=t0)
        Notices.objects.create(
            recipient_id=manager.pk, kind="sla_breach", title="S" * 300, body="Due soon",
            link="/funnel/leads/7/", created_at=t0 + datetime.timedelta(days=1),
        )  # fmt: skip
        Notices.objects.create(
            recipient_id=rep.pk, kind="rule", title="Send the case studies", link="/crm/deals/3/",
            created_at=t0 + datetime.timedelta(days=2), read_at=t0 + datetime.timedelta(days=2, hours=2),
        )  # fmt: skip
    finally:
        _migrate()

    rows = {
        n.kind: n
        for n in Notification.objects.all()  # the real, current model
    }
    assert set(rows) == {"meeting", "digest", "sla_breach", "rule"}
    meeting, digest, breach, rule = rows["meeting"], rows["digest"], rows["sla_breach"], rows["rule"]
    assert (meeting.recipient_id, meeting.title, meeting.body, meeting.url) == (
        rep.pk, "Invitation: Monthly", "Room 2", "/together/meetings/1/",
    )  # fmt: skip
    assert meeting.created_at == t0
    assert meeting.read_at == t0 + datetime.timedelta(hours=1)
    assert meeting.emailed
    assert digest.recipient_id == manager.pk
    assert digest.read_at is None
    assert not digest.emailed
    # The funnel's link is the inbox's url; its 300-character titles fit whole.
    assert (breach.recipient_id, breach.title, breach.body, breach.url) == (
        manager.pk, "S" * 300, "Due soon", "/funnel/leads/7/",
    )  # fmt: skip
    assert breach.read_at is None
    assert breach.created_at == t0 + datetime.timedelta(days=1)
    assert rule.url == "/crm/deals/3/"
    assert rule.read_at == t0 + datetime.timedelta(days=2, hours=2)
    assert not breach.emailed
    assert not rule.emailed
    # New rows get fresh ids after the copied ones (the id sequence moved on too).
    fresh = Notification.objects.create(recipient=rep, kind="x", title="after")
    assert fresh.pk > max(n.pk for n in rows.values())


def test_going_back_puts_every_row_in_the_bell_table(make_person):
    rep = make_person("Rana Rep")
    Notification.objects.create(recipient=rep, kind="sla_breach", title="T" * 300, url="/funnel/leads/1/")
    Notification.objects.create(recipient=rep, kind="meeting", title="Invitation", read_at=timezone.now())
    try:
        old = _migrate(BEFORE)
        bell = old.get_model("collaboration", "Notification").objects.order_by("kind")
        assert [(n.kind, len(n.title), n.read_at is not None) for n in bell] == [
            ("meeting", len("Invitation"), True),
            ("sla_breach", 200, False),  # the old table's titles were shorter
        ]
        assert not old.get_model("funnel", "Notification").objects.exists()
    finally:
        _migrate()
    # Forward again: the core rows were never dropped, and are not doubled.
    assert Notification.objects.count() == 2
