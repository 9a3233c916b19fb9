"""``{% load funnel_sla %}{{ lead.due_at|sla_clock:now }}`` for the SLA badge."""

from __future__ import annotations

from django import template

from hamsu.funnel import sla_clock as clock

register = template.Library()


@register.filter
def sla_clock(due_at, now):
    return clock.sla_clock(due_at, now) if due_at else None
