"""The scheduled digest: one e-mail per person, with the figures their role answers for.

Heads and the revenue leader get the company's number and every function's headline;
sales managers their team; sellers their own scorecard; marketers the marketing metrics.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from hamsu.core import roles
from hamsu.core.models import User
from hamsu.directory.models import Person
from hamsu.scorecard import metrics, selectors

ROLE_METRICS = {
    "company": [
        "quota_attainment",
        "sales_closed",
        "win_rate",
        "avg_deal_size",
        "sales_cycle_days",
        "pipeline_coverage",
        "mqls",
        "marketing_sourced_revenue",
        "cost_of_sales",
        "forecast_accuracy",
    ],
    "team": [
        "quota_attainment",
        "sales_closed",
        "win_rate",
        "avg_deal_size",
        "sales_cycle_days",
        "pipeline_coverage",
    ],
    "seller": ["quota_attainment", "sales_closed", "win_rate", "avg_deal_size", "sales_cycle_days"],
    "marketing": [
        "mqls",
        "mql_to_sal",
        "sal_to_sql",
        "marketing_sourced_pipeline",
        "marketing_sourced_revenue",
        "cost_per_mql",
        "customer_acquisition_cost",
        "new_segments",
        "new_offering_revenue_share",
    ],
}


def _audience(user, person) -> tuple[str, dict]:
    held = roles.roles_of(user)
    if held & {roles.REVENUE_LEADER, roles.HEAD_OF_SALES, roles.HEAD_OF_MARKETING, roles.ADMINISTRATOR}:
        return "company", {}
    if roles.SALES_MANAGER in held and person and person.team_id:
        return "team", {"team": person.team_id}
    if held & {roles.UPSTREAM_MARKETER, roles.DOWNSTREAM_MARKETER, roles.LIAISON}:
        return "marketing", {}
    if roles.SALES_REP in held and person:
        return "seller", {"owner": person.pk}
    return "", {}


def digest_messages(*, period=None, language: str | None = None) -> list[tuple]:
    period = period or selectors.current_period()
    people = {p.user_id: p for p in Person.objects.filter(user__isnull=False, is_active=True)}
    out = []
    for user in User.objects.filter(is_active=True).exclude(email="").prefetch_related("groups"):
        person = people.get(user.pk)
        audience, extra = _audience(user, person)
        if not audience:
            continue
        filters = selectors.Filters(period=period, **extra)
        with translation.override(language or settings.LANGUAGE_CODE):
            values = metrics.evaluate(filters, ROLE_METRICS[audience])
            body = render_to_string(
                "scorecard/digest.txt",
                {"values": values, "period": period, "person": person, "audience": audience},
            )
            subject = _("Hamsu scorecard — %(period)s") % {"period": period.key}
        out.append((subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
    return out


def send_digest(*, period=None) -> int:
    messages = digest_messages(period=period)
    if messages:
        send_mass_mail(messages, fail_silently=False)
    return len(messages)
