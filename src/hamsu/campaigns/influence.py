"""What "marketing-influenced" means, in one place: the closed loop, the scorecard's
influenced pipeline and revenue, and their reconciliation tests all follow it.

A deal is marketing-influenced when its account had at least one marketing touch in the
window before the deal was created: on or after ``created_at - N days`` and at or before
``created_at``, where N is the company's setting ``influence_lookback_days`` (90 days
unless changed). A marketing touch is one through any channel but direct sales calls
and direct traffic (``NON_MARKETING_CHANNELS``) — the touch's channel, or its campaign's
when the touch names none — and not a sales call whatever channel it was filed under.

Why a window before creation: touches after a deal exists show marketing supporting the
sale, not bringing it about, and a touch from two years ago says nothing about why this
deal was opened. Without the window, an account that marketing ever reached makes every
deal it ever has "influenced" — the demo company read 100 %.

Influence is a property of the deal alone (its account, its creation time and the
touches before it), so it does not change when the deal moves or closes.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf

from hamsu.campaigns.models import NON_MARKETING_CHANNELS, Touchpoint, TouchpointKind
from hamsu.core.company import company_settings
from hamsu.crm.models import Opportunity

DEFAULT_LOOKBACK_DAYS = 90
# Blank: a channel nobody named (raw imports); like direct traffic, not marketing's doing.
_NOT_MARKETING = sorted({str(c) for c in NON_MARKETING_CHANNELS} | {""})
# SQLite caps bound parameters per statement; look-ups by id go in chunks below it.
_CHUNK = 900


def lookback_days() -> int:
    """The company's influence window, in days."""
    return company_settings().influence_lookback_days


def marketing_touches() -> QuerySet:
    """Touches that are marketing's doing: not a sales call, and through a channel — the
    touch's own, or its campaign's when the touch names none — that is neither a direct
    sales call, direct traffic nor unknown."""
    return (
        Touchpoint.objects.annotate(
            _channel=Coalesce(NullIf("channel", Value("")), "campaign__channel", Value(""))
        )
        .exclude(_channel__in=_NOT_MARKETING)
        .exclude(kind=TouchpointKind.SALES_CALL)
    )


def is_marketing_touch(*, channel: str, campaign_channel: str | None, kind: str) -> bool:
    """The same rule as ``marketing_touches`` for one touch already in memory."""
    return (channel or campaign_channel or "") not in _NOT_MARKETING and kind != TouchpointKind.SALES_CALL


def influenced(days: int | None = None) -> Exists:
    """For ``Opportunity`` querysets: True when the deal is marketing-influenced."""
    window = datetime.timedelta(days=lookback_days() if days is None else days)
    return Exists(
        marketing_touches().filter(
            account_id=OuterRef("account_id"),
            occurred_at__lte=OuterRef("created_at"),
            occurred_at__gte=OuterRef("created_at") - window,
        )
    )


def influenced_ids(
    opportunities: QuerySet | Iterable[int] | None = None, *, days: int | None = None
) -> set[int]:
    """Ids of the influenced deals among ``opportunities`` (a queryset or ids; None: all)."""
    days = lookback_days() if days is None else days
    flag = influenced(days)
    if opportunities is None or isinstance(opportunities, QuerySet):
        scope = Opportunity.objects.all() if opportunities is None else opportunities
        return set(scope.order_by().filter(flag).values_list("pk", flat=True))
    ids = [pk for pk in opportunities if pk]
    out: set[int] = set()
    for i in range(0, len(ids), _CHUNK):
        chunk = Opportunity.objects.order_by().filter(pk__in=ids[i : i + _CHUNK])
        out.update(chunk.filter(flag).values_list("pk", flat=True))
    return out


def influenced_q(days: int | None = None) -> Q:
    """A ``Q`` for filtering ``Opportunity`` querysets down to the influenced deals."""
    return Q(influenced(days))
