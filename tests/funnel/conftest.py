"""Funnel fixtures: a sales team with round-robin routing and a default SLA policy."""

from __future__ import annotations

import datetime

import pytest

from hamsu.core import roles
from hamsu.directory.models import Function, RoleTitle
from hamsu.funnel.models import BusinessCalendar, RoutingRule, RoutingRuleKind, SlaPolicy
from hamsu.funnel.services import leads as lifecycle


@pytest.fixture
def head_of_marketing(make_person, teams):
    return make_person(
        "Mahsa Marketing Head",
        role=roles.HEAD_OF_MARKETING,
        function=Function.DOWNSTREAM_MARKETING,
        title=RoleTitle.HEAD_OF_MARKETING,
    )


@pytest.fixture
def manager(make_person, teams):
    person = make_person(
        "Mani Manager", role=roles.SALES_MANAGER, title=RoleTitle.SALES_MANAGER, team=teams["enterprise"]
    )
    teams["enterprise"].manager = person
    teams["enterprise"].save()
    return person


@pytest.fixture
def liaison(make_person, teams):
    return make_person(
        "Lili Liaison",
        role=roles.LIAISON,
        function=Function.DOWNSTREAM_MARKETING,
        title=RoleTitle.MARKETING_LIAISON,
        team=teams["enterprise"],
    )


@pytest.fixture
def round_robin(db, teams, rep):
    return RoutingRule.objects.create(
        position=10, name="Enterprise round robin", kind=RoutingRuleKind.ROUND_ROBIN, team=teams["enterprise"]
    )


@pytest.fixture
def policy(db):
    calendar = BusinessCalendar.objects.create(
        name="Mon–Fri", workdays=[0, 1, 2, 3, 4], day_start=datetime.time(9), day_end=datetime.time(17)
    )
    return SlaPolicy.objects.create(name="Default", calendar=calendar, accept_within_hours=8)


@pytest.fixture
def make_lead(db):
    def make(**data):
        data.setdefault("email", f"lead{make.n}@acme{make.n}.example")
        data.setdefault("last_name", f"Lead {make.n}")
        make.n += 1
        return lifecycle.lead_create(actor=None, via="test", **data)

    make.n = 1
    return make


@pytest.fixture
def mql(make_lead, round_robin, policy):
    """A lead marked MQL and routed to the enterprise rep."""
    lead = make_lead()
    return lifecycle.lead_mark_mql(lead=lead, actor=None, via="test", reason="test")


@pytest.fixture
def fresh_capture_state():
    """Lead capture keeps per-process state (forms, rate counts, the worker's wake-up
    clock): start each capture test without what the previous one left."""
    from django.core.cache import cache

    from hamsu.funnel import capture_http, tasks

    cache.clear()
    capture_http._forms.clear()
    capture_http._counts.clear()
    tasks._last_wake = 0.0


@pytest.fixture
def failing_capture(monkeypatch):
    """``failing_capture(test, message)``: turning a submission into a lead raises (as a
    bug or an outage would) for the e-mails ``test`` accepts; returns a function that
    ends the failure."""
    from hamsu.funnel.services import capture_process

    real = capture_process._touchpoints

    def start(test, message: str = "a bug that only this row meets"):
        def poison(work):
            if any(test(w.data["email"]) for w in work):
                raise RuntimeError(message)
            return real(work)

        monkeypatch.setattr(capture_process, "_touchpoints", poison)
        return lambda: monkeypatch.setattr(capture_process, "_touchpoints", real)

    return start


@pytest.fixture
def follow_up():
    """Log the follow-up attempts the SLA policy asks for before a lead may be returned."""

    def log(lead, actor, times: int = 3):
        for _ in range(times):
            lead = lifecycle.lead_log_follow_up(lead=lead, actor=actor)
        return lead

    return log
