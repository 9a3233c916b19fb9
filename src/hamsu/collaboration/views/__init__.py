"""HTML views for working together: parse, call a selector or service, render.

One module per subject (meetings, feedback, key accounts, collateral and events); the
URLs name them through this package."""

from hamsu.collaboration.views.content import (  # noqa: F401
    assignment_create,
    collateral,
    collateral_attach,
    collateral_create,
    collateral_detail,
    collateral_rate,
    event_create,
    events,
)
from hamsu.collaboration.views.feedback import (  # noqa: F401
    deal_feedback,
    digest_detail,
    digests,
    feedback_create,
    my_feedback,
    theme_act,
)
from hamsu.collaboration.views.key_accounts import (  # noqa: F401
    key_accounts,
    participation_add,
    plan_create,
    plan_detail,
    plan_edit,
    plan_item_add,
    plan_item_status,
    stakeholder_add,
)
from hamsu.collaboration.views.meetings import (  # noqa: F401
    action_create,
    action_status,
    decision_add,
    home,
    liaison,
    liaison_end,
    liaisons,
    meeting_agenda,
    meeting_create,
    meeting_detail,
    meeting_ics,
    meeting_minutes,
    meetings,
    my_calendar,
    notifications,
    notifications_read,
    series_create,
)
