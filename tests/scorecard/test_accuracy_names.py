"""No page shows two different figures under one name (issue 13).

The forecast page shows two forecast errors: the accuracy of the whole-period forecast
(``scorecard.accuracy_*``: snapshots of the learned weighted forecast of a period's whole
revenue, won so far included) and the methods' track record (``forecast_methods.*``: only
the part of the quarter still to come). Both columns once read "WAPE" and "Bias" with
different numbers. A column header that names a figure names one glossary term.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

import pytest
from bs4 import BeautifulSoup

from hamsu.core import glossary
from hamsu.scorecard import accuracy, snapshots
from hamsu.scorecard.models import ForecastMethod
from hamsu.scorecard.periods import GREGORIAN, parse_period

pytestmark = pytest.mark.django_db


def headers_by_label(html: str) -> dict[str, set[str]]:
    """{a header's visible label: the glossary keys its explain links name}."""
    found: dict[str, set[str]] = defaultdict(set)
    for th in BeautifulSoup(html, "html.parser").find_all("th"):
        keys = {a["data-glossary"] for a in th.find_all("a", attrs={"data-glossary": True})}
        for hidden in th.select(".visually-hidden"):
            hidden.decompose()
        if keys:
            found[th.get_text(" ", strip=True)] |= keys
    return found


@pytest.fixture
def ended_quarter_scored(monkeypatch):
    monkeypatch.setattr(accuracy, "won_by_month", lambda months: {months[0]: 100.0})
    quarter = parse_period("2024-Q1", GREGORIAN)
    for method, value in ((ForecastMethod.WEIGHTED_LEARNED, 90), (ForecastMethod.WEIGHTED_DEFAULT, 60)):
        snapshots.snapshot_row(datetime.date(2024, 2, 4), quarter, "company", method, value, None, None, 0, 0)


def test_no_column_header_of_the_forecast_page_names_two_figures(client, head_of_sales, ended_quarter_scored):
    client.force_login(head_of_sales.user)
    html = client.get("/scorecard/forecast/").content.decode()
    shared = {label: keys for label, keys in headers_by_label(html).items() if len(keys) > 1}
    assert shared == {}


def test_the_two_forecast_errors_have_distinct_names_in_the_glossary():
    whole = glossary.term("scorecard.accuracy_wape").name
    rest = glossary.term("forecast_methods.wape").name
    assert "whole-period" in str(whole)
    assert "rest of the quarter" in str(rest)
