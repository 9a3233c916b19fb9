"""The in-database route: deal journeys aggregated to unique paths inside the database.

``journeys.journey_frame`` fetches every counted touch and builds journeys in Polars; that
is needed for the touch-level models (time decay, W-shaped) and for explanations. The
path-level models (first/last touch, linear, position-based, Markov, Shapley) only need
unique paths, so here a temporary view shapes the app's tables into the library's
long form (journey_id, ts, channel, converted, conversion_value) and the library's
``aggregate_paths_sql`` runs the aggregation where the rows are; only the unique paths
come back. Same semantics as the Python route, deal-level journeys only.
"""

from __future__ import annotations

from django.db import connection

from hamsu.analytics.attribution.paths import Paths
from hamsu.analytics.attribution.sql import aggregate_paths_sql
from hamsu.campaigns.journeys import LEVELS, MEASURES

VIEW = "hamsu_deal_touches"


def _view_sql(*, vendor: str, measure: str, level: str, lookback_days: int | None) -> str:
    ref = "o.created_at" if measure == "pipeline" else "o.closed_at"
    scope = "" if measure == "pipeline" else "AND o.stage IN ('won', 'lost') AND o.closed_at IS NOT NULL"
    won = "1 = 1" if measure == "pipeline" else "o.stage = 'won'"
    if vendor == "sqlite":
        when = "julianday(t.occurred_at)"
        before = f"{when} <= julianday({ref})"
        window = f"AND {when} >= julianday({ref}) - {int(lookback_days)}" if lookback_days else ""
    else:
        before = f"t.occurred_at <= {ref}"
        window = f"AND t.occurred_at >= {ref} - interval '{int(lookback_days)} days'" if lookback_days else ""
    if level == "campaign":
        key = (
            "CASE WHEN c.id IS NULL THEN '(' || t.channel || ')' "
            "WHEN (SELECT COUNT(*) FROM campaigns_campaign c2 WHERE c2.name = c.name) > 1 "
            "THEN c.name || ' #' || CAST(c.id AS TEXT) ELSE c.name END"
        )
    else:
        # A touch that names no channel is its campaign's, as in journeys.py.
        key = "COALESCE(NULLIF(t.channel, ''), c.channel, '')"
    # The last counted touch of a converting deal carries the conversion, as in journeys.py.
    return f"""
SELECT journey_id, ts, channel,
       CASE WHEN won AND rn = 1 THEN 1 ELSE 0 END AS converted,
       CASE WHEN won AND rn = 1 THEN amount ELSE 0 END AS conversion_value
FROM (
  SELECT o.id AS journey_id, t.occurred_at AS ts, {key} AS channel, ({won}) AS won,
         CAST(o.amount_base AS {"REAL" if vendor == "sqlite" else "float8"}) AS amount,
         ROW_NUMBER() OVER (PARTITION BY o.id ORDER BY t.occurred_at DESC, {key} DESC, t.id DESC) AS rn
  FROM campaigns_touchpoint t
  JOIN crm_opportunity o ON o.account_id = t.account_id
  LEFT JOIN campaigns_campaign c ON c.id = t.campaign_id
  WHERE {before} {window} {scope}
) AS counted
"""


def paths_in_database(
    *, measure: str = "revenue", level: str = "channel", lookback_days: int | None = 180
) -> Paths:
    if measure not in MEASURES or level not in LEVELS:
        raise ValueError(f"bad measure/level {measure}/{level}")
    if lookback_days is not None and not 0 < int(lookback_days) <= 3650:
        raise ValueError("lookback_days must be between 1 and 3650")
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise ValueError(f"the in-database route supports SQLite and PostgreSQL, not {vendor}")
    sql = _view_sql(vendor=vendor, measure=measure, level=level, lookback_days=lookback_days)
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP VIEW IF EXISTS {VIEW}")
        cursor.execute(f"CREATE TEMP VIEW {VIEW} AS {sql}")
    try:
        return aggregate_paths_sql(
            connection.connection, VIEW, dialect="sqlite" if vendor == "sqlite" else "postgresql"
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP VIEW IF EXISTS {VIEW}")
