"""A person logs in, opens the pipeline, moves a deal, and reads the product in Persian."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from hamsu.crm.models import StageEvent
from hamsu.crm.stages import Stage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def static_files(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", interactive=False, verbosity=0)


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw")
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(f"{live_server.url}/")


def test_move_a_deal_on_the_board_and_see_its_stage_event(
    page, live_server, static_files, rep, make_opportunity
):
    opp = make_opportunity(rep, name="Browser deal")
    log_in(page, live_server, rep.user)
    page.goto(f"{live_server.url}/crm/pipeline/")
    assert page.get_by_test_id(f"card-{opp.pk}").is_visible()
    with page.expect_response(lambda r: r.url.endswith(f"/opportunities/{opp.pk}/move/")) as moved:
        page.get_by_test_id(f"move-{opp.pk}").select_option(Stage.NEEDS_DEFINITION.value)
    assert moved.value.status == 204
    # The board reloads itself and the card now sits in its new column.
    page.get_by_test_id(f"column-{Stage.NEEDS_DEFINITION.value}").get_by_test_id(f"card-{opp.pk}").wait_for()
    assert StageEvent.objects.filter(opportunity=opp, to_stage=Stage.NEEDS_DEFINITION).exists()
    page.goto(f"{live_server.url}/crm/opportunities/{opp.pk}/")
    assert "Prospecting → Needs definition" in page.get_by_test_id("timeline").inner_text()


def test_switch_to_persian_right_to_left_with_jalali_dates(
    page, live_server, static_files, rep, make_opportunity
):
    opp = make_opportunity(rep, name="Persian deal")
    log_in(page, live_server, rep.user)
    page.goto(f"{live_server.url}/crm/opportunities/{opp.pk}/")
    page.get_by_test_id("language-switch").get_by_role("button").click()
    page.wait_for_function("document.documentElement.dir === 'rtl'")
    assert page.locator("html").get_attribute("lang") == "fa"
    # 2027-03-31 is 11 Farvardin 1406.
    assert page.get_by_test_id("expected-close").inner_text() == "۱۴۰۶/۰۱/۱۱"
    assert "فرصت" in page.content()
