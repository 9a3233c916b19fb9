"""Rebuild what the pipeline looked like on a past date, from the append-only stage events.

Everything a forecast made "as of" a date may use is derived here, so leakage is handled
in one place: events after the snapshot date are dropped before anything is computed, a
stage spell still running at the snapshot is open (its exit is unknown, its age is known),
and outcomes are only those recorded on or before the snapshot.

Stage events are a Polars frame ``(object_id, from_stage, to_stage, at)`` with ``at`` a
date (datetimes are truncated to their date: the forecasting grain is a day).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import polars as pl

WON = "won"
LOST = "lost"
DEFAULT_TERMINAL: tuple[str, ...] = (WON, LOST)


def _as_date_events(events: pl.DataFrame) -> pl.DataFrame:
    at = pl.col("at")
    if events.schema["at"] != pl.Date:
        at = at.cast(pl.Date)
    return events.with_columns(at.alias("at"))


def stage_spells_as_of(
    events: pl.DataFrame, as_of: dt.date, *, terminal: Iterable[str] = DEFAULT_TERMINAL
) -> pl.DataFrame:
    """One row per time an object entered a non-terminal stage, as seen on ``as_of``.

    Columns: object_id, stage, entered_at, exit_to (null while open), exited_at (null while
    open), days (days in the stage: to the exit, or to ``as_of`` while open), is_open.
    """
    term = list(terminal)
    ev = (
        _as_date_events(events)
        .filter(pl.col("at") <= as_of)
        .with_row_index("_seq")
        .sort(["object_id", "at", "_seq"])
        .with_columns(
            pl.col("at").shift(-1).over("object_id").alias("exited_at"),
            pl.col("to_stage").shift(-1).over("object_id").alias("exit_to"),
        )
        .filter(~pl.col("to_stage").is_in(term))
    )
    return ev.select(
        "object_id",
        pl.col("to_stage").alias("stage"),
        pl.col("at").alias("entered_at"),
        "exit_to",
        "exited_at",
        ((pl.col("exited_at").fill_null(as_of) - pl.col("at")).dt.total_days()).alias("days"),
        pl.col("exited_at").is_null().alias("is_open"),
    )


def outcome_spells_as_of(
    events: pl.DataFrame, as_of: dt.date, *, terminal: Iterable[str] = DEFAULT_TERMINAL
) -> pl.DataFrame:
    """Per stage entry, the time until the object's final outcome (won/lost) as of ``as_of``.

    Used to learn "from entering stage s, when and how does the deal end", whatever stages
    it passes through on the way. Columns: object_id, stage, entered_at, outcome (null while
    the object is still open), days (to the outcome, or to ``as_of`` while open).
    """
    term = list(terminal)
    ev = _as_date_events(events).filter(pl.col("at") <= as_of)
    outcomes = (
        ev.filter(pl.col("to_stage").is_in(term))
        .select("object_id", pl.col("to_stage").alias("outcome"), pl.col("at").alias("outcome_at"))
        .sort("outcome_at")
    )
    entries = (
        ev.filter(~pl.col("to_stage").is_in(term))
        .select("object_id", pl.col("to_stage").alias("stage"), pl.col("at").alias("entered_at"))
        .sort("entered_at")
    )
    # the first outcome on or after each entry: a deal re-opened after a loss is open again
    joined = entries.join_asof(
        outcomes,
        left_on="entered_at",
        right_on="outcome_at",
        by="object_id",
        strategy="forward",
        check_sortedness=False,  # both sides are sorted on the time key above
    )
    return joined.select(
        "object_id",
        "stage",
        "entered_at",
        "outcome",
        ((pl.col("outcome_at").fill_null(as_of) - pl.col("entered_at")).dt.total_days()).alias("days"),
    ).sort(["object_id", "entered_at"])


def open_deals_as_of(
    events: pl.DataFrame, as_of: dt.date, *, terminal: Iterable[str] = DEFAULT_TERMINAL
) -> pl.DataFrame:
    """The open pipeline on ``as_of``: object_id, stage, entered_at, age_days (days in stage)."""
    spells = stage_spells_as_of(events, as_of, terminal=terminal)
    return spells.filter(pl.col("is_open")).select(
        "object_id", "stage", "entered_at", pl.col("days").alias("age_days")
    )


def quarter_start(d: dt.date) -> dt.date:
    return dt.date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def quarter_end(d: dt.date) -> dt.date:
    start = quarter_start(d)
    nxt = dt.date(start.year + (start.month + 3 > 12), (start.month + 2) % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def quarter_label(d: dt.date) -> str:
    return f"{d.year}Q{(d.month - 1) // 3 + 1}"


def next_quarter(d: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the calendar quarter after the one containing ``d``."""
    start = quarter_end(d) + dt.timedelta(days=1)
    return start, quarter_end(start)


def weekly_snapshot_dates(start: dt.date, end: dt.date, *, weekday: int = 6) -> list[dt.date]:
    """Every ``weekday`` (Monday=0 … Sunday=6) from ``start`` to ``end`` inclusive."""
    first = start + dt.timedelta(days=(weekday - start.weekday()) % 7)
    out: list[dt.date] = []
    d = first
    while d <= end:
        out.append(d)
        d += dt.timedelta(days=7)
    return out
