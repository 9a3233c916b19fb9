"""The synthetic demo company: a B2B firm with two years of sales and marketing history.

Deterministic for a given seed and scale. Small scales go through the ORM for the
reference data; the high-volume tables (opportunities, stage events, participants,
activities) are simulated with NumPy in vectorised steps and written with bulk inserts,
so the large scale (1,000,000 opportunities) is usable for benchmarks.

How deals behave (so funnels, win rates and cycle times look real):
- creation dates follow a monthly seasonality (quiet August and late December, busy
  March and autumn) on a slowly growing trend;
- each open stage has its own advance probability and a log-normal time in stage; a
  deal either advances, is lost, or is still open today;
- about one deal in eight slips back a stage once before moving on (a real pattern that
  stage-velocity metrics must cope with);
- win rates depend on segment, source (marketing-sourced deals qualify better) and the
  seller; amounts follow the product's list price, quantity and a discount.

This module runs the steps in order, in one transaction: ``reference`` (settings,
people, segments, products), ``accounts`` (accounts and contacts), ``opportunities``
(deals and their histories), then each app's own demo data, then ``tasks`` (the open
tasks: next steps of deals, calls planned for leads); ``world`` holds what the company is
made of, ``names`` and ``naming`` what its customers, their people and deals are called.
"""

from __future__ import annotations

import datetime
import time

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from hamsu.core.bulk import reset_sequences
from hamsu.crm.models import (
    Account,
    Activity,
    ActivityParticipant,
    Contact,
    Opportunity,
    OpportunityParticipant,
    StageEvent,
)
from hamsu.demo.accounts import accounts_and_contacts
from hamsu.demo.opportunities import opportunities
from hamsu.demo.reference import reference_data
from hamsu.demo.tasks import planned_tasks
from hamsu.demo.world import (  # noqa: F401 (DEMO_*: read by `hamsu demo` and the tests)
    DEMO_LOGINS,
    DEMO_PASSWORD,
    SCALES,
    Result,
    Scale,
)

NAMES_STREAM = 1  # the second seed word of the names' random stream


def demo_exists() -> bool:
    return Opportunity.objects.exists()


def generate(
    *,
    scale: str = "small",
    seed: int = 42,
    now: datetime.datetime | None = None,
    progress=print,
    extensions: list[str] | None = None,
) -> Result:
    """Create the demo company. Refuses to run on a database that already has deals.

    ``extensions`` limits which apps add their own data (default: all of EXTENSION_APPS);
    benchmarks of one area use it to skip the others' slower steps.
    """
    if demo_exists():
        raise RuntimeError("The database already has opportunities; the demo company is generated only once.")
    spec = SCALES[scale]
    rng = np.random.default_rng(seed)
    now = now or timezone.now().replace(microsecond=0)
    result = Result(scale=scale)
    started = time.perf_counter()
    with transaction.atomic():
        ctx = reference_data(spec, rng, result)
        # Names and planned tasks draw from streams of their own, so adding them left the
        # simulated company (and every figure of it) as it was for a seed.
        ctx["names_rng"] = np.random.default_rng([seed, NAMES_STREAM])
        progress(f"reference data: {result.total_rows} rows")
        accounts_and_contacts(spec, rng, ctx, now, result)
        progress(f"accounts: {result.rows['accounts']:,}, contacts: {result.rows['contacts']:,}")
        opportunities(spec, rng, ctx, now, result, progress)
        _app_extensions(
            spec, rng, ctx, now, result, progress, EXTENSION_APPS if extensions is None else extensions
        )
        planned_tasks(seed=seed, ctx=ctx, now=now, result=result, progress=progress)
        reset_sequences(
            Account, Contact, Opportunity, StageEvent, OpportunityParticipant, Activity, ActivityParticipant
        )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    result.seconds = time.perf_counter() - started
    return result


# Apps that add their own demo data (leads, campaigns, targets, meetings, …) provide
# ``hamsu.<app>.demo.generate(spec=, rng=, ctx=, now=, result=, progress=)``; they run in
# this order, after the CRM history exists, inside the same transaction.
EXTENSION_APPS = ["campaigns", "funnel", "scorecard", "collaboration", "alignment"]


def _app_extensions(
    spec: Scale, rng, ctx: dict, now: datetime.datetime, result: Result, progress, chosen: list[str]
) -> None:
    import importlib
    import importlib.util

    unknown = set(chosen) - set(EXTENSION_APPS)
    if unknown:
        raise ValueError(f"Unknown demo extensions: {', '.join(sorted(unknown))}")
    for app in (app for app in EXTENSION_APPS if app in chosen):
        name = f"hamsu.{app}.demo"
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name).generate(
                spec=spec, rng=rng, ctx=ctx, now=now, result=result, progress=progress
            )
