"""Glossary entries for the funnel's figures (registered from FunnelConfig.ready()).

Each entry is the contract its reconciliation test (``tests/reconcile/test_funnel_*.py``)
recomputes from the raw leads, deals, stage events and handoffs.
"""

from django.utils.translation import gettext_lazy as _

from hamsu.core.glossary import Section, section_terms

SECTIONS = (
    Section("funnel", _("The shared funnel"), order=20),
    Section("sla", _("Handoff SLA"), order=21),
    Section("leads", _("Leads and queues"), order=22),
    Section("capture", _("Lead capture"), order=23),
    Section("rules", _("Routing, SLA and engagement rules"), order=24),
)

_COHORT = _(
    "The cohort: leads (lead stages) or deals (sales stages) created in the chosen period — "
    "the last 90 days, year or two years, or at any time — of the chosen team and segment."
)

_capture = section_terms("capture")


_funnel = section_terms("funnel", counts=_COHORT, filters=("period", "team", "segment"))


_leads = section_terms("leads")


_rules = section_terms("rules")


_sla = section_terms("sla", counts=_("Handoffs opened in the period, by team."), filters=("period",))


TERMS = (
    _funnel(
        "now",
        name=_("Now"),
        definition=_(
            "How many of the cohort are in this stage today: leads whose state, or deals whose "
            "stage, is one the stage counts."
        ),
        formula=_("count of the cohort whose current state is one of the stage's counted states"),
        order=10,
    ),
    _funnel(
        "reached",
        name=_("Reached"),
        definition=_(
            "How many of the cohort got at least this far down the path: to this stage or any "
            "later one. A stage skipped on the way counts as reached (a lead that went from MQL "
            "straight to a deal passed SAL and SQL); a lead whose deal was lost reached "
            "opportunity. The same definition counts MQLs and SQLs on the closed loop and the "
            "scorecard. For a stage off the path (recycled leads in nurture): how many of the "
            "cohort were ever there."
        ),
        formula=_(
            "count of the cohort whose deepest state (current state or any stage event) is this "
            "stage or a later one of the path"
        ),
        order=20,
    ),
    _funnel(
        "conversion",
        name=_("Converts to next"),
        definition=_(
            "Of the cohort that reached this stage, the share that reached the next step of the "
            "same path (named under the figure). Both counts are over the same cohort and the "
            "next step's are part of this one's, so it is never above 100%. Leads still on their "
            "way count as not converted yet: a recent cohort reads lower than it will end. No "
            "figure for the last step, for a stage off the path (nurture), or where the next "
            "stage is not measured."
        ),
        formula=_("reached(next step of the path) / reached(this stage)"),
        bounded=True,
        order=30,
    ),
    # ------------------------------------------------------------ the two-sided SLA
    _sla(
        "mqls",
        name=_("MQLs / target"),
        definition=_(
            "Handoffs to the sales team opened in the period (one per time a lead became an "
            "MQL), against the policy's monthly MQL target scaled to the period's length."
        ),
        formula=_("count of handoffs opened in the period; target = monthly target × days / 30.4, rounded"),
        counts=_(
            "Handoffs opened in the period, by the team they were routed to (the team's policy, else the default)."
        ),
        order=10,
    ),
    _sla(
        "accepted_returned",
        name=_("Accepted / returned"),
        definition=_(
            "Of the handoffs opened in the period, how many sales accepted and how many it returned."
        ),
        formula=_("count of handoffs with status accepted; count with status returned"),
        order=20,
    ),
    _sla(
        "acceptance_rate",
        name=_("Acceptance rate / target"),
        definition=_(
            "Of the handoffs sales has answered (accepted or returned), the share it accepted; "
            "still-open handoffs are not counted. Against the policy's target."
        ),
        formula=_("accepted / (accepted + returned) × 100"),
        counts=_("Handoffs opened in the period and answered, by team."),
        bounded=True,
        order=30,
    ),
    _sla(
        "on_time_rate",
        name=_("Answered in time"),
        definition=_(
            "Of the handoffs sales answered, the share answered by their deadline (the SLA's "
            "hours, counted in the team calendar's business hours)."
        ),
        formula=_("handoffs answered by their deadline ÷ handoffs answered × 100"),
        counts=_("Handoffs opened in the period and answered (accepted or returned), by team."),
        bounded=True,
        order=40,
    ),
    _sla(
        "breaches",
        name=_("Breaches"),
        definition=_("Handoffs that passed their deadline unanswered and were escalated to the manager."),
        formula=_("count of handoffs opened in the period with an escalation time"),
        order=50,
    ),
    _sla(
        "open_overdue",
        name=_("Overdue now"),
        definition=_(
            "Handoffs still waiting for an answer whose deadline has passed, at the moment you look."
        ),
        formula=_("number of handoffs opened in the period, still unanswered, whose deadline is before now"),
        counts=_("Open handoffs opened in the period, by team."),
        order=60,
    ),
    _sla(
        "follow_up",
        name=_("First follow-up"),
        definition=_(
            "For accepted leads that have been followed up: the median business hours from "
            "acceptance to the first follow-up, and the share followed up within the policy's "
            "hours."
        ),
        formula=_(
            "median of the business hours from acceptance to the first follow-up; followed up "
            "within the policy's hours ÷ followed up × 100"
        ),
        counts=_("Accepted handoffs opened in the period whose lead has a first follow-up, by team."),
        order=70,
    ),
    _sla(
        "attempts",
        name=_("Attempts before returning / minimum"),
        definition=_(
            "How many follow-up attempts sales made, on average, before returning a lead, "
            "against the policy's minimum."
        ),
        formula=_("mean of the lead's follow-up attempts over returned handoffs"),
        counts=_("Returned handoffs opened in the period, by team."),
        order=80,
    ),
    _sla(
        "recent_in_time",
        name=_("Answered in time, last 7 days"),
        definition=_(
            "On a marketer's home page: handoffs of the leads you can open that sales answered "
            "(accepted or returned) in the last 7 days, by their deadline."
        ),
        formula=_("count of handoffs accepted or returned in the last 7 days, at or before their deadline"),
        counts=_("Handoffs of the leads you can open."),
        filters=(),
        order=90,
    ),
    _sla(
        "recent_late",
        name=_("Answered late, last 7 days"),
        definition=_(
            "On a marketer's home page: handoffs of the leads you can open that sales answered "
            "(accepted or returned) in the last 7 days, after their deadline."
        ),
        formula=_("count of handoffs accepted or returned in the last 7 days, after their deadline"),
        counts=_("Handoffs of the leads you can open."),
        filters=(),
        order=91,
    ),
    _sla(
        "waiting_now",
        name=_("Waiting for sales"),
        definition=_(
            "On a marketer's home page: handoffs of the leads you can open that sales has not "
            "answered yet, whenever they were handed over; each shows its clock."
        ),
        formula=_("count of open handoffs"),
        counts=_("Handoffs of the leads you can open."),
        filters=(),
        order=92,
    ),
    _sla(
        "overdue_now",
        name=_("Overdue handoffs"),
        definition=_(
            "On a manager's home page: handoffs still unanswered whose deadline has passed, at "
            "the moment you look, whenever they were handed over — of the teams a sales manager "
            "manages (and their own); of every team, and of leads routed to none, for the heads."
        ),
        formula=_("count of open handoffs whose deadline is before now, routed to your teams"),
        counts=_("Open handoffs, by the team they were routed to."),
        filters=("team",),
        order=93,
    ),
    # ------------------------------------------------------------ leads and queues
    _leads(
        "waiting",
        name=_("Leads waiting for you"),
        definition=_(
            "On a seller's home page: the MQLs you own that you have not accepted or returned "
            "yet, however many; the list shows the soonest deadlines first."
        ),
        formula=_("count of leads in state MQL whose owner is you"),
        counts=_("Your leads."),
        order=5,
    ),
    _leads(
        "returned",
        name=_("MQLs returned by sales, last 7 days"),
        definition=_(
            "On a marketer's home page: the leads you can open that sales returned to marketing "
            "in the last 7 days, in all and per reason. A lead counts once, under the reason of "
            "its latest return, so the reasons add up to the total."
        ),
        formula=_("count of leads whose latest return by sales falls in the last 7 days, per return reason"),
        counts=_(
            "Leads you can open (yours, your teams' or all by your role, and every lead waiting in a queue)."
        ),
        order=55,
    ),
    _leads(
        "handoff_due",
        name=_("Time left to answer"),
        definition=_(
            "For an MQL waiting for sales: the time until its open handoff's deadline, or how "
            "long ago the deadline passed (red)."
        ),
        formula=_("deadline of the lead's latest open handoff − now"),
        counts=_("The lead's open handoff."),
        order=10,
    ),
    _leads(
        "queue",
        name=_("Handoff queue"),
        definition=_(
            "MQLs not yet accepted or returned that you may route: your teams' (everyone's for "
            "the heads), yours, and those nobody could be routed to; soonest deadline first."
        ),
        formula=_("leads in state MQL, visible to you, ordered by open handoff deadline"),
        counts=_("Leads in state MQL."),
        order=20,
    ),
    _leads(
        "list",
        name=_("Leads"),
        definition=_("The leads you can see that match the search and filters."),
        formula=_("leads visible to you matching the name, e-mail or company, the state and the queue"),
        counts=_("Leads visible to you (your own, your teams' or all, by your role)."),
        filters=("state", "owner", "team"),
        order=30,
    ),
    _leads(
        "score",
        name=_("Lead score"),
        definition=_(
            "Points for fit and engagement from the scoring rules in force; engagement points "
            "fade with their half-life. The MQL definition may use it."
        ),
        formula=_(
            "sum of the rule points of the lead's fields and touches, each touch decayed by its half-life"
        ),
        counts=_("The lead and its touches."),
        order=40,
    ),
    _leads(
        "times_recycled",
        name=_("Times recycled"),
        definition=_(
            "How many times the lead went back to marketing: returned by sales (to nurture or "
            "disqualified) or recycled into nurture after a lost deal or a disqualification."
        ),
        formula=_("count of the lead's returns and recycles"),
        counts=_("The lead."),
        order=50,
    ),
    _leads(
        "win_probability",
        name=_("Chance of winning"),
        definition=_(
            "The predictive model's estimate that this lead becomes a won deal, learned from "
            "the company's own won and lost leads; the reasons list what raised or lowered it."
        ),
        formula=_("calibrated probability from the model retrained on won and lost leads"),
        counts=_("The lead's fields and touches."),
        bounded=True,
        order=60,
    ),
    _leads(
        "definition_checked",
        name=_("Leads the definition is checked against"),
        definition=_(
            "The leads a lead definition decides on today: for the MQL definition, the "
            "inquiries and nurtured leads marketing holds; for the SQL definition, the leads "
            "sales has accepted."
        ),
        formula=_("count of leads now in state inquiry or nurture (MQL), or sales-accepted (SQL)"),
        counts=_("Every lead, whoever owns it, in the states the definition covers."),
        order=70,
    ),
    _leads(
        "definition_qualifying",
        name=_("Would qualify"),
        definition=_(
            "Of the leads the definition is checked against, how many meet the rule — the "
            "proposed one, and beside it the one in effect — by the same evaluation that moves "
            "leads: the lead's fields as they are now (its last computed score) and its touches "
            "up to now. Nothing moves until both heads sign the proposal."
        ),
        formula=_("count of the checked leads for which the rule holds now"),
        counts=_("Every lead, whoever owns it, in the states the definition covers."),
        order=80,
    ),
    _capture(
        "received",
        name=_("Received, last 30 days"),
        definition=_("Submissions the form received in the last 30 days, whatever became of them."),
        formula=_("count of the form's submissions created in the last 30 days"),
        counts=_("Web-form submissions (one per request)."),
        order=10,
    ),
    _capture(
        "pending",
        name=_("Waiting for the worker"),
        definition=_("Submissions stored and not yet turned into a lead."),
        formula=_("count of the form's submissions with status pending"),
        counts=_("Web-form submissions (one per request), at any age."),
        order=20,
    ),
    _capture(
        "failed",
        name=_("Failed submissions"),
        definition=_(
            "Submissions that could not become a lead, kept with the reason until someone "
            "retries or dismisses them. The settings badge adds the failed rows of batch "
            "uploads."
        ),
        formula=_("count of submissions with status failed (+ failed batch rows on the settings badge)"),
        counts=_("Web-form submissions and batch rows, at any age."),
        order=30,
    ),
    _rules(
        "firings",
        name=_("Firings"),
        definition=_(
            "How many times a rule of engagement has fired: once per deal each time the deal "
            "entered the stage the rule watches and its conditions held."
        ),
        formula=_("count of the rule's firings; the latest one's time below"),
        counts=_("Firings of the rule, at any age."),
        order=10,
    ),
    _rules(
        "calendar_policies",
        name=_("Policies using a calendar"),
        definition=_("How many SLA policies count their deadlines in this business-hours calendar."),
        formula=_("count of SLA policies whose calendar is this one"),
        counts=_("SLA policies, active or not."),
        order=20,
    ),
)
