"""Path aggregation as SQL, run where the touchpoints live (SQLite or PostgreSQL).

Only the unique paths leave the database; the exact models then run in Python on that
small aggregate. Functions take a DB-API connection plus table/column names (no ORM),
so the campaigns app can hand in ``django.db.connection`` and a warehouse adapter can
reuse the same query shape.

Same semantics as ``touches.aggregate_journeys``: a journey's reference time is its last
converting touch (else its last touch); later touches and touches older than the
lookback are dropped; touches are ordered by time, ties by channel; conversions are the
converting touches, value their summed value, nulls the journeys without one.

Timestamps: PostgreSQL needs a timestamp column; SQLite accepts ISO-8601 text (as Django
stores it) or numbers taken as Unix seconds.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import polars as pl

from .errors import AttributionInputError
from .io import paths_from_frame
from .paths import Paths

# The unit separator cannot occur in a channel name typed by a person, unlike ">".
SEPARATOR = "\x1f"
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def aggregate_paths_sql(
    connection: Any,
    table: str,
    *,
    journey: str = "journey_id",
    ts: str = "ts",
    key: str = "channel",
    converted: str = "converted",
    value: str = "conversion_value",
    lookback: timedelta | None = None,
    dialect: str | None = None,
) -> Paths:
    """Aggregate touchpoints to unique paths inside the database and fetch only those."""
    dialect = dialect or detect_dialect(connection)
    query, params = paths_query(
        dialect, table, journey=journey, ts=ts, key=key, converted=converted, value=value, lookback=lookback
    )
    cursor = connection.cursor()
    try:
        cursor.execute(query, params)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    frame = pl.DataFrame(
        rows,
        schema={
            "path": pl.String,
            "total_conversions": pl.Float64,
            "total_conversion_value": pl.Float64,
            "total_null": pl.Float64,
        },
        orient="row",
    )
    return paths_from_frame(frame, sep=SEPARATOR)


def detect_dialect(connection: Any) -> str:
    """``sqlite`` or ``postgresql`` from the driver module of the connection."""
    module = type(connection).__module__
    if module.startswith("sqlite3"):
        return "sqlite"
    if module.startswith(("psycopg", "psycopg2")):
        return "postgresql"
    raise AttributionInputError(f"unsupported database driver {module!r}; pass dialect=")


def paths_query(
    dialect: str,
    table: str,
    *,
    journey: str = "journey_id",
    ts: str = "ts",
    key: str = "channel",
    converted: str = "converted",
    value: str = "conversion_value",
    lookback: timedelta | None = None,
) -> tuple[str, tuple[Any, ...]]:
    """The aggregation query and its parameters for ``dialect``."""
    names = {"j": journey, "t": ts, "c": key, "cv": converted, "v": value}
    cols = {alias: _quote(name) for alias, name in names.items()}
    source = ".".join(_quote(part) for part in table.split("."))
    if dialect == "sqlite":
        return _sqlite(source, cols, lookback)
    if dialect == "postgresql":
        return _postgresql(source, cols, lookback)
    raise AttributionInputError(f"unknown SQL dialect {dialect!r}")


def _sqlite(source: str, c: dict[str, str], lookback: timedelta | None) -> tuple[str, tuple[Any, ...]]:
    """SQLite < 3.44 has no ``group_concat(… ORDER BY …)``; an ordered window frame is.

    The window yields every prefix of a journey's path; each is a prefix of the next,
    so the full path is simply the ``MAX`` (binary collation sorts a prefix first).
    Times become Julian days so ISO text and Unix seconds compare alike.
    """
    window = "" if lookback is None else "AND t.t >= r.rt - ?"
    query = f"""
WITH hamsu_t AS (
  SELECT {c["j"]} AS j,
         CASE WHEN typeof({c["t"]}) IN ('integer', 'real') THEN {c["t"]} / 86400.0 + 2440587.5
              ELSE julianday({c["t"]}) END AS t,
         CAST({c["c"]} AS TEXT) AS c,
         COALESCE({c["cv"]}, 0) <> 0 AS cv,
         COALESCE({c["v"]}, 0) AS v
  FROM {source}
), hamsu_r AS (
  SELECT j, COALESCE(MAX(CASE WHEN cv THEN t END), MAX(t)) AS rt FROM hamsu_t GROUP BY j
), hamsu_kept AS (
  SELECT t.j, t.t, t.c, t.cv, t.v FROM hamsu_t AS t JOIN hamsu_r AS r ON r.j = t.j WHERE t.t <= r.rt {window}
), hamsu_prefix AS (
  SELECT j, cv, v, group_concat(c, char(31)) OVER (
           PARTITION BY j ORDER BY t, c ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
         ) AS prefix
  FROM hamsu_kept
), hamsu_journeys AS (
  SELECT j, MAX(prefix) AS path, SUM(cv) AS conv, SUM(CASE WHEN cv THEN v ELSE 0 END) AS val
  FROM hamsu_prefix GROUP BY j
)
SELECT path, SUM(conv), SUM(val), SUM(CASE WHEN conv = 0 THEN 1 ELSE 0 END)
FROM hamsu_journeys GROUP BY path
"""
    params = () if lookback is None else (lookback.total_seconds() / 86400.0,)
    return query, params


def _postgresql(source: str, c: dict[str, str], lookback: timedelta | None) -> tuple[str, tuple[Any, ...]]:
    window = "" if lookback is None else "AND t.t >= r.rt - %s * interval '1 second'"
    query = f"""
WITH hamsu_t AS (
  SELECT {c["j"]} AS j, {c["t"]} AS t, {c["c"]}::text AS c,
         COALESCE({c["cv"]}::int, 0) <> 0 AS cv, COALESCE({c["v"]}, 0)::float8 AS v
  FROM {source}
), hamsu_r AS (
  SELECT j, COALESCE(MAX(t) FILTER (WHERE cv), MAX(t)) AS rt FROM hamsu_t GROUP BY j
), hamsu_journeys AS (
  SELECT t.j,
         string_agg(t.c, chr(31) ORDER BY t.t, t.c COLLATE "C") AS path,
         COUNT(*) FILTER (WHERE t.cv) AS conv,
         COALESCE(SUM(t.v) FILTER (WHERE t.cv), 0) AS val
  FROM hamsu_t AS t JOIN hamsu_r AS r ON r.j = t.j
  WHERE t.t <= r.rt {window}
  GROUP BY t.j
)
SELECT path, SUM(conv)::float8, SUM(val)::float8, COUNT(*) FILTER (WHERE conv = 0)::float8
FROM hamsu_journeys GROUP BY path
"""
    params = () if lookback is None else (lookback.total_seconds(),)
    return query, params


def _quote(name: str) -> str:
    """Quote an identifier after checking it, since identifiers cannot be bound parameters."""
    if not _IDENTIFIER.match(name):
        raise AttributionInputError(f"not a plain SQL identifier: {name!r}")
    return f'"{name}"'
