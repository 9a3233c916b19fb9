"""Journeys and unique paths: the compact inputs every attribution model works on.

Both are stored CSR-style: ``codes[offsets[i]:offsets[i + 1]]`` are the channel codes
of path ``i`` in touch order. One flat integer array lets every model run as a few
vectorised NumPy passes instead of a Python loop over millions of journeys.

Repeated channels are kept (``a > a > b`` stays three touches) because that is what
ChannelAttribution's heuristics count; the Markov model merges repeated states itself.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property

import numpy as np
import polars as pl

from .errors import AttributionInputError


@dataclass(frozen=True, eq=False)
class Paths:
    """Channel paths with their outcomes; unique (and counted) once ``unique()`` ran.

    ``conversions``/``value``/``nulls`` are per path: the number of conversions, their
    total value (revenue or pipeline, whichever column was aggregated), and the number
    of journeys on that path that did not convert — ChannelAttribution's
    ``total_conversions``, ``total_conversion_value`` and ``total_null``.
    """

    channels: tuple[str, ...]
    offsets: np.ndarray
    codes: np.ndarray
    conversions: np.ndarray
    value: np.ndarray
    nulls: np.ndarray

    def __post_init__(self) -> None:
        n = len(self.offsets) - 1
        if n < 0 or self.offsets[0] != 0 or self.offsets[-1] != len(self.codes):
            raise AttributionInputError("offsets must start at 0 and end at len(codes)")
        if any(len(a) != n for a in (self.conversions, self.value, self.nulls)):
            raise AttributionInputError("conversions, value and nulls need one entry per path")
        if n and np.any(np.diff(self.offsets) < 1):
            raise AttributionInputError("every path needs at least one touch")
        if len(self.codes) and (self.codes.min() < 0 or self.codes.max() >= len(self.channels)):
            raise AttributionInputError("channel code out of range")
        if n and (self.conversions.min() < 0 or self.nulls.min() < 0):
            raise AttributionInputError("conversions and nulls cannot be negative")

    @property
    def n_paths(self) -> int:
        return len(self.offsets) - 1

    @cached_property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    @cached_property
    def path_of_touch(self) -> np.ndarray:
        """Index of the path each touch belongs to (the CSR row index, expanded)."""
        # int32 halves the memory of the largest per-touch array; 2**31 paths is far off.
        return np.repeat(np.arange(self.n_paths, dtype=np.int32), self.lengths)

    @cached_property
    def position(self) -> np.ndarray:
        """Zero-based position of each touch within its path."""
        position: np.ndarray = np.arange(len(self.codes)) - self.offsets[:-1][self.path_of_touch]
        return position

    @property
    def total_conversions(self) -> float:
        return float(self.conversions.sum())

    @property
    def total_value(self) -> float:
        return float(self.value.sum())

    def to_frame(self) -> pl.DataFrame:
        """One row per path, channels as a list of names (for display, export and tests)."""
        names = pl.Series("channel", self.channels, dtype=pl.String)
        path = _list_series(self.offsets, names.gather(self.codes))
        return pl.DataFrame(
            {"path": path, "conversions": self.conversions, "value": self.value, "nulls": self.nulls}
        )

    def unique(self) -> Paths:
        """Merge rows with identical paths by summing their outcomes.

        Every model's cost grows with the number of rows, and a million journeys
        typically collapse to a few hundred thousand unique paths. A path that fits packs
        into one int64 (base ``n_channels + 1`` digits), which groups several times faster
        than a list column; longer paths (rare) pack into several int64 words each.
        """
        base = len(self.channels) + 1
        per_word = max(1, int(63 / np.log2(base)) - 1)
        fits = self.lengths <= per_word
        groups = [self._unique_packed(fits, base)]
        if not fits.all():
            groups.append(self._unique_long(~fits, base, per_word))
        if len(groups) == 1:
            return groups[0]
        short, long = groups
        return Paths(
            channels=self.channels,
            offsets=np.concatenate([short.offsets, long.offsets[1:] + short.offsets[-1]]),
            codes=np.concatenate([short.codes, long.codes]),
            conversions=np.concatenate([short.conversions, long.conversions]),
            value=np.concatenate([short.value, long.value]),
            nulls=np.concatenate([short.nulls, long.nulls]),
        )

    def _unique_packed(self, rows: np.ndarray, base: int) -> Paths:
        owner = self.path_of_touch
        touch = rows[owner]
        powers = np.array([base**i for i in range(int(self.lengths[rows].max(initial=1)))], dtype=np.int64)
        exponent = np.where(touch, (self.lengths[owner] - 1 - self.position), 0)
        digits = np.where(touch, self.codes.astype(np.int64) + 1, 0) * powers[exponent]
        keys = np.add.reduceat(digits, self.offsets[:-1])[rows] if len(digits) else np.zeros(0, np.int64)
        first, inverse = group_ids(keys)
        return self._take(np.flatnonzero(rows)[first], inverse, rows)

    def _unique_long(self, rows: np.ndarray, base: int, per_word: int) -> Paths:
        """Group paths longer than one word by their digits packed into several words.

        Word ``w`` of a path holds its touches ``w * per_word`` onwards as base-``base``
        digits of ``code + 1``; digit 0 pads, so paths of different lengths never share
        a key. Plain NumPy keeps Polars' list machinery and PyArrow out of every model.
        """
        index = np.flatnonzero(rows)
        offsets, gather = _gather_touches(self.offsets, index)
        lengths = np.diff(offsets)
        owner = np.repeat(np.arange(len(index)), lengths)
        position = np.arange(len(gather)) - offsets[:-1][owner]
        within = position % per_word
        powers = base ** np.arange(per_word - 1, -1, -1, dtype=np.int64)
        digits = (self.codes[gather].astype(np.int64) + 1) * powers[within]
        # Touches are contiguous per path and in order, so each word is one run of digits.
        word_starts = np.flatnonzero(within == 0)
        keys = np.zeros((len(index), -(-int(lengths.max()) // per_word)), dtype=np.int64)
        keys[owner[word_starts], position[word_starts] // per_word] = np.add.reduceat(digits, word_starts)
        first, inverse = group_rows(keys)
        return self._take(index[first], inverse, rows)

    def _take(self, chosen: np.ndarray, inverse: np.ndarray, rows: np.ndarray) -> Paths:
        """Rows ``chosen`` as unique paths, summing the outcomes of ``rows`` by ``inverse``."""
        n = len(chosen)
        offsets, gather = _gather_touches(self.offsets, chosen)

        def summed(values: np.ndarray) -> np.ndarray:
            return np.bincount(inverse, weights=values[rows], minlength=n)

        return Paths(
            channels=self.channels,
            offsets=offsets,
            codes=self.codes[gather],
            conversions=summed(self.conversions),
            value=summed(self.value),
            nulls=summed(self.nulls),
        )

    def select(self, rows: np.ndarray) -> Paths:
        """Only the paths at indices ``rows`` (e.g. the converting ones), in that order."""
        offsets, gather = _gather_touches(self.offsets, rows)
        return Paths(
            self.channels,
            offsets,
            self.codes[gather],
            self.conversions[rows],
            self.value[rows],
            self.nulls[rows],
        )

    @classmethod
    def from_lists(
        cls,
        paths: Sequence[Sequence[str]],
        conversions: Sequence[float],
        value: Sequence[float] | None = None,
        nulls: Sequence[float] | None = None,
    ) -> Paths:
        """Build unique paths from channel-name lists; duplicate paths are summed.

        Channels are coded in sorted name order so results do not depend on row order.
        Missing ``value``/``nulls`` count as zero, as in ChannelAttribution.
        """
        n = len(paths)
        if any(len(p) == 0 for p in paths):
            raise AttributionInputError("every path needs at least one channel")
        channels = tuple(sorted({c for p in paths for c in p}))
        index = {c: i for i, c in enumerate(channels)}
        offsets = np.zeros(n + 1, dtype=np.int64)
        np.cumsum([len(p) for p in paths], out=offsets[1:])
        codes = np.fromiter((index[c] for p in paths for c in p), dtype=np.int32, count=int(offsets[-1]))
        return cls(
            channels=channels,
            offsets=offsets,
            codes=codes,
            conversions=_floats(conversions, n),
            value=_floats(value, n),
            nulls=_floats(nulls, n),
        ).unique()


@dataclass(frozen=True, eq=False)
class Journeys(Paths):
    """One path per journey, with what only touch-level data knows.

    Time decay needs each touch's age and W-shaped needs the lead- and
    opportunity-creation touches; both are lost once journeys collapse to unique paths.
    ``age_seconds`` is measured back from the journey's conversion (or last touch).
    """

    journey_ids: pl.Series | None = None
    age_seconds: np.ndarray | None = None
    lead: np.ndarray | None = None
    opportunity: np.ndarray | None = None

    def select(self, rows: np.ndarray) -> Journeys:
        offsets, gather = _gather_touches(self.offsets, rows)

        def touch(values: np.ndarray | None) -> np.ndarray | None:
            return None if values is None else values[gather]

        return Journeys(
            self.channels,
            offsets,
            self.codes[gather],
            self.conversions[rows],
            self.value[rows],
            self.nulls[rows],
            journey_ids=None if self.journey_ids is None else self.journey_ids.gather(rows),
            age_seconds=touch(self.age_seconds),
            lead=touch(self.lead),
            opportunity=touch(self.opportunity),
        )

    @cached_property
    def paths(self) -> Paths:
        """The unique paths of these journeys (what the path-level models run on)."""
        return Paths(
            self.channels, self.offsets, self.codes, self.conversions, self.value, self.nulls
        ).unique()


def group_rows(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``group_ids`` for keys that are rows of a 2-D array (compared column by column)."""
    order = np.lexsort(keys.T[::-1])
    new = np.empty(len(keys), dtype=bool)
    new[:1] = True
    ordered = keys[order]
    np.any(ordered[1:] != ordered[:-1], axis=1, out=new[1:])
    return _groups(order, new)


