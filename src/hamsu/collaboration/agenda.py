"""The agenda of a sales–marketing meeting, generated from live data.

The study asks for "big opportunities and problems on the agenda and action items that
are followed up". Each section is a small, bounded query (counts plus the top rows), so
the agenda builds in well under a second even on a million-deal company.
"""

from __future__ import annotations

import copy
import datetime
from decimal import Decimal

import numpy as np
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hamsu.collaboration.models import (
    CADENCE_MONTHS,
    OPEN_ACTION_STATUSES,
    ActionItem,
    ActionStatus,
    Cadence,
    FeedbackNote,
    FeedbackTheme,
    Meeting,
    ThemeStatus,
)
from hamsu.core.company import company_settings
from hamsu.crm.models import Opportunity, StageEvent
from hamsu.crm.stages import OPEN_STAGES, Stage
from hamsu.funnel.sla_counts import sla_counts

TOP_ROWS = 15
# The SLA lines of an agenda. The agenda is stored (and served by the API) with its text
# in the language it was generated in, and with each line's kind and numbers, so a page
# shows it in the reader's language (``for_display``).
SLA_TITLES = {
    "late": gettext_noop("%(team)s: %(late)d handoffs answered late, %(open)d still waiting past due"),
    "mqls": gettext_noop("%(team)s: %(n)d MQLs delivered against %(target)d committed"),
    "acceptance": gettext_noop("%(team)s: %(rate)d%% of leads accepted against %(target)d%% committed"),
}
NOTES = {"no_history": gettext_noop("No stage history yet to tell the usual time in stage.")}
# How many recent exits per stage estimate "the usual time in stage": enough for a
# stable median, few enough to stay fast on millions of stage events.
MEDIAN_SAMPLE = 500
# A deal is "at risk" once it has sat in its stage this many times longer than usual.
STALL_FACTOR = 1.5


def median_days_in_stage(*, sample: int = MEDIAN_SAMPLE) -> dict[str, float]:
    """Median days deals spent in each open stage, from the latest exits in the stage-event log.

    Time in stage = when a deal left the stage minus its previous event (when it entered).
    """
    medians: dict[str, float] = {}
    for stage in OPEN_STAGES:
        entered = (
            StageEvent.objects.filter(opportunity_id=OuterRef("opportunity_id"), at__lt=OuterRef("at"))
            .order_by("-at")
            .values("at")[:1]
        )
        rows = list(
            StageEvent.objects.filter(object_type=StageEvent.ObjectType.OPPORTUNITY, from_stage=stage)
            .order_by("-at")
            .annotate(entered=Subquery(entered))
            .values_list("at", "entered")[:sample]
        )
        durations = [
            (left - came).total_seconds() / 86400 for left, came in rows if came is not None and left >= came
        ]
        if durations:
            medians[stage.value] = float(np.median(durations))
    return medians


def _deal_row(opportunity: Opportunity, **extra) -> dict:
    return {
        "id": opportunity.pk,
        "name": opportunity.name,
        "account": opportunity.account.name,
        "owner": opportunity.owner.full_name,
        "stage": opportunity.get_stage_display(),
        "stage_code": opportunity.stage,
        "amount_base": str(opportunity.amount_base),
        "expected_close": opportunity.expected_close.isoformat(),
        **extra,
    }


def _since(meeting: Meeting) -> datetime.datetime:
    previous = None
    if meeting.series_id:
        previous = (
            Meeting.objects.filter(series_id=meeting.series_id, starts_at__lt=meeting.starts_at)
            .order_by("-starts_at")
            .values_list("starts_at", flat=True)
            .first()
        )
    if previous is not None:
        return previous
    months = CADENCE_MONTHS[Cadence(meeting.series.cadence)] if meeting.series_id else 1
    return meeting.starts_at - datetime.timedelta(days=30 * months)


