"""Threads hammering the same rule, campaign, plan, meeting and action item on PostgreSQL
(issue 18): each service that writes a versioned record locks, checks and bumps inside its
transaction, so read-add-one-write loops with If-Match lose no increment and the version
counts every write. (Accounts and deals: tests/crm/test_concurrent_edits.py.)"""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from hamsu.alignment import services as alignment
from hamsu.alignment.models import ActionItem as AlignmentAction
from hamsu.campaigns import services as campaigns
from hamsu.campaigns.models import Campaign
from hamsu.collaboration import services as together
from hamsu.collaboration.models import AccountPlan, Meeting
from hamsu.core.versioning import StaleVersion
from hamsu.funnel.models import BusinessCalendar, RoutingRule, SlaPolicy
from hamsu.funnel.services import handoff, routing

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'", reason="row locks and real concurrency: PostgreSQL"
    ),
]
THREADS = 4
ROUNDS = 8


def _routing_rule(rep, make_account):
    return RoutingRule.objects.create(name="0", kind="round_robin", team=rep.team)


def _sla_policy(rep, make_account):
    calendar = BusinessCalendar.objects.create(name="Office hours", workdays=[0, 1, 2, 3, 4])
    return SlaPolicy.objects.create(name="0", calendar=calendar)


def _campaign(rep, make_account):
    return Campaign.objects.create(name="Spring webinar", channel="webinar", description="0")


def _account_plan(rep, make_account):
    return AccountPlan.objects.create(account=make_account(rep), sales_owner=rep, objectives="0")


def _meeting(rep, make_account):
    return Meeting.objects.create(
        title="Pipeline review", starts_at=timezone.now(), duration_minutes=30, status="planned", minutes="0"
    )


def _alignment_action(rep, make_account):
    return AlignmentAction.objects.create(move="meetings", title="0", owner=rep)


# (make the record, the text field holding the count, write it with If-Match semantics)
CASES = {
    "routing rule": (
        _routing_rule,
        "name",
        lambda r, v, value: routing.routing_rule_update(
            rule=r, actor=None, expected_version=v, strict=True, name=value
        ),
    ),
    "SLA policy": (
        _sla_policy,
        "name",
        lambda r, v, value: handoff.sla_policy_update(
            policy=r, actor=None, expected_version=v, strict=True, name=value
        ),
    ),
    "campaign": (
        _campaign,
        "description",
        lambda r, v, value: campaigns.campaign_update(
            campaign=r, actor=None, expected_version=v, strict=True, description=value
        ),
    ),
    "key-account plan": (
        _account_plan,
        "objectives",
        lambda r, v, value: together.account_plan_update(
            plan=r, actor=None, expected_version=v, strict=True, objectives=value
        ),
    ),
    "meeting minutes": (
        _meeting,
        "minutes",
        lambda r, v, value: together.meeting_record(
            meeting=r, actor=None, expected_version=v, strict=True, minutes=value
        ),
    ),
    "alignment action item": (
        _alignment_action,
        "title",
        lambda r, v, value: alignment.action_item_update(
            item=r, actor=None, expected_version=v, strict=True, title=value
        ),
    ),
}


def _run(worker) -> list[BaseException]:
    errors: list[BaseException] = []

    def body(n):
        try:
            worker(n)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=body, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.fixture(params=sorted(CASES))
def hammered(request, rep, make_account):
    """Each thread adds one to the count ROUNDS times: read, add one, write with the version
    read; a refusal (someone wrote meanwhile) reads again."""
    make, field, write = CASES[request.param]
    record = make(rep, make_account)
    model = type(record)

    def worker(n):
        for _ in range(ROUNDS):
            while True:
                loaded = model.objects.get(pk=record.pk)
                try:
                    write(loaded, loaded.version, str(int(getattr(loaded, field)) + 1))
                    break
                except StaleVersion:
                    continue

    errors = _run(worker)
    return errors, model.objects.get(pk=record.pk), field


def test_no_write_fails(hammered):
    errors, _record, _field = hammered
    assert errors == []


def test_no_increment_is_lost(hammered):
    _errors, record, field = hammered
    assert getattr(record, field) == str(THREADS * ROUNDS)


def test_the_version_counts_every_write(hammered):
    _errors, record, _field = hammered
    assert record.version == 1 + THREADS * ROUNDS
