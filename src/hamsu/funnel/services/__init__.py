"""Every write of the funnel app, one module per concern (import the module you need).

The modules depend on each other one way. Listed from the bottom up, each imports only
modules listed before it (never one after it):

1. ``ordering``, ``bulk_rows`` — helpers; ``funnel`` — the funnel definition;
   ``scoring`` — a lead's facts and scores.
2. ``definitions`` — the lead definition in effect and whether a lead meets it;
   proposing a version.
3. ``routing`` — who gets a new MQL; ``handoff`` — the handoff and its SLA clock.
4. ``lead_states`` — the lifecycle's state machine (the allowed moves, the one
   ``transition``); ``leads`` — every lifecycle service.
5. ``reevaluation`` (a definition's bulk re-evaluation), ``engagement_actions`` and
   ``engagement`` (rules of engagement), ``capture_checks``, ``capture_records`` and
   ``capture_process`` (the capture worker), ``capture_retention``.
6. ``hamsu.funnel.tasks`` — the background jobs, which run the modules above.
7. The services that queue a job: ``approvals`` (a signed definition is re-evaluated),
   ``capture`` (the intake wakes the worker), ``capture_failures`` (a retry does too).

What lives above the funnel plugs in without being imported: the rules of engagement
react to a returned lead through ``hamsu.funnel.lead_reactions``, and the campaigns app
records each capture's touch through ``hamsu.funnel.capture_touches``.
"""
