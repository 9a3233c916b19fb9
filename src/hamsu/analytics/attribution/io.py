"""Reading attribution input files: long-form touchpoints or ChannelAttribution path CSVs.

The format is recognised by its header, so one CLI argument takes either.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np
import polars as pl

from .errors import AttributionInputError
from .paths import Journeys, Paths
from .touches import aggregate_journeys

# ChannelAttribution's column names; conversions and the path are required.
PATH_COLUMNS = ("path", "total_conversions", "total_conversion_value", "total_null")


def read_input(
    file: str | Path,
    *,
    lookback: timedelta | None = None,
    journey: str = "journey_id",
    key: str = "channel",
    value: str = "conversion_value",
) -> Paths | Journeys:
    """Journeys from a long-form touchpoint file, or unique paths from a path CSV."""
    frame = read_frame(file)
    if "path" in frame.columns and "total_conversions" in frame.columns:
        if lookback is not None:
            raise AttributionInputError("a lookback window needs touch timestamps; this file has paths")
        return paths_from_frame(frame)
    return aggregate_journeys(frame, lookback=lookback, journey=journey, key=key, value=value)


def read_frame(file: str | Path) -> pl.DataFrame:
    """Parquet by its magic bytes; CSV otherwise, ``;`` if the header uses it."""
    path = Path(file)
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
        if head.startswith(b"PAR1"):
            return pl.read_parquet(path)
        header = head.splitlines()[0].decode("utf-8-sig") if head else ""
        separator = ";" if header.count(";") > header.count(",") else ","
        return pl.read_csv(path, separator=separator, try_parse_dates=True)
    except OSError as exc:
        raise AttributionInputError(f"cannot read {file}: {exc.strerror or exc}") from exc
    except (pl.exceptions.PolarsError, UnicodeDecodeError, IndexError) as exc:
        raise AttributionInputError(f"cannot parse {file}: {exc}") from exc


def paths_from_frame(frame: pl.DataFrame, sep: str = ">") -> Paths:
    """Unique paths from ChannelAttribution-style rows (``a > b > c``; duplicates summed).

    Channel names are stripped of surrounding spaces, like ChannelAttribution does;
    ``total_conversion_value`` and ``total_null`` are optional and count as 0.
    """
    if "path" not in frame.columns or "total_conversions" not in frame.columns:
        raise AttributionInputError(f"a path file needs columns {', '.join(PATH_COLUMNS[:2])}")
    path = frame["path"].cast(pl.String)
    if path.null_count():
        raise AttributionInputError("column 'path' has empty values")
    touches = path.str.split(sep)
    # Stripping the flat names is several times faster than a per-list ``list.eval``.
    names = touches.explode().str.strip_chars()
    if (names == "").any():
        raise AttributionInputError(f"a path has an empty channel name (check the separator {sep!r})")
    channels = tuple(sorted(names.unique().to_list()))
    offsets = np.zeros(len(touches) + 1, dtype=np.int64)
    np.cumsum(touches.list.len().to_numpy(), out=offsets[1:])
    try:
        columns = [
            frame[c].cast(pl.Float64).fill_null(0.0).to_numpy()
            if c in frame.columns
            else np.zeros(len(frame))
            for c in PATH_COLUMNS[1:]
        ]
    except pl.exceptions.PolarsError as exc:
        raise AttributionInputError(f"path file counts must be numbers: {exc}") from exc
    return Paths(
        channels=channels,
        offsets=offsets,
        codes=names.cast(pl.Enum(channels)).to_physical().to_numpy().astype(np.int32),
        conversions=columns[0],
        value=columns[1],
        nulls=columns[2],
    ).unique()
