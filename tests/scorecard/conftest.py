"""Scorecard fixtures: deals with a dated history, built through the CRM services."""

from __future__ import annotations

import contextlib
import datetime
from unittest import mock

import pytest
from django.utils import timezone

from hamsu.crm import services as crm


@contextlib.contextmanager
def frozen(moment: datetime.datetime):
    """Make services stamp ``moment`` as now (their stage events and closes)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def aware(y, m, d, h=12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(y, m, d, h))


@pytest.fixture
def deal_history(make_opportunity):
    """Create a deal on ``created`` and walk it through ``moves`` [(stage, when, reason)]."""

    def make(owner, created, moves, **extra):
        with frozen(created):
            opp = make_opportunity(owner, **extra)
        for stage, when, *reason in moves:
            opp = crm.opportunity_move_stage(
                opportunity=opp, to_stage=stage, actor=None, at=when, reason=(reason[0] if reason else "")
            )
        return opp

    return make


@pytest.fixture
def history(deal_history, rep, other_rep, catalogue):
    """A small company history across 2026: wins, losses, a slip back, open deals."""
    deals = []
    deals.append(
        deal_history(
            rep,
            aware(2026, 1, 5),
            [
                ("qualifying", aware(2026, 1, 10)),
                ("needs_definition", aware(2026, 1, 20)),
                ("solution_development", aware(2026, 2, 3)),
                ("decision", aware(2026, 2, 20)),
                ("negotiation", aware(2026, 3, 1)),
                ("won", aware(2026, 3, 15)),
            ],
            amount="5000",
            source="marketing",
        )
    )
    deals.append(
        deal_history(
            rep,
            aware(2026, 1, 8),
            [
                ("qualifying", aware(2026, 1, 15)),
                ("lost", aware(2026, 2, 1), "No budget"),
            ],
            amount="2000",
        )
    )
    deals.append(
        deal_history(
            other_rep,
            aware(2026, 2, 2),
            [
                ("qualifying", aware(2026, 2, 5)),
                ("needs_definition", aware(2026, 2, 10)),
                ("qualifying", aware(2026, 2, 12)),  # slips back
                ("needs_definition", aware(2026, 2, 20)),
                ("won", aware(2026, 4, 2)),  # skips the later stages
            ],
            amount="8000",
        )
    )
    deals.append(
        deal_history(
            other_rep,
            aware(2026, 3, 3),
            [
                ("qualifying", aware(2026, 3, 4)),
                ("needs_definition", aware(2026, 3, 20)),
            ],
            amount="3000",
            source="marketing",
        )
    )
    deals.append(deal_history(rep, aware(2026, 3, 10), [], amount="1500"))
    return deals


@pytest.fixture(autouse=True)
def _only_resolvable_nav(monkeypatch):
    """Pages render the whole navigation; an entry another app registered before its URL
    exists would fail every page here for reasons outside the scorecard."""
    from django.urls import NoReverseMatch, reverse

    from hamsu.core import navigation

    def resolvable(item):
        try:
            reverse(item.url_name)
        except NoReverseMatch:
            return False
        return True

    monkeypatch.setattr(navigation, "_ITEMS", [i for i in navigation._ITEMS if resolvable(i)])
