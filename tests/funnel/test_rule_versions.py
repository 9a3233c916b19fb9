"""No lost updates on the funnel's rules and in bulk lead writes (issue 18): routing rules,
SLA policies and rules of engagement carry a version that every write path bumps; a form
opened before someone else's save merges untouched fields or shows yours/theirs; a bulk
write to leads (a capture, a re-scoring, a deal import, a follow-up) bumps the lead's
version so a form opened before it cannot overwrite it."""

from __future__ import annotations

import json

import pytest

from hamsu.api import services as tokens
from hamsu.core.models import AuditEntry
from hamsu.funnel.models import Lead, RoutingRule, SlaPolicy
from hamsu.funnel.services import engagement, handoff, routing
from hamsu.funnel.services import leads as lifecycle

pytestmark = pytest.mark.django_db

ROUTING = "/funnel/rules/routing/"


def _routing_form(rule, **changes) -> dict:
    data = {
        "version": rule.version,
        "name": rule.name,
        "kind": rule.kind,
        "team": rule.team_id or "",
        "segment": rule.segment_id or "",
        "countries": ", ".join(rule.countries),
        "capacity": rule.capacity or "",
        "conditions": "",
        "is_active": "on" if rule.is_active else "",
    }
    data.update(changes)
    return data


def test_every_rule_write_bumps_its_version(round_robin):
    routing.routing_rule_update(rule=round_robin, actor=None, capacity=5)
    assert RoutingRule.objects.get(pk=round_robin.pk).version == 2


def test_moving_a_rule_bumps_the_version_of_each_rule_that_moved(teams, round_robin):
    other = RoutingRule.objects.create(position=20, name="Second", kind="round_robin", team=teams["smb"])
    routing.routing_rule_move(rule=other, direction="up", actor=None)
    assert RoutingRule.objects.get(pk=round_robin.pk).version == 2


def test_a_stale_routing_form_keeps_the_other_persons_change_to_a_field_it_did_not_touch(
    client, head_of_sales, round_robin
):
    client.force_login(head_of_sales.user)
    opened = _routing_form(round_robin)
    routing.routing_rule_update(rule=round_robin, actor=None, capacity=7)
    client.post(f"{ROUTING}{round_robin.pk}/", {**opened, "name": "Enterprise pool"})
    rule = RoutingRule.objects.get(pk=round_robin.pk)
    assert (rule.name, rule.capacity) == ("Enterprise pool", 7)


def test_a_stale_routing_form_that_changed_the_same_field_writes_nothing(client, head_of_sales, round_robin):
    client.force_login(head_of_sales.user)
    opened = _routing_form(round_robin)
    routing.routing_rule_update(rule=round_robin, actor=head_of_sales.user, name="Theirs")
    response = client.post(f"{ROUTING}{round_robin.pk}/", {**opened, "name": "Mine"})
    assert RoutingRule.objects.get(pk=round_robin.pk).name == "Theirs"
    assert response.status_code == 409


def test_the_refused_routing_form_shows_yours_and_theirs(client, head_of_sales, round_robin):
    client.force_login(head_of_sales.user)
    opened = _routing_form(round_robin)
    routing.routing_rule_update(rule=round_robin, actor=head_of_sales.user, name="Theirs")
    page = client.post(f"{ROUTING}{round_robin.pk}/", {**opened, "name": "Mine"}).content.decode()
    assert 'data-testid="keep-theirs-name"' in page


def test_keeping_theirs_after_a_conflict_saves_the_rest_with_the_new_version(
    client, head_of_sales, round_robin
):
    client.force_login(head_of_sales.user)
    opened = _routing_form(round_robin)
    routing.routing_rule_update(rule=round_robin, actor=head_of_sales.user, name="Theirs")
    client.post(f"{ROUTING}{round_robin.pk}/", {**opened, "name": "Mine", "capacity": 4})
    again = {**opened, "version": 2, "name": "Mine", "capacity": 4, "keep__name": "theirs"}
    client.post(f"{ROUTING}{round_robin.pk}/", again)
    rule = RoutingRule.objects.get(pk=round_robin.pk)
    assert (rule.name, rule.capacity) == ("Theirs", 4)


def test_deactivating_from_a_list_shown_before_someone_reactivated_it_is_refused(
    client, head_of_sales, round_robin
):
    client.force_login(head_of_sales.user)
    shown = round_robin.version
    routing.routing_rule_update(rule=round_robin, actor=None, is_active=False)
    routing.routing_rule_update(rule=round_robin, actor=None, is_active=True)
    client.post(f"{ROUTING}{round_robin.pk}/active/", {"active": "0", "version": shown})
    assert RoutingRule.objects.get(pk=round_robin.pk).is_active is True


