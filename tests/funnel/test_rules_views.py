"""The rule pages: routing rules, SLA policies with their calendars and rules of
engagement — listed readably, created, edited, reordered, deactivated and tested through
the pages, with field-level errors for bad input and the API's permissions."""

from __future__ import annotations

import html
import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hamsu.core.models import AuditEntry
from hamsu.crm.stages import Stage
from hamsu.funnel.models import (
    BusinessCalendar,
    EngagementFiring,
    EngagementRule,
    RoundRobinCursor,
    RoutingRule,
    RoutingRuleKind,
    SlaPolicy,
)
from hamsu.funnel.services import engagement

pytestmark = pytest.mark.django_db

ROUTING = "/funnel/rules/routing/"
SLA = "/funnel/rules/sla/"
ENGAGEMENT = "/funnel/rules/engagement/"


def text(response) -> str:
    return response.content.decode()


def field_error(response, field: str) -> str:
    """The message shown under ``field`` (empty when there is none)."""
    marker = f'data-field-error="{field}">'
    body = text(response)
    if marker not in body:
        return ""
    return html.unescape(body.split(marker, 1)[1].split("</div>", 1)[0])


def rule_names() -> list[str]:
    return list(RoutingRule.objects.order_by("position", "pk").values_list("name", flat=True))


# ---------------------------------------------------------------- routing


