"""The in-database path aggregation gives exactly the Polars route's paths."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import datetime, timedelta

import numpy as np
import polars as pl
import pytest

from hamsu.analytics.attribution import AttributionInputError, Paths, aggregate_paths
from hamsu.analytics.attribution.sql import aggregate_paths_sql, paths_query
from tests import optional

COLUMNS = ["journey_id", "ts", "channel", "converted", "conversion_value"]


def random_touches(journeys: int = 400, seed: int = 0) -> pl.DataFrame:
    """Journeys with shuffled rows, equal timestamps, touches after conversions, odd names."""
    rng = np.random.default_rng(seed)
    rows = []
    names = ["search", "email", "Display Ads", "a>b", "événement"]
    for j in range(journeys):
        n = int(rng.integers(1, 7))
        days = np.sort(rng.integers(0, 60, n))
        converting = int(rng.integers(0, n)) if rng.random() < 0.4 else None
        for i in range(n):
            rows.append(
                (
                    j,
                    datetime(2026, 1, 1)
                    + timedelta(days=int(days[i]), seconds=int(rng.integers(0, 3)) * 3600),
                    names[int(rng.integers(0, len(names)))],
                    i == converting,
                    round(float(rng.uniform(1, 500)), 2) if i == converting else 0.0,
                )
            )
    rows = [rows[i] for i in rng.permutation(len(rows))]
    return pl.DataFrame(rows, schema=COLUMNS, orient="row")


def as_sorted(paths: Paths) -> pl.DataFrame:
    return paths.to_frame().sort("path")


def assert_same_paths(got: Paths, expected: Paths) -> None:
    a, b = as_sorted(got), as_sorted(expected)
    assert a["path"].to_list() == b["path"].to_list()
    assert a["conversions"].to_list() == b["conversions"].to_list()
    assert a["nulls"].to_list() == b["nulls"].to_list()
    np.testing.assert_allclose(a["value"].to_numpy(), b["value"].to_numpy(), rtol=1e-12)


@pytest.fixture
def sqlite_touches():
    frame = random_touches()
    connection = sqlite3.connect(":memory:")
    connection.execute(
        'CREATE TABLE "touch" (journey_id INTEGER, ts TEXT, channel TEXT, converted INTEGER, conversion_value REAL)'
    )
    text = frame.with_columns(pl.col("ts").dt.strftime("%Y-%m-%d %H:%M:%S"))
    connection.executemany('INSERT INTO "touch" VALUES (?, ?, ?, ?, ?)', text.iter_rows())
    yield frame, connection
    connection.close()


@pytest.mark.parametrize("lookback", [None, timedelta(days=10)])
def test_sqlite_route_equals_polars_route(sqlite_touches, lookback):
    frame, connection = sqlite_touches
    assert_same_paths(
        aggregate_paths_sql(connection, "touch", lookback=lookback), aggregate_paths(frame, lookback=lookback)
    )


def test_sqlite_accepts_unix_seconds_and_other_column_names():
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE t (deal INTEGER, at REAL, campaign TEXT, won INTEGER, pipeline REAL)")
    connection.executemany(
        "INSERT INTO t VALUES (?, ?, ?, ?, ?)",
        [(1, 0, "x", 0, 0), (1, 86400 * 5, "y", 0, 0), (1, 86400 * 6, "z", 1, 9.5), (2, 10, "x", 0, 0)],
    )
    paths = aggregate_paths_sql(
        connection,
        "t",
        journey="deal",
        ts="at",
        key="campaign",
        converted="won",
        value="pipeline",
        lookback=timedelta(days=2),
    )
    assert as_sorted(paths).rows() == [(["x"], 0.0, 0.0, 1.0), (["y", "z"], 1.0, 9.5, 0.0)]


def test_identifiers_are_checked_and_dialects_known():
    with pytest.raises(AttributionInputError, match="identifier"):
        paths_query("sqlite", "touch; DROP TABLE x")
    with pytest.raises(AttributionInputError, match="dialect"):
        paths_query("oracle", "touch")
    assert '"public"."touch"' in paths_query("postgresql", "public.touch")[0]


@pytest.mark.parametrize("lookback", [None, timedelta(days=10)])
def test_postgresql_route_equals_polars_route(lookback):
    dsn = optional.postgresql_dsn()
    import psycopg

    frame = random_touches(seed=1)
    table = f"hamsu_test_touch_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(dsn) as connection:
        connection.execute(
            f"CREATE TEMPORARY TABLE {table} (journey_id BIGINT, ts TIMESTAMPTZ, channel TEXT, "
            "converted BOOLEAN, conversion_value NUMERIC(12, 2))"
        )
        with connection.cursor() as cursor, cursor.copy(f"COPY {table} FROM STDIN") as copy:
            for row in frame.with_columns(pl.col("ts").dt.replace_time_zone("UTC")).iter_rows():
                copy.write_row(row)
        paths = aggregate_paths_sql(connection, table, lookback=lookback)
    assert_same_paths(paths, aggregate_paths(frame, lookback=lookback))
