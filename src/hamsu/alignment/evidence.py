"""Measured indicators beside the perceived scores.

Each statement the records can speak to has one reader, registered in
``hamsu.core.evidence`` by the app that holds the records: this module's readers use the
CRM, funnel and directory selectors (layers below alignment); the scorecard and
collaboration register theirs from their own apps (alignment does not import them). A
reader answers an ``Indicator``: a value with what it implies ("high" supports agreeing
with the statement, "low" supports disagreeing), or "not measured" only where the records
genuinely cannot answer (no key accounts without a won deal, no directory heads …).
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hamsu.analytics.diagnostic import STATEMENTS as KEYS
from hamsu.core import evidence as registry
from hamsu.core.evidence import HIGH, LOW, MIXED, Indicator
from hamsu.crm import selectors_joint as joint
from hamsu.directory import selectors_org as org
from hamsu.directory.models import Function
from hamsu.funnel import selectors_usage as funnel_usage

YEAR = datetime.timedelta(days=365)
HALF_YEAR = datetime.timedelta(days=180)
MARKETING = sorted(Function.marketing())

__all__ = ["Indicator", "disagreement", "indicators"]


def disagreement(indicator: Indicator | None, perceived: float | None) -> str | None:
    """Say so when what people feel and what the data shows point different ways."""
    if indicator is None or not indicator.measured or perceived is None:
        return None
    if indicator.level == LOW and perceived >= 3.5:
        return _("People rate this higher than the data supports.")
    if indicator.level == HIGH and perceived <= 2.5:
        return _("The data looks better than people feel.")
    return None


def not_measured(statement: str, label: str, why: str) -> Indicator:
    return Indicator(statement, str(label), False, why)


def pct(ratio: float) -> str:
    return f"{ratio * 100:.0f}%"


# ---------------------------------------------------------------- readers of the layers below


def marketing_in_key_accounts(now: datetime.datetime) -> Indicator:
    """s3: the share of last year's activities on the key accounts a marketer took part in."""
    label = gettext_lazy("Marketers in key-account activities")
    ids = joint.key_account_ids(now=now)
    if not ids:
        return not_measured("s3", label, _("no won deals yet, so no key accounts"))
    share = joint.account_activities_joined(account_ids=ids, functions=MARKETING, since=now - YEAR, until=now)
    if not share.total:
        return not_measured("s3", label, _("no activities on key accounts in the last year"))
    ratio = share.ratio
    level = HIGH if ratio >= 0.25 else LOW if ratio < 0.1 else MIXED
    text = _("%(pct)s of %(n)d activities on the top %(k)d accounts included a marketer") % {
        "pct": pct(ratio),
        "n": share.total,
        "k": len(ids),
    }
    return Indicator("s3", str(label), True, text, level, _("CRM activities"), ratio)


def shared_funnel(now: datetime.datetime) -> Indicator:
    """s14: the funnel in force (a published version, else the built-in default), whether
    both teams own stages of it, and whether both work in it: leads reaching MQL on
    marketing's side and handoffs answered on sales's side in the last six months."""
    label = gettext_lazy("One funnel used by both teams")
    funnel = funnel_usage.funnel_in_force()
    flow = funnel_usage.lead_flow(since=now - HALF_YEAR, until=now)
    shared = funnel.owners.get("shared", 0)
    both_own = (funnel.owners.get("marketing", 0) or shared) and (funnel.owners.get("sales", 0) or shared)
    name = (
        _("the built-in default funnel")
        if funnel.version is None
        else _("funnel version %(n)d") % {"n": funnel.version}
    )
    text = _(
        "%(funnel)s is in force; in the last 6 months %(mqls)d leads reached MQL and sales answered "
        "%(answered)d handoffs"
    ) % {"funnel": name, "mqls": flow.mqls, "answered": flow.handoffs_answered}
    working = (flow.mqls > 0) + (flow.handoffs_answered > 0)
    level = HIGH if both_own and working == 2 else LOW if working == 0 else MIXED
    return Indicator("s14", str(label), True, text, level, _("Funnel"))


def funnel_analyses(now: datetime.datetime) -> Indicator:
    """s15: of the changes that make the funnel more predictable in the last six months
    (funnel versions, lead definitions, scoring points), the share marketers made."""
    label = gettext_lazy("Funnel work by marketing")
    by_function = funnel_usage.funnel_changes_by_function(since=now - HALF_YEAR, until=now)
    total = sum(by_function.values())
    by_marketing = sum(n for function, n in by_function.items() if function in MARKETING)
    if not total:
        return Indicator(
            "s15",
            str(label),
            True,
            _("nobody changed the funnel, the lead definitions or the scoring in the last 6 months"),
            LOW,
            _("Funnel"),
            None,
        )
    ratio = by_marketing / total
    level = HIGH if ratio >= 0.5 else LOW if by_marketing == 0 else MIXED
    text = _(
        "marketers made %(m)d of the %(n)d changes to the funnel, the lead definitions and the scoring "
        "in the last 6 months"
    ) % {"m": by_marketing, "n": total}
    return Indicator("s15", str(label), True, text, level, _("Funnel"), ratio)


def revenue_leader(now: datetime.datetime) -> Indicator:
    """s17: whether the heads of sales and marketing report to one revenue leader."""
    label = gettext_lazy("One revenue leader over both")
    heads = org.revenue_heads()
    sales, marketing = heads.head_of_sales, heads.head_of_marketing
    if sales is None or marketing is None:
        return not_measured(
            "s17", label, _("the directory does not name both a head of sales and a head of marketing")
        )
    leader = sales.manager
    if (
        leader is not None
        and leader.pk == marketing.manager_id
        and leader.function == Function.REVENUE_LEADERSHIP
    ):
        return Indicator(
            "s17",
            str(label),
            True,
            _("both heads report to %(name)s") % {"name": leader.full_name},
            HIGH,
            _("Directory"),
        )
    return Indicator(
        "s17",
        str(label),
        True,
        _("the heads of sales and marketing report to different people"),
        LOW,
        _("Directory"),
    )


def register() -> None:
    registry.register_indicator("s3", marketing_in_key_accounts)
    registry.register_indicator("s14", shared_funnel)
    registry.register_indicator("s15", funnel_analyses)
    registry.register_indicator("s17", revenue_leader)


def indicators(now: datetime.datetime | None = None) -> dict[str, Indicator]:
    """Every registered indicator, keyed by statement, in the instrument's order."""
    now = now or timezone.now()
    readers = registry.indicator_readers()
    return {key: readers[key](now) for key in KEYS if key in readers}
