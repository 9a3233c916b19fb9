"""API twins of the configuration: funnel versions, definitions and decisions, routing
rules, calendars and SLA policies, scoring points, capture forms."""

from __future__ import annotations

import pytest

from hamsu.funnel.models import FunnelVersion, LeadDefinition, RoutingRule, ScoringSpec

pytestmark = pytest.mark.django_db


def post(client, user, path, data):
    client.force_login(user)
    return client.post(f"/api/v1/funnel{path}", data=data, content_type="application/json")


def test_definition_proposal_and_both_decisions(client, head_of_sales, head_of_marketing, rep):
    response = post(
        client,
        head_of_sales.user,
        "/definitions",
        {"kind": "mql", "rules": {"field": "score", "op": "gte", "value": 55}},
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    bad = post(
        client,
        head_of_sales.user,
        "/definitions",
        {"kind": "mql", "rules": {"field": "salary", "op": "gt", "value": 1}},
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "rules"
    assert post(client, rep.user, f"/definitions/{pk}/decision", {"approve": True}).status_code == 403
    post(client, head_of_sales.user, f"/definitions/{pk}/decision", {"approve": True, "comment": "yes"})
    body = post(client, head_of_marketing.user, f"/definitions/{pk}/decision", {"approve": True}).json()
    assert body["status"] == "approved"
    assert [a["side"] for a in body["approvals"]] == ["sales", "marketing"]
    again = post(client, head_of_marketing.user, f"/definitions/{pk}/decision", {"approve": False})
    assert again.status_code == 409
    assert LeadDefinition.objects.get().rules == {"field": "score", "op": "gte", "value": 55}


def test_funnel_version_publish(client, head_of_marketing, rep):
    client.force_login(rep.user)
    stages = client.get("/api/v1/funnel/stages").json()["stages"]
    keep = [
        {k: s[k] for k in ("funnel", "code", "name", "owner_function", "materials", "tracks")} for s in stages
    ]
    assert post(client, rep.user, "/versions", {"stages": keep}).status_code == 403
    bad = post(
        client,
        head_of_marketing.user,
        "/versions",
        {"stages": [{"funnel": "x", "code": "", "name": "", "owner_function": "?"}]},
    )
    assert bad.status_code == 422
    assert not FunnelVersion.objects.exists()
    response = post(client, head_of_marketing.user, "/versions", {"stages": keep, "note": "first edit"})
    assert response.status_code == 201
    assert response.json()["version"] == 1
    assert client.get("/api/v1/funnel/stages").json()["version"] == 1


def test_routing_rules(client, head_of_sales, teams, rep):
    response = post(
        client,
        head_of_sales.user,
        "/routing-rules",
        {"name": "Gulf", "kind": "territory", "team_id": teams["smb"].pk, "countries": ["ae"]},
    )
    assert response.status_code == 201, response.content
    assert RoutingRule.objects.get().countries == ["AE"]
    bad = post(client, head_of_sales.user, "/routing-rules", {"name": "No team", "kind": "round_robin"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "team"
    assert (
        post(
            client,
            rep.user,
            "/routing-rules",
            {"name": "x", "kind": "round_robin", "team_id": teams["smb"].pk},
        ).status_code
        == 403
    )


def test_calendars_and_policies(client, head_of_sales, teams):
    response = post(
        client,
        head_of_sales.user,
        "/calendars",
        {
            "name": "Tehran",
            "timezone": "Asia/Tehran",
            "workdays": [5, 6, 0, 1, 2],
            "jalali_holidays": ["01-01", "01-02"],
        },
    )
    assert response.status_code == 201, response.content
    bad = post(client, head_of_sales.user, "/calendars", {"name": "Never", "workdays": []})
    assert bad.status_code == 422
    bad = post(
        client,
        head_of_sales.user,
        "/calendars",
        {"name": "Odd", "workdays": [0], "jalali_holidays": ["13-40"]},
    )
    assert bad.status_code == 422
    policy = post(
        client,
        head_of_sales.user,
        "/sla-policies",
        {
            "name": "Enterprise",
            "team_id": teams["enterprise"].pk,
            "calendar_id": response.json()["id"],
            "accept_within_hours": "4",
        },
    )
    assert policy.status_code == 201
    assert policy.json()["team_id"] == teams["enterprise"].pk


def test_scoring_points_and_capture_forms(client, head_of_marketing, rep):
    spec = {
        "fit": [{"field": "country", "op": "eq", "value": "IR", "points": 10}],
        "engagement": [{"kind": "webinar", "points": 5, "half_life_days": 30}],
    }
    assert post(client, head_of_marketing.user, "/scoring/points", {"spec": spec}).status_code == 201
    bad = post(
        client,
        head_of_marketing.user,
        "/scoring/points",
        {"spec": {"fit": [{"field": "x", "op": "between", "points": 1}]}},
    )
    assert bad.status_code == 422
    assert ScoringSpec.objects.count() == 1
    client.force_login(rep.user)
    assert client.get("/api/v1/funnel/scoring/points").json()["fit"][0]["value"] == "IR"
    response = post(
        client,
        head_of_marketing.user,
        "/capture-forms",
        {"name": "Site", "allowed_origins": ["https://a.example"]},
    )
    assert response.status_code == 201
    assert response.json()["key"].startswith("hf_")
    bad = post(
        client,
        head_of_marketing.user,
        "/capture-forms",
        {"name": "Bad", "allowed_origins": ["a.example/path"]},
    )
    assert bad.status_code == 422
