"""Two people, two browsers, one deal or contact (issue 18): the second save never silently
overwrites the first — in English and in Persian. axe-core audits every page they visit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from hamsu.core import roles
from hamsu.crm import services
from hamsu.crm.models import Contact, Opportunity
from hamsu.directory.models import Function, RoleTitle
from hamsu.funnel.models import LeadDefinition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {"conflict": "Someone else changed this record", "theirs": "Theirs (Hana Head)"},
    "fa": {"conflict": "کس دیگری آن را تغییر داد", "theirs": "مقدار دیگری (Hana Head)"},
}


@pytest.fixture
def static_files(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", interactive=False, verbosity=0)


def _signed_in(browser, live_server, user, language):
    page = browser.new_context(locale="en-US").new_page()
    page.set_default_timeout(15_000)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw")
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


@pytest.mark.parametrize("language", ["en", "fa"])
def test_two_people_change_a_deals_amount_and_the_second_chooses(
    browser, live_server, static_files, rep, head_of_sales, make_opportunity, language
):
    deal = make_opportunity(rep, name="Tender", amount="1000")
    mine = _signed_in(browser, live_server, rep.user, language)
    theirs = _signed_in(browser, live_server, head_of_sales.user, language)
    url = f"{live_server.url}/crm/opportunities/{deal.pk}/edit/"
    mine.goto(url)
    theirs.goto(url)
    theirs.fill("#id_amount", "7000")
    theirs.get_by_test_id("record-form").locator("button[type=submit]").click()
    theirs.wait_for_url(f"{live_server.url}/crm/opportunities/{deal.pk}/")
    mine.fill("#id_amount", "5000")
    mine.get_by_test_id("record-form").locator("button[type=submit]").click()
    box = mine.get_by_test_id("edit-conflict")
    box.wait_for()
    assert TEXT[language]["conflict"] in box.inner_text()
    assert TEXT[language]["theirs"] in box.inner_text()
    assert Opportunity.objects.get(pk=deal.pk).amount == Decimal("7000")
    mine.get_by_test_id("keep-theirs-amount").check()
    mine.get_by_test_id("record-form").locator("button[type=submit]").click()
    mine.wait_for_url(f"{live_server.url}/crm/opportunities/{deal.pk}/")
    assert Opportunity.objects.get(pk=deal.pk).amount == Decimal("7000")


@pytest.mark.parametrize("language", ["en", "fa"])
def test_two_people_change_different_fields_of_a_contact_and_both_stay(
    browser, live_server, static_files, rep, head_of_sales, language
):
    contact = services.contact_create(actor=None, last_name="Karimi", email="old@example.com", owner=rep)
    mine = _signed_in(browser, live_server, rep.user, language)
    theirs = _signed_in(browser, live_server, head_of_sales.user, language)
    url = f"{live_server.url}/crm/contacts/{contact.pk}/edit/"
    mine.goto(url)
    theirs.goto(url)
    theirs.fill("#id_email", "new@example.com")
    theirs.get_by_test_id("record-form").locator("button[type=submit]").click()
    theirs.wait_for_url(f"{live_server.url}/crm/contacts/{contact.pk}/")
    mine.fill("#id_phone", "+98 21 5555 0101")
    mine.get_by_test_id("record-form").locator("button[type=submit]").click()
    mine.wait_for_url(f"{live_server.url}/crm/contacts/{contact.pk}/")
    saved = Contact.objects.get(pk=contact.pk)
    assert (saved.email, saved.phone) == ("new@example.com", "+98 21 5555 0101")


def test_a_deal_moved_on_another_board_is_not_moved_again_from_a_stale_card(
    browser, live_server, static_files, rep, head_of_sales, make_opportunity
):
    deal = make_opportunity(rep, name="Board deal")
    mine = _signed_in(browser, live_server, rep.user, "en")
    mine.goto(f"{live_server.url}/crm/pipeline/")
    services.opportunity_move_stage(opportunity=deal, to_stage="qualifying", actor=head_of_sales.user)
    with mine.expect_response(lambda r: r.url.endswith(f"/opportunities/{deal.pk}/move/")) as moved:
        mine.get_by_test_id(f"move-{deal.pk}").select_option("needs_definition")
    assert moved.value.status == 409
    mine.locator("#board-error").wait_for()
    assert "already moved this deal" in mine.locator("#board-error").inner_text()
    # The board redraws itself with the deal where it really is.
    mine.get_by_test_id("column-qualifying").get_by_test_id(f"card-{deal.pk}").wait_for()
    assert Opportunity.objects.get(pk=deal.pk).stage == "qualifying"


RULES = {"theirs": "200", "mine": "50"}


def _propose_on_the_builder(page, employees: str):
    """The rule builder: a lead qualifies with at least this many employees."""
    page.select_option("#id_kind", "mql")
    page.select_option("#r-0-field", "employees")
    page.select_option("#r-0-op", "gte")
    page.fill("#r-0-value", employees)
    with page.expect_navigation():
        page.get_by_test_id("propose").click()


@pytest.mark.parametrize("language", ["en", "fa"])
def test_two_heads_propose_a_lead_definition_and_the_second_sees_both_and_keeps_theirs(
    browser, live_server, static_files, head_of_sales, make_person, language
):
    marketing = make_person(
        "Mahsa Marketing Head",
        role=roles.HEAD_OF_MARKETING,
        function=Function.DOWNSTREAM_MARKETING,
        title=RoleTitle.HEAD_OF_MARKETING,
    )
    mine = _signed_in(browser, live_server, marketing.user, language)
    theirs = _signed_in(browser, live_server, head_of_sales.user, language)
    url = f"{live_server.url}/funnel/definitions/"
    mine.goto(url)
    theirs.goto(url)
    for page, employees in ((theirs, RULES["theirs"]), (mine, RULES["mine"])):
        _propose_on_the_builder(page, employees)
    box = mine.get_by_test_id("edit-conflict")
    box.wait_for()
    assert TEXT[language]["theirs"] in box.inner_text()
    # Nothing of mine was proposed: only their version waits for approval.
    assert LeadDefinition.objects.filter(kind="mql").count() == 1
    mine.get_by_test_id("keep-theirs-rules").check()
    with mine.expect_navigation():
        mine.get_by_test_id("propose").click()
    assert list(LeadDefinition.objects.filter(kind="mql").values_list("rules", flat=True)) == [
        {"field": "employees", "op": "gte", "value": 200}
    ]
