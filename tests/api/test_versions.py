"""ETag / If-Match / 412 on every editable record of the API, generated from the OpenAPI
document (issue 18): a new resource that forgets its version fails here."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from hamsu.alignment.models import ActionItem as AlignmentAction
from hamsu.api import services as tokens
from hamsu.api.openapi import takes_if_match
from hamsu.api.urls import api
from hamsu.campaigns.models import Campaign, CostLine
from hamsu.collaboration.models import AccountPlan, Collateral, Meeting, PlanItem
from hamsu.collaboration.models import ActionItem as MeetingAction
from hamsu.crm import services as crm
from hamsu.dataio.models import WebhookEndpoint
from hamsu.funnel.models import BusinessCalendar, EngagementRule, RoutingRule, SlaPolicy
from hamsu.funnel.services import leads as lifecycle
from hamsu.scorecard import services as scorecard
from hamsu.scorecard.models import CostEntry, Target

pytestmark = pytest.mark.django_db

WRITES = ("patch", "put", "delete")
# Writes that are not edits of a shared record, so there is no one else's change to lose.
NOT_A_SHARED_RECORD = {
    # A survey answer sheet belongs to the one respondent holding its private token.
    ("put", "/api/v1/alignment/survey/{token}"),
    # An import job's column mapping, set by the one person running the import.
    ("put", "/api/v1/data/imports/{pk}/mapping"),
}
# Records that carry no version yet (issue 18 converted them app by app; none is left).
# This list only shrinks: any change or delete of a record must take If-Match and document 412.
NOT_YET_VERSIONED: set[tuple[str, str]] = set()


def _spec() -> dict:
    return api.get_openapi_schema()


def _record_writes():
    for path, operations in _spec()["paths"].items():
        for verb in WRITES:
            if verb in operations and "{" in path:
                yield verb, path, operations[verb]


def test_every_change_or_delete_of_a_record_takes_if_match():
    missing = sorted(
        (verb, path)
        for verb, path, operation in _record_writes()
        if not takes_if_match(operation) and (verb, path) not in NOT_A_SHARED_RECORD | NOT_YET_VERSIONED
    )
    assert missing == []


def test_every_write_that_takes_if_match_documents_412():
    undocumented = sorted(
        (verb, path)
        for verb, path, operation in _record_writes()
        if takes_if_match(operation) and "412" not in {str(status) for status in operation["responses"]}
    )
    assert undocumented == []


def _versioned_item_paths() -> list[str]:
    """Paths of one record (the company settings, one of a kind, are tested on their own)."""
    paths = []
    for path, operations in _spec()["paths"].items():
        if "{" not in path:
            continue
        get = operations.get("get", {})
        if "ETag" in get.get("responses", {}).get("200", {}).get("headers", {}):
            paths.append(path)
    return sorted(paths)


def test_versioned_records_are_found_in_the_document():
    assert "/api/v1/opportunities/{opportunity_id}" in _versioned_item_paths()


def test_every_record_that_takes_if_match_can_be_read_with_its_etag():
    # A client needs the ETag before it can send If-Match, and the tests below reach a
    # record's writes through its read.
    unreadable = sorted(
        path
        for verb, path, operation in _record_writes()
        if takes_if_match(operation) and path not in _versioned_item_paths()
    )
    assert unreadable == []


@pytest.fixture
def records(rep, make_opportunity):
    """At least one record of every versioned resource, so each path below finds one."""
    opportunity = make_opportunity(rep)
    crm.contact_create(actor=None, last_name="Karimi", account=opportunity.account, owner=rep)
    crm.activity_create(actor=None, owner=rep, kind="call", subject="Intro", opportunity=opportunity)
    lifecycle.lead_create(actor=None, email="lead@example.com", last_name="Lead")
    _funnel_rules(opportunity)
    # Records whose collection the API does not list (or lists by period): their item paths.
    return {
        "/api/v1/campaigns/{campaign_id}": _campaign().pk,
        "/api/v1/campaigns/costs/{cost_line_id}": CostLine.objects.create(
            campaign=_campaign(),
            period_start=TODAY,
            period_end=TODAY,
            amount=100,
            currency="USD",
            amount_base=100,
        ).pk,
        "/api/v1/scorecard/targets/{target_id}": Target.objects.create(
            period_kind="quarter",
            calendar="gregorian",
            period_key="2026Q4",
            period_start=TODAY,
            period_end=TODAY,
            scope="company",
            amount=1000,
        ).pk,
        "/api/v1/scorecard/costs/{cost_id}": CostEntry.objects.create(
            month=TODAY,
            function="marketing",
            category="tools",
            amount=10,
            currency="USD",
            amount_base=10,
        ).pk,
        "/api/v1/scorecard/plans/{plan_id}": scorecard.plan_create(
            actor=None,
            period="2027-Q1",
            target_amount="1000",
            # Every rate given, so the plan needs no measured history.
            adjustments={
                "win_rate": "0.25",
                "avg_deal_size": "100",
                "inquiry_to_mql": "0.5",
                "mql_to_sal": "0.5",
                "sal_to_sql": "0.5",
                "sql_to_opportunity": "0.5",
            },
        ).pk,
        **_working_together(opportunity, rep),
        "/api/v1/data/webhooks/{pk}": WebhookEndpoint.objects.create(
            url="https://93.184.216.34/hamsu", events=["lead.mql"]
        ).pk,
    }


TODAY = datetime.date(2026, 12, 1)


def _working_together(opportunity, rep) -> dict:
    meeting = Meeting.objects.create(
        title="Pipeline review", starts_at=timezone.now(), duration_minutes=30, status="planned"
    )
    item = MeetingAction.objects.create(meeting=meeting, title="Call Acme", owner=rep, due_on=TODAY)
    plan = AccountPlan.objects.create(account=opportunity.account, sales_owner=rep)
    return {
        "/api/v1/together/meetings/{meeting_id}": meeting.pk,
        "/api/v1/together/action-items/{item_id}": item.pk,
        "/api/v1/together/plans/{plan_id}": plan.pk,
        "/api/v1/together/plan-items/{item_id}": PlanItem.objects.create(plan=plan, title="Exec sponsor").pk,
        "/api/v1/together/collateral/{piece_id}": Collateral.objects.create(
            title="Acme case", kind="case_study", owner=rep
        ).pk,
        "/api/v1/alignment/action-items/{item_id}": AlignmentAction.objects.create(
            move="shared_funnel", title="One funnel", owner=rep
        ).pk,
    }


def _campaign():
    campaign = Campaign.objects.filter(name="Spring webinar").first()
    return campaign or Campaign.objects.create(name="Spring webinar", channel="webinar")


def _funnel_rules(opportunity):
    team = opportunity.owner.team
    RoutingRule.objects.create(name="Everyone", kind="round_robin", team=team)
    calendar = BusinessCalendar.objects.create(name="Office hours", workdays=[0, 1, 2, 3, 4])
    SlaPolicy.objects.create(name="Default", calendar=calendar)
    EngagementRule.objects.create(name="Tell the owner", subject="lead", actions=[{"type": "notify_owner"}])


@pytest.fixture
def auth(head_of_sales):
    # Every resource, the administrator's webhooks and company settings too.
    head_of_sales.user.is_superuser = True
    head_of_sales.user.save(update_fields=["is_superuser"])
    _token, raw = tokens.token_create(user=head_of_sales.user, name="versions")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _an_item_url(client, auth, item_path: str, known: dict) -> str:
    if item_path in known:
        return item_path.rsplit("/", 1)[0] + f"/{known[item_path]}"
    collection = item_path.rsplit("/", 1)[0]
    listed = client.get(collection, **auth).json()
    items = listed["items"] if isinstance(listed, dict) else listed
    assert items, f"the records fixture made no record for {item_path}"
    return item_path.rsplit("/", 1)[0] + f"/{items[0]['id']}"


@pytest.mark.parametrize("item_path", _versioned_item_paths())
def test_a_read_answers_the_records_version_as_etag(client, auth, records, item_path):
    url = _an_item_url(client, auth, item_path, records)
    response = client.get(url, **auth)
    body = response.json()
    # A funnel plan's ``version`` is its revision; its edits are counted by ``edit_version``.
    assert response["ETag"] == f'"{body.get("edit_version", body["version"])}"'


@pytest.mark.parametrize("item_path", _versioned_item_paths())
def test_a_stale_if_match_answers_412_and_writes_nothing(client, auth, records, item_path):
    url = _an_item_url(client, auth, item_path, records)
    before = client.get(url, **auth)
    operations = _spec()["paths"][item_path]
    for verb in ("patch", "delete"):
        if verb not in operations:
            continue
        body = {"data": json.dumps({}), "content_type": "application/json"} if verb == "patch" else {}
        refused = getattr(client, verb)(url, HTTP_IF_MATCH='"0"', **body, **auth)
        assert (verb, refused.status_code, refused.json()["status"]) == (verb, 412, 412)
    assert client.get(url, **auth)["ETag"] == before["ETag"]


@pytest.mark.parametrize("item_path", _versioned_item_paths())
def test_a_current_if_match_is_accepted(client, auth, records, item_path):
    url = _an_item_url(client, auth, item_path, records)
    if "patch" not in _spec()["paths"][item_path]:
        pytest.skip("no PATCH on this record")
    etag = client.get(url, **auth)["ETag"]
    response = client.patch(url, json.dumps({}), content_type="application/json", HTTP_IF_MATCH=etag, **auth)
    assert response.status_code == 200


# ---------------------------------------------------------------- the deal, in detail


def test_412_names_the_fields_changed_since(client, auth, rep, make_opportunity):
    deal = make_opportunity(rep)
    url = f"/api/v1/opportunities/{deal.pk}"
    etag = client.get(url, **auth)["ETag"]
    crm.opportunity_update(opportunity=deal, actor=rep.user, amount=9000)
    refused = client.patch(
        url, json.dumps({"name": "Mine"}), content_type="application/json", HTTP_IF_MATCH=etag, **auth
    )
    assert "amount" in [e["field"] for e in refused.json()["errors"]]


def test_patch_changes_only_the_fields_sent(client, auth, rep, make_opportunity):
    deal = make_opportunity(rep, name="Tender")
    url = f"/api/v1/opportunities/{deal.pk}"
    etag = client.get(url, **auth)["ETag"]
    crm.opportunity_update(opportunity=deal, actor=rep.user, name="Tender — phase 2")
    # Without If-Match (optional), a PATCH of the amount leaves the newer name alone.
    client.patch(url, json.dumps({"amount": "1500"}), content_type="application/json", **auth)
    deal.refresh_from_db()
    assert (deal.name, deal.amount, etag) == ("Tender — phase 2", 1500, '"1"')


def test_a_patch_answers_the_new_etag(client, auth, rep, make_opportunity):
    deal = make_opportunity(rep)
    url = f"/api/v1/opportunities/{deal.pk}"
    response = client.patch(
        url, json.dumps({"amount": "1500"}), content_type="application/json", HTTP_IF_MATCH='"1"', **auth
    )
    assert response["ETag"] == '"2"'


def test_a_stage_move_from_a_stage_the_deal_left_is_412(client, auth, rep, head_of_sales, make_opportunity):
    deal = make_opportunity(rep)
    crm.opportunity_move_stage(opportunity=deal, to_stage="qualifying", actor=rep.user)
    response = client.post(
        f"/api/v1/opportunities/{deal.pk}/stage",
        json.dumps({"stage": "needs_definition", "from_stage": "prospecting"}),
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 412


def test_an_if_match_that_is_no_etag_is_a_field_error(client, auth, rep, make_opportunity):
    deal = make_opportunity(rep)
    response = client.patch(
        f"/api/v1/opportunities/{deal.pk}",
        json.dumps({}),
        content_type="application/json",
        HTTP_IF_MATCH="yesterday",
        **auth,
    )
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "If-Match")


def test_the_document_says_a_read_answers_an_etag():
    get = _spec()["paths"]["/api/v1/accounts/{account_id}"]["get"]
    assert "ETag" in get["responses"]["200"]["headers"]
