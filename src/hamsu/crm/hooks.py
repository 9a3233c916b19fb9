"""Reactions other apps attach to opportunity changes (rules of engagement, …).

The CRM must not import the apps built on top of it, so they are named here as dotted
paths and resolved lazily; each runs inside the service's transaction, so a reaction
and the change it reacts to commit or roll back together.
"""

from __future__ import annotations

from functools import cache

from django.apps import apps
from django.utils.module_loading import import_string

# (app that must be installed, callable(opportunity, *, actor, event))
OPPORTUNITY_HOOKS = [
    ("hamsu.funnel", "hamsu.funnel.services.engagement.evaluate_rules_for_opportunity"),
]


@cache
def _resolved():
    return [import_string(path) for app, path in OPPORTUNITY_HOOKS if apps.is_installed(app)]


def opportunity_changed(opportunity, *, actor, event: str) -> None:
    """``event`` is "created" or "stage_changed"."""
    for hook in _resolved():
        hook(opportunity, actor=actor, event=event)
