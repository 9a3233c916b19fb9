"""Every scorecard figure has one glossary entry, and the pages link each figure to it."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import translation

from hamsu.core import glossary
from hamsu.scorecard import aggregates, dashboards, metrics, selectors, snapshots
from hamsu.scorecard.glossary import metric_key
from hamsu.scorecard.periods import parse_period

Q1 = parse_period("2026-Q1", "gregorian")


def test_every_metric_of_the_catalogue_has_its_entry():
    registered = {t.key for t in glossary.all_terms()}
    assert (
        sorted(metric_key(m.code) for m in metrics.catalogue() if metric_key(m.code) not in registered) == []
    )


@pytest.mark.django_db
def test_every_table_column_that_shows_a_figure_names_a_registered_entry(history, head_of_sales):
    aggregates.fill()
    f = selectors.Filters(period=Q1)
    tables = [
        *dashboards.overview(f, user=head_of_sales.user)["tables"].values(),
        *dashboards.funnel(f)["tables"].values(),
        *dashboards.trends(f)["tables"].values(),
    ]
    registered = {t.key for t in glossary.all_terms()}
    named = {term for table in tables for term in (table.terms or []) if term}
    assert sorted(named - registered) == []


@pytest.mark.django_db
def test_the_pages_link_their_figures_to_the_glossary(client, history, head_of_sales):
    aggregates.fill()
    snapshots.snapshot_take(as_of=datetime.date(2026, 2, 15), periods=[Q1], products=False)
    client.force_login(head_of_sales.user)
    linked = set()
    for url in ("", "funnel/", "metrics/", "metrics/catalogue/", "forecast/"):
        linked |= set(
            re.findall(
                r'data-glossary="([^"]+)"', client.get(f"/scorecard/{url}?period=2026-Q1").content.decode()
            )
        )
    expected = {
        "scorecard.target",
        "scorecard.won",
        "scorecard.forecast",
        "scorecard.forecast_range",
        "scorecard.forecast_expected",
        "scorecard.open_pipeline",
        "scorecard.stage_conversion",
        metric_key("sales_cycle_median_days"),
    }
    assert sorted(expected - linked) == []


def test_the_median_cycle_is_defined_in_persian():
    with translation.override("fa"):
        assert str(glossary.term(metric_key("sales_cycle_median_days")).name) == "میانهٔ چرخهٔ فروش (روز)"
