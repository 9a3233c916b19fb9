"""Measured indicators beside the perceived scores.

One small provider per statement the data can speak to. Each returns an ``Indicator``:
a value with what it implies ("high" supports agreeing with the statement, "low" supports
disagreeing), or an honest "not measured yet" when its source app or model does not
exist. A provider whose source exists but has an unexpected shape also says so instead
of breaking the results page.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import FieldError
from django.db import DatabaseError
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hamsu.alignment import sources
from hamsu.crm.models import Activity, ActivityParticipant, Opportunity, OpportunityParticipant
from hamsu.crm.stages import Stage
from hamsu.directory.models import Function, Person, RoleTitle

log = logging.getLogger(__name__)
YEAR = datetime.timedelta(days=365)
KEY_ACCOUNTS = 10
MARKETING = sorted(Function.marketing())


@dataclass(frozen=True)
class Indicator:
    statement: str
    label: str
    measured: bool
    value: str = ""
    level: str | None = None  # "high" | "low" | "mixed" | None
    source: str = ""
    ratio: float | None = None

    def disagreement(self, perceived: float | None) -> str | None:
        """Say so when what people feel and what the data shows point different ways."""
        if not self.measured or perceived is None or self.level not in ("high", "low"):
            return None
        if self.level == "low" and perceived >= 3.5:
            return _("People rate this higher than the data supports.")
        if self.level == "high" and perceived <= 2.5:
            return _("The data looks better than people feel.")
        return None


def _not_measured(statement: str, label: str, why: str = "") -> Indicator:
    return Indicator(statement, label, False, why or _("not measured yet"))


def _pct(ratio: float) -> str:
    return f"{ratio * 100:.0f}%"


def key_account_ids(now: datetime.datetime) -> list[int]:
    """The key accounts: the largest by revenue won over the last year (else all time)."""
    won = Opportunity.objects.filter(stage=Stage.WON)
    recent = won.filter(closed_at__gte=now - YEAR)
    for qs in (recent, won):
        ids = list(
            qs.values("account_id")
            .annotate(total=Sum("amount_base"))
            .order_by("-total")
            .values_list("account_id", flat=True)[:KEY_ACCOUNTS]
        )
        if ids:
            return ids
    return []


# ---------------------------------------------------------------- providers


def forecast_accuracy(now: datetime.datetime) -> Indicator:
    """Scorecard's accuracy of snapshotted forecasts against actuals (1 - WAPE)."""
    label = gettext_lazy("Forecast accuracy")
    try:
        from hamsu.scorecard.selectors import forecast_accuracy as read
    except ImportError:
        return _not_measured("s1", label)
    result = read()
    if isinstance(result, dict):
        if not result.get("measured", True) or not result.get("headline"):
            return _not_measured("s1", label, _("no forecast of an ended period to compare yet"))
        wape = result["headline"].get("wape")
    else:
        wape = getattr(result, "wape", None)
    if wape is None:
        return _not_measured("s1", label, _("no forecast of an ended period to compare yet"))
    ratio = max(0.0, 1.0 - float(wape))
    level = "high" if ratio >= 0.85 else "low" if ratio < 0.7 else "mixed"
    text = _("forecasts were %(pct)s accurate (weighted absolute error %(err)s)") % {
        "pct": _pct(ratio),
        "err": _pct(float(wape)),
    }
    return Indicator("s1", label, True, text, level, _("Scorecard"), ratio)


def marketing_in_key_accounts(now: datetime.datetime) -> Indicator:
    label = gettext_lazy("Marketers in key-account activities")
    ids = key_account_ids(now)
    if not ids:
        return _not_measured("s3", label, _("no won deals yet, so no key accounts"))
    activities = Activity.objects.filter(
        Q(account_id__in=ids) | Q(opportunity__account_id__in=ids), occurred_at__gte=now - YEAR
    )
    marketer = ActivityParticipant.objects.filter(activity=OuterRef("pk"), function__in=MARKETING)
    counts = activities.aggregate(n=Count("pk"), with_marketing=Count("pk", filter=Q(Exists(marketer))))
    if not counts["n"]:
        return _not_measured("s3", label, _("no activities on key accounts in the last year"))
    ratio = counts["with_marketing"] / counts["n"]
    level = "high" if ratio >= 0.25 else "low" if ratio < 0.1 else "mixed"
    text = _("%(pct)s of %(n)d activities on the top %(k)d accounts included a marketer") % {
        "pct": _pct(ratio),
        "n": counts["n"],
        "k": len(ids),
    }
    return Indicator("s3", label, True, text, level, _("CRM activities"), ratio)


