"""Background jobs of the directory. Each calls one service; the clock or a worker runs them.

hamsu search_index               # every five minutes
"""

from __future__ import annotations

from django_tasks import task

from hamsu.directory import search_index


@task()
def refresh_search_index() -> int:
    refreshed = search_index.refresh_changed()
    return sum(refreshed.values()) if refreshed else 0
