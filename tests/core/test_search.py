"""The search boxes of the lists find what people type: a full name, several words, and
Persian however the keyboard spelled it (Arabic ي/ك or Persian ی/ک, a zero-width
non-joiner or a space, Persian, Arabic-Indic or Latin digits) — on both sides."""

from __future__ import annotations

import re

import pytest

from hamsu.crm import selectors as crm_selectors
from hamsu.crm import services as crm
from hamsu.directory import selectors as directory_selectors
from hamsu.funnel import selectors as funnel_selectors
from hamsu.funnel.services.leads import lead_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def contacts(rep, make_account):
    account = make_account(rep, name="Pars Steel")
    made = {}
    for first, last in [("Sara", "Ahmadi"), ("Sara", "Karimi"), ("Ali", "Ahmadi"), ("علي", "كريمي")]:
        made[f"{first} {last}"] = crm.contact_create(
            actor=rep.user, first_name=first, last_name=last, account=account, owner=rep
        )
    return made


def _contact_names(user, q):
    page = crm_selectors.contact_list(user=user, q=q)
    return sorted(f"{c.first_name} {c.last_name}" for c in page.items)


def test_a_contacts_full_name_finds_that_contact(rep, contacts):
    assert _contact_names(rep.user, "Sara Ahmadi") == ["Sara Ahmadi"]


def test_the_words_of_a_full_name_may_come_in_any_order(rep, contacts):
    assert _contact_names(rep.user, "ahmadi sara") == ["Sara Ahmadi"]


def test_one_word_still_finds_every_contact_it_names(rep, contacts):
    assert _contact_names(rep.user, "Sara") == ["Sara Ahmadi", "Sara Karimi"]


def test_a_name_and_the_account_find_the_contact(rep, contacts):
    assert _contact_names(rep.user, "Ali Pars") == ["Ali Ahmadi"]


def test_persian_letters_typed_find_a_name_stored_with_arabic_letters(rep, contacts):
    # Stored with Arabic ي and ك; typed with the Persian ی and ک of a Persian keyboard.
    assert _contact_names(rep.user, "علی کریمی") == ["علي كريمي"]


def test_arabic_letters_typed_find_a_name_stored_with_persian_letters(rep, make_account):
    account = make_account(rep, name="فولاد")
    crm.contact_create(actor=rep.user, first_name="مریم", last_name="یکتا", account=account, owner=rep)
    assert _contact_names(rep.user, "مريم يكتا") == ["مریم یکتا"]


def test_a_zero_width_non_joiner_and_a_space_are_the_same_in_a_search(rep, make_account):
    make_account(rep, name="گروه\u200cهای صنعتی")
    page = crm_selectors.account_list(user=rep.user, q="گروه های")
    assert [a.name for a in page.items] == ["گروه\u200cهای صنعتی"]


@pytest.mark.parametrize("typed", ["۱۴۰۳", "١٤٠٣", "1403"])
def test_persian_arabic_and_latin_digits_find_each_other(rep, make_account, typed):
    make_account(rep, name="Tehran ۱۴۰۳ expo")
    page = crm_selectors.account_list(user=rep.user, q=typed)
    assert [a.name for a in page.items] == ["Tehran ۱۴۰۳ expo"]


def test_a_leads_full_name_finds_that_lead(head_of_sales):
    for first, last in [("Nima", "Rad"), ("Nima", "Sohrabi"), ("Omid", "Rad")]:
        lead_create(actor=None, email=f"{first}.{last}@example.com", first_name=first, last_name=last)
    page = funnel_selectors.lead_list(
        user=head_of_sales.user, filters=funnel_selectors.LeadFilters(q="Nima Rad")
    )
    assert [(lead.first_name, lead.last_name) for lead in page.items] == [("Nima", "Rad")]


def test_a_persons_full_name_finds_that_person(make_person):
    make_person("Reza Tavakoli")
    make_person("Reza Amini")
    make_person("Parisa Tavakoli")
    page = directory_selectors.person_list(q="Reza Tavakoli")
    assert [p.full_name for p in page.items] == ["Reza Tavakoli"]


# ---------------------------------------------------------------- the layout's search box


def test_every_page_has_the_search_box_in_its_layout(client, rep):
    client.force_login(rep.user)
    html = client.get("/").content.decode()
    assert 'data-testid="global-search"' in html


def test_the_search_page_finds_a_contact_by_full_name(client, rep, contacts):
    client.force_login(rep.user)
    html = client.get("/search/", {"q": "Sara Ahmadi"}).content.decode()
    contacts_section = html.split('data-testid="search-contacts"', 1)[1].split("</section>", 1)[0]
    assert f"/crm/contacts/{contacts['Sara Ahmadi'].pk}/" in contacts_section
    assert f"/crm/contacts/{contacts['Sara Karimi'].pk}/" not in contacts_section


def test_the_search_page_shows_only_the_kinds_a_role_may_open(client, rep, contacts):
    client.force_login(rep.user)
    sections = {
        key
        for key in ("deals", "accounts", "contacts", "leads", "people")
        if f'data-testid="search-{key}"' in client.get("/search/", {"q": "Sara"}).content.decode()
    }
    assert sections == {
        key
        for key, perm in [
            ("deals", "crm.view_opportunity"),
            ("accounts", "crm.view_account"),
            ("contacts", "crm.view_contact"),
            ("leads", "funnel.view_lead"),
            ("people", "directory.view_person"),
        ]
        if rep.user.has_perm(perm)
    }


def test_the_search_page_finds_a_deal_by_two_words_of_its_name(client, rep, make_opportunity):
    deal = make_opportunity(rep, name="Pars Steel renewal")
    make_opportunity(rep, name="Pars Cement renewal")
    client.force_login(rep.user)
    html = client.get("/search/", {"q": "steel renewal"}).content.decode()
    deals_section = html.split('data-testid="search-deals"', 1)[1].split("</section>", 1)[0]
    assert len(re.findall(r"/crm/opportunities/\d+/", deals_section)) == 1
    assert f"/crm/opportunities/{deal.pk}/" in deals_section
