"""Background jobs of the scorecard (django-tasks). Schedule them with cron or a timer:
``hamsu scorecard_refresh`` every few minutes, ``hamsu forecast_snapshot`` weekly,
``hamsu scorecard_digest`` weekly (or enqueue these tasks from a scheduler)."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_aggregates() -> int:
    from hamsu.scorecard import aggregates

    return aggregates.fill()


@task()
def take_forecast_snapshot(as_of: str | None = None) -> int:
    from hamsu.scorecard.jobs import weekly_snapshot

    return len(weekly_snapshot(as_of=as_of))


@task()
def send_scorecard_digest() -> int:
    from hamsu.scorecard.digest import send_digest

    return send_digest()
