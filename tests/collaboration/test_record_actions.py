"""The pages' form actions (views/form_actions.py): a record's POST and a create page, each
one view driven by a row of data."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from hamsu.collaboration import services
from hamsu.collaboration.models import Collateral, PlanItem, Stakeholder


@pytest.fixture
def plan(rep, marketer, make_account):
    return services.account_plan_create(
        actor=rep.user, account=make_account(rep), sales_owner=rep, marketing_owner=marketer
    )


def _flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.django_db
def test_a_refused_plan_item_is_not_written(client, rep, plan):
    client.force_login(rep.user)
    client.post(
        f"/together/key-accounts/plans/{plan.pk}/items/", {"kind": "play", "title": "X", "due_on": "soon"}
    )
    assert not PlanItem.objects.exists()


@pytest.mark.django_db
def test_a_refused_plan_item_names_the_field_by_its_label(client, rep, plan):
    client.force_login(rep.user)
    response = client.post(
        f"/together/key-accounts/plans/{plan.pk}/items/", {"kind": "play", "title": "X", "due_on": "soon"}
    )
    assert _flashed(response) == ["due: Enter a valid date as YYYY-MM-DD (Gregorian or Jalali)."]


@pytest.mark.django_db
def test_a_refused_plan_item_returns_to_the_plan(client, rep, plan):
    client.force_login(rep.user)
    response = client.post(
        f"/together/key-accounts/plans/{plan.pk}/items/", {"kind": "play", "title": "X", "due_on": "soon"}
    )
    assert response["Location"] == f"/together/key-accounts/plans/{plan.pk}/"


@pytest.mark.django_db
def test_a_stakeholder_added_on_the_plan_page_is_recorded(client, rep, plan):
    client.force_login(rep.user)
    client.post(f"/together/key-accounts/plans/{plan.pk}/stakeholders/", {"name": "Dr. Navabi"})
    assert list(Stakeholder.objects.values_list("plan_id", "name")) == [(plan.pk, "Dr. Navabi")]


@pytest.mark.django_db
def test_a_stakeholder_added_on_the_plan_page_is_confirmed(client, rep, plan):
    client.force_login(rep.user)
    response = client.post(f"/together/key-accounts/plans/{plan.pk}/stakeholders/", {"name": "Dr. Navabi"})
    assert _flashed(response) == ["Stakeholder added."]


@pytest.mark.django_db
def test_a_plan_action_the_service_refuses_writes_nothing(client, other_rep, plan):
    client.force_login(other_rep.user)  # sees the plan but is not one of its owners
    client.post(f"/together/key-accounts/plans/{plan.pk}/stakeholders/", {"name": "Dr. Navabi"})
    assert not Stakeholder.objects.exists()


@pytest.mark.django_db
def test_a_plan_action_the_service_refuses_is_not_confirmed(client, other_rep, plan):
    client.force_login(other_rep.user)
    response = client.post(f"/together/key-accounts/plans/{plan.pk}/stakeholders/", {"name": "Dr. Navabi"})
    assert "Stakeholder added." not in _flashed(response)


@pytest.mark.django_db
def test_the_plan_action_of_a_plan_that_is_not_there_is_not_found(client, rep, plan):
    client.force_login(rep.user)
    response = client.post(
        f"/together/key-accounts/plans/{plan.pk + 1}/stakeholders/", {"name": "Dr. Navabi"}
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_a_record_action_answers_only_a_post(client, rep, plan):
    client.force_login(rep.user)
    response = client.get(f"/together/key-accounts/plans/{plan.pk}/stakeholders/")
    assert response.status_code == 405


@pytest.mark.django_db
def test_the_create_page_is_refused_without_its_permission(client, rep):
    client.force_login(rep.user)
    response = client.post("/together/collateral/new/", {"title": "Pricing one-pager"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_a_create_page_refusing_input_shows_the_form_again(client, marketer):
    client.force_login(marketer.user)
    response = client.post("/together/collateral/new/", {})
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_create_page_refusing_input_writes_nothing(client, marketer):
    client.force_login(marketer.user)
    client.post("/together/collateral/new/", {})
    assert not Collateral.objects.exists()
