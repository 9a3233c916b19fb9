"""No lost updates on targets, costs and reverse-funnel plans (issue 18): replacing a target
bumps its version; a client replacing or deleting a target, or deleting a cost entry, on a
version someone else has changed since is refused (412) and nothing is written. A plan's
``version`` names its revision, so its edits carry an ``edit_version``: an adjustment or a
signature made on figures someone else has adjusted since is refused."""

from __future__ import annotations

import json

import pytest

from hamsu.api import services as tokens
from hamsu.core import roles
from hamsu.directory.models import RoleTitle
from hamsu.scorecard import services
from hamsu.scorecard.models import CostEntry, FunnelPlan, Target

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


# ---------------------------------------------------------------- the reverse-funnel plan

# Every rate given, so a plan needs no measured history.
RATES = {
    "win_rate": "0.25",
    "avg_deal_size": "100",
    "inquiry_to_mql": "0.5",
    "mql_to_sal": "0.5",
    "sal_to_sql": "0.5",
    "sql_to_opportunity": "0.5",
}


@pytest.fixture
def plan(head_of_sales) -> FunnelPlan:
    return services.plan_create(
        actor=head_of_sales.user, period="2027-Q1", target_amount="1000", adjustments=RATES
    )


@pytest.fixture
def head_of_marketing(make_person):
    return make_person("Maryam Head", role=roles.HEAD_OF_MARKETING, title=RoleTitle.HEAD_OF_MARKETING)


def test_adjusting_a_plan_bumps_its_edit_version(plan, head_of_sales):
    adjusted = services.plan_adjust(actor=head_of_sales.user, plan=plan, target_amount="2000")
    assert adjusted.edit_version == 2


def test_adjusting_a_plan_keeps_its_revision(plan, head_of_sales):
    adjusted = services.plan_adjust(actor=head_of_sales.user, plan=plan, target_amount="2000")
    assert adjusted.version == 1


def test_a_plan_read_answers_its_edit_version_as_etag(client, auth, plan, head_of_sales):
    services.plan_adjust(actor=head_of_sales.user, plan=plan, note="Q1 push")
    response = client.get(f"/api/v1/scorecard/plans/{plan.pk}", **auth)
    assert response["ETag"] == '"2"'


def test_adjusting_a_plan_someone_adjusted_since_answers_412(client, auth, plan, head_of_sales):
    services.plan_adjust(actor=head_of_sales.user, plan=plan, target_amount="1500")
    response = client.patch(
        f"/api/v1/scorecard/plans/{plan.pk}",
        json.dumps({"adjustments": {"win_rate": 0.5}}),
        content_type="application/json",
        HTTP_IF_MATCH='"1"',
        **auth,
    )
    assert response.status_code == 412


def test_the_412_of_a_plan_names_the_figure_changed_since(client, auth, plan, head_of_sales):
    services.plan_adjust(actor=head_of_sales.user, plan=plan, target_amount="1500")
    response = client.patch(
        f"/api/v1/scorecard/plans/{plan.pk}",
        json.dumps({"note": "mine"}),
        content_type="application/json",
        HTTP_IF_MATCH='"1"',
        **auth,
    )
    assert "target_amount" in [error["field"] for error in response.json()["errors"]]


def test_a_refused_plan_adjustment_writes_nothing(client, auth, plan, head_of_sales):
    services.plan_adjust(actor=head_of_sales.user, plan=plan, target_amount="1500")
    client.patch(
        f"/api/v1/scorecard/plans/{plan.pk}",
        json.dumps({"adjustments": {"win_rate": 0.5}}),
        content_type="application/json",
        HTTP_IF_MATCH='"1"',
        **auth,
    )
    plan.refresh_from_db()
    assert plan.inputs["used"]["win_rate"] == pytest.approx(0.25)


def test_adjusting_a_plan_on_its_current_etag_is_accepted(client, auth, plan):
    response = client.patch(
        f"/api/v1/scorecard/plans/{plan.pk}",
        json.dumps({"note": "agreed"}),
        content_type="application/json",
        HTTP_IF_MATCH='"1"',
        **auth,
    )
    assert response["ETag"] == '"2"'


def _adjust_on_a_stale_page(client, plan, head_of_sales):
    services.plan_adjust(actor=head_of_sales.user, plan=plan, target_amount="1500")
    client.force_login(head_of_sales.user)
    return client.post(f"/scorecard/plans/{plan.pk}/", {"edit_version": 1, "target_amount": "3000"})


def test_adjusting_a_draft_on_a_page_shown_before_it_changed_answers_409(client, plan, head_of_sales):
    response = _adjust_on_a_stale_page(client, plan, head_of_sales)
    assert response.status_code == 409


def test_adjusting_a_draft_on_a_page_shown_before_it_changed_saves_nothing(client, plan, head_of_sales):
    _adjust_on_a_stale_page(client, plan, head_of_sales)
    plan.refresh_from_db()
    assert plan.target_amount == 1500


def test_signing_figures_adjusted_since_the_page_showed_them_is_refused(
    client, plan, head_of_sales, head_of_marketing
):
    client.force_login(head_of_marketing.user)
    shown = plan.edit_version
    services.plan_adjust(actor=head_of_sales.user, plan=plan, target_amount="900")
    client.post(f"/scorecard/plans/{plan.pk}/sign/", {"side": "marketing", "edit_version": shown})
    plan.refresh_from_db()
    assert plan.marketing_signed_at is None


def test_signing_the_figures_the_page_showed_is_recorded(client, plan, head_of_marketing):
    client.force_login(head_of_marketing.user)
    client.post(f"/scorecard/plans/{plan.pk}/sign/", {"side": "marketing", "edit_version": plan.edit_version})
    plan.refresh_from_db()
    assert plan.marketing_signed_by == head_of_marketing.user
