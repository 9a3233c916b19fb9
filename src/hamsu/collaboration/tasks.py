"""Background jobs. Each calls one service; a scheduler (cron or the worker) runs them daily.

hamsu remind_action_items        # daily
hamsu nudge_stale_profiles       # weekly
hamsu feedback_digest --period month   # on the 1st of each month
"""

from __future__ import annotations

import datetime

from django_tasks import task

from hamsu.collaboration import services


@task()
def remind_action_items() -> int:
    return services.action_items_remind()


@task()
def nudge_stale_profiles(days: int = services.STALE_AFTER_DAYS) -> int:
    return services.profiles_nudge_stale(days=days)


@task()
def build_feedback_digest(period_start: str, period_end: str) -> int:
    digest = services.feedback_digest_build(
        actor=None,
        period_start=datetime.date.fromisoformat(period_start),
        period_end=datetime.date.fromisoformat(period_end),
        via="system",
    )
    return digest.pk
