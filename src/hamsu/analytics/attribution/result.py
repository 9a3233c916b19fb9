"""The one result type every model returns, so callers never branch on the model."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from .paths import Paths


@dataclass(frozen=True, eq=False)
class AttributionResult:
    """Conversions and value attributed to each channel (or campaign) by one model.

    ``details`` carries what a model knows beyond the totals — Markov removal effects
    and conversion probability, Shapley's method and error bound — in plain JSON types.
    """

    model: str
    channels: tuple[str, ...]
    conversions: np.ndarray
    value: np.ndarray
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """``{"model": …, "channels": {name: {"conversions": x, "value": y}}}`` (+ ``details``)."""
        out: dict[str, Any] = {
            "model": self.model,
            "channels": {
                name: {"conversions": float(c), "value": float(v)}
                for name, c, v in zip(self.channels, self.conversions, self.value, strict=True)
            },
        }
        if self.details:
            out["details"] = self.details
        return out

    def to_frame(self) -> pl.DataFrame:
        return pl.DataFrame(
            {"channel": list(self.channels), "conversions": self.conversions, "value": self.value},
            schema={"channel": pl.String, "conversions": pl.Float64, "value": pl.Float64},
        )


def totals_from_touch_shares(model: str, paths: Paths, shares: np.ndarray) -> AttributionResult:
    """Sum per-touch shares of each path's outcome into per-channel totals.

    ``shares`` sums to 1 within each path, so the channel totals add up to the
    conversions and value of all paths.
    """
    n = len(paths.channels)
    owner = paths.path_of_touch
    conversions = np.bincount(paths.codes, weights=shares * paths.conversions[owner], minlength=n)
    value = np.bincount(paths.codes, weights=shares * paths.value[owner], minlength=n)
    return AttributionResult(model, paths.channels, conversions, value)
