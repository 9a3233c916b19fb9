"""Every amount names its currency, written as a reader of the page's language writes it
(issue 16, item 8): "12,000 EUR" in English, "۱۲٬۰۰۰ یورو" in Persian; an amount without a
currency of its own (a total, a converted amount) is in the company currency and says so."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from hamsu.core.company import company_settings
from hamsu.core.models import CurrencyRate
from hamsu.core.templatetags.hamsu import money, num


def test_an_amount_shows_its_currency_code_in_english():
    assert money(Decimal("12000"), "EUR") == "12,000 EUR"


def test_a_rial_amount_reads_in_persian_digits_and_names_the_rial():
    with translation.override("fa"):
        assert money(Decimal("12000"), "IRR") == "۱۲٬۰۰۰ ریال"


def test_a_euro_amount_names_the_euro_in_persian():
    with translation.override("fa"):
        assert money(Decimal("500"), "EUR") == "۵۰۰ یورو"


def test_persian_groups_thousands_with_the_arabic_thousands_separator():
    with translation.override("fa"):
        assert num(Decimal("1234567")) == "۱٬۲۳۴٬۵۶۷"


def test_persian_writes_decimals_with_the_arabic_decimal_separator():
    with translation.override("fa"):
        assert num(Decimal("3.5"), 1) == "۳٫۵"


def test_a_negative_amount_keeps_its_sign():
    assert money(Decimal("-1500"), "USD") == "-1,500 USD"


def test_no_amount_shows_nothing_rather_than_a_currency_alone():
    assert money(None, "USD") == ""


@pytest.mark.django_db
def test_an_amount_without_its_own_currency_is_in_the_company_currency():
    row = company_settings()
    row.base_currency = "EUR"
    row.save()
    assert money(Decimal("2500")) == "2,500 EUR"


@pytest.mark.django_db
def test_a_change_of_company_currency_shows_at_once():
    row = company_settings()
    money(Decimal("1"))  # remembered as USD
    row.base_currency = "IRR"
    row.save()
    assert money(Decimal("1")).endswith("IRR")


@pytest.mark.django_db
def test_a_total_in_the_company_currency_reads_in_persian():
    row = company_settings()
    row.base_currency = "IRR"
    row.save()
    with translation.override("fa"):
        assert money(Decimal("12000")) == "۱۲٬۰۰۰ ریال"


def _note(language: str = "en") -> str:
    with translation.override(language):
        html = Template("{% conversion_note %}").render(Context())
    return " ".join(html.split())


@pytest.fixture
def rates(db):
    company_settings()
    day = timezone.make_aware(datetime.datetime(2026, 12, 1, 9, 0))
    for code, rate in (("EUR", "1.08"), ("IRR", "0.0000238")):
        CurrencyRate.objects.create(currency=code, rate_to_base=Decimal(rate))
    CurrencyRate.objects.update(updated_at=day)


def test_the_conversion_note_names_the_company_currency(rates):
    assert "Totals are in USD, the company currency" in _note()


def test_the_conversion_note_gives_the_day_the_rates_were_set(rates):
    assert "the rates set on 2026-12-01" in _note()


def test_the_conversion_note_gives_each_rate(rates):
    assert "1 EUR = 1.08 USD" in _note()


def test_a_small_rate_keeps_all_its_decimals(rates):
    assert "1 IRR = 0.0000238 USD" in _note()


def test_the_conversion_note_links_to_its_glossary_entry(rates):
    assert 'data-glossary="money.conversion"' in _note()


def test_rates_set_on_different_days_each_give_their_day(rates):
    CurrencyRate.objects.filter(currency="IRR").update(
        updated_at=timezone.make_aware(datetime.datetime(2026, 11, 20, 9, 0))
    )
    assert "1 IRR = 0.0000238 USD (set on 2026-11-20)" in _note()


def test_the_conversion_note_in_persian_gives_the_rate_in_persian(rates):
    assert "۱ یورو = ۱٫۰۸ دلار" in _note("fa")


def test_the_conversion_note_in_persian_gives_a_jalali_day(rates):
    assert "۱۴۰۵/۰۹/۱۰" in _note("fa")


def test_without_rates_the_note_says_amounts_are_in_the_company_currency(db):
    assert "Amounts are in USD, the company currency." in _note()


@pytest.mark.django_db
def test_the_company_currency_cannot_change_under_stored_deals(rep, make_opportunity):
    from hamsu.core import services
    from hamsu.core.errors import ValidationFailed

    make_opportunity(rep, amount="1000", currency="EUR")
    with pytest.raises(ValidationFailed) as refused:
        services.company_settings_update(actor=None, base_currency="EUR")
    assert "relabelled without being converted" in refused.value.errors["base_currency"][0]


@pytest.mark.django_db
def test_a_refused_change_of_company_currency_leaves_it_as_it_was(rep, make_opportunity):
    from hamsu.core import services
    from hamsu.core.errors import ValidationFailed

    make_opportunity(rep, amount="1000", currency="EUR")
    with pytest.raises(ValidationFailed):
        services.company_settings_update(actor=None, base_currency="EUR")
    assert company_settings().base_currency == "USD"


@pytest.mark.django_db
def test_a_new_company_without_amounts_or_rates_picks_its_currency():
    from hamsu.core import services

    services.company_settings_update(actor=None, base_currency="IRR")
    assert company_settings().base_currency == "IRR"


@pytest.mark.django_db
def test_the_settings_page_says_why_the_currency_did_not_change(client, rep, make_opportunity, make_person):
    from hamsu.core import roles

    make_opportunity(rep, amount="1000", currency="EUR")
    admin = make_person("Ada Admin", role=roles.ADMINISTRATOR)
    client.force_login(admin.user)
    form = {
        "name": "Acme",
        "base_currency": "EUR",
        "visibility": "everyone",
        "fiscal_calendar": "gregorian",
        "big_deal_threshold": "2000000",
        "influence_lookback_days": "90",
    }
    page = client.post("/settings/", form).content.decode()
    assert "relabelled without being converted" in page
