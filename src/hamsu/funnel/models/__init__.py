"""The funnel's data: funnel versions, leads and their lifecycle,
lead definitions, scoring, routing, handoffs with their SLA, rules of engagement and
lead capture. One module per concern; everything is re-exported here for Django."""

from hamsu.funnel.models.capture import CaptureBatch, CaptureForm, CaptureItem, CaptureRequest
from hamsu.funnel.models.definitions import (
    DefinitionApproval,
    DefinitionKind,
    DefinitionRun,
    LeadDefinition,
)
from hamsu.funnel.models.engagement import (
    EngagementBookmark,
    EngagementFiring,
    EngagementRule,
    FollowUpTask,
)
from hamsu.funnel.models.funnel import FunnelKind, FunnelStage, FunnelVersion, OwningFunction
from hamsu.funnel.models.handoff import (
    BusinessCalendar,
    Handoff,
    HandoffDayTotal,
    HandoffStatus,
    SlaPolicy,
)
from hamsu.funnel.models.leads import (
    MARKETING_STATES,
    OPEN_FOR_SALES,
    RETURN_TARGET,
    Lead,
    LeadQueue,
    LeadState,
    LeadTouch,
    ReturnReason,
)
from hamsu.funnel.models.routing import LeadAssignment, RoundRobinCursor, RoutingRule, RoutingRuleKind
from hamsu.funnel.models.scoring import PredictiveModel, ScoringSpec

__all__ = [
    "MARKETING_STATES",
    "OPEN_FOR_SALES",
    "RETURN_TARGET",
    "BusinessCalendar",
    "CaptureBatch",
    "CaptureForm",
    "CaptureItem",
    "CaptureRequest",
    "DefinitionApproval",
    "DefinitionKind",
    "DefinitionRun",
    "EngagementBookmark",
    "EngagementFiring",
    "EngagementRule",
    "FollowUpTask",
    "FunnelKind",
    "FunnelStage",
    "FunnelVersion",
    "Handoff",
    "HandoffDayTotal",
    "HandoffStatus",
    "Lead",
    "LeadAssignment",
    "LeadDefinition",
    "LeadQueue",
    "LeadState",
    "LeadTouch",
    "OwningFunction",
    "PredictiveModel",
    "ReturnReason",
    "RoundRobinCursor",
    "RoutingRule",
    "RoutingRuleKind",
    "ScoringSpec",
    "SlaPolicy",
]