def collateral_in_won_deals(now: datetime.datetime) -> Indicator:
    label = gettext_lazy("Collateral used in won deals")
    collateral = sources.optional_model("collaboration", "Collateral") or sources.optional_model(
        "campaigns", "Collateral"
    )
    if collateral is None:
        return _not_measured("s5", label)
    usages = sources.related_models(collateral, Opportunity)
    won = Opportunity.objects.filter(stage=Stage.WON, closed_at__gte=now - YEAR)
    n_won = won.count()
    if not usages or not n_won:
        return _not_measured("s5", label, _("no record of collateral used on deals yet"))
    usage = usages[0]
    opp_field = sources.fk_to(usage, Opportunity)
    used = won.filter(Exists(usage.objects.filter(**{opp_field: OuterRef("pk")}))).count()
    ratio = used / n_won
    text = _("used in %(pct)s of %(n)d deals won this year") % {"pct": _pct(ratio), "n": n_won}
    rating = None
    rated = [m for m in sources.related_models(collateral) if sources.field(m, "rating")]
    if rated:
        from django.db.models import Avg

        rating = rated[0].objects.aggregate(avg=Avg("rating"))["avg"]
        if rating is not None:
            text += "; " + _("sellers rate it %(r).1f of 5") % {"r": rating}
    low = ratio < 0.2 or (rating is not None and rating < 2.5)
    high = ratio >= 0.5 and (rating is None or rating >= 3.5)
    return Indicator(
        "s5", label, True, text, "high" if high else "low" if low else "mixed", _("Collateral"), ratio
    )


def feedback_answered(now: datetime.datetime) -> Indicator:
    """Requests answered when the collaboration app has requests; else the share of
    sellers who gave marketing field feedback in the last 90 days."""
    label = gettext_lazy("Feedback from sales")
    request = sources.optional_model("collaboration", "FeedbackRequest")
    if request is not None:
        qs = request.objects.filter(**sources.since_filter(request, now - YEAR))
        total = qs.count()
        answers = sources.related_models(request)
        if total and answers:
            answered = qs.filter(
                Exists(answers[0].objects.filter(**{sources.fk_to(answers[0], request): OuterRef("pk")}))
            ).count()
            ratio = answered / total
            level = "high" if ratio >= 0.7 else "low" if ratio < 0.4 else "mixed"
            text = _("%(pct)s of %(n)d requests answered") % {"pct": _pct(ratio), "n": total}
            return Indicator("s6", label, True, text, level, _("Feedback"), ratio)
    note = sources.optional_model("collaboration", "FeedbackNote")
    author = sources.field(note, "author") if note is not None else None
    if note is None or author is None:
        return _not_measured("s6", label)
    sellers = Person.objects.filter(is_active=True, function=Function.SALES).count()
    if not sellers:
        return _not_measured("s6", label, _("no sellers in the directory"))
    gave = (
        note.objects.filter(
            author__function=Function.SALES, **sources.since_filter(note, now - datetime.timedelta(days=90))
        )
        .values("author_id")
        .distinct()
        .count()
    )
    ratio = gave / sellers
    level = "high" if ratio >= 0.5 else "low" if ratio < 0.2 else "mixed"
    text = _("%(pct)s of sellers gave marketing feedback in the last 90 days") % {"pct": _pct(ratio)}
    return Indicator("s6", label, True, text, level, _("Feedback"), ratio)


