"""The number, quotas, the reverse-funnel plan, costs, forecasts and the aggregate tables.

Aggregates (``*Stat``, ``DealProgress``, ``FillState``) are derived data: written only by
``hamsu.scorecard.aggregates`` and rebuildable from the stage-event log at any time.
"""

from hamsu.scorecard.models.aggregates import (  # noqa: F401
    CustomerFirstWin,
    DealProgress,
    FillState,
    FunnelDimensions,
    FunnelMonthRollup,
    FunnelMonthStat,
    LeadMonthStat,
    OpenPipelineStat,
    SellerMonthStat,
    StatMeasures,
    WonCycle,
)
from hamsu.scorecard.models.base import MONEY, PeriodFields, PeriodKind  # noqa: F401
from hamsu.scorecard.models.forecasts import (  # noqa: F401
    ForecastCall,
    ForecastLine,
    ForecastMethod,
    ForecastSnapshot,
    ForecastTarget,
    ForecastTrackRecord,
)
from hamsu.scorecard.models.plans import (  # noqa: F401
    CAMPAIGN_SPEND_BELONGS_ON_CAMPAIGN,
    MARKET_ENTRY_NEEDS_SEGMENT,
    CostCategory,
    CostEntry,
    CostFunction,
    FunnelPlan,
    PlanStatus,
    Target,
    TargetScope,
    is_campaign_spend,
)
