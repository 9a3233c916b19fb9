"""The markup convention that ties a figure to its glossary entry (tests/figures.py), on
small pages: what it accepts, and that it catches a figure nobody explained."""

from __future__ import annotations

from tests.figures import explained_on, figures_on

LINK = '<a data-glossary="{key}" href="/glossary/#x">?</a>'


def _page(body: str) -> str:
    return f"<html><body><main>{body}</main></body></html>"


def test_a_table_cell_takes_its_columns_explain_link():
    html = _page(
        f"<table><thead><tr><th>Stage</th><th>Reached {LINK.format(key='funnel.reached')}</th></tr></thead>"
        '<tbody><tr><td>MQL</td><td class="num">12</td></tr></tbody></table>'
    )
    assert [f.keys for f in figures_on(html)] == [("funnel.reached",)]


def test_a_cell_under_a_two_row_header_takes_the_lower_headers_link():
    html = _page(
        '<table><thead><tr><th rowspan="2">Team</th><th colspan="2">Marketing</th></tr>'
        f"<tr><th>MQLs {LINK.format(key='sla.mqls')}</th><th>Rate {LINK.format(key='sla.acceptance_rate')}</th></tr>"
        '</thead><tbody><tr><td>A</td><td class="num">3</td><td class="num">50%</td></tr></tbody></table>'
    )
    assert [f.keys for f in figures_on(html)] == [("sla.mqls",), ("sla.acceptance_rate",)]


def test_a_cell_takes_its_row_headers_link_when_the_column_has_none():
    html = _page(
        f"<table><tbody><tr><th>Spend {LINK.format(key='closed_loop.marketing_spend')}</th>"
        '<td class="num">9,800 USD</td></tr></tbody></table>'
    )
    assert [f.keys for f in figures_on(html)] == [("closed_loop.marketing_spend",)]


def test_a_card_value_takes_the_cards_one_link():
    html = _page(
        f'<div class="card"><div>Open pipeline {LINK.format(key="pipeline.open_amount")}</div>'
        '<div class="fs-3 num">1,250 USD</div></div>'
    )
    assert [f.keys for f in figures_on(html)] == [("pipeline.open_amount",)]


def test_a_card_with_two_links_needs_data_figure_on_each_value():
    html = _page(
        f'<div class="card">{LINK.format(key="scorecard.forecast")}{LINK.format(key="scorecard.forecast_range")}'
        '<div class="num">10</div></div>'
    )
    assert [f.keys for f in figures_on(html)] == [()]


def test_data_figure_names_the_entry_and_a_chart_may_name_two():
    html = _page('<div data-chart="lines" data-figure="a.mean a.median"></div>')
    assert [f.keys for f in figures_on(html)] == [("a.mean", "a.median")]


def test_a_definition_list_value_takes_its_terms_link():
    html = _page(f'<dl><dt>Touches {LINK.format(key="campaigns.touches")}</dt><dd class="num">6</dd></dl>')
    assert [f.keys for f in figures_on(html)] == [("campaigns.touches",)]


def test_a_number_nobody_explained_is_reported():
    html = _page(
        '<table><thead><tr><th>Deals</th></tr></thead><tbody><tr><td class="num">7</td></tr></tbody></table>'
    )
    assert [f.keys for f in figures_on(html)] == [()]


def test_a_bare_number_outside_the_convention_is_reported():
    html = _page("<div><span>42</span></div>")
    assert [(f.text, f.keys) for f in figures_on(html)] == [("42", ())]


def test_a_value_stored_on_one_record_is_not_a_figure():
    html = _page(
        "<table><thead><tr><th data-record>Amount</th></tr></thead>"
        '<tbody><tr><td class="num">1,000 EUR</td></tr></tbody></table>'
    )
    assert figures_on(html) == []


def test_dates_names_and_form_options_are_not_numbers():
    html = _page("<p>2026-11-20</p><p>Deal 12</p><select><option>30</option></select>")
    assert figures_on(html) == []


def test_the_keys_a_page_links_to():
    html = _page(LINK.format(key="funnel.now") + LINK.format(key="funnel.reached"))
    assert explained_on(html) == {"funnel.now", "funnel.reached"}
