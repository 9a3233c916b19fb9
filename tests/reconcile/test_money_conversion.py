"""Totals in the company currency, reconciled (glossary ``money.conversion``, issue 16 item 8).

A company whose currency is the euro books deals in euros, dollars and rials. The board's
value per stage is recomputed here from the raw deal rows (``.values()``: amount and
currency as entered) and the table of rates, in plain Python: each amount times its
currency's rate, rounded to the cent, summed. A currency without a rate is refused, never
summed one to one. Every page that shows a total names the company currency beside it
and the rates it converted at, with their day.
"""

from __future__ import annotations

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamsu.core import roles
from hamsu.core.company import company_settings
from hamsu.core.errors import ValidationFailed
from hamsu.core.models import CurrencyRate
from hamsu.crm import services as crm
from hamsu.crm.models import Account, Opportunity
from hamsu.crm.stages import OPEN_STAGES
from hamsu.directory.models import Function, RoleTitle

OPEN = [str(stage) for stage in OPEN_STAGES]
RATES = {"USD": Decimal("0.92"), "IRR": Decimal("0.0000219")}
RATES_SET = timezone.make_aware(datetime.datetime(2026, 12, 1, 8, 30))

deals = st.lists(
    st.fixed_dictionaries(
        {
            "stage": st.sampled_from([*OPEN, "won"]),
            "currency": st.sampled_from(["EUR", "USD", "IRR"]),
            "amount": st.integers(1, 9_000_000_000).map(lambda cents: Decimal(cents) / 100),
        }
    ),
    max_size=12,
)


@pytest.fixture
def company(make_person):
    row = company_settings()
    row.base_currency = "EUR"
    row.save()
    for code, rate in RATES.items():
        CurrencyRate.objects.create(currency=code, rate_to_base=rate)
    CurrencyRate.objects.update(updated_at=RATES_SET)
    cro = make_person(
        "Cyrus Cro", role=roles.REVENUE_LEADER, function=Function.REVENUE_LEADERSHIP, title=RoleTitle.CRO
    )
    seller = make_person("Sara Seller", role=roles.SALES_REP)
    account = Account.objects.create(name="Acme", owner=seller)
    return {"cro": cro, "seller": seller, "account": account}


def _board_in_company_currency() -> dict[str, str]:
    """{open stage: its value as the page writes it}, from raw rows and the rate table."""
    rate = {row["currency"]: row["rate_to_base"] for row in CurrencyRate.objects.values()}
    rate["EUR"] = Decimal("1")  # the company currency is not converted
    totals = dict.fromkeys(OPEN, Decimal("0"))
    for row in Opportunity.objects.values("stage", "amount", "currency"):
        if row["stage"] in totals:
            converted = (row["amount"] * rate[row["currency"]]).quantize(Decimal("0.01"), ROUND_HALF_UP)
            totals[row["stage"]] += converted
    return {stage: f"{total:,.0f} EUR" for stage, total in totals.items()}


def _board_shown(client) -> dict[str, str]:
    page = client.get("/crm/pipeline/").content.decode()
    return {
        stage: re.search(rf'data-testid="total-{stage}">([^<]*)<', page).group(1).strip() for stage in OPEN
    }


@pytest.mark.django_db
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=deals)
def test_the_boards_totals_are_the_deals_converted_at_the_rate_table(spec, company, client):
    with transaction.atomic():
        for n, deal in enumerate(spec):
            crm.opportunity_create(
                actor=None,
                name=f"Deal {n}",
                account=company["account"],
                owner=company["seller"],
                amount=deal["amount"],
                currency=deal["currency"],
                stage=deal["stage"],
                expected_close=datetime.date(2027, 1, 31),
            )
        client.force_login(company["cro"].user)
        assert _board_shown(client) == _board_in_company_currency()
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_a_deal_in_a_currency_without_a_rate_is_refused_not_counted_one_to_one(company):
    with pytest.raises(ValidationFailed) as refused:
        crm.opportunity_create(
            actor=None,
            name="Pounds",
            account=company["account"],
            owner=company["seller"],
            amount=Decimal("1000"),
            currency="GBP",
            expected_close=datetime.date(2027, 1, 31),
        )
    assert "No exchange rate from GBP to EUR" in refused.value.errors["currency"][0]


@pytest.mark.django_db
def test_nothing_of_a_refused_deal_reaches_the_board(company, client):
    with pytest.raises(ValidationFailed):
        crm.opportunity_create(
            actor=None,
            name="Pounds",
            account=company["account"],
            owner=company["seller"],
            amount=Decimal("1000"),
            currency="GBP",
            expected_close=datetime.date(2027, 1, 31),
        )
    client.force_login(company["cro"].user)
    assert set(_board_shown(client).values()) == {"0 EUR"}


PAGES_WITH_TOTALS = [
    "/",
    "/crm/pipeline/",
    "/scorecard/",
    "/scorecard/forecast/",
    "/scorecard/costs/",
    "/campaigns/",
    "/campaigns/attribution/",
    "/campaigns/closed-loop/",
    "/together/key-accounts/",
]


def _note(client, url: str) -> str:
    page = client.get(url).content.decode()
    found = re.search(r'data-testid="conversion-note">(.*?)</p>', page, re.S)
    assert found, f"{url} shows totals without saying what currency they are in"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES_WITH_TOTALS)
def test_each_page_with_totals_names_the_company_currency(company, client, url):
    client.force_login(company["cro"].user)
    assert "Totals are in EUR, the company currency" in _note(client, url)


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES_WITH_TOTALS)
def test_each_page_with_totals_gives_the_day_of_its_rates(company, client, url):
    client.force_login(company["cro"].user)
    assert "the rates set on 2026-12-01" in _note(client, url)


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES_WITH_TOTALS)
def test_each_page_with_totals_gives_the_rates(company, client, url):
    client.force_login(company["cro"].user)
    assert "1 USD = 0.92 EUR" in _note(client, url)
