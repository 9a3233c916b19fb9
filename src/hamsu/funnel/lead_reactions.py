"""What runs when sales gives a lead back, from the layers above the lifecycle.

The lifecycle (``services/leads.py``) sits below the rules of engagement: they act on
leads through it (recycling a lost lead, closing leads with their deal), so it cannot
import them. They register a reaction here from ``FunnelConfig.ready()`` instead. A
reaction runs inside the return's transaction, so the return and what it sets off
commit or roll back together (as ``crm.hooks`` does for deals). The lead's other moves
reach the rules of engagement through the stage-event log (``engagement_catch_up``).
"""

from __future__ import annotations

from collections.abc import Callable

# key -> reaction(lead, *, actor, event)
_ON_RETURN: dict[str, Callable[..., object]] = {}


def on_return(key: str, reaction: Callable[..., object]) -> None:
    """Register ``reaction``; registering a key again replaces it (ready() may run twice)."""
    _ON_RETURN[key] = reaction


def lead_returned(lead, *, actor) -> None:
    """Call every reaction, in key order, for a lead sales just returned."""
    for key in sorted(_ON_RETURN):
        _ON_RETURN[key](lead, actor=actor, event="stage_changed")
