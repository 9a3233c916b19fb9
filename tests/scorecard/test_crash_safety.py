"""An aggregate rebuild killed half way (issue 15): the next refresh must not count the
deals it had already folded a second time, and a running rebuild is left alone."""

from __future__ import annotations

import pytest

from hamsu.core import leases
from hamsu.scorecard import aggregates
from hamsu.scorecard.models import (
    FillState,
    FunnelMonthStat,
    LeadMonthStat,
    OpenPipelineStat,
    SellerMonthStat,
)
from tests.crash import kill_when_stalled, shared_database

TABLES = (FunnelMonthStat, SellerMonthStat, LeadMonthStat, OpenPipelineStat)

# One deal per range (batch_size=1); the child stalls once the first range is committed.
REBUILD = """
from hamsu.scorecard import aggregates
aggregates.rebuild(batch_size=1, progress=stall)
"""


def contents() -> dict[str, list[tuple]]:
    """Every aggregate row, without its id (the figures the pages read)."""
    return {
        model.__name__: sorted(
            tuple(str(value) for value in row) for row in model.objects.values_list(*_columns(model))
        )
        for model in TABLES
    }


def _columns(model) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields if field.name != "id"]


@pytest.fixture
def built(transactional_db, history):
    aggregates.rebuild()
    return contents()


def test_a_refresh_after_a_killed_rebuild_gives_the_figures_of_a_whole_one(built, tmp_path):
    with shared_database(tmp_path) as url:
        kill_when_stalled(REBUILD, database_url=url, tmp_path=tmp_path)
    aggregates.fill()  # what the clock runs next
    assert contents() == built


def test_a_refresh_leaves_a_running_rebuild_alone(built):
    # A rebuild in another process has emptied the tables and folds the log range by range.
    for model in TABLES:
        model.objects.all().delete()
    FillState.objects.update(version=aggregates.REBUILDING, last_event_id=0, events_folded=1)
    with leases.hold(aggregates.REBUILD_LEASE):
        aggregates.fill()
    assert FunnelMonthStat.objects.count() == 0


def test_a_second_rebuild_does_not_start_while_one_runs(built):
    started = FillState.objects.get().rebuilt_at
    with leases.hold(aggregates.REBUILD_LEASE):
        aggregates.rebuild()
    assert FillState.objects.get().rebuilt_at == started
