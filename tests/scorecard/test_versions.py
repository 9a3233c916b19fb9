"""No lost updates on targets and costs (issue 18): replacing a target bumps its version;
a client replacing or deleting a target, or deleting a cost entry, on a version someone
else has changed since is refused (412) and nothing is written."""

from __future__ import annotations

import json

import pytest

from hamsu.api import services as tokens
from hamsu.scorecard import services
from hamsu.scorecard.models import CostEntry, Target

pytestmark = pytest.mark.django_db


@pytest.fixture
def auth(head_of_sales):
    head_of_sales.user.is_superuser = True  # targets and the cost ledger, whoever may keep them
    head_of_sales.user.save(update_fields=["is_superuser"])
    _token, raw = tokens.token_create(user=head_of_sales.user, name="targets")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _set(amount, **kwargs) -> Target:
    return services.target_set(actor=None, period="2026-Q4", scope="company", amount=amount, **kwargs)


def test_replacing_a_target_bumps_its_version():
    _set(1000)
    assert _set(1200).version == 2


def test_replacing_a_target_someone_changed_since_you_read_it_is_refused(client, auth):
    target = _set(1000)
    _set(1500)
    body = {"period": "2026-Q4", "scope": "company", "amount": "1200"}
    client.put(
        "/api/v1/scorecard/targets",
        json.dumps(body),
        content_type="application/json",
        HTTP_IF_MATCH=f'"{target.version}"',
        **auth,
    )
    assert Target.objects.get(pk=target.pk).amount == 1500


def test_deleting_a_target_from_a_list_shown_before_it_changed_keeps_it(client, head_of_sales, auth):
    target = _set(1000)
    _set(1500)
    client.force_login(head_of_sales.user)
    client.post(f"/scorecard/targets/{target.pk}/delete/", {"version": 1})
    assert Target.objects.filter(pk=target.pk).exists()


def test_deleting_a_cost_entry_changed_since_it_was_read_answers_412(client, auth):
    entry = services.cost_entry_create(
        actor=None, month="2026-11", function="marketing", category="tools", amount="10", currency="USD"
    )
    CostEntry.objects.filter(pk=entry.pk).update(version=2)  # changed meanwhile (an import's update)
    response = client.delete(f"/api/v1/scorecard/costs/{entry.pk}", HTTP_IF_MATCH='"1"', **auth)
    assert response.status_code == 412