def test_a_stale_sla_form_that_changed_the_same_field_writes_nothing(client, head_of_sales, policy):
    client.force_login(head_of_sales.user)
    opened = {
        "version": policy.version,
        "name": policy.name,
        "team": "",
        "calendar": policy.calendar_id,
        "accept_within_hours": "8",
        "follow_up_within_hours": "16",
        "min_attempts": 3,
        "mql_target_per_month": 100,
        "acceptance_rate_target": "70",
    }
    handoff.sla_policy_update(policy=policy, actor=None, accept_within_hours=4)
    client.post(f"/funnel/rules/sla/{policy.pk}/", {**opened, "accept_within_hours": "12"})
    assert SlaPolicy.objects.get(pk=policy.pk).accept_within_hours == 4


def test_retiring_a_policy_changed_since_the_page_was_shown_is_refused(client, head_of_sales, policy):
    client.force_login(head_of_sales.user)
    shown = policy.version
    handoff.sla_policy_update(policy=policy, actor=None, accept_within_hours=4)
    client.post(f"/funnel/rules/sla/{policy.pk}/retire/", {"version": shown})
    assert SlaPolicy.objects.filter(pk=policy.pk).exists()


def test_a_stale_engagement_rule_update_is_in_its_audit_trail(head_of_sales):
    rule = engagement.engagement_rule_create(
        actor=None,
        name="Tell",
        subject="lead",
        event="any",
        conditions={},
        actions=[{"type": "notify_owner"}],
    )
    engagement.engagement_rule_update(rule=rule, actor=None, name="Tell the owner")
    with pytest.raises(Exception):  # noqa: B017 - StaleVersion, checked through the audit trail
        engagement.engagement_rule_update(
            rule=rule, actor=head_of_sales.user, expected_version=1, name="Mine"
        )
    assert AuditEntry.objects.filter(
        object_type="funnel.engagementrule", object_id=str(rule.pk), action="conflict"
    ).exists()


def test_the_api_refuses_a_stale_if_match_on_a_routing_rule_naming_the_field(
    head_of_sales, client, round_robin
):
    _token, raw = tokens.token_create(user=head_of_sales.user, name="rules")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    url = f"/api/v1/funnel/routing-rules/{round_robin.pk}"
    etag = client.get(url, **auth)["ETag"]
    routing.routing_rule_update(rule=round_robin, actor=None, capacity=9)
    refused = client.patch(
        url, json.dumps({"name": "Mine"}), content_type="application/json", HTTP_IF_MATCH=etag, **auth
    )
    assert [e["field"] for e in refused.json()["errors"]] == ["capacity"]


# ---------------------------------------------------------------- bulk lead writes


def test_logging_a_follow_up_bumps_the_leads_version(rep, mql):
    lead = lifecycle.lead_accept(lead=mql, actor=rep.user)
    before = Lead.objects.get(pk=lead.pk).version
    lifecycle.lead_log_follow_up(lead=lead, actor=rep.user)
    assert Lead.objects.get(pk=lead.pk).version == before + 1


def _capture_again(email: str) -> None:
    from django.db import transaction

    from hamsu.funnel.services.capture_process import capture_entries
    from hamsu.funnel.services.capture_records import Entry

    with transaction.atomic():
        capture_entries([Entry(payload={"email": email, "last_name": "Again", "touch_kind": "webinar"})])


def test_a_capture_that_rescores_a_lead_bumps_its_version(make_lead):
    lead = make_lead(email="again@acme.example")
    before = Lead.objects.get(pk=lead.pk)
    _capture_again("again@acme.example")
    after = Lead.objects.get(pk=lead.pk)
    assert after.version == before.version + (after.score != before.score)


def test_a_form_opened_before_a_capture_rescored_the_lead_still_saves_its_own_edit(make_lead):
    lead = make_lead(email="again@acme.example", title="Buyer")
    opened = Lead.objects.get(pk=lead.pk).version
    _capture_again("again@acme.example")
    lifecycle.lead_update(lead=lead, actor=None, expected_version=opened, title="Head buyer")
    assert Lead.objects.get(pk=lead.pk).title == "Head buyer"


def test_a_deal_import_that_moves_a_lead_bumps_its_version(make_lead, rep, make_account, tmp_path):
    from hamsu.dataio import services as dataio

    make_account(rep, name="Acme")
    lead = make_lead(external_id="L-1")
    before = Lead.objects.get(pk=lead.pk).version
    path = tmp_path / "deals.csv"
    path.write_text(f"name,account,owner,stage,amount,lead\nTender,Acme,{rep.email},Qualifying,1000,L-1\n")
    mapping = {
        "columns": {
            "name": "name",
            "account": "account",
            "owner": "owner",
            "stage": "stage",
            "amount": "amount",
            "lead": "lead",
        }
    }
    job = dataio.import_job_create(actor=None, kind="opportunities", path=path, mapping=mapping, via="cli")
    dataio.import_job_execute(job_id=job.pk, dry_run=False)
    assert Lead.objects.get(pk=lead.pk).version > before