def group_ids(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One index of each distinct key and each element's group number (groups in key order).

    ``np.unique(..., return_index=True, return_inverse=True)`` does the same with more
    passes; this is on the hot path of every aggregation. The sort need not be stable:
    rows with one key are interchangeable, and NumPy's unstable argsort is several
    times faster (SIMD).
    """
    order = np.argsort(keys)
    new = np.empty(len(keys), dtype=bool)
    new[:1] = True
    ordered = keys[order]
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    return _groups(order, new)


def _groups(order: np.ndarray, new: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Representatives and group numbers from a sorting order and its "new key" flags."""
    inverse = np.empty(len(order), dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    return order[new], inverse


def _gather_touches(offsets: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """CSR offsets of the paths at ``rows`` and the indices of their touches, loop-free."""
    lengths = offsets[1:][rows] - offsets[:-1][rows]
    new_offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(lengths, out=new_offsets[1:])
    gather = np.repeat(offsets[:-1][rows] - new_offsets[:-1], lengths) + np.arange(new_offsets[-1])
    return new_offsets, gather


def _floats(values: Sequence[float] | None, n: int) -> np.ndarray:
    if values is None:
        return np.zeros(n)
    out = np.asarray(values, dtype=np.float64)
    if out.shape != (n,):
        raise AttributionInputError(f"expected {n} values, got shape {out.shape}")
    return out


def _list_series(offsets: np.ndarray, values: pl.Series) -> pl.Series:
    """A Polars list column from CSR offsets without a Python loop (via Arrow).

    Arrays go through Polars, not ``pa.array``, because the latter imports pandas
    (about a second) on first use. PyArrow itself is imported here, not at the top: only
    display and export need it, and the CLI's models would pay its start-up for nothing.
    """
    import pyarrow as pa

    array = pa.LargeListArray.from_arrays(pl.Series(offsets.astype(np.int64)).to_arrow(), values.to_arrow())
    return pl.Series("path", pl.from_arrow(array))


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
