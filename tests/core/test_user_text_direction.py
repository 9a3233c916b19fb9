"""Text users typed keeps its own direction inside a page of the other direction.

An English name typed into a Persian page ("Acme <Beta>") is laid out right to left with
the page unless it is isolated: the "<" jumps to the other end. Names and titles are shown
through the ``bdi`` filter, which wraps them in ``<bdi>`` (isolated, direction taken from
their first strong letter) and still escapes them.
"""

from __future__ import annotations

import pytest
from django.template import Context, Template

pytestmark = pytest.mark.django_db


def test_the_bdi_filter_isolates_and_escapes_user_text():
    html = Template("{{ name|bdi }}").render(Context({"name": "Acme <Beta>"}))
    assert html == "<bdi>Acme &lt;Beta&gt;</bdi>"


def test_the_bdi_filter_leaves_nothing_for_no_text():
    assert Template("{{ name|bdi }}").render(Context({"name": None})) == ""


@pytest.fixture
def english_names(rep, make_account):
    account = make_account(rep, name="Acme <Beta>")
    from hamsu.crm import services as crm

    contact = crm.contact_create(
        actor=rep.user, first_name="Jo", last_name="Smith (EMEA)", account=account, owner=rep
    )
    return account, contact


@pytest.mark.parametrize("page", ["/crm/accounts/", "/crm/contacts/"])
def test_an_english_account_name_is_isolated_in_a_persian_list(client, rep, english_names, page):
    client.force_login(rep.user)
    client.cookies["django_language"] = "fa"
    assert "<bdi>Acme &lt;Beta&gt;</bdi>" in client.get(page).content.decode()


def test_an_english_contact_name_is_isolated_on_its_persian_page(client, rep, english_names):
    _account, contact = english_names
    client.force_login(rep.user)
    client.cookies["django_language"] = "fa"
    html = client.get(f"/crm/contacts/{contact.pk}/").content.decode()
    assert "<bdi>Jo Smith (EMEA)</bdi>" in html
