"""Deal count and value per stage, kept current by the database itself.

The pipeline board heads each column with the number and value of its deals. Summing
them on each request reads every open deal: ~120 ms of a 250 ms board at a million
deals. ``crm_pipeline_total`` holds those sums per (stage, owner, team, segment, source)
instead — a few thousand rows — so a column total is a sum over a handful of rows under
the same filters and visibility as the deals.

Triggers on ``crm_opportunity`` keep it in step, so every write path agrees with it (see
``hamsu.core.trigger_totals`` for how). ``rebuild()`` recomputes the table from the deals
(used after install and by ``tests`` to prove the two agree).
"""

from __future__ import annotations

from django.db import connection

from hamsu.core.trigger_totals import TriggerTotals

TABLE = "crm_pipeline_total"

PIPELINE_TOTALS = TriggerTotals(
    name="crm_pipeline_total",
    table=TABLE,
    source="crm_opportunity",
    keys={
        "stage": "{r}.stage",
        "owner_id": "{r}.owner_id",
        "team_key": "COALESCE({r}.team_id, 0)",
        "segment_key": "COALESCE({r}.segment_id, 0)",
        "source": "{r}.source",
    },
    values={"n": "1", "total": "{r}.amount_base"},
    watched=("stage", "owner_id", "team_id", "segment_id", "source", "amount_base"),
    # NULL team or segment is stored as 0 so that the key is a plain unique index on both
    # databases (NULLs are distinct in unique indexes and upsert conflict targets).
    types={
        "stage": "varchar(32)",
        "owner_id": "bigint",
        "team_key": "bigint",
        "segment_key": "bigint",
        "source": "varchar(16)",
        "n": "bigint",
        "total": "numeric(20, 2)",
    },
)


def install(schema_editor) -> None:
    PIPELINE_TOTALS.install(schema_editor)


def uninstall(schema_editor) -> None:
    PIPELINE_TOTALS.uninstall(schema_editor)


def rebuild(conn=connection) -> None:
    """Recompute every total from the deals (after install, or to repair by hand)."""
    PIPELINE_TOTALS.rebuild(conn)
