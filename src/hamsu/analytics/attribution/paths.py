"""Journeys and unique paths: the compact inputs every attribution model works on.

Both are stored CSR-style: ``codes[offsets[i]:offsets[i + 1]]`` are the channel codes
of path ``i`` in touch order. One flat integer array lets every model run as a few
vectorised NumPy passes instead of a Python loop over millions of journeys.

Repeated channels are kept (``a > a > b`` stays three touches) because that is what
ChannelAttribution's heuristics count; the Markov model merges repeated states itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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
