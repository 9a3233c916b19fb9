"""What the scorecard knows about a CRM record, for the record's "Related" card.

Registered from ScorecardConfig.ready() (see hamsu.core.record_links): the CRM pages
show these links without importing the scorecard.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from hamsu.core.record_links import OPPORTUNITY, LinkProvider, RecordLink
from hamsu.scorecard.selectors import Filters, restrict_filters


def owner_scorecard(opportunity, user):
    """The deal owner's scorecard, when the user may see that seller's figures.

    The scorecard page quietly widens or narrows a seller filter the user may not use
    (a seller sees their own figures only); linking to it then would show other
    figures than the label says, so the same rule decides whether to link at all.
    """
    if opportunity.owner_id is None:
        return
    # The period plays no part in who may see whose figures.
    wanted = Filters(period=None, owner=opportunity.owner_id)
    if restrict_filters(user, wanted).owner != opportunity.owner_id:
        return
    yield RecordLink(
        label=_("Deal owner's scorecard"),
        url=f"{reverse('scorecard:scorecard')}?{urlencode({'owner': opportunity.owner_id})}",
        icon="speedometer2",
        hint=opportunity.owner.full_name,
    )


PROVIDERS = (
    # At most the company's visibility rule (the user's roles, person and teams are
    # cached by the page's own visibility check; the owner is loaded with the deal).
    LinkProvider(
        "scorecard.owner_scorecard",
        OPPORTUNITY,
        owner_scorecard,
        permission="scorecard.view_target",
        order=40,
        max_queries=1,
    ),
)