def shared_metrics(now: datetime.datetime) -> Indicator:
    """Shared metrics in the scorecard's catalogue, and whether a company-wide number is set."""
    label = gettext_lazy("Shared metrics defined and used")
    try:
        from hamsu.scorecard.metrics import catalogue
    except ImportError:
        return _not_measured("s12", label)
    n_defined = sum(1 for m in catalogue() if getattr(m, "group", "") == "shared")
    target = sources.optional_model("scorecard", "Target")
    used = 0
    if target is not None and sources.field(target, "period_end") is not None:
        qs = target.objects.filter(period_end__gte=(now - YEAR).date())
        if sources.field(target, "scope") is not None:
            qs = qs.filter(scope="company")
        used = qs.count()
    text = _("%(d)d shared metrics defined; %(u)d company-wide targets set in the last year") % {
        "d": n_defined,
        "u": used,
    }
    level = "low" if n_defined == 0 else "high" if used else "mixed"
    return Indicator("s12", label, True, text, level, _("Scorecard"))


def marketing_in_account_plans(now: datetime.datetime) -> Indicator:
    """Key accounts whose joint plan names a marketing owner (collaboration app), else
    key accounts with a marketer in a role on their deals (CRM)."""
    label = gettext_lazy("Marketing roles on key accounts")
    ids = key_account_ids(now)
    if not ids:
        return _not_measured("s13", label, _("no won deals yet, so no key accounts"))
    plan = sources.optional_model("collaboration", "AccountPlan")
    if plan is not None and sources.field(plan, "marketing_owner") and sources.field(plan, "account"):
        covered = plan.objects.filter(account_id__in=ids, marketing_owner__isnull=False).count()
        text = _("%(m)d of the top %(k)d accounts have a joint plan with a marketing owner") % {
            "m": covered,
            "k": len(ids),
        }
        source = _("Key-account plans")
    else:
        covered = (
            OpportunityParticipant.objects.filter(
                opportunity__account_id__in=ids, person__function__in=MARKETING
            )
            .values("opportunity__account_id")
            .distinct()
            .count()
        )
        text = _("a marketer has a role on deals of %(m)d of the top %(k)d accounts") % {
            "m": covered,
            "k": len(ids),
        }
        source = _("CRM deal roles")
    ratio = covered / len(ids)
    level = "high" if ratio >= 0.5 else "low" if ratio < 0.2 else "mixed"
    return Indicator("s13", label, True, text, level, source, ratio)


def shared_funnel(now: datetime.datetime) -> Indicator:
    """A published funnel (funnel app) that both teams move leads through."""
    label = gettext_lazy("One funnel used by both teams")
    if sources.optional_model("funnel", "Lead") is None:
        return _not_measured("s14", label)
    version = sources.optional_model("funnel", "FunnelVersion")
    if version is not None and not version.objects.exists():
        return Indicator("s14", label, True, _("no shared funnel has been defined"), "low", _("Funnel"))
    from hamsu.funnel.models import StageEvent

    since = now - datetime.timedelta(days=180)
    functions = set(
        StageEvent.objects.filter(object_type="lead", at__gte=since, actor__isnull=False)
        .values_list("actor__person__function", flat=True)
        .distinct()
    )
    sales = Function.SALES in functions
    marketing = bool(functions & set(MARKETING))
    if sales and marketing:
        text, level = (
            _("both sales and marketing moved leads through the funnel in the last 6 months"),
            "high",
        )
    elif sales or marketing:
        text, level = _("only one team moved leads through the funnel in the last 6 months"), "mixed"
    else:
        text, level = _("no lead moved through the shared funnel in the last 6 months"), "low"
    return Indicator("s14", label, True, text, level, _("Funnel"))


def funnel_analyses(now: datetime.datetime) -> Indicator:
    label = gettext_lazy("Funnel analyses by marketing")
    candidates = sources.models_named(("funnel", "scorecard"), "analysis", "savedreport", "savedview")
    if not candidates:
        return _not_measured("s15", label)
    model = candidates[0]
    creator = sources.field(model, "created_by", "owner", "author")
    if creator is None:
        return _not_measured("s15", label, _("analyses exist but not who made them"))
    path = (
        f"{creator.name}__function"
        if creator.related_model is Person
        else f"{creator.name}__person__function"
    )
    qs = model.objects.filter(**sources.since_filter(model, now - datetime.timedelta(days=180)))
    by_marketing = qs.filter(**{f"{path}__in": MARKETING}).count()
    level = "high" if by_marketing >= 3 else "low" if by_marketing == 0 else "mixed"
    return Indicator(
        "s15",
        label,
        True,
        _("%(n)d funnel analyses by marketers in the last 6 months") % {"n": by_marketing},
        level,
        _("Funnel"),
    )


