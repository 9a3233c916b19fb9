"""Run the attribution library on the journeys in the database: every model side by side,
one model for the API, and one deal's explanation.

Results are cached for a few minutes under a key that includes the newest touch and the
newest deal change, so a new touch or a closed deal shows on the next load, while a
page refresh does not recompute Shapley.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import time
from dataclasses import dataclass, field, replace

import polars as pl
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamsu.analytics import attribution as lib
from hamsu.campaigns.journeys import JourneyFrame, journey_frame
from hamsu.campaigns.models import AttributionSnapshot, Touchpoint
from hamsu.crm.models import Opportunity

MODEL_LABELS = {
    "first_touch": _("First touch"),
    "last_touch": _("Last touch"),
    "linear": _("Linear"),
    "position_based": _("Position-based (U-shaped)"),
    "time_decay": _("Time decay"),
    "w_shaped": _("W-shaped"),
    "markov": _("Markov chain"),
    "shapley": _("Shapley value"),
}
MODELS = tuple(name for name in MODEL_LABELS if name in lib.MODELS)
CACHE_SECONDS = 300
# Above this many touches the pages read snapshots computed in the background.
INLINE_TOUCHES = 300_000
REFRESH_GRACE = datetime.timedelta(minutes=10)
# Exact Shapley over 2^18 coalitions takes about as long as 20,000 samples and has no
# error bar; beyond 18 keys (campaign level) the library samples.
MODEL_OPTIONS = {"shapley": {"max_exact": 18}}


@dataclass
class Comparison:
    """Every model's credit per key (channel or campaign), on the same journeys."""

    measure: str
    level: str
    models: tuple[str, ...]
    keys: list[str]
    # credit[model][key] = {"conversions": x, "value": y}
    credit: dict[str, dict[str, dict[str, float]]]
    deals: int
    deals_touched: int
    conversions: float
    value: float
    value_touched: float
    errors: dict[str, str] = field(default_factory=dict)
    computed_at: datetime.datetime | None = None
    stale: bool = False  # newer touches or deal changes are being included in the background
    pending: bool = False  # not computed yet: the first computation runs in the background

    @classmethod
    def from_payload(cls, payload: dict, **extra) -> Comparison:
        credit = payload.get("credit", {})
        return cls(
            measure=payload["measure"],
            level=payload["level"],
            models=tuple(payload["models"]),
            keys=sorted({key for figures in credit.values() for key in figures}),
            credit=credit,
            deals=payload["deals"],
            deals_touched=payload["deals_touched"],
            conversions=payload["conversions"],
            value=payload["value"],
            value_touched=payload["value_touched"],
            errors=payload.get("errors", {}),
            **extra,
        )

    def amount(self, model: str, key: str) -> float:
        entry = self.credit.get(model, {}).get(key, {})
        return entry.get("conversions" if self.measure == "conversions" else "value", 0.0)

    def rows(self) -> list[dict]:
        """One row per key with each model's figure, sorted by the mean across models."""
        out = []
        for key in self.keys:
            figures = {model: self.amount(model, key) for model in self.models if model not in self.errors}
            values = list(figures.values()) or [0.0]
            out.append(
                {
                    "key": key,
                    "figures": figures,
                    "min": min(values),
                    "max": max(values),
                    "mean": sum(values) / len(values),
                }
            )
        out.sort(key=lambda row: (-row["mean"], row["key"]))
        return out

    def to_dict(self) -> dict:
        return {
            "measure": self.measure,
            "level": self.level,
            "models": list(self.models),
            "deals": self.deals,
            "deals_touched": self.deals_touched,
            "conversions": self.conversions,
            "value": self.value,
            "value_touched": self.value_touched,
            "credit": self.credit,
            "errors": self.errors,
        }


def _fingerprint() -> str:
    """Changes whenever touches are added or any deal changes."""
    touch = Touchpoint.objects.aggregate(n=Max("pk"))["n"]
    deal = Opportunity.objects.aggregate(n=Max("updated_at"), m=Max("pk"))
    return f"{touch}:{deal['n']}:{deal['m']}"