def _open_deals(meeting: Meeting):
    qs = Opportunity.objects.filter(stage__in=OPEN_STAGES)
    if meeting.series_id and meeting.series.team_id:
        qs = qs.filter(team_id=meeting.series.team_id)
    return qs


def big_deals(meeting: Meeting) -> dict:
    threshold = company_settings().big_deal_threshold
    qs = _open_deals(meeting).filter(amount_base__gte=threshold)
    totals = qs.aggregate(n=Count("id"), total=Sum("amount_base"))
    top = qs.select_related("account", "owner").order_by("-amount_base", "-id")[:TOP_ROWS]
    return {
        "threshold": str(threshold),
        "count": totals["n"],
        "total": str(totals["total"] or Decimal("0")),
        "items": [_deal_row(o) for o in top],
    }


def deals_at_risk(meeting: Meeting, now: datetime.datetime) -> dict:
    medians = median_days_in_stage()
    if not medians:
        return {
            "count": 0,
            "medians": {},
            "items": [],
            "note": _("No stage history yet to tell the usual time in stage."),
            "note_key": "no_history",
        }
    stalled = Q(pk__in=[])
    for stage, days in medians.items():
        limit = now - datetime.timedelta(days=max(days, 1.0) * STALL_FACTOR)
        stalled |= Q(stage=stage, stage_changed_at__lt=limit)
    qs = _open_deals(meeting).filter(stalled)
    count = qs.count()
    top = qs.select_related("account", "owner").order_by("-amount_base", "-id")[:TOP_ROWS]
    items = []
    for o in top:
        days_in = (now - o.stage_changed_at).total_seconds() / 86400
        items.append(_deal_row(o, days_in_stage=round(days_in, 1), usual_days=round(medians[o.stage], 1)))
    return {"count": count, "medians": {k: round(v, 1) for k, v in medians.items()}, "items": items}


def sla_breaches(meeting: Meeting, since: datetime.datetime, now: datetime.datetime) -> dict:
    """Breaches of the two-sided SLA, read from the funnel app's handoff figures.

    Sales breaks it by answering handoffs late (or not yet); marketing by sending fewer
    MQLs, or fewer acceptable ones, than it committed to. The funnel app owns the SLA and
    its arithmetic (``hamsu.funnel.sla_counts``, counted by the database so a month of a
    large company's handoffs costs one query). The funnel sits below collaboration, so it
    is always there: the section is always available.
    """
    team = meeting.series.team if meeting.series_id and meeting.series.team_id else None
    items = []
    for fig in sla_counts(start=since, end=now):
        if team is not None and fig.team_id != team.pk:
            continue
        late = fig.handoffs_closed - fig.on_time
        if late or fig.open_overdue:
            items.append(
                {
                    "side": "sales",
                    "team": fig.team,
                    "title": _(SLA_TITLES["late"])
                    % {"team": fig.team, "late": late, "open": fig.open_overdue},
                    "kind": "late",
                    "params": {"team": fig.team, "late": late, "open": fig.open_overdue},
                }
            )
        if fig.mql_target and fig.mqls < fig.mql_target:
            items.append(
                {
                    "side": "marketing",
                    "team": fig.team,
                    "title": _(SLA_TITLES["mqls"])
                    % {"team": fig.team, "n": fig.mqls, "target": fig.mql_target},
                    "kind": "mqls",
                    "params": {"team": fig.team, "n": fig.mqls, "target": fig.mql_target},
                }
            )
        if fig.acceptance_rate is not None and fig.acceptance_rate < fig.acceptance_target:
            acceptance = {
                "team": fig.team,
                "rate": round(fig.acceptance_rate),
                "target": round(fig.acceptance_target),
            }
            items.append(
                {
                    "side": "marketing",
                    "team": fig.team,
                    "title": _(SLA_TITLES["acceptance"]) % acceptance,
                    "kind": "acceptance",
                    "params": acceptance,
                }
            )
    by_side = {side: sum(1 for i in items if i["side"] == side) for side in ("sales", "marketing")}
    return {"available": True, "count": len(items), "by_side": by_side, "items": items[:TOP_ROWS]}


