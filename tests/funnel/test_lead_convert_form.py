"""The lead page's "Open an opportunity" form: a Django form whose currency list is the
currencies Hamsu books deals in, preset to the company's currency (it used to be a
free-text box preset to "USD"), and whose bad input is shown on the field it concerns,
with nothing written."""

from __future__ import annotations

import pytest

from hamsu.core.company import company_settings
from hamsu.core.money import CURRENCIES
from hamsu.crm.models import Opportunity
from hamsu.funnel.forms import LeadConvertForm
from hamsu.funnel.models import Lead, LeadState
from hamsu.funnel.services import leads as lifecycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def sql_lead(rep, mql, make_account):
    lead = lifecycle.lead_qualify(lead=lifecycle.lead_accept(lead=mql, actor=rep.user), actor=rep.user)
    Lead.objects.filter(pk=lead.pk).update(account=make_account(rep))
    return Lead.objects.get(pk=lead.pk)


@pytest.fixture
def euro_company():
    row = company_settings()
    row.base_currency = "EUR"
    row.save()


def _convert(client, lead, **data):
    return client.post(f"/funnel/leads/{lead.pk}/convert/", {"version": lead.version, **data})


def test_the_currency_is_preset_to_the_company_currency(euro_company):
    assert LeadConvertForm()["currency"].value() == "EUR"


def test_the_currencies_offered_are_those_hamsu_books_deals_in():
    offered = [code for code, _label in LeadConvertForm().fields["currency"].choices]
    assert offered == list(CURRENCIES)


def test_the_lead_page_shows_the_company_currency_selected(client, rep, sql_lead, euro_company):
    client.force_login(rep.user)
    page = client.get(f"/funnel/leads/{sql_lead.pk}/").content.decode()
    assert '<option value="EUR" selected>' in page


def test_a_deal_is_opened_in_the_chosen_currency(client, rep, sql_lead):
    client.force_login(rep.user)
    response = _convert(client, sql_lead, amount="۱۲۰۰", currency="EUR", name="Pars steel line")
    assert response.status_code == 302
    opportunity = Opportunity.objects.get()
    assert opportunity.currency == "EUR"
    assert opportunity.amount == 1200
    assert opportunity.name == "Pars steel line"


def test_an_amount_that_is_not_a_number_is_shown_on_the_amount_field(client, rep, sql_lead):
    client.force_login(rep.user)
    response = _convert(client, sql_lead, amount="twelve", currency="USD")
    assert response.status_code == 200
    assert 'data-field-error="amount"' in response.content.decode()
    assert Lead.objects.get(pk=sql_lead.pk).state == LeadState.SQL
    assert not Opportunity.objects.exists()


def test_a_negative_amount_is_refused_on_its_field(client, rep, sql_lead):
    client.force_login(rep.user)
    response = _convert(client, sql_lead, amount="-5", currency="USD")
    assert 'data-field-error="amount"' in response.content.decode()
    assert not Opportunity.objects.exists()


def test_an_unknown_currency_is_refused_on_its_field(client, rep, sql_lead):
    client.force_login(rep.user)
    response = _convert(client, sql_lead, amount="100", currency="XYZ")
    assert 'data-field-error="currency"' in response.content.decode()
    assert not Opportunity.objects.exists()


def test_a_missing_amount_is_required(client, rep, sql_lead):
    client.force_login(rep.user)
    response = _convert(client, sql_lead, currency="USD")
    assert 'data-field-error="amount"' in response.content.decode()
    assert not Opportunity.objects.exists()


def test_a_lead_without_an_account_says_why_on_the_form(client, rep, sql_lead):
    Lead.objects.filter(pk=sql_lead.pk).update(account=None)
    client.force_login(rep.user)
    response = _convert(client, Lead.objects.get(pk=sql_lead.pk), amount="100", currency="USD")
    assert response.status_code == 200
    assert "Link the lead to an account first." in response.content.decode()
    assert not Opportunity.objects.exists()
