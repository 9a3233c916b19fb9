"""The lead lists under /funnel/, reconciled: the handoff queue (rows, order and overdue
badges) and the lead list (rows under every filter, walked page by page through the API),
recomputed from the raw lead and handoff rows as the glossary's ``leads.*`` entries say."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamsu.funnel.models import Handoff, Lead, LeadQueue, LeadState
from tests.reconcile.funnel_company import build, companies

SETTINGS = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
MAX_DUE = datetime.datetime.max.replace(tzinfo=datetime.UTC)


def expected_queue(now) -> list[tuple[int, bool]]:
    """MQLs (the head of sales sees them all) by their open handoff's deadline — none last —
    then id; with whether the deadline has passed (the red badge)."""
    due: dict[int, tuple] = {}
    for h in Handoff.objects.filter(status="open").values("lead_id", "opened_at", "due_at"):
        if h["lead_id"] not in due or h["opened_at"] > due[h["lead_id"]][0]:
            due[h["lead_id"]] = (h["opened_at"], h["due_at"])
    mqls = [row["id"] for row in Lead.objects.values("id", "state") if row["state"] == LeadState.MQL]
    deadline = {pk: due[pk][1] if pk in due else None for pk in mqls}
    ordered = sorted(mqls, key=lambda pk: (deadline[pk] is None, deadline[pk] or MAX_DUE, pk))
    return [(pk, deadline[pk] is not None and deadline[pk] < now) for pk in ordered]


@pytest.mark.django_db
@SETTINGS
@given(company=companies(max_leads=10, max_deals=0, max_handoffs=10))
def test_the_handoff_queue_shows_what_the_rows_say(company, client, head_of_sales, rep, make_account):
    client.force_login(head_of_sales.user)
    with transaction.atomic():
        build(company, owner=rep, account=make_account(rep))
        expected = expected_queue(timezone.now())
        api = client.get("/api/v1/funnel/handoff-queue").json()
        assert [row["id"] for row in api] == [pk for pk, _overdue in expected]
        html = client.get("/funnel/queue/").content.decode()
        table = html[html.index('data-testid="queue-table"') :]
        assert [int(pk) for pk in re.findall(r'<tr><td><a href="/funnel/leads/(\d+)/"', table)] == [
            pk for pk, _overdue in expected
        ]
        assert table.count("text-bg-danger") == sum(1 for _pk, overdue in expected if overdue)
        transaction.set_rollback(True)


def expected_list(*, q: str, state: str, queue: str, team: int | None) -> set[int]:
    out = set()
    for row in Lead.objects.values("id", "email", "last_name", "company", "state", "queue", "team_id"):
        if q and not any(q.lower() in (row[f] or "").lower() for f in ("email", "last_name", "company")):
            continue
        if (state and row["state"] != state) or (queue and row["queue"] != queue):
            continue
        if team is not None and row["team_id"] != team:
            continue
        out.add(row["id"])
    return out


list_filters = st.fixed_dictionaries(
    {
        "q": st.sampled_from(["", "acme", "LEAD 1", "pars"]),
        "state": st.sampled_from(["", *LeadState.values]),
        "queue": st.sampled_from(["", *[q for q in LeadQueue.values if q]]),
        "team": st.sampled_from([None, 0, 1]),
        "sort": st.sampled_from(["-created", "created", "score", "-changed"]),
    }
)


@pytest.mark.django_db
@SETTINGS
@given(company=companies(max_leads=14, max_deals=0, max_handoffs=4), chosen=list_filters)
def test_the_lead_list_holds_exactly_the_matching_leads(
    company, chosen, client, head_of_sales, rep, make_account
):
    client.force_login(head_of_sales.user)
    with transaction.atomic():
        built = build(company, owner=rep, account=make_account(rep))
        team = None if chosen["team"] is None else built.teams[chosen["team"]].pk
        params = {k: v for k, v in {**chosen, "team": team, "limit": 3}.items() if v not in (None, "")}
        seen: list[int] = []
        cursor = None
        for _page in range(50):
            body = client.get(
                "/api/v1/funnel/leads", {**params, **({"cursor": cursor} if cursor else {})}
            ).json()
            seen += [row["id"] for row in body["items"]]
            cursor = body["next_cursor"]
            if not cursor:
                break
        assert len(seen) == len(set(seen)), "no lead twice"
        assert set(seen) == expected_list(
            q=chosen["q"], state=chosen["state"], queue=chosen["queue"], team=team
        )
        transaction.set_rollback(True)
