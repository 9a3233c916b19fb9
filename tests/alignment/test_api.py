"""The API twins: rounds, invitations, public answering by token, import, results, trend,
advisor, moves and action items; with the shared problem+json error shape."""

import datetime
import json

import pytest
from django.utils import timezone

from hamsu.alignment.models import Invitation, Response

from .conftest import all_answers

pytestmark = pytest.mark.django_db
API = "/api/v1/alignment"


def post(client, url, body, method="post"):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def api(leader_client):
    return leader_client


def open_round(api, **extra):
    body = {
        "name": "API round",
        "closes_at": (timezone.now() + datetime.timedelta(days=7)).isoformat(),
        **extra,
    }
    response = post(api, f"{API}/rounds", body)
    assert response.status_code == 201, response.content
    return response.json()


def test_statements_are_public(client):
    response = client.get(f"{API}/statements")
    assert response.status_code == 200
    assert len(response.json()) == 20


def test_open_invite_answer_and_read_results(api, client):
    round_ = open_round(api, min_group_size=2)
    invited = post(
        api,
        f"{API}/rounds/{round_['id']}/invitations",
        {
            "entries": [
                {"function": "sales"},
                {"function": "marketing"},
                {"function": "sales", "email": "x@example.com"},
            ]
        },
    )
    assert invited.status_code == 201
    links = [i["link"] for i in invited.json()]
    assert links[2] is None
    assert all(links[:2])
    tokens = [link.rstrip("/").rsplit("/", 1)[1] for link in links[:2]]
    anonymous = client  # no login: the token is the key
    anonymous.logout()
    got = anonymous.get(f"{API}/survey/{tokens[0]}")
    assert got.status_code == 200
    assert got.json()["function"] == "sales"
    saved = post(anonymous, f"{API}/survey/{tokens[0]}", {"answers": {"s1": 5}}, method="put")
    assert saved.status_code == 200
    assert saved.json()["answered"] == 1
    assert "s20" in saved.json()["remaining"]
    assert post(anonymous, f"{API}/survey/{tokens[0]}/submit", {"answers": all_answers(4)}).status_code == 201
    again = post(anonymous, f"{API}/survey/{tokens[0]}/submit", {"answers": all_answers(4)})
    assert again.status_code == 409
    assert again["Content-Type"] == "application/problem+json"
    assert post(anonymous, f"{API}/survey/{tokens[1]}/submit", {"answers": all_answers(2)}).status_code == 201


def test_results_and_trend(api, add_responses):
    round_ = open_round(api)
    from hamsu.alignment.models import Round

    add_responses(Round.objects.get(pk=round_["id"]), {"sales": [4, 4, 5], "marketing": [2, 2, 2]})
    results = api.get(f"{API}/rounds/{round_['id']}/results").json()
    assert results["enough"]
    assert results["relationship"] == "Aligned"
    assert results["confidence_interval"]["low"] < results["total"] < results["confidence_interval"]["high"]
    assert len(results["gaps"]) == 20
    assert len(results["evidence"]) == 11
    assert api.get(f"{API}/trend").json()[0]["round_id"] == round_["id"]


def test_a_submission_with_bad_ratings_gets_field_errors(api, client):
    round_ = open_round(api)
    [inv] = post(api, f"{API}/rounds/{round_['id']}/invitations", {"entries": [{"function": "sales"}]}).json()
    token = inv["link"].rstrip("/").rsplit("/", 1)[1]
    response = post(client, f"{API}/survey/{token}/submit", {"answers": {"s1": 9}})
    assert response.status_code == 422
    assert {"field": "s1", "message": "Choose a rating from 1 to 5."} in response.json()["errors"]
    assert Response.objects.count() == 0
    assert not Invitation.objects.get(pk=inv["id"]).used


def test_a_closed_round_rejects_answers_through_the_api(api, client):
    round_ = open_round(api)
    [inv] = post(api, f"{API}/rounds/{round_['id']}/invitations", {"entries": [{"function": "sales"}]}).json()
    assert post(api, f"{API}/rounds/{round_['id']}/close", {}).status_code == 200
    token = inv["link"].rstrip("/").rsplit("/", 1)[1]
    assert post(client, f"{API}/survey/{token}/submit", {"answers": all_answers()}).status_code == 409


def test_import_reports_rows_and_writes_nothing(api):
    round_ = open_round(api)
    header = "respondent,function," + ",".join(f"s{i}" for i in range(1, 21))
    bad = header + "\nr1,sales," + ",".join(["3"] * 19 + ["8"])
    response = post(api, f"{API}/rounds/{round_['id']}/import", {"csv": bad})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "line 2.s20"
    good = header + "\nr1,sales," + ",".join(["3"] * 20)
    assert post(api, f"{API}/rounds/{round_['id']}/import", {"csv": good}).json()["created"] == 1


def test_a_seller_cannot_open_rounds_or_import(client, rep):
    client.force_login(rep.user)
    body = {"name": "x", "closes_at": (timezone.now() + datetime.timedelta(days=7)).isoformat()}
    assert post(client, f"{API}/rounds", body).status_code == 403
    assert client.get(f"{API}/rounds").status_code == 200


def test_round_validation_errors_are_field_level(api):
    body = {"name": "Past", "closes_at": (timezone.now() - datetime.timedelta(days=1)).isoformat()}
    response = post(api, f"{API}/rounds", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "closes_at"


def test_advisor_moves_and_action_items(api, marketer):
    body = {
        "company_size": "large",
        "marketing_role": "strategic",
        "cycle_length": "long",
        "complexity": "complex",
        "market": "customising",
        "pace": "fast",
    }
    advice = post(api, f"{API}/assessments", body)
    assert advice.status_code == 201
    assert advice.json()["recommended"] == "Integrated"
    found = api.get(f"{API}/moves").json()
    assert {m["key"] for m in found} >= {"rules", "meetings", "cro"}
    created = post(
        api, f"{API}/action-items", {"move": "meetings", "owner_id": marketer.pk, "due_on": "2027-01-31"}
    )
    assert created.status_code == 201
    patched = post(api, f"{API}/action-items/{created.json()['id']}", {"status": "done"}, method="patch")
    assert patched.json()["status"] == "done"
    missing_owner = post(api, f"{API}/action-items", {"move": "meetings", "owner_id": 999999})
    assert missing_owner.status_code == 404


def test_a_new_link_for_an_unanswered_invitation(api, client):
    round_ = open_round(api)
    [inv] = post(api, f"{API}/rounds/{round_['id']}/invitations", {"entries": [{"function": "sales"}]}).json()
    response = post(api, f"{API}/invitations/{inv['id']}/link", {})
    assert response.status_code == 201
    old = inv["link"].rstrip("/").rsplit("/", 1)[1]
    new = response.json()["link"].rstrip("/").rsplit("/", 1)[1]
    assert client.get(f"{API}/survey/{old}").status_code == 404
    assert client.get(f"{API}/survey/{new}").status_code == 200
    assert post(client, f"{API}/survey/{new}/submit", {"answers": all_answers()}).status_code == 201
    assert post(api, f"{API}/invitations/{inv['id']}/link", {}).status_code == 409
    assert post(api, f"{API}/invitations/999999/link", {}).status_code == 404
