"""explain(): per-touch shares of one journey, with reasons, consistent with the totals."""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl
import pytest

from hamsu.analytics.attribution import MODELS, AttributionInputError, Paths, attribute, explain

T0 = datetime(2026, 5, 1)


def deal() -> pl.DataFrame:
    """A deal: display 60 days out (outside a 30-day window), then search, email (lead),
    webinar (opportunity), search again, the conversion on email, and a touch after it."""
    rows = [
        (-60, "display", False, 0.0, False, False),
        (-20, "search", False, 0.0, False, False),
        (-14, "email", False, 0.0, True, False),
        (-7, "webinar", False, 0.0, False, True),
        (-3, "search", False, 0.0, False, False),
        (0, "email", True, 1000.0, False, False),
        (2, "social", False, 0.0, False, False),
    ]
    return pl.DataFrame(
        {
            "journey_id": ["deal-1"] * len(rows),
            "ts": [T0 + timedelta(days=d) for d, *_ in rows],
            "channel": [r[1] for r in rows],
            "converted": [r[2] for r in rows],
            "conversion_value": [r[3] for r in rows],
            "lead_created": [r[4] for r in rows],
            "opportunity_created": [r[5] for r in rows],
        }
    )


@pytest.mark.parametrize("model", MODELS)
def test_every_model_explains_and_the_shares_sum_to_the_conversion(model):
    fitted = attribute(deal(), "markov") if model == "markov" else None
    shares = explain(deal(), model, result=fitted, lookback=timedelta(days=30))
    assert [s.channel for s in shares] == [
        "display",
        "search",
        "email",
        "webinar",
        "search",
        "email",
        "social",
    ]
    assert sum(s.share for s in shares) == pytest.approx(1.0, rel=1e-12)
    assert sum(s.conversions for s in shares) == pytest.approx(1.0, rel=1e-12)
    assert sum(s.value for s in shares) == pytest.approx(1000.0, rel=1e-12)
    assert shares[0].share == 0
    assert "lookback" in str(shares[0].reason)
    assert shares[-1].share == 0
    assert "after the conversion" in str(shares[-1].reason)
    assert all(str(s.reason) for s in shares)


def test_rule_based_explanations_match_the_bulk_model_and_say_why():
    shares = explain(deal(), "w_shaped", lookback=timedelta(days=30))
    assert [round(s.share, 12) for s in shares[1:6]] == [0.3, 0.3, 0.3, 0.05, 0.05]
    assert "lead creation" in str(shares[2].reason)
    assert "opportunity creation" in str(shares[3].reason)
    bulk = attribute(deal(), "w_shaped", lookback=timedelta(days=30))
    by_channel = dict(zip(bulk.channels, bulk.value.tolist(), strict=True))
    assert by_channel["email"] == pytest.approx(shares[2].value + shares[5].value)

    decay = explain(deal(), "time_decay", half_life=timedelta(days=7))
    assert decay[5].share > decay[4].share > decay[3].share
    assert "day(s) before the conversion" in str(decay[3].reason)

    linear = explain(deal(), "linear")
    assert [s.share for s in linear[:6]] == pytest.approx([1 / 6] * 6)
    assert "6 touch(es)" in str(linear[0].reason)


def test_shapley_gives_each_distinct_channel_an_equal_part():
    shares = explain(deal(), "shapley", lookback=timedelta(days=30))
    # search, email, webinar: 1/3 each; search and email have two touches each.
    assert [s.share for s in shares[1:6]] == pytest.approx([1 / 6, 1 / 6, 1 / 3, 1 / 6, 1 / 6])
    assert "1/3" in str(shares[3].reason)


def test_markov_uses_the_fitted_removal_effects():
    fitted = attribute(
        Paths.from_lists(
            [["search", "email"], ["webinar"], ["search"]], [3, 1, 0], [3.0, 1.0, 0.0], [1, 2, 4]
        ),
        "markov",
    )
    frame = deal().filter(pl.col("channel").is_in(["search", "email", "webinar"]))
    shares = explain(frame, "markov", result=fitted)
    effects = fitted.details["removal_effects"]
    total = sum(effects[c]["conversions"] for c in ("search", "email", "webinar"))
    search = [s for s in shares if s.channel == "search"]
    assert sum(s.share for s in search) == pytest.approx(effects["search"]["conversions"] / total)
    assert "removal effect" in str(search[0].reason)
    with pytest.raises(AttributionInputError, match="result="):
        explain(frame, "markov")


def test_explain_takes_exactly_one_journey():
    two = pl.concat([deal(), deal().with_columns(journey_id=pl.lit("deal-2"))])
    with pytest.raises(AttributionInputError, match="exactly one journey"):
        explain(two, "linear")