def revenue_leader(now: datetime.datetime) -> Indicator:
    label = gettext_lazy("One revenue leader over both")
    heads = {
        p.role_title: p
        for p in Person.objects.filter(
            is_active=True, role_title__in=[RoleTitle.HEAD_OF_SALES, RoleTitle.HEAD_OF_MARKETING]
        ).select_related("manager")
    }
    sales, marketing = heads.get(RoleTitle.HEAD_OF_SALES), heads.get(RoleTitle.HEAD_OF_MARKETING)
    if sales is None or marketing is None:
        return _not_measured(
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
            label,
            True,
            _("both heads report to %(name)s") % {"name": leader.full_name},
            "high",
            _("Directory"),
        )
    return Indicator(
        "s17",
        label,
        True,
        _("the heads of sales and marketing report to different people"),
        "low",
        _("Directory"),
    )


def people_moved(now: datetime.datetime) -> Indicator:
    label = gettext_lazy("People moved between the teams")
    from hamsu.core.models import AuditEntry

    moves = 0
    rotation = sources.optional_model("collaboration", "JointAssignment", "Rotation", "JobRotation")
    if rotation is not None:
        qs = rotation.objects.filter(**sources.since_filter(rotation, now - YEAR))
        if sources.field(rotation, "kind") is not None:
            qs = qs.filter(kind="rotation")
        moves += qs.count()
    marketing = set(MARKETING)
    for changes in AuditEntry.objects.filter(object_type="directory.person", at__gte=now - YEAR).values_list(
        "changes", flat=True
    ):
        before, after = (
            (changes or {}).get("function", [None, None])
            if isinstance((changes or {}).get("function"), list)
            else (None, None)
        )
        if {before, after} & {Function.SALES} and {before, after} & marketing:
            moves += 1
    level = "high" if moves >= 2 else "low" if moves == 0 else "mixed"
    return Indicator(
        "s18",
        label,
        True,
        _("%(n)d moves or rotations in the last year") % {"n": moves},
        level,
        _("Directory and rotations"),
    )


def joint_events(now: datetime.datetime) -> Indicator:
    label = gettext_lazy("Joint trainings and events")
    found = sources.models_named(("collaboration",), "event", "training")
    if not found:
        return _not_measured("s19", label)
    n = sum(m.objects.filter(**sources.since_filter(m, now - YEAR)).count() for m in found)
    level = "high" if n >= 2 else "low" if n == 0 else "mixed"
    return Indicator(
        "s19",
        label,
        True,
        _("%(n)d joint trainings or events in the last year") % {"n": n},
        level,
        _("Events"),
    )


PROVIDERS: list[Callable[[datetime.datetime], Indicator]] = [
    forecast_accuracy,
    marketing_in_key_accounts,
    collateral_in_won_deals,
    feedback_answered,
    shared_metrics,
    marketing_in_account_plans,
    shared_funnel,
    funnel_analyses,
    revenue_leader,
    people_moved,
    joint_events,
]


def indicators(now: datetime.datetime | None = None) -> dict[str, Indicator]:
    """Every indicator, keyed by statement. A broken source never breaks the page."""
    now = now or timezone.now()
    out: dict[str, Indicator] = {}
    for provider in PROVIDERS:
        try:
            indicator = provider(now)
        except (FieldError, LookupError, TypeError, ValueError, AttributeError, DatabaseError) as error:
            # The source app exists but not in the shape this provider expects.
            log.warning("alignment evidence %s failed: %s", provider.__name__, error)
            name = provider.__name__.replace("_", " ")
            indicator = Indicator(
                _statement_of(provider), name, False, _("not measured yet (source not readable)")
            )
        out[indicator.statement] = indicator
    return out


def _statement_of(provider) -> str:
    return {
        forecast_accuracy: "s1",
        marketing_in_key_accounts: "s3",
        collateral_in_won_deals: "s5",
        feedback_answered: "s6",
        shared_metrics: "s12",
        marketing_in_account_plans: "s13",
        shared_funnel: "s14",
        funnel_analyses: "s15",
        revenue_leader: "s17",
        people_moved: "s18",
        joint_events: "s19",
    }[provider]
