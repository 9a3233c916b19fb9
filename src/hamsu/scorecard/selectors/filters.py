"""The filters every scorecard figure takes (a period, optionally a team, segment,
product, seller and source) and who may see whose figures."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils import timezone

from hamsu.core.company import company_settings
from hamsu.core.roles import SEES_EVERYTHING, SEES_TEAM, roles_of
from hamsu.directory.visibility import person_of
from hamsu.scorecard.periods import QUARTER, Period, period_containing

ZERO = Decimal("0")


@dataclass(frozen=True)
class Filters:
    period: Period
    team: int | None = None
    segment: int | None = None
    product: int | None = None
    owner: int | None = None
    source: str = ""
    influenced: bool | None = None  # only deals a marketing campaign touched (aggregate tables only)

    @property
    def by_seller(self) -> bool:
        return self.owner is not None

    @property
    def narrowed(self) -> bool:
        """Whether anything beyond the period narrows the figures (the whole company if not)."""
        return any(
            getattr(self, name) not in (None, "")
            for name in ("team", "segment", "product", "owner", "source")
        )

    def crm_query(self, **extra) -> str:
        """The same filters as a /crm/opportunities/ query string (for drill-down links)."""
        from urllib.parse import urlencode

        params = {
            "team": self.team,
            "segment": self.segment,
            "owner": self.owner,
            "source": self.source,
            **extra,
        }
        return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def current_period(kind: str = QUARTER, today: datetime.date | None = None) -> Period:
    return period_containing(today or timezone.localdate(), kind, company_settings().fiscal_calendar)


def restrict_filters(user, filters: Filters) -> Filters:
    """Sellers see their own figures, managers and liaisons their team's, heads everything.

    Mirrors record visibility: an aggregate must not leak what the rows behind it hide.
    """
    from hamsu.core.models import Visibility

    roles = roles_of(user)
    if user.is_superuser or roles & SEES_EVERYTHING:
        return filters
    mode = company_settings().visibility
    if mode == Visibility.EVERYONE:
        return filters
    person = person_of(user)
    if person is None:
        return replace(filters, owner=-1)
    if mode == Visibility.TEAM or roles & SEES_TEAM:
        teams = person.visible_team_ids()
        if filters.owner == person.pk or (filters.team in teams):
            return filters
        return replace(filters, team=teams[0] if teams else None, owner=None if teams else person.pk)
    # The seller's own figures, still narrowed by whatever else was asked for.
    return replace(filters, owner=person.pk)
