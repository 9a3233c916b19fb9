"""What campaigns knows about a CRM record, for the record's "Related" card.

Registered from CampaignsConfig.ready() (see hamsu.core.record_links): the CRM pages
show these links without importing campaigns.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from hamsu.campaigns.models import Touchpoint
from hamsu.core.record_links import ACCOUNT, OPPORTUNITY, LinkProvider, RecordLink

# Counting stops here: a big account can have touches in the hundred thousands, and
# the card only needs to say "a lot" (shown as "1,000+").
TOUCH_COUNT_BOUND = 1000


def deal_touches(opportunity, user):
    """The per-deal explanation, with how many touches the deal's account has had.

    Touches recorded for a contact carry the contact's account, so one indexed count
    on the account covers the deal's contacts too.
    """
    found = (
        Touchpoint.objects.filter(account_id=opportunity.account_id)
        .order_by()
        .values("pk")[: TOUCH_COUNT_BOUND + 1]
        .count()
    )
    yield RecordLink(
        label=_("Marketing touches and attribution"),
        url=reverse("campaigns:deal_explanation", args=[opportunity.pk]),
        icon="diagram-3",
        count=min(found, TOUCH_COUNT_BOUND),
        count_capped=found > TOUCH_COUNT_BOUND,
        term="campaigns.account_touches",
        hint=_("Touches on the deal's account, and the credit each one earned"),
    )


def account_touches(account, user):
    yield RecordLink(
        label=_("All touches of this account"),
        url=f"{reverse('campaigns:touchpoints')}?{urlencode({'account': account.pk})}",
        icon="hand-index",
    )


PROVIDERS = (
    # The explanation page asks only that the deal be visible, which the deal page has checked.
    LinkProvider(
        "campaigns.deal_touches",
        OPPORTUNITY,
        deal_touches,
        permission="crm.view_opportunity",
        order=10,
        max_queries=1,
    ),
    LinkProvider(
        "campaigns.account_touches",
        ACCOUNT,
        account_touches,
        permission="campaigns.view_touchpoint",
        order=30,
    ),
)