def lead_quality(meeting: Meeting, since: datetime.datetime, now: datetime.datetime) -> dict:
    qs = FeedbackNote.objects.filter(lead_quality_complaint=True, created_at__gte=since, created_at__lte=now)
    if meeting.series_id and meeting.series.team_id:
        qs = qs.filter(team_id=meeting.series.team_id)
    count = qs.count()
    rows = qs.select_related("author", "account").order_by("-created_at", "-id")[:TOP_ROWS]
    return {
        "count": count,
        "items": [
            {
                "id": n.pk,
                "author": n.author.full_name,
                "account": n.account.name if n.account_id else "",
                "text": n.text[:300],
                "created_at": n.created_at.isoformat(),
            }
            for n in rows
        ],
    }


def new_themes(since: datetime.datetime) -> dict:
    themes = (
        FeedbackTheme.objects.filter(digest__created_at__gte=since, status=ThemeStatus.NEW)
        .select_related("digest")
        .order_by("-size", "id")[:TOP_ROWS]
    )
    return {
        "items": [
            {"id": t.pk, "label": t.label, "size": t.size, "digest_id": t.digest_id, "period": str(t.digest)}
            for t in themes
        ]
    }


def open_actions(meeting: Meeting, now: datetime.datetime) -> dict:
    qs = ActionItem.objects.filter(status__in=OPEN_ACTION_STATUSES).exclude(meeting=meeting)
    if meeting.series_id:
        qs = qs.filter(meeting__series_id=meeting.series_id, meeting__starts_at__lt=meeting.starts_at)
    else:
        qs = qs.filter(
            meeting__attendees__in=meeting.attendees.all(), meeting__starts_at__lt=meeting.starts_at
        ).distinct()
    today = timezone.localdate(now)
    return {
        "items": [
            {
                "id": a.pk,
                "title": a.title,
                "owner": a.owner.full_name,
                "due_on": a.due_on.isoformat(),
                "status": a.get_status_display(),
                "status_code": a.status,
                "carried_count": a.carried_count,
                "overdue": a.due_on < today,
            }
            for a in qs.select_related("owner").order_by("due_on", "id")[:100]
        ]
    }


def build_agenda(*, meeting: Meeting, now: datetime.datetime | None = None) -> dict:
    now = now or timezone.now()
    since = _since(meeting)
    return {
        "since": since.isoformat(),
        "generated_at": now.isoformat(),
        "big_deals": big_deals(meeting),
        "at_risk": deals_at_risk(meeting, now),
        "sla": sla_breaches(meeting, since, now),
        "lead_quality": lead_quality(meeting, since, now),
        "themes": new_themes(since),
        "open_actions": open_actions(meeting, now),
    }


def for_display(agenda: dict | None) -> dict | None:
    """A stored agenda in the reader's language: stage and status labels, SLA lines and
    notes translated now, ISO dates as dates (the template prints them in the reader's
    calendar). Agendas stored before the codes were kept show their stored text."""
    if not agenda:
        return agenda
    shown = copy.deepcopy(agenda)
    for section in ("big_deals", "at_risk"):
        for deal in shown.get(section, {}).get("items", []):
            if deal.get("stage_code") in Stage.values:
                deal["stage"] = Stage(deal["stage_code"]).label
    at_risk = shown.get("at_risk", {})
    if at_risk.get("note_key") in NOTES:
        at_risk["note"] = _(NOTES[at_risk["note_key"]])
    for line in shown.get("sla", {}).get("items", []):
        if line.get("kind") in SLA_TITLES:
            line["title"] = _(SLA_TITLES[line["kind"]]) % line["params"]
    for action in shown.get("open_actions", {}).get("items", []):
        if action.get("status_code") in ActionStatus.values:
            action["status"] = ActionStatus(action["status_code"]).label
        action["due_on"] = datetime.date.fromisoformat(action["due_on"])
    return shown
