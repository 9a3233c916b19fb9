"""A download names the currency of its converted amounts (issue 16, item 8): a spreadsheet
cell holds only the number, so the column's header says it is in the company currency."""

from __future__ import annotations

import csv
import io

import pytest

pytestmark = pytest.mark.django_db


def _header(response) -> list[str]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return next(csv.reader(io.StringIO(text)))


def test_the_deals_export_names_the_company_currency_of_the_converted_amount(
    client, head_of_sales, rep, make_opportunity
):
    make_opportunity(rep, amount="3000", currency="EUR")
    client.force_login(head_of_sales.user)
    assert "amount_base (USD)" in _header(client.get("/data/exports/opportunities.csv"))


def test_the_deals_export_keeps_the_currency_each_amount_was_entered_in(
    client, head_of_sales, rep, make_opportunity
):
    make_opportunity(rep, amount="3000", currency="EUR")
    client.force_login(head_of_sales.user)
    header = _header(client.get("/data/exports/opportunities.csv"))
    assert header[header.index("amount") + 1] == "currency"


def test_a_scorecard_export_names_the_currency_of_its_money_columns(client, head_of_sales):
    client.force_login(head_of_sales.user)
    header = _header(client.get("/scorecard/targets/?export=csv"))
    assert "Amount (USD)" in header
