"""Working together (Defined → Aligned): liaisons, meetings with agendas and action items,
sales feedback and its themes, key-account playbooks, collateral, joint events and
rotations. (In-app notifications are ``hamsu.core``'s: one inbox for every app.)"""

from hamsu.collaboration.models.content import (  # noqa: F401
    AssignmentKind,
    Collateral,
    CollateralKind,
    CollateralRating,
    CollateralUse,
    EventKind,
    JointAssignment,
    JointEvent,
)
from hamsu.collaboration.models.feedback import (  # noqa: F401
    DealOutcome,
    FeedbackDigest,
    FeedbackNote,
    FeedbackTheme,
    ThemeStatus,
)
from hamsu.collaboration.models.meetings import (  # noqa: F401
    CADENCE_MONTHS,
    OPEN_ACTION_STATUSES,
    ActionItem,
    ActionStatus,
    Cadence,
    Decision,
    LiaisonAssignment,
    Meeting,
    MeetingSeries,
    MeetingStatus,
)
from hamsu.collaboration.models.plans import (  # noqa: F401
    AccountPlan,
    MarketingParticipation,
    ParticipationKind,
    PlanItem,
    PlanItemKind,
    PlanStatus,
    Stakeholder,
)
