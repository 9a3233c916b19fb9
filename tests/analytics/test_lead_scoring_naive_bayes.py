"""Odoo-style frequency naive Bayes, checked against hand-computed probabilities."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest

from hamsu.analytics.lead_scoring import FrequencyNaiveBayes, odoo_percent

# origin A: 2 won, 1 lost; origin B: 0 won, 3 lost. Country: one lead has none.
TRAIN = pl.DataFrame(
    {
        "origin": ["A", "A", "A", "B", "B", "B"],
        "country": ["IR", "IR", None, "IR", "DE", "DE"],
        "won": [True, True, False, False, False, False],
    }
)


def odoo_by_hand(origin: str | None, country: str | None) -> float:
    """The Odoo formula written out with the 0.1 added to every (field, value) count."""
    won, lost = 2 + 0.1, 4 + 0.1  # first-stage counts
    origin_counts = {"A": (2.1, 1.1), "B": (0.1, 3.1)}  # totals 2.2 / 4.2
    country_counts = {"IR": (2.1, 1.1), "DE": (0.1, 2.1)}  # the lead without country is not counted
    s_won, s_lost = won / 6.2, lost / 6.2
    if origin in origin_counts:
        s_won *= origin_counts[origin][0] / 2.2
        s_lost *= origin_counts[origin][1] / 4.2
    if country in country_counts:
        s_won *= country_counts[country][0] / 2.2
        s_lost *= country_counts[country][1] / 3.2
    return s_won / (s_won + s_lost)


@pytest.fixture
def model() -> FrequencyNaiveBayes:
    return FrequencyNaiveBayes(["origin", "country"]).fit(TRAIN, "won")


def test_table_has_the_odoo_point_one(model: FrequencyNaiveBayes) -> None:
    assert model.table["origin"] == {"A": (2.1, 1.1), "B": (0.1, 3.1)}
    assert model.table["country"] == {"IR": (2.1, 1.1), "DE": (0.1, 2.1)}
    assert model.prior == pytest.approx(2.1 / 6.2)


@pytest.mark.parametrize(
    ("origin", "country"),
    [("A", "IR"), ("A", "DE"), ("B", "IR"), ("B", None), (None, None), ("Z", "IR"), ("", "DE")],
)
def test_probability_matches_hand_computation(
    model: FrequencyNaiveBayes, origin: str | None, country: str | None
) -> None:
    lead = pl.DataFrame(
        {"origin": [origin], "country": [country]}, schema={"origin": pl.String, "country": pl.String}
    )
    expected = odoo_by_hand(origin or None, country)
    assert model.predict_proba(lead)[0] == pytest.approx(expected)


def test_single_field_value_by_hand() -> None:
    model = FrequencyNaiveBayes(["origin"]).fit(TRAIN, "won")
    p = model.predict_proba(pl.DataFrame({"origin": ["A"]}))[0]
    # (2.1 * 2.1/2.2) / (2.1 * 2.1/2.2 + 4.1 * 1.1/4.2) = 2.004545 / 3.078355 = 0.651174
    assert p == pytest.approx(0.651174, abs=1e-6)
    assert odoo_percent(p) == 65.12


def test_open_leads_are_not_counted() -> None:
    with_open = pl.concat([TRAIN, pl.DataFrame({"origin": ["B"], "country": ["IR"], "won": [None]})])
    assert FrequencyNaiveBayes(["origin"]).fit(with_open, "won").table["origin"]["B"] == (0.1, 3.1)


def test_explain_like_the_odoo_tooltip(model: FrequencyNaiveBayes) -> None:
    scores = model.explain({"origin": "B", "country": "IR"})
    by_field = {s.field: s for s in scores}
    # B: P(B|won) = 0.1/2.2, P(B|lost) = 3.1/4.2 -> score = 0.0455 / (0.0455 + 0.7381)
    assert by_field["origin"].score == pytest.approx((0.1 / 2.2) / (0.1 / 2.2 + 3.1 / 4.2))
    assert "lowers" in by_field["origin"].text
    assert by_field["country"].score > 0.5


def test_json_round_trip_and_arrow_input(model: FrequencyNaiveBayes) -> None:
    again = FrequencyNaiveBayes.from_dict(json.loads(json.dumps(model.to_dict())))
    frame = TRAIN.drop("won")
    np.testing.assert_allclose(again.predict_proba(frame.to_arrow()), model.predict_proba(frame))


def test_needs_both_outcomes() -> None:
    with pytest.raises(ValueError, match="won and one lost"):
        FrequencyNaiveBayes(["origin"]).fit(TRAIN.filter(pl.col("won")), "won")


def test_odoo_percent_clamps() -> None:
    assert odoo_percent(0.0) == 0.01
    assert odoo_percent(1.0) == 99.99
    assert odoo_percent(0.123456) == 12.35
