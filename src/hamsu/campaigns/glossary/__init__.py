"""Glossary entries for every figure of the campaigns app (registered from CampaignsConfig.ready()):
the closed loop, the returns by campaign and channel, attribution, and the campaign
pages. Each entry is what ``tests/reconcile/test_campaigns_*.py`` recomputes."""

from django.utils.translation import gettext_lazy as _

from hamsu.core.glossary import Section

from .attribution import ATTRIBUTION, MODEL_RULES
from .campaigns import CAMPAIGNS
from .closed_loop import CLOSED_LOOP
from .returns import RETURNS

SECTIONS = (
    Section("closed_loop", _("Closed loop"), order=50),
    Section("returns", _("Returns by campaign and channel"), order=51),
    Section("attribution", _("Attribution"), order=52),
    Section("campaigns", _("Campaigns and spend"), order=53),
)

TERMS = (*CLOSED_LOOP, *RETURNS, *ATTRIBUTION, *CAMPAIGNS)

__all__ = ["ATTRIBUTION", "CAMPAIGNS", "CLOSED_LOOP", "MODEL_RULES", "RETURNS", "SECTIONS", "TERMS"]
