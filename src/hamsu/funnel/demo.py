"""Demo leads consistent with the generated deals (``ctx["opportunities"]``).

Every marketing-sourced deal comes from a lead that went inquiry → MQL → SAL → SQL →
opportunity (and on to won/lost with its deal; about a third of the lost ones are
recycled into nurture). Around them the waterfall has its usual losses: inquiries that
never qualified, MQLs sales returned with a reason (nurtured or disqualified), accepted
leads given back after follow-up attempts, and today's open work — MQLs waiting in the
inbox (a few overdue), SALs and SQLs in progress. Leads, their stage events, handoffs,
touches and routing explanations are written with bulk inserts, so the large scale works.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import numpy as np

from hamsu.core.bulk import reset_sequences
from hamsu.crm.models import Account, Opportunity, StageEvent
from hamsu.funnel import rule_language
from hamsu.funnel.calendars import IRAN_JALALI_HOLIDAYS, SATURDAY_TO_WEDNESDAY, CalendarSpec, calendar_spec
from hamsu.funnel.demo_rows import MQL_REASON, Writer
from hamsu.funnel.models import (
    BusinessCalendar,
    CaptureForm,
    DefinitionApproval,
    EngagementBookmark,
    Handoff,
    Lead,
    LeadAssignment,
    LeadDefinition,
    LeadTouch,
    RoutingRule,
    RoutingRuleKind,
    SlaPolicy,
)
from hamsu.funnel.services.engagement import engagement_rules_install_defaults
from hamsu.funnel.services.scoring import (
    active_model,
    active_points_spec,
    apply_score,
    predictive_retrain,
    score_touches,
)

TOUCH_KINDS = np.array(["form_fill", "webinar", "content_download", "email_click", "event", "demo_request"])
TOUCH_P = np.array([0.25, 0.15, 0.2, 0.3, 0.05, 0.05])
ORIGINS = np.array(["website", "webinar", "paid_search", "event", "referral", "linkedin"])
RETURN_LABELS = {
    "bad_fit": "Bad fit",
    "no_budget": "No budget",
    "wrong_contact": "Wrong contact",
    "duplicate": "Duplicate",
    "not_now": "Not now",
}
RETURN_TARGET = {
    "bad_fit": "disqualified",
    "no_budget": "nurture",
    "wrong_contact": "disqualified",
    "duplicate": "disqualified",
    "not_now": "nurture",
}
MQL_RULE = {
    "any": [
        {"field": "score", "op": "gte", "value": 45},
        {"touches": {"kind": "demo_request", "within_days": 30}, "op": "gte", "value": 1},
    ]
}
FLUSH_EVERY = 50_000
H = datetime.timedelta(hours=1)
D = datetime.timedelta(days=1)


def _sla(ctx: dict) -> tuple[BusinessCalendar, SlaPolicy]:
    """The Tehran office's calendar and the default handoff SLA."""
    calendar = BusinessCalendar.objects.create(
        name="Tehran office (Saturday–Wednesday)",
        timezone="Asia/Tehran",
        workdays=list(SATURDAY_TO_WEDNESDAY),
        day_start=datetime.time(8, 30),
        day_end=datetime.time(17, 0),
        jalali_holidays=list(IRAN_JALALI_HOLIDAYS),
        holidays=["2026-03-20", "2026-05-27", "2026-06-25", "2026-06-26"],
    )
    policy = SlaPolicy.objects.create(
        name="Default handoff SLA",
        calendar=calendar,
        accept_within_hours=Decimal("8"),
        follow_up_within_hours=Decimal("16"),
        min_attempts=3,
        mql_target_per_month=max(20, ctx["opportunities"]["count"] // 24),
        acceptance_rate_target=Decimal("70"),
    )
    return calendar, policy


def _routing(teams) -> None:
    """The account owner first, the Gulf territory, then round robin in every team."""
    RoutingRule.objects.create(
        position=10, name="Existing account owner", kind=RoutingRuleKind.ACCOUNT_OWNER, capacity=40
    )
    gulf = next((t for t in teams if "Middle East" in t.name), None)
    if gulf is not None:
        RoutingRule.objects.create(
            position=20,
            name="Gulf territory",
            kind=RoutingRuleKind.TERRITORY,
            countries=["AE", "TR"],
            team=gulf,
            capacity=40,
        )
    for i, team in enumerate(teams):
        RoutingRule.objects.create(
            position=30 + i,
            name=f"Round robin — {team.name}",
            kind=RoutingRuleKind.ROUND_ROBIN,
            team=team,
            capacity=40,
        )


def _signed_definition(people: dict, now: datetime.datetime) -> LeadDefinition:
    """The MQL definition both heads signed two years ago."""
    signed = now - datetime.timedelta(days=720)
    definition = LeadDefinition.objects.create(
        kind="mql",
        number=1,
        rules=MQL_RULE,
        summary=rule_language.describe(MQL_RULE),
        status=LeadDefinition.Status.APPROVED,
        proposed_by=people["head.marketing"].user,
        proposed_at=signed - 2 * D,
        effective_at=signed,
    )
    DefinitionApproval.objects.create(
        definition=definition,
        side="marketing",
        decision="approve",
        user=people["head.marketing"].user,
        at=signed - D,
    )
    DefinitionApproval.objects.create(
        definition=definition,
        side="sales",
        decision="approve",
        user=people["head.sales"].user,
        comment="Agreed at the quarterly meeting",
        at=signed,
    )
    return definition


def _configuration(ctx: dict, now: datetime.datetime) -> dict:
    """The company's agreed rules: calendar and SLA, routing, the signed MQL definition."""
    calendar, policy = _sla(ctx)
    _routing(ctx["teams"])
    definition = _signed_definition(ctx["people"], now)
    CaptureForm.objects.create(
        name="Website contact form", allowed_origins=["https://www.arya.example"], origin="website"
    )
    engagement_rules_install_defaults()
    return {"calendar": calendar_spec(calendar), "policy": policy, "definition": definition}


def _lookups(n_accounts: int) -> tuple[dict, dict]:
    """Each account's name and size, and when each marketing-sourced deal closed."""
    account_info = {
        a: (name, emp)
        for a, name, emp in Account.objects.filter(id__lte=n_accounts)
        .values_list("id", "name", "employees")
        .iterator(chunk_size=20000)
    }
    closed_at = dict(
        Opportunity.objects.filter(source="marketing")
        .values_list("id", "closed_at")
        .iterator(chunk_size=20000)
    )
    return account_info, closed_at


class _Leads:
    """The demo's leads, section by section, from one random stream: the draws happen in
    the order they always have, so a seed gives the same company."""

    def __init__(self, *, spec, rng, ctx: dict, now: datetime.datetime, result, config: dict) -> None:
        # Imported when a demo is generated, not with this module: the scoring package
        # loads scikit-learn and Polars (seconds).
        from hamsu.analytics.lead_scoring.rules import Touch, score_lead

        self.Touch, self.score_lead = Touch, score_lead
        self.rng, self.now, self.result = rng, now, result
        self.calendar: CalendarSpec = config["calendar"]
        self.policy_id, self.definition_id = config["policy"].pk, config["definition"].pk
        self.policy_attempts = config["policy"].min_attempts
        self.points = active_points_spec()
        self.deals = ctx["opportunities"]
        reps = ctx["reps"]
        self.rep_name = {r.pk: r.full_name for r in reps}
        self.seg_names = {s.pk: s.name for s in ctx["segments"]}
        self.n_accounts = spec.accounts
        self.account_owner = ctx["account_owner"]
        self.account_segment = ctx["account_segment"]
        self.seg_ids = [s.pk for s in ctx["segments"]]
        self.rep_ids = [r.pk for r in reps]
        self.rep_team = [r.team_id for r in reps]
        self.account_info, self.closed_at = _lookups(spec.accounts)
        # Who each lead is: the account's contacts first, then new people at it, and a
        # few deliberate duplicates (hamsu.demo.naming.LeadPeople).
        self.lead_person = ctx["lead_person"]
        self.w = Writer()

    def new_lead(self, *, account_id, segment_id, state, changed, created, owner_id=None, team_id=None, queue="", opportunity_id=None,
                 touches=(), return_reason="", returned_at=None, recycle_count=0, accepted_at=None, first_follow_up=None,
                 attempts=0, mql=False):  # fmt: skip
        w, rng = self.w, self.rng
        w.lead_id += 1
        lead_id = w.lead_id
        # The draw that once picked one of the account's three contacts, kept so the seed's
        # stream, and with it every later lead, stays as it was.
        rng.integers(0, 3)
        cid, _acc, email, first, last, title, country = self.lead_person(account_id)
        company, employees = self.account_info.get(account_id, ("", None))
        origin = str(ORIGINS[int(rng.integers(0, len(ORIGINS)))])
        for kind, at in touches:
            w.touch(lead_id, kind, at, origin)
        facts = {
            "segment": self.seg_names.get(segment_id, ""),
            "size_band": "" if employees is None else ("small" if employees < 50 else "medium" if employees < 500 else "large" if employees < 5000 else "enterprise"),
            "title": title,
        }  # fmt: skip
        scored = self.score_lead(self.points, facts, [self.Touch(k, a) for k, a in touches], as_of=self.now)
        reasons = [
            {"rule": c.rule, "kind": c.kind, "points": round(c.points, 2), "touches": c.touches}
            for c in scored.contributions
        ]
        w.leads.append((
            lead_id, email, first, last, company, title, "", country, employees, segment_id, origin, cid, account_id,
            opportunity_id, state, changed, owner_id, team_id, queue, round(scored.total, 2), json.dumps(reasons), self.now,
            None, "[]", self.definition_id if mql else None, return_reason, "", returned_at, recycle_count, accepted_at,
            first_follow_up, attempts, "", created, max(changed, created),
        ))  # fmt: skip
        return lead_id

    def touches_between(self, start, end, k):
        rng = self.rng
        span = max((end - start).total_seconds(), 60.0)
        kinds = rng.choice(TOUCH_KINDS, size=k, p=TOUCH_P)
        return sorted(
            ((str(kind), start + datetime.timedelta(seconds=float(rng.uniform(0, span)))) for kind in kinds),
            key=lambda t: t[1],
        )

    def mql_path(self, lead_id, owner_id, team_id, t_mql, reason_text):
        self.w.event(lead_id, "inquiry", "mql", t_mql, MQL_REASON)
        self.w.assignment(lead_id, owner_id, team_id, "", reason_text, t_mql)

    def when(self, days_back_max=730):
        return self.now - datetime.timedelta(
            seconds=float(self.rng.uniform(3 * 86400, days_back_max * 86400))
        )

    def random_account(self):
        a = int(self.rng.integers(0, self.n_accounts))
        o = int(self.account_owner[a])
        return a + 1, int(self.seg_ids[self.account_segment[a]]), self.rep_ids[o], self.rep_team[o]

    def marketing_deals(self) -> int:
        """Marketing-sourced deals and the leads they came from; how many there were."""
        rng, w, now, result, calendar = self.rng, self.w, self.now, self.result, self.calendar
        deals, policy_id = self.deals, self.policy_id
        source = deals["source"]
        marketing = np.flatnonzero(source == "marketing")
        opp_created = deals["created_at"]
        final_stage = deals["final_stage"]
        for i in marketing:
            opp_id = int(i) + 1
            account_id = int(deals["account_index"][i]) + 1
            owner_id, team_id = int(deals["owner_person_id"][i]), int(deals["team_id"][i])
            t_opp = opp_created[i]
            t_sql = t_opp - datetime.timedelta(hours=float(rng.uniform(4, 72)))
            t_sal = t_sql - datetime.timedelta(days=float(rng.uniform(1, 10)))
            t_mql = t_sal - datetime.timedelta(hours=float(rng.uniform(0.5, 30)))
            t_inq = t_mql - datetime.timedelta(days=float(rng.uniform(1, 40)))
            due = calendar.add_business_hours(t_mql, 8)
            stage = str(final_stage[i])
            state = "won" if stage == "won" else "lost" if stage == "lost" else "opportunity"
            changed = self.closed_at.get(opp_id) or t_opp
            recycled = state == "lost" and rng.random() < 0.33
            # Recycled a day after the loss (or sooner, for a deal lost in the last day).
            recycled_at = changed + min(D, (now - changed) / 2)
            follow = t_sal + datetime.timedelta(hours=float(rng.uniform(0.5, 20)))
            lead_id = self.new_lead(
                account_id=account_id, segment_id=int(deals["segment_id"][i]), state="nurture" if recycled else state,
                changed=recycled_at if recycled else changed, created=t_inq, owner_id=None if recycled else owner_id,
                team_id=None if recycled else team_id, queue="recycle" if recycled else "", opportunity_id=opp_id,
                touches=self.touches_between(t_inq, t_mql, int(rng.integers(2, 6))), recycle_count=int(recycled),
                accepted_at=t_sal, first_follow_up=follow, attempts=int(rng.integers(1, 5)), mql=True,
            )  # fmt: skip
            w.event(lead_id, "", "inquiry", t_inq, "created")
            account_name = self.account_info.get(account_id, ("",))[0]
            text = f"Rule “Existing account owner”: {self.rep_name.get(owner_id, '')} owns the account {account_name}."
            self.mql_path(lead_id, owner_id, team_id, t_mql, text)
            w.event(lead_id, "mql", "sal", t_sal, "accepted")
            w.event(lead_id, "sal", "sql", t_sql, "qualified")
            w.event(lead_id, "sql", "opportunity", t_opp, f"opportunity #{opp_id}")
            if state != "opportunity":
                w.event(lead_id, "opportunity", state, changed, "lost" if state == "lost" else "won")
            if recycled:
                w.event(lead_id, "lost", "nurture", recycled_at, "A lost lead is recycled into nurture")
            escalated = due + datetime.timedelta(minutes=1) if t_sal > due else None
            w.handoff(lead_id, team_id, owner_id, policy_id, "accepted", t_mql, due, t_sal, escalated)
            w.flush(result, every=FLUSH_EVERY)
        return len(marketing)

    def never_qualified(self, m: int) -> None:
        """Inquiries that never qualified: still inquiries, nurtured, or disqualified by marketing."""
        rng, w, now, result = self.rng, self.w, self.now, self.result
        for _ in range(int(m * 2.0)):
            w.flush(result, every=FLUSH_EVERY)
            account_id, segment_id, _o, _t = self.random_account()
            t_inq = self.when()
            fate = rng.choice(3, p=[0.55, 0.3, 0.15])
            state = ["inquiry", "nurture", "disqualified"][fate]
            changed = t_inq + datetime.timedelta(days=float(rng.uniform(5, 60))) if fate else t_inq
            changed = min(changed, now - H)
            lead_id = self.new_lead(
                account_id=account_id, segment_id=segment_id, state=state, changed=changed, created=t_inq,
                queue="marketing" if fate == 0 else "recycle", touches=self.touches_between(t_inq, changed + H, int(rng.integers(1, 3))),
            )  # fmt: skip
            w.event(lead_id, "", "inquiry", t_inq, "created")
            if fate:
                w.event(
                    lead_id,
                    "inquiry",
                    state,
                    changed,
                    "no engagement for 60 days" if fate == 1 else "student / competitor",
                )

    def returned(self, m: int) -> None:
        """MQLs sales returned with a reason (some after accepting and trying to reach them)."""
        rng, w, now, result, calendar = self.rng, self.w, self.now, self.result, self.calendar
        policy_id, policy_attempts = self.policy_id, self.policy_attempts
        reasons = np.array(list(RETURN_LABELS))
        for _ in range(int(m * 0.9)):
            w.flush(result, every=FLUSH_EVERY)
            account_id, segment_id, owner_id, team_id = self.random_account()
            t_inq = self.when()
            t_mql = t_inq + datetime.timedelta(days=float(rng.uniform(1, 30)))
            if t_mql > now - D:
                continue
            reason = str(rng.choice(reasons, p=[0.3, 0.15, 0.15, 0.1, 0.3]))
            after_accept = rng.random() < 0.35
            t_sal = t_mql + datetime.timedelta(hours=float(rng.uniform(0.5, 20)))
            t_ret = (t_sal + datetime.timedelta(days=float(rng.uniform(2, 15)))) if after_accept else t_sal
            t_ret = min(t_ret, now - H)
            target = RETURN_TARGET[reason]
            lead_id = self.new_lead(
                account_id=account_id, segment_id=segment_id, state=target, changed=t_ret, created=t_inq, queue="recycle",
                touches=self.touches_between(t_inq, t_mql, int(rng.integers(2, 5))), return_reason=reason, returned_at=t_ret,
                recycle_count=1, accepted_at=t_sal if after_accept else None,
                # Returned only after the policy's minimum follow-up attempts (lead_return enforces it).
                first_follow_up=t_sal + H if after_accept else t_mql + (t_ret - t_mql) / 2,
                attempts=int(rng.integers(1, 5)) + policy_attempts - 1 if after_accept else policy_attempts, mql=True,
            )  # fmt: skip
            w.event(lead_id, "", "inquiry", t_inq, "created")
            self.mql_path(
                lead_id,
                owner_id,
                team_id,
                t_mql,
                f"Rule “Round robin”: {self.rep_name.get(owner_id, '')} is next.",
            )
            due = calendar.add_business_hours(t_mql, 8)
            if after_accept:
                w.event(lead_id, "mql", "sal", t_sal, "accepted")
                # Half were qualified before the deal fell through: the SQL → opportunity leak.
                last = "sal"
                if rng.random() < 0.5:
                    w.event(lead_id, "sal", "sql", t_sal + (t_ret - t_sal) / 2, "qualified")
                    last = "sql"
                w.event(lead_id, last, target, t_ret, RETURN_LABELS[reason])
                w.handoff(lead_id, team_id, owner_id, policy_id, "accepted", t_mql, due, t_sal, None)
            else:
                w.event(lead_id, "mql", target, t_ret, RETURN_LABELS[reason])
                w.handoff(
                    lead_id,
                    team_id,
                    owner_id,
                    policy_id,
                    "returned",
                    t_mql,
                    due,
                    t_ret,
                    due + H if t_ret > due else None,
                )

    def open_mqls(self, m: int) -> None:
        """Today's work: MQLs waiting for sales, some overdue, a few unrouted."""
        rng, w, now, calendar, policy_id = self.rng, self.w, self.now, self.calendar, self.policy_id
        open_mqls = max(8, min(400, m // 15))
        for k in range(open_mqls):
            account_id, segment_id, owner_id, team_id = self.random_account()
            t_mql = now - datetime.timedelta(hours=float(rng.uniform(0.2, 40)))
            t_inq = t_mql - datetime.timedelta(days=float(rng.uniform(1, 20)))
            unrouted = k % 10 == 0
            lead_id = self.new_lead(
                account_id=account_id, segment_id=segment_id, state="mql", changed=t_mql, created=t_inq,
                owner_id=None if unrouted else owner_id, team_id=team_id, queue="handoff" if unrouted else "",
                touches=self.touches_between(t_inq, t_mql, int(rng.integers(2, 6))), mql=True,
            )  # fmt: skip
            w.event(lead_id, "", "inquiry", t_inq, "created")
            w.event(lead_id, "inquiry", "mql", t_mql, MQL_REASON)
            text = (
                "No rule found an available seller; the lead waits in the handoff queue for a manager."
                if unrouted
                else f"Rule “Existing account owner”: {self.rep_name.get(owner_id, '')} owns the account."
            )
            w.assignment(
                lead_id, None if unrouted else owner_id, team_id, "handoff" if unrouted else "", text, t_mql
            )
            due = calendar.add_business_hours(t_mql, 8)
            w.handoff(
                lead_id, team_id, None if unrouted else owner_id, policy_id, "open", t_mql, due, None, None
            )

    def in_progress(self, m: int) -> None:
        """Today's work: SALs and SQLs in progress."""
        rng, w, now, calendar, policy_id = self.rng, self.w, self.now, self.calendar, self.policy_id
        for k in range(max(6, min(300, m // 20))):
            account_id, segment_id, owner_id, team_id = self.random_account()
            t_sal = now - datetime.timedelta(days=float(rng.uniform(0.5, 12)))
            t_mql = t_sal - datetime.timedelta(hours=float(rng.uniform(0.5, 10)))
            t_inq = t_mql - datetime.timedelta(days=float(rng.uniform(1, 20)))
            to_sql = k % 3 == 0
            t_sql = t_sal + (now - t_sal) / 2
            lead_id = self.new_lead(
                account_id=account_id, segment_id=segment_id, state="sql" if to_sql else "sal", changed=t_sql if to_sql else t_sal,
                created=t_inq, owner_id=owner_id, team_id=team_id, touches=self.touches_between(t_inq, t_mql, int(rng.integers(2, 5))),
                accepted_at=t_sal, first_follow_up=t_sal + H if k % 4 else None, attempts=int(rng.integers(0, 3)), mql=True,
            )  # fmt: skip
            w.event(lead_id, "", "inquiry", t_inq, "created")
            self.mql_path(
                lead_id,
                owner_id,
                team_id,
                t_mql,
                f"Rule “Existing account owner”: {self.rep_name.get(owner_id, '')} owns the account.",
            )
            w.event(lead_id, "mql", "sal", t_sal, "accepted")
            if to_sql:
                w.event(lead_id, "sal", "sql", t_sql, "qualified")
            w.handoff(
                lead_id,
                team_id,
                owner_id,
                policy_id,
                "accepted",
                t_mql,
                calendar.add_business_hours(t_mql, 8),
                t_sal,
                None,
            )


def generate(*, spec, rng, ctx: dict, now: datetime.datetime, result, progress) -> None:
    config = _configuration(ctx, now)
    leads = _Leads(spec=spec, rng=rng, ctx=ctx, now=now, result=result, config=config)
    # ---- 1. marketing-sourced deals and the leads they came from
    # ---- 2. the rest of the waterfall, spread over the same two years
    m = max(leads.marketing_deals(), 20)
    leads.never_qualified(m)
    leads.returned(m)
    leads.open_mqls(m)
    leads.in_progress(m)
    w, result = leads.w, leads.result
    w.flush(result)
    reset_sequences(Lead, StageEvent, Handoff, LeadTouch, LeadAssignment)
    # The demo history is already consistent; rules of engagement apply from here on.
    EngagementBookmark.objects.update_or_create(name="stage_events", defaults={"last_event_id": w.event_id})
    progress(f"leads: {result.rows['leads']:,}, lead stage events: {result.rows['lead_stage_events']:,}")
    _train_and_score_open_leads(now, progress)


def _train_and_score_open_leads(now: datetime.datetime, progress) -> None:
    """Train the predictive score on the demo's won/lost leads and score the open ones,
    so the seller sees a chance of winning and its reasons from the first login."""
    try:
        model = predictive_retrain()
    except ValueError as error:  # too little variety at a tiny scale: no model, rule points only
        progress(f"predictive lead score not trained: {error}")
        return
    if model is None:
        return
    scorer, spec = active_model(), active_points_spec()
    open_leads = list(
        Lead.objects.filter(state__in=["mql", "sal", "sql"])
        .select_related("segment", "account")
        .prefetch_related("touches")
    )
    for lead in open_leads:
        apply_score(lead, spec=spec, touches=score_touches(lead.touches.all()), now=now, model=scorer)
    Lead.objects.bulk_update(
        open_leads, ["score", "score_reasons", "scored_at", "win_probability", "win_reasons"], batch_size=1000
    )
    progress(f"predictive lead score trained on {model.info.get('n_leads', 0):,} closed leads")
