"""Backup → flush → restore reproduces every row exactly."""

from __future__ import annotations

import datetime
import zipfile
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.utils import timezone

from hamsu.core.errors import ValidationFailed
from hamsu.crm import services as crm
from hamsu.crm.models import Contact, Opportunity
from hamsu.dataio.backup import backed_up_models, backup_write, restore_path
from hamsu.funnel.models import Handoff, HandoffDayTotal, Lead

# Restore flushes tables, which PostgreSQL refuses inside the test's own transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every backed-up table; permissions by natural key, since a fresh
    install numbers them anew."""
    keys = {
        p.pk: f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.select_related("content_type")
    }
    result = {}
    for model in backed_up_models():
        fields = list(model._meta.concrete_fields)
        rows = model._base_manager.order_by("pk").values_list(*[f.attname for f in fields])
        result[model._meta.label_lower] = [
            tuple(
                keys[v] if f.is_relation and f.related_model is Permission else v
                for f, v in zip(fields, row, strict=True)
            )
            for row in rows
        ]
    return result


def test_backup_flush_restore_reproduces_every_row(tmp_path, rep, make_opportunity, admin):
    deal = make_opportunity(rep, name="Ünïcode — معامله", amount="1234.56", external_id="D-1")
    crm.opportunity_move_stage(opportunity=deal, to_stage="qualifying", actor=rep.user, reason="call")
    crm.contact_create(
        actor=rep.user, last_name="رضایی", email="r@example.com", account=deal.account, owner=rep
    )
    lead = Lead.objects.create(
        email="lead@example.com", queue="marketing", score_reasons=[{"why": "webinar", "points": 5}]
    )
    now = timezone.now()
    Handoff.objects.create(lead=lead, team=rep.team, due_at=now + datetime.timedelta(hours=8))
    Handoff.objects.create(
        lead=lead, team=rep.team, status="accepted", opened_at=now, due_at=now, closed_at=now
    )
    totals = sorted(HandoffDayTotal.objects.values_list("day", "team_key", "mqls", "accepted", "on_time"))
    assert totals
    assert totals[0][2:] == (2, 1, 1)
    before = snapshot()
    assert before["crm.opportunity"]
    assert before["crm.stageevent"]
    assert before["core.auditentry"]
    assert before["core.user_groups"]
    assert before["auth.group_permissions"]
    path = tmp_path / "backup.zip"
    call_command("backup", str(path))
    with zipfile.ZipFile(path) as archive:
        assert "manifest.json" in archive.namelist()
        assert "tables/crm.opportunity.jsonl" in archive.namelist()
    call_command("flush", interactive=False, verbosity=0)
    assert not Contact.objects.exists()
    call_command("restore", str(path))
    after = snapshot()
    for label, rows in before.items():
        assert after[label] == rows, label
    # Totals the database keeps from the handoffs come back from the restored handoffs.
    assert "funnel.handoffdaytotal" not in before
    restored = HandoffDayTotal.objects.filter(mqls__gt=0)
    assert sorted(restored.values_list("day", "team_key", "mqls", "accepted", "on_time")) == totals


def test_restore_refuses_an_instance_with_data(tmp_path, rep, make_account):
    make_account(rep)
    path = tmp_path / "b.zip"
    backup_write(path)
    with pytest.raises(ValidationFailed) as error:
        restore_path(path)
    assert "crm.account" in error.value.errors["instance"]


def test_restore_refuses_what_is_not_a_backup(tmp_path):
    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ValidationFailed, match="not a Hamsu backup"):
        restore_path(path)


def test_admin_downloads_a_backup_and_others_cannot(client, admin, rep):
    client.force_login(rep.user)
    assert client.get("/data/backup/").status_code == 403
    client.force_login(admin.user)
    response = client.get("/data/backup/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert datetime.date.today().strftime("%Y%m%d") in response["Content-Disposition"]


def test_a_restore_keeps_each_records_version(tmp_path, rep, make_opportunity, admin):
    # A form or API client holding version 3 before the restore must still be current after it
    # (and one holding version 2 still stale): the restore writes the version back unchanged.
    deal = make_opportunity(rep, name="Versioned")
    crm.opportunity_update(opportunity=deal, actor=None, amount=Decimal("2000"))
    crm.opportunity_update(opportunity=deal, actor=None, amount=Decimal("3000"))
    path = tmp_path / "backup.zip"
    call_command("backup", str(path))
    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", str(path))
    assert Opportunity.objects.get(pk=deal.pk).version == 3