def test_routing_rule_create_edit_reorder_and_deactivate_through_the_pages(
    client, head_of_sales, teams, round_robin, catalogue
):
    client.force_login(head_of_sales.user)
    assert client.get(f"{ROUTING}new/").status_code == 200
    response = client.post(
        f"{ROUTING}new/",
        {
            "name": "Gulf",
            "kind": "territory",
            "team": teams["smb"].pk,
            "countries": "ae, om",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, field_error(response, "countries")
    gulf = RoutingRule.objects.get(name="Gulf")
    # A new rule goes to the end of the order, with codes in capitals.
    assert gulf.countries == ["AE", "OM"]
    assert rule_names() == ["Enterprise round robin", "Gulf"]
    assert AuditEntry.objects.filter(
        object_type="funnel.routingrule", object_id=str(gulf.pk), via="ui"
    ).exists()

    client.post(
        f"{ROUTING}new/",
        {
            "name": "Manufacturing",
            "kind": "segment",
            "team": teams["enterprise"].pk,
            "segment": catalogue["segment"].pk,
        },
    )
    listing = text(client.get(ROUTING))
    assert "country is one of AE, OM" in listing
    assert "round robin in Sales — SMB" in listing
    assert "segment is Manufacturing" in listing
    assert "handoff queue" in listing

    response = client.post(
        f"{ROUTING}{gulf.pk}/",
        {
            "name": "Gulf states",
            "kind": "territory",
            "team": teams["smb"].pk,
            "countries": "AE OM QA",
            "capacity": "25",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    gulf.refresh_from_db()
    assert (gulf.name, gulf.countries, gulf.capacity) == ("Gulf states", ["AE", "OM", "QA"], 25)

    # Reorder: the last rule moves up twice to the top; moving the top rule up changes nothing.
    manufacturing = RoutingRule.objects.get(name="Manufacturing")
    client.post(f"{ROUTING}{manufacturing.pk}/move/", {"direction": "up"})
    assert rule_names() == ["Enterprise round robin", "Manufacturing", "Gulf states"]
    client.post(f"{ROUTING}{manufacturing.pk}/move/", {"direction": "up"})
    client.post(f"{ROUTING}{manufacturing.pk}/move/", {"direction": "up"})
    assert rule_names() == ["Manufacturing", "Enterprise round robin", "Gulf states"]
    client.post(f"{ROUTING}{gulf.pk}/move/", {"direction": "down"})
    assert rule_names()[-1] == "Gulf states"
    # htmx asks for the same move and gets the list page back (it swaps in the table).
    response = client.post(
        f"{ROUTING}{gulf.pk}/move/", {"direction": "up"}, HTTP_HX_REQUEST="true", follow=True
    )
    assert 'id="routing-rules"' in text(response)
    assert rule_names() == ["Manufacturing", "Gulf states", "Enterprise round robin"]

    client.post(f"{ROUTING}{gulf.pk}/active/", {"active": "0"})
    gulf.refresh_from_db()
    assert gulf.is_active is False
    assert f'data-testid="activate-{gulf.pk}"' in text(client.get(ROUTING))
    client.post(f"{ROUTING}{gulf.pk}/active/", {"active": "1"})
    gulf.refresh_from_db()
    assert gulf.is_active is True


def test_bad_routing_input_gives_field_errors_and_stores_nothing(client, head_of_sales, teams):
    client.force_login(head_of_sales.user)
    response = client.post(
        f"{ROUTING}new/", {"name": "Nowhere", "kind": "territory", "team": teams["smb"].pk}
    )
    assert response.status_code == 200
    assert "two-letter country codes" in field_error(response, "countries")
    response = client.post(
        f"{ROUTING}new/",
        {"name": "Iran", "kind": "territory", "team": teams["smb"].pk, "countries": "Iran, AE"},
    )
    assert "Iran" in field_error(response, "countries")
    response = client.post(f"{ROUTING}new/", {"name": "No team", "kind": "round_robin"})
    assert "choose one" in field_error(response, "team")
    response = client.post(
        f"{ROUTING}new/", {"name": "No segment", "kind": "segment", "team": teams["smb"].pk}
    )
    assert field_error(response, "segment")
    assert not RoutingRule.objects.exists()


def test_an_invalid_edit_leaves_the_stored_rule_alone(client, head_of_sales, round_robin):
    client.force_login(head_of_sales.user)
    response = client.post(f"{ROUTING}{round_robin.pk}/", {"name": "Broken", "kind": "segment", "team": ""})
    assert response.status_code == 200
    assert field_error(response, "team")
    round_robin.refresh_from_db()
    assert (round_robin.name, round_robin.kind) == ("Enterprise round robin", RoutingRuleKind.ROUND_ROBIN)


def test_routing_test_page_explains_the_decision_without_assigning(
    client, manager, rep, teams, make_lead, round_robin, policy, catalogue
):
    segment_rule = RoutingRule.objects.create(
        position=1,
        name="Manufacturing first",
        kind="segment",
        team=teams["smb"],
        segment=catalogue["segment"],
    )
    lead = make_lead(country="IR")
    client.force_login(manager.user)
    response = client.get(f"{ROUTING}test/", {"lead": f"{lead} [#{lead.pk}]", "rule": segment_rule.pk})
    body = text(response)
    assert response.status_code == 200
    assert "Would go to Reza Rep" in body
    assert "team round robin" in body
    # Why the highlighted rule did not take it, in the routing service's own words.
    assert "does not cover this lead" in body
    assert "not Manufacturing" in body
    # A dry run: nobody is assigned and round robin has not moved on.
    lead.refresh_from_db()
    assert lead.owner is None
    assert not lead.assignments.exists()
    assert not RoundRobinCursor.objects.filter(last_person__isnull=False).exists()
    # By e-mail too; an unknown lead is a field error.
    assert "Would go to Reza Rep" in text(client.get(f"{ROUTING}test/", {"lead": lead.email}))
    response = client.get(f"{ROUTING}test/", {"lead": "nobody@example.com"})
    assert field_error(response, "lead")


# ---------------------------------------------------------------- SLA policies and calendars


def test_calendar_and_sla_policy_create_edit_and_retire(client, head_of_sales, manager, liaison, teams):
    client.force_login(head_of_sales.user)
    assert "create a business calendar first" in text(client.get(f"{SLA}new/"))
    response = client.post(
        "/funnel/rules/calendars/new/",
        {
            "name": "Tehran office",
            "timezone": "Asia/Tehran",
            "workdays": ["5", "6", "0", "1", "2"],
            "day_start": "08:00",
            "day_end": "16:00",
            "holidays": "1404-01-13\n2025-06-06",
            "jalali_holidays": "01-01, 01-02\n1-3",
            "gregorian_holidays": "",
        },
    )
    assert response.status_code == 302, text(response)
    calendar = BusinessCalendar.objects.get()
    assert calendar.workdays == [5, 6, 0, 1, 2]
    # A Jalali date is stored as its Gregorian day.
    assert calendar.holidays == ["2025-04-02", "2025-06-06"]
    assert calendar.jalali_holidays == ["01-01", "01-02", "01-03"]

    response = client.post(
        f"{SLA}new/",
        {
            "name": "Enterprise",
            "team": teams["enterprise"].pk,
            "calendar": calendar.pk,
            "accept_within_hours": "4",
            "follow_up_within_hours": "۱۲",
            "min_attempts": "3",
            "mql_target_per_month": "120",
            "acceptance_rate_target": "75",
        },
    )
    assert response.status_code == 302, text(response)
    policy = SlaPolicy.objects.get()
    assert policy.follow_up_within_hours == Decimal("12")
    listing = text(client.get(SLA))
    assert "Sat–Wed, 08:00–16:00 (Asia/Tehran)" in listing
    # Escalation goes to the people sla_check notifies: the team manager and its liaisons.
    assert "Mani Manager" in listing
    assert "Lili Liaison" in listing

    data = SlaPolicyEditData(policy, accept_within_hours="6")
    assert client.post(f"{SLA}{policy.pk}/", data).status_code == 302
    policy.refresh_from_db()
    assert policy.accept_within_hours == Decimal("6")
    assert AuditEntry.objects.filter(object_type="funnel.slapolicy", action="update", via="ui").exists()

    client.post(f"{SLA}{policy.pk}/retire/")
    assert not SlaPolicy.objects.exists()
    assert AuditEntry.objects.filter(object_type="funnel.slapolicy", action="delete").exists()


def SlaPolicyEditData(policy, **changes) -> dict:
    data = {
        "name": policy.name,
        "team": policy.team_id or "",
        "calendar": policy.calendar_id,
        "accept_within_hours": policy.accept_within_hours,
        "follow_up_within_hours": policy.follow_up_within_hours,
        "min_attempts": policy.min_attempts,
        "mql_target_per_month": policy.mql_target_per_month,
        "acceptance_rate_target": policy.acceptance_rate_target,
    }
    return {**data, **changes}


def test_bad_sla_input_gives_field_errors_and_stores_nothing(client, head_of_sales, policy):
    client.force_login(head_of_sales.user)
    # A second default (team-less) policy would make "the default" a guess.
    response = client.post(f"{SLA}new/", SlaPolicyEditData(policy, name="Another default"))
    assert "default policy" in field_error(response, "team")
    response = client.post(f"{SLA}new/", SlaPolicyEditData(policy, name="Default"))
    assert "already has this name" in field_error(response, "name")
    response = client.post(f"{SLA}{policy.pk}/", SlaPolicyEditData(policy, accept_within_hours="0"))
    assert field_error(response, "accept_within_hours")
    response = client.post(f"{SLA}{policy.pk}/", SlaPolicyEditData(policy, acceptance_rate_target="120"))
    assert field_error(response, "acceptance_rate_target")
    assert SlaPolicy.objects.count() == 1
    policy.refresh_from_db()
    assert policy.accept_within_hours == Decimal("8")
    response = client.post(
        "/funnel/rules/calendars/new/",
        {
            "name": "Odd",
            "timezone": "UTC",
            "workdays": ["0"],
            "day_start": "09:00",
            "day_end": "17:00",
            "jalali_holidays": "13-40",
        },
    )
    assert "13-40" in field_error(response, "jalali_holidays")
    response = client.post(
        "/funnel/rules/calendars/new/",
        {"name": "Nights", "timezone": "UTC", "workdays": ["0"], "day_start": "17:00", "day_end": "09:00"},
    )
    assert field_error(response, "day_end")
    response = client.post(
        "/funnel/rules/calendars/new/",
        {"name": "No days", "timezone": "UTC", "day_start": "09:00", "day_end": "17:00"},
    )
    assert field_error(response, "workdays")
    assert BusinessCalendar.objects.count() == 1


# ---------------------------------------------------------------- rules of engagement

BIG_DEAL = {
    "name": "Big deals involve a brand manager",
    "subject": "opportunity",
    "event": "any",
    "conditions": json.dumps({"field": "amount", "op": "gte", "value": 2_000_000}),
    "actions": json.dumps(
        [
            {"type": "add_participant", "role": "brand_manager"},
            {"type": "create_task", "subject": "Plan the deal", "due_in_days": 5},
        ]
    ),
    "is_active": "on",
}


def test_engagement_rule_create_edit_reorder_and_deactivate_through_the_pages(client, head_of_marketing):
    engagement.engagement_rules_install_defaults()
    client.force_login(head_of_marketing.user)
    response = client.post(f"{ENGAGEMENT}new/", BIG_DEAL)
    assert response.status_code == 302, text(response)
    rule = EngagementRule.objects.get(name=BIG_DEAL["name"])
    assert rule.conditions == {"field": "amount", "op": "gte", "value": 2_000_000}
    assert list(EngagementRule.objects.order_by("position", "pk"))[-1] == rule

    listing = text(client.get(ENGAGEMENT))
    assert "amount ≥ 2,000,000" in listing
    assert "add a brand manager to the deal" in listing
    assert "“Plan the deal” for the owner, due in 5 days" in listing
    assert "lead state is Lost" in listing  # a default rule, its code shown by its label

    edit = text(client.get(f"{ENGAGEMENT}{rule.pk}/"))
    assert "&quot;amount&quot;" in edit  # the stored JSON, ready to edit
    assert "As saved, the rule reads:" in edit
    assert "amount ≥ 2,000,000" in edit
    changed = {
        **BIG_DEAL,
        "conditions": json.dumps(
            {
                "all": [
                    {"field": "amount", "op": "gte", "value": 5_000_000},
                    {"field": "country", "op": "in", "value": ["IR", "AE"]},
                ]
            }
        ),
    }
    assert client.post(f"{ENGAGEMENT}{rule.pk}/", changed).status_code == 302
    rule.refresh_from_db()
    assert rule.conditions["all"][0]["value"] == 5_000_000
    assert "amount ≥ 5,000,000 and country is one of IR, AE" in text(client.get(ENGAGEMENT))

    client.post(f"{ENGAGEMENT}{rule.pk}/move/", {"direction": "up"})
    order = list(EngagementRule.objects.order_by("position", "pk").values_list("pk", flat=True))
    assert order.index(rule.pk) == len(order) - 2

    client.post(f"{ENGAGEMENT}{rule.pk}/active/", {"active": "0"})
    rule.refresh_from_db()
    assert rule.is_active is False
    assert AuditEntry.objects.filter(
        object_type="funnel.engagementrule",
        object_id=str(rule.pk),
        action="update",
        changes__is_active=[True, False],
    ).exists()


@pytest.mark.parametrize(
    ("conditions", "expected"),
    [
        ({"field": "salary", "op": "gt", "value": 1}, "unknown field 'salary'"),
        ({"field": "amount", "op": "between", "value": [1, 2]}, "unknown operator 'between'"),
        ({"field": "amount", "op": "gte", "value": "lots"}, "give a number"),
        ({"field": "country", "op": "in", "value": []}, "non-empty list"),
        ({"field": "score", "op": "gte", "value": 50}, "unknown field 'score'"),  # a lead field, not a deal's
        ({"touches": {"kind": "webinar"}, "op": "gte", "value": 2}, "counting touches"),
    ],
)
def test_a_bad_condition_is_a_field_error_and_stores_nothing(client, head_of_marketing, conditions, expected):
    client.force_login(head_of_marketing.user)
    response = client.post(f"{ENGAGEMENT}new/", {**BIG_DEAL, "conditions": json.dumps(conditions)})
    assert response.status_code == 200
    assert expected in field_error(response, "conditions")
    assert not EngagementRule.objects.exists()


def test_bad_json_and_bad_actions_are_field_errors(client, head_of_marketing):
    engagement.engagement_rules_install_defaults()
    rule = EngagementRule.objects.get(subject="lead")
    before = (rule.conditions, rule.actions)
    client.force_login(head_of_marketing.user)
    response = client.post(f"{ENGAGEMENT}new/", {**BIG_DEAL, "conditions": '{"field": "amount",'})
    assert "not valid JSON" in field_error(response, "conditions")
    response = client.post(
        f"{ENGAGEMENT}new/", {**BIG_DEAL, "actions": json.dumps([{"type": "launch_rocket"}])}
    )
    assert "type must be one of" in field_error(response, "actions")
    # A lead has no deal team to add people to.
    response = client.post(
        f"{ENGAGEMENT}{rule.pk}/",
        {
            **BIG_DEAL,
            "subject": "lead",
            "conditions": "",
            "actions": json.dumps([{"type": "add_participant", "role": "brand_manager"}]),
        },
    )
    assert "does nothing for this kind of record" in field_error(response, "actions")
    rule.refresh_from_db()
    assert (rule.conditions, rule.actions) == before
    assert EngagementRule.objects.count() == 3


def test_engagement_test_page_checks_conditions_without_firing(client, head_of_sales, rep, make_opportunity):
    big = make_opportunity(rep, amount="2500000", name="Steel mill")
    small = make_opportunity(rep, amount="1000", name="Spare parts")
    engagement.engagement_rules_install_defaults()  # after the deals, so nothing has fired yet
    rule = EngagementRule.objects.get(name__startswith="Deals of 2,000,000")
    client.force_login(head_of_sales.user)
    body = text(client.get(f"{ENGAGEMENT}{rule.pk}/test/", {"record": f"#{big.pk}"}))
    assert "The conditions hold for Steel mill" in body
    assert "add a brand manager to the deal" in body
    body = text(client.get(f"{ENGAGEMENT}{rule.pk}/test/", {"record": f"#{small.pk}"}))
    assert "do not hold for Spare parts" in body
    assert not EngagementFiring.objects.filter(rule=rule).exists()
    response = client.get(f"{ENGAGEMENT}{rule.pk}/test/", {"record": "#999999"})
    assert field_error(response, "record")


# ---------------------------------------------------------------- permissions, navigation, language


def test_a_rep_reads_the_rules_but_every_write_is_forbidden(client, rep, round_robin, policy):
    engagement.engagement_rules_install_defaults()
    rule = EngagementRule.objects.first()
    client.force_login(rep.user)
    for url in (ROUTING, SLA, ENGAGEMENT):
        page = client.get(url)
        assert page.status_code == 200
        assert 'data-testid="edit-' not in text(page)
    forbidden_pages = [
        f"{ROUTING}new/",
        f"{ROUTING}{round_robin.pk}/",
        f"{ROUTING}test/",
        f"{SLA}new/",
        f"{SLA}{policy.pk}/",
        "/funnel/rules/calendars/new/",
        f"{ENGAGEMENT}new/",
        f"{ENGAGEMENT}{rule.pk}/",
        f"{ENGAGEMENT}{rule.pk}/test/",
    ]
    for url in forbidden_pages:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"name": "x"}).status_code == 403, url
    for url in (
        f"{ROUTING}{round_robin.pk}/move/",
        f"{ROUTING}{round_robin.pk}/active/",
        f"{SLA}{policy.pk}/retire/",
        f"{ENGAGEMENT}{rule.pk}/move/",
        f"{ENGAGEMENT}{rule.pk}/active/",
    ):
        assert client.post(url, {"direction": "up", "active": "0"}).status_code == 403, url
    round_robin.refresh_from_db()
    assert round_robin.is_active
    assert SlaPolicy.objects.filter(pk=policy.pk).exists()


def test_each_role_edits_what_the_api_lets_it_edit(client, manager, head_of_marketing, round_robin):
    client.force_login(manager.user)  # routing yes, rules of engagement and SLA no
    assert client.get(f"{ROUTING}new/").status_code == 200
    assert client.get(f"{ENGAGEMENT}new/").status_code == 403
    assert client.get(f"{SLA}new/").status_code == 403
    client.force_login(head_of_marketing.user)  # rules of engagement and SLA yes, routing no
    assert client.get(f"{ENGAGEMENT}new/").status_code == 200
    assert client.get(f"{SLA}new/").status_code == 200
    assert client.post(f"{ROUTING}{round_robin.pk}/move/", {"direction": "down"}).status_code == 403


def test_the_rules_are_in_the_navigation(client, head_of_sales, rep):
    client.force_login(head_of_sales.user)
    page = text(client.get("/funnel/"))
    assert 'href="/funnel/rules/routing/"' in page
    assert "Funnel rules" in page


def test_the_rule_pages_render_right_to_left_in_persian(client, head_of_marketing, policy):
    engagement.engagement_rules_install_defaults()
    client.force_login(head_of_marketing.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fa"
    for url in (ROUTING, SLA, ENGAGEMENT, f"{ENGAGEMENT}new/"):
        body = text(client.get(url))
        assert 'dir="rtl"' in body, url
        assert 'lang="fa"' in body, url
    body = text(client.get(ENGAGEMENT))
    assert "قواعد همکاری" in body  # "Rules of engagement"
    assert "وضعیت سرنخ" in body  # the readable condition, in Persian too
    response = client.post(
        f"{ENGAGEMENT}new/",
        {**BIG_DEAL, "conditions": json.dumps({"field": "salary", "op": "gt", "value": 1})},
    )
    assert "فیلد ناشناخته" in field_error(response, "conditions")


def test_list_pages_do_not_query_per_rule(client, head_of_sales, teams, catalogue, policy):
    engagement.engagement_rules_install_defaults()
    client.force_login(head_of_sales.user)

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = {url: count(url) for url in (ROUTING, SLA, ENGAGEMENT)}
    for n in range(3):
        RoutingRule.objects.create(
            position=n, name=f"Seg {n}", kind="segment", team=teams["smb"], segment=catalogue["segment"]
        )
        engagement.engagement_rule_create(
            actor=None,
            name=f"Stage {n}",
            subject="opportunity",
            event="stage_changed",
            conditions={"field": "stage", "op": "eq", "value": Stage.DECISION.value},
            actions=[{"type": "suggest_collateral"}],
        )
    assert {url: count(url) for url in before} == before


# ---------------------------------------------------------------- API twins of the new services


def test_api_twins_use_the_same_services(
    client, head_of_sales, head_of_marketing, rep, mql, round_robin, policy
):
    engagement.engagement_rules_install_defaults()
    rule = EngagementRule.objects.get(subject="lead")
    client.force_login(head_of_marketing.user)
    api = "/api/v1/funnel"
    bad = client.patch(
        f"{api}/engagement-rules/{rule.pk}",
        {"conditions": {"field": "amount", "op": "gte", "value": 1}},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "conditions"
    ok = client.patch(
        f"{api}/engagement-rules/{rule.pk}", {"is_active": False}, content_type="application/json"
    )
    assert ok.status_code == 200
    assert ok.json()["is_active"] is False
    moved = client.post(
        f"{api}/engagement-rules/{rule.pk}/move", {"direction": "up"}, content_type="application/json"
    )
    assert moved.status_code == 200
    response = client.patch(
        f"{api}/sla-policies/{policy.pk}", {"accept_within_hours": "5"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert Decimal(response.json()["accept_within_hours"]) == 5
    assert client.delete(f"{api}/sla-policies/{policy.pk}").status_code == 204
    client.force_login(head_of_sales.user)
    preview = client.get(f"{api}/routing-preview", {"lead_id": mql.pk}).json()
    assert preview["rule_id"] == round_robin.pk
    assert preview["trace"][0]["matches"] is True
    assert (
        client.post(
            f"{api}/routing-rules/{round_robin.pk}/move",
            {"direction": "sideways"},
            content_type="application/json",
        ).status_code
        == 422
    )
    client.force_login(rep.user)
    assert client.get(f"{api}/routing-preview", {"lead_id": mql.pk}).status_code == 403
    assert (
        client.patch(
            f"{api}/engagement-rules/{rule.pk}", {"is_active": True}, content_type="application/json"
        ).status_code
        == 403
    )


def test_a_rule_stored_before_the_checks_can_still_be_switched_off(client, head_of_sales, head_of_marketing):
    # e.g. a lead rule testing a deal's field, saved through the admin or an older version.
    legacy = EngagementRule.objects.create(
        name="Legacy", subject="lead", conditions={"field": "amount", "op": "gte", "value": 1}, actions=[]
    )
    broken = RoutingRule.objects.create(name="No team", kind=RoutingRuleKind.SEGMENT)
    client.force_login(head_of_marketing.user)
    assert client.get(ENGAGEMENT).status_code == 200
    client.post(f"{ENGAGEMENT}{legacy.pk}/active/", {"active": "0"})
    legacy.refresh_from_db()
    assert legacy.is_active is False
    # Switching it back on is a change like any other: it must be valid then.
    client.post(f"{ENGAGEMENT}{legacy.pk}/active/", {"active": "1"})
    legacy.refresh_from_db()
    assert legacy.is_active is False
    client.force_login(head_of_sales.user)
    client.post(f"{ROUTING}{broken.pk}/active/", {"active": "0"})
    broken.refresh_from_db()
    assert broken.is_active is False