def _cache_key(**params) -> str:
    raw = json.dumps(params, sort_keys=True, default=str) + _fingerprint()
    return "campaigns:attr:" + hashlib.sha256(raw.encode()).hexdigest()


def _params_key(params: dict) -> str:
    return hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()


def _small_enough() -> bool:
    """Below this many touches a comparison takes a few seconds: compute it in the request."""
    limit = getattr(settings, "HAMSU_ATTRIBUTION_INLINE_TOUCHES", INLINE_TOUCHES)
    return Touchpoint.objects.count() <= limit


def compare_models(
    *,
    measure: str = "revenue",
    level: str = "channel",
    journey: str = "opportunity",
    lookback_days: int | None = 180,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    models: tuple[str, ...] = MODELS,
    use_cache: bool = True,
    background: bool = False,
) -> Comparison:
    """Every model's credit on the same journeys.

    With ``background=True`` (pages and the API), a large database is never attributed
    inside the request: the last snapshot is returned, marked stale, while a task
    computes a fresh one (or ``pending`` when there is none yet).
    """
    params = {
        "measure": measure,
        "level": level,
        "journey": journey,
        "lookback": lookback_days,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "models": list(models),
    }
    if not use_cache:
        return _compute(params)
    fingerprint = _fingerprint()
    local_key = "campaigns:attr:" + _params_key({**params, "fingerprint": fingerprint})
    cached = cache.get(local_key)
    if cached is not None:
        return cached
    key = _params_key(params)
    snapshot = AttributionSnapshot.objects.filter(key=key).first()
    if snapshot is not None and snapshot.payload and snapshot.fingerprint == fingerprint:
        comparison = Comparison.from_payload(snapshot.payload, computed_at=snapshot.computed_at)
        cache.set(local_key, comparison, CACHE_SECONDS)
        return comparison
    if not background or _small_enough():
        comparison = _store(key, params, fingerprint)
        cache.set(local_key, comparison, CACHE_SECONDS)
        return comparison
    _request_refresh(key, params, snapshot)
    if snapshot is not None and snapshot.payload:
        return Comparison.from_payload(snapshot.payload, computed_at=snapshot.computed_at, stale=True)
    return Comparison(
        measure=measure,
        level=level,
        models=models,
        keys=[],
        credit={},
        deals=0,
        deals_touched=0,
        conversions=0.0,
        value=0.0,
        value_touched=0.0,
        pending=True,
    )


def _compute(params: dict) -> Comparison:
    frame = journey_frame(
        measure=params["measure"],
        level=params["level"],
        journey=params["journey"],
        lookback_days=params["lookback"],
        since=datetime.datetime.fromisoformat(params["since"]) if params["since"] else None,
        until=datetime.datetime.fromisoformat(params["until"]) if params["until"] else None,
    )
    return _run(frame, tuple(params["models"]))


def _store(key: str, params: dict, fingerprint: str) -> Comparison:
    """Compute and keep the result. Derived data (no audit entry): recomputing it from
    touches and deals gives the same figures."""
    started = time.perf_counter()
    comparison = _compute(params)
    comparison.computed_at = timezone.now()
    AttributionSnapshot.objects.update_or_create(
        key=key,
        defaults={
            "params": params,
            "fingerprint": fingerprint,
            "payload": comparison.to_dict(),
            "computed_at": comparison.computed_at,
            "seconds": time.perf_counter() - started,
            "refresh_requested_at": None,
        },
    )
    return comparison


def _request_refresh(key: str, params: dict, snapshot: AttributionSnapshot | None) -> None:
    """Enqueue one refresh, not one per page load while it runs."""
    now = timezone.now()
    if (
        snapshot is not None
        and snapshot.refresh_requested_at
        and now - snapshot.refresh_requested_at < REFRESH_GRACE
    ):
        return
    AttributionSnapshot.objects.update_or_create(
        key=key,
        defaults={"params": params, "refresh_requested_at": now},
        create_defaults={
            "params": params,
            "fingerprint": "",
            "payload": {},
            "computed_at": now,
            "refresh_requested_at": now,
        },
    )
    from hamsu.campaigns.tasks import attribution_refresh

    transaction.on_commit(lambda: attribution_refresh.enqueue(params))


