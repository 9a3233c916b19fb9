"""The database-counted SLA figures (dashboards, agenda) equal the funnel's own SLA page."""

import datetime

from django.utils import timezone

from hamsu.funnel import selectors
from hamsu.funnel.services import leads as lifecycle
from hamsu.funnel.sla_counts import sla_counts


def test_counts_equal_the_sla_page_for_every_team(mql, make_lead, rep, policy, follow_up):
    lifecycle.lead_accept(lead=mql, actor=rep.user)
    returned = follow_up(lifecycle.lead_mark_mql(lead=make_lead(), actor=None), rep.user)
    lifecycle.lead_return(lead=returned, actor=rep.user, reason="bad_fit")
    lifecycle.lead_mark_mql(lead=make_lead(), actor=None)  # still waiting for sales
    now = timezone.now()
    window = {"start": now - datetime.timedelta(days=1), "end": now + datetime.timedelta(days=1)}
    page = {row.team: row for row in selectors.sla_adherence(**window)}
    counted = {row.team: row for row in sla_counts(**window)}
    assert counted.keys() == page.keys()
    assert counted
    for team, row in counted.items():
        expected = page[team]
        for name in (
            "mqls",
            "mql_target",
            "accepted",
            "returned",
            "acceptance_rate",
            "acceptance_target",
            "handoffs_closed",
            "on_time",
            "breaches",
            "open_overdue",
        ):
            assert getattr(row, name) == getattr(expected, name), name
    (row,) = counted.values()
    assert (row.mqls, row.accepted, row.returned, row.handoffs_closed) == (3, 1, 1, 2)


def test_a_period_without_handoffs_has_no_rows(db):
    now = timezone.now()
    assert sla_counts(start=now - datetime.timedelta(days=400), end=now - datetime.timedelta(days=399)) == []
