"""Every write of the collaboration app, each in one transaction with its audit entry,
one module per subject: liaisons, meetings, feedback, key_accounts, collateral, events
(joint events and rotations) and profiles (stale-profile nudges); ``common`` holds what
they share. None of them imports another, except through ``common``.

Views, the API, management commands and the demo all call these functions; they are
all importable from here (``from hamsu.collaboration import services``), as they were
when this was one module.
"""

from hamsu.collaboration.services.collateral import (
    collateral_attach,
    collateral_create,
    collateral_rate,
    collateral_update,
)
from hamsu.collaboration.services.common import MARKETING
from hamsu.collaboration.services.events import joint_assignment_create, joint_event_create
from hamsu.collaboration.services.feedback import (
    FEEDBACK_TEXT_FIELDS,
    feedback_create,
    feedback_digest_build,
    feedback_theme_act,
)
from hamsu.collaboration.services.key_accounts import (
    PLAN_FIELDS,
    account_plan_create,
    account_plan_update,
    participation_record,
    plan_item_add,
    plan_item_update,
    require_plan_editor,
    stakeholder_add,
)
from hamsu.collaboration.services.liaisons import liaison_assign, liaison_end
from hamsu.collaboration.services.meetings import (
    action_item_create,
    action_item_update,
    action_items_remind,
    add_months,
    decision_add,
    meeting_create,
    meeting_generate_agenda,
    meeting_record,
    meeting_series_create,
    meeting_series_schedule,
    require_meeting_editor,
)
from hamsu.collaboration.services.profiles import NUDGE_EVERY_DAYS, STALE_AFTER_DAYS, profiles_nudge_stale

__all__ = [
    "MARKETING",
    "liaison_assign",
    "liaison_end",
    "action_item_create",
    "action_item_update",
    "action_items_remind",
    "add_months",
    "decision_add",
    "meeting_create",
    "meeting_generate_agenda",
    "meeting_record",
    "meeting_series_create",
    "meeting_series_schedule",
    "require_meeting_editor",
    "FEEDBACK_TEXT_FIELDS",
    "feedback_create",
    "feedback_digest_build",
    "feedback_theme_act",
    "PLAN_FIELDS",
    "account_plan_create",
    "account_plan_update",
    "participation_record",
    "plan_item_add",
    "plan_item_update",
    "require_plan_editor",
    "stakeholder_add",
    "collateral_attach",
    "collateral_create",
    "collateral_rate",
    "collateral_update",
    "joint_assignment_create",
    "joint_event_create",
    "NUDGE_EVERY_DAYS",
    "STALE_AFTER_DAYS",
    "profiles_nudge_stale",
]
