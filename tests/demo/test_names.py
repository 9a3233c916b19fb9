"""The demo company looks like a company (issue 16, item 12): its customers, their people
and its deals have real names — Persian ones for Iranian customers — and nobody is there
twice by accident."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import Lower

from hamsu.crm.models import Account, Activity, Contact, Opportunity
from hamsu.demo import generator
from hamsu.demo.naming import DUPLICATE_EVERY
from hamsu.funnel.models import Lead

NOW = datetime.datetime(2026, 11, 1, 12, 0, tzinfo=datetime.UTC)
PERSIAN = re.compile(r"[\u0600-\u06FF]")
LATIN = re.compile(r"[A-Za-z]")


@pytest.fixture(scope="module")
def demo_company(django_db_setup, django_db_blocker):
    """The tiny demo company, generated once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        generator.generate(scale="tiny", seed=7, now=NOW, progress=lambda *_: None)
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_company")]


def test_no_deal_is_named_after_a_record_number():
    assert not Opportunity.objects.filter(name__contains="#").exists()


def test_no_activity_names_an_account_by_its_number():
    assert not Activity.objects.filter(subject__contains="#").exists()


def test_iranian_customers_are_named_in_persian():
    names = Account.objects.filter(country="IR").values_list("name", flat=True)
    assert [name for name in names if not PERSIAN.search(name) or LATIN.search(name)] == []


def test_other_customers_are_named_in_latin_letters():
    names = Account.objects.exclude(country="IR").values_list("name", flat=True)
    assert [name for name in names if PERSIAN.search(name) or not LATIN.search(name)] == []


def test_the_deals_of_iranian_customers_are_named_in_persian():
    names = Opportunity.objects.filter(account__country="IR").values_list("name", flat=True)
    assert [name for name in names if not PERSIAN.search(name)] == []


def test_the_people_of_iranian_customers_have_persian_names():
    people = Contact.objects.filter(account__country="IR").values_list("first_name", "last_name")
    assert [p for p in people if not (PERSIAN.search(p[0]) and PERSIAN.search(p[1]))] == []


def test_both_kinds_of_customer_are_in_the_demo():
    assert set(Account.objects.values_list("country", flat=True)) > {"IR"}


def test_company_names_are_unique():
    assert Account.objects.values("name").annotate(n=Count("id")).filter(n__gt=1).count() == 0


def test_web_domains_are_unique():
    assert Account.objects.values("domain").annotate(n=Count("id")).filter(n__gt=1).count() == 0


def test_no_two_contacts_at_a_company_share_a_name():
    repeated = (
        Contact.objects.values("account_id", "first_name", "last_name")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert list(repeated) == []


def test_e_mail_addresses_are_at_the_companys_domain():
    contact = Contact.objects.select_related("account").order_by("id").first()
    assert contact.email.endswith("@" + contact.account.domain)


def _repeated_leads() -> int:
    """Leads beyond the first of each person (the same e-mail at the same company)."""
    groups = Lead.objects.values("account_id", low=Lower("email")).annotate(n=Count("id")).filter(n__gt=1)
    return sum(group["n"] - 1 for group in groups)


def test_a_person_is_not_a_lead_again_and_again():
    assert _repeated_leads() <= Lead.objects.count() // DUPLICATE_EVERY


def test_a_few_people_are_leads_twice_on_purpose_for_a_duplicates_review():
    assert _repeated_leads() > 0
