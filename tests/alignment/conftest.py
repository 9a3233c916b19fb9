"""Fixtures for the alignment diagnostic: rounds, invitations and ready-made answers."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from hamsu.alignment import services
from hamsu.alignment.models import Response, Round
from hamsu.analytics.diagnostic import STATEMENTS as KEYS
from hamsu.core import roles
from hamsu.directory.models import Function, RoleTitle


@pytest.fixture
def leader(make_person):
    return make_person(
        "Lale Leader", role=roles.REVENUE_LEADER, function=Function.REVENUE_LEADERSHIP, title=RoleTitle.CRO
    )


@pytest.fixture
def leader_client(client, leader):
    client.force_login(leader.user)
    return client


@pytest.fixture
def make_round(db):
    def make(name="Q1 diagnostic", *, anonymous=True, days=14, min_group_size=3, actor=None):
        return services.round_create(
            actor=actor,
            name=name,
            closes_at=timezone.now() + datetime.timedelta(days=days),
            anonymous=anonymous,
            min_group_size=min_group_size,
        )

    return make


@pytest.fixture
def invite():
    """Create a personal-link invitation and return its (invitation, token)."""

    def make(round_: Round, function="sales", level="staff"):
        [issued] = services.invitations_create(
            round=round_, actor=None, entries=[services.InviteEntry(function=function, level=level)]
        )
        return issued.invitation, issued.token

    return make


def all_answers(value: int = 3) -> dict[str, int]:
    return dict.fromkeys(KEYS, value)


@pytest.fixture
def add_responses():
    """Store complete responses directly: {function: [ratings or a single value, ...]}."""

    def add(round_: Round, groups: dict[str, list]):
        rows = []
        for function, answers in groups.items():
            for item in answers:
                ratings = [item] * 20 if isinstance(item, int) else list(item)
                rows.append(
                    Response(round=round_, function=function, **dict(zip(KEYS, ratings, strict=True)))
                )
        Response.objects.bulk_create(rows)

    return add
