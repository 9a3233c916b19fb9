"""Background work: attribution snapshots for databases too large to attribute in a request."""

from __future__ import annotations

from django_tasks import task


@task()
def attribution_refresh(params: dict) -> None:
    from hamsu.campaigns.attribution_runs import refresh_snapshot

    refresh_snapshot(params)
