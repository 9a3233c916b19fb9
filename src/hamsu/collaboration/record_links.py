"""What working together knows about a CRM record, for the record's "Related" card.

Registered from CollaborationConfig.ready() (see hamsu.core.record_links): the CRM
pages show these links without importing collaboration.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from hamsu.collaboration import selectors
from hamsu.collaboration.models import AccountPlan, CollateralUse, PlanStatus
from hamsu.core.record_links import ACCOUNT, OPPORTUNITY, LinkProvider, RecordLink

# The card lists the pieces themselves; a deal rarely carries more, and the rest are on
# each piece's page.
COLLATERAL_SHOWN = 5


def give_feedback(opportunity, user):
    yield RecordLink(
        label=_("Give feedback on this deal"),
        url=f"{reverse('collaboration:feedback_create')}?{urlencode({'opportunity': opportunity.pk})}",
        icon="chat-left-text",
    )


def feedback_given(opportunity, user):
    """Only the notes ``user`` may read are counted (a seller reads their own and, under
    team visibility, their team's), so the count matches the page it links to."""
    count = selectors.feedback_visible(user).filter(opportunity=opportunity).count()
    if count:
        yield RecordLink(
            label=_("Feedback given on this deal"),
            url=reverse("collaboration:deal_feedback", args=[opportunity.pk]),
            icon="chat-left-quote",
            count=count,
            term="together.deal_feedback",
        )


def collateral_used(opportunity, user):
    uses = (
        CollateralUse.objects.filter(opportunity=opportunity)
        .select_related("collateral")
        .only("collateral__id", "collateral__title")
        .order_by("-attached_at", "-id")[:COLLATERAL_SHOWN]
    )
    for use in uses:
        yield RecordLink(
            label=use.collateral.title,
            url=reverse("collaboration:collateral_detail", args=[use.collateral_id]),
            icon="file-earmark-richtext",
            hint=_("Collateral used on this deal"),
        )


def key_account_plan(account, user):
    # The account page has already checked that the user sees the account, which is
    # all plans_visible() asks.
    plan = AccountPlan.objects.filter(account_id=account.pk).values_list("pk", "status").first()
    if plan is not None:
        pk, status = plan
        yield RecordLink(
            label=_("Key-account plan"),
            url=reverse("collaboration:plan", args=[pk]),
            icon="clipboard-check",
            hint=str(PlanStatus(status).label) if status in PlanStatus.values else "",
        )


def who_to_contact(account, user):
    yield RecordLink(
        label=_("Who to contact about this account"),
        url=f"{reverse('directory:people')}?{urlencode({'q': account.name})}",
        icon="person-lines-fill",
    )


PROVIDERS = (
    LinkProvider(
        "collaboration.give_feedback",
        OPPORTUNITY,
        give_feedback,
        permission="collaboration.add_feedbacknote",
        order=20,
    ),
    # The feedback page asks only that the deal be visible; it then shows the notes the
    # user may read. Two queries: the company's visibility rule and the count (the
    # user's roles, person and teams are cached by the page's own visibility check).
    LinkProvider(
        "collaboration.feedback_given",
        OPPORTUNITY,
        feedback_given,
        permission="crm.view_opportunity",
        order=21,
        max_queries=2,
    ),
    LinkProvider(
        "collaboration.collateral_used",
        OPPORTUNITY,
        collateral_used,
        permission="collaboration.view_collateral",
        order=22,
        max_queries=1,
    ),
    LinkProvider(
        "collaboration.key_account_plan",
        ACCOUNT,
        key_account_plan,
        permission="collaboration.view_accountplan",
        order=20,
        max_queries=1,
    ),
    LinkProvider(
        "collaboration.who_to_contact",
        ACCOUNT,
        who_to_contact,
        permission="directory.view_person",
        order=21,
    ),
)
