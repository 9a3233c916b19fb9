"""An API answer never holds an amount whose currency the reader must guess (issue 16,
item 8): amounts converted to the company currency come with ``base_currency`` beside
them, documented in the OpenAPI document."""

from __future__ import annotations

import pytest

from hamsu.api import services as tokens
from hamsu.api.urls import api
from hamsu.core.company import company_settings

pytestmark = pytest.mark.django_db

# Each answer (schema) that carries amounts in the company currency.
SCHEMAS_WITH_CONVERTED_AMOUNTS = [
    "OpportunityOut",
    "CampaignOut",
    "CostLineOut",
    "AttributionOut",
    "ClosedLoopOut",
    "ExplanationOut",
    "CostOut",
    "ForecastOut",
    "CallOut",
    "MetricsOut",
    "FunnelRow",
    "SegmentRankingOut",
    "LiaisonPageOut",
]


@pytest.fixture
def auth(rep):
    _token, raw = tokens.token_create(user=rep.user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_deal_names_the_currency_of_its_converted_amount(client, rep, auth, make_opportunity):
    row = company_settings()
    row.base_currency = "USD"
    row.save()
    make_opportunity(rep, amount="3000", currency="EUR")
    deal = client.get("/api/v1/opportunities", **auth).json()["items"][0]
    assert deal["base_currency"] == "USD"


def test_a_deal_keeps_the_currency_it_was_entered_in(client, rep, auth, make_opportunity):
    make_opportunity(rep, amount="3000", currency="EUR")
    deal = client.get("/api/v1/opportunities", **auth).json()["items"][0]
    assert deal["currency"] == "EUR"


@pytest.mark.parametrize("schema", SCHEMAS_WITH_CONVERTED_AMOUNTS)
def test_the_openapi_document_describes_the_company_currency_field(schema):
    fields = api.get_openapi_schema()["components"]["schemas"][schema]["properties"]
    assert "money.conversion" in fields["base_currency"]["description"]