def refresh_snapshot(params: dict) -> None:
    """What the background task runs: compute with the state of the data right now."""
    _store(_params_key(params), params, _fingerprint())


def _run(frame: JourneyFrame, models: tuple[str, ...]) -> Comparison:
    credit: dict[str, dict[str, dict[str, float]]] = {}
    errors: dict[str, str] = {}
    keys: set[str] = set()
    if frame.frame.height:
        # Aggregate once; every model runs on the same journeys (the lookback is applied
        # per deal in journey_frame, where the deal's own reference time is known).
        journeys = lib.aggregate_journeys(frame.frame)
        # The library counts one conversion per converting journey. A deal split into its
        # contacts' journeys is still one won deal: its conversions are shared out like its
        # value, by attributing the journeys' shares of the deal as a value.
        shares = (
            lib.aggregate_journeys(frame.frame.with_columns(conversion_value=pl.col("conversion_share")))
            if frame.journey == "contact"
            else None
        )
        for model in models:
            options = MODEL_OPTIONS.get(model, {})
            try:
                result = lib.attribute(journeys, model, **options)
                split = lib.attribute(shares, model, **options) if shares is not None else None
            except (lib.AttributionInputError, ValueError, ZeroDivisionError) as error:
                errors[model] = str(error)
                continue
            credit[model] = result.to_dict()["channels"]
            if split is not None:
                for key, figures in split.to_dict()["channels"].items():
                    credit[model][key]["conversions"] = figures["value"]
            keys.update(credit[model])
    return Comparison(
        measure=frame.measure,
        level=frame.level,
        models=models,
        keys=sorted(keys),
        credit=credit,
        deals=frame.deals,
        deals_touched=frame.deals_touched,
        conversions=frame.conversions,
        value=frame.value,
        value_touched=frame.value_touched,
        errors=errors,
    )


def _markov_fit(*, measure: str, level: str, lookback_days: int | None) -> lib.AttributionResult:
    """Removal effects are a property of all journeys: fit on every deal, cached like
    the comparisons, so explaining deal after deal does not refit the chain."""
    key = _cache_key(fit="markov", measure=measure, level=level, lookback=lookback_days)
    fitted = cache.get(key)
    if fitted is None:
        everything = journey_frame(measure=measure, level=level, lookback_days=lookback_days)
        fitted = lib.attribute(lib.aggregate_journeys(everything.frame), "markov")
        cache.set(key, fitted, CACHE_SECONDS)
    return fitted


@dataclass
class DealExplanation:
    model: str
    measure: str
    touches: list[lib.TouchShare]
    converted: bool
    value: float
    note: str = ""
    touch_ids: list[int] = field(default_factory=list)  # aligned with ``touches``


def explain_deal(
    *,
    opportunity: Opportunity,
    model: str = "position_based",
    level: str = "channel",
    lookback_days: int | None = 180,
) -> DealExplanation:
    """Which touches of this deal got what share under ``model``, and why.

    A closed deal is explained for revenue (touches up to its close); an open one for
    pipeline (touches up to its creation), since it has no revenue yet.
    """
    measure = "revenue" if opportunity.closed_at else "pipeline"
    scope = Opportunity.objects.filter(pk=opportunity.pk)
    frame = journey_frame(opportunities=scope, measure=measure, level=level, lookback_days=lookback_days)
    if not frame.frame.height:
        return DealExplanation(model, measure, [], False, 0.0, note="no_touches")
    result = (
        _markov_fit(measure=measure, level=level, lookback_days=lookback_days) if model == "markov" else None
    )
    touches = [
        # The frame holds naive UTC times (Polars); hand aware ones to pages and the API.
        replace(t, ts=t.ts.replace(tzinfo=datetime.UTC) if getattr(t.ts, "tzinfo", 1) is None else t.ts)
        for t in lib.explain(frame.frame, model, result=result)
    ]
    converted = bool(frame.frame["converted"].any())
    return DealExplanation(
        model,
        measure,
        touches,
        converted,
        float(frame.frame["conversion_value"].sum()),
        touch_ids=frame.frame["touch"].to_list(),
    )
