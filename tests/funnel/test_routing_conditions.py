"""A routing rule of any kind can be narrowed by conditions on the lead's fields — big
companies in a territory go to the enterprise team, the rest fall through — through the
service, the rule pages and the API, and the preview says why."""

from __future__ import annotations

import json

import pytest

from hamsu.core.errors import ValidationFailed
from hamsu.funnel.models import RoutingRule, RoutingRuleKind
from hamsu.funnel.services import routing

pytestmark = pytest.mark.django_db

BIG = {"field": "employees", "op": "gte", "value": 1000}


@pytest.fixture
def enterprise_gulf(teams, rep, round_robin):
    """Gulf leads of companies with 1,000 people or more go to enterprise; the team round
    robin rule (SMB here) takes the rest."""
    RoutingRule.objects.filter(pk=round_robin.pk).update(position=20, team=teams["smb"])
    return routing.routing_rule_create(
        actor=None,
        position=1,
        name="Gulf enterprise",
        kind=RoutingRuleKind.TERRITORY,
        countries=["AE", "OM"],
        team=teams["enterprise"],
        conditions=BIG,
    )


def test_only_leads_meeting_the_conditions_take_the_rule(enterprise_gulf, make_lead, make_person, teams):
    make_person("Sam Smb", team=teams["smb"])
    big = make_lead(country="AE", employees=5000)
    small = make_lead(country="AE", employees=40)
    unknown = make_lead(country="AE")  # no head count: "gte 1000" does not hold
    assert routing.route_lead(lead=big).rule == enterprise_gulf
    assert routing.route_lead(lead=small).rule != enterprise_gulf
    assert routing.route_lead(lead=unknown).rule != enterprise_gulf
    matches, why = routing.rule_criteria(enterprise_gulf, small, explain=True)
    assert not matches
    assert "but not" in why
    assert "1,000" in why
    matches, why = routing.rule_criteria(enterprise_gulf, big, explain=True)
    assert matches
    assert "country AE is in the territory" in why


def test_bad_conditions_are_refused_with_the_field_named(teams):
    for conditions, words in (
        ({"field": "salary", "op": "gt", "value": 1}, "salary"),
        # Routing sees the lead's fields, not its touch history.
        ({"touches": {"kind": "webinar", "within_days": 30}, "op": "gte", "value": 2}, "counting touches"),
    ):
        with pytest.raises(ValidationFailed) as error:
            routing.routing_rule_create(
                actor=None, name="x", kind="round_robin", team=teams["smb"], conditions=conditions
            )
        assert words in " ".join(error.value.errors["conditions"]), error.value.errors
    assert not RoutingRule.objects.filter(name="x").exists()


def test_the_rule_pages_edit_and_show_conditions(client, head_of_sales, enterprise_gulf):
    client.force_login(head_of_sales.user)
    listing = client.get("/funnel/rules/routing/").content.decode()
    assert "country is one of AE, OM" in listing
    assert "1,000" in listing
    form = {
        "name": "Gulf enterprise",
        "kind": "territory",
        "team": enterprise_gulf.team_id,
        "countries": "AE, OM",
        "conditions": json.dumps({"field": "employees", "op": "gte", "value": 500}),
        "is_active": "on",
    }
    assert client.post(f"/funnel/rules/routing/{enterprise_gulf.pk}/", form).status_code == 302
    enterprise_gulf.refresh_from_db()
    assert enterprise_gulf.conditions["value"] == 500
    bad = client.post(f"/funnel/rules/routing/{enterprise_gulf.pk}/", {**form, "conditions": "{not json"})
    assert bad.status_code == 200
    assert 'data-field-error="conditions"' in bad.content.decode()
    enterprise_gulf.refresh_from_db()
    assert enterprise_gulf.conditions["value"] == 500


def test_the_api_takes_and_returns_conditions(client, head_of_sales, teams):
    client.force_login(head_of_sales.user)
    created = client.post(
        "/api/v1/funnel/routing-rules",
        {"name": "Big SMB", "kind": "round_robin", "team_id": teams["smb"].pk, "conditions": BIG},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["conditions"] == BIG
    bad = client.post(
        "/api/v1/funnel/routing-rules",
        {"name": "Odd", "kind": "round_robin", "team_id": teams["smb"].pk, "conditions": {"field": "x"}},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert any(e["field"] == "conditions" for e in bad.json()["errors"])
