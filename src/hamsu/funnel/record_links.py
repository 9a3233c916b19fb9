"""What the funnel knows about a CRM record, for the record's "Related" card.

Registered from FunnelConfig.ready() (see hamsu.core.record_links): the CRM pages show
these links without importing the funnel.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from hamsu.core.record_links import OPPORTUNITY, LinkProvider, RecordLink
from hamsu.funnel.selectors import leads_visible

# Converting a lead sets its opportunity; a deal usually has one lead, rarely a few
# (more leads of the same buying group attached later).
LEADS_SHOWN = 3


def source_leads(opportunity, user):
    """The lead(s) the deal came from, oldest first; only leads the user may open."""
    leads = (
        leads_visible(user)
        .filter(opportunity=opportunity)
        .only("id", "first_name", "last_name", "email", "company")
        .order_by("created_at", "id")[:LEADS_SHOWN]
    )
    for lead in leads:
        yield RecordLink(
            label=_("The lead it came from"),
            url=reverse("funnel:lead", args=[lead.pk]),
            icon="person-up",
            hint=" · ".join(part for part in (str(lead), lead.company) if part),
        )


PROVIDERS = (
    # Two queries: the company's visibility rule and the leads (the user's roles, person
    # and teams are cached on the user by the page's own visibility check).
    LinkProvider(
        "funnel.source_leads",
        OPPORTUNITY,
        source_leads,
        permission="funnel.view_lead",
        order=5,
        max_queries=2,
    ),
)
