"""Long-form touchpoints (one row per touch) to journeys: validate, code, sort, window.

The models run on the compact ``Journeys``/``Paths`` of ``paths.py``; this module builds
them from what a caller has (a Polars or Arrow frame of touches) and keeps the sorted,
windowed touches (``Touches``) that ``explain`` reads to say why a touch got its share.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property

import numpy as np
import polars as pl

from .errors import AttributionInputError
from .paths import Journeys, Paths


def to_polars(frame: object) -> pl.DataFrame:
    """Accept Polars (eager or lazy) and Arrow tables; everything else is refused loudly."""
    if isinstance(frame, pl.LazyFrame):
        return frame.collect()
    if isinstance(frame, pl.DataFrame):
        return frame
    # A caller holding an Arrow table has imported PyArrow already; nobody else pays for it.
    pyarrow = sys.modules.get("pyarrow")
    if pyarrow is not None and isinstance(frame, pyarrow.Table):
        return pl.from_arrow(frame)  # type: ignore[return-value]
    raise AttributionInputError(f"expected a Polars or Arrow frame, got {type(frame).__name__}")


def aggregate_journeys(
    frame: object,
    *,
    journey: str = "journey_id",
    ts: str = "ts",
    key: str = "channel",
    converted: str = "converted",
    value: str = "conversion_value",
    lookback: timedelta | None = None,
    lead: str = "lead_created",
    opportunity: str = "opportunity_created",
) -> Journeys:
    """Turn long-form touchpoints (one row per touch) into ordered journeys.

    ``key`` picks the attribution level (``channel``, ``campaign``…), ``journey`` the
    unit of conversion (a contact's ``journey_id`` or an ``account_id`` for the buying
    group), ``value`` the money column (revenue or pipeline). The conversion flag and
    value sit on the converting touch. ``lead``/``opportunity`` name the optional flag
    columns marking lead- and opportunity-creation touches (for W-shaped); they are used
    when present.
    """
    touches = prepare_touches(
        frame,
        journey=journey,
        ts=ts,
        key=key,
        converted=converted,
        value=value,
        lookback=lookback,
        lead=lead,
        opportunity=opportunity,
    )
    return touches.journeys()


@dataclass(frozen=True, eq=False)
class Touches:
    """Touchpoints sorted by journey, time and channel, with the window applied.

    ``source`` holds the validated rows as given and ``order`` their sorted order; the
    arrays are in that order, as are the rows of ``frame``. ``keep`` marks the touches
    inside the window. Rows outside it are kept so ``explain`` can say why a touch got
    nothing. ``age`` is seconds before the journey's reference time (negative: after it).
    """

    source: pl.DataFrame
    order: np.ndarray
    channels: tuple[str, ...]
    journey: str
    starts: np.ndarray
    journey_index: np.ndarray
    codes: np.ndarray
    age: np.ndarray
    keep: np.ndarray
    converted: np.ndarray
    value: np.ndarray
    lead: np.ndarray | None
    opportunity: np.ndarray | None

    @cached_property
    def frame(self) -> pl.DataFrame:
        """The rows in sorted order with their ``_age`` and ``_keep`` (built on demand: only
        ``explain`` reads rows, and reordering every column of millions costs seconds)."""
        return self.source[self.order].with_columns(_age=self.age, _keep=self.keep)

    def journeys(self) -> Journeys:
        """The kept touches as journeys; every journey keeps at least its reference touch."""
        keep = self.keep
        owner = self.journey_index[keep]
        n = len(self.starts)
        offsets = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(owner, minlength=n), out=offsets[1:])
        converted = self.converted[keep]
        conversions = np.bincount(owner, weights=converted, minlength=n)
        return Journeys(
            channels=self.channels,
            offsets=offsets,
            codes=self.codes[keep],
            conversions=conversions,
            value=np.bincount(owner, weights=np.where(converted, self.value[keep], 0.0), minlength=n),
            nulls=(conversions == 0).astype(np.float64),
            journey_ids=self.source[self.journey].gather(self.order[self.starts]),
            age_seconds=self.age[keep],
            lead=self.lead[keep] if self.lead is not None else None,
            opportunity=self.opportunity[keep] if self.opportunity is not None else None,
        )


def prepare_touches(
    frame: object,
    *,
    journey: str = "journey_id",
    ts: str = "ts",
    key: str = "channel",
    converted: str = "converted",
    value: str = "conversion_value",
    lookback: timedelta | None = None,
    lead: str = "lead_created",
    opportunity: str = "opportunity_created",
) -> Touches:
    """Validate, code, sort and window long-form touchpoints (see ``aggregate_journeys``).

    A journey's reference time is its last converting touch, or its last touch if it
    did not convert. Touches after the conversion cannot have caused it and touches
    older than the lookback are out of scope. Ties in ``ts`` are broken by channel so
    the Polars and SQL routes build identical paths.
    """
    if lookback is not None and lookback < timedelta(0):
        raise AttributionInputError("lookback cannot be negative")
    frame = to_polars(frame)
    lead_col = lead if lead in frame.columns else None
    opp_col = opportunity if opportunity in frame.columns else None
    df = _normalise(frame, journey, ts, key, converted, value, lead_col, opp_col)
    channels = tuple(sorted(df[key].unique().to_list()))
    # Sorting without the string column is several times faster; ``channels[_code]`` is the name.
    df = df.with_columns(_code=pl.col(key).cast(pl.Enum(channels)).to_physical()).drop(key)
    order = _packed_touch_order(df, journey, ts, "_code")
    if order is None:
        # Other key types: Polars' multi-column sort of the rows themselves.
        df = df.sort([journey, ts, "_code"])
        order = np.arange(df.height)
        journey_index = df[journey].rle_id().to_numpy()
    else:
        journey_index = _run_ids(df[journey].to_numpy()[order])

    def column(name: str) -> np.ndarray:
        return df[name].to_numpy()[order]

    starts = np.flatnonzero(np.diff(journey_index, prepend=-1))
    micros = _micros(df[ts])[order]
    is_converted = column(converted)
    age = (_reference_time(micros, is_converted, starts)[journey_index] - micros) / 1e6
    keep = age >= 0
    if lookback is not None:
        keep &= age <= lookback.total_seconds()
    return Touches(
        source=df,
        order=order,
        channels=channels,
        journey=journey,
        starts=starts,
        journey_index=journey_index,
        codes=column("_code").astype(np.int32),
        age=age,
        keep=keep,
        converted=is_converted,
        value=column(value),
        lead=column(lead_col) if lead_col else None,
        opportunity=column(opp_col) if opp_col else None,
    )


def _run_ids(ordered: np.ndarray) -> np.ndarray:
    """Number the runs of equal values 0, 1, 2… (Polars' ``rle_id``, without a gather)."""
    new = np.ones(len(ordered), dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    return np.cumsum(new) - 1


def _packed_touch_order(df: pl.DataFrame, journey: str, ts: str, code: str) -> np.ndarray | None:
    """Row indices that sort ``df`` by journey, then time, then channel code, or None.

    Polars' multi-column sort does this for any column types. For the usual integer
    journey ids and datetimes two NumPy sorts take about a third of its CPU time at
    millions of rows: time and code packed into one int64, then a stable sort by
    journey done as a plain (SIMD) sort of the journey in the high bits of a word and
    the row in its low bits. None when the keys are of other types or do not fit.
    Rows equal in all three keys are identical touches as far as any model is
    concerned, so their order does not matter.
    """
    if not (df.height and df.schema[journey].is_integer() and df.schema[ts].is_temporal()):
        return None
    micros = df[ts].cast(pl.Datetime("us")).dt.epoch("us").to_numpy()
    codes = df[code].to_numpy().astype(np.int64)
    n_codes = int(codes.max()) + 1
    if max(int(micros.max()), -int(micros.min())) >= 2**62 // n_codes:
        return None
    by_time = np.argsort(micros * n_codes + codes)
    journeys = df[journey].to_numpy()
    journeys = journeys[by_time].astype(np.uint64 if journeys.dtype == np.uint64 else np.int64)
    low, high = int(journeys.min()), int(journeys.max())
    bits = max(1, (df.height - 1).bit_length())
    if high - low >= 2 ** (64 - bits):
        return None
    keys = (journeys - journeys.min()).astype(np.uint64) << np.uint64(bits)
    keys |= np.arange(df.height, dtype=np.uint64)
    keys.sort()
    order: np.ndarray = by_time[(keys & np.uint64(2**bits - 1)).astype(np.int64)]
    return order


def _micros(ts: pl.Series) -> np.ndarray:
    """Timestamps as microseconds in float64 (exact for datetimes: well below 2**53).

    Working in microseconds keeps ages, and so the lookback boundary, exact.
    Numbers are taken as seconds.
    """
    if ts.dtype.is_temporal():
        return ts.cast(pl.Datetime("us")).dt.epoch("us").to_numpy().astype(np.float64)
    return ts.cast(pl.Float64).to_numpy() * 1e6


def _reference_time(micros: np.ndarray, converted: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per journey: the last converting touch, else the last touch (rows are time-sorted)."""
    if len(starts) == 0:
        return np.zeros(0)
    last = np.append(starts[1:], len(micros)) - 1
    last_conversion = np.maximum.reduceat(np.where(converted, micros, -np.inf), starts)
    return np.where(np.isfinite(last_conversion), last_conversion, micros[last])


def aggregate_paths(
    frame: object, *, lookback: timedelta | None = None, key: str = "channel", **columns: str
) -> Paths:
    """Long-form touchpoints straight to unique paths (see ``aggregate_journeys`` for columns)."""
    return aggregate_journeys(frame, lookback=lookback, key=key, **columns).paths


def _normalise(
    df: pl.DataFrame,
    journey: str,
    ts: str,
    key: str,
    converted: str,
    value: str,
    lead: str | None,
    opportunity: str | None,
) -> pl.DataFrame:
    """Select the needed columns with usable types, or say exactly what is wrong."""
    wanted = [journey, ts, key, converted, value, *(c for c in (lead, opportunity) if c)]
    missing = [c for c in wanted if c not in df.columns]
    if missing:
        raise AttributionInputError(
            f"missing column(s) {', '.join(missing)}; have {', '.join(df.columns) or 'none'}"
        )
    df = df.select(wanted)
    for column in (journey, ts, key):
        nulls = df[column].null_count()
        if nulls:
            raise AttributionInputError(f"column {column!r} has {nulls} empty value(s)")
    try:
        if df.schema[ts] == pl.String:
            df = df.with_columns(pl.col(ts).str.to_datetime())
        flags = [c for c in (converted, lead, opportunity) if c]
        df = df.with_columns(
            pl.col(key).cast(pl.String),
            *(pl.col(c).cast(pl.Boolean).fill_null(False) for c in flags),
            pl.col(value).cast(pl.Float64).fill_null(0.0),
        )
    except pl.exceptions.PolarsError as exc:
        raise AttributionInputError(f"cannot read column types: {exc}") from exc
    if not (df.schema[ts].is_temporal() or df.schema[ts].is_numeric()):
        raise AttributionInputError(f"column {ts!r} must hold datetimes or numbers (seconds)")
    return df
